package emulator

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// validTokenForm is the form MSAL sends for a client secret sign-in to
// Partner Center: it adds the OpenID scopes to the one asked for.
func validTokenForm() url.Values {
	return url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {DefaultClientID},
		"client_secret": {DefaultClientSecret},
		"scope":         {"https://api.partnercenter.microsoft.com/.default openid offline_access profile"},
	}
}

// requestToken posts form to tenantID's token endpoint.
func requestToken(e *Emulator, tenantID string, form url.Values, header http.Header) response {
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	for name, values := range header {
		h[name] = values
	}
	return serve(e, http.MethodPost, "/"+tenantID+"/oauth2/v2.0/token", h, strings.NewReader(form.Encode()))
}

// withField returns validTokenForm with name set to value, or removed when
// value is empty.
func withField(name, value string) url.Values {
	form := validTokenForm()
	if value == "" {
		form.Del(name)
	} else {
		form.Set(name, value)
	}
	return form
}

func TestTokenEndpointIssuesTokens(t *testing.T) {
	tests := []struct {
		name     string
		tenantID string
		form     url.Values
	}{
		{"as MSAL asks", DefaultTenantID, validTokenForm()},
		{"only the .default scope", DefaultTenantID, withField("scope", "https://api.partnercenter.microsoft.com/.default")},
		{"tenant and client in upper case", strings.ToUpper(DefaultTenantID), withField("client_id", strings.ToUpper(DefaultClientID))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := New()
			got := requestToken(e, tt.tenantID, tt.form, nil)
			if got.status != http.StatusOK {
				t.Fatalf("status %d, want 200; body %s", got.status, got.body)
			}
			if ct := got.header.Get("Content-Type"); ct != jsonContentType {
				t.Errorf("Content-Type %q, want %q", ct, jsonContentType)
			}
			if cc := got.header.Get("Cache-Control"); cc != "no-store, no-cache" {
				t.Errorf("Cache-Control %q, want no-store, no-cache", cc)
			}
			var token map[string]any
			if err := json.Unmarshal([]byte(got.body), &token); err != nil {
				t.Fatal(err)
			}
			accessToken, _ := token["access_token"].(string)
			if len(token) != 4 || token["token_type"] != "Bearer" || token["expires_in"] != 3599.0 || token["ext_expires_in"] != 3599.0 || len(accessToken) < 32 {
				t.Errorf("token response %s", got.body)
			}
			if got := getBatch(e, batchPath(SeedCustomerID, SeedBatchTrackingID), accessToken); got.status != http.StatusOK {
				t.Errorf("Partner Center refused the issued token: status %d body %s", got.status, got.body)
			}
		})
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	const unknownTenant = "00000000-0000-4000-8000-0000000000aa"
	const unknownClient = "00000000-0000-4000-8000-0000000000bb"
	tests := []struct {
		name       string
		method     string
		tenantID   string
		form       url.Values
		wantStatus int
		wantError  string
		wantCode   int
		// wantMessage is the description between "AADSTSnnnn: " and the trace.
		wantMessage string
	}{
		{"unknown tenant", http.MethodPost, unknownTenant, validTokenForm(), http.StatusBadRequest, "invalid_request", 90002,
			"Tenant '" + unknownTenant + "' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."},
		{"unknown client", http.MethodPost, DefaultTenantID, withField("client_id", unknownClient), http.StatusBadRequest, "unauthorized_client", 700016,
			"Application with identifier '" + unknownClient + "' was not found in the directory '" + DefaultTenantID + "'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."},
		{"wrong secret", http.MethodPost, DefaultTenantID, withField("client_secret", "not-the-secret"), http.StatusUnauthorized, "invalid_client", 7000215,
			"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" + DefaultClientID + "'."},
		{"no secret", http.MethodPost, DefaultTenantID, withField("client_secret", ""), http.StatusUnauthorized, "invalid_client", 7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'."},
		{"scope of another resource", http.MethodPost, DefaultTenantID, withField("scope", "https://graph.microsoft.com/.default"), http.StatusBadRequest, "invalid_scope", 70011,
			"The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope https://graph.microsoft.com/.default is not valid."},
		{"delegated scope", http.MethodPost, DefaultTenantID, withField("scope", "https://api.partnercenter.microsoft.com/user_impersonation openid"), http.StatusBadRequest, "invalid_scope", 70011,
			"The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope https://api.partnercenter.microsoft.com/user_impersonation openid is not valid."},
		{"OpenID scopes only", http.MethodPost, DefaultTenantID, withField("scope", "openid profile"), http.StatusBadRequest, "invalid_scope", 70011,
			"The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope openid profile is not valid."},
		{"no scope", http.MethodPost, DefaultTenantID, withField("scope", ""), http.StatusBadRequest, "invalid_request", 900144,
			"The request body must contain the following parameter: 'scope'."},
		{"password grant", http.MethodPost, DefaultTenantID, withField("grant_type", "password"), http.StatusBadRequest, "unsupported_grant_type", 70003,
			"The app requested an unsupported grant type 'password'."},
		{"no grant type", http.MethodPost, DefaultTenantID, withField("grant_type", ""), http.StatusBadRequest, "invalid_request", 900144,
			"The request body must contain the following parameter: 'grant_type'."},
		{"no client ID", http.MethodPost, DefaultTenantID, withField("client_id", ""), http.StatusBadRequest, "invalid_request", 900144,
			"The request body must contain the following parameter: 'client_id'."},
		{"GET", http.MethodGet, DefaultTenantID, nil, http.StatusBadRequest, "invalid_request", 900561,
			"The endpoint only accepts POST, OPTIONS requests. Received a GET request."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := New()
			const correlationID = "5f2d1c3b-0000-4000-8000-000000000001"
			header := http.Header{"Client-Request-Id": {correlationID}}
			var got response
			if tt.method == http.MethodPost {
				got = requestToken(e, tt.tenantID, tt.form, header)
			} else {
				got = serve(e, tt.method, "/"+tt.tenantID+"/oauth2/v2.0/token", header, nil)
			}
			checkEntraError(t, got, tt.wantStatus, tt.wantError, tt.wantCode, tt.wantMessage, correlationID)
		})
	}
}

