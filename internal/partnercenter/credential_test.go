package partnercenter_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

const (
	federatedSubject = "repo:contoso/autopilot:ref:refs/heads/main"
	managedIdentity  = "6a1f0e2d-3c4b-4a59-8d7e-1f2a3b4c5d6e"
)

var tokenRequest = policy.TokenRequestOptions{Scopes: []string{partnercenter.DefaultScope}}

// signInEmulator is an emulator over TLS and the client options that trust
// it.
type signInEmulator struct {
	*emulator.Emulator
	url           string
	clientOptions policy.ClientOptions
}

func newSignInEmulator(t *testing.T) *signInEmulator {
	t.Helper()
	ca, err := emulator.NewCertificateAuthority()
	if err != nil {
		t.Fatal(err)
	}
	serverTLS, err := ca.ServerTLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	em := emulator.New()
	server := httptest.NewUnstartedServer(em)
	server.TLS = serverTLS
	server.StartTLS()
	t.Cleanup(server.Close)
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(ca.CertificatePEM())
	transport := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}}
	return &signInEmulator{Emulator: em, url: server.URL, clientOptions: policy.ClientOptions{
		Transport: transport,
		Retry:     policy.RetryOptions{MaxRetries: -1},
	}}
}

// options signs in to the emulator's default application with nothing
// configured yet.
func (e *signInEmulator) options() partnercenter.CredentialOptions {
	return partnercenter.CredentialOptions{
		TenantID:                 emulator.DefaultTenantID,
		ClientID:                 emulator.DefaultClientID,
		AuthorityHost:            e.url + "/",
		DisableInstanceDiscovery: true,
		ClientOptions:            e.clientOptions,
	}
}

// certificatePEM returns a new certificate and key as PEM, registered for
// the default application when register is true.
func (e *signInEmulator) certificatePEM(t *testing.T, register bool) []byte {
	t.Helper()
	c, err := emulator.NewClientCertificate()
	if err != nil {
		t.Fatal(err)
	}
	if register {
		e.RegisterCertificate(emulator.DefaultTenantID, emulator.DefaultClientID, c.Certificate)
	}
	return c.PEM
}

