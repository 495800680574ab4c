package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// batchRoute is the emulator route of every batch status read.
const batchRoute = emulator.BatchStatusRoute

// fastRetry makes a fault ask for a short wait, so that tests do not sit
// through the exponential backoff meant for Partner Center.
var fastRetry = http.Header{"Retry-After-Ms": {"10"}}

// reliabilityConfig reads the seed batch through em, with settings (nil
// for none) added to the provider block and, when set, a read timeout.
func reliabilityConfig(em *testEmulator, settings attrs, readTimeout string) string {
	provider := em.providerConfig(settings)
	timeouts := ""
	if readTimeout != "" {
		timeouts = fmt.Sprintf("\n  timeouts {\n    read = %q\n  }", readTimeout)
	}
	return provider + fmt.Sprintf(`
data "partnercenter_device_batch_status" "test" {
  customer_id       = %q
  batch_tracking_id = %q%s
}
`, emulator.SeedCustomerID, emulator.SeedBatchTrackingID, timeouts)
}

// firstCallAttempts is how many requests the first batch status call made,
// counted by its MS-RequestId, which every retry repeats.
func firstCallAttempts(em *testEmulator) (int, error) {
	requests := partnerCenterRequests(em.Emulator)
	if len(requests) == 0 {
		return 0, fmt.Errorf("the emulator saw no Partner Center request")
	}
	id := requests[0].Header.Get("MS-RequestId")
	if id == "" {
		return 0, fmt.Errorf("the first request had no MS-RequestId")
	}
	return em.Attempts(id), nil
}

// expectAttempts checks the first call made exactly want requests.
func expectAttempts(em *testEmulator, want int) func(*terraform.State) error {
	return func(*terraform.State) error {
		got, err := firstCallAttempts(em)
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("the first call made %d requests with its MS-RequestId, want %d", got, want)
		}
		return nil
	}
}

// readSucceeds reads the seed batch with config, checking the read ended
// with the batch's status and the first call made attempts requests.
func readSucceeds(t *testing.T, em *testEmulator, config string, attempts int) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config:            config,
			ConfigStateChecks: []statecheck.StateCheck{expect("status", knownvalue.StringExact("finished"))},
			Check:             expectAttempts(em, attempts),
		}},
	})
}

// wrapped matches the regular expression re across the line breaks
// Terraform inserts into long diagnostics.
func wrapped(re string) string {
	return strings.ReplaceAll(re, " ", `\s+`)
}

// readFails reads the seed batch with config and expects an error matching
// every fragment, in order.
func readFails(t *testing.T, config string, fragments ...string) {
	t.Helper()
	readFailsIn(t, nil, config, fragments...)
}

// readFailsIn is readFails with a provider whose environment is env.
func readFailsIn(t *testing.T, env map[string]string, config string, fragments ...string) {
	t.Helper()
	for i, f := range fragments {
		fragments[i] = wrapped(f)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(env),
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: regexp.MustCompile(`(?s)` + strings.Join(fragments, ".*")),
		}},
	})
}

func TestAccReliability_throttledThenAnswered(t *testing.T) {
	em := newTestEmulator(t)
	em.InjectFaults(batchRoute,
		emulator.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"1"}}},
		emulator.Fault{Status: http.StatusTooManyRequests, Header: fastRetry},
	)
	readSucceeds(t, em, reliabilityConfig(em, nil, ""), 3)
}

func TestAccReliability_transientErrorsRetried(t *testing.T) {
	em := newTestEmulator(t)
	var faults []emulator.Fault
	for _, status := range []int{408, 500, 502, 503, 504} {
		faults = append(faults, emulator.Fault{Status: status, Header: fastRetry})
	}
	em.InjectFaults(batchRoute, faults...)
	// Five failures, then the answer: the default max_retries of 5 suffices.
	readSucceeds(t, em, reliabilityConfig(em, nil, ""), 6)
}

