package partnercenter_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// fileOptions configures each kind of credential file with path.
var fileOptions = map[string]func(o *partnercenter.CredentialOptions, path string){
	"client secret file":      func(o *partnercenter.CredentialOptions, path string) { o.ClientSecretFilePath = path },
	"client certificate file": func(o *partnercenter.CredentialOptions, path string) { o.ClientCertificatePath = path },
	"refresh token's certificate file": func(o *partnercenter.CredentialOptions, path string) {
		o.RefreshToken, o.ClientCertificatePath = "0.refresh-token", path
	},
	"OIDC token file": func(o *partnercenter.CredentialOptions, path string) { o.UseOIDC, o.OIDCTokenFilePath = true, path },
}

// serverSignIns configures each sign-in that sends a token request to a
// server, given as server, the URL of the one standInOptions signs in to.
var serverSignIns = map[string]func(o *partnercenter.CredentialOptions, server string){
	"refresh token": func(o *partnercenter.CredentialOptions, _ string) {
		o.RefreshToken, o.ClientSecret = "0.refresh-token", emulator.DefaultClientSecret
	},
	"client secret": func(o *partnercenter.CredentialOptions, _ string) { o.ClientSecret = emulator.DefaultClientSecret },
	"OIDC request URL": func(o *partnercenter.CredentialOptions, server string) {
		o.UseOIDC, o.OIDCRequestURL, o.OIDCRequestToken = true, server+"/oidc/token", "request-token"
	},
	"managed identity endpoint": func(o *partnercenter.CredentialOptions, server string) {
		o.UseManagedIdentity, o.ManagedIdentityEndpoint = true, server+"/metadata/identity/oauth2/token"
	},
}

// entraStandIn is a TLS server answering Entra ID's discovery document, so
// that MSAL gets as far as a token request, and every other request with
// answer.
func entraStandIn(t *testing.T, answer http.HandlerFunc) *httptest.Server {
	t.Helper()
	server := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if tenant, ok := strings.CutSuffix(r.URL.Path, "/v2.0/.well-known/openid-configuration"); ok {
			root := "https://" + r.Host + tenant
			_, _ = fmt.Fprintf(w, `{"token_endpoint":%q,"issuer":%q,"authorization_endpoint":%q}`,
				root+"/oauth2/v2.0/token", root+"/v2.0", root+"/oauth2/v2.0/authorize")
			return
		}
		answer(w, r)
	}))
	t.Cleanup(server.Close)
	return server
}

// standInOptions sign in to server with nothing configured yet.
func standInOptions(server *httptest.Server) partnercenter.CredentialOptions {
	return partnercenter.CredentialOptions{TenantID: emulator.DefaultTenantID, ClientID: emulator.DefaultClientID,
		AuthorityHost: server.URL + "/", DisableInstanceDiscovery: true,
		ClientOptions: policy.ClientOptions{Transport: server.Client(), Retry: policy.RetryOptions{MaxRetries: -1}}}
}

// signInWith makes a credential with a file configured and asks it for a
// token: a file that cannot be used fails one or the other, before any
// token request.
func signInWith(t *testing.T, configure func(*partnercenter.CredentialOptions, string), path string) error {
	o := standInOptions(entraStandIn(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	configure(&o, path)
	cred, err := partnercenter.NewCredential(o)
	if err != nil {
		return err
	}
	_, err = cred.GetToken(context.Background(), tokenRequest)
	return err
}

// TestCredentialFilesAreCapped: a secret, certificate or token file over
// MaxCredentialFileBytes is refused, saying so, rather than read whole.
func TestCredentialFilesAreCapped(t *testing.T) {
	if partnercenter.MaxCredentialFileBytes != 1<<20 {
		t.Errorf("MaxCredentialFileBytes = %d, want 1 MiB", partnercenter.MaxCredentialFileBytes)
	}
	for name, configure := range fileOptions {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "credential")
			writeFile(t, path, strings.Repeat("x", partnercenter.MaxCredentialFileBytes+1))
			want := path + " is larger than 1 MiB, more than a secret, certificate or token file holds"
			if err := signInWith(t, configure, path); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error %v, want %q", err, want)
			}
		})
	}
}

// TestCredentialFilesMustBeRegular: a directory is refused as not a regular
// file (see credential_files_unix_test.go for named pipes).
func TestCredentialFilesMustBeRegular(t *testing.T) {
	for name, configure := range fileOptions {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			want := dir + " is not a regular file but a directory"
			if err := signInWith(t, configure, dir); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error %v, want %q", err, want)
			}
		})
	}
}

// TestSignInAnswersAreCapped: a token, managed identity or OIDC answer over
// MaxSignInAnswerBytes is refused, saying so, rather than read whole.
func TestSignInAnswersAreCapped(t *testing.T) {
	if partnercenter.MaxSignInAnswerBytes != 1<<20 {
		t.Errorf("MaxSignInAnswerBytes = %d, want 1 MiB", partnercenter.MaxSignInAnswerBytes)
	}
	server := entraStandIn(t, func(w http.ResponseWriter, _ *http.Request) {
		_, _ = fmt.Fprintf(w, `{"access_token":"t","expires_in":3600,"expires_on":"1","value":"v","padding":"%s"}`, strings.Repeat("x", 2<<20))
	})
	for name, configure := range serverSignIns {
		t.Run(name, func(t *testing.T) {
			o := standInOptions(server)
			configure(&o, server.URL)
			_, err := getToken(t, o)
			want := "is larger than 1 MiB, more than a sign-in answer holds"
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error %v, want %q", err, want)
			}
		})
	}
}
