package provider

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// warningRecorder keeps the warnings the provider returned when Terraform
// validated its configuration, which terraform-plugin-testing does not
// show a test.
type warningRecorder struct {
	mu       sync.Mutex
	warnings []string
}

func (r *warningRecorder) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.warnings...)
}

// recordingServer is the provider's server, recording the warnings of
// ValidateProviderConfig.
type recordingServer struct {
	tfprotov6.ProviderServer
	recorder *warningRecorder
}

func (s recordingServer) ValidateProviderConfig(ctx context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	resp, err := s.ProviderServer.ValidateProviderConfig(ctx, req)
	if resp != nil {
		s.recorder.mu.Lock()
		for _, d := range resp.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityWarning {
				s.recorder.warnings = append(s.recorder.warnings, d.Summary+": "+d.Detail)
			}
		}
		s.recorder.mu.Unlock()
	}
	return resp, err
}

// recordingFactories are providerFactories(env) whose provider records its
// configuration's warnings in recorder.
func recordingFactories(env map[string]string, recorder *warningRecorder) map[string]func() (tfprotov6.ProviderServer, error) {
	serve := providerFactories(env)["partnercenter"]
	return map[string]func() (tfprotov6.ProviderServer, error){
		"partnercenter": func() (tfprotov6.ProviderServer, error) {
			server, err := serve()
			return recordingServer{ProviderServer: server, recorder: recorder}, err
		},
	}
}

// TestAccProvider_unknownHostWarnings: a base_url or authority_host on a
// host of no known cloud, and not loopback, gets a plan-time warning that
// names the host credentials will go to; known clouds and loopback do not.
func TestAccProvider_unknownHostWarnings(t *testing.T) {
	em := newTestEmulator(t)
	token := em.NewAccessToken(emulator.DefaultTenantID, time.Hour)
	tests := []struct {
		name   string
		config string
		env    map[string]string
		want   []string
	}{
		{"authority host", providerBlock(attrs{"base_url": em.URL, "access_token": token, "authority_host": "https://login.contoso.example/"}) +
			batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""), nil,
			[]string{"Credentials go to an unknown host: authority_host names login.contoso.example, which is not the Entra ID authority of a known cloud " +
				"(china, germany, public, usgovernment). Every sign-in with the application's credentials sends its client secret, certificate-signed " +
				"assertion, federated token or refresh token to login.contoso.example: make sure it is a host you trust."}},
		{"base URL from the environment", `provider "partnercenter" {}` + unreadBatchStatus,
			map[string]string{"PARTNERCENTER_BASE_URL": "https://partnercenter.contoso.example/api", "PARTNERCENTER_ACCESS_TOKEN": token},
			[]string{"Credentials go to an unknown host: The environment variable PARTNERCENTER_BASE_URL names partnercenter.contoso.example, " +
				"which is not the Partner Center API of a known cloud (china, germany, public, usgovernment). Every request to Partner Center " +
				"carries the bearer token to partnercenter.contoso.example: make sure it is a host you trust, such as your own API gateway."}},
		{"known clouds and loopback", providerBlock(attrs{"environment": "china", "base_url": em.URL, "access_token": token}) +
			batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recorder := &warningRecorder{}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: recordingFactories(tt.env, recorder),
				Steps: []resource.TestStep{{
					Config:             tt.config,
					PlanOnly:           true,
					ExpectNonEmptyPlan: strings.Contains(tt.config, "terraform_data"),
				}},
			})
			got := recorder.all()
			if len(tt.want) == 0 && len(got) > 0 {
				t.Errorf("warnings %q, want none", got)
			}
			for _, want := range tt.want {
				if !slices.ContainsFunc(got, func(w string) bool { return strings.Contains(w, want) }) {
					t.Errorf("warnings %q, want one saying %q", got, want)
				}
			}
		})
	}
}

// unreadBatchStatus is a batch status read that waits for apply, so that a
// plan configures the provider without calling Partner Center.
const unreadBatchStatus = `
resource "terraform_data" "customer" {
  input = "` + emulator.SeedCustomerID + `"
}

data "partnercenter_device_batch_status" "test" {
  customer_id       = terraform_data.customer.output
  batch_tracking_id = "` + emulator.SeedBatchTrackingID + `"
}
`
