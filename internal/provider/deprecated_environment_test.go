package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// validateProviderConfig runs the provider's ValidateConfig on a
// configuration that sets the attributes of values, with env as the
// environment.
func validateProviderConfig(t *testing.T, env map[string]string, values map[string]tftypes.Value) diag.Diagnostics {
	t.Helper()
	ctx := context.Background()
	p := &partnerCenterProvider{env: mapEnvironment(env)}
	var schemaResp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &schemaResp)
	raw := objectValue(schemaResp.Schema.Type().TerraformType(ctx), values)
	var resp provider.ValidateConfigResponse
	p.ValidateConfig(ctx, provider.ValidateConfigRequest{Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: raw}}, &resp)
	return resp.Diagnostics
}

// validationWarning runs the provider's ValidateConfig as
// validateProviderConfig does and returns its one warning when wanted, else
// nil; any other diagnostic fails t.
func validationWarning(t *testing.T, env map[string]string, values map[string]tftypes.Value, wanted bool) diag.Diagnostic {
	t.Helper()
	diags := validateProviderConfig(t, env, values)
	if !wanted {
		if len(diags) != 0 {
			t.Errorf("diagnostics %v, want none", diags)
		}
		return nil
	}
	if len(diags) != 1 || diags.WarningsCount() != 1 {
		t.Fatalf("diagnostics %v, want one warning", diags)
	}
	return diags[0]
}

// TestGermanyEnvironmentIsDeprecated warns, naming where the value came
// from, when environment is germany, and only then.
func TestGermanyEnvironmentIsDeprecated(t *testing.T) {
	for _, tc := range []struct {
		name   string
		env    map[string]string
		values map[string]tftypes.Value
		want   string
	}{
		{"attribute", nil, map[string]tftypes.Value{"environment": tftypes.NewValue(tftypes.String, "germany")}, `The attribute environment is "germany"`},
		{"environment variable", map[string]string{"PARTNERCENTER_ENVIRONMENT": "germany"}, nil, `The environment variable PARTNERCENTER_ENVIRONMENT is "germany"`},
		{"public", nil, map[string]tftypes.Value{"environment": tftypes.NewValue(tftypes.String, "public")}, ""},
		{"unset", nil, nil, ""},
		{"unknown", nil, map[string]tftypes.Value{"environment": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := validationWarning(t, tc.env, tc.values, tc.want != "")
			if w == nil {
				return
			}
			for _, want := range []string{tc.want, "deprecated", "Microsoft Cloud Germany closed in October 2021", `Use "public"`} {
				if !strings.Contains(w.Detail(), want) {
					t.Errorf("warning %q does not say %q", w.Detail(), want)
				}
			}
			if w.Summary() != "Deprecated environment" {
				t.Errorf("summary %q", w.Summary())
			}
		})
	}
}

// TestGermanyEnvironmentWarnsAtPlanTime plans a configuration with
// environment = "germany" through the CLI: the plan goes on, with the
// warning.
func TestGermanyEnvironmentWarnsAtPlanTime(t *testing.T) {
	examples := newExampleRunner(t)
	em := newExampleEmulator(t)
	dir := t.TempDir()
	config := `
provider "partnercenter" {
  environment = "germany"
}

data "partnercenter_device_batch_status" "upload" {
  customer_id       = "` + emulator.SeedCustomerID + `"
  batch_tracking_id = "` + emulator.SeedBatchTrackingID + `"
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	// base_url and authority_host point the provider at the emulator,
	// whatever the cloud.
	out, err := examples.run(t, dir, append(credentialFreeEnvironment(), em.clientSecretEnvironment()...), "plan", "-input=false", "-no-color")
	if err != nil || !errorPattern(`Warning: Deprecated environment.*The attribute environment is "germany", which is deprecated: Microsoft Cloud Germany closed`).MatchString(out) {
		t.Errorf("plan: %v, want it to succeed with the deprecation warning\n%s", err, out)
	}
}
