package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// waitForEnvFile returns the env file at path once the command has written
// it, failing the test when it has not after 10 s: a watchdog far beyond a
// start-up, never reached when the command works.
func waitForEnvFile(t *testing.T, path string) []byte {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		env, err := os.ReadFile(path)
		if err == nil {
			return env
		}
		if time.Now().After(deadline) {
			t.Fatalf("no env file after 10 s: %v", err)
		}
	}
}

func TestRunServesUntilCancelled(t *testing.T) {
	dir := t.TempDir()
	envFile := filepath.Join(dir, "emulator.env")
	fixtures := filepath.Join(dir, "fixtures.json")
	if err := os.WriteFile(fixtures, []byte(`{"batches":[{"customerId":"c1","response":{"batchTrackingId":"t1"}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, options{addr: "127.0.0.1:0", fixtures: fixtures, stateDir: filepath.Join(dir, "state"), envFile: envFile, faults: "429:7", pollRetryAfter: 2 * time.Second},
			&stdout, log.New(&stderr, "", 0))
	}()

	env := waitForEnvFile(t, envFile)
	caFile := filepath.Join(dir, "state", "ca.pem")
	want := regexp.MustCompile(`^unset PARTNERCENTER_ACCESS_TOKEN
export PARTNERCENTER_BASE_URL=(https://127\.0\.0\.1:\d+)
export PARTNERCENTER_AUTHORITY_HOST=https://127\.0\.0\.1:\d+/
export PARTNERCENTER_TENANT_ID=` + emulator.DefaultTenantID + `
export PARTNERCENTER_CLIENT_ID=` + emulator.DefaultClientID + `
export PARTNERCENTER_CLIENT_SECRET=` + emulator.DefaultClientSecret + `
export SSL_CERT_FILE=` + regexp.QuoteMeta(shellQuote(caFile)) + `
$`)
	m := want.FindSubmatch(env)
	if m == nil {
		t.Fatalf("env file:\n%s", env)
	}
	baseURL := string(m[1])

	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	resp, err := client.Get(baseURL + "/" + emulator.DefaultTenantID + "/v2.0/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"issuer":"`+baseURL+"/"+emulator.DefaultTenantID+`/v2.0"`)) {
		t.Errorf("discovery: status %d body %s", resp.StatusCode, body)
	}
	// The fixture file's batch is served, to a token from the emulator.
	resp, err = client.PostForm(baseURL+"/"+emulator.DefaultTenantID+"/oauth2/v2.0/token", url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {emulator.DefaultClientID},
		"client_secret": {emulator.DefaultClientSecret},
		"scope":         {"https://api.partnercenter.microsoft.com/.default"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var token struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&token)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodGet, baseURL+"/v1/customers/c1/batchJobStatus/t1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token.AccessToken)
	// -faults throttles the first batch status request.
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "7" {
		t.Errorf("first batch request: status %d Retry-After %q, want the injected 429", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != `{"batchTrackingId":"t1"}` {
		t.Errorf("fixture batch: status %d body %s", resp.StatusCode, body)
	}
	// The scheduled batch is queued when first read, and says when to poll again.
	scheduledPath := "/v1/customers/" + emulator.SeedCustomerID + "/batchJobStatus/" + emulator.ScheduledBatchTrackingID
	if req, err = http.NewRequest(http.MethodGet, baseURL+scheduledPath, nil); err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token.AccessToken)
	if resp, err = client.Do(req); err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(body, []byte(`"status":"queued"`)) || resp.Header.Get("Retry-After") != "2" {
		t.Errorf("scheduled batch: Retry-After %q, body %s; want 2 and queued", resp.Header.Get("Retry-After"), body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancellation")
	}

	for _, want := range []string{"listening on " + baseURL, emulator.DefaultClientSecret, caFile, emulator.SeedBatchTrackingID, "and the batches of " + fixtures, emulator.ScheduledBatchTrackingID, "get these faults in turn: 429:7"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
	wantLog := "GET /" + emulator.DefaultTenantID + "/v2.0/.well-known/openid-configuration 200\nPOST /" + emulator.DefaultTenantID + "/oauth2/v2.0/token 200\nGET /v1/customers/c1/batchJobStatus/t1 429\nGET /v1/customers/c1/batchJobStatus/t1 200\nGET " + scheduledPath + " 200\nshutting down\n"
	if stderr.String() != wantLog {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr.String(), wantLog)
	}
}

func TestRunFailsOnInvalidFixtures(t *testing.T) {
	fixtures := filepath.Join(t.TempDir(), "fixtures.json")
	if err := os.WriteFile(fixtures, []byte(`{"batches":[{"customerId":"c1","response":{}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), options{addr: "127.0.0.1:0", fixtures: fixtures}, io.Discard, log.New(io.Discard, "", 0))
	if err == nil || !strings.Contains(err.Error(), fixtures+": fixture batch 0: batch of customer c1 has no batchTrackingId") {
		t.Errorf("error %v", err)
	}
}

func TestRunFailsOnInvalidFaults(t *testing.T) {
	err := run(context.Background(), options{addr: "127.0.0.1:0", faults: "429,teapot"}, io.Discard, log.New(io.Discard, "", 0))
	if err == nil || !strings.Contains(err.Error(), `-faults: fault "teapot" is neither an HTTP status nor one of`) {
		t.Errorf("error %v", err)
	}
}

func TestShellQuote(t *testing.T) {
	tests := map[string]string{
		"https://127.0.0.1:8443/":  "https://127.0.0.1:8443/",
		"/tmp/state/ca.pem":        "/tmp/state/ca.pem",
		"emulator-client-secret":   "emulator-client-secret",
		"/tmp/my state/ca.pem":     `'/tmp/my state/ca.pem'`,
		"it's":                     `'it'\''s'`,
		"$HOME":                    `'$HOME'`,
		"":                         `''`,
		"a;rm -rf /":               `'a;rm -rf /'`,
		"C:\\Users\\me\\ca.pem":    `'C:\Users\me\ca.pem'`,
		"tenant=8f3b9c21,name@x%y": "tenant=8f3b9c21,name@x%y",
	}
	for in, want := range tests {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestBaseURL(t *testing.T) {
	tests := []struct {
		addr  string
		plain bool
		want  string
	}{
		{"127.0.0.1:8443", false, "https://127.0.0.1:8443"},
		{"[::1]:8443", false, "https://[::1]:8443"},
		{"0.0.0.0:8443", false, "https://127.0.0.1:8443"},
		{"[::]:8443", false, "https://127.0.0.1:8443"},
		{"127.0.0.1:8443", true, "http://127.0.0.1:8443"},
		{"[::1]:8443", true, "http://[::1]:8443"},
	}
	for _, tt := range tests {
		tcp, err := net.ResolveTCPAddr("tcp", tt.addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := baseURL(tcp, tt.plain); got != tt.want {
			t.Errorf("baseURL(%s, %t) = %s, want %s", tt.addr, tt.plain, got, tt.want)
		}
	}
}

// Every -faults keyword works through the command's handler, whose request
// logger must let the emulator flush and hijack the connection.
func TestFaultKeywordsThroughTheCommandsHandler(t *testing.T) {
	em := emulator.New()
	faults, err := emulator.ParseFaults("drop,reset,drop-mid-body,truncate,html,malformed,429:7,503,200")
	if err != nil {
		t.Fatal(err)
	}
	em.InjectFaults(emulator.BatchStatusRoute, faults...)
	var logged lockedBuffer
	// A request is logged once its handler returns, which may be after the
	// client has its answer, and Close does not wait for the handlers of
	// the connections the drop faults took over: handlers counts them, so
	// that the log is read once every handler has returned rather than
	// polled until it looks complete. A handler starts before its client
	// can see any answer, so each is counted before the next request.
	var handlers sync.WaitGroup
	logging := logRequests(em, log.New(&logged, "", 0))
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handlers.Add(1)
		defer handlers.Done()
		logging.ServeHTTP(w, r)
	}))
	// A new connection for each request: Go's transport would silently
	// retry a GET whose reused connection is dropped, using two faults.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	token := em.NewAccessToken(emulator.DefaultTenantID, time.Hour)
	seed, err := os.ReadFile("../../emulator/fixtures/seed-batch-status.json")
	if err != nil {
		t.Fatal(err)
	}
	get := func() (*http.Response, []byte, error) {
		req, err := http.NewRequest(http.MethodGet, server.URL+"/v1/customers/"+emulator.SeedCustomerID+"/batchJobStatus/"+emulator.SeedBatchTrackingID, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp, body, err
	}

	if _, _, err := get(); err == nil || !errors.Is(err, io.EOF) {
		t.Errorf("drop: error %v, want EOF", err)
	}
	if _, _, err := get(); err == nil || !strings.Contains(err.Error(), "connection reset by peer") {
		t.Errorf("reset: error %v, want a connection reset", err)
	}
	if resp, body, err := get(); !errors.Is(err, io.ErrUnexpectedEOF) || resp.ContentLength != int64(len(seed)) || !bytes.Equal(body, seed[:len(seed)/2]) {
		t.Errorf("drop-mid-body: %d bytes, error %v; want the first half of the seed and an unexpected EOF", len(body), err)
	}
	if resp, body, err := get(); err != nil || resp.StatusCode != http.StatusOK || !bytes.Equal(body, seed[:len(seed)/2]) {
		t.Errorf("truncate: %d bytes, error %v", len(body), err)
	}
	if resp, body, err := get(); err != nil || resp.Header.Get("Content-Type") != "text/html" || !bytes.HasPrefix(body, []byte("<html>")) {
		t.Errorf("html: %v %q", err, body)
	}
	if resp, body, err := get(); err != nil || resp.StatusCode != http.StatusOK || json.Valid(body) {
		t.Errorf("malformed: %v %q", err, body)
	}
	if resp, body, err := get(); err != nil || resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "7" ||
		!strings.Contains(string(body), "Try again in 7 seconds") {
		t.Errorf("429:7: %v, %q", err, body)
	}
	if resp, _, err := get(); err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("503: %v", err)
	}
	for i := range 2 {
		if resp, body, err := get(); err != nil || resp.StatusCode != http.StatusOK || !bytes.Equal(body, seed) {
			t.Errorf("200 and after the faults (%d): %v", i, err)
		}
	}
	server.Close()
	handlers.Wait()
	if n := strings.Count(logged.String(), "\n"); n != 10 {
		t.Errorf("%d requests logged, want 10:\n%s", n, logged.String())
	}
}

// The command serves uploads to an app+user sign-in with the refresh token
// it writes, timed by its flags.
func TestRunServesUploads(t *testing.T) {
	dir := t.TempDir()
	envFile, tokenFile := filepath.Join(dir, "emulator.env"), filepath.Join(dir, "refresh-token")
	clock := emulator.NewManualClock(time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC))
	env, stdout := startRun(t, options{stateDir: dir, envFile: envFile, refreshTokenFile: tokenFile, jobQueuedFor: 100 * time.Millisecond, jobPerDevice: time.Millisecond,
		faults: "503", faultsRoute: emulator.DeviceBatchesRoute, answers: emulator.Answers{BareArrayLists: true}, clock: clock})
	baseURL := regexp.MustCompile(`PARTNERCENTER_BASE_URL=(\S+)`).FindSubmatch(env)[1]
	refreshToken, err := os.ReadFile(tokenFile)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(tokenFile); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("refresh token file mode %v, %v", info.Mode(), err)
	}
	pem, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}

	resp, err := client.PostForm(string(baseURL)+"/"+emulator.DefaultTenantID+"/oauth2/v2.0/token", url.Values{
		"grant_type":    {"refresh_token"},
		"client_id":     {emulator.DefaultClientID},
		"client_secret": {emulator.DefaultClientSecret},
		"refresh_token": {strings.TrimSpace(string(refreshToken))},
		"scope":         {"https://api.partnercenter.microsoft.com/user_impersonation"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var token struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&token)
	resp.Body.Close()
	if err != nil || token.AccessToken == "" {
		t.Fatalf("refresh token grant: %d %v", resp.StatusCode, err)
	}
	do := func(method, path, body string) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, string(baseURL)+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token.AccessToken)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	const customer = "c0c0c0c0-0000-4000-8000-000000000000"
	// -faults-route sends the fault to the batch creation.
	create := `{"batchId":"demo","devices":[{"productKey":"PK-1"},{"productKey":"PK-2"}]}`
	if resp, _ = do(http.MethodPost, "/v1/customers/"+customer+"/deviceBatches", create); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("first create: %d, want the injected 503", resp.StatusCode)
	}
	resp, _ = do(http.MethodPost, "/v1/customers/"+customer+"/deviceBatches", create)
	location := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusAccepted || !strings.HasPrefix(location, "/customers/"+customer+"/batchJobStatus/") {
		t.Fatalf("create: %d Location %q", resp.StatusCode, location)
	}
	// Queued for 100 ms, then a millisecond a device, on the clock the
	// test moves: finished 102 ms after the upload, not a moment before,
	// however fast the machine answers. A device's own status says
	// finished before the batch's does: the batch's is the one read.
	jobStatus := func() string {
		_, body := do(http.MethodGet, "/v1"+location, "")
		var job struct {
			Status string `json:"status"`
		}
		if err := json.Unmarshal(body, &job); err != nil {
			t.Fatalf("%v in %s", err, body)
		}
		return job.Status
	}
	var elapsed time.Duration
	for _, step := range []struct {
		after time.Duration
		want  string
	}{{0, "queued"}, {101 * time.Millisecond, "processing"}, {102 * time.Millisecond, "finished"}} {
		clock.Advance(step.after - elapsed)
		elapsed = step.after
		if got := jobStatus(); got != step.want {
			t.Errorf("%s after the upload: %s, want %s", step.after, got, step.want)
		}
	}
	// The answers chosen: the devices in a bare array.
	if _, body := do(http.MethodGet, "/v1/customers/"+customer+"/deviceBatches/demo/devices", ""); !bytes.HasPrefix(body, []byte(`[{"id":"`)) ||
		bytes.Count(body, []byte(`"attributes":{"objectType":"Device"}`)) != 2 {
		t.Errorf("devices: %s", body)
	}
	for _, want := range []string{"refresh token   " + tokenFile, "queued for 100ms, then take 1ms a device",
		"The first requests to /v1/customers/*/deviceBatches get these faults in turn: 503",
		"\nAnswers where Microsoft is silent: bare-array-lists=true\n"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
}

// lockedBuffer is a bytes.Buffer that handlers write and the test reads at
// the same time.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// environment is lookupEnv for parseOptions over vars.
func environment(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

func TestParseOptionsDefaults(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	o, err := parseOptions(nil, environment(nil), &out)
	want := options{addr: "127.0.0.1:8443", faultsRoute: emulator.BatchStatusRoute, pollRetryAfter: time.Second,
		jobQueuedFor: emulator.DefaultJobQueuedFor, jobPerDevice: emulator.DefaultJobPerDevice}
	if err != nil || o != want || out.Len() != 0 {
		t.Errorf("options %+v, error %v, output %q; want %+v", o, err, out.String(), want)
	}
}

func TestAnswerFlagsAndEnvironment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want emulator.Answers
	}{
		{"flags", []string{"-list-hardware-hashes", "-max-devices-per-upload", "500", "-status-expiry=24h", "-addr", ":0"}, nil,
			emulator.Answers{ListHardwareHashes: true, MaxDevicesPerUpload: 500, StatusExpiry: 24 * time.Hour}},
		{"environment variables", nil, map[string]string{
			"PARTNERCENTER_EMULATOR_PASCAL_CASE_ENUMS": "true", "PARTNERCENTER_EMULATOR_STATUS_EXPIRY": "90m", "PARTNERCENTER_EMULATOR_BARE_ARRAY_LISTS": "0",
			"PARTNERCENTER_EMULATOR_UNKNOWN": "true",
		}, emulator.Answers{PascalCaseEnums: true, StatusExpiry: 90 * time.Minute}},
		{"flags over environment variables", []string{"-list-hardware-hashes=false", "-max-devices-per-upload=20"}, map[string]string{
			"PARTNERCENTER_EMULATOR_LIST_HARDWARE_HASHES": "true", "PARTNERCENTER_EMULATOR_MAX_DEVICES_PER_UPLOAD": "10",
			"PARTNERCENTER_EMULATOR_CASE_SENSITIVE_BATCH_NAMES": "1",
		}, emulator.Answers{MaxDevicesPerUpload: 20, CaseSensitiveBatchNames: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			o, err := parseOptions(tt.args, environment(tt.env), &out)
			if err != nil || o.answers != tt.want || out.Len() != 0 {
				t.Errorf("answers %+v, error %v, output %q; want %+v", o.answers, err, out.String(), tt.want)
			}
		})
	}
}

// Every switch has its variable, named after it.
func TestEveryAnswerHasAnEnvironmentVariable(t *testing.T) {
	t.Parallel()
	env := map[string]string{}
	for _, s := range emulator.AnswerSwitches {
		env[answerEnv(s)] = "true"
	}
	env["PARTNERCENTER_EMULATOR_MAX_DEVICES_PER_UPLOAD"], env["PARTNERCENTER_EMULATOR_STATUS_EXPIRY"] = "7", "7s"
	o, err := parseOptions(nil, environment(env), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := "list-hardware-hashes=true, list-uploaded-fields-only=true, status-ids-only=true, failed-jobs-without-results=true, " +
		"policy-update-keeps-description=true, empty-settings-read-as-none=true, delete-assigned-policy=true, total-count-per-page=true, " +
		"pascal-case-enums=true, bare-array-lists=true, case-sensitive-batch-names=true, max-devices-per-upload=7, status-expiry=7s"
	if got := changedAnswers(o.answers); got != want {
		t.Errorf("answers %s\nwant %s", got, want)
	}
}

func TestInvalidAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		env  map[string]string
		// err is the error's text; output, what the command writes first.
		err, output string
	}{
		{"an invalid environment variable, though the flag is set", []string{"-max-devices-per-upload=5"},
			map[string]string{"PARTNERCENTER_EMULATOR_MAX_DEVICES_PER_UPLOAD": "-5"},
			`PARTNERCENTER_EMULATOR_MAX_DEVICES_PER_UPLOAD="-5": negative`,
			"partnercenter-emulator: PARTNERCENTER_EMULATOR_MAX_DEVICES_PER_UPLOAD=\"-5\": negative\n"},
		{"an invalid boolean variable", nil, map[string]string{"PARTNERCENTER_EMULATOR_STATUS_IDS_ONLY": "yes"},
			`PARTNERCENTER_EMULATOR_STATUS_IDS_ONLY="yes": not true or false`,
			"partnercenter-emulator: PARTNERCENTER_EMULATOR_STATUS_IDS_ONLY=\"yes\": not true or false\n"},
		{"an invalid flag", []string{"-status-expiry", "soon"}, nil,
			`invalid value "soon" for flag -status-expiry: not a duration such as 90s or 24h`,
			"invalid value \"soon\" for flag -status-expiry: not a duration such as 90s or 24h\nUsage: partnercenter-emulator [flags]\n"},
		{"arguments", []string{"-list-hardware-hashes", "extra"}, nil, `unexpected arguments ["extra"]`,
			"partnercenter-emulator: unexpected arguments [\"extra\"]\nUsage: partnercenter-emulator [flags]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			_, err := parseOptions(tt.args, environment(tt.env), &out)
			if err == nil || err.Error() != tt.err || !strings.HasPrefix(out.String(), tt.output) {
				t.Errorf("error %v, output:\n%s\nwant %s, output starting\n%s", err, out.String(), tt.err, tt.output)
			}
		})
	}
}

