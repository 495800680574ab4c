package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

var (
	_ resource.ResourceWithConfigure      = (*deviceBatchResource)(nil)
	_ resource.ResourceWithImportState    = (*deviceBatchResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*deviceBatchResource)(nil)
	_ resource.ResourceWithValidateConfig = (*deviceBatchResource)(nil)
)

// Timeouts of partnercenter_device_batch. Create and update include waiting
// for Partner Center to process the upload.
const (
	defaultUploadTimeout = 30 * time.Minute
	defaultDeleteTimeout = 30 * time.Minute
)

// deviceDeleteConcurrency is how many devices are deleted at a time: enough
// to remove a large batch in minutes, few enough not to be throttled.
const deviceDeleteConcurrency = 4

// maxBatchIDLength bounds batch_id, a free-text name.
const maxBatchIDLength = 256

// deviceBatchResource is a batch of devices of a customer, owned by
// Terraform: its devices are uploaded, kept, and deleted as the
// configuration says.
type deviceBatchResource struct {
	data *providerData
}

func newDeviceBatchResource() resource.Resource {
	return &deviceBatchResource{}
}

type deviceBatchModel struct {
	ID                 types.String      `tfsdk:"id"`
	CustomerID         types.String      `tfsdk:"customer_id"`
	BatchID            types.String      `tfsdk:"batch_id"`
	Devices            types.List        `tfsdk:"devices"`
	FailOnDeviceErrors types.Bool        `tfsdk:"fail_on_device_errors"`
	AcceptedErrorCodes types.Set         `tfsdk:"accepted_error_codes"`
	Timeouts           timeouts.Value    `tfsdk:"timeouts"`
	UploadedDevices    types.List        `tfsdk:"uploaded_devices"`
	DeviceCount        types.Int64       `tfsdk:"device_count"`
	CreatedBy          types.String      `tfsdk:"created_by"`
	CreationDate       timetypes.RFC3339 `tfsdk:"creation_date"`
	LastUpload         types.Object      `tfsdk:"last_upload"`
}

// uploadedDeviceAttributeTypes is the element type of uploaded_devices.
var uploadedDeviceAttributeTypes = map[string]attr.Type{
	"id":                    types.StringType,
	"serial_number":         types.StringType,
	"product_key":           types.StringType,
	"oem_manufacturer_name": types.StringType,
	"model_name":            types.StringType,
	"uploaded_date":         timetypes.RFC3339Type{},
	"oobe_policy_id":        types.StringType,
}

var uploadedDeviceType = types.ObjectType{AttrTypes: uploadedDeviceAttributeTypes}

// lastUploadAttributeTypes is the type of last_upload: a batch job's result
// and accepted_device_count.
var lastUploadAttributeTypes = func() map[string]attr.Type {
	t := maps.Clone(lastUpdateAttributeTypes)
	t["accepted_device_count"] = types.Int64Type
	return t
}()

// Metadata implements resource.Resource.
func (r *deviceBatchResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_device_batch"
}

// Schema implements resource.Resource.
func (r *deviceBatchResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = deviceBatchSchema()
}

