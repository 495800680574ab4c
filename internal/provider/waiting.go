package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// waitForBatch waits for a batch job to finish, pacing its polls as o says,
// and logs each poll at INFO, so that TF_LOG=INFO shows how every wait of
// the provider progresses.
func waitForBatch(ctx context.Context, client *partnercenter.Client, customerID, trackingID string, o partnercenter.WaitOptions) (*partnercenter.BatchUploadDetails, error) {
	o.OnPoll = func(details *partnercenter.BatchUploadDetails) {
		tflog.Info(ctx, "Polled device batch status", map[string]any{
			"customer_id":       customerID,
			"batch_tracking_id": trackingID,
			"status":            string(details.Status),
			"device_count":      len(details.DevicesStatus),
			"failed_devices":    details.FailedDeviceCount(),
		})
	}
	return client.WaitForBatch(ctx, customerID, trackingID, o)
}
