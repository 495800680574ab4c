package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

var (
	_ resource.ResourceWithConfigure      = (*deviceBatchResource)(nil)
	_ resource.ResourceWithImportState    = (*deviceBatchResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*deviceBatchResource)(nil)
	_ resource.ResourceWithValidateConfig = (*deviceBatchResource)(nil)
	_ resource.ResourceWithUpgradeState   = (*deviceBatchResource)(nil)
)

// deviceDeleteConcurrency is how many devices are deleted at a time: enough
// to remove a large batch in minutes, few enough not to be throttled.
const deviceDeleteConcurrency = 4

// deviceBatchResource is a batch of devices of a customer, owned by
// Terraform: its devices are uploaded, kept, and deleted as the
// configuration says.
type deviceBatchResource struct {
	resourceWithConfigure
	// nestedDevices gives the framework devices as the map nested attribute
	// Terraform is served, not as frameworkDeviceBatchSchema's plain map:
	// for the served schema, and for the benchmarks of the framework's cost.
	nestedDevices bool
}

// Metadata implements resource.Resource.
func (r *deviceBatchResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_device_batch"
}

// Schema implements resource.Resource.
func (r *deviceBatchResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	if r.nestedDevices {
		resp.Schema = deviceBatchSchema()
		return
	}
	resp.Schema = frameworkDeviceBatchSchema()
}

// ValidateConfig implements resource.ResourceWithValidateConfig: every device
// identified, none twice.
func (r *deviceBatchResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var devices types.Map
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("devices"), &devices)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if configured, known := devicesOf(devices); known {
		resp.Diagnostics.Append(validateDevices(configured)...)
	}
}

