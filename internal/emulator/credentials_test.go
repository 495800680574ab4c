package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// testAudience is the token endpoint of DefaultTenantID as serve reaches it.
const testAudience = "http://example.com/" + DefaultTenantID + "/oauth2/v2.0/token"

// newTestCertificate returns a self-signed certificate and its key.
func newTestCertificate(t *testing.T) (*x509.Certificate, *rsa.PrivateKey) {
	t.Helper()
	c, err := NewClientCertificate()
	if err != nil {
		t.Fatal(err)
	}
	return c.Certificate, c.Key
}

// signAssertion signs a client assertion for DefaultClientID as MSAL does: PS256 with the
// certificate's SHA-256 thumbprint.
func signAssertion(t *testing.T, cert *x509.Certificate, key *rsa.PrivateKey, audience string, lifetime time.Duration) string {
	t.Helper()
	token := jwt.NewWithClaims(jwt.SigningMethodPS256, jwt.RegisteredClaims{
		Issuer: DefaultClientID, Subject: DefaultClientID, Audience: jwt.ClaimStrings{audience},
		ExpiresAt: jwt.NewNumericDate(time.Now().Add(lifetime)), ID: rand.Text(),
	})
	thumbprint := sha256.Sum256(cert.Raw)
	token.Header["x5t#S256"] = base64.StdEncoding.EncodeToString(thumbprint[:])
	signed, err := token.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

func assertionForm(assertion string) url.Values {
	form := withField("client_secret", "")
	form.Set("client_assertion_type", clientAssertionType)
	form.Set("client_assertion", assertion)
	return form
}

func TestClientAssertionSignedByRegisteredCertificate(t *testing.T) {
	cert, key := newTestCertificate(t)
	other, otherKey := newTestCertificate(t)
	e := New()
	e.RegisterCertificate(DefaultTenantID, DefaultClientID, cert)

	got := requestToken(e, DefaultTenantID, assertionForm(signAssertion(t, cert, key, testAudience, time.Minute)), nil)
	if got.status != http.StatusOK {
		t.Fatalf("status %d, body %s", got.status, got.body)
	}

	tests := []struct {
		name      string
		assertion string
		code      int
		message   string
	}{
		{"unregistered certificate", signAssertion(t, other, otherKey, testAudience, time.Minute), 700027,
			"The certificate with identifier used to sign the client assertion is not registered on application."},
		{"signed by another key", signAssertion(t, cert, otherKey, testAudience, time.Minute), 700027,
			"Client assertion failed signature validation."},
		{"expired", signAssertion(t, cert, key, testAudience, -time.Minute), 700024,
			"Client assertion is not within its valid time range."},
		{"another audience", signAssertion(t, cert, key, "https://login.example/token", time.Minute), 700212,
			"Client assertion audience claim does not match the token endpoint"},
		{"not a JWT", "not-a-jwt", 50027, "JWT token is invalid or malformed."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := requestToken(e, DefaultTenantID, assertionForm(tt.assertion), nil)
			var body entraError
			if err := json.Unmarshal([]byte(got.body), &body); err != nil {
				t.Fatal(err)
			}
			if got.status != http.StatusUnauthorized || body.Error != "invalid_client" || len(body.ErrorCodes) != 1 || body.ErrorCodes[0] != tt.code ||
				!strings.Contains(body.ErrorDescription, tt.message) {
				t.Errorf("status %d body %s; want 401 invalid_client AADSTS%d %q", got.status, got.body, tt.code, tt.message)
			}
		})
	}
}

