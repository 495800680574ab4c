package partnercenter_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

const (
	customerID = "47021739-3426-40bf-9601-61b4b6d7c793"
	trackingID = "0127ed8e-ff72-4983-a3d8-e8d8bd378932"
)

// guid is an RFC 4122 version 4 GUID, lower case.
var guid = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// countingCredential hands out a fixed token and counts how often it was asked.
type countingCredential struct{ calls atomic.Int32 }

func (c *countingCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.calls.Add(1)
	return azcore.AccessToken{Token: "test-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// recorder is a Partner Center stand-in that answers with the queued
// responses in turn and keeps the request headers it saw.
type recorder struct {
	mu        sync.Mutex
	responses []func(http.ResponseWriter)
	headers   []http.Header
	paths     []string
	// uris are the paths with their queries, as sent.
	uris []string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.headers = append(r.headers, req.Header.Clone())
	r.paths = append(r.paths, req.URL.EscapedPath())
	r.uris = append(r.uris, req.URL.RequestURI())
	respond := r.responses[0]
	if len(r.responses) > 1 {
		r.responses = r.responses[1:]
	}
	respond(w)
}

func answer(status int, body string, header ...string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

func newTestClient(t *testing.T, rec *recorder, cred azcore.TokenCredential) *partnercenter.Client {
	t.Helper()
	server := httptest.NewServer(rec)
	t.Cleanup(server.Close)
	client, err := partnercenter.NewClient(partnercenter.Options{
		BaseURL:    server.URL + "/",
		Credential: cred,
		Locale:     "fr-FR",
		UserAgent:  "terraform-provider-partnercenter/1.2.3 Terraform/1.8.5",
		MaxRetries: 2,
		ClientOptions: policy.ClientOptions{Retry: policy.RetryOptions{
			RetryDelay: time.Millisecond, MaxRetryDelay: time.Millisecond,
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// waitContext bounds a test that waits for a batch: a wait that never ends,
// say because a terminal status is no longer taken as one, fails the test
// after 30 s instead of hanging the package until go test's own limit.
// (testContext is its twin for the package's internal tests.)
func waitContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestGetBatchStatusSendsPartnerCenterHeaders(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){answer(http.StatusOK, seedResponse)}}
	client := newTestClient(t, rec, &countingCredential{})

	got, err := client.GetBatchStatus(context.Background(), customerID, trackingID)
	if err != nil {
		t.Fatal(err)
	}
	if got.BatchTrackingID != trackingID || got.Status != partnercenter.StatusFinished || len(got.DevicesStatus) != 1 {
		t.Errorf("got %+v", got)
	}
	if want := "/v1/customers/" + customerID + "/batchJobStatus/" + trackingID; rec.paths[0] != want {
		t.Errorf("path %q, want %q", rec.paths[0], want)
	}
	h := rec.headers[0]
	for name, want := range map[string]string{
		"Authorization":       "Bearer test-token",
		"Accept":              "application/json",
		"Ms-Contract-Version": "v1",
		"X-Locale":            "fr-FR",
		"User-Agent":          "terraform-provider-partnercenter/1.2.3 Terraform/1.8.5",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("header %s = %q, want %q", name, got, want)
		}
	}
	for _, name := range []string{"MS-RequestId", "MS-CorrelationId"} {
		if !guid.MatchString(h.Get(name)) {
			t.Errorf("header %s = %q, want a GUID", name, h.Get(name))
		}
	}
}

func TestRetriesKeepRequestIDAndCallsGetNewOnes(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){
		answer(http.StatusServiceUnavailable, `{"code":800003,"description":"Unexpected service error"}`),
		answer(http.StatusOK, seedResponse),
	}}
	cred := &countingCredential{}
	client := newTestClient(t, rec, cred)

	for range 2 {
		if _, err := client.GetBatchStatus(context.Background(), customerID, trackingID); err != nil {
			t.Fatal(err)
		}
	}
	if len(rec.headers) != 3 {
		t.Fatalf("%d requests, want 3 (a retried call, then one more)", len(rec.headers))
	}
	first, retry, second := rec.headers[0], rec.headers[1], rec.headers[2]
	if first.Get("MS-RequestId") != retry.Get("MS-RequestId") {
		t.Errorf("retry changed MS-RequestId from %q to %q", first.Get("MS-RequestId"), retry.Get("MS-RequestId"))
	}
	if first.Get("MS-RequestId") == second.Get("MS-RequestId") || first.Get("MS-CorrelationId") == second.Get("MS-CorrelationId") {
		t.Errorf("a new call reused the IDs of the previous one: %v / %v", first, second)
	}
	if n := cred.calls.Load(); n != 1 {
		t.Errorf("credential asked %d times for three requests, want 1 (the token is cached)", n)
	}
}

func TestGetBatchStatusEscapesPathSegments(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){answer(http.StatusNotFound, `{}`)}}
	client := newTestClient(t, rec, &countingCredential{})
	_, _ = client.GetBatchStatus(context.Background(), "a/b", "c?d")
	if want := "/v1/customers/a%2Fb/batchJobStatus/c%3Fd"; rec.paths[0] != want {
		t.Errorf("path %q, want %q", rec.paths[0], want)
	}
}

func TestGetBatchStatusErrors(t *testing.T) {
	tests := []struct {
		name     string
		respond  func(http.ResponseWriter)
		want     partnercenter.ResponseError
		wantText string
	}{
		{
			name: "ApiFault with numeric code, IDs echoed by Partner Center",
			respond: answer(http.StatusForbidden, `{"code":2032,"description":"Access denied","data":[],"source":"PartnerFD"}`,
				"MS-RequestId", "11111111-1111-1111-1111-111111111111", "MS-CorrelationId", "22222222-2222-2222-2222-222222222222"),
			want: partnercenter.ResponseError{StatusCode: 403, Code: "2032", Description: "Access denied",
				RequestID: "11111111-1111-1111-1111-111111111111", CorrelationID: "22222222-2222-2222-2222-222222222222"},
			wantText: "Partner Center answered HTTP 403 Forbidden: error 2032: Access denied (MS-RequestId: 11111111-1111-1111-1111-111111111111, MS-CorrelationId: 22222222-2222-2222-2222-222222222222)",
		},
		{
			name:     "ApiFault with string code",
			respond:  answer(http.StatusNotFound, `{"code":"60003","description":"Tenant not found"}`),
			want:     partnercenter.ResponseError{StatusCode: 404, Code: "60003", Description: "Tenant not found"},
			wantText: "Partner Center answered HTTP 404 Not Found: error 60003: Tenant not found (MS-RequestId: ",
		},
		{
			name: "ApiFault with data",
			respond: answer(http.StatusBadRequest, `{"code":800002,"description":"Invalid request input",`+
				`"data":["Device 0 has no id.",{"field":"devices"},"Device 1 has no id."],"source":"PartnerFD"}`),
			want: partnercenter.ResponseError{StatusCode: 400, Code: "800002", Description: "Invalid request input",
				Details: []string{"Device 0 has no id.", "Device 1 has no id."}},
			wantText: "HTTP 400 Bad Request: error 800002: Invalid request input (Device 0 has no id.; Device 1 has no id.) (MS-RequestId: ",
		},
		{
			name:     "ApiFault whose data is not an array",
			respond:  answer(http.StatusBadRequest, `{"code":800002,"description":"Invalid request input","data":{"field":"devices"}}`),
			want:     partnercenter.ResponseError{StatusCode: 400, Code: "800002", Description: "Invalid request input"},
			wantText: "HTTP 400 Bad Request: error 800002: Invalid request input (MS-RequestId: ",
		},
		{
			name:     "throttling body",
			respond:  answer(http.StatusConflict, `{"statusCode":429,"message":"Rate limit is exceeded. Try again in 57 seconds."}`),
			want:     partnercenter.ResponseError{StatusCode: 409, Description: "Rate limit is exceeded. Try again in 57 seconds."},
			wantText: "HTTP 409 Conflict: Rate limit is exceeded. Try again in 57 seconds.",
		},
		{
			name:     "body that is not JSON",
			respond:  answer(http.StatusBadRequest, `<html>Bad Request</html>`),
			want:     partnercenter.ResponseError{StatusCode: 400},
			wantText: "Partner Center answered HTTP 400 Bad Request (MS-RequestId: ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{responses: []func(http.ResponseWriter){tt.respond}}
			client := newTestClient(t, rec, &countingCredential{})
			_, err := client.GetBatchStatus(context.Background(), customerID, trackingID)
			var got *partnercenter.ResponseError
			if !errors.As(err, &got) {
				t.Fatalf("error %v (%T), want a *ResponseError", err, err)
			}
			want := tt.want
			want.Attempts = 1
			if want.RequestID == "" {
				// Partner Center echoed nothing: the IDs this client sent stand in.
				want.RequestID, want.CorrelationID = rec.headers[0].Get("MS-RequestId"), rec.headers[0].Get("MS-CorrelationId")
			}
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("got %+v\nwant %+v", *got, want)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error text %q does not contain %q", err.Error(), tt.wantText)
			}
			if notFound := partnercenter.KindOf(got) == partnercenter.KindNotFound; notFound != (want.StatusCode == http.StatusNotFound) {
				t.Errorf("KindOf() is not found: %v, for status %d", notFound, want.StatusCode)
			}
		})
	}
}

