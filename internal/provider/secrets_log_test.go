package provider

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// TestAccReliability_noSecretInTraceLogs signs in every way that takes a
// secret, with TF_LOG=TRACE, and checks that the log names every call's
// MS-RequestId but holds no secret and no access token. Most secrets come
// from the environment; the one set as a provider attribute is checked in
// every log entry but the one terraform-plugin-testing writes the test's
// configuration in.
func TestAccReliability_noSecretInTraceLogs(t *testing.T) {
	tests := map[string]func(t *testing.T, em *testEmulator) (config string, env map[string]string, secrets []string){
		"client secret": func(t *testing.T, em *testEmulator) (string, map[string]string, []string) {
			secret := "client-secret-" + uuid.NewString()
			em.RegisterApp(emulator.DefaultTenantID, emulator.DefaultClientID, secret)
			return providerBlock(em.endpoints()), map[string]string{"PARTNERCENTER_CLIENT_SECRET": secret}, []string{secret}
		},
		"client secret as a provider attribute": func(t *testing.T, em *testEmulator) (string, map[string]string, []string) {
			secret := "client-secret-" + uuid.NewString()
			em.RegisterApp(emulator.DefaultTenantID, emulator.DefaultClientID, secret)
			return providerBlock(em.endpoints(), attrs{"client_secret": secret}), nil, []string{secret}
		},
		"access token": func(t *testing.T, em *testEmulator) (string, map[string]string, []string) {
			token := em.NewAccessToken(emulator.DefaultTenantID, time.Hour)
			return providerBlock(attrs{"base_url": em.URL}), map[string]string{"PARTNERCENTER_ACCESS_TOKEN": token}, []string{token}
		},
		"refresh token": func(t *testing.T, em *testEmulator) (string, map[string]string, []string) {
			secret := "client-secret-" + uuid.NewString()
			em.RegisterApp(emulator.DefaultTenantID, emulator.DefaultClientID, secret)
			refreshToken := em.NewRefreshToken(emulator.DefaultTenantID, emulator.DefaultClientID)
			env := map[string]string{"PARTNERCENTER_CLIENT_SECRET": secret, "PARTNERCENTER_REFRESH_TOKEN": refreshToken}
			return providerBlock(em.endpoints()), env, []string{secret, refreshToken}
		},
		"certificate password": func(t *testing.T, em *testEmulator) (string, map[string]string, []string) {
			pfx := registerTestCertificate(t, em)
			encoded := base64.StdEncoding.EncodeToString(pfx)
			env := map[string]string{"PARTNERCENTER_CLIENT_CERTIFICATE": encoded, "PARTNERCENTER_CLIENT_CERTIFICATE_PASSWORD": testPFXPassword}
			return providerBlock(em.endpoints()), env, []string{testPFXPassword, encoded}
		},
		"OIDC token": func(t *testing.T, em *testEmulator) (string, map[string]string, []string) {
			em.RegisterFederatedCredential(emulator.DefaultTenantID, emulator.DefaultClientID, federatedSubject)
			token := em.IssueFederatedToken(federatedSubject, time.Hour)
			return providerBlock(em.endpoints()), map[string]string{"PARTNERCENTER_USE_OIDC": "true", "PARTNERCENTER_OIDC_TOKEN": token}, []string{token}
		},
	}
	for name, setUp := range tests {
		t.Run(name, func(t *testing.T) {
			em := newTestEmulator(t)
			config, env, secrets := setUp(t, em)
			// A throttled first attempt: the retry is logged too.
			em.InjectFaults(batchRoute, emulator.Fault{Status: 429, Header: fastRetry})
			log := terraformLog(t, "TRACE", env, resource.TestStep{
				Config:            config + batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""),
				ConfigStateChecks: []statecheck.StateCheck{expect("status", knownvalue.StringExact("finished"))},
			})
			requests := partnerCenterRequests(em.Emulator)
			if len(requests) == 0 {
				t.Fatal("no Partner Center request")
			}
			for _, r := range requests {
				if token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "); token != "" {
					secrets = append(secrets, token)
				}
				for _, id := range []string{r.Header.Get("MS-RequestId"), r.Header.Get("MS-CorrelationId")} {
					if !strings.Contains(log, id) {
						t.Errorf("the TRACE log does not name request or correlation ID %s", id)
					}
				}
			}
			if !strings.Contains(log, "attempt=2") || !strings.Contains(log, "status=429") {
				t.Error("the TRACE log does not show the throttled attempt and its retry")
			}
			// azcore's own request log, its headers redacted but the IDs.
			for _, want := range []string{"OUTGOING REQUEST", "/batchJobStatus/" + emulator.SeedBatchTrackingID, "Authorization: REDACTED",
				"Ms-Requestid: " + requests[0].Header.Get("MS-RequestId"), "azure_sdk_event=Request"} {
				if !strings.Contains(log, want) {
					t.Errorf("the TRACE log has no azcore request log line with %q", want)
				}
			}
			checked := withoutConfigurationDump(log)
			if !strings.Contains(checked, "Authorization: REDACTED") {
				t.Error("the log without the configuration dump lost the provider's entries")
			}
			for i, secret := range secrets {
				if strings.Contains(checked, secret) {
					// Numbered, not quoted: the test's own output is a log too.
					t.Errorf("the TRACE log (%d bytes) contains secret #%d", len(log), i+1)
				}
			}
		})
	}
}

// logEntryStart begins each entry of a TRACE log; an entry's further lines
// (a multi-line message or field) do not.
var logEntryStart = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T`)

// withoutConfigurationDump is log without the entries in which
// terraform-plugin-testing writes each step's configuration, secrets and
// all: the test harness's own, not the provider's or Terraform's.
func withoutConfigurationDump(log string) string {
	var kept strings.Builder
	dropping := false
	for line := range strings.Lines(log) {
		if logEntryStart.MatchString(line) {
			dropping = strings.Contains(line, "[TRACE] sdk.helper_resource: Setting Terraform configuration:")
		}
		if !dropping {
			kept.WriteString(line)
		}
	}
	return kept.String()
}

// terraformLog runs step with the provider of env and Terraform logging at
// level to a file, and returns what was logged. It runs the test alone, as
// Terraform's log settings are the process's.
func terraformLog(t *testing.T, level string, env map[string]string, step resource.TestStep) string {
	t.Helper()
	logFile := filepath.Join(t.TempDir(), "terraform.log")
	t.Setenv("TF_LOG", level)
	t.Setenv("TF_LOG_PATH", logFile)
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: providerFactories(env), Steps: []resource.TestStep{step}})
	content, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	return string(content)
}
