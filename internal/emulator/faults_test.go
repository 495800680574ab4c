package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

const batchRoute = BatchStatusRoute

func TestInjectFaultsStatusSequence(t *testing.T) {
	e := New()
	token := e.NewAccessToken(DefaultTenantID, time.Hour)
	path := batchPath(SeedCustomerID, SeedBatchTrackingID)
	e.InjectFaults(batchRoute,
		Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"57"}}, Times: 2},
		Fault{Status: http.StatusServiceUnavailable},
	)

	// Neither a refused token nor Entra ID nor another route uses up a fault.
	if got := serve(e, http.MethodGet, path, nil, nil); got.status != http.StatusUnauthorized {
		t.Fatalf("without a token: status %d, want 401", got.status)
	}
	if got := requestToken(e, DefaultTenantID, validTokenForm(), nil); got.status != http.StatusOK {
		t.Fatalf("token request: status %d", got.status)
	}
	if got := getBatch(e, "/v1/customers/"+SeedCustomerID+"/devices", token); got.status != http.StatusNotFound {
		t.Fatalf("another route: status %d, want its own 404", got.status)
	}

	for i := range 2 {
		got := serve(e, http.MethodGet, path, http.Header{
			"Authorization":    {"Bearer " + token},
			"MS-RequestId":     {"aaaaaaaa-0000-4000-8000-000000000001"},
			"MS-CorrelationId": {"de894e18-f027-4ac0-8b5a-34f0c222af0c"},
		}, nil)
		if want := `{"statusCode":429,"message":"Rate limit is exceeded. Try again in 57 seconds."}`; got.status != 429 || got.body != want {
			t.Fatalf("request %d: status %d body %s, want 429 %s", i+1, got.status, got.body, want)
		}
		for name, want := range map[string]string{
			"Retry-After": "57", "MS-RequestId": "aaaaaaaa-0000-4000-8000-000000000001",
			"MS-CorrelationId": "de894e18-f027-4ac0-8b5a-34f0c222af0c", "MS-ServerId": serverID, "Content-Type": jsonContentType,
		} {
			if v := got.header.Values(name); len(v) != 1 || v[0] != want {
				t.Errorf("request %d: %s %q, want %q", i+1, name, v, want)
			}
		}
	}
	if got := getBatch(e, path, token); got.status != 503 || got.body != `{"code":503,"description":"Service Unavailable","data":[],"source":"PartnerFD"}` {
		t.Errorf("third request: status %d body %s, want Partner Center's 503", got.status, got.body)
	}
	if got := getBatch(e, path, token); got.status != http.StatusOK || got.body != seedPageBody {
		t.Errorf("after the faults: status %d body %s, want the seed batch", got.status, got.body)
	}
	if n := e.Attempts("aaaaaaaa-0000-4000-8000-000000000001"); n != 2 {
		t.Errorf("Attempts = %d, want 2", n)
	}
}

func TestInjectFaultsReplaceAndClear(t *testing.T) {
	e := New()
	token := e.NewAccessToken(DefaultTenantID, time.Hour)
	path := batchPath(SeedCustomerID, SeedBatchTrackingID)

	e.InjectFaults(batchRoute, Fault{Status: http.StatusBadGateway, Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<html>Bad Gateway</html>"), Times: -1})
	for i := range 3 {
		if got := getBatch(e, path, token); got.status != 502 || got.body != "<html>Bad Gateway</html>" || got.header.Get("Content-Type") != "text/html" {
			t.Fatalf("request %d: status %d Content-Type %q body %s, want the persistent 502", i+1, got.status, got.header.Get("Content-Type"), got.body)
		}
	}
	e.InjectFaults(strings.ToLower(batchRoute))
	if got := getBatch(e, path, token); got.status != http.StatusOK {
		t.Errorf("after clearing the route: status %d", got.status)
	}
	e.InjectFaults(batchRoute, Fault{Status: 500, Times: -1})
	e.ClearFaults()
	if got := getBatch(e, path, token); got.status != http.StatusOK {
		t.Errorf("after ClearFaults: status %d", got.status)
	}
}

func TestInjectFaultsPanicsOnInvalidStatus(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("InjectFaults with status 42 did not panic")
		}
	}()
	New().InjectFaults(batchRoute, Fault{Status: 42})
}

