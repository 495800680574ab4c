package provider

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// testPFXPassword opens testdata/client.pfx, a throwaway RSA certificate made
// with: openssl pkcs12 -export -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES
// -macalg sha1 (the PKCS#12 encryption azidentity reads).
const testPFXPassword = "test-pfx-password"

// federatedSubject is the subject the emulator's federated tokens carry, as
// a GitHub Actions job's do.
const federatedSubject = "repo:contoso/autopilot:environment:production"

// signInTest plans and applies the seed batch read with providerBlock and
// the environment env, and checks that it signed in to Partner Center
// through clientID's tokens.
func signInTest(t *testing.T, em *testEmulator, env map[string]string, providerBlock, clientID string) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(env),
		Steps: []resource.TestStep{{
			Config:            providerBlock + batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""),
			ConfigStateChecks: []statecheck.StateCheck{expect("status", knownvalue.StringExact("finished"))},
			Check: func(*terraform.State) error {
				if n := em.TokenRequests(clientID); n == 0 {
					return fmt.Errorf("no token request for %q", clientID)
				}
				return nil
			},
		}},
	})
}

// newClientCertificate registers a new certificate for the default
// application and returns it with its key as PEM.
func newClientCertificate(t *testing.T, em *testEmulator) []byte {
	t.Helper()
	c, err := emulator.NewClientCertificate()
	if err != nil {
		t.Fatal(err)
	}
	em.RegisterCertificate(emulator.DefaultTenantID, emulator.DefaultClientID, c.Certificate)
	return c.PEM
}

