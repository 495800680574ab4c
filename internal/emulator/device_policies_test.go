package emulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestDevicePolicyUpdates(t *testing.T) {
	e, token, clock := newUploadEmulator()
	ids, err := e.AddDevices(customerA, "b", Device{ProductKey: "PK-1", SerialNumber: "SN-1"}, Device{ProductKey: "PK-2"}, Device{ProductKey: "PK-3"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.AddDevices(customerB, "theirs", Device{ID: "0000-theirs", ProductKey: "PK-B"}); err != nil {
		t.Fatal(err)
	}
	policy := readPolicy(t, request(e, token, http.MethodPost, policiesPath(), `{"name":"P","category":"o_o_b_e","policySettings":["skip_eula"]}`))
	other := e.PutPolicy(customerB, ConfigurationPolicy{Name: "theirs", Category: PolicyCategoryOOBE})
	// As the .NET SDK sends it, to the path as Microsoft writes it, with an
	// app-only token.
	body := `{"Devices":[` +
		`{"Id":"` + ids[0] + `","SerialNumber":null,"Policies":[{"Key":"o_o_b_e","Value":"` + policy.ID + `"}],"UploadedDate":"0001-01-01T00:00:00","Attributes":{"ObjectType":"Device"}},` +
		`{"Id":"` + ids[1] + `","Policies":[{"Key":"o_o_b_e","Value":"` + strings.ToUpper(policy.ID) + `"}]},` +
		`{"Id":"0000-theirs","Policies":[{"Key":"o_o_b_e","Value":"` + policy.ID + `"}]},` +
		`{"Id":"` + ids[2] + `","Policies":[{"Key":"o_o_b_e","Value":"` + other + `"}]}` +
		`],"Attributes":{"ObjectType":"DevicePolicyUpdateRequest"}}`
	appOnly := e.NewAccessToken(DefaultTenantID, time.Hour)
	tid := trackingID(t, request(e, appOnly, http.MethodPatch, "/v1/customers/"+customerA+"/DevicePolicyUpdates", body))

	if got := readJob(t, e, token, tid).summary(); got != "queued, queued, queued, queued, queued" {
		t.Errorf("first read: %s", got)
	}
	clock.Advance(time.Second + 200*time.Millisecond)
	// Counted from the devices as the job sets their policies.
	if got := e.Policies(customerA)[0].DevicesAssignedCount; got != 2 {
		t.Errorf("after two devices: %d assigned", got)
	}
	clock.Advance(time.Minute)
	v := readJob(t, e, token, tid)
	if got, want := v.summary(), "finished_with_errors, finished, finished, finished_with_errors /DeviceNotFound, finished_with_errors /PolicyNotFound"; got != want {
		t.Errorf("%s\nwant %s", got, want)
	}
	if d := v.DevicesStatus[0]; d.DeviceID != ids[0] || d.SerialNumber != "SN-1" || d.ProductKey != "PK-1" {
		t.Errorf("first device's status %+v", d)
	}
	var assigned []string
	for _, d := range e.Devices(customerA, "b") {
		assigned = append(assigned, d.OOBEPolicyID())
	}
	if strings.Join(assigned, ",") != policy.ID+","+policy.ID+"," {
		t.Errorf("policies of the devices: %q", assigned)
	}
	if got := readPolicy(t, request(e, token, http.MethodGet, policiesPath()+"/"+policy.ID, "")); got.DevicesAssignedCount != 2 {
		t.Errorf("GET: %d devices assigned, want 2", got.DevicesAssignedCount)
	}

	// Assigned, the policy cannot be deleted; unassigned (with null, the
	// emulator's convenience) or deleted devices count no more.
	del := request(e, token, http.MethodDelete, policiesPath()+"/"+policy.ID, "")
	if want := `{"code":409,"description":"The configuration policy ` + policy.ID + ` is assigned to 2 device(s). Assign those devices another policy, or none, before deleting it.","data":[],"source":"PartnerFD"}`; del.status != http.StatusConflict || del.body != want {
		t.Errorf("DELETE while assigned: %d %s", del.status, del.body)
	}
	tid = trackingID(t, request(e, token, http.MethodPatch, "/v1/customers/"+customerA+"/devicepolicyupdates",
		`{"devices":[{"id":"`+ids[0]+`","policies":[{"key":"o_o_b_e","value":null}]}]}`))
	if err := e.DeleteDevice(customerA, "b", ids[1]); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if got := readJob(t, e, token, tid).summary(); got != "finished, finished" {
		t.Errorf("unassigning: %s", got)
	}
	if got := e.Policies(customerA)[0].DevicesAssignedCount; got != 0 {
		t.Errorf("%d devices assigned, want none", got)
	}
	if r := request(e, token, http.MethodDelete, policiesPath()+"/"+policy.ID, ""); r.status != http.StatusNoContent {
		t.Errorf("DELETE: %d %s", r.status, r.body)
	}
}

func TestDevicePolicyUpdateRefusals(t *testing.T) {
	e, token, _ := newUploadEmulator()
	path := "/v1/customers/" + customerA + "/DevicePolicyUpdates"
	for name, body := range map[string]string{
		"no devices":       `{"devices":[]}`,
		"a device no id":   `{"devices":[{"policies":[{"key":"o_o_b_e","value":"p"}]}]}`,
		"no policies":      `{"devices":[{"id":"1"}]}`,
		"unknown category": `{"devices":[{"id":"1","policies":[{"key":"other","value":"p"}]}]}`,
		"a bare array":     `[{"id":"1","policies":[{"key":"o_o_b_e","value":"p"}]}]`,
	} {
		if r := request(e, token, http.MethodPatch, path, body); r.status != http.StatusBadRequest || !strings.Contains(r.body, `"code":800002`) {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	if r := request(e, token, http.MethodPost, path, `{}`); r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != http.MethodPatch {
		t.Errorf("POST: %d Allow %q", r.status, r.header.Get("Allow"))
	}
}

func TestDevicePolicyUpdatesAreIdempotent(t *testing.T) {
	e, token, _ := newUploadEmulator()
	ids, err := e.AddDevices(customerA, "b", Device{ProductKey: "PK"})
	if err != nil {
		t.Fatal(err)
	}
	id := e.PutPolicy(customerA, ConfigurationPolicy{Name: "P", Category: PolicyCategoryOOBE})
	body := `{"devices":[{"id":"` + ids[0] + `","policies":[{"key":"o_o_b_e","value":"` + id + `"}]}]}`
	path := "/v1/customers/" + customerA + "/DevicePolicyUpdates"
	e.InjectFaults(DevicePolicyUpdatesRoute, Fault{Status: http.StatusGatewayTimeout, AfterApply: true})
	if r := request(e, token, http.MethodPatch, path, body, "MS-RequestId", "patch-1"); r.status != http.StatusGatewayTimeout {
		t.Fatalf("first attempt: %d", r.status)
	}
	a := request(e, token, http.MethodPatch, path, body, "MS-RequestId", "patch-1")
	b := request(e, token, http.MethodPatch, path, body, "MS-RequestId", "patch-1")
	if trackingID(t, a) != trackingID(t, b) {
		t.Errorf("retries started two jobs: %s and %s", a.header.Get("Location"), b.header.Get("Location"))
	}
	if n := e.Attempts("patch-1"); n != 3 {
		t.Errorf("Attempts %d, want 3", n)
	}
}

// TestFailDevicePolicyUpdates: a device made to fail fails in each policy
// update, keeping its policy, until cleared, while the update's other
// devices get theirs; under FailedJobsWithoutResults the job, failed all
// the same, names no device.
func TestFailDevicePolicyUpdates(t *testing.T) {
	e, token, clock := newUploadEmulator()
	ids, err := e.AddDevices(customerA, "b", Device{ProductKey: "PK-1"}, Device{ProductKey: "PK-2"}, Device{ProductKey: "PK-3"})
	if err != nil {
		t.Fatal(err)
	}
	policy := e.PutPolicy(customerA, ConfigurationPolicy{Name: "P", Category: PolicyCategoryOOBE})
	if err := e.FailDevicePolicyUpdates(customerA, ids[0], "", ErrorDescriptionStorageError); err != nil {
		t.Fatal(err)
	}
	// Device IDs compare case-insensitively, as everywhere.
	if err := e.FailDevicePolicyUpdates(strings.ToUpper(customerA), strings.ToUpper(ids[1]), "5001", "TestRefusal"); err != nil {
		t.Fatal(err)
	}
	var devices []string
	for _, id := range ids {
		devices = append(devices, `{"id":"`+id+`","policies":[{"key":"o_o_b_e","value":"`+policy+`"}]}`)
	}
	body := `{"devices":[` + strings.Join(devices, ",") + `]}`
	// update sends body and returns the job's status once finished.
	update := func() response {
		tid := trackingID(t, request(e, token, http.MethodPatch, "/v1/customers/"+customerA+"/DevicePolicyUpdates", body))
		clock.Advance(time.Minute)
		return request(e, token, http.MethodGet, batchPath(customerA, tid), "")
	}
	profiles := func() string {
		var out []string
		for _, d := range e.Devices(customerA, "b") {
			out = append(out, d.OOBEPolicyID())
		}
		return strings.Join(out, ",")
	}

	var v BatchUploadDetails
	if err := json.Unmarshal([]byte(update().body), &v); err != nil {
		t.Fatal(err)
	}
	if got, want := v.summary(), "finished_with_errors, finished_with_errors /StorageError, finished_with_errors 5001/TestRefusal, finished"; got != want {
		t.Errorf("%s\nwant %s", got, want)
	}
	if got := profiles(); got != ",,"+policy {
		t.Errorf("policies of the devices: %q", got)
	}

	if err := e.FailDevicePolicyUpdates(customerA, ids[1], "", ""); err != nil {
		t.Fatal(err)
	}
	e.SetAnswers(Answers{FailedJobsWithoutResults: true})
	if r := update(); !strings.Contains(r.body, `"status":"finished_with_errors"`) || strings.Contains(r.body, "devicesStatus") {
		t.Errorf("without results: %s", r.body)
	}
	if got := profiles(); got != ","+policy+","+policy {
		t.Errorf("policies of the devices once cleared: %q", got)
	}

	// Only a device the customer holds can be made to fail.
	if err := e.FailDevicePolicyUpdates(customerB, ids[0], "", ErrorDescriptionStorageError); err == nil {
		t.Error("another customer's device made to fail")
	}
	if err := e.DeleteDevice(customerA, "b", ids[0]); err != nil {
		t.Fatal(err)
	}
	if err := e.FailDevicePolicyUpdates(customerA, ids[0], "", ""); err == nil {
		t.Error("a deleted device cleared")
	}
}