func writeFile(t *testing.T, path string, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func getToken(t *testing.T, o partnercenter.CredentialOptions) (string, error) {
	t.Helper()
	cred, err := partnercenter.NewCredential(o)
	if err != nil {
		t.Fatal(err)
	}
	token, err := cred.GetToken(context.Background(), tokenRequest)
	return token.Token, err
}

// TestCredentialOrder configures an earlier source so that Entra ID rejects
// it, and a later one that would work: the chain must stop at the earlier
// one, list the later one as not tried, and never show a secret.
func TestCredentialOrder(t *testing.T) {
	em := newSignInEmulator(t)
	em.RegisterFederatedCredential(emulator.DefaultTenantID, emulator.DefaultClientID, federatedSubject)
	em.RegisterManagedIdentity(emulator.DefaultTenantID, emulator.DefaultClientID)
	validCertificate := em.certificatePEM(t, true)
	unregisteredCertificate := em.certificatePEM(t, false)
	const wrongSecret = "wrong-secret-value"

	tests := []struct {
		name      string
		configure func(*partnercenter.CredentialOptions)
		want      *regexp.Regexp
	}{
		{"refresh token before OIDC", func(o *partnercenter.CredentialOptions) {
			o.RefreshToken, o.ClientSecret = "0.not-a-refresh-token", emulator.DefaultClientSecret
			o.UseOIDC, o.OIDCToken = true, em.IssueFederatedToken(federatedSubject, time.Hour)
		}, regexp.MustCompile(`(?s)- refresh token: failed: .*invalid_grant: AADSTS9002313.*- OIDC federated token: not tried, because the refresh token was rejected`)},
		{"OIDC before certificate", func(o *partnercenter.CredentialOptions) {
			o.UseOIDC, o.OIDCToken = true, em.IssueFederatedToken("repo:contoso/other:ref:refs/heads/main", time.Hour)
			o.ClientCertificate = validCertificate
		}, regexp.MustCompile(`(?s)- OIDC federated token: failed: .*AADSTS70021.*- client certificate: not tried, because the OIDC federated token was rejected`)},
		{"certificate before secret", func(o *partnercenter.CredentialOptions) {
			o.ClientCertificate, o.ClientSecret = unregisteredCertificate, emulator.DefaultClientSecret
		}, regexp.MustCompile(`(?s)- client certificate: failed: .*AADSTS700027.*- client secret: not tried, because the client certificate was rejected`)},
		{"secret before managed identity", func(o *partnercenter.CredentialOptions) {
			o.ClientSecret = wrongSecret
			o.UseManagedIdentity, o.ManagedIdentityEndpoint = true, em.url+"/metadata/identity/oauth2/token"
		}, regexp.MustCompile(`(?s)- client secret: failed: .*AADSTS7000215.*- managed identity: not tried, because the client secret was rejected`)},
		{"managed identity before Azure CLI", func(o *partnercenter.CredentialOptions) {
			o.ClientID = "00000000-0000-4000-8000-000000000009"
			o.UseManagedIdentity, o.ManagedIdentityEndpoint = true, em.url+"/metadata/identity/oauth2/token"
			o.UseAzureCLI = true
		}, regexp.MustCompile(`(?s)- managed identity: failed: .*Identity not found.*- Azure CLI: not tried, because the managed identity was rejected`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := em.options()
			tt.configure(&o)
			_, err := getToken(t, o)
			if err == nil || !tt.want.MatchString(err.Error()) {
				t.Fatalf("error %v\nwant it to match %s", err, tt.want)
			}
			if strings.Contains(err.Error(), wrongSecret) || strings.Contains(err.Error(), emulator.DefaultClientSecret) {
				t.Errorf("the error shows a secret: %v", err)
			}
		})
	}
}

func TestCredentialOrderEachSourceSignsIn(t *testing.T) {
	em := newSignInEmulator(t)
	em.RegisterFederatedCredential(emulator.DefaultTenantID, emulator.DefaultClientID, federatedSubject)
	em.RegisterManagedIdentity(emulator.DefaultTenantID, emulator.DefaultClientID)
	tests := map[string]func(*partnercenter.CredentialOptions){
		"refresh token": func(o *partnercenter.CredentialOptions) {
			o.RefreshToken, o.ClientSecret = em.NewRefreshToken(emulator.DefaultTenantID, emulator.DefaultClientID), emulator.DefaultClientSecret
		},
		"OIDC": func(o *partnercenter.CredentialOptions) {
			o.UseOIDC, o.OIDCToken = true, em.IssueFederatedToken(federatedSubject, time.Hour)
		},
		"certificate": func(o *partnercenter.CredentialOptions) { o.ClientCertificate = em.certificatePEM(t, true) },
		"secret":      func(o *partnercenter.CredentialOptions) { o.ClientSecret = emulator.DefaultClientSecret },
		"managed identity": func(o *partnercenter.CredentialOptions) {
			o.UseManagedIdentity, o.ManagedIdentityEndpoint = true, em.url+"/metadata/identity/oauth2/token"
		},
	}
	for name, configure := range tests {
		t.Run(name, func(t *testing.T) {
			o := em.options()
			configure(&o)
			if token, err := getToken(t, o); err != nil || token == "" {
				t.Errorf("token %q, error %v", token, err)
			}
		})
	}
	t.Run("access token comes first", func(t *testing.T) {
		o := em.options()
		o.AccessToken, o.ClientSecret = "raw-token", emulator.DefaultClientSecret
		before := em.TokenRequests(emulator.DefaultClientID)
		if token, err := getToken(t, o); err != nil || token != "raw-token" {
			t.Errorf("token %q, error %v; want the access token", token, err)
		}
		if em.TokenRequests(emulator.DefaultClientID) != before {
			t.Error("a token was requested although an access token was configured")
		}
	})
}

// closedURL is an https URL on loopback where nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := listener.Addr().String()
	if err := listener.Close(); err != nil {
		t.Fatal(err)
	}
	return "https://" + addr
}

