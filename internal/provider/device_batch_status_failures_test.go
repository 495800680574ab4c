package provider

import (
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

func TestDeviceErrorDiagnosticsOnAnUnfinishedBatch(t *testing.T) {
	details := &partnercenter.BatchUploadDetails{Status: partnercenter.StatusProcessing, DevicesStatus: []partnercenter.DeviceUploadDetails{
		{SerialNumber: "A", Status: partnercenter.StatusFinished},
		{Status: partnercenter.StatusProcessing},
	}}
	diags := deviceErrorDiagnostics(details, countDeviceResults(details, nil), "c", "b")
	if diags.HasError() || diags.WarningsCount() != 1 {
		t.Fatalf("diagnostics %v, want one warning and no error", diags)
	}
	if got := diags.Warnings()[0].Detail(); !strings.Contains(got, "Batch b of customer c is processing, so fail_on_device_errors could check only the devices that finished so far. Set wait_for_completion = true") {
		t.Errorf("warning %q", got)
	}

	// A device that failed already fails the read: its result is final.
	details.DevicesStatus[1] = partnercenter.DeviceUploadDetails{DeviceID: "d-1", Status: partnercenter.StatusFinishedWithErrors}
	diags = deviceErrorDiagnostics(details, countDeviceResults(details, nil), "c", "b")
	if diags.ErrorsCount() != 1 || diags.WarningsCount() != 1 {
		t.Fatalf("diagnostics %v, want one error and one warning", diags)
	}
	if got := diags.Errors()[0].Detail(); !strings.Contains(got, "is processing: 1 of 2 device(s) failed to upload.\n\n  - device d-1: status finished_with_errors\n") {
		t.Errorf("error %q", got)
	}
}

func TestDeviceErrorDiagnosticsWithoutFailures(t *testing.T) {
	details := &partnercenter.BatchUploadDetails{Status: partnercenter.StatusFinished, DevicesStatus: []partnercenter.DeviceUploadDetails{{Status: partnercenter.StatusFinished}}}
	if diags := deviceErrorDiagnostics(details, countDeviceResults(details, nil), "c", "b"); len(diags) != 0 {
		t.Errorf("diagnostics %v, want none", diags)
	}
}

func TestDescribeFailedDevice(t *testing.T) {
	for want, d := range map[string]partnercenter.DeviceUploadDetails{
		"serial number S: error 808 ZtdDeviceAssignedToOtherTenant":             {SerialNumber: "S", ProductKey: "P", ErrorCode: "808", ErrorDescription: "ZtdDeviceAssignedToOtherTenant"},
		"product key P: error 806":                                              {ProductKey: "P", ErrorCode: "806"},
		"serial number S: error StorageError":                                   {SerialNumber: "S", ErrorDescription: "StorageError"},
		"a device Partner Center did not identify: status finished_with_errors": {Status: partnercenter.StatusFinishedWithErrors},
	} {
		if got := describeFailedDevice(d, ""); got != want {
			t.Errorf("describeFailedDevice(%+v) = %q, want %q", d, got, want)
		}
	}
	// A result that names no device is named by its key in devices, when
	// the upload's order tells it.
	failed := partnercenter.DeviceUploadDetails{DeviceID: "d-1", Status: partnercenter.StatusFinishedWithErrors, ErrorCode: "806"}
	if got, want := describeFailedDevice(failed, "CSP0002"), `devices["CSP0002"]: error 806`; got != want {
		t.Errorf("describeFailedDevice with a key = %q, want %q", got, want)
	}
	if got, want := describeFailedDevice(failed, ""), "device d-1: error 806"; got != want {
		t.Errorf("describeFailedDevice without a key = %q, want %q", got, want)
	}
}

func TestDeviceStatusCounts(t *testing.T) {
	got := statusCounts(&partnercenter.BatchUploadDetails{DevicesStatus: []partnercenter.DeviceUploadDetails{
		{Status: "finished"}, {Status: "in-progress"}, {}, {Status: "finished"},
	}})
	if want := map[string]int64{"finished": 2, "in-progress": 1, "unknown": 1}; !maps.Equal(got, want) {
		t.Errorf("statusCounts = %v, want %v", got, want)
	}
}

// TestCountDeviceResults counts failed and accepted devices as
// failed_device_count, accepted_device_count and fail_on_device_errors do.
func TestCountDeviceResults(t *testing.T) {
	details := &partnercenter.BatchUploadDetails{Status: partnercenter.StatusFinished, DevicesStatus: []partnercenter.DeviceUploadDetails{
		{SerialNumber: "ok", Status: partnercenter.StatusFinished},
		{SerialNumber: "already", Status: partnercenter.StatusFinishedWithErrors, ErrorCode: "806", ErrorDescription: "ZtdDeviceAlreadyAssigned"},
		{SerialNumber: "other", Status: partnercenter.StatusFinishedWithErrors, ErrorCode: "808"},
		{SerialNumber: "status only", Status: partnercenter.StatusFinishedWithErrors},
		{SerialNumber: "code only", ErrorCode: "806"},
		{SerialNumber: "processing", Status: partnercenter.StatusProcessing},
	}}
	for _, tc := range []struct {
		name          string
		codes         acceptedCodes
		failed, taken int
		listed        []string
	}{
		{"none accepted", nil, 4, 0, []string{"already", "other", "status only", "code only"}},
		{"806 accepted", acceptedCodes{"806": true}, 2, 2, []string{"other", "status only"}},
		{"806 and 808 accepted", acceptedCodes{"806": true, "808": true}, 1, 3, []string{"status only"}},
		// A device failed by its status alone has no code to accept.
		{"an empty code accepted", acceptedCodes{"": true}, 4, 0, []string{"already", "other", "status only", "code only"}},
		// Codes are compared exactly.
		{"a code with a space", acceptedCodes{" 806": true}, 4, 0, []string{"already", "other", "status only", "code only"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := countDeviceResults(details, tc.codes)
			if r.total != 6 || r.failed != tc.failed || r.accepted != tc.taken {
				t.Errorf("total %d, failed %d, accepted %d; want 6, %d, %d", r.total, r.failed, r.accepted, tc.failed, tc.taken)
			}
			if n := strings.Count(r.list, "\n"); n != len(tc.listed) {
				t.Errorf("%d devices listed, want %d:\n%s", n, len(tc.listed), r.list)
			}
			for _, serial := range tc.listed {
				if !strings.Contains(r.list, "serial number "+serial+":") {
					t.Errorf("%q not listed:\n%s", serial, r.list)
				}
			}
		})
	}
}

// TestCountDeviceResultsListsTheFirstFailedDevices lists the first
// maxListedFailedDevices failed devices, accepted ones left out, then how
// many more.
func TestCountDeviceResultsListsTheFirstFailedDevices(t *testing.T) {
	details := &partnercenter.BatchUploadDetails{}
	for i := range maxListedFailedDevices + 5 {
		details.DevicesStatus = append(details.DevicesStatus,
			partnercenter.DeviceUploadDetails{SerialNumber: fmt.Sprint("A", i), ErrorCode: "806"},
			partnercenter.DeviceUploadDetails{SerialNumber: fmt.Sprint("F", i), ErrorCode: "808"})
	}
	r := countDeviceResults(details, acceptedCodes{"806": true})
	if r.failed != maxListedFailedDevices+5 || r.accepted != maxListedFailedDevices+5 {
		t.Errorf("failed %d, accepted %d", r.failed, r.accepted)
	}
	if strings.Contains(r.list, "serial number A") || !strings.HasSuffix(r.list, "  and 5 more\n") ||
		strings.Count(r.list, "serial number F") != maxListedFailedDevices {
		t.Errorf("list:\n%s", r.list)
	}
	if got, want := r.acceptedNote(), fmt.Sprintf(" %d more failed only with an error code of accepted_error_codes and count as accepted.", maxListedFailedDevices+5); got != want {
		t.Errorf("acceptedNote() = %q, want %q", got, want)
	}
	if got := countDeviceResults(details, nil).acceptedNote(); got != "" {
		t.Errorf("acceptedNote() without accepted devices = %q", got)
	}
}

// TestAcceptedCodesOf reads accepted_error_codes: null and unknown accept
// nothing.
func TestAcceptedCodesOf(t *testing.T) {
	set := types.SetValueMust(types.StringType, []attr.Value{types.StringValue("806"), types.StringValue("ZtdDeviceDuplicated")})
	if got := acceptedCodesOf(set); len(got) != 2 || !got["806"] || !got["ZtdDeviceDuplicated"] {
		t.Errorf("acceptedCodesOf(%s) = %v", set, got)
	}
	for _, set := range []types.Set{types.SetNull(types.StringType), types.SetUnknown(types.StringType)} {
		if got := acceptedCodesOf(set); len(got) != 0 {
			t.Errorf("acceptedCodesOf(%s) = %v, want none", set, got)
		}
	}
}

// TestRecountLastUpload counts last_upload's devices again when
// accepted_error_codes changes, from the devices_status it recorded.
func TestRecountLastUpload(t *testing.T) {
	details := &partnercenter.BatchUploadDetails{Status: partnercenter.StatusFinishedWithErrors, DevicesStatus: []partnercenter.DeviceUploadDetails{
		{SerialNumber: "ok", Status: partnercenter.StatusFinished},
		{SerialNumber: "already", Status: partnercenter.StatusFinishedWithErrors, ErrorCode: "806"},
		{Status: partnercenter.StatusFinishedWithErrors},
	}}
	jobs := []*partnercenter.BatchJob{{CustomerID: "c", TrackingID: "t", Location: "/customers/c/batchJobStatus/t"}}
	recorded := lastUploadValue(jobs, details, countDeviceResults(details, nil))
	recounted := recountLastUpload(recorded, acceptedCodes{"806": true})
	want := lastUploadValue(jobs, details, countDeviceResults(details, acceptedCodes{"806": true}))
	if !recounted.Equal(want) {
		t.Errorf("recounted\n%s\nwant\n%s", recounted, want)
	}
	if got := recounted.Attributes()["accepted_device_count"]; !got.Equal(types.Int64Value(1)) {
		t.Errorf("accepted_device_count %s, want 1", got)
	}
	if got := recountLastUpload(types.ObjectNull(lastUploadType().AttrTypes), acceptedCodes{"806": true}); !got.IsNull() {
		t.Errorf("a null last_upload recounted to %s", got)
	}
}

// acceptedBatchTrackingID is a finished batch whose devices fail with 806,
// 808 and by their status alone.
const acceptedBatchTrackingID = "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7"

// TestAccDeviceBatchStatus_acceptedErrorCodes reads a batch whose devices
// failed with 806, 808 and by their status alone: accepted codes move their
// devices from failed_device_count to accepted_device_count, and
// fail_on_device_errors lists only the others, or none.
func TestAccDeviceBatchStatus_acceptedErrorCodes(t *testing.T) {
	em := newTestEmulator(t)
	body := `{"batchTrackingId":"` + acceptedBatchTrackingID + `","status":"finished","devicesStatus":[` +
		`{"serialNumber":"OK","status":"finished"},` +
		`{"serialNumber":"AGAIN","status":"finished_with_errors","errorCode":"806","errorDescription":"ZtdDeviceAlreadyAssigned"},` +
		`{"serialNumber":"OTHER","status":"finished_with_errors","errorCode":"808"},` +
		`{"serialNumber":"STATUS","status":"finished_with_errors"}]}`
	if err := em.PutBatch(emulator.SeedCustomerID, []byte(body)); err != nil {
		t.Fatal(err)
	}
	config := func(extra string) string {
		return em.providerConfig() + batchStatusConfig(emulator.SeedCustomerID, acceptedBatchTrackingID, extra)
	}
	counts := func(failed, accepted int64) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			expect("failed_device_count", knownvalue.Int64Exact(failed)),
			expect("accepted_device_count", knownvalue.Int64Exact(accepted)),
			expect("device_count", knownvalue.Int64Exact(4)),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			// Refused at plan time: codes that could never match.
			{Config: config(`  accepted_error_codes = [""]`), ExpectError: errorPattern(`accepted_error_codes.*at least 1`)},
			{Config: config(`  accepted_error_codes = ["806 "]`), ExpectError: errorPattern(`must not begin or end with a space`)},
			{Config: config(""), ConfigStateChecks: counts(3, 0)},
			{Config: config(`  accepted_error_codes = ["806"]`), ConfigStateChecks: append(counts(2, 1),
				expect("accepted_error_codes", knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("806")})))},
			{Config: config(`  accepted_error_codes = ["806", "808"]`), ConfigStateChecks: counts(1, 2)},
			{
				// Only the device failed by its status is left to list.
				Config: config(`  accepted_error_codes  = ["806", "808"]
  fail_on_device_errors = true`),
				ExpectError: errorPattern(`Devices failed to upload.*is finished: 1 of 4 device\(s\) failed to upload\. 2 more failed only with an error code of accepted_error_codes and count as accepted\.\s+` +
					`- serial number STATUS: status finished_with_errors\s+Every device's result`),
			},
		},
	})
}

// TestAccDeviceBatchStatus_acceptedErrorCodesPassFailOnDeviceErrors reads
// Microsoft's example batch, finished with a device that failed with 808:
// accepting 808 lets fail_on_device_errors pass.
func TestAccDeviceBatchStatus_acceptedErrorCodesPassFailOnDeviceErrors(t *testing.T) {
	em := newTestEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{
				Config:      em.providerConfig() + batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, "  fail_on_device_errors = true"),
				ExpectError: errorPattern(`is finished: 1 of 1 device\(s\) failed to upload\.\s+- serial number 1234567890: error 808`),
			},
			{
				Config: em.providerConfig() + batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, `  fail_on_device_errors = true
  accepted_error_codes  = ["808"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("status", knownvalue.StringExact("finished")),
					expect("failed_device_count", knownvalue.Int64Exact(0)),
					expect("accepted_device_count", knownvalue.Int64Exact(1)),
				},
			},
		},
	})
}