// ModifyPlan implements resource.ResourceWithModifyPlan. A configuration
// that names the devices of state, under the same keys, plans no change to
// them (planDeviceChanges decides what is the same device); device IDs
// stay known for the devices that stay, under their key or another; the
// attributes read from Partner Center stay known unless devices are
// uploaded or deleted, and last_upload unless the apply uploads.
func (r *deviceBatchResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	if req.State.Raw.IsNull() {
		// A create, where everything read is unknown, uploads every device.
		var devices types.Map
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("devices"), &devices)...)
		if configured, known := devicesOf(devices); known {
			resp.Diagnostics.Append(unidentified(configured)...)
		}
		return
	}
	var plan, state, config deviceBatchModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.CustomerID.Equal(state.CustomerID) || !strings.EqualFold(plan.BatchID.ValueString(), state.BatchID.ValueString()) {
		return // a replacement: the new batch is read anew
	}
	plan.CreatedBy, plan.CreationDate = state.CreatedBy, state.CreationDate
	configured, known := devicesOf(config.Devices)
	if !known {
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	prior, _ := devicesOf(state.Devices)
	changes := planDeviceChanges(configured, prior, deviceIDsOf(state.DeviceIDs))
	resp.Diagnostics.Append(unidentified(changes.upload)...)
	resp.Diagnostics.Append(indistinguishable(changes)...)
	if resp.Diagnostics.HasError() {
		return
	}
	switch {
	case changes.sameKeys:
		plan.Devices, plan.DeviceIDs = state.Devices, state.DeviceIDs
		plan.DeviceCount, plan.LastUpload = state.DeviceCount, state.LastUpload
	case len(changes.upload) == 0:
		// Devices that move to other keys keep their IDs; nothing is
		// uploaded.
		plan.DeviceIDs, plan.LastUpload = types.MapUnknown(types.StringType), state.LastUpload
		if len(changes.ids) == len(configured) {
			plan.DeviceIDs = deviceIDsMap(changes.ids)
		}
		if len(changes.remove) == 0 {
			plan.DeviceCount = state.DeviceCount
		}
	case plan.FailOnDeviceErrors.ValueBool() && len(plan.AcceptedErrorCodes.Elements()) == 0 && !plan.AcceptedErrorCodes.IsUnknown() &&
		len(changes.ids)+len(changes.upload) == len(configured):
		// The IDs known stay known, and only the new devices' are
		// unknown, so that the plan names the devices it changes. A
		// failed device fails the apply, which then records what
		// Partner Center holds; without fail_on_device_errors, or with
		// an accepted error code, it would leave a planned key without
		// an ID, and so would a device kept without one (one a refresh
		// could not tell apart): then the map stays unknown.
		plan.DeviceIDs = partlyKnownDeviceIDs(configured, changes.ids)
	}
	if plan.LastUpload.Equal(state.LastUpload) && !plan.AcceptedErrorCodes.IsUnknown() && !plan.AcceptedErrorCodes.Equal(state.AcceptedErrorCodes) {
		plan.LastUpload = recountLastUpload(state.LastUpload, acceptedCodesOf(plan.AcceptedErrorCodes))
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// Create implements resource.Resource: it creates the batch with its
// devices or, when a batch of that name is left empty or holding only
// configured devices, adopts it with a warning and uploads what it lacks;
// then it waits for Partner Center to process the upload.
func (r *deviceBatchResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan deviceBatchModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	call := r.data.startCall(ctx, &resp.Diagnostics, plan.Timeouts.Create, defaultUploadTimeout)
	if call == nil {
		return
	}
	defer call.cancel()
	ctx = call.ctx
	customerID, batchID := plan.CustomerID.ValueString(), plan.BatchID.ValueString()
	ops := batchOperations{customerID: customerID, batchID: batchID, timeout: "create", limit: call.limit}
	devices, _ := devicesOf(plan.Devices)

	existing, err := call.client.FindDeviceBatch(ctx, customerID, batchID)
	if err != nil {
		resp.Diagnostics.Append(ops.list().errorDiagnostic(err))
		return
	}
	linked := map[string]string{}
	upload := devices
	var held []partnercenter.Device
	if existing != nil {
		// The batch is adopted under its name as Partner Center spells it.
		ops.batchID = existing.ID
		if upload, held = r.adopt(ctx, call.client, ops, devices, linked, &resp.Diagnostics); upload == nil {
			return
		}
	}
	outcome := r.upload(ctx, call.client, ops, upload, existing == nil, plan, linked, held, &resp.Diagnostics)
	if outcome == nil || outcome.failed {
		// Nothing is recorded: the next apply adopts the batch when it
		// holds only configured devices and uploads what is still missing,
		// so no good device is ever deleted and uploaded again.
		return
	}
	plan.LastUpload = outcome.lastUpload
	plan.DeviceIDs = deviceIDsMap(linked)
	setBatchComputed(&plan, outcome.batch)
	plan.ID = types.StringValue(customerID + "/" + plan.BatchID.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// setBatchComputed sets m's attributes read from Partner Center of the
// batch.
func setBatchComputed(m *deviceBatchModel, batch *partnercenter.DeviceBatch) {
	m.DeviceCount = types.Int64Value(int64(batch.DevicesCount))
	m.CreatedBy = nullableString(batch.CreatedBy)
	m.CreationDate = nullableTime(batch.CreationDate)
}

// Read implements resource.Resource. Each device of state is found by its
// ID, else by what it holds; one Partner Center no longer holds drops out
// of devices, and one it holds that state does not name joins them. A batch
// that is gone removes the resource. After an import, batch_id takes
// Partner Center's spelling.
func (r *deviceBatchResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state deviceBatchModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	imported, diags := req.Private.GetKey(ctx, privateImported)
	resp.Diagnostics.Append(diags...)
	call := r.data.startCall(ctx, &resp.Diagnostics, state.Timeouts.Read, defaultReadTimeout)
	if call == nil {
		return
	}
	defer call.cancel()
	ctx = call.ctx
	customerID, batchID := state.CustomerID.ValueString(), state.BatchID.ValueString()
	ops := batchOperations{customerID: customerID, batchID: batchID, timeout: "read", limit: call.limit}
	batch, held, err := readBatchAndDevices(ctx, call.client, customerID, batchID)
	if err != nil {
		resp.Diagnostics.Append(ops.listDevices().errorDiagnostic(err))
		return
	}
	if batch == nil {
		resp.Diagnostics.AddWarning("Device batch not found",
			fmt.Sprintf("Partner Center has no batch %q for customer %s any more; it is removed from the state, and the next apply creates it.",
				batchID, customerID))
		resp.State.RemoveResource(ctx)
		return
	}
	if imported != nil {
		state.BatchID = types.StringValue(batch.ID)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, nil)...)
	}
	prior, _ := devicesOf(state.Devices)
	entries, linked, h := reconcile(prior, deviceIDsOf(state.DeviceIDs), held)
	if len(h.ambiguous) > 0 {
		resp.Diagnostics.AddWarning("Devices not told apart", h.ambiguity(batch.ID)+
			"\n\nUntil then these entries keep no ID, and those devices are neither shown as devices to delete nor deleted.")
	}
	state.Devices, state.DeviceIDs = devicesMap(entries), deviceIDsMap(linked)
	setBatchComputed(&state, batch)
	state.ID = types.StringValue(customerID + "/" + state.BatchID.ValueString())
	if state.LastUpload.IsNull() || state.LastUpload.IsUnknown() {
		state.LastUpload = types.ObjectNull(lastUploadType().AttrTypes)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update implements resource.Resource: devices removed are deleted, then
// devices added are uploaded and waited for. A device that only moves to
// another key, or whose entry changes but stays the same device, calls
// nothing; nor does changing fail_on_device_errors or the timeouts.
func (r *deviceBatchResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state deviceBatchModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	planned, _ := devicesOf(plan.Devices)
	prior, _ := devicesOf(state.Devices)
	ids := deviceIDsOf(state.DeviceIDs)
	changes := planDeviceChanges(planned, prior, ids)
	if len(changes.upload) == 0 && len(changes.remove) == 0 && len(changes.ids) == len(planned) {
		plan.DeviceIDs = deviceIDsMap(changes.ids)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	call := r.data.startCall(ctx, &resp.Diagnostics, plan.Timeouts.Update, defaultUploadTimeout)
	if call == nil {
		return
	}
	defer call.cancel()
	ctx = call.ctx
	customerID := plan.CustomerID.ValueString()
	if len(changes.remove) > 0 {
		// From before the batch is read: a profile's deletion refused
		// meanwhile waits for these deletions (see profileChanges).
		defer r.data.profileChanges.begin(customerID)()
	}
	ops := batchOperations{customerID: customerID, batchID: plan.BatchID.ValueString(), timeout: "update", limit: call.limit}
	batch, held, err := readBatchAndDevices(ctx, call.client, customerID, ops.batchID)
	switch {
	case err != nil:
		resp.Diagnostics.Append(ops.listDevices().errorDiagnostic(err))
		return
	case batch == nil:
		resp.Diagnostics.AddError("Device batch not found",
			fmt.Sprintf("Partner Center has no batch %q for customer %s any more. Run terraform apply again to create it.", ops.batchID, customerID))
		return
	}
	ops.batchID = batch.ID // as Partner Center spells it

	// Each device is linked by its ID, else by what it holds: first those
	// that stay, then those that go, then the new ones, so that a device
	// uploaded behind Terraform's back is taken rather than uploaded again.
	h := newHeldDevices(held)
	linked := map[string]string{}
	isNew := make(map[string]bool, len(changes.upload))
	for _, e := range changes.upload {
		isNew[e.key] = true
	}
	var upload, gone []configuredDevice
	for _, e := range planned {
		if isNew[e.key] {
			continue
		}
		id, known := changes.ids[e.key]
		if id, ok := h.link(e, id, known); ok {
			linked[e.key] = id
		} else if !h.ambiguousAbout(e.key) {
			// Deleted since the plan, which did not show an upload of
			// it: the next plan does.
			gone = append(gone, e)
		}
	}
	var remove []string
	for _, e := range changes.remove {
		id, known := ids[e.key]
		if id, ok := h.link(e, id, known); ok {
			remove = append(remove, id)
		}
	}
	if len(h.ambiguous) > 0 {
		resp.Diagnostics.AddWarning("Devices not told apart", h.ambiguity(batch.ID)+
			"\n\nNone of those devices was deleted, and an entry that stays keeps no ID.")
	}
	for _, e := range changes.upload {
		if id, ok := h.claimMatch(e); ok {
			linked[e.key] = id
		} else {
			upload = append(upload, e)
		}
	}
	if err := deleteDevices(ctx, call.client, customerID, batch.ID, remove); err != nil {
		resp.Diagnostics.Append(ops.deleteDevice().errorDiagnostic(err))
		return
	}
	outcome := r.upload(ctx, call.client, ops, upload, false, plan, linked, held, &resp.Diagnostics)
	if outcome == nil {
		return
	}
	if len(gone) > 0 {
		resp.Diagnostics.Append(goneSincePlan(ops, gone))
	}
	if len(upload) > 0 {
		plan.LastUpload = outcome.lastUpload
	} else {
		plan.LastUpload = state.LastUpload
	}
	if outcome.failed {
		// The apply fails, and the state records what Partner Center
		// holds, so that the next plan offers the failed devices again.
		kept := make([]configuredDevice, 0, len(linked))
		for _, e := range planned {
			if _, ok := linked[e.key]; ok {
				kept = append(kept, e)
			}
		}
		plan.Devices = devicesMap(kept)
	}
	if !plan.DeviceIDs.IsUnknown() && !outcome.failed {
		// The plan's IDs, known but for the new devices': a device
		// deleted since the plan keeps its ID until the next refresh.
		unlinked := fillPlannedDeviceIDs(plan.DeviceIDs, linked)
		if len(unlinked) > 0 {
			resp.Diagnostics.Append(notFoundAfterUpload(ops, unlinked))
			plan.Devices = devicesMap(slices.DeleteFunc(planned, func(e configuredDevice) bool { return slices.Contains(unlinked, e.key) }))
		}
	}
	plan.DeviceIDs = deviceIDsMap(linked)
	setBatchComputed(&plan, outcome.batch)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// goneSincePlan is the warning of an apply that finds devices the plan
// kept deleted from Partner Center since it was made.
func goneSincePlan(ops batchOperations, gone []configuredDevice) diag.Diagnostic {
	return diag.NewWarningDiagnostic("Devices deleted since the plan",
		fmt.Sprintf("Batch %q of customer %s no longer holds %s, which the plan kept: deleted in Partner Center after the plan "+
			"was made, or before it was made without a refresh. This apply does only what the plan showed, and does not upload "+
			"them again; the next plan offers to.", ops.batchID, ops.customerID, quoteKeys(keysOf(gone))))
}

// notFoundAfterUpload is the error of an apply after which the batch holds
// no device that the devices of keys, uploaded without failing, are.
func notFoundAfterUpload(ops batchOperations, keys []string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Devices not found after upload",
		fmt.Sprintf("Partner Center reports the upload to batch %q of customer %s finished, but the batch's device list shows no "+
			"device that is %s, and its results give no ID. The next refresh looks for them again, and the next plan offers to "+
			"upload those the batch does not hold.", ops.batchID, ops.customerID, quoteKeys(keys)))
}

// Delete implements resource.Resource: the devices of the resource are
// deleted, found by their IDs, else by what they hold; the batch stays, as
// Partner Center cannot delete one.
func (r *deviceBatchResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state deviceBatchModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	call := r.data.startCall(ctx, &resp.Diagnostics, state.Timeouts.Delete, defaultDeleteTimeout)
	if call == nil {
		return
	}
	defer call.cancel()
	ctx = call.ctx
	customerID, batchID := state.CustomerID.ValueString(), state.BatchID.ValueString()
	// From before the batch is read, which takes a page per 100 devices: a
	// profile's deletion refused meanwhile waits for these deletions (see
	// profileChanges).
	defer r.data.profileChanges.begin(customerID)()
	ops := batchOperations{customerID: customerID, batchID: batchID, timeout: "delete", limit: call.limit}
	batch, held, err := readBatchAndDevices(ctx, call.client, customerID, batchID)
	if err != nil {
		resp.Diagnostics.Append(ops.listDevices().errorDiagnostic(err))
		return
	}
	if batch == nil {
		return // the batch is gone, and its devices with it
	}
	h := newHeldDevices(held)
	devices, _ := devicesOf(state.Devices)
	ids := deviceIDsOf(state.DeviceIDs)
	remove := make([]string, 0, len(devices))
	for _, e := range devices {
		id, known := ids[e.key]
		if id, ok := h.link(e, id, known); ok {
			remove = append(remove, id)
		}
	}
	if len(h.ambiguous) > 0 {
		resp.Diagnostics.AddWarning("Devices not told apart", h.ambiguity(batch.ID)+
			"\n\nNone of those devices was deleted: delete the device that is yours in Partner Center.")
	}
	if err := deleteDevices(ctx, call.client, customerID, batch.ID, remove); err != nil {
		resp.Diagnostics.Append(ops.deleteDevice().errorDiagnostic(err))
	}
}

// deleteDevices deletes the devices of a batch, deviceDeleteConcurrency at a
// time; a device already gone counts as deleted. It stops at the first
// failure, which it returns once the deletions under way have ended.
func deleteDevices(ctx context.Context, client *partnercenter.Client, customerID, batchID string, ids []string) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	slots := make(chan struct{}, deviceDeleteConcurrency)
	for _, id := range ids {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-slots }()
			err := client.DeleteDevice(ctx, customerID, batchID, id)
			if err != nil && partnercenter.KindOf(err) != partnercenter.KindNotFound {
				cancel(fmt.Errorf("deleting device %s: %w", id, err))
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

// ImportState implements resource.ResourceWithImportState with
// `<customer_id>/<batch_id>`; the devices imported are the ones Partner
// Center holds, each under its serial number (see heldKey), and batch_id
// takes Partner Center's spelling of the name.
func (r *deviceBatchResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	customerID, batchID, ok := strings.Cut(req.ID, "/")
	if !ok || !partnercenter.IsGUID(customerID) || batchID == "" {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("%q is not <customer_id>/<batch_id>, such as 47021739-3426-40bf-9601-61b4b6d7c793/Contoso laptops.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("customer_id"), customerID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("batch_id"), batchID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("fail_on_device_errors"), true)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte("true"))...)
}
