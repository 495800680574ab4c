package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	resourceschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// uploadOutcome is what an upload of partnercenter_device_batch came to, and
// the batch as read after it.
type uploadOutcome struct {
	// lastUpload is last_upload of the upload; null when nothing was
	// uploaded.
	lastUpload types.Object
	// failed is set when devices failed and fail_on_device_errors made it
	// an error.
	failed bool
	batch  *partnercenter.DeviceBatch
}

// upload uploads devices into the batch, creating it with the first part
// when create is set, waits for every part, reads the batch back and links
// each device it holds to its ID in linked, which holds the devices of the
// resource linked already; before are the devices the batch held before the
// upload. Devices that failed are reported: an error when plan's
// fail_on_device_errors is set, else a warning; devices failing only with a
// code of accepted_error_codes are not. It returns nil when a call failed,
// having reported it.
func (r *deviceBatchResource) upload(ctx context.Context, client *partnercenter.Client, ops batchOperations, devices []configuredDevice,
	create bool, plan deviceBatchModel, linked map[string]string, before []partnercenter.Device, diags *diag.Diagnostics) *uploadOutcome {
	// Checked at plan time too, unless the devices were not known then.
	if diags.Append(unidentified(devices)...); diags.HasError() {
		return nil
	}
	var uploads []partnercenter.Upload
	if len(devices) > 0 {
		var err error
		if uploads, err = client.UploadDevices(ctx, ops.customerID, ops.batchID, plainDevices(devices), create); err != nil {
			op := ops.upload()
			if create && len(uploads) == 0 {
				op = ops.create()
			}
			diags.Append(op.errorDiagnostic(err))
			return nil
		}
	}
	jobs := make([]*partnercenter.BatchJob, len(uploads))
	parts := make([]*partnercenter.BatchUploadDetails, len(uploads))
	for i, u := range uploads {
		details, err := waitForBatch(ctx, client, u.Job.CustomerID, u.Job.TrackingID, r.data.wait)
		if err != nil {
			diags.Append(ops.wait(u.Job).errorDiagnostic(err))
			return nil
		}
		jobs[i], parts[i] = u.Job, details
	}
	batch, held, err := readBatchAndDevices(ctx, client, ops.customerID, ops.batchID)
	switch {
	case err != nil:
		diags.Append(ops.listDevices().errorDiagnostic(err))
		return nil
	case batch == nil:
		diags.AddError("Device batch not found",
			fmt.Sprintf("Partner Center has no batch %q for customer %s right after the resource uploaded to it.", ops.batchID, ops.customerID))
		return nil
	}
	outcome := &uploadOutcome{lastUpload: types.ObjectNull(lastUploadType().AttrTypes), batch: batch}
	if len(uploads) == 0 {
		return outcome
	}
	h := newHeldDevices(held)
	for _, id := range linked {
		h.claimID(id)
	}
	var keys []string
	unnamed := false
	// The parts hold the devices in their order, each as many as its
	// Upload sent: the client decides their sizes.
	rest := devices
	for i, u := range uploads {
		part := rest[:len(u.Devices)]
		rest = rest[len(u.Devices):]
		keys = append(keys, linkUpload(part, parts[i].DevicesStatus, h, linked)...)
		unnamed = unnamed || parts[i].UnnamedFailure()
	}
	details := mergeResults(parts)
	linkNewcomer(devices, keys, details, h, before, linked)
	var missing []configuredDevice
	for _, e := range devices {
		if _, ok := linked[e.key]; !ok {
			missing = append(missing, e)
		}
	}
	results := countNamedDeviceResults(details, acceptedCodesOf(plan.AcceptedErrorCodes), keys)
	if unnamed {
		results.failed = max(results.failed, len(missing))
	}
	outcome.lastUpload = lastUploadValue(jobs, details, results)
	if results.failed == 0 && !unnamed {
		return outcome
	}
	failOnErrors := plan.FailOnDeviceErrors.ValueBool()
	var detail string
	if unnamed {
		detail = unnamedFailure(ops, jobs, len(devices), missing)
	} else {
		detail = fmt.Sprintf("%d of %d device(s) uploaded to batch %q of customer %s failed (batch tracking ID %s):\n\n%s\n"+
			"A failed device is not in Partner Center: the next plan offers to upload it again until it is removed from devices.%s",
			results.failed, results.total, ops.batchID, ops.customerID, trackingIDs(jobs), results.list, results.acceptedNote())
	}
	if failOnErrors {
		if create {
			detail += fmt.Sprintf(" Batch %q stays in Partner Center, which cannot delete a batch, with the devices that went through; "+
				"nothing is recorded in the state, and the next apply adopts the batch and uploads the devices it lacks.", ops.batchID)
		}
		diags.AddError("Devices failed to upload", detail+" Set fail_on_device_errors = false to record the batch with a warning instead, "+
			"or accept their error codes with accepted_error_codes.")
	} else {
		diags.AddWarning("Devices failed to upload", detail)
	}
	outcome.failed = failOnErrors
	return outcome
}