// deviceBatchSchema is built once per process: Terraform asks for the schema
// at nearly every call, and building it anew each time costs as much as a read.
var deviceBatchSchema = sync.OnceValue(func() schema.Schema {
	ctx := context.Background()
	deviceArgument := func(description string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: description, Optional: true}
	}
	uploaded := func(description string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: description + " Null when Partner Center sends none.", Computed: true}
	}
	return schema.Schema{
		MarkdownDescription: "A batch of Windows Autopilot devices of a customer, owned by Terraform: creating it uploads the devices, " +
			"waits for Partner Center to process them and records each device's result; afterwards the batch holds exactly the " +
			"configured devices. Partner Center has no way to delete a batch: destroying the resource deletes its devices and " +
			"leaves the empty batch behind. Creating a batch needs an app+user sign-in (`refresh_token`).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<customer_id>/<batch_id>`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"customer_id": schema.StringAttribute{
				MarkdownDescription: "The customer's tenant ID, a GUID. Changing it replaces the resource.",
				Required:            true,
				Validators:          []validator.String{guidValidator{}},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"batch_id": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The batch's name, free text that Partner Center keys batches by (compared "+
					"case-insensitively): 1 to %d characters, no control characters. Changing it replaces the resource.", maxBatchIDLength),
				Required: true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, maxBatchIDLength),
					stringvalidator.RegexMatches(noControlCharacters, "must not contain control characters"),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"devices": schema.ListNestedAttribute{
				MarkdownDescription: "The devices of the batch, such as the result of `provider::partnercenter::autopilot_devices(file(\"devices.csv\"))`. " +
					"A device is identified by its `hardware_hash`, else its `product_key`, else its `serial_number` with " +
					"`oem_manufacturer_name` and `model_name`; a device with none of these, a `hardware_hash` that is not base64, or two " +
					"devices with the same identification fail the plan. Devices added are uploaded, devices removed are deleted from " +
					"Partner Center; a device is the same device as long as its identification is, so adding a field to its entry " +
					"changes nothing in Partner Center. The order of the devices does not matter: listing the same devices in another " +
					"order plans no change.",
				Required: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"hardware_hash":         deviceArgument("The device's hardware hash, base64 as `Get-WindowsAutopilotInfo` writes it (about 4 KB)."),
					"serial_number":         deviceArgument("The device's serial number."),
					"product_key":           deviceArgument("The device's Windows product key."),
					"oem_manufacturer_name": deviceArgument("The device's manufacturer, as its firmware reports it."),
					"model_name":            deviceArgument("The device's model, as its firmware reports it."),
				}},
				Validators: []validator.List{listvalidator.SizeAtLeast(1)},
			},
			"fail_on_device_errors": schema.BoolAttribute{
				MarkdownDescription: "When `true` (the default) and devices of an upload fail (such as `806 ZtdDeviceAlreadyAssigned` or " +
					"`808 ZtdDeviceAssignedToOtherTenant`), the apply fails with an error listing them (the first " +
					fmt.Sprint(maxListedFailedDevices) + ", then a count); with `false` the same list is a warning. A failed device " +
					"is not in Partner Center: the next plan offers to upload it again until it is removed from `devices`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"accepted_error_codes": schema.SetAttribute{
				MarkdownDescription: acceptedErrorCodesDescription + " Accepted devices count in `last_upload.accepted_device_count`, not in " +
					"`last_upload.failed_device_count`, and do not fail the apply. Like any device the batch does not hold, an accepted " +
					"device is offered for upload again at the next plan; remove it from `devices` once it is settled. Changing only " +
					"this attribute calls nothing: `last_upload` is counted again.",
				ElementType: types.StringType,
				Optional:    true,
				Validators:  []validator.Set{acceptedErrorCodesValidator},
			},
			"uploaded_devices": schema.ListNestedAttribute{
				MarkdownDescription: "The devices Partner Center holds in the batch, read from its device list. Never the hardware hash.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                    uploaded("Partner Center's ID of the device (not always a GUID)."),
					"serial_number":         uploaded("The device's serial number."),
					"product_key":           uploaded("The device's Windows product key."),
					"oem_manufacturer_name": uploaded("The device's manufacturer."),
					"model_name":            uploaded("The device's model."),
					"uploaded_date": schema.StringAttribute{
						MarkdownDescription: "When the device was uploaded, RFC 3339 in UTC. Null when Partner Center sends none.",
						CustomType:          timetypes.RFC3339Type{},
						Computed:            true,
					},
					"oobe_policy_id": uploaded("The ID of the device's Autopilot profile (its `o_o_b_e` policy)."),
				}},
			},
			"device_count": schema.Int64Attribute{
				MarkdownDescription: "How many devices Partner Center counts in the batch.",
				Computed:            true,
			},
			"created_by": schema.StringAttribute{
				MarkdownDescription: "Who created the batch, as Partner Center says.",
				Computed:            true,
			},
			"creation_date": schema.StringAttribute{
				MarkdownDescription: "When the batch was created, RFC 3339 in UTC.",
				CustomType:          timetypes.RFC3339Type{},
				Computed:            true,
			},
			"last_upload": schema.SingleNestedAttribute{
				MarkdownDescription: "The result of the most recent upload this resource made; null until it made one. Refreshes keep " +
					"it as it is: it changes only when the resource uploads, or its counts when `accepted_error_codes` changes.",
				Computed:   true,
				Attributes: lastUploadSchemaAttributes(),
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true})},
	}
})