func TestFederatedAssertion(t *testing.T) {
	e := New()
	const subject = "repo:contoso/autopilot:ref:refs/heads/main"
	e.RegisterFederatedCredential(DefaultTenantID, DefaultClientID, subject)

	got := requestToken(e, DefaultTenantID, assertionForm(e.IssueFederatedToken(subject, time.Minute)), nil)
	if got.status != http.StatusOK {
		t.Fatalf("status %d, body %s", got.status, got.body)
	}
	for name, tt := range map[string]struct {
		assertion string
		code      int
	}{
		"untrusted subject":  {e.IssueFederatedToken("repo:contoso/other:ref:refs/heads/main", time.Minute), 70021},
		"expired":            {e.IssueFederatedToken(subject, -time.Minute), 700024},
		"another issuer key": {New().IssueFederatedToken(subject, time.Minute), 700027},
	} {
		t.Run(name, func(t *testing.T) {
			got := requestToken(e, DefaultTenantID, assertionForm(tt.assertion), nil)
			var body entraError
			if err := json.Unmarshal([]byte(got.body), &body); err != nil {
				t.Fatal(err)
			}
			if got.status != http.StatusUnauthorized || len(body.ErrorCodes) != 1 || body.ErrorCodes[0] != tt.code {
				t.Errorf("status %d body %s; want 401 AADSTS%d", got.status, got.body, tt.code)
			}
		})
	}
}

func TestRefreshTokenGrant(t *testing.T) {
	e := New()
	refreshToken := e.NewRefreshToken(DefaultTenantID, DefaultClientID)
	form := func(token, scope string) url.Values {
		return url.Values{"grant_type": {"refresh_token"}, "client_id": {DefaultClientID}, "client_secret": {DefaultClientSecret},
			"refresh_token": {token}, "scope": {scope}}
	}
	got := requestToken(e, DefaultTenantID, form(refreshToken, delegatedScope+" offline_access"), nil)
	var token tokenResponse
	if err := json.Unmarshal([]byte(got.body), &token); err != nil || got.status != http.StatusOK {
		t.Fatalf("status %d body %s", got.status, got.body)
	}
	if token.RefreshToken == "" || token.RefreshToken == refreshToken || token.Scope != delegatedScope {
		t.Errorf("token response %s, want a new refresh token and scope %s", got.body, delegatedScope)
	}
	if got := getBatch(e, batchPath(SeedCustomerID, SeedBatchTrackingID), token.AccessToken); got.status != http.StatusOK {
		t.Errorf("Partner Center refused the delegated token: %d", got.status)
	}
	// The rotated token works too.
	if got := requestToken(e, DefaultTenantID, form(token.RefreshToken, delegatedScope), nil); got.status != http.StatusOK {
		t.Errorf("rotated refresh token: status %d body %s", got.status, got.body)
	}

	otherClient := e.NewRefreshToken(DefaultTenantID, "00000000-0000-4000-8000-000000000001")
	for name, tt := range map[string]struct {
		form    url.Values
		status  int
		code    int
		wantErr string
	}{
		"unknown refresh token":     {form("not-a-refresh-token", delegatedScope), http.StatusBadRequest, 9002313, "invalid_grant"},
		"another client's token":    {form(otherClient, delegatedScope), http.StatusBadRequest, 70000, "invalid_grant"},
		"app-only scope":            {form(refreshToken, partnerCenterScope), http.StatusBadRequest, 70011, "invalid_scope"},
		"no refresh token":          {form("", delegatedScope), http.StatusBadRequest, 900144, "invalid_request"},
		"wrong client secret first": {withField("grant_type", "refresh_token"), http.StatusUnauthorized, 7000215, "invalid_client"},
	} {
		t.Run(name, func(t *testing.T) {
			if name == "wrong client secret first" {
				tt.form.Set("client_secret", "wrong")
				tt.form.Set("refresh_token", refreshToken)
			}
			got := requestToken(e, DefaultTenantID, tt.form, nil)
			var body entraError
			if err := json.Unmarshal([]byte(got.body), &body); err != nil {
				t.Fatal(err)
			}
			if got.status != tt.status || body.Error != tt.wantErr || len(body.ErrorCodes) != 1 || body.ErrorCodes[0] != tt.code {
				t.Errorf("status %d body %s; want %d %s AADSTS%d", got.status, got.body, tt.status, tt.wantErr, tt.code)
			}
		})
	}
}

