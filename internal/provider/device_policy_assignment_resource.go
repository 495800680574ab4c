package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

var (
	_ resource.ResourceWithConfigure   = (*devicePolicyAssignmentResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*devicePolicyAssignmentResource)(nil)
	_ resource.ResourceWithImportState = (*devicePolicyAssignmentResource)(nil)
)

// devicePolicyAssignmentResource gives devices of one batch one Autopilot
// profile.
type devicePolicyAssignmentResource struct {
	resourceWithConfigure
}

func newDevicePolicyAssignmentResource() resource.Resource {
	return &devicePolicyAssignmentResource{}
}

type devicePolicyAssignmentModel struct {
	ID                  types.String   `tfsdk:"id"`
	CustomerID          types.String   `tfsdk:"customer_id"`
	BatchID             types.String   `tfsdk:"batch_id"`
	PolicyID            types.String   `tfsdk:"policy_id"`
	DeviceIDs           types.Set      `tfsdk:"device_ids"`
	AssignedDeviceIDs   types.Set      `tfsdk:"assigned_device_ids"`
	UnassignedDeviceIDs types.Set      `tfsdk:"unassigned_device_ids"`
	LastUpdate          types.Object   `tfsdk:"last_update"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

// Metadata implements resource.Resource.
func (r *devicePolicyAssignmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_device_policy_assignment"
}

// Schema implements resource.Resource.
func (r *devicePolicyAssignmentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = devicePolicyAssignmentSchema()
}

// devicePolicyAssignmentSchema is the schema of partnercenter_device_policy_assignment.
var devicePolicyAssignmentSchema = cachedSchema(func() schema.Schema {
	ctx := context.Background()
	ids := func(description string) schema.SetAttribute {
		return schema.SetAttribute{MarkdownDescription: description, ElementType: types.StringType, Computed: true}
	}
	return schema.Schema{
		MarkdownDescription: "Gives devices of one batch one Windows Autopilot profile (a configuration policy) with a device policy " +
			"update, and waits for Partner Center to apply it. A device that loses the profile in Partner Center shows as drift. " +
			"Partner Center documents no way to take a profile off a device: destroying the resource leaves the devices with it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<customer_id>/<batch_id>/<policy_id>`.",
				Computed:            true,
			},
			"customer_id": replacingCustomerIDAttribute(),
			"batch_id": schema.StringAttribute{
				MarkdownDescription: "The batch whose devices get the profile. Changing it replaces the resource.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, maxBatchIDLength)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"policy_id": schema.StringAttribute{
				MarkdownDescription: "The profile's policy ID, such as `partnercenter_configuration_policy.x.policy_id`. Changing it gives the devices the new profile.",
				Required:            true,
				Validators:          []validator.String{guidValidator{}},
			},
			"device_ids": schema.SetAttribute{
				MarkdownDescription: "Partner Center's IDs of the devices of the batch that get the profile. For a batch Terraform " +
					"manages, `values(partnercenter_device_batch.x.device_ids)`, or the IDs of chosen keys, such as " +
					"`[for key in [\"PF3X0003\"] : partnercenter_device_batch.x.device_ids[key]]`: a plan that uploads devices " +
					"shows them as known after apply, so the devices the apply uploads get the profile in the same apply. When unset, " +
					"every device of the batch, as read at apply time: devices that join the batch later show as " +
					"`unassigned_device_ids` and get the profile at the next apply. An ID that is not in the batch fails the apply " +
					"before anything changes. A device has one profile: two assignments that would give one device a profile, one " +
					"of them without `device_ids` or both naming it, fail the plan. After an import, the devices that have the " +
					"profile when some of the batch's devices lack it, else unset.",
				ElementType: types.StringType,
				Optional:    true,
				Validators:  []validator.Set{setvalidator.SizeAtLeast(1)},
			},
			"assigned_device_ids":   ids("The devices of the batch whose profile is `policy_id`, as Partner Center says."),
			"unassigned_device_ids": ids("The devices the assignment covers that do not have the profile, as last read: the next apply gives it to them."),
			"last_update": schema.SingleNestedAttribute{
				MarkdownDescription: "The result of the most recent device policy update this resource made, with the same attributes " +
					"as `partnercenter_device_batch`'s `last_upload` but `accepted_device_count`.",
				Computed:   true,
				Attributes: batchJobResultSchemaAttributes(),
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeouts.Block(ctx, timeouts.Opts{
			Create: true, Read: true, Update: true, Delete: true,
			// Kept so that configurations that set it stay valid.
			DeleteDescription: "Has no effect: destroying an assignment only removes it from the state. " +
				"Partner Center documents no way to take a profile off a device, so no call is made.",
		})},
	}
})