func TestFaultTruncate(t *testing.T) {
	e := New()
	token := e.NewAccessToken(DefaultTenantID, time.Hour)
	e.InjectFaults(batchRoute, Fault{Mode: FaultTruncate})
	got := getBatch(e, batchPath(SeedCustomerID, SeedBatchTrackingID), token)
	if want := seedPageBody[:len(seedPageBody)/2]; got.status != http.StatusOK || got.body != want || got.header.Get("Content-Length") != strconv.Itoa(len(want)) {
		t.Errorf("status %d Content-Length %s body %q, want the seed's first half", got.status, got.header.Get("Content-Length"), got.body)
	}
	if json.Valid([]byte(got.body)) {
		t.Error("the truncated body is valid JSON")
	}
}

func TestFaultDelay(t *testing.T) {
	e := New()
	token := e.NewAccessToken(DefaultTenantID, time.Hour)
	e.InjectFaults(batchRoute, Fault{Delay: 50 * time.Millisecond})
	start := time.Now()
	got := getBatch(e, batchPath(SeedCustomerID, SeedBatchTrackingID), token)
	if waited := time.Since(start); waited < 50*time.Millisecond || got.status != http.StatusOK || got.body != seedPageBody {
		t.Errorf("after %s: status %d, want the seed batch after at least 50ms", waited, got.status)
	}
}

// get sends a batch status request to a running emulator.
func get(t *testing.T, server *httptest.Server, token string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, server.URL+batchPath(SeedCustomerID, SeedBatchTrackingID), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return server.Client().Do(req)
}

func TestFaultDropConnection(t *testing.T) {
	e := New()
	server := httptest.NewServer(e)
	defer server.Close()
	token := e.NewAccessToken(DefaultTenantID, time.Hour)

	e.InjectFaults(batchRoute, Fault{Mode: FaultDropConnection})
	if resp, err := get(t, server, token); err == nil {
		resp.Body.Close()
		t.Fatalf("a dropped connection answered %s", resp.Status)
	}

	e.InjectFaults(batchRoute, Fault{Mode: FaultDropMidBody})
	resp, err := get(t, server, token)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) || string(body) != seedPageBody[:len(seedPageBody)/2] || resp.ContentLength != int64(len(seedPageBody)) {
		t.Errorf("read %q (Content-Length %d), error %v; want half the seed and an unexpected EOF", body, resp.ContentLength, err)
	}

	if resp, err := get(t, server, token); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("after the faults: %v", err)
	} else {
		resp.Body.Close()
	}
}

func TestFaultOversize(t *testing.T) {
	e := New()
	server := httptest.NewServer(e)
	defer server.Close()
	token := e.NewAccessToken(DefaultTenantID, time.Hour)
	e.InjectFaults(batchRoute, Fault{Mode: FaultOversize, Size: 1 << 20})
	resp, err := get(t, server, token)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var details struct {
		BatchTrackingID string            `json:"batchTrackingId"`
		DevicesStatus   []json.RawMessage `json:"devicesStatus"`
	}
	if len(body) <= 1<<20 || json.Unmarshal(body, &details) != nil || details.BatchTrackingID != SeedBatchTrackingID {
		t.Errorf("%d bytes, tracking ID %q: want valid JSON for the batch asked, over 1 MiB", len(body), details.BatchTrackingID)
	}
}

func TestParseFaults(t *testing.T) {
	faults, err := ParseFaults("429:57, 503,drop,drop-mid-body,truncate,html,malformed,200")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"429 Retry-After=[57] mode 0", "503 Retry-After=[] mode 0", "0 Retry-After=[] mode 3", "0 Retry-After=[] mode 2",
		"0 Retry-After=[] mode 1", "200 Retry-After=[] mode 0", "200 Retry-After=[] mode 0", "200 Retry-After=[] mode 0",
	}
	if len(faults) != len(want) {
		t.Fatalf("%d faults, want %d", len(faults), len(want))
	}
	for i, f := range faults {
		if got := fmt.Sprintf("%d Retry-After=%v mode %d", f.Status, f.Header.Values("Retry-After"), f.Mode); got != want[i] {
			t.Errorf("fault %d: %s, want %s", i+1, got, want[i])
		}
	}
	if faults[5].Header.Get("Content-Type") != "text/html" || json.Valid(faults[6].Body) {
		t.Error("html or malformed do not break the body")
	}
	for _, bad := range []string{"", "42", "429:soon", "teapot", "429:-1"} {
		if _, err := ParseFaults(bad); err == nil {
			t.Errorf("ParseFaults(%q) succeeded", bad)
		}
	}
}