func TestAccReliability_maxRetriesExhausted(t *testing.T) {
	em := newTestEmulator(t)
	em.InjectFaults(batchRoute, emulator.Fault{Status: http.StatusServiceUnavailable, Header: fastRetry, Times: -1})
	readFails(t, reliabilityConfig(em, attrs{"max_retries": 2}, ""),
		"Partner Center unavailable", "HTTP status: 503 Service Unavailable", "Partner Center code: 503",
		`MS-RequestId: [0-9a-f-]{36}`, `MS-CorrelationId: [0-9a-f-]{36}`, "Attempts: 3", "Retry-After: 10ms", `max_retries`)
	if n, err := firstCallAttempts(em); err != nil || n != 3 {
		t.Errorf("first call made %d requests (%v), want 3", n, err)
	}
}

func TestAccReliability_maxRetriesFromEnvironment(t *testing.T) {
	em := newTestEmulator(t)
	em.InjectFaults(batchRoute, emulator.Fault{Status: http.StatusBadGateway, Header: fastRetry, Times: -1})
	readFailsIn(t, map[string]string{"PARTNERCENTER_MAX_RETRIES": "0"}, reliabilityConfig(em, nil, ""),
		"Partner Center unavailable", "HTTP status: 502 Bad Gateway", "Attempts: 1")
}

func TestAccReliability_notRetried(t *testing.T) {
	em := newTestEmulator(t)
	tests := []struct {
		status  int
		summary string
		hint    string
	}{
		{400, "Invalid request to Partner Center", `refused the request as sent`},
		{401, "Access denied by Partner Center", `permissions in Partner Center`},
		{403, "Access denied by Partner Center", `token is for the partner's tenant`},
		{404, "Device batch not found", `Check both IDs`},
		{409, "Conflict with Partner Center's state", `Run terraform plan to see the current state`},
	}
	var steps []resource.TestStep
	for _, tt := range tests {
		steps = append(steps, resource.TestStep{
			PreConfig: func() {
				em.InjectFaults(batchRoute, emulator.Fault{Status: tt.status, Header: fastRetry, Times: -1})
			},
			Config: reliabilityConfig(em, nil, ""),
			ExpectError: regexp.MustCompile(fmt.Sprintf(`(?s)%s.*HTTP status: %d .*Attempts: 1\n.*%s`,
				tt.summary, tt.status, wrapped(tt.hint))),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: providerFactories(nil), Steps: steps})
	if n := len(partnerCenterRequests(em.Emulator)); n != len(tests) {
		t.Errorf("%d Partner Center requests for %d refused reads, want one each", n, len(tests))
	}
}

func TestAccReliability_noRelationshipHint(t *testing.T) {
	em := newTestEmulator(t)
	em.InjectFaults(batchRoute, emulator.Fault{Status: http.StatusForbidden, Times: -1,
		Body: []byte(`{"code":20002,"description":"partner id 1 has no commerce relationship with the customer id 2","data":[],"source":"PartnerFD"}`)})
	readFails(t, reliabilityConfig(em, nil, ""), "Access denied by Partner Center", "Partner Center code: 20002",
		`no\s+relationship\s+with\s+that\s+customer`)
}

func TestAccReliability_unauthorizedCachedTokenRenewed(t *testing.T) {
	em := newTestEmulator(t)
	// The second read follows the first, so it finds the first's token cached.
	config := em.providerConfig() + batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, "") + fmt.Sprintf(`
data "partnercenter_device_batch_status" "second" {
  customer_id       = data.partnercenter_device_batch_status.test.customer_id
  batch_tracking_id = %q
}
`, emulator.ProcessingBatchTrackingID)
	secondPath := "/v1/customers/" + emulator.SeedCustomerID + "/batchJobStatus/" + emulator.ProcessingBatchTrackingID
	em.InjectFaults(secondPath, emulator.Fault{Status: http.StatusUnauthorized, Header: http.Header{"WWW-Authenticate": {"Bearer"}}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.partnercenter_device_batch_status.second", tfpath("status"), knownvalue.StringExact("processing")),
			},
			Check: func(*terraform.State) error {
				var second []emulator.Request
				for _, r := range partnerCenterRequests(em.Emulator) {
					if strings.EqualFold(r.Path, secondPath) {
						second = append(second, r)
					}
				}
				if len(second) < 2 {
					return fmt.Errorf("%d requests for the second batch, want the refused one and its retry", len(second))
				}
				refused, retried := second[0].Header, second[1].Header
				if refused.Get("MS-RequestId") != retried.Get("MS-RequestId") {
					return fmt.Errorf("the retry after 401 is a new call, not a retry")
				}
				if refused.Get("Authorization") == retried.Get("Authorization") {
					return fmt.Errorf("the retry after 401 sent the refused token again")
				}
				if n := em.Attempts(refused.Get("MS-RequestId")); n != 2 {
					return fmt.Errorf("the refused call made %d requests, want 2", n)
				}
				// MSAL would hand out its cached token again; a claims
				// challenge makes it ask Entra ID for a new one.
				for _, r := range em.Requests() {
					if strings.Contains(r.Form.Get("claims"), `"nbf"`) {
						return nil
					}
				}
				return fmt.Errorf("no token request carried the renewal's claims")
			},
		}},
	})
}

