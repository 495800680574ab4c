package partnercenter

import (
	"net/url"
	"strings"
	"testing"
)

const fuzzCustomerID = "47021739-3426-40bf-9601-61b4b6d7c793"

// FuzzParseBatchLocation feeds the Location parser arbitrary values: it must
// never panic, and every value it accepts must yield two GUIDs that make the
// path the client requests, /v1/customers/{cid}/batchJobStatus/{tid}, which
// parses back to the same IDs. The seed corpus is in testdata/fuzz.
func FuzzParseBatchLocation(f *testing.F) {
	for _, seed := range []string{
		"/customers/" + fuzzCustomerID + "/batchJobStatus/" + fuzzTrackingID,
		"/v1/customers/" + fuzzCustomerID + "/batchJobStatus/" + fuzzTrackingID + "/",
		"https://gateway.example.com/partner-center/v1/customers/" + fuzzCustomerID + "/batchJobStatus/" + fuzzTrackingID,
		"/customers/" + strings.ToUpper(fuzzCustomerID) + "/batchjobstatus/" + fuzzTrackingID + "\r\n",
		"/customers/{" + fuzzCustomerID + "}/batchJobStatus/" + fuzzTrackingID,
		"/customers/" + fuzzCustomerID + "/batchJobStatus/" + fuzzTrackingID + "?x=1",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, location string) {
		customerID, trackingID, err := ParseBatchLocation(location)
		if err != nil {
			if customerID != "" || trackingID != "" {
				t.Fatalf("refused %q (%v) but returned %q, %q", location, err, customerID, trackingID)
			}
			return
		}
		if !IsGUID(customerID) || !IsGUID(trackingID) {
			t.Fatalf("accepted %q with IDs %q, %q", location, customerID, trackingID)
		}
		path := batchStatusPath(customerID, trackingID)
		want := "/v1/customers/" + strings.ToLower(customerID) + "/batchJobStatus/" + strings.ToLower(trackingID)
		if path != want {
			t.Fatalf("%q makes the path %q, want %q", location, path, want)
		}
		if u, err := url.Parse("https://api.partnercenter.microsoft.com" + path); err != nil || u.Path != want {
			t.Fatalf("the path %q of %q does not survive a URL: %v", path, location, err)
		}
		gotCustomer, gotTracking, err := ParseBatchLocation(path)
		if err != nil || !strings.EqualFold(gotCustomer, customerID) || !strings.EqualFold(gotTracking, trackingID) {
			t.Fatalf("%q: its path %q parses as %q, %q, %v", location, path, gotCustomer, gotTracking, err)
		}
	})
}
