package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

var (
	_ resource.ResourceWithConfigure   = (*configurationPolicyResource)(nil)
	_ resource.ResourceWithImportState = (*configurationPolicyResource)(nil)
)

// defaultPolicyTimeout bounds each operation on a policy. A deletion Partner
// Center refuses waits within it while this run deletes devices of the
// policy's customer or gives them a profile, which may take it off the
// devices that still have it.
const defaultPolicyTimeout = 5 * time.Minute

// maxPolicyNameLength bounds a policy's name.
const maxPolicyNameLength = 256

// configurationPolicyResource is a Windows Autopilot profile of a customer.
type configurationPolicyResource struct {
	resourceWithConfigure
}

func newConfigurationPolicyResource() resource.Resource {
	return &configurationPolicyResource{}
}

// Metadata implements resource.Resource.
func (r *configurationPolicyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_configuration_policy"
}

// Schema implements resource.Resource.
func (r *configurationPolicyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = configurationPolicySchema()
}

// configurationPolicySchema is the schema of partnercenter_configuration_policy.
var configurationPolicySchema = cachedSchema(func() schema.Schema {
	ctx := context.Background()
	return schema.Schema{
		MarkdownDescription: "A Windows Autopilot profile of a customer: Partner Center's configuration policy, such as skipping the " +
			"license terms and keeping the user from being a local administrator. Assign it to devices with " +
			"`partnercenter_device_policy_assignment`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<customer_id>/<policy_id>`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"customer_id": replacingCustomerIDAttribute(),
			"policy_id": schema.StringAttribute{
				MarkdownDescription: "The policy's ID, a GUID Partner Center generates.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The profile's name, 1 to %d characters.", maxPolicyNameLength),
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, maxPolicyNameLength)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "The profile's description.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"category": schema.StringAttribute{
				MarkdownDescription: "`" + partnercenter.PolicyCategoryOOBE + "` (the out-of-box experience, the default) or `" +
					partnercenter.PolicyCategoryNone + "`. Partner Center cannot change it, so changing it replaces the policy.",
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString(partnercenter.PolicyCategoryOOBE),
				Validators:    []validator.String{oneOfSuggesting{partnercenter.PolicyCategoryOOBE, partnercenter.PolicyCategoryNone}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"policy_settings": schema.SetAttribute{
				MarkdownDescription: "The profile's settings, each one of " + policySettingsDescription + "; `[]` for none. " +
					"An update replaces them as a whole.",
				ElementType: types.StringType,
				Required:    true,
				Validators:  []validator.Set{policySettingsValidator{}},
			},
			"devices_assigned_count": schema.Int64Attribute{
				MarkdownDescription: "How many devices have this profile.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"created_date": schema.StringAttribute{
				MarkdownDescription: "When the policy was created, RFC 3339 in UTC.",
				CustomType:          timetypes.RFC3339Type{},
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"last_modified_date": schema.StringAttribute{
				MarkdownDescription: "When the policy was last changed, RFC 3339 in UTC.",
				CustomType:          timetypes.RFC3339Type{},
				Computed:            true,
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true})},
	}
})