func TestHelpShowsTheAnswerFlags(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	_, err := parseOptions([]string{"-help"}, environment(map[string]string{"PARTNERCENTER_EMULATOR_STATUS_EXPIRY": "24h"}), &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Errorf("error %v, want flag.ErrHelp", err)
	}
	for _, want := range []string{
		"Usage: partnercenter-emulator [flags]\n",
		"  -list-hardware-hashes\n    \tdoes a device list carry hardwareHash? true: yes, as the .NET SDK's Device model allows; env PARTNERCENTER_EMULATOR_LIST_HARDWARE_HASHES\n",
		"  -max-devices-per-upload N\n",
		// A default from the environment is shown.
		"; env PARTNERCENTER_EMULATOR_STATUS_EXPIRY (default 24h0m0s)\n",
		"PARTNERCENTER_EMULATOR_LIST_HARDWARE_HASHES=true; the flag wins.\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("-help lacks %q:\n%s", want, out.String())
		}
	}
	// Unset, an answer flag shows no default of its own.
	for _, unwanted := range []string{"panic", "(default false)", "(default 0)", "(default 0s)"} {
		if strings.Contains(out.String(), unwanted) {
			t.Errorf("-help shows %q:\n%s", unwanted, out.String())
		}
	}
}

func TestBannerListsTheAnswersChosen(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		answers emulator.Answers
		want    string
	}{
		{emulator.Answers{}, ""},
		{emulator.Answers{ListHardwareHashes: true, StatusExpiry: 24 * time.Hour}, "\nAnswers where Microsoft is silent: list-hardware-hashes=true, status-expiry=24h0m0s\n"},
	} {
		var out bytes.Buffer
		printBanner(&out, settings{baseURL: "https://127.0.0.1:8443", caFile: "/tmp/ca.pem"}, options{faultsRoute: emulator.BatchStatusRoute, answers: tt.answers})
		_, after, _ := strings.Cut(out.String(), " a device.\n")
		if after != tt.want {
			t.Errorf("%+v: banner ends %q, want %q", tt.answers, after, tt.want)
		}
	}
}