// writeFile writes content to a new file in a test directory.
func writeFile(t *testing.T, name string, content []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// registerTestCertificate registers testdata/client.pfx's certificate for
// the default application and returns the PKCS#12 file.
func registerTestCertificate(t *testing.T, em *testEmulator) []byte {
	t.Helper()
	pfx, err := os.ReadFile("testdata/client.pfx")
	if err != nil {
		t.Fatal(err)
	}
	certs, _, err := azidentity.ParseCertificates(pfx, []byte(testPFXPassword))
	if err != nil {
		t.Fatal(err)
	}
	em.RegisterCertificate(emulator.DefaultTenantID, emulator.DefaultClientID, certs[0])
	return pfx
}

func TestAccSignIn_clientCertificatePKCS12(t *testing.T) {
	em := newTestEmulator(t)
	pfx := registerTestCertificate(t, em)
	signInTest(t, em, nil, providerBlock(em.endpoints(), attrs{
		"client_certificate": base64.StdEncoding.EncodeToString(pfx), "client_certificate_password": testPFXPassword,
	}), emulator.DefaultClientID)
}

func TestAccSignIn_clientCertificatePathFromEnvironment(t *testing.T) {
	em := newTestEmulator(t)
	// The default application has a secret too: the certificate comes first.
	env := map[string]string{
		"ARM_CLIENT_SECRET":           "not-the-secret",
		"ARM_CLIENT_CERTIFICATE_PATH": writeFile(t, "client.pem", newClientCertificate(t, em)),
	}
	signInTest(t, em, env, providerBlock(em.endpoints()), emulator.DefaultClientID)
}

func TestAccSignIn_clientSecretFile(t *testing.T) {
	em := newTestEmulator(t)
	path := writeFile(t, "secret", []byte(emulator.DefaultClientSecret+"\n"))
	signInTest(t, em, nil, providerBlock(em.endpoints(), attrs{"client_secret_file_path": path}), emulator.DefaultClientID)
}

func TestAccSignIn_oidcToken(t *testing.T) {
	em := newTestEmulator(t)
	em.RegisterFederatedCredential(emulator.DefaultTenantID, emulator.DefaultClientID, federatedSubject)
	signInTest(t, em, nil, providerBlock(em.endpoints(), attrs{
		"use_oidc": true, "oidc_token": em.IssueFederatedToken(federatedSubject, time.Hour), "client_secret": "not-the-secret",
	}), emulator.DefaultClientID)
}

func TestAccSignIn_oidcTokenFileFromWorkloadIdentity(t *testing.T) {
	em := newTestEmulator(t)
	em.RegisterFederatedCredential(emulator.DefaultTenantID, emulator.DefaultClientID, federatedSubject)
	// What Kubernetes workload identity sets, with ARM_USE_OIDC.
	env := map[string]string{
		"AZURE_FEDERATED_TOKEN_FILE": writeFile(t, "token", []byte(em.IssueFederatedToken(federatedSubject, time.Hour))),
		"ARM_USE_OIDC":               "true",
	}
	signInTest(t, em, env, providerBlock(em.endpoints()), emulator.DefaultClientID)
}

func TestAccSignIn_oidcGitHubActions(t *testing.T) {
	em := newTestEmulator(t)
	em.RegisterFederatedCredential(emulator.DefaultTenantID, emulator.DefaultClientID, federatedSubject)
	// What a GitHub Actions job with id-token: write sets.
	env := map[string]string{
		"ACTIONS_ID_TOKEN_REQUEST_URL":   em.URL + "/oidc/token?api-version=2.0",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": em.NewOIDCRequestToken(federatedSubject),
	}
	signInTest(t, em, env, providerBlock(em.endpoints(), attrs{"use_oidc": true}), emulator.DefaultClientID)
}

func TestAccSignIn_oidcAzureDevOps(t *testing.T) {
	em := newTestEmulator(t)
	em.RegisterFederatedCredential(emulator.DefaultTenantID, emulator.DefaultClientID, federatedSubject)
	// What an Azure DevOps pipeline step maps into its environment.
	env := map[string]string{"SYSTEM_OIDCREQUESTURI": em.URL + "/oidc/token", "SYSTEM_ACCESSTOKEN": em.NewOIDCRequestToken(federatedSubject)}
	signInTest(t, em, env, providerBlock(em.endpoints(), attrs{
		"use_oidc": true, "ado_pipeline_service_connection_id": "c0ffee00-0000-4000-8000-000000000001",
	}), emulator.DefaultClientID)
	var posted bool
	for _, r := range em.Requests() {
		posted = posted || (r.Path == "/oidc/token" && r.Method == "POST" && strings.Contains(r.RawQuery, "serviceConnectionId=c0ffee00-0000-4000-8000-000000000001"))
	}
	if !posted {
		t.Error("no Azure DevOps-style OIDC token request for the service connection")
	}
}

func TestAccSignIn_refreshToken(t *testing.T) {
	em := newTestEmulator(t)
	refreshToken := em.NewRefreshToken(emulator.DefaultTenantID, emulator.DefaultClientID)
	signInTest(t, em, map[string]string{"PARTNERCENTER_REFRESH_TOKEN": refreshToken}, em.providerConfig(), emulator.DefaultClientID)
	var delegated int
	for _, r := range em.Requests() {
		if r.Form.Get("grant_type") == "refresh_token" && r.Form.Get("scope") == "https://api.partnercenter.microsoft.com/user_impersonation offline_access" {
			delegated++
		}
		if r.Form.Get("grant_type") == "client_credentials" {
			t.Error("an app-only token was requested although a refresh token was configured")
		}
	}
	if delegated == 0 {
		t.Error("no refresh token grant for the user_impersonation scope")
	}
}

func TestAccSignIn_refreshTokenWithCertificate(t *testing.T) {
	em := newTestEmulator(t)
	path := writeFile(t, "client.pem", newClientCertificate(t, em))
	signInTest(t, em, nil, providerBlock(em.endpoints(), attrs{
		"client_certificate_path": path, "refresh_token": em.NewRefreshToken(emulator.DefaultTenantID, emulator.DefaultClientID),
	}), emulator.DefaultClientID)
}

func TestAccSignIn_wrongRefreshToken(t *testing.T) {
	em := newTestEmulator(t)
	const refreshToken = "0.not-a-refresh-token"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: em.providerConfig(attrs{"refresh_token": refreshToken}) + batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""),
			// The sign-in guide quotes this wording for an expired token.
			ExpectError: regexp.MustCompile(`(?s)Failed to sign in to Partner Center.*refresh\s+token,\s+set\s+by\s+refresh_token\s+` +
				`\(PARTNERCENTER_REFRESH_TOKEN\):\s+failed:\s+refresh\s+token\s+grant:\s+Entra\s+ID\s+answered\s+400:\s+invalid_grant:\s+AADSTS9002313.*` +
				`client\s+secret.*not\s+tried,\s+because\s+the\s+refresh\s+token\s+was\s+rejected`),
		}},
	})
	if n := len(partnerCenterRequests(em.Emulator)); n != 0 {
		t.Errorf("Partner Center was called %d times without a token", n)
	}
}

