package provider

import (
	"fmt"
	"time"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// batchOperations describes the calls partnercenter_device_batch makes, for
// their diagnostics.
type batchOperations struct {
	customerID, batchID string
	// timeout and limit are the timeouts attribute bounding the calls and
	// its value.
	timeout string
	limit   time.Duration
}

func (o batchOperations) base(doing, failed string) operation {
	op := boundedOperation(doing, failed, o.timeout, o.limit)
	op.notFound = "Device batch not found"
	op.notFoundDetail = fmt.Sprintf("Partner Center has no batch %q for customer %s", o.batchID, o.customerID)
	op.notFoundHint = "Check customer_id and batch_id."
	op.invalidRequestHint = "Check customer_id, batch_id and the devices."
	return op
}

// list is the read of the customer's batches.
func (o batchOperations) list() operation {
	return o.base(fmt.Sprintf("Listing the device batches of customer %s", o.customerID), "Failed to list device batches")
}

// listDevices is the read of the batch and its devices.
func (o batchOperations) listDevices() operation {
	return o.base(fmt.Sprintf("Reading batch %q of customer %s", o.batchID, o.customerID), "Failed to read the device batch")
}

// create is the upload that creates the batch, which only an app+user
// sign-in may make.
func (o batchOperations) create() operation {
	op := o.base(fmt.Sprintf("Creating batch %q of customer %s", o.batchID, o.customerID), "Failed to create the device batch")
	op.accessHint = "Partner Center creates a device batch only for an app+user sign-in: configure refresh_token with the " +
		"application's secret or certificate (see the section \"App+user: refresh token\" of " + signInGuide + ", " + signInGuideURL + "#appuser-refresh-token)."
	op.invalidRequestHint = "Check batch_id and the devices' identifications."
	return op
}

// upload is the upload of devices into the batch.
func (o batchOperations) upload() operation {
	op := o.base(fmt.Sprintf("Uploading devices to batch %q of customer %s", o.batchID, o.customerID), "Failed to upload devices")
	op.invalidRequestHint = "Check the devices' identifications."
	return op
}

// deleteDevice is the deletion of devices from the batch.
func (o batchOperations) deleteDevice() operation {
	return o.base(fmt.Sprintf("Deleting devices of batch %q of customer %s", o.batchID, o.customerID), "Failed to delete devices")
}

// wait is the wait for an upload to be processed.
func (o batchOperations) wait(job *partnercenter.BatchJob) operation {
	op := o.base(fmt.Sprintf("Waiting for upload %s to batch %q of customer %s", job.TrackingID, o.batchID, o.customerID),
		"Failed to follow the upload")
	op.wait = waitDescription{
		summary:     "Timed out waiting for the upload to finish",
		subject:     fmt.Sprintf("Upload %s to batch %q of customer %s", job.TrackingID, o.batchID, o.customerID),
		alternative: "follow the upload with the partnercenter_device_batch_status data source (its location is " + job.Location + ")",
	}
	return op
}
