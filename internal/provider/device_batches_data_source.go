package provider

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*deviceBatchesDataSource)(nil)

// deviceBatchesDataSource lists a customer's device batches.
type deviceBatchesDataSource struct {
	dataSourceWithConfigure
}

func newDeviceBatchesDataSource() datasource.DataSource {
	return &deviceBatchesDataSource{}
}

type deviceBatchesModel struct {
	ID         types.String   `tfsdk:"id"`
	CustomerID types.String   `tfsdk:"customer_id"`
	Batches    types.List     `tfsdk:"batches"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
}

// batchSummaryType is the element type of batches, as its schema defines it.
var batchSummaryType = sync.OnceValue(func() types.ObjectType {
	return nestedObjectType(deviceBatchesSchema().Attributes["batches"])
})

// Metadata implements datasource.DataSource.
func (d *deviceBatchesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_device_batches"
}

// Schema implements datasource.DataSource.
func (d *deviceBatchesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = deviceBatchesSchema()
}

// deviceBatchesSchema is the schema of partnercenter_device_batches.
var deviceBatchesSchema = cachedSchema(func() schema.Schema {
	ctx := context.Background()
	return schema.Schema{
		MarkdownDescription: "Lists a customer's device batches: every batch Partner Center holds for the customer, including empty " +
			"ones (Partner Center cannot delete a batch).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{MarkdownDescription: "The customer ID.", Computed: true},
			"customer_id": schema.StringAttribute{
				MarkdownDescription: "The customer's tenant ID, a GUID.",
				Required:            true,
				Validators:          []validator.String{customerIDValidator},
			},
			"batches": schema.ListNestedAttribute{
				MarkdownDescription: "The batches, in the order Partner Center lists them.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"batch_id":   schema.StringAttribute{MarkdownDescription: "The batch's name.", Computed: true},
					"created_by": schema.StringAttribute{MarkdownDescription: "Who created the batch. Null when Partner Center sends none.", Computed: true},
					"creation_date": schema.StringAttribute{
						MarkdownDescription: "When the batch was created, RFC 3339 in UTC. Null when Partner Center sends none.",
						CustomType:          timetypes.RFC3339Type{},
						Computed:            true,
					},
					"device_count": schema.Int64Attribute{MarkdownDescription: "How many devices the batch holds.", Computed: true},
				}},
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeouts.Block(ctx)},
	}
})

// Read implements datasource.DataSource.
func (d *deviceBatchesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg deviceBatchesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	call := d.data.startCall(ctx, &resp.Diagnostics, cfg.Timeouts.Read, defaultReadTimeout)
	if call == nil {
		return
	}
	defer call.cancel()
	ctx = call.ctx
	customerID := cfg.CustomerID.ValueString()
	batches, err := call.client.ListDeviceBatches(ctx, customerID)
	if err != nil {
		ops := batchOperations{customerID: customerID, timeout: "read", limit: call.limit}
		resp.Diagnostics.Append(ops.list().ofCustomer(customerID).errorDiagnostic(err))
		return
	}
	summary := batchSummaryType()
	values := make([]attr.Value, len(batches))
	for i, b := range batches {
		values[i] = types.ObjectValueMust(summary.AttrTypes, map[string]attr.Value{
			"batch_id":      types.StringValue(b.ID),
			"created_by":    nullableString(b.CreatedBy),
			"creation_date": nullableTime(b.CreationDate),
			"device_count":  types.Int64Value(int64(b.DevicesCount)),
		})
	}
	cfg.ID = cfg.CustomerID
	cfg.Batches = types.ListValueMust(summary, values)
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
