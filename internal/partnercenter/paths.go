package partnercenter

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
)

// The paths below the base URL of every resource the client asks, in one
// place so that the URL layout is read here and nowhere else:
//
//	/v1/customers?size=N | ?size=0&filter=…       the customer list
//	/v1/customers/{customer}                       one customer
//	  /deviceBatches                               its device batches
//	  /deviceBatches/{batch}/devices[/{device}]    a batch's devices
//	  /batchJobStatus/{tracking ID}                a batch job's status
//	  /policies[/{policy}]                         its configuration policies
//	  /DevicePolicyUpdates                         policy assignment to devices
//
// GUIDs are canonicalised before they are escaped; a batch's name and a
// device's ID are free text, each escaped as one segment.

// customerPath is the path below the base URL of a customer, under which
// every device deployment operation lives.
func customerPath(customerID string) string {
	return "/v1/customers/" + url.PathEscape(canonicalID(customerID))
}

// customersPath is the path of the first page of the partner's customers,
// those filter keeps when it is not nil. A filtered list is asked with size
// 0, as Microsoft's sample asks it.
func customersPath(filter *CustomerFilter) string {
	if filter == nil {
		return "/v1/customers?size=" + strconv.Itoa(CustomersPageSize)
	}
	encoded, _ := json.Marshal(filterWire{Field: filter.Field, Value: filter.Prefix, Operator: "starts_with"})
	return "/v1/customers?size=0&filter=" + url.QueryEscape(string(encoded))
}

// nextCustomersPath is where the next page of customers is asked, with its
// continuation token: the page's next link, which Partner Center writes
// below /v1 (/customers?seekOperation=Next), when it is a path of the
// customer list; else the documented one. A link to anywhere else is not
// followed, so that the token never leaves for another host or resource.
func nextCustomersPath(link string) string {
	const documented = "/v1/customers?seekOperation=Next"
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "" || u.Host != "" || u.RawQuery == "" ||
		!strings.EqualFold(strings.TrimPrefix(u.Path, "/v1"), "/customers") {
		return documented
	}
	return "/v1/customers?" + u.RawQuery
}

// pathFilters reports whether path, a customer list path, carries a filter
// for Partner Center to apply.
func pathFilters(path string) bool {
	u, err := url.Parse(path)
	return err == nil && u.Query().Has("filter")
}

// deviceBatchesPath is the path of a customer's device batches.
func deviceBatchesPath(customerID string) string {
	return customerPath(customerID) + "/deviceBatches"
}

// deviceBatchPath is the path of a batch below the base URL; its name is
// free text, escaped as one segment.
func deviceBatchPath(customerID, batchID string) string {
	return deviceBatchesPath(customerID) + "/" + url.PathEscape(batchID)
}

// devicesPath is the path of a batch's devices below the base URL.
func devicesPath(customerID, batchID string) string {
	return deviceBatchPath(customerID, batchID) + "/devices"
}

// devicePath is the path of one device of a batch; its ID is escaped as one
// segment.
func devicePath(customerID, batchID, deviceID string) string {
	return devicesPath(customerID, batchID) + "/" + url.PathEscape(deviceID)
}

// batchStatusPath is the path of a batch job's status below the base URL.
func batchStatusPath(customerID, batchTrackingID string) string {
	return customerPath(customerID) + "/batchJobStatus/" + url.PathEscape(canonicalID(batchTrackingID))
}

// policiesPath is the path of a customer's policies below the base URL.
func policiesPath(customerID string) string {
	return customerPath(customerID) + "/policies"
}

// policyPath is the path of one policy below the base URL.
func policyPath(customerID, policyID string) string {
	return policiesPath(customerID) + "/" + url.PathEscape(canonicalID(policyID))
}

// devicePolicyUpdatesPath is the path where a customer's devices are given
// policies.
func devicePolicyUpdatesPath(customerID string) string {
	return customerPath(customerID) + "/DevicePolicyUpdates"
}
