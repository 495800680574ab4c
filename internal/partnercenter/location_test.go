package partnercenter_test

import (
	"strings"
	"testing"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

func TestParseBatchLocationAcceptsEveryDocumentedForm(t *testing.T) {
	const upper = "47021739-3426-40BF-9601-61B4B6D7C793"
	for _, location := range []string{
		"/customers/" + customerID + "/batchJobStatus/" + trackingID,
		"/customers/" + customerID + "/batchJobStatus/" + trackingID + "/",
		"customers/" + customerID + "/batchJobStatus/" + trackingID,
		"/v1/customers/" + customerID + "/batchJobStatus/" + trackingID,
		"/V1/Customers/" + customerID + "/batchjobstatus/" + trackingID,
		"https://api.partnercenter.microsoft.com/v1/customers/" + customerID + "/batchJobStatus/" + trackingID,
		"https://api.partnercenter.microsoft.com/customers/" + customerID + "/batchJobStatus/" + trackingID,
		"https://gateway.example.com/partner-center/v1/customers/" + customerID + "/batchJobStatus/" + trackingID + "/",
		"http://127.0.0.1:8443/v1/customers/" + customerID + "/batchJobStatus/" + trackingID,
		"  /customers/" + customerID + "/batchJobStatus/" + trackingID + "\r\n",
	} {
		gotCustomer, gotTracking, err := partnercenter.ParseBatchLocation(location)
		if err != nil || gotCustomer != customerID || gotTracking != trackingID {
			t.Errorf("ParseBatchLocation(%q) = %q, %q, %v; want %q, %q", location, gotCustomer, gotTracking, err, customerID, trackingID)
		}
	}
	// IDs come back as written: state shows what the user gave.
	gotCustomer, _, err := partnercenter.ParseBatchLocation("/customers/" + upper + "/batchJobStatus/" + trackingID)
	if err != nil || gotCustomer != upper {
		t.Errorf("upper-case customer ID read as %q, %v", gotCustomer, err)
	}
}

func TestParseBatchLocationRefusesWithTheReason(t *testing.T) {
	path := "/customers/" + customerID + "/batchJobStatus/" + trackingID
	for location, want := range map[string]string{
		"":                         "not empty",
		"   ":                      "not empty",
		trackingID:                 "does not have the form /customers/{customer-id}/batchJobStatus/{batch-tracking-id}",
		"/customers/" + customerID: "does not have the form",
		"/customers/" + customerID + "/deviceBatches/" + trackingID: "does not have the form",
		"/v2" + path:     `has "/v2" before /customers`,
		"/api/v1" + path: `has "/api/v1" before /customers`,
		"/customers/not-a-guid/batchJobStatus/" + trackingID:                `the customer ID "not-a-guid" is not a GUID`,
		"/customers/" + customerID + "/batchJobStatus/{" + trackingID + "}": "the batch tracking ID",
		path + "?x=1":                 "must not contain a query or fragment",
		path + "#frag":                "must not contain a query or fragment",
		"ftp://example.com/v1" + path: "must be a path such as",
		"//example.com" + path:        "must be a path such as",
		"/customers/" + customerID + "/batchJobStatus/" + trackingID + "/x": "does not have the form",
	} {
		_, _, err := partnercenter.ParseBatchLocation(location)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseBatchLocation(%q) error %v, want it to contain %q", location, err, want)
		}
	}
}

// The first fixed segment must be customers: a batch job's status lives
// nowhere else, and another resource's path must not pass for one.
func TestParseBatchLocationRefusesAnotherResource(t *testing.T) {
	rest := "/" + customerID + "/batchJobStatus/" + trackingID
	for _, location := range []string{
		"/tenants" + rest,
		"/v1/tenants" + rest,
		"tenants" + rest,
		"https://api.partnercenter.microsoft.com/v1/tenants" + rest,
		"/customer" + rest,
	} {
		if c, b, err := partnercenter.ParseBatchLocation(location); err == nil || !strings.Contains(err.Error(), "does not have the form") {
			t.Errorf("ParseBatchLocation(%q) = %q, %q, %v; want it refused as not having the form", location, c, b, err)
		}
	}
}

// Dot segments are refused as written, not resolved first: a path is taken
// as Partner Center sent it, and /v1/../customers/... is not a form Partner
// Center sends. (The fuzz target cannot see this: it only checks that what
// is accepted round-trips.)
func TestParseBatchLocationRefusesDotSegments(t *testing.T) {
	path := "/customers/" + customerID + "/batchJobStatus/" + trackingID
	for location, want := range map[string]string{
		"/v1/.." + path:     `has "/v1/.." before /customers`,
		"/v1/%2e%2e" + path: `has "/v1/.." before /customers`,
		"/v1/." + path:      `has "/v1/." before /customers`,
		"/x/.." + path:      `has "/x/.." before /customers`,
		"/.." + path:        `has "/.." before /customers`,
		"v1/../.." + path:   `has "/v1/../.." before /customers`,
	} {
		if c, b, err := partnercenter.ParseBatchLocation(location); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseBatchLocation(%q) = %q, %q, %v; want an error containing %q", location, c, b, err, want)
		}
	}
}
