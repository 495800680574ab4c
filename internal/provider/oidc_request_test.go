package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// TestOIDCRequestPairs: the request token comes from the place its URL
// came from, never from another.
func TestOIDCRequestPairs(t *testing.T) {
	if len(settingOIDCRequestURL.env) != len(settingOIDCRequestToken.env) {
		t.Fatalf("%d OIDC request URL variables for %d token variables", len(settingOIDCRequestURL.env), len(settingOIDCRequestToken.env))
	}
	tests := []struct {
		name          string
		url, token    types.String
		vars          map[string]string
		wantURL       string
		wantToken     string
		wantErr       string
		wantURLSource string
	}{
		{"attributes", types.StringValue("https://a/"), types.StringValue("a-token"), map[string]string{"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "gh"},
			"https://a/", "a-token", "", "attribute oidc_request_url"},
		{"attribute URL, provider's token variable", types.StringValue("https://a/"), types.StringNull(), map[string]string{"PARTNERCENTER_OIDC_REQUEST_TOKEN": "p"},
			"https://a/", "p", "", "attribute oidc_request_url"},
		{"attribute URL, GitHub's token only", types.StringValue("https://a/"), types.StringNull(), map[string]string{"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "gh"},
			"", "", "oidc_request_url is set, but no token to request with. Set oidc_request_token (PARTNERCENTER_OIDC_REQUEST_TOKEN)", ""},
		{"GitHub's pair", types.StringNull(), types.StringNull(), map[string]string{"ACTIONS_ID_TOKEN_REQUEST_URL": "https://gh/", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "gh"},
			"https://gh/", "gh", "", "environment variable ACTIONS_ID_TOKEN_REQUEST_URL"},
		{"ARM URL, GitHub's token", types.StringNull(), types.StringNull(), map[string]string{"ARM_OIDC_REQUEST_URL": "https://arm/", "ACTIONS_ID_TOKEN_REQUEST_URL": "https://gh/", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "gh"},
			"", "", "ARM_OIDC_REQUEST_URL is set, but no token to request with. Set ARM_OIDC_REQUEST_TOKEN", ""},
		{"Azure DevOps' pair, GitHub's token too", types.StringNull(), types.StringNull(), map[string]string{"SYSTEM_OIDCREQUESTURI": "https://ado/", "SYSTEM_ACCESSTOKEN": "ado", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "gh"},
			"https://ado/", "ado", "", "environment variable SYSTEM_OIDCREQUESTURI"},
		{"nothing", types.StringNull(), types.StringNull(), map[string]string{"SYSTEM_ACCESSTOKEN": "ado"}, "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := resolveOIDCRequest(tt.url, tt.token, mapEnvironment(tt.vars))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.url != tt.wantURL || got.token != tt.wantToken || got.urlSource != tt.wantURLSource {
				t.Errorf("got %+v, %v; want %s and %s from %s", got, err, tt.wantURL, tt.wantToken, tt.wantURLSource)
			}
		})
	}
}

// TestAccSignIn_oidcRequestTokenOnlyToItsOwnURL: GitHub Actions' request
// token is not sent to an OIDC request URL from ARM_OIDC_REQUEST_URL.
func TestAccSignIn_oidcRequestTokenOnlyToItsOwnURL(t *testing.T) {
	em := newTestEmulator(t)
	em.RegisterFederatedCredential(emulator.DefaultTenantID, emulator.DefaultClientID, federatedSubject)
	env := map[string]string{
		"ARM_OIDC_REQUEST_URL":           em.URL + "/oidc/token?api-version=2.0",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": em.NewOIDCRequestToken(federatedSubject),
	}
	readFailsIn(t, env, providerBlock(em.endpoints(), attrs{"use_oidc": true})+batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""),
		"Invalid provider configuration",
		"ARM_OIDC_REQUEST_URL is set, but no token to request with. Set ARM_OIDC_REQUEST_TOKEN: a request token is taken only from the same place as its URL")
	for _, r := range em.Requests() {
		if r.Path == "/oidc/token" {
			t.Errorf("a request token was sent to the OIDC request URL of another place")
		}
	}
}

// TestAccProvider_oidcRequestURLChecked: the OIDC request URL, which
// receives the request token, must be https (http only to loopback) without
// user information, at plan time as an attribute, at configuration from
// the environment; messages never quote user information.
func TestAccProvider_oidcRequestURLChecked(t *testing.T) {
	tests := []struct {
		name     string
		settings attrs
		env      map[string]string
		want     string
	}{
		{"http attribute", attrs{"use_oidc": true, "oidc_request_url": "http://token.example.com/oidc", "oidc_request_token": "t"}, nil,
			`Invalid URL.*oidc_request_url: "http://token\.example\.com/oidc" uses http to a host that is not a loopback address`},
		{"user information in the attribute", attrs{"use_oidc": true, "oidc_request_url": "https://ci:hunter2@token.example.com/oidc", "oidc_request_token": "t"}, nil,
			`Invalid URL.*oidc_request_url: "https://\*\*\*@token\.example\.com/oidc" must not contain user information`},
		{"http from GitHub's variables", attrs{"use_oidc": true},
			map[string]string{"ACTIONS_ID_TOKEN_REQUEST_URL": "http://token.example.com/oidc?api-version=2.0", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "t"},
			`Invalid provider configuration.*The environment variable ACTIONS_ID_TOKEN_REQUEST_URL is invalid: "http://token\.example\.com/oidc\?\*\*\*" uses http to a host`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			em := newTestEmulator(t)
			em.RegisterFederatedCredential(emulator.DefaultTenantID, emulator.DefaultClientID, federatedSubject)
			readFailsIn(t, tt.env, providerBlock(em.endpoints(), tt.settings)+batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""), tt.want)
		})
	}
}