func TestTokenEndpointErrorWithoutClientRequestID(t *testing.T) {
	got := requestToken(New(), DefaultTenantID, withField("client_secret", "wrong"), nil)
	var body entraError
	if err := json.Unmarshal([]byte(got.body), &body); err != nil {
		t.Fatal(err)
	}
	if !guidPattern.MatchString(body.CorrelationID) || body.CorrelationID == body.TraceID {
		t.Errorf("correlation_id %q, want a new GUID of its own", body.CorrelationID)
	}
}

// checkEntraError checks an Entra ID error response field by field.
func checkEntraError(t *testing.T, got response, wantStatus int, wantError string, wantCode int, wantMessage, correlationID string) {
	t.Helper()
	if got.status != wantStatus {
		t.Errorf("status %d, want %d", got.status, wantStatus)
	}
	if ct := got.header.Get("Content-Type"); ct != jsonContentType {
		t.Errorf("Content-Type %q, want %q", ct, jsonContentType)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(got.body), &body); err != nil {
		t.Fatalf("body %s: %v", got.body, err)
	}
	if len(body) != 7 {
		t.Errorf("body has %d fields, want 7: %s", len(body), got.body)
	}
	if body["error"] != wantError {
		t.Errorf("error %v, want %s", body["error"], wantError)
	}
	if codes, _ := body["error_codes"].([]any); len(codes) != 1 || codes[0] != float64(wantCode) {
		t.Errorf("error_codes %v, want [%d]", body["error_codes"], wantCode)
	}
	if uri, want := body["error_uri"], "https://login.microsoftonline.com/error?code="+strconv.Itoa(wantCode); uri != want {
		t.Errorf("error_uri %v, want %s", uri, want)
	}
	traceID, _ := body["trace_id"].(string)
	timestamp, _ := body["timestamp"].(string)
	if !guidPattern.MatchString(traceID) {
		t.Errorf("trace_id %q, want a GUID", traceID)
	}
	if body["correlation_id"] != correlationID {
		t.Errorf("correlation_id %v, want %s", body["correlation_id"], correlationID)
	}
	if ts, err := time.Parse("2006-01-02 15:04:05Z", timestamp); err != nil || time.Since(ts) > time.Minute {
		t.Errorf("timestamp %q, want the current time as yyyy-mm-dd hh:mm:ssZ", timestamp)
	}
	wantDescription := "AADSTS" + strconv.Itoa(wantCode) + ": " + wantMessage + "\r\nTrace ID: " + traceID +
		"\r\nCorrelation ID: " + correlationID + "\r\nTimestamp: " + timestamp
	if body["error_description"] != wantDescription {
		t.Errorf("error_description %q\nwant %q", body["error_description"], wantDescription)
	}
}