func TestAccSignIn_managedIdentityEndpoint(t *testing.T) {
	em := newTestEmulator(t)
	const identity = "6a1f0e2d-3c4b-4a59-8d7e-1f2a3b4c5d6e"
	em.RegisterManagedIdentity(emulator.DefaultTenantID, identity)
	signInTest(t, em, nil, providerBlock(attrs{
		"base_url": em.URL, "client_id": identity, "use_msi": true, "msi_endpoint": em.PlainURL + "/metadata/identity/oauth2/token",
	}), identity)
}

// fakeAzureCLI writes an az into dir that prints token as `az account
// get-access-token` does and records its arguments in the file args.
func fakeAzureCLI(t *testing.T, token string) (dir, args string) {
	t.Helper()
	dir = t.TempDir()
	args = filepath.Join(dir, "args")
	output, err := json.Marshal(map[string]any{
		"accessToken": token, "expiresOn": time.Now().Add(time.Hour).Format("2006-01-02 15:04:05.000000"),
		"expires_on": time.Now().Add(time.Hour).Unix(), "subscription": "00000000-0000-4000-8000-000000000000",
		"tenant": emulator.DefaultTenantID, "tokenType": "Bearer",
	})
	if err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf("#!/bin/sh\necho \"$@\" >> %q\ncat <<'EOF'\n%s\nEOF\n", args, output)
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte(script), 0o700); err != nil { //nolint:gosec // An executable script.
		t.Fatal(err)
	}
	return dir, args
}

// TestAccSignIn_azureCLI runs alone: azidentity runs az from the process's
// PATH, which the test must change.
func TestAccSignIn_azureCLI(t *testing.T) {
	em := newTestEmulator(t)
	dir, args := fakeAzureCLI(t, em.NewAccessToken(emulator.DefaultTenantID, time.Hour))
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: providerBlock(attrs{"base_url": em.URL, "tenant_id": emulator.DefaultTenantID}) +
				batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""),
			ConfigStateChecks: []statecheck.StateCheck{expect("status", knownvalue.StringExact("finished"))},
		}},
	})
	got, err := os.ReadFile(args)
	if err != nil {
		t.Fatal(err)
	}
	want := "account get-access-token -o json --resource https://api.partnercenter.microsoft.com --tenant " + emulator.DefaultTenantID
	if first, _, _ := strings.Cut(string(got), "\n"); first != want {
		t.Errorf("az was run with %q, want %q", first, want)
	}
}

// TestAccSignIn_nothingConfiguredListsEverySource runs alone: it takes az
// off the process's PATH. The client secret lacks its tenant and client
// IDs, so the chain stops there rather than try the Azure CLI.
func TestAccSignIn_nothingConfiguredListsEverySource(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no az
	em := newTestEmulator(t)
	const secret = "incomplete-secret-value"
	config := providerBlock(attrs{"base_url": em.URL, "client_secret": secret}) +
		batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: config,
			ExpectError: regexp.MustCompile(`(?s)Failed to sign in to Partner Center.*tried them\s+in\s+this\s+order:` +
				`.*1\. access token, set by access_token \(PARTNERCENTER_ACCESS_TOKEN\): skipped,\s+not configured` +
				`.*2\. refresh token.*skipped,\s+not\s+configured` +
				`.*3\. OIDC federated token.*skipped,\s+not\s+enabled` +
				`.*4\. client certificate.*skipped,\s+not\s+configured` +
				`.*5\. client secret.*failed:\s+configured,\s+but\s+it\s+needs\s+a\s+tenant\s+ID\s+and\s+a\s+client\s+ID` +
				`.*6\. managed identity.*skipped,\s+not\s+enabled` +
				`.*7\. Azure CLI.*not\s+tried,\s+because\s+the\s+client\s+secret\s+failed`),
		}},
	})
	for _, r := range em.Requests() {
		if strings.Contains(fmt.Sprint(r), secret) {
			t.Errorf("the secret reached the emulator in %v", r)
		}
	}
}

func TestAccSignIn_nothingConfiguredWithoutAzureCLI(t *testing.T) {
	em := newTestEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(map[string]string{"ARM_USE_CLI": "false"}),
		Steps: []resource.TestStep{{
			Config: providerBlock(attrs{"base_url": em.URL}) +
				batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""),
			ExpectError: regexp.MustCompile(`(?s)Missing Partner Center credentials.*no\s+credential\s+to\s+call\s+Partner\s+Center.*` +
				`7\. Azure CLI, set by use_cli \(PARTNERCENTER_USE_CLI or ARM_USE_CLI\):\s+skipped,\s+disabled`),
		}},
	})
}