// Configure implements resource.ResourceWithConfigure.
func (r *deviceBatchResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredProviderData(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig implements resource.ResourceWithValidateConfig: every device
// identified, none twice.
func (r *deviceBatchResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var devices types.List
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("devices"), &devices)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if configured, known := devicesOf(devices); known {
		resp.Diagnostics.Append(validateDevices(configured)...)
	}
}

// ModifyPlan implements resource.ResourceWithModifyPlan. A configuration that
// names the devices in state, by identification, plans no change to them;
// the attributes read from Partner Center stay known unless the devices
// change, and last_upload unless the apply uploads.
func (r *deviceBatchResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() {
		return // destroy, or create: everything read is unknown
	}
	var plan, state, config deviceBatchModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.CustomerID.Equal(state.CustomerID) || !plan.BatchID.Equal(state.BatchID) {
		return // a replacement: the new batch is read anew
	}
	configured, known := devicesOf(config.Devices)
	held, _ := devicesOf(state.Devices)
	if known && sameDevices(configured, held) {
		plan.Devices = state.Devices
	}
	plan.CreatedBy, plan.CreationDate = state.CreatedBy, state.CreationDate
	switch {
	case plan.Devices.Equal(state.Devices):
		plan.UploadedDevices, plan.DeviceCount, plan.LastUpload = state.UploadedDevices, state.DeviceCount, state.LastUpload
	case known && len(missingFrom(configured, plainDevices(held))) == 0:
		// Only deletions: nothing is uploaded.
		plan.LastUpload = state.LastUpload
	}
	if plan.LastUpload.Equal(state.LastUpload) && !plan.AcceptedErrorCodes.IsUnknown() && !plan.AcceptedErrorCodes.Equal(state.AcceptedErrorCodes) {
		plan.LastUpload = recountLastUpload(state.LastUpload, acceptedCodesOf(plan.AcceptedErrorCodes))
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// Create implements resource.Resource: it creates the batch with its
// devices or, when a batch of that name is left behind (batches cannot be
// deleted) holding only configured devices, adopts it and uploads what it
// lacks; then it waits for Partner Center to process the upload.
func (r *deviceBatchResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan deviceBatchModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	limit, diags := plan.Timeouts.Create(ctx, defaultUploadTimeout)
	resp.Diagnostics.Append(diags...)
	client, diags := r.data.partnerCenter()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	customerID, batchID := plan.CustomerID.ValueString(), plan.BatchID.ValueString()
	ops := batchOperations{customerID: customerID, batchID: batchID, timeout: "create", limit: limit}
	devices, _ := devicesOf(plan.Devices)

	existing, err := client.FindDeviceBatch(ctx, customerID, batchID)
	if err != nil {
		resp.Diagnostics.Append(ops.list().errorDiagnostic(err))
		return
	}
	var job *partnercenter.BatchJob
	if existing == nil {
		job, err = client.CreateDeviceBatch(ctx, customerID, batchID, plainDevices(devices))
		if err != nil {
			resp.Diagnostics.Append(ops.create().errorDiagnostic(err))
			return
		}
	} else {
		held, err := client.ListDevices(ctx, customerID, existing.ID)
		if err != nil {
			resp.Diagnostics.Append(ops.listDevices().errorDiagnostic(err))
			return
		}
		if unnamed := missingFromDevices(held, devices); len(unnamed) > 0 {
			resp.Diagnostics.Append(adoptionRefused(customerID, existing.ID, unnamed))
			return
		}
		// The batch is adopted under its name as Partner Center spells it.
		batchID, ops.batchID = existing.ID, existing.ID
		if missing := missingFrom(devices, held); len(missing) > 0 {
			if job, err = client.AddDevices(ctx, customerID, batchID, plainDevices(missing)); err != nil {
				resp.Diagnostics.Append(ops.upload().errorDiagnostic(err))
				return
			}
		}
	}
	result, failedUpload := r.finishUpload(ctx, client, ops, job, plan, &resp.Diagnostics)
	if result == nil || failedUpload {
		// Nothing is recorded: the next apply adopts the batch and uploads
		// only what is still missing, so no good device is ever deleted and
		// uploaded again.
		return
	}
	plan.LastUpload = result.lastUpload
	if _, diags := r.refreshComputed(ctx, client, ops, &plan); diags.HasError() {
		resp.Diagnostics.Append(diags...)
		return
	}
	plan.ID = types.StringValue(customerID + "/" + plan.BatchID.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// uploadResult is what an upload this resource made came to.
type uploadResult struct {
	lastUpload types.Object
}

// finishUpload waits for job, the resource's upload (nil when nothing was
// uploaded), to finish, and reports its failed devices: an error when
// plan's fail_on_device_errors is set, else a warning. Devices failing only
// with a code of accepted_error_codes are not reported. failedUpload is true
// when it reported failed devices as an error.
func (r *deviceBatchResource) finishUpload(ctx context.Context, client *partnercenter.Client, ops batchOperations, job *partnercenter.BatchJob,
	plan deviceBatchModel, diags *diag.Diagnostics) (result *uploadResult, failedUpload bool) {
	if job == nil {
		return &uploadResult{lastUpload: types.ObjectNull(lastUploadAttributeTypes)}, false
	}
	details, err := waitForBatch(ctx, client, job.CustomerID, job.TrackingID, r.data.wait)
	if err != nil {
		diags.Append(ops.wait(job).errorDiagnostic(err))
		return nil, false
	}
	results := countDeviceResults(details, acceptedCodesOf(plan.AcceptedErrorCodes))
	failOnErrors := plan.FailOnDeviceErrors.ValueBool()
	if results.failed > 0 {
		detail := fmt.Sprintf("%d of %d device(s) uploaded to batch %q of customer %s failed (batch tracking ID %s):\n\n%s\n"+
			"A failed device is not in Partner Center: the next plan offers to upload it again until it is removed from devices.%s",
			results.failed, results.total, ops.batchID, ops.customerID, job.TrackingID, results.list, results.acceptedNote())
		if failOnErrors {
			diags.AddError("Devices failed to upload", detail+" Set fail_on_device_errors = false to record the batch with a warning instead, "+
				"or accept their error codes with accepted_error_codes.")
		} else {
			diags.AddWarning("Devices failed to upload", detail)
		}
	}
	return &uploadResult{lastUpload: lastUploadValue(job, details, results)}, results.failed > 0 && failOnErrors
}

// lastUploadValue is last_upload for job, finished as details says, its
// devices counted as results.
func lastUploadValue(job *partnercenter.BatchJob, details *partnercenter.BatchUploadDetails, results deviceResults) types.Object {
	values := batchJobResultValues(job, details, results)
	values["accepted_device_count"] = types.Int64Value(int64(results.accepted))
	return types.ObjectValueMust(lastUploadAttributeTypes, values)
}

// lastUploadSchemaAttributes are last_upload's attributes: a batch job's
// result and accepted_device_count.
func lastUploadSchemaAttributes() map[string]schema.Attribute {
	attributes := batchJobResultSchemaAttributes()
	attributes["accepted_device_count"] = schema.Int64Attribute{
		MarkdownDescription: "How many devices failed only with an error code of `accepted_error_codes`; they are not in `failed_device_count`.",
		Computed:            true,
	}
	return attributes
}

// recountLastUpload counts the devices of lastUpload, a last_upload value,
// again with accepted, for a plan that changes accepted_error_codes alone.
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
	return types.ObjectValueMust(lastUploadAttributeTypes, values)
}

// refreshComputed reads the batch and its devices from Partner Center into
// m's attributes that Partner Center sets, and returns the devices.
func (r *deviceBatchResource) refreshComputed(ctx context.Context, client *partnercenter.Client, ops batchOperations, m *deviceBatchModel) ([]partnercenter.Device, diag.Diagnostics) {
	var diags diag.Diagnostics
	batch, held, err := readBatchAndDevices(ctx, client, ops.customerID, ops.batchID)
	switch {
	case err != nil:
		diags.Append(ops.listDevices().errorDiagnostic(err))
	case batch == nil:
		diags.AddError("Device batch not found",
			fmt.Sprintf("Partner Center has no batch %q for customer %s right after the resource uploaded to it.", ops.batchID, ops.customerID))
	default:
		setBatchComputed(m, batch, held)
	}
	return held, diags
}

// readBatchAndDevices reads a batch and its devices; the batch is nil when
// Partner Center has none of that name, or no devices list for it.
func readBatchAndDevices(ctx context.Context, client *partnercenter.Client, customerID, batchID string) (*partnercenter.DeviceBatch, []partnercenter.Device, error) {
	batch, err := client.FindDeviceBatch(ctx, customerID, batchID)
	if err != nil || batch == nil {
		return nil, nil, err
	}
	held, err := client.ListDevices(ctx, customerID, batch.ID)
	if partnercenter.KindOf(err) == partnercenter.KindNotFound {
		return nil, nil, nil
	}
	return batch, held, err
}

// setBatchComputed sets m's attributes read from Partner Center.
func setBatchComputed(m *deviceBatchModel, batch *partnercenter.DeviceBatch, held []partnercenter.Device) {
	uploaded := make([]attr.Value, len(held))
	for i, d := range held {
		uploaded[i] = types.ObjectValueMust(uploadedDeviceAttributeTypes, map[string]attr.Value{
			"id":                    nullableString(d.ID),
			"serial_number":         nullableString(d.SerialNumber),
			"product_key":           nullableString(d.ProductKey),
			"oem_manufacturer_name": nullableString(d.OEMManufacturerName),
			"model_name":            nullableString(d.ModelName),
			"uploaded_date":         nullableTime(d.UploadedDate),
			"oobe_policy_id":        nullableString(d.OOBEPolicyID),
		})
	}
	m.UploadedDevices = types.ListValueMust(uploadedDeviceType, uploaded)
	m.DeviceCount = types.Int64Value(int64(batch.DevicesCount))
	m.CreatedBy = nullableString(batch.CreatedBy)
	m.CreationDate = nullableTime(batch.CreationDate)
}

// Read implements resource.Resource. A device of state that Partner Center
// no longer holds drops out of devices; one it holds that state does not
// name joins them. A batch that is gone removes the resource.
func (r *deviceBatchResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state deviceBatchModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	limit, diags := state.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	client, diags := r.data.partnerCenter()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	customerID, batchID := state.CustomerID.ValueString(), state.BatchID.ValueString()
	ops := batchOperations{customerID: customerID, batchID: batchID, timeout: "read", limit: limit}
	batch, held, err := readBatchAndDevices(ctx, client, customerID, batchID)
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
	prior, _ := devicesOf(state.Devices)
	state.Devices = reconcileDevices(prior, held)
	setBatchComputed(&state, batch, held)
	state.ID = types.StringValue(customerID + "/" + state.BatchID.ValueString())
	if state.LastUpload.IsNull() || state.LastUpload.IsUnknown() {
		state.LastUpload = types.ObjectNull(lastUploadAttributeTypes)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update implements resource.Resource: devices added are uploaded and
// waited for, devices removed are deleted. Changing only
// fail_on_device_errors or the timeouts calls nothing.
func (r *deviceBatchResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state deviceBatchModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.Devices.Equal(state.Devices) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	limit, diags := plan.Timeouts.Update(ctx, defaultUploadTimeout)
	resp.Diagnostics.Append(diags...)
	client, diags := r.data.partnerCenter()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	customerID := plan.CustomerID.ValueString()
	ops := batchOperations{customerID: customerID, batchID: plan.BatchID.ValueString(), timeout: "update", limit: limit}
	batch, held, err := readBatchAndDevices(ctx, client, customerID, ops.batchID)
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
	planned, _ := devicesOf(plan.Devices)
	prior, _ := devicesOf(state.Devices)

	var job *partnercenter.BatchJob
	if added := missingFrom(planned, plainDevices(prior)); len(added) > 0 {
		if job, err = client.AddDevices(ctx, customerID, batch.ID, plainDevices(added)); err != nil {
			resp.Diagnostics.Append(ops.upload().errorDiagnostic(err))
			return
		}
	}
	if removed := missingFrom(prior, plainDevices(planned)); len(removed) > 0 {
		if err := deleteDevices(ctx, client, customerID, batch.ID, devicesToDelete(removed, held)); err != nil {
			resp.Diagnostics.Append(ops.deleteDevice().errorDiagnostic(err))
			return
		}
	}
	result, failedUpload := r.finishUpload(ctx, client, ops, job, plan, &resp.Diagnostics)
	if result == nil {
		return
	}
	plan.LastUpload = state.LastUpload
	if job != nil {
		plan.LastUpload = result.lastUpload
	}
	held, diags = r.refreshComputed(ctx, client, ops, &plan)
	if diags.HasError() {
		resp.Diagnostics.Append(diags...)
		return
	}
	if failedUpload {
		// The apply fails, and the state records what Partner Center
		// holds, so that the next plan offers the failed devices again.
		plan.Devices = reconcileDevices(planned, held)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete implements resource.Resource: every device of the batch is
// deleted; the empty batch stays, as Partner Center cannot delete one.
func (r *deviceBatchResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state deviceBatchModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	limit, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	client, diags := r.data.partnerCenter()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	customerID, batchID := state.CustomerID.ValueString(), state.BatchID.ValueString()
	ops := batchOperations{customerID: customerID, batchID: batchID, timeout: "delete", limit: limit}
	held, err := client.ListDevices(ctx, customerID, batchID)
	if partnercenter.KindOf(err) == partnercenter.KindNotFound {
		return // the batch is gone, and its devices with it
	}
	if err != nil {
		resp.Diagnostics.Append(ops.listDevices().errorDiagnostic(err))
		return
	}
	ids := make([]string, 0, len(held))
	for _, d := range held {
		ids = append(ids, d.ID)
	}
	if err := deleteDevices(ctx, client, customerID, batchID, ids); err != nil {
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
// Center holds.
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
}

// missingFromDevices returns the devices of held that configured does not
// name.
func missingFromDevices(held []partnercenter.Device, configured []configuredDevice) []partnercenter.Device {
	index := partnercenter.NewDeviceIndex(plainDevices(configured))
	var unnamed []partnercenter.Device
	for _, d := range held {
		if _, ok := index.Find(d); !ok {
			unnamed = append(unnamed, d)
		}
	}
	return unnamed
}

// adoptionRefused is the error of a create that finds the batch holding
// devices the configuration does not name.
func adoptionRefused(customerID, batchID string, unnamed []partnercenter.Device) diag.Diagnostic {
	var b strings.Builder
	for i, d := range unnamed[:min(len(unnamed), maxListedFailedDevices)] {
		fmt.Fprintf(&b, "  - %s (ID %s)\n", nameDevice(d, i), d.ID)
	}
	if rest := len(unnamed) - maxListedFailedDevices; rest > 0 {
		fmt.Fprintf(&b, "  and %d more\n", rest)
	}
	id := customerID + "/" + batchID
	return diag.NewErrorDiagnostic("Device batch already exists",
		fmt.Sprintf("Partner Center already has batch %q for customer %s, holding %d device(s) the configuration does not name:\n\n%s\n"+
			"Nothing was changed. To manage that batch with Terraform, import it and add its devices to the configuration:\n\n"+
			"  terraform import partnercenter_device_batch.<name> %q\n\nor, in the configuration:\n\n"+
			"  import {\n    to = partnercenter_device_batch.<name>\n    id = %q\n  }\n\nor choose another batch_id.",
			batchID, customerID, len(unnamed), b.String(), id, id))
}

// noControlCharacters matches text without control characters.
var noControlCharacters = regexp.MustCompile(`^[^\p{Cc}]*$`)

// batchOperations describes the calls partnercenter_device_batch makes, for
// their diagnostics.
type batchOperations struct {
	customerID, batchID string
	// timeout and limit are the timeouts attribute bounding the calls and
	// its value.
	timeout string
	limit   time.Duration
}

func (o batchOperations) base(doing, failed string) operation {
	return operation{
		doing:              doing,
		failed:             failed,
		timedOut:           "Timed out on Partner Center",
		act:                o.timeout,
		timeout:            o.timeout,
		limit:              o.limit,
		notFound:           "Device batch not found",
		notFoundDetail:     fmt.Sprintf("Partner Center has no batch %q for customer %s", o.batchID, o.customerID),
		notFoundHint:       "Check customer_id and batch_id.",
		invalidRequestHint: "Check customer_id, batch_id and the devices.",
	}
}

// list is the read of the customer's batches.
func (o batchOperations) list() operation {
	return o.base(fmt.Sprintf("Listing the device batches of customer %s", o.customerID), "Failed to list device batches")
}

// listDevices is the read of the batch and its devices.
func (o batchOperations) listDevices() operation {
	return o.base(fmt.Sprintf("Reading batch %q of customer %s", o.batchID, o.customerID), "Failed to read the device batch")
}

// create is the upload that creates the batch, which only an app+user
// sign-in may make.
func (o batchOperations) create() operation {
	op := o.base(fmt.Sprintf("Creating batch %q of customer %s", o.batchID, o.customerID), "Failed to create the device batch")
	op.accessHint = "Partner Center creates a device batch only for an app+user sign-in: configure refresh_token with the " +
		"application's secret or certificate (see \"App+user: refresh token\" in the provider's sign-in guide, " + appUserDocs + ")."
	op.invalidRequestHint = "Check batch_id and the devices' identifications."
	return op
}

// upload is the upload of devices into the batch.
func (o batchOperations) upload() operation {
	op := o.base(fmt.Sprintf("Uploading devices to batch %q of customer %s", o.batchID, o.customerID), "Failed to upload devices")
	op.invalidRequestHint = "Check the devices' identifications."
	return op
}

// deleteDevice is the deletion of devices from the batch.
func (o batchOperations) deleteDevice() operation {
	return o.base(fmt.Sprintf("Deleting devices of batch %q of customer %s", o.batchID, o.customerID), "Failed to delete devices")
}

// wait is the wait for an upload to be processed.
func (o batchOperations) wait(job *partnercenter.BatchJob) operation {
	op := o.base(fmt.Sprintf("Waiting for upload %s to batch %q of customer %s", job.TrackingID, o.batchID, o.customerID),
		"Failed to follow the upload")
	op.wait = waitDescription{
		summary:     "Timed out waiting for the upload to finish",
		subject:     fmt.Sprintf("Upload %s to batch %q of customer %s", job.TrackingID, o.batchID, o.customerID),
		alternative: "follow the upload with the partnercenter_device_batch_status data source (its location is " + job.Location + ")",
	}
	return op
}

// signInDocs is the provider's sign-in guide, and appUserDocs its section on
// app+user sign-in.
const (
	signInDocs  = "https://registry.terraform.io/providers/seed-8b9b5c63/partnercenter/latest/docs/guides/sign-in"
	appUserDocs = signInDocs + "#appuser-refresh-token"
)
