package partnercenter_test

import (
	"strings"
	"testing"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

func TestValidateBaseURL(t *testing.T) {
	tests := []struct {
		url, wantErr string
	}{
		{"https://api.partnercenter.microsoft.com", ""},
		{"https://gateway.example.com/partnercenter", ""},
		{"http://127.0.0.1:8080", ""},
		{"http://[::1]:8080/", ""},
		{"http://localhost:8080", ""},
		{"", "must not be empty"},
		{"api.partnercenter.microsoft.com", "must be an absolute URL"},
		{"http://api.partnercenter.microsoft.com", "not a loopback address"},
		{"http://10.0.0.1", "not a loopback address"},
		{"ftp://api.partnercenter.microsoft.com", "must use https"},
		{"https://api.partnercenter.microsoft.com?x=1", "must not contain a query"},
		{"https://api.partnercenter.microsoft.com/#top", "must not contain a fragment"},
		{"https://user:pass@api.partnercenter.microsoft.com", "must not contain user information"},
		{"https://:443", "has no host name"},
		{"http://:8080/", "has no host name"},
		{"https://api.partnercenter.microsoft.com/v1", "ends in /v1; leave out /v1"},
		{"https://gateway.example.com/partnercenter/V1/", "ends in /v1; leave out /v1"},
		{"https://gateway.example.com/v1/partnercenter", ""},
		{"https://gateway.example.com/v10", ""},
	}
	for _, tt := range tests {
		err := partnercenter.ValidateBaseURL(tt.url)
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("ValidateBaseURL(%q) = %v, want %q", tt.url, err, tt.wantErr)
		}
	}
}

func TestValidateAuthorityHost(t *testing.T) {
	if err := partnercenter.ValidateAuthorityHost("https://login.microsoftonline.us/"); err != nil {
		t.Error(err)
	}
	if err := partnercenter.ValidateAuthorityHost("http://127.0.0.1:8443/"); err == nil || !strings.Contains(err.Error(), "must use https") {
		t.Errorf("http authority: %v", err)
	}
}

func TestEnvironments(t *testing.T) {
	if got := strings.Join(partnercenter.EnvironmentNames(), ","); got != "china,germany,public,usgovernment" {
		t.Errorf("EnvironmentNames() = %s", got)
	}
	china, ok := partnercenter.LookupEnvironment("china")
	if !ok || china.BaseURL != "https://partner.partnercenterapi.microsoftonline.cn" || china.AuthorityHost != "https://login.chinacloudapi.cn/" {
		t.Errorf("china = %+v, %v", china, ok)
	}
	if _, ok := partnercenter.LookupEnvironment("Public"); ok {
		t.Error("environment names are matched exactly")
	}
}

// The loopback rule decides where the bearer token may travel in the
// clear, so it is pinned here with near misses; the fuzz target cannot
// catch a fault in it, as it uses the rule itself as its reference.
func TestValidateBaseURLTakesOnlyLoopbackForHTTP(t *testing.T) {
	for _, tt := range []struct {
		url      string
		loopback bool
	}{
		{"http://127.0.0.1", true},
		{"http://127.255.255.254", true}, // all of 127.0.0.0/8 is loopback
		{"http://[::1]", true},
		{"http://localhost", true},
		{"http://LOCALHOST:8080", true},
		// The IPv4-mapped form of 127.0.0.1 looks like a near miss but is
		// the same address: Go dials it as 127.0.0.1 over IPv4, so the
		// token never leaves the machine, and net.IP.IsLoopback says so.
		{"http://[::ffff:127.0.0.1]", true},
		{"http://[::ffff:7f00:1]:8080", true},

		// Names that merely start with a loopback name or address resolve
		// wherever their DNS says; 127.0.0.1.nip.io answers 127.0.0.1 only
		// as long as its owner wants.
		{"http://localhost.example.com", false},
		{"http://127.0.0.1.nip.io", false},
		// The unspecified addresses are not loopback, though some systems
		// connect them to the local host.
		{"http://0.0.0.0", false},
		{"http://0.0.0.0:8080", false},
		{"http://[::]", false},
		{"http://[::ffff:10.0.0.1]", false},
		{"http://128.0.0.1", false},
	} {
		err := partnercenter.ValidateBaseURL(tt.url)
		if tt.loopback && err != nil {
			t.Errorf("ValidateBaseURL(%q) = %v, want it accepted as a loopback address", tt.url, err)
		}
		if !tt.loopback && (err == nil || !strings.Contains(err.Error(), "not a loopback address")) {
			t.Errorf("ValidateBaseURL(%q) = %v, want it refused as not a loopback address", tt.url, err)
		}
	}
}

