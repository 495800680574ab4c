package partnercenter

import "testing"

// TestPaths pins the exact paths asked for odd IDs: an upper-case GUID is
// sent in lower case, and free-text names are escaped as one segment.
func TestPaths(t *testing.T) {
	const upper = "47021739-3426-40BF-9601-61B4B6D7C793"
	const customer = "/v1/customers/47021739-3426-40bf-9601-61b4b6d7c793"
	const batch = "a b/c%d?e"
	const escaped = "a%20b%2Fc%25d%3Fe"
	for _, tc := range []struct{ got, want string }{
		{customerPath(upper), customer},
		{deviceBatchesPath(upper), customer + "/deviceBatches"},
		{deviceBatchPath(upper, batch), customer + "/deviceBatches/" + escaped},
		{devicesPath(upper, batch), customer + "/deviceBatches/" + escaped + "/devices"},
		{devicePath(upper, batch, "d/1"), customer + "/deviceBatches/" + escaped + "/devices/d%2F1"},
		{batchStatusPath(upper, upper), customer + "/batchJobStatus/47021739-3426-40bf-9601-61b4b6d7c793"},
		{policiesPath(upper), customer + "/policies"},
		{policyPath(upper, upper), customer + "/policies/47021739-3426-40bf-9601-61b4b6d7c793"},
		{devicePolicyUpdatesPath(upper), customer + "/DevicePolicyUpdates"},
		{customerPath("not a guid"), "/v1/customers/not%20a%20guid"},
	} {
		if tc.got != tc.want {
			t.Errorf("path = %q, want %q", tc.got, tc.want)
		}
	}
}