func TestAccSignIn_tokenScope(t *testing.T) {
	em := newTestEmulator(t)
	config := em.providerConfig(attrs{"token_scope": "https://partnercenter.contoso.example/.default"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config:      config + batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""),
			ExpectError: regexp.MustCompile(`(?s)invalid_scope.*AADSTS70011.*The\s+scope\s+https://partnercenter.contoso.example/.default`),
		}},
	})
}

// TestAccSignIn_fiftyDataSourcesOneToken plans and applies 50 reads and one
// read through the same Terraform commands: each command configures the
// provider once, so both must cost the same number of token requests, one
// per command.
func TestAccSignIn_fiftyDataSourcesOneToken(t *testing.T) {
	t.Parallel()
	tokensFor := func(reads int) (tokens, partnerCenterCalls int) {
		em := newTestEmulator(t)
		config := em.providerConfig()
		for i := range reads {
			config += strings.Replace(batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""),
				`"test"`, fmt.Sprintf(`"read_%d"`, i), 1)
		}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: providerFactories(nil),
			Steps:                    []resource.TestStep{{Config: config}},
		})
		return em.TokenRequests(emulator.DefaultClientID), len(partnerCenterRequests(em.Emulator))
	}
	one, oneCalls := tokensFor(1)
	fifty, fiftyCalls := tokensFor(50)
	if one == 0 || fifty != one {
		t.Errorf("token requests: %d for one data source, %d for fifty; want the same, non-zero", one, fifty)
	}
	// Each command that read Partner Center acquired exactly one token.
	if oneCalls != one || fiftyCalls != 50*one {
		t.Errorf("%d and %d Partner Center reads for %d token requests; want one read per data source per command", oneCalls, fiftyCalls, one)
	}
}

// TestAccSignIn_tokenExpiringMidRunIsRenewed reads three batches one after
// the other from a Partner Center that answers slower than its tokens last:
// every read after the first finds the token expired and must get a new one,
// or Partner Center refuses it.
func TestAccSignIn_tokenExpiringMidRunIsRenewed(t *testing.T) {
	em := newTestEmulator(t)
	em.SetTokenLifetime(time.Second)
	em.InjectFaults(batchRoute, emulator.Fault{Delay: 1100 * time.Millisecond, Times: -1})
	config := em.providerConfig() + fmt.Sprintf(`
data "partnercenter_device_batch_status" "first" {
  customer_id       = %[1]q
  batch_tracking_id = %[2]q
}

data "partnercenter_device_batch_status" "second" {
  customer_id       = %[1]q
  batch_tracking_id = %[2]q
  depends_on        = [data.partnercenter_device_batch_status.first]
}
`, emulator.SeedCustomerID, emulator.SeedBatchTrackingID)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		// One plan: a Partner Center refusal would fail it.
		Steps: []resource.TestStep{{Config: config, PlanOnly: true}},
	})
	if calls, tokens := len(partnerCenterRequests(em.Emulator)), em.TokenRequests(emulator.DefaultClientID); calls < 2 || tokens != calls {
		t.Errorf("%d token requests for %d reads; want a new token for each read", tokens, calls)
	}
}