func TestGetBatchStatusRejectsMalformedBody(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){answer(http.StatusOK, `{"status":"finished","startedTime":"soon"}`)}}
	client := newTestClient(t, rec, &countingCredential{})
	_, err := client.GetBatchStatus(context.Background(), customerID, trackingID)
	if !errors.Is(err, partnercenter.ErrInvalidResponse) || !strings.Contains(err.Error(), `"soon" is not a date-time`) || !strings.Contains(err.Error(), `(MS-RequestId: `) {
		t.Errorf("error = %v", err)
	}
}

func TestNewClientValidatesOptions(t *testing.T) {
	if _, err := partnercenter.NewClient(partnercenter.Options{BaseURL: "http://partner.example.com", Credential: &countingCredential{}}); err == nil ||
		!strings.Contains(err.Error(), "not a loopback address") {
		t.Errorf("http to a remote host: error = %v", err)
	}
	if _, err := partnercenter.NewClient(partnercenter.Options{BaseURL: "https://api.partnercenter.microsoft.com"}); err == nil ||
		!strings.Contains(err.Error(), "a credential is required") {
		t.Errorf("no credential: error = %v", err)
	}
}

func TestAccessTokenCredential(t *testing.T) {
	cred, err := partnercenter.NewCredential(partnercenter.CredentialOptions{AccessToken: "raw-token", ClientSecret: "ignored"})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{responses: []func(http.ResponseWriter){answer(http.StatusOK, seedResponse)}}
	client := newTestClient(t, rec, cred)
	if _, err := client.GetBatchStatus(context.Background(), customerID, trackingID); err != nil {
		t.Fatal(err)
	}
	if got := rec.headers[0].Get("Authorization"); got != "Bearer raw-token" {
		t.Errorf("Authorization = %q", got)
	}
}