func TestDiscoveryDocument(t *testing.T) {
	e := New()
	// The tenant in the path is matched case-insensitively; the document
	// names the tenant as registered.
	got := serve(e, http.MethodGet, "/"+strings.ToUpper(DefaultTenantID)+"/v2.0/.well-known/openid-configuration", nil, nil)
	if got.status != http.StatusOK {
		t.Fatalf("status %d, want 200; body %s", got.status, got.body)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(got.body), &doc); err != nil {
		t.Fatal(err)
	}
	// httptest.NewRequest addresses example.com over plain http.
	root := "http://example.com/" + DefaultTenantID
	want := map[string]any{
		"token_endpoint":         root + "/oauth2/v2.0/token",
		"authorization_endpoint": root + "/oauth2/v2.0/authorize",
		"issuer":                 root + "/v2.0",
		"jwks_uri":               root + "/discovery/v2.0/keys",
		"end_session_endpoint":   root + "/oauth2/v2.0/logout",
		"tenant_region_scope":    "NA",
		"cloud_instance_name":    "microsoftonline.com",
	}
	for field, value := range want {
		if doc[field] != value {
			t.Errorf("%s = %v, want %v", field, doc[field], value)
		}
	}
	methods, _ := doc["token_endpoint_auth_methods_supported"].([]any)
	if len(methods) == 0 || methods[0] != "client_secret_post" {
		t.Errorf("token_endpoint_auth_methods_supported %v, want client_secret_post first", methods)
	}
}

func TestDiscoveryDocumentOfUnknownTenant(t *testing.T) {
	const unknownTenant = "contoso.onmicrosoft.com"
	got := serve(New(), http.MethodGet, "/"+unknownTenant+"/v2.0/.well-known/openid-configuration",
		http.Header{"Client-Request-Id": {"5f2d1c3b-0000-4000-8000-000000000002"}}, nil)
	checkEntraError(t, got, http.StatusBadRequest, "invalid_tenant", 90002,
		"Tenant '"+unknownTenant+"' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.",
		"5f2d1c3b-0000-4000-8000-000000000002")
}

func TestUnknownEntraPath(t *testing.T) {
	for _, path := range []string{"/", "/" + DefaultTenantID + "/oauth2/token", "//oauth2/v2.0/token", "/" + DefaultTenantID + "/v2.0/.well-known/openid-configuration/x"} {
		if got := serve(New(), http.MethodGet, path, nil, nil); got.status != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, got.status)
		}
	}
}

func TestTokenRequests(t *testing.T) {
	e := New()
	const otherClient = "00000000-0000-4000-8000-0000000000cc"
	e.RegisterApp(DefaultTenantID, otherClient, "other-secret")
	requestToken(e, DefaultTenantID, validTokenForm(), nil)
	requestToken(e, DefaultTenantID, withField("client_id", strings.ToUpper(DefaultClientID)), nil)
	requestToken(e, DefaultTenantID, withField("client_secret", "wrong"), nil)
	requestToken(e, "00000000-0000-4000-8000-0000000000aa", validTokenForm(), nil)
	other := validTokenForm()
	other.Set("client_id", otherClient)
	other.Set("client_secret", "other-secret")
	if got := requestToken(e, DefaultTenantID, other, nil); got.status != http.StatusOK {
		t.Fatalf("second application: status %d body %s", got.status, got.body)
	}
	serve(e, http.MethodGet, "/"+DefaultTenantID+"/v2.0/.well-known/openid-configuration", nil, nil)

	want := map[string]int{DefaultClientID: 4, strings.ToUpper(DefaultClientID): 4, otherClient: 1, "00000000-0000-4000-8000-0000000000dd": 0}
	for clientID, n := range want {
		if got := e.TokenRequests(clientID); got != n {
			t.Errorf("TokenRequests(%s) = %d, want %d", clientID, got, n)
		}
	}
}

func TestRegisterAppReplacesSecret(t *testing.T) {
	e := New()
	e.RegisterApp(strings.ToUpper(DefaultTenantID), DefaultClientID, "rotated")
	if got := requestToken(e, DefaultTenantID, validTokenForm(), nil); got.status != http.StatusUnauthorized {
		t.Errorf("old secret: status %d, want 401", got.status)
	}
	if got := requestToken(e, DefaultTenantID, withField("client_secret", "rotated"), nil); got.status != http.StatusOK {
		t.Errorf("new secret: status %d, want 200; body %s", got.status, got.body)
	}
}
