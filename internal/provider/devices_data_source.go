package provider

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

var _ datasource.DataSourceWithConfigure = (*devicesDataSource)(nil)

// devicesDataSource lists the devices of a batch.
type devicesDataSource struct {
	dataSourceWithConfigure
}

func newDevicesDataSource() datasource.DataSource {
	return &devicesDataSource{}
}

type devicesModel struct {
	ID                  types.String   `tfsdk:"id"`
	CustomerID          types.String   `tfsdk:"customer_id"`
	BatchID             types.String   `tfsdk:"batch_id"`
	IncludeHardwareHash types.Bool     `tfsdk:"include_hardware_hash"`
	Devices             types.List     `tfsdk:"devices"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

// listedDeviceType is the element type of devices, as its schema defines it.
var listedDeviceType = sync.OnceValue(func() types.ObjectType {
	return nestedObjectType(devicesSchema().Attributes["devices"])
})

// Metadata implements datasource.DataSource.
func (d *devicesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_devices"
}

// Schema implements datasource.DataSource.
func (d *devicesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = devicesSchema()
}

// devicesSchema is the schema of partnercenter_devices.
var devicesSchema = cachedSchema(func() schema.Schema {
	ctx := context.Background()
	device := func(description string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: description + " Null when Partner Center sends none.", Computed: true}
	}
	return schema.Schema{
		MarkdownDescription: "Lists the devices Partner Center holds in a customer's batch, reading every page of its device list.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{MarkdownDescription: "`<customer_id>/<batch_id>`.", Computed: true},
			"customer_id": schema.StringAttribute{
				MarkdownDescription: "The customer's tenant ID, a GUID.",
				Required:            true,
				Validators:          []validator.String{customerIDValidator},
			},
			"batch_id": schema.StringAttribute{
				MarkdownDescription: "The batch's name.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, maxBatchIDLength)},
			},
			"include_hardware_hash": schema.BoolAttribute{
				MarkdownDescription: "When `true`, each device's `hardware_hash` (about 4 KB) is read into the state too, as far as Partner " +
					"Center's device list carries it: Microsoft's only sample of the list has none, so it may be null for every device, " +
					"which a warning then says. Defaults to `false`: null.",
				Optional: true,
			},
			"devices": schema.ListNestedAttribute{
				MarkdownDescription: "The batch's devices, in the order Partner Center lists them.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id": device("Partner Center's ID of the device (not always a GUID)."),
					"key": schema.StringAttribute{
						MarkdownDescription: "The key an import of the batch into `partnercenter_device_batch` gives the device in `devices`: " +
							"its serial number, else its product key, else its ID, the first no device before it in the list has, written " +
							"as an HCL identifier (a value that is not one, such as a serial number that starts with a digit, is prefixed " +
							"with `sn-`, `pk-` or `id-`, and each character an identifier cannot hold becomes `_`). A configuration keyed " +
							"by it imports the batch without a change.",
						Computed: true,
					},
					"serial_number":         device("The device's serial number."),
					"product_key":           device("The device's Windows product key."),
					"hardware_hash":         device("The device's hardware hash, with `include_hardware_hash` only."),
					"oem_manufacturer_name": device("The device's manufacturer."),
					"model_name":            device("The device's model."),
					"uploaded_date": schema.StringAttribute{
						MarkdownDescription: "When the device was uploaded, RFC 3339 in UTC. Null when Partner Center sends none.",
						CustomType:          timetypes.RFC3339Type{},
						Computed:            true,
					},
					"oobe_policy_id": device("The ID of the device's Autopilot profile (its `o_o_b_e` policy)."),
					"allowed_operations": schema.ListAttribute{
						MarkdownDescription: "What Partner Center allows on the device, such as `[\"PATCH\", \"DELETE\"]`.",
						ElementType:         types.StringType,
						Computed:            true,
					},
				}},
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeouts.Block(ctx)},
	}
})

// Read implements datasource.DataSource.
func (d *devicesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg devicesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	call := d.data.startCall(ctx, &resp.Diagnostics, cfg.Timeouts.Read, defaultReadTimeout)
	if call == nil {
		return
	}
	defer call.cancel()
	ctx = call.ctx
	customerID, batchID := cfg.CustomerID.ValueString(), cfg.BatchID.ValueString()
	held, err := call.client.ListDevices(ctx, customerID, batchID)
	if err != nil {
		resp.Diagnostics.Append(batchOperations{customerID: customerID, batchID: batchID, timeout: "read", limit: call.limit}.listDevices().errorDiagnostic(err))
		return
	}
	withHash := cfg.IncludeHardwareHash.ValueBool()
	device := listedDeviceType()
	values := make([]attr.Value, len(held))
	taken := make(map[string]bool, len(held))
	for i, dev := range held {
		key := heldKey(dev, taken)
		taken[key] = true
		hash := types.StringNull()
		if withHash {
			hash = nullableString(dev.HardwareHash)
		}
		operations := make([]attr.Value, len(dev.AllowedOperations))
		for j, op := range dev.AllowedOperations {
			operations[j] = types.StringValue(op)
		}
		values[i] = types.ObjectValueMust(device.AttrTypes, map[string]attr.Value{
			"id":                    nullableString(dev.ID),
			"key":                   types.StringValue(key),
			"serial_number":         nullableString(dev.SerialNumber),
			"product_key":           nullableString(dev.ProductKey),
			"hardware_hash":         hash,
			"oem_manufacturer_name": nullableString(dev.OEMManufacturerName),
			"model_name":            nullableString(dev.ModelName),
			"uploaded_date":         nullableTime(dev.UploadedDate),
			"oobe_policy_id":        nullableString(dev.OOBEPolicyID),
			"allowed_operations":    types.ListValueMust(types.StringType, operations),
		})
	}
	if withHash && len(held) > 0 && !slices.ContainsFunc(held, func(d partnercenter.Device) bool { return d.HardwareHash != "" }) {
		resp.Diagnostics.AddWarning("No hardware hashes listed",
			fmt.Sprintf("include_hardware_hash is set, but Partner Center listed none of the %d device(s) of batch %q of customer %s with "+
				"its hardware hash: its device list may not carry hashes (Microsoft's only sample of it has none). hardware_hash is null "+
				"for every device; identify them by id, serial_number or product_key.", len(held), batchID, customerID))
	}
	cfg.ID = types.StringValue(fmt.Sprintf("%s/%s", customerID, batchID))
	cfg.Devices = types.ListValueMust(device, values)
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
