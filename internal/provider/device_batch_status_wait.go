package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

func waitForCompletionAttribute() schema.BoolAttribute {
	return schema.BoolAttribute{
		MarkdownDescription: "When `true`, the read polls Partner Center until the batch is `finished` or `finished_with_errors` " +
			"and returns that status, so that one `terraform apply` can upload devices and assert on the result. " +
			pollPacing + " Each poll's status is logged at INFO (`TF_LOG=INFO`). The wait is bounded by `timeouts.read` (default " +
			describeDuration(defaultReadTimeout) + "); when that runs out, the read fails with the last status seen. " +
			"Defaults to `false`: read the status once.",
		Optional: true,
	}
}

// pollPacing says how a wait polls, from the constants that rule it.
var pollPacing = fmt.Sprintf("Polls start %s apart and back off to %s (with jitter); a `Retry-After` header sets the pace instead.",
	describeDuration(partnercenter.DefaultPollInitialDelay), describeDuration(partnercenter.DefaultPollMaxDelay))

// readBatch reads the batch once or, when wait is set, until it is terminal,
// polling as o says.
func readBatch(ctx context.Context, client *partnercenter.Client, customerID, trackingID string, wait bool, o partnercenter.WaitOptions) (*partnercenter.BatchUploadDetails, error) {
	if !wait {
		return client.GetBatchStatus(ctx, customerID, trackingID)
	}
	return waitForBatch(ctx, client, customerID, trackingID, o)
}
