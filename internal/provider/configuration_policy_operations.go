package provider

import (
	"fmt"
	"time"
)

// policyOperations describes the calls on a customer's configuration
// policies, for their diagnostics.
type policyOperations struct {
	// policyID is empty for a list or a create.
	customerID, policyID string
	// timeout and limit are the timeouts attribute bounding the calls and
	// its value.
	timeout string
	limit   time.Duration
}

func (o policyOperations) base(doing, failed string) operation {
	op := boundedOperation(doing, failed, o.timeout, o.limit)
	op.notFound = "Configuration policy not found"
	op.notFoundDetail = fmt.Sprintf("Partner Center has no configuration policy %s for customer %s", o.policyID, o.customerID)
	op.notFoundHint = "Check customer_id and the policy's ID."
	op.invalidRequestHint = "Check name, category and policy_settings."
	return op
}

// list is the read of the customer's policies, whose only missing entity
// is the customer.
func (o policyOperations) list() operation {
	return o.base(fmt.Sprintf("Listing the configuration policies of customer %s", o.customerID),
		"Failed to list configuration policies").ofCustomer(o.customerID)
}

// create is the creation of the policy named name.
func (o policyOperations) create(name string) operation {
	return o.base(fmt.Sprintf("Creating configuration policy %q of customer %s", name, o.customerID), "Failed to create the configuration policy")
}

// read is the read of the policy.
func (o policyOperations) read() operation {
	return o.base(fmt.Sprintf("Reading configuration policy %s of customer %s", o.policyID, o.customerID), "Failed to read the configuration policy")
}

// update is the update of the policy.
func (o policyOperations) update() operation {
	return o.base(fmt.Sprintf("Updating configuration policy %s of customer %s", o.policyID, o.customerID), "Failed to update the configuration policy")
}

// delete is the policy's deletion. A conflict is tried again until the
// time runs out, so its hint is the deletion's own: there is nothing to
// plan again.
func (o policyOperations) delete() operation {
	op := o.base(fmt.Sprintf("Deleting configuration policy %s of customer %s", o.policyID, o.customerID), "Failed to delete the configuration policy")
	op.conflictHint = fmt.Sprintf("Partner Center kept refusing to delete the profile while the provider tried again, for up to %s, "+
		"though it counted no device with the profile when asked, or could not be asked: a change to the profile or its devices may "+
		"still be under way. Check the profile's devices_assigned_count, then destroy again, or allow more time with delete in the timeouts block.",
		op.bound())
	return op
}
