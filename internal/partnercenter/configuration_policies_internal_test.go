package partnercenter

import (
	"fmt"
	"net/http"
	"strings"
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
	jobs, err := client.AssignPolicy(ctx, testCustomerID, testPolicyID, []string{"d-1", "d-2"})
	if err != nil || len(jobs) != 1 || jobs[0].TrackingID != testTrackingID {
		t.Fatalf("assign: %+v, %v", jobs, err)
	}
	policies := "/v1/customers/" + testCustomerID + "/policies"
	want := []seen{
		{method: http.MethodGet, path: policies + "/" + testPolicyID},
		{method: http.MethodPost, path: policies, body: `{"name":"Autopilot","category":"o_o_b_e","description":"","policySettings":[]}`},
		{method: http.MethodPut, path: policies + "/" + testPolicyID,
			// The description is sent empty, as Partner Center may keep the
			// old one when an update leaves it out.
			body: `{"id":"` + testPolicyID + `","name":"Autopilot 2","category":"o_o_b_e","description":"","policySettings":["skip_eula"]}`},
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
	uploads, err := client.UploadDevices(testContext(t), testCustomerID, "Contoso laptops", devices, true)
	if err != nil || len(uploads) != 1 || len(uploads[0].Devices) != 2 || uploads[0].Job.TrackingID != testTrackingID {
		t.Fatalf("creation: %+v, %v", uploads, err)
	}
	if _, err := client.UploadDevices(testContext(t), testCustomerID, "Contoso laptops", devices[1:], false); err != nil {
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

// An upload of more than MaxDevicesPerRequest devices goes in parts, in
// order: the creation with the first, then uploads into the batch; a device
// policy update the same way.
func TestLargeRequestsGoInParts(t *testing.T) {
	location := "/customers/" + testCustomerID + "/batchJobStatus/" + testTrackingID
	client, server := scriptedClient(t, reply(http.StatusAccepted, "", "Location", location))
	devices := make([]Device, 2*MaxDevicesPerRequest+1)
	ids := make([]string, len(devices))
	for i := range devices {
		devices[i] = Device{ProductKey: fmt.Sprintf("P-%d", i)}
		ids[i] = fmt.Sprintf("d-%d", i)
	}
	uploads, err := client.UploadDevices(testContext(t), testCustomerID, "Large", devices, true)
	if err != nil || len(uploads) != 3 {
		t.Fatalf("%d parts, %v; want 3", len(uploads), err)
	}
	for i, size := range []int{MaxDevicesPerRequest, MaxDevicesPerRequest, 1} {
		if n := len(uploads[i].Devices); n != size || uploads[i].Devices[0].ProductKey != devices[i*MaxDevicesPerRequest].ProductKey {
			t.Errorf("part %d: %d devices from %+v, want %d from %+v", i, n, uploads[i].Devices[0], size, devices[i*MaxDevicesPerRequest])
		}
	}
	jobs, err := client.AssignPolicy(testContext(t), testCustomerID, testPolicyID, ids)
	if err != nil || len(jobs) != 3 {
		t.Fatalf("%d policy update parts, %v; want 3", len(jobs), err)
	}
	batches := "/v1/customers/" + testCustomerID + "/deviceBatches"
	wantPaths := []string{batches, batches + "/Large/devices", batches + "/Large/devices"}
	for i, r := range server.requests()[:3] {
		if r.method != http.MethodPost || r.path != wantPaths[i] {
			t.Errorf("request %d: %s %s, want POST %s", i, r.method, r.path, wantPaths[i])
		}
	}
	if r := server.requests()[5]; r.method != http.MethodPatch || !strings.HasPrefix(r.body, `{"devices":[{"id":"d-1000",`) {
		t.Errorf("last policy update part %s %.40s, want the last device alone", r.method, r.body)
	}
}