// unnamedFailure says that Partner Center reports an upload of uploaded
// devices finished_with_errors without naming the devices that failed, and
// which of them, missing, the batch does not hold.
func unnamedFailure(ops batchOperations, jobs []*partnercenter.BatchJob, uploaded int, missing []configuredDevice) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Partner Center reports the upload of %d device(s) to batch %q of customer %s finished_with_errors (batch tracking ID %s), "+
		"but names no device that failed: its devicesStatus is empty or lists no failure. ", uploaded, ops.batchID, ops.customerID, trackingIDs(jobs))
	if len(missing) == 0 {
		b.WriteString("Every device uploaded is in the batch.")
		return b.String()
	}
	fmt.Fprintf(&b, "%d of them are not in the batch:\n\n", len(missing))
	for _, e := range missing[:min(len(missing), maxListedFailedDevices)] {
		fmt.Fprintf(&b, "  - devices[%q]\n", e.key)
	}
	if rest := len(missing) - maxListedFailedDevices; rest > 0 {
		fmt.Fprintf(&b, "  and %d more\n", rest)
	}
	b.WriteString("\nA failed device is not in Partner Center: the next plan offers to upload it again until it is removed from devices.")
	return b.String()
}

// linkUpload links the devices of one part of an upload, entries in the
// order sent, to the IDs Partner Center gave them, in linked, and returns
// the key of the device of each of items, the part's results, or "" where
// unknown. A result names its device by serial number or product key, or
// by its place when the part has as many results as devices and the
// device there does not contradict it (Partner Center's docs do not say
// that results come in the order sent, but nothing better is left). The ID
// of a result is taken only where the batch holds an unclaimed device of
// that ID that does not contradict the entry; the devices left are linked
// by what they hold (partnercenter.Match).
func linkUpload(entries []configuredDevice, items []partnercenter.DeviceUploadDetails, h *heldDevices, linked map[string]string) []string {
	keys := make([]string, len(items))
	index := partnercenter.NewDeviceIndex(plainDevices(entries))
	for i, item := range items {
		named := partnercenter.Device{SerialNumber: item.SerialNumber, ProductKey: item.ProductKey}
		j, ok := index.Find(named)
		if !ok {
			if len(items) != len(entries) || partnercenter.Contradicts(entries[i].device, named) {
				continue
			}
			j = i
		}
		e := entries[j]
		keys[i] = e.key
		if _, done := linked[e.key]; done || item.Failed() || item.DeviceID == "" {
			continue
		}
		at, ok := h.at[strings.ToLower(item.DeviceID)]
		if ok && !h.claimed[at] && !partnercenter.Contradicts(e.device, h.devices[at]) {
			h.claimed[at] = true
			linked[e.key] = h.devices[at].ID
		}
	}
	for _, e := range entries {
		if _, ok := linked[e.key]; ok {
			continue
		}
		if id, ok := h.claimMatch(e); ok {
			linked[e.key] = id
		}
	}
	return keys
}

