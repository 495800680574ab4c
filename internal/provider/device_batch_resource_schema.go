package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// deviceBatchSchemaVersion is the version of the resource's schema: 1 since
// devices became a map keyed by the user's labels (see UpgradeState).
const deviceBatchSchemaVersion = 1

// deviceBatchModel is partnercenter_device_batch as the framework reads it.
type deviceBatchModel struct {
	ID                 types.String      `tfsdk:"id"`
	CustomerID         types.String      `tfsdk:"customer_id"`
	BatchID            types.String      `tfsdk:"batch_id"`
	Devices            types.Map         `tfsdk:"devices"`
	DeviceIDs          types.Map         `tfsdk:"device_ids"`
	FailOnDeviceErrors types.Bool        `tfsdk:"fail_on_device_errors"`
	AcceptedErrorCodes types.Set         `tfsdk:"accepted_error_codes"`
	Timeouts           timeouts.Value    `tfsdk:"timeouts"`
	DeviceCount        types.Int64       `tfsdk:"device_count"`
	CreatedBy          types.String      `tfsdk:"created_by"`
	CreationDate       timetypes.RFC3339 `tfsdk:"creation_date"`
	LastUpload         types.Object      `tfsdk:"last_upload"`
}

// lastUploadType is the type of last_upload, as its schema defines it: a
// batch job's result and accepted_device_count.
var lastUploadType = sync.OnceValue(func() types.ObjectType {
	return nestedObjectType(deviceBatchSchema().Attributes["last_upload"])
})

// deviceBatchSchema is the schema of partnercenter_device_batch, as Terraform is served it.
var deviceBatchSchema = cachedSchema(func() schema.Schema {
	ctx := context.Background()
	deviceArgument := func(description string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: description, Optional: true}
	}
	return schema.Schema{
		MarkdownDescription: "A batch of Windows Autopilot devices of a customer, owned by Terraform: creating it uploads the devices, " +
			"waits for Partner Center to process them and records each device's result; afterwards the batch holds exactly the " +
			"configured devices. Partner Center has no way to delete a batch: destroying the resource deletes its devices and " +
			"leaves the empty batch behind. Creating a batch needs an app+user sign-in (`refresh_token`). The details Partner Center " +
			"holds of each device, such as its profile and upload date, are read with the `partnercenter_devices` data source.",
		Version: deviceBatchSchemaVersion,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<customer_id>/<batch_id>`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"customer_id": replacingCustomerIDAttribute(),
			"batch_id": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The batch's name, free text that Partner Center keys batches by: 1 to %d characters, "+
					"no control characters. Partner Center's own tools compare names case-insensitively, and so does the provider: "+
					"a batch whose name differs only in case is this batch (one of exactly this name is taken first), and changing "+
					"only the case of `batch_id` changes nothing in Partner Center. Changing it otherwise replaces the resource.", maxBatchIDLength),
				Required: true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, maxBatchIDLength),
					stringvalidator.RegexMatches(noControlCharacters, "must not contain control characters"),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(batchRenamed,
					"Changing batch_id replaces the resource, unless only its case changes.",
					"Changing `batch_id` replaces the resource, unless only its case changes.")},
			},
			"devices": schema.MapNestedAttribute{
				MarkdownDescription: "The devices of the batch, each under a key of your choosing, such as its serial number: the result " +
					"of `provider::partnercenter::autopilot_devices(filebase64(\"devices.csv\"))`, which keys each device by its serial number. " +
					"A plan shows the devices added and removed by key. A device to upload is identified by its `hardware_hash`, else its " +
					"`product_key`, else its `serial_number` with `oem_manufacturer_name` and `model_name`; a device to upload without " +
					"these, a `hardware_hash` that is not one line of base64, or two entries that are the same device (the same hash, " +
					"product key or serial number) fail the plan. A device the batch already holds, as after an import, is known by its " +
					"ID: its entry may hold no more than Partner Center's device list gives, such as its serial number alone, or " +
					"nothing. Devices added are uploaded, devices removed are deleted from Partner Center. " +
					"An entry is the same device as long as it keeps its hash, product key or serial number and no field it had changes, " +
					"but a hash under the same key: giving a device another key, adding a field, or a hash taken again from the same " +
					"device under its key changes nothing in Partner Center; a changed serial number or product key, or a changed " +
					"manufacturer or model where the hash and product key are not the same, is another device, deleted and uploaded. " +
					"Refreshes, deletions and drift go by the IDs of `device_ids`: a device " +
					"whose ID is gone from the batch is offered for upload again, even when the batch holds another device of its serial " +
					"number (firmware placeholders such as `Default string` make that common). Where no ID is known, as after an import, " +
					"a device is found by what it holds, never in one whose hash, product key or serial number differs, nor, unless they " +
					"share a hash or product key, whose manufacturer or model does (compared ignoring case and surrounding spaces); one " +
					"that could be several devices of the batch is reported, and none of them is deleted. To upload a device again, " +
					"remove it in one apply and add it in the next.",
				Required: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"hardware_hash":         deviceArgument("The device's hardware hash, one line of base64 as `Get-WindowsAutopilotInfo` writes it (about 4 KB)."),
					"serial_number":         deviceArgument("The device's serial number."),
					"product_key":           deviceArgument("The device's Windows product key."),
					"oem_manufacturer_name": deviceArgument("The device's manufacturer, as its firmware reports it."),
					"model_name":            deviceArgument("The device's model, as its firmware reports it."),
				}},
				Validators: []validator.Map{
					mapvalidator.SizeAtLeast(1),
					mapvalidator.KeysAre(
						stringvalidator.LengthBetween(1, maxDeviceKeyLength),
						stringvalidator.RegexMatches(noControlCharacters, "must not contain control characters"),
					),
				},
			},
			"device_ids": schema.MapAttribute{
				MarkdownDescription: "Partner Center's ID of each device of `devices` that the batch holds, under the same key, such as " +
					"`{ CSP0001 = \"9993-8627-3608-6844-6369-4361-72\" }`. Refreshes, deletions and drift go by these IDs. A device " +
					"that failed to upload has none. `values(...)` of it is what `device_ids` of " +
					"`partnercenter_device_policy_assignment` takes; a plan that uploads devices shows it as known after apply, so " +
					"that the assignment gives the new devices their profile in the same apply.",
				ElementType: types.StringType,
				Computed:    true,
			},
			"fail_on_device_errors": schema.BoolAttribute{
				MarkdownDescription: "When `true` (the default) and devices of an upload fail (such as `806 ZtdDeviceAlreadyAssigned` or " +
					"`808 ZtdDeviceAssignedToOtherTenant`), or Partner Center reports the upload `finished_with_errors` without naming " +
					"the devices, the apply fails with an error listing them (the first " +
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
				MarkdownDescription: "The result of the most recent upload this resource made. Null until it makes one, as after an import " +
					"or an adoption that uploaded nothing: read it with `try()`, such as " +
					"`try(partnercenter_device_batch.x.last_upload.devices_status, [])`. Refreshes keep it as it is: it changes only when " +
					"the resource uploads, or its counts when `accepted_error_codes` changes.",
				Computed:   true,
				Attributes: lastUploadSchemaAttributes(),
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true})},
	}
})

// batchRenamed is batch_id's RequiresReplaceIf: a new name replaces the
// resource, the same name in another case does not.
func batchRenamed(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = req.PlanValue.IsUnknown() || !strings.EqualFold(req.PlanValue.ValueString(), req.StateValue.ValueString())
}

// noControlCharacters matches text without control characters.
var noControlCharacters = regexp.MustCompile(`^[^\p{Cc}]*$`)