// ModifyPlan implements resource.ResourceWithModifyPlan: devices that lack
// the profile plan an update that gives it to them. An assignment that would
// give devices another assignment of the run gives a profile is refused
// (see assignmentClaims).
func (r *devicePolicyAssignmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		resp.Diagnostics.AddWarning("Devices keep their Autopilot profile",
			"Partner Center documents no way to take a profile off a device: destroying partnercenter_device_policy_assignment "+
				"only removes it from the state, and the devices keep the profile until they get another one.")
		return
	}
	var plan, state devicePolicyAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.CustomerID.IsUnknown() && !plan.BatchID.IsUnknown() && !plan.PolicyID.IsUnknown() {
		plan.ID = types.StringValue(assignmentID(plan))
	}
	if r.data != nil {
		owner, diags := claimOwner(ctx, req.Private, resp.Private)
		if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
			return
		}
		if c, known := claimOf(owner, plan); known {
			if resp.Diagnostics.Append(r.data.claims.claim(c)...); resp.Diagnostics.HasError() {
				return
			}
		}
	}
	// After an apply, every covered device has the profile.
	plan.UnassignedDeviceIDs = stringSet(nil)
	if req.State.Raw.IsNull() {
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.PolicyID.Equal(state.PolicyID) && plan.DeviceIDs.Equal(state.DeviceIDs) && len(state.UnassignedDeviceIDs.Elements()) == 0 {
		plan.AssignedDeviceIDs, plan.LastUpdate = state.AssignedDeviceIDs, state.LastUpdate
	} else {
		plan.AssignedDeviceIDs, plan.LastUpdate = types.SetUnknown(types.StringType), types.ObjectUnknown(lastUpdateType().AttrTypes)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// assignmentID is the ID of an assignment.
func assignmentID(m devicePolicyAssignmentModel) string {
	return m.CustomerID.ValueString() + "/" + m.BatchID.ValueString() + "/" + m.PolicyID.ValueString()
}

// assignmentOperations describes the calls of an assignment for diagnostics.
func assignmentOperations(m devicePolicyAssignmentModel, timeout string, limit time.Duration) batchOperations {
	return batchOperations{customerID: m.CustomerID.ValueString(), batchID: m.BatchID.ValueString(), timeout: timeout, limit: limit}
}

// Create implements resource.Resource.
func (r *devicePolicyAssignmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan devicePolicyAssignmentModel
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
	r.assign(ctx, call.client, &plan, types.ObjectNull(lastUpdateType().AttrTypes), assignmentOperations(plan, "create", call.limit), &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

// Update implements resource.Resource: the devices covered that lack the
// profile get it, which also mends drift.
func (r *devicePolicyAssignmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state devicePolicyAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	// The plan's claim owner is for that run's claims (claimOwner).
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateClaimOwner, nil)...)
	if resp.Diagnostics.HasError() {
		return
	}
	call := r.data.startCall(ctx, &resp.Diagnostics, plan.Timeouts.Update, defaultUploadTimeout)
	if call == nil {
		return
	}
	defer call.cancel()
	ctx = call.ctx
	r.assign(ctx, call.client, &plan, state.LastUpdate, assignmentOperations(plan, "update", call.limit), &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

// assign gives the devices m covers that lack its profile the profile,
// waits for Partner Center to apply it, and reads the batch back into m.
// last_update becomes the update's result, or prior when nothing lacked
// the profile. ctx is bounded by ops.limit (startCall).
func (r *devicePolicyAssignmentResource) assign(ctx context.Context, client *partnercenter.Client, m *devicePolicyAssignmentModel, prior types.Object,
	ops batchOperations, diags *diag.Diagnostics) {
	// The devices may be leaving a profile whose deletion, refused
	// meanwhile, waits for this update (see profileChanges).
	defer r.data.profileChanges.begin(ops.customerID)()
	batch, held, err := readBatchAndDevices(ctx, client, ops.customerID, ops.batchID)
	switch {
	case err != nil:
		diags.Append(ops.listDevices().errorDiagnostic(err))
		return
	case batch == nil:
		diags.AddError("Device batch not found",
			fmt.Sprintf("Partner Center has no batch %q for customer %s. Check customer_id and batch_id.", ops.batchID, ops.customerID))
		return
	}
	ops.batchID = batch.ID // as Partner Center spells it
	covered, missing := coveredDevices(m.DeviceIDs, held)
	if len(missing) > 0 {
		diags.AddAttributeError(path.Root("device_ids"), "Devices not in the batch",
			fmt.Sprintf("device_ids names %d device(s) that batch %q of customer %s does not hold: %s. Nothing was changed.",
				len(missing), ops.batchID, ops.customerID, strings.Join(missing, ", ")))
		return
	}
	policyID := m.PolicyID.ValueString()
	targets := lackingProfile(covered, held, policyID)
	m.LastUpdate = prior
	if len(targets) > 0 {
		jobs, err := client.AssignPolicy(ctx, ops.customerID, policyID, targets)
		if err != nil {
			op := ops.base(fmt.Sprintf("Giving %d device(s) of batch %q of customer %s profile %s", len(targets), ops.batchID, ops.customerID, policyID),
				"Failed to update the devices' policy")
			op.invalidRequestHint = "Check policy_id: it must be a policy of the customer."
			diags.Append(op.errorDiagnostic(err))
			return
		}
		parts := make([]*partnercenter.BatchUploadDetails, len(jobs))
		unnamed := false
		for i, job := range jobs {
			if parts[i], err = waitForBatch(ctx, client, job.CustomerID, job.TrackingID, r.data.wait); err != nil {
				diags.Append(ops.wait(job).errorDiagnostic(err))
				return
			}
			unnamed = unnamed || parts[i].UnnamedFailure()
		}
		details := mergeResults(parts)
		switch results := countDeviceResults(details, nil); {
		case results.failed > 0:
			diags.AddError("Devices failed to get the profile",
				fmt.Sprintf("%d of %d device(s) of batch %q of customer %s did not get profile %s (batch tracking ID %s):\n\n%s",
					results.failed, results.total, ops.batchID, ops.customerID, policyID, trackingIDs(jobs), results.list))
			return
		case unnamed:
			diags.AddError("Devices failed to get the profile",
				fmt.Sprintf("Partner Center reports the policy update of %d device(s) of batch %q of customer %s to profile %s "+
					"finished_with_errors (batch tracking ID %s), but names no device that failed: its devicesStatus is empty or lists "+
					"no failure. The next plan shows the devices that lack the profile in unassigned_device_ids.",
					len(targets), ops.batchID, ops.customerID, policyID, trackingIDs(jobs)))
			return
		}
		m.LastUpdate = lastUpdateValue(jobs, details)
		if held, err = client.ListDevices(ctx, ops.customerID, batch.ID); err != nil {
			diags.Append(ops.listDevices().errorDiagnostic(err))
			return
		}
	}
	m.ID = types.StringValue(assignmentID(*m))
	m.AssignedDeviceIDs, m.UnassignedDeviceIDs = assignedDevices(m, held)
}

// lackingProfile returns the IDs of covered whose device held does not
// have the profile policyID: the devices an update gives it to.
func lackingProfile(covered []string, held []partnercenter.Device, policyID string) []string {
	has := make(map[string]bool, len(held))
	for _, id := range withProfile(held, policyID) {
		has[strings.ToLower(id)] = true
	}
	var targets []string
	for _, id := range covered {
		if !has[strings.ToLower(id)] {
			targets = append(targets, id)
		}
	}
	return targets
}

// withProfile returns the IDs of the devices of held that have the profile
// policyID.
func withProfile(held []partnercenter.Device, policyID string) []string {
	var ids []string
	for _, d := range held {
		if strings.EqualFold(d.OOBEPolicyID, policyID) {
			ids = append(ids, d.ID)
		}
	}
	return ids
}

// coveredDevices returns the IDs of the devices an assignment covers:
// deviceIDs when known and set, else every device held; missing are the
// IDs of deviceIDs that held does not have.
func coveredDevices(deviceIDs types.Set, held []partnercenter.Device) (covered, missing []string) {
	inBatch := make(map[string]bool, len(held))
	all := make([]string, 0, len(held))
	for _, d := range held {
		inBatch[d.ID] = true
		all = append(all, d.ID)
	}
	if deviceIDs.IsNull() || deviceIDs.IsUnknown() {
		return all, nil
	}
	for _, e := range deviceIDs.Elements() {
		id, ok := e.(types.String)
		if !ok {
			continue
		}
		if inBatch[id.ValueString()] {
			covered = append(covered, id.ValueString())
		} else {
			missing = append(missing, id.ValueString())
		}
	}
	slices.Sort(missing)
	return covered, missing
}

// assignedDevices splits the devices held into those with m's profile and
// those m covers without it.
func assignedDevices(m *devicePolicyAssignmentModel, held []partnercenter.Device) (assigned, unassigned types.Set) {
	covered, _ := coveredDevices(m.DeviceIDs, held)
	isCovered := make(map[string]bool, len(covered))
	for _, id := range covered {
		isCovered[id] = true
	}
	policyID := m.PolicyID.ValueString()
	var with, without []string
	for _, d := range held {
		switch {
		case strings.EqualFold(d.OOBEPolicyID, policyID):
			with = append(with, d.ID)
		case isCovered[d.ID]:
			without = append(without, d.ID)
		}
	}
	return stringSet(with), stringSet(without)
}

// Read implements resource.Resource: assigned_device_ids and
// unassigned_device_ids follow what Partner Center says. After an import,
// batch_id takes Partner Center's spelling, and device_ids the devices that
// have the profile when some of the batch's devices lack it, so that a
// configuration naming them plans no change; when every device, or none,
// has it, device_ids stays null: the whole batch.
func (r *devicePolicyAssignmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state devicePolicyAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	imported, diags := req.Private.GetKey(ctx, privateImported)
	resp.Diagnostics.Append(diags...)
	call := r.data.startCall(ctx, &resp.Diagnostics, state.Timeouts.Read, defaultReadTimeout)
	if call == nil {
		return
	}
	defer call.cancel()
	ctx = call.ctx
	ops := assignmentOperations(state, "read", call.limit)
	batch, held, err := readBatchAndDevices(ctx, call.client, ops.customerID, ops.batchID)
	if err != nil {
		resp.Diagnostics.Append(ops.listDevices().errorDiagnostic(err))
		return
	}
	if batch == nil {
		resp.Diagnostics.AddWarning("Device batch not found",
			fmt.Sprintf("Partner Center has no batch %q for customer %s any more; the assignment is removed from the state.", ops.batchID, ops.customerID))
		resp.State.RemoveResource(ctx)
		return
	}
	if imported != nil {
		state.BatchID = types.StringValue(batch.ID)
		state.ID = types.StringValue(assignmentID(state))
		state.DeviceIDs = types.SetNull(types.StringType)
		if with := withProfile(held, state.PolicyID.ValueString()); len(with) > 0 && len(with) < len(held) {
			state.DeviceIDs = stringSet(with)
		}
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, nil)...)
	}
	state.AssignedDeviceIDs, state.UnassignedDeviceIDs = assignedDevices(&state, held)
	if state.LastUpdate.IsNull() || state.LastUpdate.IsUnknown() {
		state.LastUpdate = types.ObjectNull(lastUpdateType().AttrTypes) // imported
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Delete implements resource.Resource: Partner Center documents no way to
// take a profile off a device, so the assignment only leaves the state; the
// plan warned.
func (r *devicePolicyAssignmentResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

// ImportState implements resource.ResourceWithImportState with
// `<customer_id>/<batch_id>/<policy_id>`; the batch's name may hold slashes
// of its own. The devices covered are those that have the profile, or the
// whole batch (see Read).
func (r *devicePolicyAssignmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	customerID, rest, _ := strings.Cut(req.ID, "/")
	slash := strings.LastIndex(rest, "/")
	if !partnercenter.IsGUID(customerID) || slash <= 0 || !partnercenter.IsGUID(rest[slash+1:]) {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("%q is not <customer_id>/<batch_id>/<policy_id>, such as "+
				"47021739-3426-40bf-9601-61b4b6d7c793/Contoso laptops/5b8e3c1a-2f4d-4e6a-9b7c-1d0e2f3a4b5c.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("customer_id"), customerID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("batch_id"), rest[:slash])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("policy_id"), rest[slash+1:])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte("true"))...)
}
