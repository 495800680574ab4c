package partnercenter

import (
	"errors"
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

// Partner Center may refuse to delete a policy that devices have with 409
// or 400 (Microsoft documents neither): the policy is then read, and the
// devices counted there make the refusal a *PolicyInUseError, which
// waiting does not resolve; without devices, or when the policy cannot be
// read, the refusal is returned as it came.
func TestDeleteConfigurationPolicyRefused(t *testing.T) {
	fault := `{"code":409,"description":"The configuration policy is assigned to 3 device(s)."}`
	policy := func(devices int) string {
		return fmt.Sprintf(`{"id":%q,"name":"Autopilot","category":"o_o_b_e","policySettings":[],"devicesAssignedCount":%d}`, testPolicyID, devices)
	}
	path := "/v1/customers/" + testCustomerID + "/policies/" + testPolicyID
	tests := []struct {
		name    string
		answers []func(http.ResponseWriter)
		kind    Kind
		devices int // of the *PolicyInUseError, 0 when there is none
		status  int // of the refusal found by errors.As
		methods string
	}{
		{"409 with devices", []func(http.ResponseWriter){reply(http.StatusConflict, fault), reply(http.StatusOK, policy(3))},
			KindInUse, 3, http.StatusConflict, "DELETE GET"},
		{"400 with devices", []func(http.ResponseWriter){reply(http.StatusBadRequest, fault), reply(http.StatusOK, policy(1))},
			KindInUse, 1, http.StatusBadRequest, "DELETE GET"},
		{"409 without devices", []func(http.ResponseWriter){reply(http.StatusConflict, fault), reply(http.StatusOK, policy(0))},
			KindConflict, 0, http.StatusConflict, "DELETE GET"},
		{"400 without devices", []func(http.ResponseWriter){reply(http.StatusBadRequest, fault), reply(http.StatusOK, policy(0))},
			KindInvalidRequest, 0, http.StatusBadRequest, "DELETE GET"},
		{"409, the policy unreadable", []func(http.ResponseWriter){reply(http.StatusConflict, fault), reply(http.StatusForbidden, `{"code":2032}`)},
			KindConflict, 0, http.StatusConflict, "DELETE GET"},
		{"404", []func(http.ResponseWriter){reply(http.StatusNotFound, `{"code":1000}`)}, KindNotFound, 0, http.StatusNotFound, "DELETE"},
		{"403", []func(http.ResponseWriter){reply(http.StatusForbidden, `{"code":2032}`)}, KindAccessDenied, 0, http.StatusForbidden, "DELETE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, server := scriptedClient(t, tt.answers...)
			err := client.DeleteConfigurationPolicy(testContext(t), testCustomerID, testPolicyID)
			if got := KindOf(err); got != tt.kind {
				t.Errorf("KindOf(%v) = %d, want %d", err, got, tt.kind)
			}
			var inUse *PolicyInUseError
			switch {
			case tt.devices == 0 && errors.As(err, &inUse):
				t.Errorf("err = %v, want no *PolicyInUseError", err)
			case tt.devices > 0 && (!errors.As(err, &inUse) || inUse.Devices != tt.devices || inUse.PolicyID != testPolicyID):
				t.Errorf("err = %#v, want a *PolicyInUseError of %d device(s)", err, tt.devices)
			}
			var refusal *ResponseError
			if !errors.As(err, &refusal) || refusal.StatusCode != tt.status {
				t.Errorf("err = %v, want the refusal, HTTP %d", err, tt.status)
			}
			var methods []string
			for _, r := range server.requests() {
				if r.path != path {
					t.Errorf("%s %s, want %s", r.method, r.path, path)
				}
				methods = append(methods, r.method)
			}
			if got := strings.Join(methods, " "); got != tt.methods {
				t.Errorf("requests %s, want %s", got, tt.methods)
			}
		})
	}
}

func TestPolicyInUseErrorSaysHowManyDevices(t *testing.T) {
	refusal := &ResponseError{StatusCode: http.StatusConflict, Code: "409"}
	for devices, want := range map[int]string{
		1: "Partner Center refused to delete policy p, which 1 device still has: Partner Center answered HTTP 409 Conflict",
		2: "Partner Center refused to delete policy p, which 2 devices still have: Partner Center answered HTTP 409 Conflict",
	} {
		if got := (&PolicyInUseError{PolicyID: "p", Devices: devices, Err: refusal}).Error(); !strings.HasPrefix(got, want) {
			t.Errorf("Error() = %q, want it to start with %q", got, want)
		}
	}
}