func TestAccReliability_retryAfterBeyondReadTimeout(t *testing.T) {
	em := newTestEmulator(t)
	em.InjectFaults(batchRoute, emulator.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"120"}}, Times: -1})
	// Nearly all of the 30s were left when the answer came: the provider
	// ended the read rather than sleep.
	readFails(t, reliabilityConfig(em, nil, "30s"), "Throttled by Partner Center", "HTTP status: 429 Too Many Requests",
		`Description: Rate limit is exceeded. Try again in 120 seconds.`, "Attempts: 1", "Retry-After: 2m0s",
		`asked to wait 2m0s before retrying, longer\s+than\s+the\s+(2[5-9]|30)s\s+left\s+of\s+the\s+read\s+\(timeouts \{ read \} = 30s\)`)
}

func TestAccReliability_readTimeoutBoundsRetries(t *testing.T) {
	em := newTestEmulator(t)
	em.InjectFaults(batchRoute,
		emulator.Fault{Status: http.StatusServiceUnavailable, Header: fastRetry},
		emulator.Fault{Delay: time.Minute, Times: -1},
	)
	readFails(t, reliabilityConfig(em, nil, "2s"), "Partner Center unavailable",
		`did not complete within timeouts \{ read \} = 2s`, "Last HTTP status: 503 Service Unavailable",
		"Last error: context deadline exceeded", `MS-RequestId: [0-9a-f-]{36}`, "Attempts: 2", "Retry-After: 10ms")
}

func TestAccReliability_requestTimeoutRetried(t *testing.T) {
	em := newTestEmulator(t)
	em.InjectFaults(batchRoute, emulator.Fault{Delay: time.Minute})
	// The first attempt is never answered. request_timeout bounds the
	// answered one too: far from what a round trip takes on a loaded
	// machine.
	readSucceeds(t, em, reliabilityConfig(em, attrs{"request_timeout": "2s"}, ""), 2)
}

func TestAccReliability_connectionDroppedRetried(t *testing.T) {
	em := newTestEmulator(t)
	em.InjectFaults(batchRoute, emulator.Fault{Mode: emulator.FaultDropConnection}, emulator.Fault{Mode: emulator.FaultDropMidBody})
	readSucceeds(t, em, reliabilityConfig(em, nil, ""), 3)
}

func TestAccReliability_noAnswerWithinReadTimeout(t *testing.T) {
	em := newTestEmulator(t)
	em.InjectFaults(batchRoute, emulator.Fault{Delay: time.Minute, Times: -1})
	readFails(t, reliabilityConfig(em, nil, "1s"), "Timed out reading the device batch status",
		`did not complete within timeouts { read } = 1s`, "Attempts: 1", "No answer came from Partner Center in time")
}

