package provider

import (
	"context"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// readBatchAndDevices reads a batch and its devices; the batch is nil when
// Partner Center has none of that name, or no devices list for it.
func readBatchAndDevices(ctx context.Context, client *partnercenter.Client, customerID, batchID string) (*partnercenter.DeviceBatch, []partnercenter.Device, error) {
	batch, err := client.FindDeviceBatch(ctx, customerID, batchID)
	if err != nil || batch == nil {
		return nil, nil, err
	}
	held, err := client.ListDevices(ctx, customerID, batch.ID)
	if partnercenter.KindOf(err) == partnercenter.KindNotFound {
		return nil, nil, nil
	}
	return batch, held, err
}