// The banner tells a user trying the provider that customers need not be
// created, and how to make an upload's device fail with 806 or 808.
func TestBannerSaysAnyCustomerWorksAndHowDevicesFail(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	printBanner(&out, settings{baseURL: "https://127.0.0.1:8443", caFile: "/tmp/ca.pem"},
		options{faultsRoute: emulator.BatchStatusRoute, jobQueuedFor: time.Second, jobPerDevice: 100 * time.Millisecond})
	want := `
Any customer GUID works: customers need not be created. Device batches, devices and configuration policies start empty.
An upload's device fails when a device already in a batch has its hardware hash (else its product key, else its
serial number, manufacturer and model):
  806 ZtdDeviceAlreadyAssigned        the device is this customer's: upload it again, into any of its batches
  808 ZtdDeviceAssignedToOtherTenant  the device is another customer's: upload it under another customer GUID
Uploads and policy updates are queued for 1s, then take 100ms a device.
`
	if !strings.HasSuffix(out.String(), want) {
		t.Errorf("banner:\n%s\nwant it to end with:\n%s", out.String(), want)
	}
	out.Reset()
	printBanner(&out, settings{baseURL: "https://127.0.0.1:8443", caFile: "/tmp/ca.pem"},
		options{faultsRoute: emulator.BatchStatusRoute, strictCustomers: true})
	if strict := "\nOnly the customers listed below are served (-strict-customers). Device batches"; !strings.Contains(out.String(), strict) ||
		strings.Contains(out.String(), "Any customer GUID works") {
		t.Errorf("banner with -strict-customers:\n%s\nwant %q and not that any customer GUID works", out.String(), strict)
	}
}

// The package doc names every answer flag.
func TestDocNamesEveryAnswerFlag(t *testing.T) {
	t.Parallel()
	source, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	doc, _, _ := strings.Cut(string(source), "package main")
	for _, s := range emulator.AnswerSwitches {
		if !strings.Contains(doc, "-"+s.Name+",") && !strings.Contains(doc, "-"+s.Name+" ") && !strings.Contains(doc, "-"+s.Name+"\n") {
			t.Errorf("the package doc does not name -%s", s.Name)
		}
	}
}
