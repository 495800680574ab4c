package provider

import (
	"fmt"
	"time"
)

// customerOperations describes the reads of the partner's customers, for
// their diagnostics: each is bounded by the read timeout, of value limit.
type customerOperations struct {
	limit time.Duration
}

func (o customerOperations) base(doing, failed, notFound string) operation {
	op := boundedOperation(doing, failed, "read", o.limit)
	op.notFound = "Customer not found"
	op.notFoundDetail = notFound
	op.notFoundHint = "Check customer_id: the customer's tenant ID, as partnercenter_customers lists it."
	op.invalidRequestHint = "Check the prefix."
	return op
}

// read is the read of customer id.
func (o customerOperations) read(id string) operation {
	return o.base(fmt.Sprintf("Reading customer %s", id), "Failed to read the customer",
		fmt.Sprintf("Partner Center has no customer %s that the partner has a relationship with", id))
}

// findDomain is the list of customers that looks up the one of domain.
func (o customerOperations) findDomain(domain string) operation {
	return o.base(fmt.Sprintf("Looking up the customer of domain %s", domain), "Failed to list customers", "Partner Center has no customer list")
}

// list is the list of the partner's customers.
func (o customerOperations) list() operation {
	return o.base("Listing the partner's customers", "Failed to list customers", "Partner Center has no customer list")
}
