package provider

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	resourceschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// A batch job's results as both the device batch status data source and the
// resources that start batch jobs show them.

// deviceUploadType is the element type of devices_status, as its schema
// defines it. The list is built from it by hand: the framework's reflection
// costs more than the rest of a read for a batch of thousands of devices.
var deviceUploadType = sync.OnceValue(func() types.ObjectType {
	return nestedObjectType(batchJobResultSchemaAttributes()["devices_status"])
})

// devicesStatusList is each device's result in the order Partner Center sent
// them.
func devicesStatusList(details *partnercenter.BatchUploadDetails) types.List {
	deviceType := deviceUploadType()
	devices := make([]attr.Value, len(details.DevicesStatus))
	for i, dev := range details.DevicesStatus {
		// The attribute names match deviceUploadType, which a unit test
		// pins, so the Must constructors cannot fail.
		devices[i] = types.ObjectValueMust(deviceType.AttrTypes, map[string]attr.Value{
			"device_id":         nullableString(dev.DeviceID),
			"serial_number":     nullableString(dev.SerialNumber),
			"product_key":       nullableString(dev.ProductKey),
			"status":            nullableString(string(dev.Status)),
			"error_code":        nullableString(dev.ErrorCode),
			"error_description": nullableString(dev.ErrorDescription),
		})
	}
	return types.ListValueMust(deviceType, devices)
}

// deviceResults is how the devices of a batch job came out: the one place
// failed and accepted devices are counted, for failed_device_count,
// accepted_device_count, fail_on_device_errors and the diagnostics.
type deviceResults struct {
	// total is the number of devices.
	total int
	// failed counts the devices that failed, except those accepted.
	failed int
	// accepted counts the devices that failed only with an accepted error
	// code.
	accepted int
	// list names the first maxListedFailedDevices failed devices, one a
	// line, then how many more; accepted ones are not in it.
	list string
}

// acceptedCodes holds the error codes of accepted_error_codes: a device
// failing with one of them counts as accepted, not failed.
type acceptedCodes map[string]bool

// acceptedCodesOf reads accepted_error_codes; null or unknown is none.
func acceptedCodesOf(set types.Set) acceptedCodes {
	codes := acceptedCodes{}
	for _, v := range set.Elements() {
		if s, ok := v.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			codes[s.ValueString()] = true
		}
	}
	return codes
}

// countDeviceResults counts the devices of details. A device failed when its
// status is finished_with_errors or it carries an error code
// (partnercenter.DeviceUploadDetails.Failed); one whose error code is in
// accepted is accepted instead. A device failed by its status alone has no
// code, so it is never accepted.
func countDeviceResults(details *partnercenter.BatchUploadDetails, accepted acceptedCodes) deviceResults {
	return countNamedDeviceResults(details, accepted, nil)
}

// countNamedDeviceResults is countDeviceResults where keys, when not nil,
// holds the key in devices of each device of details, or "", to name a
// failed device whose result carries neither serial number nor product key.
func countNamedDeviceResults(details *partnercenter.BatchUploadDetails, accepted acceptedCodes, keys []string) deviceResults {
	r := deviceResults{total: len(details.DevicesStatus)}
	var b strings.Builder
	for i, d := range details.DevicesStatus {
		switch {
		case !d.Failed():
			continue
		case d.ErrorCode != "" && accepted[d.ErrorCode]:
			r.accepted++
			continue
		}
		if r.failed++; r.failed <= maxListedFailedDevices {
			key := ""
			if i < len(keys) {
				key = keys[i]
			}
			fmt.Fprintf(&b, "  - %s\n", describeFailedDevice(d, key))
		}
	}
	if rest := r.failed - maxListedFailedDevices; rest > 0 {
		fmt.Fprintf(&b, "  and %d more\n", rest)
	}
	r.list = b.String()
	return r
}

// acceptedNote says how many devices failed only with an accepted code, as
// a sentence to follow a count of failed devices; empty when none did.
func (r deviceResults) acceptedNote() string {
	if r.accepted == 0 {
		return ""
	}
	return fmt.Sprintf(" %d more failed only with an error code of accepted_error_codes and count as accepted.", r.accepted)
}

// describeFailedDevice names a device by its serial number, else its product
// key, else its key in devices when known, else its ID, with Partner
// Center's error.
func describeFailedDevice(d partnercenter.DeviceUploadDetails, key string) string {
	var name string
	switch {
	case d.SerialNumber != "":
		name = "serial number " + d.SerialNumber
	case d.ProductKey != "":
		name = "product key " + d.ProductKey
	case key != "":
		name = fmt.Sprintf("devices[%q]", key)
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
	case d.ErrorDescription != "":
		// Partner Center may describe an error it gives no code, such as
		// StorageError: the description is then the only reason given.
		reason = "error " + d.ErrorDescription
	}
	return name + ": " + reason
}