// TestConfiguredSourceFailureStopsTheChain: a configured source that fails
// for any reason, not only Entra ID's refusal, stops the chain with its own
// error, so that a managed identity that would sign in, as another
// identity, is never asked.
func TestConfiguredSourceFailureStopsTheChain(t *testing.T) {
	em := newSignInEmulator(t)
	// The client ID names the user-assigned managed identity too.
	em.RegisterManagedIdentity(emulator.DefaultTenantID, emulator.DefaultClientID)
	tests := []struct {
		name      string
		configure func(t *testing.T, o *partnercenter.CredentialOptions) (rotate func())
		want      string
	}{
		{"missing OIDC token file", func(t *testing.T, o *partnercenter.CredentialOptions) func() {
			o.UseOIDC, o.OIDCTokenFilePath = true, filepath.Join(t.TempDir(), "missing-token")
			return nil
		}, `- OIDC federated token: failed: .*reading .*missing-token: no such file or directory.*- managed identity: not tried, because the OIDC federated token failed`},
		{"secret file emptied mid-rotation", func(t *testing.T, o *partnercenter.CredentialOptions) func() {
			path := filepath.Join(t.TempDir(), "secret")
			writeFile(t, path, emulator.DefaultClientSecret)
			o.ClientSecretFilePath = path
			return func() { writeFile(t, path, "") }
		}, `- client secret: failed: .*secret: secret can't be empty string.*- managed identity: not tried, because the client secret failed`},
		{"authority refusing connections", func(t *testing.T, o *partnercenter.CredentialOptions) func() {
			o.AuthorityHost, o.ClientSecret = closedURL(t)+"/", emulator.DefaultClientSecret
			return nil
		}, `- client secret: failed: .*connection refused.*- managed identity: not tried, because the client secret failed`},
		{"refresh token grant refusing connections", func(t *testing.T, o *partnercenter.CredentialOptions) func() {
			o.AuthorityHost, o.ClientSecret = closedURL(t)+"/", emulator.DefaultClientSecret
			o.RefreshToken = em.NewRefreshToken(emulator.DefaultTenantID, emulator.DefaultClientID)
			return nil
		}, `- refresh token: failed: refresh token grant: .*connection refused.*- managed identity: not tried, because the refresh token failed`},
		{"missing tenant ID", func(t *testing.T, o *partnercenter.CredentialOptions) func() {
			o.TenantID, o.ClientSecret = "", emulator.DefaultClientSecret
			return nil
		}, `- client secret: failed: configured, but it needs a tenant ID\n.*- managed identity: not tried, because the client secret failed`},
		{"certificate file replaced by garbage", func(t *testing.T, o *partnercenter.CredentialOptions) func() {
			path := filepath.Join(t.TempDir(), "client.pem")
			writeFile(t, path, string(em.certificatePEM(t, true)))
			o.ClientCertificatePath = path
			return func() { writeFile(t, path, "not a certificate") }
		}, `- client certificate: failed: .*client.pem: the client certificate is neither a PKCS#12 archive nor PEM.*- managed identity: not tried, because the client certificate failed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := em.options()
			// The identity the chain must not fall back to.
			o.UseManagedIdentity, o.ManagedIdentityEndpoint = true, em.url+"/metadata/identity/oauth2/token"
			rotate := tt.configure(t, &o)
			cred, err := partnercenter.NewCredential(o)
			if err != nil {
				t.Fatal(err)
			}
			if rotate != nil {
				rotate()
			}
			before := managedIdentityRequests(em)
			_, err = cred.GetToken(context.Background(), tokenRequest)
			if err == nil {
				t.Fatal("signed in, falling back to the managed identity")
			}
			if !regexp.MustCompile(`(?s)` + tt.want).MatchString(err.Error()) {
				t.Fatalf("error %v\nwant it to match %s", err, tt.want)
			}
			if strings.Contains(err.Error(), emulator.DefaultClientSecret) {
				t.Errorf("the error shows the secret: %v", err)
			}
			if n := managedIdentityRequests(em) - before; n != 0 {
				t.Errorf("the managed identity was asked for %d token(s) after the configured source failed", n)
			}
		})
	}
}

// managedIdentityRequests counts the token requests to em's managed
// identity endpoint.
func managedIdentityRequests(em *signInEmulator) int {
	n := 0
	for _, r := range em.Requests() {
		if r.Path == "/metadata/identity/oauth2/token" {
			n++
		}
	}
	return n
}

// TestSignInLogsTheSource: the source that signed in is logged once, by
// name, without a secret.
func TestSignInLogsTheSource(t *testing.T) {
	em := newSignInEmulator(t)
	var messages []string
	o := em.options()
	o.ClientSecret = emulator.DefaultClientSecret
	o.Log = func(_ context.Context, msg string, fields map[string]any) {
		messages = append(messages, fmt.Sprint(msg, " ", fields))
	}
	cred, err := partnercenter.NewCredential(o)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := cred.GetToken(context.Background(), tokenRequest); err != nil {
			t.Fatal(err)
		}
	}
	want := "Signed in to Entra ID for Partner Center map[sign_in_source:client secret]"
	if len(messages) != 1 || messages[0] != want {
		t.Errorf("logged %q, want [%q]", messages, want)
	}
}

func TestNoCredential(t *testing.T) {
	_, err := partnercenter.NewCredential(partnercenter.CredentialOptions{ClientSecret: "s"})
	if !errors.Is(err, partnercenter.ErrNoCredential) {
		t.Fatalf("error %v, want ErrNoCredential", err)
	}
	want := "no Partner Center credential configured; the sign-in sources, in the order they are tried:\n" +
		"- access token: skipped, not configured\n" +
		"- refresh token: skipped, not configured\n" +
		"- OIDC federated token: skipped, not enabled\n" +
		"- client certificate: skipped, not configured\n" +
		"- client secret: skipped, needs a tenant ID and a client ID\n" +
		"- managed identity: skipped, not enabled\n" +
		"- Azure CLI: skipped, disabled"
	if err.Error() != want {
		t.Errorf("error\n%s\nwant\n%s", err, want)
	}
}

func TestSecretFileIsReadAgain(t *testing.T) {
	em := newSignInEmulator(t)
	path := filepath.Join(t.TempDir(), "secret")
	writeFile(t, path, "an-old-secret\n")
	o := em.options()
	o.ClientSecretFilePath = path
	cred, err := partnercenter.NewCredential(o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cred.GetToken(context.Background(), tokenRequest); err == nil || !strings.Contains(err.Error(), "AADSTS7000215") {
		t.Fatalf("error %v, want AADSTS7000215 for the old secret", err)
	}
	writeFile(t, path, emulator.DefaultClientSecret+"\n")
	if _, err := cred.GetToken(context.Background(), tokenRequest); err != nil {
		t.Fatalf("the rotated secret was not read: %v", err)
	}
}

// TestOIDCTokenFileIsReadAgain gets tokens that MSAL will not cache (they
// expire within its five-minute margin), so each GetToken signs in again
// and must read the token file again.
func TestOIDCTokenFileIsReadAgain(t *testing.T) {
	em := newSignInEmulator(t)
	em.RegisterFederatedCredential(emulator.DefaultTenantID, emulator.DefaultClientID, federatedSubject)
	em.SetTokenLifetime(time.Minute)
	path := filepath.Join(t.TempDir(), "token")
	writeFile(t, path, em.IssueFederatedToken(federatedSubject, time.Hour))
	o := em.options()
	o.UseOIDC, o.OIDCTokenFilePath = true, path
	cred, err := partnercenter.NewCredential(o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cred.GetToken(context.Background(), tokenRequest); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, em.IssueFederatedToken(federatedSubject, -time.Minute))
	if _, err := cred.GetToken(context.Background(), tokenRequest); err == nil || !strings.Contains(err.Error(), "AADSTS700024") {
		t.Fatalf("error %v, want the expired token now in the file refused with AADSTS700024", err)
	}
}

// hostRecorder fails every request, remembering the hosts asked.
type hostRecorder struct {
	mu    sync.Mutex
	hosts []string
}

func (h *hostRecorder) Do(req *http.Request) (*http.Response, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hosts = append(h.hosts, req.URL.Host)
	return nil, errors.New("offline")
}

// TestAuthorityForEveryCredential signs in to the China cloud's authority
// with each credential that talks to Entra ID: every request must go there.
func TestAuthorityForEveryCredential(t *testing.T) {
	em := newSignInEmulator(t)
	env, _ := partnercenter.LookupEnvironment("china")
	for name, configure := range map[string]func(*partnercenter.CredentialOptions){
		"refresh token": func(o *partnercenter.CredentialOptions) { o.RefreshToken, o.ClientSecret = "0.refresh", "s" },
		"OIDC":          func(o *partnercenter.CredentialOptions) { o.UseOIDC, o.OIDCToken = true, "federated" },
		"certificate":   func(o *partnercenter.CredentialOptions) { o.ClientCertificate = em.certificatePEM(t, false) },
		"secret":        func(o *partnercenter.CredentialOptions) { o.ClientSecret = "s" },
	} {
		t.Run(name, func(t *testing.T) {
			recorder := &hostRecorder{}
			o := em.options()
			o.AuthorityHost, o.DisableInstanceDiscovery = env.AuthorityHost, false
			o.ClientOptions = policy.ClientOptions{Transport: recorder, Retry: policy.RetryOptions{MaxRetries: -1}}
			configure(&o)
			if _, err := getToken(t, o); err == nil {
				t.Fatal("signed in without a network")
			}
			if len(recorder.hosts) == 0 {
				t.Fatal("no request was made")
			}
			for _, host := range recorder.hosts {
				if host != "login.chinacloudapi.cn" {
					t.Errorf("request to %s, want login.chinacloudapi.cn", host)
				}
			}
		})
	}
}

// refreshEndpoint answers refresh token grants with a new refresh token each
// time, remembering the refresh tokens it was sent.
type refreshEndpoint struct {
	mu       sync.Mutex
	received []string
}

func (r *refreshEndpoint) Do(req *http.Request) (*http.Response, error) {
	if err := req.ParseForm(); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.received = append(r.received, req.PostForm.Get("refresh_token"))
	body := fmt.Sprintf(`{"token_type":"Bearer","expires_in":3599,"access_token":"access-%d","refresh_token":"rotated-%d"}`, len(r.received), len(r.received))
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: req}, nil
}

// TestRefreshTokenRotates: Entra ID answers each refresh token grant with a
// new refresh token, which the next grant must use.
func TestRefreshTokenRotates(t *testing.T) {
	endpoint := &refreshEndpoint{}
	cred, err := partnercenter.NewCredential(partnercenter.CredentialOptions{
		TenantID: emulator.DefaultTenantID, ClientID: emulator.DefaultClientID, ClientSecret: "s",
		RefreshToken: "consented", AuthorityHost: "https://login.microsoftonline.com/",
		ClientOptions: policy.ClientOptions{Transport: endpoint},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"access-1", "access-2", "access-3"} {
		token, err := cred.GetToken(context.Background(), tokenRequest)
		if err != nil || token.Token != want {
			t.Fatalf("token %q, error %v; want %s", token.Token, err, want)
		}
	}
	if want := []string{"consented", "rotated-1", "rotated-2"}; !slices.Equal(endpoint.received, want) {
		t.Errorf("refresh tokens sent %v, want %v", endpoint.received, want)
	}
}

// TestOIDCRequestURLChecked: the client refuses an OIDC request URL that
// would carry the request token in the clear or with user information,
// whoever configured it.
func TestOIDCRequestURLChecked(t *testing.T) {
	for raw, want := range map[string]string{
		"http://token.example.com/oidc":             `the OIDC request URL "http://token.example.com/oidc" uses http to a host that is not a loopback address`,
		"https://ci:hunter2@token.example.com/oidc": `the OIDC request URL "https://***@token.example.com/oidc" must not contain user information`,
	} {
		_, err := partnercenter.NewCredential(partnercenter.CredentialOptions{
			TenantID: emulator.DefaultTenantID, ClientID: emulator.DefaultClientID, AuthorityHost: "https://login.microsoftonline.com/",
			UseOIDC: true, OIDCRequestURL: raw, OIDCRequestToken: "request-token",
		})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", raw, err, want)
		}
	}
}