func TestAccReliability_connectionDroppedEveryTime(t *testing.T) {
	em := newTestEmulator(t)
	em.InjectFaults(batchRoute, emulator.Fault{Mode: emulator.FaultDropConnection, Times: -1})
	readFails(t, reliabilityConfig(em, attrs{"max_retries": 2}, ""), "Partner Center unavailable",
		`Partner Center could not be reached`, "Last error: ", "Attempts: 3")
	if got, err := firstCallAttempts(em); err != nil || got != 3 {
		t.Errorf("the emulator saw %d attempts (%v), want 3: the first and max_retries = 2 retries", got, err)
	}
}

func TestAccReliability_invalidResponses(t *testing.T) {
	em := newTestEmulator(t)
	tests := []struct {
		fault emulator.Fault
		want  string
	}{
		{emulator.Fault{Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<html><body>Sign in to the proxy</body></html>")}, `an HTML page, not\s+JSON`},
		{emulator.Fault{Body: []byte("Service Unavailable")}, `is not a JSON\s+object`},
		{emulator.Fault{Mode: emulator.FaultTruncate}, `is\s+truncated\s+after\s+\d+\s+bytes`},
		{emulator.Fault{Body: []byte(`{"batchTrackingId":"99999999-9999-4999-8999-999999999999","status":"finished"}`)},
			`is\s+for\s+batch\s+"99999999-9999-4999-8999-999999999999",\s+not\s+"` + emulator.SeedBatchTrackingID + `"`},
		{emulator.Fault{Mode: emulator.FaultOversize, Size: 65 << 20}, `larger\s+than\s+64\s+MiB`},
	}
	var steps []resource.TestStep
	for _, tt := range tests {
		steps = append(steps, resource.TestStep{
			PreConfig:   func() { em.InjectFaults(batchRoute, tt.fault) },
			Config:      reliabilityConfig(em, nil, ""),
			ExpectError: regexp.MustCompile(`(?s)Invalid response from Partner Center.*` + tt.want + `.*MS-RequestId:\s+[0-9a-f-]{36}.*proxy\s+or\s+gateway`),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: providerFactories(nil), Steps: steps})
}

func TestAccReliability_upperCaseGUIDsKeptInStateSentInLowerCase(t *testing.T) {
	em := newTestEmulator(t)
	customer, batch := strings.ToUpper(emulator.SeedCustomerID), strings.ToUpper(emulator.SeedBatchTrackingID)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: em.providerConfig() + batchStatusConfig(customer, batch, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("customer_id", knownvalue.StringExact(customer)),
				expect("batch_tracking_id", knownvalue.StringExact(batch)),
				expect("status", knownvalue.StringExact("finished")),
			},
			Check: func(*terraform.State) error {
				if want := "/v1/customers/" + emulator.SeedCustomerID + "/batchJobStatus/" + emulator.SeedBatchTrackingID; partnerCenterRequests(em.Emulator)[0].Path != want {
					return fmt.Errorf("path %q, want %q", partnerCenterRequests(em.Emulator)[0].Path, want)
				}
				return nil
			},
		}},
	})
}

