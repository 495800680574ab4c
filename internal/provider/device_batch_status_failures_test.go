package provider

import (
	"maps"
	"strings"
	"testing"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

func TestDeviceErrorDiagnosticsOnAnUnfinishedBatch(t *testing.T) {
	details := &partnercenter.BatchUploadDetails{Status: partnercenter.StatusProcessing, DevicesStatus: []partnercenter.DeviceUploadDetails{
		{SerialNumber: "A", Status: partnercenter.StatusFinished},
		{Status: partnercenter.StatusProcessing},
	}}
	diags := deviceErrorDiagnostics(details, "c", "b")
	if diags.HasError() || diags.WarningsCount() != 1 {
		t.Fatalf("diagnostics %v, want one warning and no error", diags)
	}
	if got := diags.Warnings()[0].Detail(); !strings.Contains(got, "Batch b of customer c is processing, so fail_on_device_errors could check only the devices that finished so far. Set wait_for_completion = true") {
		t.Errorf("warning %q", got)
	}

	// A device that failed already fails the read: its result is final.
	details.DevicesStatus[1] = partnercenter.DeviceUploadDetails{DeviceID: "d-1", Status: partnercenter.StatusFinishedWithErrors}
	diags = deviceErrorDiagnostics(details, "c", "b")
	if diags.ErrorsCount() != 1 || diags.WarningsCount() != 1 {
		t.Fatalf("diagnostics %v, want one error and one warning", diags)
	}
	if got := diags.Errors()[0].Detail(); !strings.Contains(got, "is processing: 1 of 2 device(s) failed to upload.\n\n  - device d-1: status finished_with_errors\n") {
		t.Errorf("error %q", got)
	}
}

func TestDeviceErrorDiagnosticsWithoutFailures(t *testing.T) {
	details := &partnercenter.BatchUploadDetails{Status: partnercenter.StatusFinished, DevicesStatus: []partnercenter.DeviceUploadDetails{{Status: partnercenter.StatusFinished}}}
	if diags := deviceErrorDiagnostics(details, "c", "b"); len(diags) != 0 {
		t.Errorf("diagnostics %v, want none", diags)
	}
}

func TestDescribeFailedDevice(t *testing.T) {
	for want, d := range map[string]partnercenter.DeviceUploadDetails{
		"serial number S: error 808 ZtdDeviceAssignedToOtherTenant":             {SerialNumber: "S", ProductKey: "P", ErrorCode: "808", ErrorDescription: "ZtdDeviceAssignedToOtherTenant"},
		"product key P: error 806":                                              {ProductKey: "P", ErrorCode: "806"},
		"a device Partner Center did not identify: status finished_with_errors": {Status: partnercenter.StatusFinishedWithErrors},
	} {
		if got := describeFailedDevice(d); got != want {
			t.Errorf("describeFailedDevice(%+v) = %q, want %q", d, got, want)
		}
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
