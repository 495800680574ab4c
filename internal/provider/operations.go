package provider

import (
	"fmt"
	"time"
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

// boundedOperation is a call of a resource or data source bounded by its
// timeouts attribute timeout, of value limit, which is named when the time
// runs out. Each entity's operations add what a missing entity and a
// refused request mean for them.
func boundedOperation(doing, failed, timeout string, limit time.Duration) operation {
	return operation{doing: doing, failed: failed, timedOut: "Timed out on Partner Center", act: timeout, timeout: timeout, limit: limit}
}
