package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// TestDeviceBatchStatusStateMatchesSchema builds the state by hand as a read
// does and decodes it into the data source's model, so that an attribute
// renamed in the schema but not in deviceBatchStatusState (or the other way
// round) fails here rather than in an acceptance test.
func TestDeviceBatchStatusStateMatchesSchema(t *testing.T) {
	config := tfsdk.Config{Schema: deviceBatchStatusSchema(), Raw: objectValue(deviceBatchStatusStateType(), map[string]tftypes.Value{
		"customer_id":       tftypes.NewValue(tftypes.String, "c"),
		"batch_tracking_id": tftypes.NewValue(tftypes.String, "t"),
	})}
	details := &partnercenter.BatchUploadDetails{Status: partnercenter.StatusFinishedWithErrors, DevicesStatus: []partnercenter.DeviceUploadDetails{
		{SerialNumber: "ok", Status: partnercenter.StatusFinished},
		{SerialNumber: "failed", Status: partnercenter.StatusFinishedWithErrors, ErrorCode: "808"},
	}}
	raw, err := deviceBatchStatusState(config, "c", "t", details, countDeviceResults(details, nil))
	if err != nil {
		t.Fatal(err)
	}
	var model deviceBatchStatusModel
	if diags := (tfsdk.State{Schema: deviceBatchStatusSchema(), Raw: raw}).Get(context.Background(), &model); diags.HasError() {
		t.Fatalf("state does not decode into the model: %v", diags)
	}
	if got := model.FailedDeviceCount.ValueInt64(); got != 1 {
		t.Errorf("failed_device_count %d, want 1", got)
	}
	if got := len(model.DevicesStatus.Elements()); got != 2 {
		t.Errorf("%d devices_status, want 2", got)
	}
}