func TestValidateOIDCRequestURL(t *testing.T) {
	tests := []struct {
		url, wantErr string
	}{
		{"https://pipelines.actions.githubusercontent.com/abc/idtoken/?api-version=2.0", ""},
		{"https://dev.azure.com/contoso/00000000-0000-4000-8000-000000000001/_apis/distributedtask/hubs/build/plans/1/jobs/2/oidctoken", ""},
		{"http://127.0.0.1:8080/oidc/token", ""},
		{"http://token.example.com/oidc", "uses http to a host that is not a loopback address"},
		{"ftp://token.example.com/oidc", "must use https"},
		{"https://user:secret@token.example.com/oidc", "must not contain user information"},
		{"https://token.example.com/oidc#x", "must not contain a fragment"},
		{"token.example.com", "must be an absolute URL"},
	}
	for _, tt := range tests {
		err := partnercenter.ValidateOIDCRequestURL(tt.url)
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("ValidateOIDCRequestURL(%q) = %v, want %q", tt.url, err, tt.wantErr)
		}
	}
}

// TestURLMessagesQuoteNoSecret: a message quoting a refused URL leaves out
// its user information and query, where passwords and tokens hide.
func TestURLMessagesQuoteNoSecret(t *testing.T) {
	checks := map[string]func(string) error{
		"base URL": partnercenter.ValidateBaseURL, "authority host": partnercenter.ValidateAuthorityHost,
		"managed identity endpoint": partnercenter.ValidateManagedIdentityEndpoint, "OIDC request URL": partnercenter.ValidateOIDCRequestURL,
	}
	for name, check := range checks {
		for _, raw := range []string{
			"https://user:hunter2@api.example.com/path",
			"http://api.example.com/path?sig=hunter2",
			"https://api.example.com/v1?sig=hunter2",
			"ftp://user:hunter2@api.example.com/?sig=hunter2",
			"https://api.example.com/%zz?sig=hunter2",
			"https://user:hunter2@api.example.com:badport/",
		} {
			err := check(raw)
			if err == nil {
				continue
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("%s: the error for %s quotes a secret: %v", name, raw, err)
			}
			if !strings.Contains(err.Error(), "api.example.com") {
				t.Errorf("%s: the error for %s does not name the host: %v", name, raw, err)
			}
		}
	}
}

// TestUnknownHosts: the hosts of no known cloud, which a plan warns of,
// and the ones it does not.
func TestUnknownHosts(t *testing.T) {
	for _, tt := range []struct {
		url, api, authority string
	}{
		{"https://api.partnercenter.microsoft.com", "", "api.partnercenter.microsoft.com"},
		{"https://API.PartnerCenter.microsoft.com/", "", "API.PartnerCenter.microsoft.com"},
		{"https://partner.partnercenterapi.microsoftonline.cn", "", "partner.partnercenterapi.microsoftonline.cn"},
		{"https://login.microsoftonline.com/", "login.microsoftonline.com", ""},
		{"https://login.microsoftonline.us/", "login.microsoftonline.us", ""},
		{"https://login.chinacloudapi.cn/", "login.chinacloudapi.cn", ""},
		{"https://partnercenter.contoso.example/api", "partnercenter.contoso.example", "partnercenter.contoso.example"},
		{"https://api.partnercenter.microsoft.com.contoso.example", "api.partnercenter.microsoft.com.contoso.example", "api.partnercenter.microsoft.com.contoso.example"},
		{"http://127.0.0.1:8443", "", ""},
		{"https://localhost:8443/", "", ""},
		{"https://[::1]:8443/", "", ""},
		{"not a URL", "", ""},
	} {
		if got := partnercenter.UnknownAPIHost(tt.url); got != tt.api {
			t.Errorf("UnknownAPIHost(%q) = %q, want %q", tt.url, got, tt.api)
		}
		if got := partnercenter.UnknownAuthorityHost(tt.url); got != tt.authority {
			t.Errorf("UnknownAuthorityHost(%q) = %q, want %q", tt.url, got, tt.authority)
		}
	}
}