func TestInstanceMetadataToken(t *testing.T) {
	e := New()
	const identity = "6a1f0e2d-3c4b-4a59-8d7e-1f2a3b4c5d6e"
	e.RegisterManagedIdentity(DefaultTenantID, identity)
	path := "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=" + url.QueryEscape(partnerCenterResource) + "&client_id=" + identity
	metadata := http.Header{"Metadata": {"true"}}

	got := serve(e, http.MethodGet, path, metadata, nil)
	var token imdsToken
	if err := json.Unmarshal([]byte(got.body), &token); err != nil || got.status != http.StatusOK {
		t.Fatalf("status %d body %s", got.status, got.body)
	}
	if token.TokenType != "Bearer" || token.ExpiresIn != "3599" || token.ClientID != identity || token.Resource != partnerCenterResource {
		t.Errorf("token %s", got.body)
	}
	if got := getBatch(e, batchPath(SeedCustomerID, SeedBatchTrackingID), token.AccessToken); got.status != http.StatusOK {
		t.Errorf("Partner Center refused the managed identity's token: %d", got.status)
	}
	if n := e.TokenRequests(identity); n != 1 {
		t.Errorf("TokenRequests(%s) = %d, want 1", identity, n)
	}

	for name, tt := range map[string]struct {
		path   string
		header http.Header
		want   string
	}{
		"no Metadata header": {path, nil, "Required metadata header not specified"},
		"unknown identity":   {strings.Replace(path, identity, "00000000-0000-4000-8000-000000000009", 1), metadata, "Identity not found"},
		"system-assigned, none registered": {
			"/metadata/identity/oauth2/token?api-version=2018-02-01&resource=" + partnerCenterResource, metadata, "Identity not found"},
		"another resource": {strings.Replace(path, url.QueryEscape(partnerCenterResource), "https%3A%2F%2Fgraph.microsoft.com", 1), metadata,
			"AADSTS500011: The resource principal named https://graph.microsoft.com was not found"},
	} {
		t.Run(name, func(t *testing.T) {
			got := serve(e, http.MethodGet, tt.path, tt.header, nil)
			if got.status != http.StatusBadRequest || !strings.Contains(got.body, tt.want) {
				t.Errorf("status %d body %s; want 400 %q", got.status, got.body, tt.want)
			}
		})
	}
}

func TestOIDCRequestEndpoint(t *testing.T) {
	e := New()
	const subject = "sc://contoso/autopilot/partner-center"
	e.RegisterFederatedCredential(DefaultTenantID, DefaultClientID, subject)
	oidcRequestToken := e.NewOIDCRequestToken(subject)
	auth := http.Header{"Authorization": {"Bearer " + oidcRequestToken}}

	github := serve(e, http.MethodGet, "/oidc/token?api-version=2.0&audience="+url.QueryEscape(FederatedAudience), auth, nil)
	ado := serve(e, http.MethodPost, "/oidc/token?api-version=7.1&serviceConnectionId=c0ffee", auth, nil)
	var githubBody struct{ Value string }
	var adoBody struct{ OIDCToken string }
	if err := json.Unmarshal([]byte(github.body), &githubBody); err != nil || github.status != http.StatusOK {
		t.Fatalf("GitHub-style request: status %d body %s", github.status, github.body)
	}
	if err := json.Unmarshal([]byte(ado.body), &adoBody); err != nil || ado.status != http.StatusOK {
		t.Fatalf("Azure DevOps-style request: status %d body %s", ado.status, ado.body)
	}
	for _, token := range []string{githubBody.Value, adoBody.OIDCToken} {
		if got := requestToken(e, DefaultTenantID, assertionForm(token), nil); got.status != http.StatusOK {
			t.Errorf("the issued federated token did not sign in: %d %s", got.status, got.body)
		}
	}
	if got := serve(e, http.MethodGet, "/oidc/token?audience=x", http.Header{"Authorization": {"Bearer wrong"}}, nil); got.status != http.StatusUnauthorized {
		t.Errorf("wrong request token: status %d, want 401", got.status)
	}
}
