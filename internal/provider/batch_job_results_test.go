package provider

import (
	"testing"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// TestMergedPartsFinishWithErrorsWhenAnyPartDoes merges the parts of one
// upload or policy update as finished_with_errors when any part finished
// so, not only the last: a first part whose device failed, or a middle
// part that names no device, its devicesStatus empty.
func TestMergedPartsFinishWithErrorsWhenAnyPartDoes(t *testing.T) {
	finished := func(devices ...partnercenter.DeviceUploadDetails) *partnercenter.BatchUploadDetails {
		return &partnercenter.BatchUploadDetails{Status: partnercenter.StatusFinished, DevicesStatus: devices}
	}
	failed := &partnercenter.BatchUploadDetails{Status: partnercenter.StatusFinishedWithErrors,
		DevicesStatus: []partnercenter.DeviceUploadDetails{{SerialNumber: "SN-1", Status: partnercenter.StatusFinishedWithErrors, ErrorCode: "808"}}}
	unnamed := &partnercenter.BatchUploadDetails{Status: partnercenter.StatusFinishedWithErrors}
	ok := partnercenter.DeviceUploadDetails{SerialNumber: "SN-2", Status: partnercenter.StatusFinished}
	for name, tc := range map[string]struct {
		parts   []*partnercenter.BatchUploadDetails
		want    partnercenter.UploadStatus
		devices int
	}{
		"a device failed in the first part only": {
			parts: []*partnercenter.BatchUploadDetails{failed, finished(ok), finished()}, want: partnercenter.StatusFinishedWithErrors, devices: 2,
		},
		"a middle part failed naming no device": {
			parts: []*partnercenter.BatchUploadDetails{finished(ok), unnamed, finished()}, want: partnercenter.StatusFinishedWithErrors, devices: 1,
		},
		"the first part failed naming no device": {
			parts: []*partnercenter.BatchUploadDetails{unnamed, finished(ok)}, want: partnercenter.StatusFinishedWithErrors, devices: 1,
		},
		"every part finished": {
			parts: []*partnercenter.BatchUploadDetails{finished(ok), finished()}, want: partnercenter.StatusFinished, devices: 1,
		},
	} {
		merged := mergeResults(tc.parts)
		if merged.Status != tc.want || len(merged.DevicesStatus) != tc.devices {
			t.Errorf("%s: merged %q with %d device results, want %q with %d", name, merged.Status, len(merged.DevicesStatus), tc.want, tc.devices)
		}
	}
}
