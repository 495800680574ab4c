package provider

import (
	"context"
	"math/big"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// The data source's state is built as Terraform's values directly, not
// through a model struct and the framework's attribute values: for a batch
// of thousands of devices, the reflection and conversions of that path
// cost several times the rest of a read.

// deviceBatchStatusStateType is the Terraform type of the data source's
// state, from its schema.
var deviceBatchStatusStateType = sync.OnceValue(func() tftypes.Object {
	typ, ok := deviceBatchStatusSchema().Type().TerraformType(context.Background()).(tftypes.Object)
	if !ok {
		panic("the device batch status schema is not an object")
	}
	return typ
})

// deviceBatchStatusState is the data source's state for details, whose
// devices results counts: the arguments as configured, and what Partner
// Center answered. Empty strings
// and unset times are null, so that configurations can test for absence
// with `== null`.
func deviceBatchStatusState(config tfsdk.Config, customerID, trackingID string, details *partnercenter.BatchUploadDetails, results deviceResults) (tftypes.Value, error) {
	typ := deviceBatchStatusStateType()
	var configured map[string]tftypes.Value
	if err := config.Raw.As(&configured); err != nil {
		return tftypes.Value{}, err
	}
	deviceType := typ.AttributeTypes["devices_status"].(tftypes.List).ElementType //nolint:forcetypeassert // the schema's own type
	devices := make([]tftypes.Value, len(details.DevicesStatus))
	for i, d := range details.DevicesStatus {
		devices[i] = tftypes.NewValue(deviceType, map[string]tftypes.Value{
			"device_id":         stringValue(d.DeviceID),
			"serial_number":     stringValue(d.SerialNumber),
			"product_key":       stringValue(d.ProductKey),
			"status":            stringValue(string(d.Status)),
			"error_code":        stringValue(d.ErrorCode),
			"error_description": stringValue(d.ErrorDescription),
		})
	}
	counts := map[string]tftypes.Value{}
	for status, n := range statusCounts(details) {
		counts[status] = numberValue(n)
	}
	return tftypes.NewValue(typ, map[string]tftypes.Value{
		"id":                    tftypes.NewValue(tftypes.String, customerID+"/"+trackingID),
		"customer_id":           tftypes.NewValue(tftypes.String, customerID),
		"batch_tracking_id":     tftypes.NewValue(tftypes.String, trackingID),
		"location":              configured["location"],
		"wait_for_completion":   configured["wait_for_completion"],
		"fail_on_device_errors": configured["fail_on_device_errors"],
		"timeouts":              configured["timeouts"],
		"status":                stringValue(string(details.Status)),
		"started_time":          timeValue(details.StartedTime),
		"completed_time":        timeValue(details.CompletedTime),
		"completed":             tftypes.NewValue(tftypes.Bool, details.Status.Terminal()),
		"device_count":          numberValue(int64(len(details.DevicesStatus))),
		"failed_device_count":   numberValue(int64(results.failed)),
		"accepted_device_count": numberValue(int64(results.accepted)),
		"accepted_error_codes":  configured["accepted_error_codes"],
		"devices_status":        tftypes.NewValue(typ.AttributeTypes["devices_status"], devices),
		"device_status_counts":  tftypes.NewValue(typ.AttributeTypes["device_status_counts"], counts),
	}), nil
}

// stringValue is s as a Terraform string, null when empty.
func stringValue(s string) tftypes.Value {
	if s == "" {
		return tftypes.NewValue(tftypes.String, nil)
	}
	return tftypes.NewValue(tftypes.String, s)
}

// timeValue is t as an RFC 3339 string in UTC, null when unset.
func timeValue(t time.Time) tftypes.Value {
	if t.IsZero() {
		return tftypes.NewValue(tftypes.String, nil)
	}
	return tftypes.NewValue(tftypes.String, t.UTC().Format(time.RFC3339))
}

// numberValue is n as a Terraform number.
func numberValue(n int64) tftypes.Value {
	return tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(n))
}
