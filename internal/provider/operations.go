package provider

import (
	"fmt"
	"time"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// operation is a Partner Center call as its failure is explained to a user:
// what was being done, to which entity, and what to check. The client says
// what kind of failure it was (partnercenter.KindOf); the operation turns
// that into words.
type operation struct {
	// doing says what was attempted, naming the entity and its IDs, as the
	// start of a sentence: "Reading batch b of customer c".
	doing string
	// failed is the summary of a failure of no other kind: "Failed to read
	// device batch status".
	failed string
	// timedOut is the summary of a call that got no answer in time:
	// "Timed out reading the device batch status".
	timedOut string
	// act names the operation as a noun for "the ..." ("read", "upload"),
	// and timeout the attribute of the timeouts block that bounds it
	// ("read", "create"), set to limit.
	act, timeout string
	limit        time.Duration
	// notFound is the summary of a missing entity ("Device batch not
	// found"), notFoundDetail says which one, and notFoundHint what to check.
	notFound, notFoundDetail, notFoundHint string
	// invalidRequestHint says what to check when Partner Center refuses the
	// request as sent.
	invalidRequestHint string
	// conflictHint, when set, replaces hintConflict, which suits a change
	// planned from a state that changed since: an operation retried while
	// in conflict until its time ran out has nothing to plan again.
	conflictHint string
	// accessHint, when set, comes first when access is denied, such as that
	// the operation needs an app+user sign-in.
	accessHint string
	// wait describes the wait for a batch job to finish, when the
	// operation waits for one.
	wait waitDescription
}

// waitDescription is how an operation's wait for a batch job is explained
// when it runs out of time.
type waitDescription struct {
	// summary is the summary of a wait that timed out: "Timed out waiting
	// for the device batch to finish".
	summary string
	// subject names what was waited for: "Batch b of customer c".
	subject string
	// alternative is a way to do without waiting: "read the status without
	// wait_for_completion and assert on it later".
	alternative string
}

// ofCustomer is op as a call on a customer's collection, whose only missing
// entity is the customer itself.
func (op operation) ofCustomer(customerID string) operation {
	op.notFound, op.notFoundDetail, op.notFoundHint = "Customer not found", fmt.Sprintf("Partner Center has no customer %s", customerID), "Check customer_id."
	return op
}

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
	return operation{
		doing:              doing,
		failed:             failed,
		timedOut:           "Timed out on Partner Center",
		act:                o.timeout,
		timeout:            o.timeout,
		limit:              o.limit,
		notFound:           "Device batch not found",
		notFoundDetail:     fmt.Sprintf("Partner Center has no batch %q for customer %s", o.batchID, o.customerID),
		notFoundHint:       "Check customer_id and batch_id.",
		invalidRequestHint: "Check customer_id, batch_id and the devices.",
	}
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
