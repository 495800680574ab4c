package provider

import (
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

func failOnDeviceErrorsAttribute() schema.BoolAttribute {
	return schema.BoolAttribute{
		MarkdownDescription: "When `true` and devices of the batch failed to upload, the read fails with an error listing them " +
			"(serial number, or product key when there is none, with error code and description; the first " +
			strconv.Itoa(maxListedFailedDevices) + ", then a count of the rest), or saying that Partner Center reports the batch " +
			"`finished_with_errors` without naming a failed device. " +
			"A batch still queued or processing is checked as far as it got: devices that already failed fail the read, and a warning says " +
			"the rest is unknown; set `wait_for_completion` to check the final result. Defaults to `false`.",
		Optional: true,
	}
}

func acceptedErrorCodesAttribute() schema.SetAttribute {
	return schema.SetAttribute{
		MarkdownDescription: acceptedErrorCodesDescription + " Accepted devices count in `accepted_device_count`, not in " +
			"`failed_device_count`, and do not fail the read with `fail_on_device_errors`.",
		ElementType: types.StringType,
		Optional:    true,
		Validators:  []validator.Set{acceptedErrorCodesValidator},
	}
}

func deviceStatusCountsAttribute() schema.MapAttribute {
	return schema.MapAttribute{
		MarkdownDescription: "How many devices have each status, such as `{ finished = 3, finished_with_errors = 1 }`: " +
			"a summary that reads well in `terraform output`. Only statuses that occur are keys; a device without a status counts as `unknown`.",
		ElementType: types.Int64Type,
		Computed:    true,
	}
}

// statusCounts counts the devices of each status; a device without one
// counts as unknown.
func statusCounts(details *partnercenter.BatchUploadDetails) map[string]int64 {
	counts := map[string]int64{}
	for _, d := range details.DevicesStatus {
		status := string(d.Status)
		if status == "" {
			status = string(partnercenter.StatusUnknown)
		}
		counts[status]++
	}
	return counts
}

// deviceErrorDiagnostics is what fail_on_device_errors reports: an error
// listing the failed devices, except accepted ones, and a warning when the
// batch is not finished.
func deviceErrorDiagnostics(details *partnercenter.BatchUploadDetails, results deviceResults, customerID, trackingID string) diag.Diagnostics {
	var diags diag.Diagnostics
	if !details.Status.Terminal() {
		diags.AddWarning("Device batch not finished",
			fmt.Sprintf("Batch %s of customer %s is %s, so fail_on_device_errors could check only the devices that finished so far. "+
				"Set wait_for_completion = true to check the final result.", trackingID, customerID, details.Status))
	}
	if details.UnnamedFailure() {
		diags.AddError("Devices failed to upload", fmt.Sprintf("Batch %s of customer %s is %s, but Partner Center names no device that "+
			"failed: devices_status is empty or lists no failure, so failed_device_count cannot count them. Which devices went in is "+
			"what the batch holds: read it with partnercenter_devices. Set fail_on_device_errors = false to read the batch without failing.",
			trackingID, customerID, details.Status))
		return diags
	}
	if results.failed == 0 {
		return diags
	}
	diags.AddError("Devices failed to upload", fmt.Sprintf("Batch %s of customer %s is %s: %d of %d device(s) failed to upload.%s\n\n%s\n"+
		"Every device's result is in devices_status. Set fail_on_device_errors = false to read the batch without failing, "+
		"or accept their error codes with accepted_error_codes.",
		trackingID, customerID, details.Status, results.failed, results.total, results.acceptedNote(), results.list))
	return diags
}