func TestAccProvider_conflictingSignInSettingsAtPlanTime(t *testing.T) {
	tests := []struct {
		name, settings, wantErr string
	}{
		{"certificate twice", `client_certificate = "MIIK"
  client_certificate_path = "client.pfx"`,
			`These attributes cannot be configured together:\s+\[client_certificate,client_certificate_path\]`},
		{"secret twice", `client_secret = "s"
  client_secret_file_path = "secret"`,
			`These attributes cannot be configured together:\s+\[client_secret,client_secret_file_path\]`},
		{"OIDC token twice", `use_oidc = true
  oidc_token = "t"
  oidc_token_file_path = "token"`,
			`These attributes cannot be configured together:\s+\[oidc_token,oidc_token_file_path\]`},
		{"OIDC without a token", `use_oidc = true`,
			`use_oidc is true, but no federated token is configured\.\s+Set one of\s+oidc_token\s+\(PARTNERCENTER_OIDC_TOKEN or ARM_OIDC_TOKEN\)`},
		{"OIDC request URL without its token", `use_oidc = true
  oidc_request_url = "https://token.actions.example/"`,
			`oidc_request_url is set, but no token to request with\.\s+Set\s+oidc_request_token`},
		{"refresh token without the application's credential", `refresh_token = "0.refresh"`,
			`refresh_token is exchanged with the application's own credential, and none\s+is\s+configured`},
		{"managed identity endpoint", `msi_endpoint = "ftp://169.254.169.254/"`, `msi_endpoint: "ftp://169.254.169.254/" must use http or https`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories(nil),
				Steps: []resource.TestStep{{
					Config:      "provider \"partnercenter\" {\n  " + tt.settings + "\n}\n" + batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)(?:Invalid provider configuration|Invalid Attribute Combination|Invalid URL).*` + tt.wantErr),
				}},
			})
		})
	}
}

func TestAccProvider_oidcFromEnvironmentWithoutTokenAtPlanTime(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(map[string]string{"ARM_USE_OIDC": "true"}),
		Steps: []resource.TestStep{{
			Config:      `provider "partnercenter" {}` + batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Invalid provider configuration.*use_oidc is true, but no federated token is configured`),
		}},
	})
}

// TestAccProvider_signInSettingsUnknownAtPlanTime configures OIDC from a
// value known only after apply: ValidateConfig must count it as set rather
// than fail the plan for a missing federated token.
func TestAccProvider_signInSettingsUnknownAtPlanTime(t *testing.T) {
	em := newTestEmulator(t)
	em.RegisterFederatedCredential(emulator.DefaultTenantID, emulator.DefaultClientID, federatedSubject)
	config := fmt.Sprintf(`
resource "terraform_data" "token" {
  input = %q
}
`, em.IssueFederatedToken(federatedSubject, time.Hour)) + providerBlock(em.endpoints(), attrs{"use_oidc": true, "oidc_token": expr("terraform_data.token.output")})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps:                    []resource.TestStep{{Config: config}},
	})
}

// TestAccSignIn_configuredSourceFailureStopsTheChain configures a client
// secret without its tenant ID, and a managed identity that would sign in
// as another identity: the run must fail at the secret, never asking the
// managed identity.
func TestAccSignIn_configuredSourceFailureStopsTheChain(t *testing.T) {
	em := newTestEmulator(t)
	// The client ID picks the user-assigned managed identity too.
	em.RegisterManagedIdentity(emulator.DefaultTenantID, emulator.DefaultClientID)
	readFails(t, providerBlock(attrs{
		"base_url": em.URL, "authority_host": em.URL + "/", "client_id": emulator.DefaultClientID, "client_secret": emulator.DefaultClientSecret,
		"use_msi": true, "msi_endpoint": em.PlainURL + "/metadata/identity/oauth2/token",
	})+batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""),
		"Failed to sign in to Partner Center",
		`5\. client secret, set by client_secret .*: failed: configured, but it needs a tenant ID`,
		`6\. managed identity, set by use_msi .*: not tried, because the client secret failed`,
		"The provider stops at the first configured source that fails, so that a run never signs in as another identity than the one configured")
	for _, r := range em.Requests() {
		if r.Path == "/metadata/identity/oauth2/token" {
			t.Errorf("the managed identity was asked for a token after the client secret failed")
		}
	}
}

// TestAccProvider_refreshTokenFromEnvironmentWithoutApplicationCredentialAtPlanTime:
// PARTNERCENTER_REFRESH_TOKEN without the application's credential fails
// the plan as refresh_token does.
func TestAccProvider_refreshTokenFromEnvironmentWithoutApplicationCredentialAtPlanTime(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(map[string]string{"PARTNERCENTER_REFRESH_TOKEN": "0.refresh"}),
		Steps: []resource.TestStep{{
			Config:   `provider "partnercenter" {}` + batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""),
			PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)Invalid provider configuration.*` +
				wrapped(`refresh_token, from the environment variable PARTNERCENTER_REFRESH_TOKEN, is exchanged with the application's own credential, and none is configured`)),
		}},
	})
}

