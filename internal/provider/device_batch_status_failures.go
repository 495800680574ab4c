package provider

import (
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

func failOnDeviceErrorsAttribute() schema.BoolAttribute {
	return schema.BoolAttribute{
		MarkdownDescription: "When `true` and devices of the batch failed to upload, the read fails with an error listing them " +
			"(serial number, or product key when there is none, with error code and description; the first " +
			strconv.Itoa(maxListedFailedDevices) + ", then a count of the rest). " +
			"A batch still queued or processing is checked as far as it got: devices that already failed fail the read, and a warning says " +
			"the rest is unknown; set `wait_for_completion` to check the final result. Defaults to `false`.",
		Optional: true,
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
// listing the failed devices, and a warning when the batch is not finished.
func deviceErrorDiagnostics(details *partnercenter.BatchUploadDetails, customerID, trackingID string) diag.Diagnostics {
	var diags diag.Diagnostics
	if !details.Status.Terminal() {
		diags.AddWarning("Device batch not finished",
			fmt.Sprintf("Batch %s of customer %s is %s, so fail_on_device_errors could check only the devices that finished so far. "+
				"Set wait_for_completion = true to check the final result.", trackingID, customerID, details.Status))
	}
	failed, list := listFailedDevices(details)
	if failed == 0 {
		return diags
	}
	diags.AddError("Devices failed to upload", fmt.Sprintf("Batch %s of customer %s is %s: %d of %d device(s) failed to upload.\n\n%s\n"+
		"Every device's result is in devices_status. Set fail_on_device_errors = false to read the batch without failing.",
		trackingID, customerID, details.Status, failed, len(details.DevicesStatus), list))
	return diags
}