func TestAccReliability_badInputAtPlanTime(t *testing.T) {
	em := newTestEmulator(t)
	planFails := func(config, want string) resource.TestStep {
		return resource.TestStep{Config: config, PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)` + wrapped(want))}
	}
	provider := func(attribute, value string) string {
		return fmt.Sprintf("provider \"partnercenter\" {\n  %s = %s\n}\n", attribute, value) + batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, "")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			planFails(em.providerConfig()+batchStatusConfig(emulator.SeedCustomerID, "{"+emulator.SeedBatchTrackingID+"}", ""),
				`Invalid GUID.*batch_tracking_id is "\{`+emulator.SeedBatchTrackingID+`\}"; write the GUID without braces`),
			planFails(em.providerConfig()+batchStatusConfig("47021739-3426-40bf-9601-61b4b6d7c79", emulator.SeedBatchTrackingID, ""),
				`Invalid GUID.*customer_id is "47021739-3426-40bf-9601-61b4b6d7c79"; the value must be a GUID`),
			// A default domain in place of the customer's ID: the data
			// source that finds the ID.
			planFails(em.providerConfig()+batchStatusConfig("contoso.onmicrosoft.com", emulator.SeedBatchTrackingID, ""),
				`Invalid GUID.*customer_id is "contoso\.onmicrosoft\.com"; the value must be a GUID such as 47021739-3426-40bf-9601-61b4b6d7c793\. `+
					`It looks like a domain: the partnercenter_customer data source finds the ID of the customer whose default domain it is: `+
					`data "partnercenter_customer" "this" \{ domain = "contoso\.onmicrosoft\.com" \}, then customer_id = data\.partnercenter_customer\.this\.customer_id\.`),
			planFails(provider("base_url", `"https://api.partnercenter.microsoft.com/#v1"`), `base_url: .* must not contain\s+a fragment`),
			planFails(provider("base_url", `"https://me:pw@api.partnercenter.microsoft.com"`), `base_url: .* must not contain\s+user information`),
			planFails(provider("base_url", `"https://api.partnercenter.microsoft.com/v1"`), `base_url: .* ends in\s+/v1; leave\s+out\s+/v1`),
			planFails(provider("base_url", `"https://:443"`), `base_url: .* has no\s+host\s+name`),
			planFails(provider("base_url", `"ftp://api.partnercenter.microsoft.com"`), `base_url: .* must use https`),
			planFails(provider("max_retries", "11"), `Attribute max_retries value must be between 0 and 10, got: 11`),
			planFails(provider("upload_part_size", "501"), `Attribute upload_part_size value must be between 1 and 500, got: 501`),
			// One error, the last of the output, saying what to write.
			planFails(provider("request_timeout", `"30"`), `Error: Invalid duration with provider[^\n]* on [^\n]* \d+: request_timeout = "30" `+
				`request_timeout: "30" is not a duration: write it with a unit, such as "30s"\. \z`),
			planFails(provider("request_timeout", `"soon"`), `Error: Invalid duration with provider[^\n]* on [^\n]* \d+: request_timeout = "soon" `+
				`request_timeout: "soon" is not a duration: write it as a number and a unit, such as "60s" or "2m"\. \z`),
			planFails(provider("request_timeout", `"0s"`), `request_timeout: "0s" is not a positive duration such as "60s" or "2m"\.`),
			planFails(em.providerConfig()+batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, `  timeouts {
    read = "five minutes"
  }`), `Invalid Attribute Value Time Duration.*read = "five minutes"`),
		},
	})
	if n := len(partnerCenterRequests(em.Emulator)); n != 0 {
		t.Errorf("bad input reached Partner Center %d times", n)
	}
}

func TestAccReliability_basePathPrefixAccepted(t *testing.T) {
	em := newTestEmulator(t)
	gateway := newPrefixedEmulator(t, em, "/partner-center")
	config := em.providerConfig(attrs{"base_url": gateway.url + "/partner-center/"})
	want := "/partner-center/v1/customers/" + emulator.SeedCustomerID + "/batchJobStatus/" + emulator.SeedBatchTrackingID
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config:            config + batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""),
			ConfigStateChecks: []statecheck.StateCheck{expect("status", knownvalue.StringExact("finished"))},
			Check: func(*terraform.State) error {
				if paths := gateway.paths(); !slices.Contains(paths, want) {
					return fmt.Errorf("the gateway saw %q, want a read of %s", paths, want)
				}
				return nil
			},
		}},
	})
}

func TestAccReliability_invalidRetrySettingsFromEnvironment(t *testing.T) {
	em := newTestEmulator(t)
	for variable, want := range map[string]string{
		"PARTNERCENTER_MAX_RETRIES":      `environment variable PARTNERCENTER_MAX_RETRIES is invalid: "eleven" is not a\s+whole number from 0 to 10`,
		"PARTNERCENTER_REQUEST_TIMEOUT":  `environment variable PARTNERCENTER_REQUEST_TIMEOUT is invalid: "-1s" is not\s+a positive duration`,
		"PARTNERCENTER_UPLOAD_PART_SIZE": `environment variable PARTNERCENTER_UPLOAD_PART_SIZE is invalid: "0" is not\s+a whole number from 1 to 500`,
	} {
		t.Run(variable, func(t *testing.T) {
			env := map[string]string{variable: map[string]string{"PARTNERCENTER_MAX_RETRIES": "eleven", "PARTNERCENTER_REQUEST_TIMEOUT": "-1s",
				"PARTNERCENTER_UPLOAD_PART_SIZE": "0"}[variable]}
			readFailsIn(t, env, reliabilityConfig(em, nil, ""), "Invalid provider configuration", want)
		})
	}
}

// tfpath is the state path of a top-level attribute.
func tfpath(attribute string) tfjsonpath.Path {
	return tfjsonpath.New(attribute)
}

// gateway is an API gateway publishing an emulator below a path prefix.
type gateway struct {
	// url is the gateway's https root.
	url  string
	mu   sync.Mutex
	seen []string
}

// paths returns the paths of the requests the gateway received, in order.
func (g *gateway) paths() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.seen)
}

// newPrefixedEmulator serves em's Partner Center below prefix, as an API
// gateway publishing it there would.
func newPrefixedEmulator(t *testing.T, em *testEmulator, prefix string) *gateway {
	t.Helper()
	tlsConfig, err := testCA.ServerTLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	g := &gateway{}
	strip := http.StripPrefix(prefix, em.Emulator)
	server := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		g.seen = append(g.seen, r.URL.Path)
		g.mu.Unlock()
		strip.ServeHTTP(w, r)
	}))
	server.TLS = tlsConfig
	server.StartTLS()
	t.Cleanup(server.Close)
	g.url = server.URL
	return g
}

// unexpectedServiceError is Partner Center's documented 500 ApiFault.
var unexpectedServiceError = []byte(`{"code":800003,"description":"Unexpected service error","data":[],"source":"PartnerFD"}`)

// TestAccReliability_timeoutKeepsTheLastApiFault: a read that runs out of
// time while Partner Center keeps answering 500 with an ApiFault names that
// answer's status, code, description and request IDs, not only the
// deadline.
func TestAccReliability_timeoutKeepsTheLastApiFault(t *testing.T) {
	em := newTestEmulator(t)
	em.InjectFaults(batchRoute, emulator.Fault{Status: http.StatusInternalServerError, Body: unexpectedServiceError, Times: -1})
	// The jittered backoff may start an attempt just before the deadline,
	// which then cuts it off: the diagnostic adds that last error, and still
	// keeps the fault of the attempt before.
	readFails(t, reliabilityConfig(em, attrs{"max_retries": 10}, "3s"), "Partner Center unavailable",
		`did not complete within timeouts { read } = 3s`,
		`Last HTTP status: 500 Internal Server Error Partner Center code: 800003 Description: Unexpected service error (Last error: context deadline exceeded )?`+
			`MS-RequestId: [0-9a-f-]{36} MS-CorrelationId: [0-9a-f-]{36} Attempts: [0-9]+\n`)
}

// TestAccDeviceBatchStatus_waitTimeoutKeepsTheLastApiFault is the same for
// a wait whose polls keep failing.
func TestAccDeviceBatchStatus_waitTimeoutKeepsTheLastApiFault(t *testing.T) {
	em := newTestEmulator(t)
	em.InjectFaults(batchRoute, emulator.Fault{Status: http.StatusInternalServerError, Body: unexpectedServiceError, Times: -1})
	readFails(t, em.providerConfig(attrs{"max_retries": 10})+batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, `  wait_for_completion = true

  timeouts {
    read = "3s"
  }`), "Timed out waiting for the device batch to finish",
		// The wait, timed from its own start after the read's deadline is
		// set, may round to 2.9s; as above, an attempt the deadline cut off
		// adds its error.
		`gave up waiting for the batch after (2\.9|3(\.\d)?)s: no status was read; the last poll failed: the time allowed for the call ran out after [0-9]+ attempts; `+
			`the last answer was HTTP 500 Internal Server Error: error 800003: Unexpected service error \(MS-RequestId: [0-9a-f-]{36}, MS-CorrelationId: [0-9a-f-]{36}\)`+
			`(: context deadline exceeded)?\.`)
}
