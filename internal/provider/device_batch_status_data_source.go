package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSourceWithConfigure      = (*deviceBatchStatusDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*deviceBatchStatusDataSource)(nil)
)

// deviceBatchStatusDataSource reads the status of a device batch upload.
type deviceBatchStatusDataSource struct {
	dataSourceWithConfigure
}

func newDeviceBatchStatusDataSource() datasource.DataSource {
	return &deviceBatchStatusDataSource{}
}

type deviceBatchStatusModel struct {
	ID                  types.String      `tfsdk:"id"`
	CustomerID          types.String      `tfsdk:"customer_id"`
	BatchTrackingID     types.String      `tfsdk:"batch_tracking_id"`
	Location            types.String      `tfsdk:"location"`
	WaitForCompletion   types.Bool        `tfsdk:"wait_for_completion"`
	FailOnDeviceErrors  types.Bool        `tfsdk:"fail_on_device_errors"`
	AcceptedErrorCodes  types.Set         `tfsdk:"accepted_error_codes"`
	Timeouts            timeouts.Value    `tfsdk:"timeouts"`
	Status              types.String      `tfsdk:"status"`
	StartedTime         timetypes.RFC3339 `tfsdk:"started_time"`
	CompletedTime       timetypes.RFC3339 `tfsdk:"completed_time"`
	Completed           types.Bool        `tfsdk:"completed"`
	DeviceCount         types.Int64       `tfsdk:"device_count"`
	FailedDeviceCount   types.Int64       `tfsdk:"failed_device_count"`
	AcceptedDeviceCount types.Int64       `tfsdk:"accepted_device_count"`
	DevicesStatus       types.List        `tfsdk:"devices_status"`
	DeviceStatusCounts  types.Map         `tfsdk:"device_status_counts"`
}

// Metadata implements datasource.DataSource.
func (d *deviceBatchStatusDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_device_batch_status"
}

// Schema implements datasource.DataSource.
func (d *deviceBatchStatusDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = deviceBatchStatusSchema()
}

// deviceBatchStatusSchema is the schema of partnercenter_device_batch_status.
var deviceBatchStatusSchema = cachedSchema(func() schema.Schema {
	ctx := context.Background()
	deviceString := func(description string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: description + " Null when Partner Center sends none.", Computed: true}
	}
	return schema.Schema{
		MarkdownDescription: "Reads the processing status of a device batch upload for a customer: the batch's status, " +
			"its start and completion times, and each device's result. Partner Center processes uploads asynchronously; " +
			"use this data source to assert on the result in `check` blocks and postconditions.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<customer_id>/<batch_tracking_id>`.",
				Computed:            true,
			},
			"customer_id": schema.StringAttribute{
				MarkdownDescription: "The customer's tenant ID, a GUID. Set it with `batch_tracking_id`, or set `location` instead and read it here.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{customerIDValidator},
			},
			"batch_tracking_id": schema.StringAttribute{
				MarkdownDescription: "The batch tracking ID, a GUID: the last segment of the `Location` header Partner Center returns when a device batch is uploaded. " +
					"Set it with `customer_id`, or set `location` instead and read it here.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{guidValidator{}},
			},
			"location":              locationAttribute(),
			"wait_for_completion":   waitForCompletionAttribute(),
			"fail_on_device_errors": failOnDeviceErrorsAttribute(),
			"accepted_error_codes":  acceptedErrorCodesAttribute(),
			"device_status_counts":  deviceStatusCountsAttribute(),
			"status": schema.StringAttribute{
				MarkdownDescription: "The batch's status: `queued`, `processing`, `finished`, `finished_with_errors` or `unknown`, in " +
					"this spelling whatever case Partner Center answers in (the .NET SDK writes `FinishedWithErrors`); values Partner " +
					"Center adds later are passed through unchanged. `finished` does not say that every device was uploaded: test " +
					"`failed_device_count`; `finished_with_errors` with `failed_device_count` 0 means Partner Center named no failed device.",
				Computed: true,
			},
			"started_time": schema.StringAttribute{
				MarkdownDescription: "When processing started, RFC 3339 in UTC. Null when not set.",
				CustomType:          timetypes.RFC3339Type{},
				Computed:            true,
			},
			"completed_time": schema.StringAttribute{
				MarkdownDescription: "When processing completed, RFC 3339 in UTC. Null while the batch is still queued or processing.",
				CustomType:          timetypes.RFC3339Type{},
				Computed:            true,
			},
			"completed": schema.BoolAttribute{
				MarkdownDescription: "Whether processing is over: `status` is `finished` or `finished_with_errors`.",
				Computed:            true,
			},
			"device_count": schema.Int64Attribute{
				MarkdownDescription: "The number of entries in `devices_status`.",
				Computed:            true,
			},
			"failed_device_count": schema.Int64Attribute{
				MarkdownDescription: "The number of devices that failed: their status is `finished_with_errors` or they carry an error " +
					"code, other than the codes of `accepted_error_codes`. The batch's `status` alone does not say that every device was " +
					"uploaded (Microsoft's own example answer is `finished` with a failed device): test this count. " +
					"Before the batch is finished, it counts the devices that failed so far.",
				Computed: true,
			},
			"accepted_device_count": schema.Int64Attribute{
				MarkdownDescription: "The number of devices that failed only with an error code of `accepted_error_codes`.",
				Computed:            true,
			},
			"devices_status": schema.ListNestedAttribute{
				MarkdownDescription: "Each device's upload result, in the order Partner Center returns them.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"device_id":         deviceString("The device's ID in Partner Center."),
						"serial_number":     deviceString("The device's serial number."),
						"product_key":       deviceString("The device's Windows product key."),
						"status":            deviceString("The device's upload status, with the same values as the batch's `status`."),
						"error_code":        deviceString("Partner Center's error code for the device, such as `808`."),
						"error_description": deviceString("Partner Center's error name for the device, such as `ZtdDeviceAssignedToOtherTenant`."),
					},
				},
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeouts.Block(ctx)},
	}
})

