package provider

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// A batch job's results as both the device batch status data source and the
// resources that start batch jobs show them.

// maxListedFailedDevices caps the devices a diagnostic lists, so that a batch
// of thousands stays readable; devices_status has them all.
const maxListedFailedDevices = 10

// deviceUploadAttributeTypes is the element type of devices_status. The list
// is built from it by hand: the framework's reflection costs more than the
// rest of a read for a batch of thousands of devices.
var deviceUploadAttributeTypes = map[string]attr.Type{
	"device_id":         types.StringType,
	"serial_number":     types.StringType,
	"product_key":       types.StringType,
	"status":            types.StringType,
	"error_code":        types.StringType,
	"error_description": types.StringType,
}

var deviceUploadType = types.ObjectType{AttrTypes: deviceUploadAttributeTypes}

// devicesStatusList is each device's result in the order Partner Center sent
// them.
func devicesStatusList(details *partnercenter.BatchUploadDetails) types.List {
	devices := make([]attr.Value, len(details.DevicesStatus))
	for i, dev := range details.DevicesStatus {
		// The attribute names and types match deviceUploadAttributeTypes, so
		// the Must constructors cannot fail.
		devices[i] = types.ObjectValueMust(deviceUploadAttributeTypes, map[string]attr.Value{
			"device_id":         nullableString(dev.DeviceID),
			"serial_number":     nullableString(dev.SerialNumber),
			"product_key":       nullableString(dev.ProductKey),
			"status":            nullableString(string(dev.Status)),
			"error_code":        nullableString(dev.ErrorCode),
			"error_description": nullableString(dev.ErrorDescription),
		})
	}
	return types.ListValueMust(deviceUploadType, devices)
}

// listFailedDevices counts the failed devices of details and lists the
// first maxListedFailedDevices of them, one a line, then how many more.
func listFailedDevices(details *partnercenter.BatchUploadDetails) (failed int, list string) {
	var b strings.Builder
	for _, d := range details.DevicesStatus {
		if !d.Failed() {
			continue
		}
		if failed++; failed <= maxListedFailedDevices {
			fmt.Fprintf(&b, "  - %s\n", describeFailedDevice(d))
		}
	}
	if rest := failed - maxListedFailedDevices; rest > 0 {
		fmt.Fprintf(&b, "  and %d more\n", rest)
	}
	return failed, b.String()
}

// describeFailedDevice names a device by its serial number, else its product
// key, else its ID, with Partner Center's error.
func describeFailedDevice(d partnercenter.DeviceUploadDetails) string {
	var name string
	switch {
	case d.SerialNumber != "":
		name = "serial number " + d.SerialNumber
	case d.ProductKey != "":
		name = "product key " + d.ProductKey
	case d.DeviceID != "":
		name = "device " + d.DeviceID
	default:
		name = "a device Partner Center did not identify"
	}
	reason := "status " + string(d.Status)
	switch {
	case d.ErrorCode != "" && d.ErrorDescription != "":
		reason = "error " + d.ErrorCode + " " + d.ErrorDescription
	case d.ErrorCode != "":
		reason = "error " + d.ErrorCode
	}
	return name + ": " + reason
}

func nullableString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func nullableTime(t time.Time) timetypes.RFC3339 {
	if t.IsZero() {
		return timetypes.NewRFC3339Null()
	}
	return timetypes.NewRFC3339TimeValue(t)
}
