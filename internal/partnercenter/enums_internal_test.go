package partnercenter

import (
	"net/http"
	"slices"
	"testing"
)

// TestEnumsInEverySpelling reads Partner Center's enums as documented, in
// PascalCase as the .NET SDK names them, and in other cases: each is handed
// on in its documented spelling; an unknown value is kept as sent.
func TestEnumsInEverySpelling(t *testing.T) {
	for sent, want := range map[string]UploadStatus{
		"finished": StatusFinished, "Finished": StatusFinished, "FINISHED": StatusFinished,
		"FinishedWithErrors": StatusFinishedWithErrors, "Finished_With_Errors": StatusFinishedWithErrors,
		"Queued": StatusQueued, "PROCESSING": StatusProcessing, "Unknown": StatusUnknown,
		"in-progress": "in-progress", "Paused": "Paused",
	} {
		if got := UploadStatus(sent).canonical(); got != want {
			t.Errorf("status %q read as %q, want %q", sent, got, want)
		}
	}
	for sent, want := range map[string]string{"o_o_b_e": PolicyCategoryOOBE, "OOBE": PolicyCategoryOOBE, "None": PolicyCategoryNone, "kiosk": "kiosk"} {
		if got := canonicalEnum(sent, policyCategories); got != want {
			t.Errorf("category %q read as %q, want %q", sent, got, want)
		}
	}
}

// TestPolicyReadInEverySpelling reads a policy whose category and settings
// come in PascalCase, and one without settings that Partner Center reads
// back as ["none"]: the settings are then none.
func TestPolicyReadInEverySpelling(t *testing.T) {
	client, _ := scriptedClient(t,
		reply(http.StatusOK, `{"id":"`+testPolicyID+`","name":"P","category":"OOBE","policySettings":["SkipEula","OobeUserNotLocalAdmin","RemoveOemPreinstalls"]}`),
		reply(http.StatusOK, `{"id":"`+testPolicyID+`","name":"P","category":"None","policySettings":["none"]}`),
		reply(http.StatusOK, `{"id":"`+testPolicyID+`","name":"P","category":"o_o_b_e","policySettings":["None","skip_eula","bring_your_own"]}`))
	ctx := testContext(t)
	for _, want := range []struct {
		category string
		settings []string
	}{
		{"o_o_b_e", []string{"skip_eula", "oobe_user_not_local_admin", "remove_oem_preinstalls"}},
		{"none", []string{}},
		{"o_o_b_e", []string{"skip_eula", "bring_your_own"}},
	} {
		got, err := client.GetConfigurationPolicy(ctx, testCustomerID, testPolicyID)
		if err != nil || got.Category != want.category || !slices.Equal(got.PolicySettings, want.settings) {
			t.Errorf("policy read as %+v, %v; want category %q, settings %q", got, err, want.category, want.settings)
		}
	}
}

// TestDevicePolicyKeyInEverySpelling reads a device's Autopilot profile
// under the key OOBE as under o_o_b_e.
func TestDevicePolicyKeyInEverySpelling(t *testing.T) {
	client, _ := scriptedClient(t, reply(http.StatusOK,
		`{"totalCount":2,"items":[{"id":"d-1","policies":[{"key":"OOBE","value":"p-1"}]},{"id":"d-2","policies":[{"key":"o_o_b_e","value":"p-2"}]}]}`))
	devices, err := client.ListDevices(testContext(t), testCustomerID, "Batch")
	if err != nil || len(devices) != 2 || devices[0].OOBEPolicyID != "p-1" || devices[1].OOBEPolicyID != "p-2" {
		t.Errorf("devices %+v, %v; want profiles p-1 and p-2", devices, err)
	}
}

// TestListsAsBareArrays reads the device and batch lists as the REST
// reference says they answer, a bare array of every item, as well as a
// collection, whose totalCount may count the page only.
func TestListsAsBareArrays(t *testing.T) {
	client, server := scriptedClient(t,
		reply(http.StatusOK, "\xef\xbb\xbf"+`[{"id":"d-1","serialNumber":"SN-1"},{"id":"d-2","serialNumber":"SN-2"}]`),
		reply(http.StatusOK, `[{"id":"Contoso laptops","devicesCount":2}]`),
		reply(http.StatusOK, `{"totalCount":1,"items":[{"id":"d-3"}],"continuationToken":"next"}`),
		reply(http.StatusOK, `{"totalCount":1,"items":[{"id":"d-4"}]}`),
		reply(http.StatusOK, `[]`))
	ctx := testContext(t)
	devices, err := client.ListDevices(ctx, testCustomerID, "Contoso laptops")
	if err != nil || len(devices) != 2 || devices[1].SerialNumber != "SN-2" {
		t.Fatalf("devices %+v, %v", devices, err)
	}
	batches, err := client.ListDeviceBatches(ctx, testCustomerID)
	if err != nil || len(batches) != 1 || batches[0].DevicesCount != 2 {
		t.Fatalf("batches %+v, %v", batches, err)
	}
	// totalCount of a page: both pages are read.
	if devices, err = client.ListDevices(ctx, testCustomerID, "Contoso laptops"); err != nil || len(devices) != 2 || devices[1].ID != "d-4" {
		t.Fatalf("paged devices %+v, %v", devices, err)
	}
	if devices, err = client.ListDevices(ctx, testCustomerID, "Contoso laptops"); err != nil || len(devices) != 0 {
		t.Fatalf("an empty array: %+v, %v", devices, err)
	}
	if n := len(server.requests()); n != 5 {
		t.Errorf("%d requests, want 5", n)
	}
	// Other answers stay objects.
	if _, err := client.GetConfigurationPolicy(ctx, testCustomerID, testPolicyID); err == nil {
		t.Error("a policy answered as an array was read")
	}
}

// TestUnnamedFailure: a job finished_with_errors that names no failed
// device, its devicesStatus empty, missing or all successes, failed all the
// same.
func TestUnnamedFailure(t *testing.T) {
	ok := DeviceUploadDetails{Status: StatusFinished}
	failed := DeviceUploadDetails{Status: StatusFinishedWithErrors, ErrorCode: "808"}
	for _, tc := range []struct {
		status  UploadStatus
		devices []DeviceUploadDetails
		want    bool
	}{
		{StatusFinishedWithErrors, nil, true},
		{StatusFinishedWithErrors, []DeviceUploadDetails{}, true},
		{StatusFinishedWithErrors, []DeviceUploadDetails{ok}, true},
		{StatusFinishedWithErrors, []DeviceUploadDetails{ok, failed}, false},
		{StatusFinished, nil, false},
		{StatusProcessing, nil, false},
	} {
		details := &BatchUploadDetails{Status: tc.status, DevicesStatus: tc.devices}
		if got := details.UnnamedFailure(); got != tc.want {
			t.Errorf("%s with %d devices: UnnamedFailure = %v, want %v", tc.status, len(tc.devices), got, tc.want)
		}
	}
}
