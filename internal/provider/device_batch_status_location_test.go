package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// TestBatchStatusNamedOnce checks at plan time what names the batch:
// location alone or both IDs, reporting what fails whatever an unknown value
// turns out to be, and nothing that an unknown value could still mend.
func TestBatchStatusNamedOnce(t *testing.T) {
	location := tftypes.NewValue(tftypes.String, "/customers/"+emulator.SeedCustomerID+"/batchJobStatus/"+emulator.SeedBatchTrackingID)
	customer := tftypes.NewValue(tftypes.String, emulator.SeedCustomerID)
	tracking := tftypes.NewValue(tftypes.String, emulator.SeedBatchTrackingID)
	unknown := tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	for _, tc := range []struct {
		name   string
		values map[string]tftypes.Value
		want   string // "summary: detail" of each error, a line each; "" for none
	}{
		{"location", map[string]tftypes.Value{"location": location}, ""},
		{"both IDs", map[string]tftypes.Value{"customer_id": customer, "batch_tracking_id": tracking}, ""},
		{"location unknown", map[string]tftypes.Value{"location": unknown}, ""},
		{"IDs unknown", map[string]tftypes.Value{"customer_id": unknown, "batch_tracking_id": unknown}, ""},
		{"location unknown beside both IDs", map[string]tftypes.Value{"location": unknown, "customer_id": customer, "batch_tracking_id": tracking}, ""},
		{"nothing", nil, "Missing batch arguments: Name the batch in exactly one way: location alone, or both customer_id and batch_tracking_id."},
		{"location and customer_id", map[string]tftypes.Value{"location": location, "customer_id": customer},
			"Conflicting batch arguments: location and customer_id both name the batch: name it in exactly one way, location alone, or both customer_id and batch_tracking_id."},
		{"location and both IDs", map[string]tftypes.Value{"location": location, "customer_id": customer, "batch_tracking_id": tracking},
			"Conflicting batch arguments: location and customer_id both name the batch: name it in exactly one way, location alone, or both customer_id and batch_tracking_id.\n" +
				"Conflicting batch arguments: location and batch_tracking_id both name the batch: name it in exactly one way, location alone, or both customer_id and batch_tracking_id."},
		{"customer_id alone", map[string]tftypes.Value{"customer_id": customer},
			"Missing batch_tracking_id: customer_id is set without batch_tracking_id: set both, or location alone."},
		{"batch_tracking_id alone", map[string]tftypes.Value{"batch_tracking_id": tracking},
			"Missing customer_id: batch_tracking_id is set without customer_id: set both, or location alone."},
		{"customer_id alone beside an unknown location", map[string]tftypes.Value{"location": unknown, "customer_id": customer},
			"Missing batch_tracking_id: customer_id is set without batch_tracking_id: set both, or location alone."},
		{"customer_id unknown alone", map[string]tftypes.Value{"customer_id": unknown},
			"Missing batch_tracking_id: batch_tracking_id is not set: name the batch with location alone, or both customer_id and batch_tracking_id."},
		{"batch_tracking_id unknown alone", map[string]tftypes.Value{"batch_tracking_id": unknown},
			"Missing customer_id: customer_id is not set: name the batch with location alone, or both customer_id and batch_tracking_id."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			schema := deviceBatchStatusSchema()
			config := tfsdk.Config{Schema: schema, Raw: objectValue(schema.Type().TerraformType(ctx), tc.values)}
			var resp datasource.ValidateConfigResponse
			(&deviceBatchStatusDataSource{}).ValidateConfig(ctx, datasource.ValidateConfigRequest{Config: config}, &resp)
			var got []string
			for _, d := range resp.Diagnostics {
				got = append(got, d.Summary()+": "+d.Detail())
			}
			if strings.Join(got, "\n") != tc.want {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), tc.want)
			}
		})
	}
}