// Read implements datasource.DataSource.
func (d *deviceBatchStatusDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg deviceBatchStatusModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The whole read, retries, polls and their waits included, ends by
	// readTimeout.
	call := d.data.startCall(ctx, &resp.Diagnostics, cfg.Timeouts.Read, defaultReadTimeout)
	if call == nil {
		return
	}
	defer call.cancel()
	ctx = call.ctx
	customerID, trackingID, diags := batchIDs(cfg)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	details, err := readBatch(ctx, call.client, customerID, trackingID, cfg.WaitForCompletion.ValueBool(), d.data.wait)
	if err != nil {
		resp.Diagnostics.Append(readBatchStatusOperation(customerID, trackingID, call.limit).errorDiagnostic(err))
		return
	}
	results := countDeviceResults(details, acceptedCodesOf(cfg.AcceptedErrorCodes))
	if cfg.FailOnDeviceErrors.ValueBool() {
		resp.Diagnostics.Append(deviceErrorDiagnostics(details, results, customerID, trackingID)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	state, err := deviceBatchStatusState(req.Config, customerID, trackingID, details, results)
	if err != nil {
		resp.Diagnostics.AddError("Failed to set the device batch status", "Please report this issue to the provider developers: "+err.Error())
		return
	}
	resp.State.Raw = state
}

// readBatchStatusOperation describes the data source's read for its
// diagnostics.
func readBatchStatusOperation(customerID, trackingID string, readTimeout time.Duration) operation {
	return operation{
		doing:          fmt.Sprintf("Reading batch %s of customer %s", trackingID, customerID),
		failed:         "Failed to read device batch status",
		timedOut:       "Timed out reading the device batch status",
		act:            "read",
		timeout:        "read",
		limit:          readTimeout,
		notFound:       "Device batch not found",
		notFoundDetail: fmt.Sprintf("Partner Center has no device batch with tracking ID %s for customer %s", trackingID, customerID),
		notFoundHint: "Check both IDs: the tracking ID is the last segment of the Location header returned by the upload. Partner " +
			"Center also keeps an upload's status for a limited time only: an upload that finished long ago (days) can no longer be " +
			"read, and its devices are then read with partnercenter_devices.",
		invalidRequestHint: "Check customer_id and batch_tracking_id.",
		wait: waitDescription{
			summary:     "Timed out waiting for the device batch to finish",
			subject:     fmt.Sprintf("Batch %s of customer %s", trackingID, customerID),
			alternative: "read the status without wait_for_completion and assert on it later",
		},
	}
}