// batchJobResultSchemaAttributes are the attributes of a batch job's result
// as a resource records it: last_update of
// partnercenter_device_policy_assignment, and last_upload of
// partnercenter_device_batch, which adds accepted_device_count.
func batchJobResultSchemaAttributes() map[string]resourceschema.Attribute {
	uploaded := func(description string) resourceschema.StringAttribute {
		return resourceschema.StringAttribute{MarkdownDescription: description + " Null when Partner Center sends none.", Computed: true}
	}
	return map[string]resourceschema.Attribute{
		"batch_tracking_id": resourceschema.StringAttribute{MarkdownDescription: "The batch job's tracking ID.", Computed: true},
		"location": resourceschema.StringAttribute{
			MarkdownDescription: "The `Location` header Partner Center answered with, as sent: of the first part, when the devices went in parts.",
			Computed:            true,
		},
		"locations": resourceschema.ListAttribute{
			MarkdownDescription: fmt.Sprintf("The `Location` of each part, in order. One request carries at most %d devices "+
				"(the provider's `upload_part_size`, fewer after Partner Center refuses a part as too large): more go in "+
				"parts, each a batch job of its own, all waited for; the other attributes sum them up.", partnercenter.MaxDevicesPerRequest),
			ElementType: types.StringType,
			Computed:    true,
		},
		"status": resourceschema.StringAttribute{
			MarkdownDescription: "The batch job's final status: `finished` or `finished_with_errors`. `finished` does not say that " +
				"every device went through: test `failed_device_count`.",
			Computed: true,
		},
		"started_time": resourceschema.StringAttribute{
			MarkdownDescription: "When processing started, RFC 3339 in UTC.",
			CustomType:          timetypes.RFC3339Type{},
			Computed:            true,
		},
		"completed_time": resourceschema.StringAttribute{
			MarkdownDescription: "When processing completed, RFC 3339 in UTC.",
			CustomType:          timetypes.RFC3339Type{},
			Computed:            true,
		},
		"failed_device_count": resourceschema.Int64Attribute{
			MarkdownDescription: "How many devices failed: their status is `finished_with_errors` or they carry an error code.",
			Computed:            true,
		},
		"devices_status": resourceschema.ListNestedAttribute{
			MarkdownDescription: "Each device's result, as the `partnercenter_device_batch_status` data source reads it.",
			Computed:            true,
			NestedObject: resourceschema.NestedAttributeObject{Attributes: map[string]resourceschema.Attribute{
				"device_id":         uploaded("The device's ID in Partner Center."),
				"serial_number":     uploaded("The device's serial number."),
				"product_key":       uploaded("The device's Windows product key."),
				"status":            uploaded("The device's upload status."),
				"error_code":        uploaded("Partner Center's error code for the device, such as `808`."),
				"error_description": uploaded("Partner Center's error name for the device, such as `ZtdDeviceAssignedToOtherTenant`."),
			}},
		},
	}
}

// lastUpdateType is the type of a batch job's result as
// batchJobResultSchemaAttributes describes it.
var lastUpdateType = sync.OnceValue(func() types.ObjectType {
	return nestedObjectType(resourceschema.SingleNestedAttribute{Attributes: batchJobResultSchemaAttributes()})
})

// batchJobResultValues are the values of lastUpdateType for jobs,
// the parts of one upload or policy update, finished as details (their
// results merged, see mergeResults) says, their devices counted as results.
func batchJobResultValues(jobs []*partnercenter.BatchJob, details *partnercenter.BatchUploadDetails, results deviceResults) map[string]attr.Value {
	locations := make([]attr.Value, len(jobs))
	for i, job := range jobs {
		locations[i] = types.StringValue(job.Location)
	}
	return map[string]attr.Value{
		"batch_tracking_id":   types.StringValue(jobs[0].TrackingID),
		"location":            types.StringValue(jobs[0].Location),
		"locations":           types.ListValueMust(types.StringType, locations),
		"status":              nullableString(string(details.Status)),
		"started_time":        nullableTime(details.StartedTime),
		"completed_time":      nullableTime(details.CompletedTime),
		"failed_device_count": types.Int64Value(int64(results.failed)),
		"devices_status":      devicesStatusList(details),
	}
}

// lastUpdateValue is last_update of a device policy update, finished as
// details says.
func lastUpdateValue(jobs []*partnercenter.BatchJob, details *partnercenter.BatchUploadDetails) types.Object {
	return types.ObjectValueMust(lastUpdateType().AttrTypes, batchJobResultValues(jobs, details, countDeviceResults(details, nil)))
}

// mergeResults is the result of the parts of one upload or policy update as
// one: every device's result in order, finished_with_errors when a part is,
// from the first part's start to the last part's end.
func mergeResults(parts []*partnercenter.BatchUploadDetails) *partnercenter.BatchUploadDetails {
	merged := *parts[0]
	merged.DevicesStatus = nil
	for _, p := range parts {
		merged.DevicesStatus = append(merged.DevicesStatus, p.DevicesStatus...)
		if p.Status.Is(partnercenter.StatusFinishedWithErrors) {
			merged.Status = partnercenter.StatusFinishedWithErrors
		}
		if !p.StartedTime.IsZero() && (merged.StartedTime.IsZero() || p.StartedTime.Before(merged.StartedTime)) {
			merged.StartedTime = p.StartedTime
		}
		if p.CompletedTime.After(merged.CompletedTime) {
			merged.CompletedTime = p.CompletedTime
		}
	}
	return &merged
}

// acceptedErrorCodesDescription begins the description of
// accepted_error_codes, which the data source and partnercenter_device_batch
// share.
const acceptedErrorCodesDescription = "Partner Center error codes that count as accepted rather than failed, such as " +
	"`[\"806\"]` (`ZtdDeviceAlreadyAssigned`: the device is already registered to this customer, as when an upload is run " +
	"again). A device whose `error_code` is one of them, compared exactly, is accepted; a device failed by its status alone has " +
	"no code and is never accepted. Unset, no code is accepted."

// acceptedErrorCodesValidator refuses empty codes and codes with surrounding
// spaces, which would never match.
var acceptedErrorCodesValidator = setvalidator.ValueStringsAre(
	stringvalidator.LengthAtLeast(1),
	stringvalidator.RegexMatches(regexp.MustCompile(`^\S(.*\S)?$`), "must not begin or end with a space"),
)

// trackingIDs lists the tracking IDs of jobs for a message.
func trackingIDs(jobs []*partnercenter.BatchJob) string {
	ids := make([]string, len(jobs))
	for i, j := range jobs {
		ids[i] = j.TrackingID
	}
	return strings.Join(ids, ", ")
}
