package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

func waitForCompletionAttribute() schema.BoolAttribute {
	return schema.BoolAttribute{
		MarkdownDescription: "When `true`, the read polls Partner Center until the batch is `finished` or `finished_with_errors` " +
			"and returns that status, so that one `terraform apply` can upload devices and assert on the result. " +
			"Polls start 2 seconds apart and back off to 30 seconds (with jitter); a `Retry-After` header sets the pace instead. " +
			"Each poll's status is logged at INFO (`TF_LOG=INFO`). The wait is bounded by `timeouts.read` (default 5 minutes); " +
			"when that runs out, the read fails with the last status seen. Defaults to `false`: read the status once.",
		Optional: true,
	}
}

// waitOptions paces wait_for_completion. Only tests change it: the
// acceptance tests run the provider in this process and poll every few
// milliseconds, so that waiting through a batch's states takes no real
// time; partnercenter's unit tests cover the default pacing.
var waitOptions = partnercenter.WaitOptions{}

// readBatch reads the batch once or, when wait is set, until it is terminal.
func readBatch(ctx context.Context, client *partnercenter.Client, customerID, trackingID string, wait bool) (*partnercenter.BatchUploadDetails, error) {
	if !wait {
		return client.GetBatchStatus(ctx, customerID, trackingID)
	}
	o := waitOptions
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