// TestAccProvider_refreshTokenFromEnvironmentWithoutProviderBlock: with no
// provider block, the provider's error is the first and only one, on the
// data source that needed Partner Center, and says what is missing;
// Terraform's own, which asks for a provider block that would change
// nothing, does not come.
func TestAccProvider_refreshTokenFromEnvironmentWithoutProviderBlock(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(map[string]string{"PARTNERCENTER_REFRESH_TOKEN": "0.refresh"}),
		Steps: []resource.TestStep{{
			Config:   batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""),
			PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)exit status 1\s+(?:There are some problems with the CLI configuration:.*?╵\s+)?Error: Invalid provider configuration\s+with data\.partnercenter_device_batch_status\.test.*` +
				wrapped(regexp.QuoteMeta(`refresh_token, from the environment variable PARTNERCENTER_REFRESH_TOKEN, is exchanged with the application's own `+
					`credential, and none is configured. Set one of client_secret (PARTNERCENTER_CLIENT_SECRET or ARM_CLIENT_SECRET)`)) + `.*` +
				wrapped(`The configuration sets no provider attribute: the provider took every setting from the environment\.`) + `\s*$`),
		}},
	})
}

// TestAccSignIn_sourceLoggedAtInfo runs alone: Terraform's log settings are
// the process's. TF_LOG=INFO names the source that signed in, not the
// secret.
func TestAccSignIn_sourceLoggedAtInfo(t *testing.T) {
	em := newTestEmulator(t)
	log := terraformLog(t, "INFO", nil, resource.TestStep{
		Config:            em.providerConfig() + batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""),
		ConfigStateChecks: []statecheck.StateCheck{expect("status", knownvalue.StringExact("finished"))},
	})
	var found bool
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "[INFO]") && strings.Contains(line, "Signed in to Entra ID for Partner Center") {
			found = found || strings.Contains(line, `sign_in_source="client secret"`)
		}
	}
	if !found {
		t.Errorf("no INFO line names the client secret as the sign-in source")
	}
	if strings.Contains(log, emulator.DefaultClientSecret) {
		t.Errorf("the log holds the client secret")
	}
}

// TestMSIEndpointWithoutUseMSIWarns warns of an msi_endpoint configured
// while the managed identity is off, which the sign-in would ignore, and only
// then: use_msi on (in the configuration or the environment), unknown or not
// a boolean, or the endpoint unknown or from the environment, say nothing.
func TestMSIEndpointWithoutUseMSIWarns(t *testing.T) {
	const url = "http://169.254.169.254/metadata/identity/oauth2/token"
	endpoint := tftypes.NewValue(tftypes.String, url)
	for _, tc := range []struct {
		name   string
		env    map[string]string
		values map[string]tftypes.Value
		warns  bool
	}{
		{"use_msi unset", nil, map[string]tftypes.Value{"msi_endpoint": endpoint}, true},
		{"use_msi false", nil, map[string]tftypes.Value{"msi_endpoint": endpoint, "use_msi": tftypes.NewValue(tftypes.Bool, false)}, true},
		{"use_msi true", nil, map[string]tftypes.Value{"msi_endpoint": endpoint, "use_msi": tftypes.NewValue(tftypes.Bool, true)}, false},
		{"ARM_USE_MSI", map[string]string{"ARM_USE_MSI": "true"}, map[string]tftypes.Value{"msi_endpoint": endpoint}, false},
		{"use_msi unknown", nil, map[string]tftypes.Value{"msi_endpoint": endpoint, "use_msi": tftypes.NewValue(tftypes.Bool, tftypes.UnknownValue)}, false},
		{"endpoint from the environment", map[string]string{"ARM_MSI_ENDPOINT": url}, nil, false},
		{"endpoint unknown", nil, map[string]tftypes.Value{"msi_endpoint": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)}, false},
		{"ARM_USE_MSI not a boolean", map[string]string{"ARM_USE_MSI": "yes"}, map[string]tftypes.Value{"msi_endpoint": endpoint}, false},
		{"PARTNERCENTER_USE_MSI before ARM_USE_MSI", map[string]string{"PARTNERCENTER_USE_MSI": "false", "ARM_USE_MSI": "true"}, map[string]tftypes.Value{"msi_endpoint": endpoint}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := validationWarning(t, tc.env, tc.values, tc.warns)
			if w != nil && (w.Summary() != "msi_endpoint is not used" || !strings.Contains(w.Detail(), "tried only when use_msi (PARTNERCENTER_USE_MSI or ARM_USE_MSI) is true") ||
				!strings.Contains(w.Detail(), "Set use_msi = true, or remove msi_endpoint.")) {
				t.Errorf("warning %q: %q", w.Summary(), w.Detail())
			}
		})
	}
}
