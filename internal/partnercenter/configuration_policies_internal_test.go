package partnercenter

import (
	"net/http"
	"testing"
)

const testPolicyID = "5b8e3c1a-2f4d-4e6a-9b7c-1d0e2f3a4b5c"

func TestPolicyRequests(t *testing.T) {
	policy := `{"id":"` + testPolicyID + `","name":"Autopilot","category":"o_o_b_e","policySettings":["skip_eula"],"devicesAssigned":2,` +
		`"createdDate":"2026-11-30T10:00:00","lastModifiedDate":"2026-11-30T11:00:00"}`
	location := "/customers/" + testCustomerID + "/batchJobStatus/" + testTrackingID
	client, server := scriptedClient(t,
		reply(http.StatusOK, "\xef\xbb\xbf"+policy), // Microsoft's own sample carries a byte order mark
		reply(http.StatusCreated, policy),
		reply(http.StatusOK, policy),
		reply(http.StatusNoContent, ""),
		reply(http.StatusAccepted, "", "Location", location))
	ctx := testContext(t)
	got, err := client.GetConfigurationPolicy(ctx, testCustomerID, testPolicyID)
	if err != nil || got.Name != "Autopilot" || got.DevicesAssignedCount != 2 || got.LastModifiedDate.Hour() != 11 {
		t.Fatalf("get: %+v, %v", got, err)
	}
	if _, err := client.CreateConfigurationPolicy(ctx, testCustomerID, ConfigurationPolicy{ID: "ignored", Name: "Autopilot", Category: "o_o_b_e"}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.UpdateConfigurationPolicy(ctx, testCustomerID, ConfigurationPolicy{ID: testPolicyID, Name: "Autopilot 2", Category: "o_o_b_e",
		PolicySettings: []string{"skip_eula"}}); err != nil {
		t.Fatal(err)
	}
	if err := client.DeleteConfigurationPolicy(ctx, testCustomerID, testPolicyID); err != nil {
		t.Fatal(err)
	}
	job, err := client.AssignPolicy(ctx, testCustomerID, testPolicyID, []string{"d-1", "d-2"})
	if err != nil || job.TrackingID != testTrackingID {
		t.Fatalf("assign: %+v, %v", job, err)
	}
	policies := "/v1/customers/" + testCustomerID + "/policies"
	want := []seen{
		{method: http.MethodGet, path: policies + "/" + testPolicyID},
		{method: http.MethodPost, path: policies, body: `{"name":"Autopilot","category":"o_o_b_e","policySettings":[]}`},
		{method: http.MethodPut, path: policies + "/" + testPolicyID,
			body: `{"id":"` + testPolicyID + `","name":"Autopilot 2","category":"o_o_b_e","policySettings":["skip_eula"]}`},
		{method: http.MethodDelete, path: policies + "/" + testPolicyID},
		{method: http.MethodPatch, path: "/v1/customers/" + testCustomerID + "/DevicePolicyUpdates",
			body: `{"devices":[{"id":"d-1","policies":[{"key":"o_o_b_e","value":"` + testPolicyID + `"}]},` +
				`{"id":"d-2","policies":[{"key":"o_o_b_e","value":"` + testPolicyID + `"}]}]}`},
	}
	for i, r := range server.requests() {
		if r.method != want[i].method || r.path != want[i].path || r.body != want[i].body {
			t.Errorf("request %d: %s %s %s\nwant %s %s %s", i, r.method, r.path, r.body, want[i].method, want[i].path, want[i].body)
		}
	}
}

func TestUploadRequests(t *testing.T) {
	location := "/customers/" + testCustomerID + "/batchJobStatus/" + testTrackingID
	client, server := scriptedClient(t, reply(http.StatusAccepted, "", "Location", location))
	devices := []Device{{HardwareHash: "aGFzaA==", SerialNumber: "SN-1", ID: "not sent", OOBEPolicyID: "not sent"}, {ProductKey: "P-2"}}
	if _, err := client.CreateDeviceBatch(testContext(t), testCustomerID, "Contoso laptops", devices); err != nil {
		t.Fatal(err)
	}
	if _, err := client.AddDevices(testContext(t), testCustomerID, "Contoso laptops", devices[1:]); err != nil {
		t.Fatal(err)
	}
	got := server.requests()
	if want := `{"batchId":"Contoso laptops","devices":[{"serialNumber":"SN-1","hardwareHash":"aGFzaA=="},{"productKey":"P-2"}]}`; got[0].body != want {
		t.Errorf("creation body %s, want %s", got[0].body, want)
	}
	// The batch's name is one escaped path segment; the body a bare array.
	if got[1].path != "/v1/customers/"+testCustomerID+"/deviceBatches/Contoso%20laptops/devices" || got[1].body != `[{"productKey":"P-2"}]` {
		t.Errorf("upload %s %s", got[1].path, got[1].body)
	}
}