// linkNewcomer links the one device of devices, uploaded, that neither its
// result nor what it holds linked, to the one device the batch holds that
// it did not hold before (before; nil when every device may be the one)
// and that no entry is linked to, unless they contradict each other
// (partnercenter.Contradicts): as when a device uploaded by its hash alone
// is listed without it and its result names no ID. It does nothing when
// there are more of either, which nothing tells apart. keys names the
// device of each result of details.
func linkNewcomer(devices []configuredDevice, keys []string, details *partnercenter.BatchUploadDetails, h *heldDevices,
	before []partnercenter.Device, linked map[string]string) {
	failed := map[string]bool{}
	for i, d := range details.DevicesStatus {
		if d.Failed() && i < len(keys) {
			failed[keys[i]] = true
		}
	}
	var candidates []configuredDevice
	for _, e := range devices {
		if _, ok := linked[e.key]; !ok && !failed[e.key] {
			candidates = append(candidates, e)
		}
	}
	old := make(map[string]bool, len(before))
	for _, d := range before {
		old[strings.ToLower(d.ID)] = true
	}
	var newcomers []partnercenter.Device
	for _, d := range h.unclaimed() {
		if d.ID != "" && !old[strings.ToLower(d.ID)] {
			newcomers = append(newcomers, d)
		}
	}
	if len(candidates) != 1 || len(newcomers) != 1 || partnercenter.Contradicts(candidates[0].device, newcomers[0]) {
		return
	}
	if h.claimID(newcomers[0].ID) {
		linked[candidates[0].key] = newcomers[0].ID
	}
}

// lastUploadValue is last_upload for jobs, the parts of one upload,
// finished as details says, their devices counted as results. Its
// devices_status lists the devices that failed or carry an error code
// only: a device that went through is in device_ids, and a list of every
// device would show in full, going away, in the plan of the next upload,
// however few devices that adds.
func lastUploadValue(jobs []*partnercenter.BatchJob, details *partnercenter.BatchUploadDetails, results deviceResults) types.Object {
	failures := *details
	failures.DevicesStatus = slices.DeleteFunc(slices.Clone(details.DevicesStatus), func(d partnercenter.DeviceUploadDetails) bool { return !d.Failed() })
	values := batchJobResultValues(jobs, &failures, results)
	values["accepted_device_count"] = types.Int64Value(int64(results.accepted))
	return types.ObjectValueMust(lastUploadType().AttrTypes, values)
}

// lastUploadSchemaAttributes are last_upload's attributes: a batch job's
// result and accepted_device_count.
func lastUploadSchemaAttributes() map[string]resourceschema.Attribute {
	attributes := batchJobResultSchemaAttributes()
	devicesStatus := attributes["devices_status"].(resourceschema.ListNestedAttribute) //nolint:forcetypeassert // batchJobResultSchemaAttributes' own
	devicesStatus.MarkdownDescription = "The result of each device of the upload that failed or carries an error code (accepted ones " +
		"included), as the `partnercenter_device_batch_status` data source reads it; empty when every device went through. The " +
		"devices that went through are in `device_ids`; every device's result is read with that data source from `location`. " +
		"Listing only these keeps the state, and the plan of the next upload, as small as what failed."
	attributes["devices_status"] = devicesStatus
	attributes["accepted_device_count"] = resourceschema.Int64Attribute{
		MarkdownDescription: "How many devices failed only with an error code of `accepted_error_codes`; they are not in `failed_device_count`.",
		Computed:            true,
	}
	return attributes
}

// recountLastUpload counts the devices of lastUpload, a last_upload value,
// again with accepted, for a plan that changes accepted_error_codes alone.
// The attribute names it reads and writes are pinned by TestRecountLastUpload,
// which builds last_upload with lastUploadType, derived from the schema.
func recountLastUpload(lastUpload types.Object, accepted acceptedCodes) types.Object {
	if lastUpload.IsNull() || lastUpload.IsUnknown() {
		return lastUpload
	}
	values := maps.Clone(lastUpload.Attributes())
	list, ok := values["devices_status"].(types.List)
	if !ok {
		return lastUpload
	}
	details := &partnercenter.BatchUploadDetails{DevicesStatus: make([]partnercenter.DeviceUploadDetails, 0, len(list.Elements()))}
	for _, element := range list.Elements() {
		device, ok := element.(types.Object)
		if !ok {
			return lastUpload
		}
		attributes := device.Attributes()
		text := func(name string) string {
			s, _ := attributes[name].(types.String)
			return s.ValueString()
		}
		details.DevicesStatus = append(details.DevicesStatus, partnercenter.DeviceUploadDetails{
			Status: partnercenter.UploadStatus(text("status")), ErrorCode: text("error_code"),
		})
	}
	results := countDeviceResults(details, accepted)
	values["failed_device_count"] = types.Int64Value(int64(results.failed))
	values["accepted_device_count"] = types.Int64Value(int64(results.accepted))
	return types.ObjectValueMust(lastUploadType().AttrTypes, values)
}