func TestNewCredentialWithoutCompleteSettings(t *testing.T) {
	for _, o := range []partnercenter.CredentialOptions{
		{},
		{TenantID: "t", ClientID: "c"},
		{ClientID: "c", ClientSecret: "s"},
	} {
		if _, err := partnercenter.NewCredential(o); !errors.Is(err, partnercenter.ErrNoCredential) {
			t.Errorf("NewCredential(%+v) error = %v, want ErrNoCredential", o, err)
		}
	}
}

// scopeRecorder is a credential that keeps the scopes it is asked for.
type scopeRecorder struct {
	mu     sync.Mutex
	scopes [][]string
}

func (c *scopeRecorder) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.scopes = append(c.scopes, append([]string(nil), o.Scopes...))
	return azcore.AccessToken{Token: "test-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// The client asks its credential for the app-only scope, DefaultScope, not
// the delegated one a refresh token is redeemed for, unless Options.Scope
// names another.
func TestClientAsksForTheAppOnlyScope(t *testing.T) {
	for _, tt := range []struct {
		scope, want string
	}{
		{"", partnercenter.DefaultScope},
		{"https://api.partnercenter.microsoftonline.cn/.default", "https://api.partnercenter.microsoftonline.cn/.default"},
	} {
		cred := &scopeRecorder{}
		rec := &recorder{responses: []func(http.ResponseWriter){answer(http.StatusOK, seedResponse)}}
		client := retryClient(t, rec, cred, func(o *partnercenter.Options) { o.Scope = tt.scope })
		if _, err := client.GetBatchStatus(waitContext(t), customerID, trackingID); err != nil {
			t.Fatal(err)
		}
		if len(cred.scopes) != 1 || strings.Join(cred.scopes[0], " ") != tt.want {
			t.Errorf("with Scope %q the credential was asked for %q, want [[%s]]", tt.scope, cred.scopes, tt.want)
		}
	}
	if partnercenter.DefaultScope != "https://api.partnercenter.microsoft.com/.default" {
		t.Errorf("DefaultScope = %q, want Partner Center's app-only .default scope", partnercenter.DefaultScope)
	}
}