// Create implements resource.Resource.
func (r *configurationPolicyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan configurationPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	call := r.data.startCall(ctx, &resp.Diagnostics, plan.Timeouts.Create, defaultPolicyTimeout)
	if call == nil {
		return
	}
	defer call.cancel()
	ctx = call.ctx
	customerID := plan.CustomerID.ValueString()
	created, err := call.client.CreateConfigurationPolicy(ctx, customerID, plan.policy())
	if err != nil {
		resp.Diagnostics.Append(policyOperations{customerID: customerID, timeout: "create", limit: call.limit}.create(plan.Name.ValueString()).errorDiagnostic(err))
		return
	}
	plan.set(customerID, created)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Read implements resource.Resource: what changed in Partner Center shows as
// drift; a policy that is gone leaves the state with a warning.
func (r *configurationPolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state configurationPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	call := r.data.startCall(ctx, &resp.Diagnostics, state.Timeouts.Read, defaultReadTimeout)
	if call == nil {
		return
	}
	defer call.cancel()
	ctx = call.ctx
	customerID, policyID := state.CustomerID.ValueString(), state.PolicyID.ValueString()
	got, err := call.client.GetConfigurationPolicy(ctx, customerID, policyID)
	if partnercenter.KindOf(err) == partnercenter.KindNotFound {
		resp.Diagnostics.AddWarning("Configuration policy not found",
			fmt.Sprintf("Partner Center has no configuration policy %s for customer %s any more; it is removed from the state, and the next apply creates it.",
				policyID, customerID))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(policyOperations{customerID: customerID, policyID: policyID, timeout: "read", limit: call.limit}.read().errorDiagnostic(err))
		return
	}
	state.set(customerID, got)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update implements resource.Resource: name, description and settings are
// replaced as a whole.
func (r *configurationPolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan configurationPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	call := r.data.startCall(ctx, &resp.Diagnostics, plan.Timeouts.Update, defaultPolicyTimeout)
	if call == nil {
		return
	}
	defer call.cancel()
	ctx = call.ctx
	customerID, policyID := plan.CustomerID.ValueString(), plan.PolicyID.ValueString()
	updated, err := call.client.UpdateConfigurationPolicy(ctx, customerID, plan.policy())
	if err != nil {
		resp.Diagnostics.Append(policyOperations{customerID: customerID, policyID: policyID, timeout: "update", limit: call.limit}.update().errorDiagnostic(err))
		return
	}
	plan.set(customerID, updated)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete implements resource.Resource. Partner Center refuses to delete a
// policy devices still have. In a destroy, the devices' batch may be going
// at the same time, or a new assignment giving them another profile, so the
// deletion is tried again while this provider changes devices of the
// policy's customer (profileChanges); otherwise a policy that devices have
// fails at once, saying how many and what to do.
// Any other conflict is tried again until timeouts { delete }, as it may
// resolve itself.
func (r *configurationPolicyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state configurationPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	call := r.data.startCall(ctx, &resp.Diagnostics, state.Timeouts.Delete, defaultPolicyTimeout)
	if call == nil {
		return
	}
	defer call.cancel()
	ctx = call.ctx
	customerID, policyID := state.CustomerID.ValueString(), state.PolicyID.ValueString()
	changes := r.data.profileChanges
	var sent changeMark
	err := partnercenter.RetryWhile(ctx, r.data.wait, func(ctx context.Context) error {
		sent = changes.mark(customerID)
		return call.client.DeleteConfigurationPolicy(ctx, customerID, policyID)
	}, func(err error) bool {
		switch partnercenter.KindOf(err) {
		case partnercenter.KindConflict:
			return true
		case partnercenter.KindInUse:
			return changes.underWay(ctx, customerID, sent, r.data.changeGrace)
		}
		return false
	})
	if err == nil || partnercenter.KindOf(err) == partnercenter.KindNotFound {
		return
	}
	var inUse *partnercenter.PolicyInUseError
	if errors.As(err, &inUse) {
		resp.Diagnostics.Append(policyInUseDiagnostic(customerID, inUse, ctx.Err(), call.limit))
		return
	}
	resp.Diagnostics.Append(policyOperations{customerID: customerID, policyID: policyID, timeout: "delete", limit: call.limit}.delete().errorDiagnostic(err))
}

// policyInUseDiagnostic explains a policy Partner Center does not delete
// because devices have it, and what to do; ended is the deletion's
// context's error, set when its time ran out while this run changed devices
// of the customer.
func policyInUseDiagnostic(customerID string, e *partnercenter.PolicyInUseError, ended error, limit time.Duration) diag.Diagnostic {
	devices := fmt.Sprintf("%d devices still have it", e.Devices)
	if e.Devices == 1 {
		devices = "1 device still has it"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Partner Center refuses to delete configuration policy %s of customer %s: %s, and a profile is deleted only "+
		"when no device has it.\n\n", e.PolicyID, customerID, devices)
	b.WriteString("Give those devices another profile with a partnercenter_device_policy_assignment, or delete them by removing them " +
		"from their partnercenter_device_batch or destroying it; then destroy the profile again. Terraform deletes the profile " +
		"before it changes an assignment's policy_id away from it, so apply that change first, keeping the profile, then remove " +
		"the profile. Destroying a partnercenter_device_policy_assignment alone does not take the profile off its devices: " +
		"Partner Center documents no way to. The partnercenter_devices data source lists a batch's devices with their profiles.")
	switch {
	case errors.Is(ended, context.DeadlineExceeded):
		fmt.Fprintf(&b, "\n\nThe deletion was tried again while this run deleted devices of customer %s or gave them a profile, until "+
			"timeouts { delete } = %s ran out. If those were the profile's devices, allow more time with delete in the timeouts block.", customerID, limit)
	case ended != nil:
		fmt.Fprintf(&b, "\n\nThe deletion was tried again while this run deleted devices of customer %s or gave them a profile, until "+
			"the run was interrupted.", customerID)
	}
	var refusal *partnercenter.ResponseError
	if errors.As(e, &refusal) {
		fmt.Fprintf(&b, "\n\nPartner Center's answer:\n%s", describeResponseError(refusal))
	}
	return diag.NewErrorDiagnostic("Configuration policy still assigned", b.String())
}

// ImportState implements resource.ResourceWithImportState with
// `<customer_id>/<policy_id>`.
func (r *configurationPolicyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	customerID, policyID, ok := strings.Cut(req.ID, "/")
	if !ok || !partnercenter.IsGUID(customerID) || !partnercenter.IsGUID(policyID) {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("%q is not <customer_id>/<policy_id>, two GUIDs such as 47021739-3426-40bf-9601-61b4b6d7c793/5b8e3c1a-2f4d-4e6a-9b7c-1d0e2f3a4b5c.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("customer_id"), customerID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("policy_id"), policyID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}
