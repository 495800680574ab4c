package provider

import (
	"context"
	"strings"
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

var _ datasource.DataSourceWithConfigure = (*configurationPoliciesDataSource)(nil)

// configurationPoliciesDataSource lists a customer's Autopilot profiles,
// optionally those of one name.
type configurationPoliciesDataSource struct {
	dataSourceWithConfigure
}

func newConfigurationPoliciesDataSource() datasource.DataSource {
	return &configurationPoliciesDataSource{}
}

type configurationPoliciesModel struct {
	ID         types.String   `tfsdk:"id"`
	CustomerID types.String   `tfsdk:"customer_id"`
	Name       types.String   `tfsdk:"name"`
	Policies   types.List     `tfsdk:"policies"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
}

// policyType is the element type of policies, as its schema defines it:
// every attribute of partnercenter_configuration_policy but its timeouts.
var policyType = sync.OnceValue(func() types.ObjectType {
	return nestedObjectType(configurationPoliciesSchema().Attributes["policies"])
})

// Metadata implements datasource.DataSource.
func (d *configurationPoliciesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_configuration_policies"
}

// Schema implements datasource.DataSource.
func (d *configurationPoliciesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = configurationPoliciesSchema()
}

// configurationPoliciesSchema is the schema of partnercenter_configuration_policies.
var configurationPoliciesSchema = cachedSchema(func() schema.Schema {
	ctx := context.Background()
	computed := func(description string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: description, Computed: true}
	}
	return schema.Schema{
		MarkdownDescription: "Lists a customer's Windows Autopilot profiles (configuration policies), or those of one name, " +
			"so that a configuration can look a profile up by name.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{MarkdownDescription: "The customer ID.", Computed: true},
			"customer_id": schema.StringAttribute{
				MarkdownDescription: "The customer's tenant ID, a GUID.",
				Required:            true,
				Validators:          []validator.String{customerIDValidator},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "When set, only the profiles of this name, compared case-insensitively.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"policies": schema.ListNestedAttribute{
				MarkdownDescription: "The profiles, in the order Partner Center lists them.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":          computed("`<customer_id>/<policy_id>`, as `partnercenter_configuration_policy` imports it."),
					"customer_id": computed("The customer's tenant ID."),
					"policy_id":   computed("The policy's ID."),
					"name":        computed("The profile's name."),
					"description": computed("The profile's description; null when it has none."),
					"category":    computed("`" + partnercenter.PolicyCategoryOOBE + "` or `" + partnercenter.PolicyCategoryNone + "`."),
					"policy_settings": schema.SetAttribute{
						MarkdownDescription: "The profile's settings, among " + policySettingsDescription + ".",
						ElementType:         types.StringType,
						Computed:            true,
					},
					"devices_assigned_count": schema.Int64Attribute{MarkdownDescription: "How many devices have this profile.", Computed: true},
					"created_date": schema.StringAttribute{
						MarkdownDescription: "When the policy was created, RFC 3339 in UTC.",
						CustomType:          timetypes.RFC3339Type{},
						Computed:            true,
					},
					"last_modified_date": schema.StringAttribute{
						MarkdownDescription: "When the policy was last changed, RFC 3339 in UTC.",
						CustomType:          timetypes.RFC3339Type{},
						Computed:            true,
					},
				}},
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeouts.Block(ctx)},
	}
})

// Read implements datasource.DataSource.
func (d *configurationPoliciesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg configurationPoliciesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	call := d.data.startCall(ctx, &resp.Diagnostics, cfg.Timeouts.Read, defaultReadTimeout)
	if call == nil {
		return
	}
	defer call.cancel()
	ctx = call.ctx
	customerID := cfg.CustomerID.ValueString()
	policies, err := call.client.ListConfigurationPolicies(ctx, customerID)
	if err != nil {
		ops := policyOperations{customerID: customerID, timeout: "read", limit: call.limit}
		resp.Diagnostics.Append(ops.list().errorDiagnostic(err))
		return
	}
	policy := policyType()
	values := make([]attr.Value, 0, len(policies))
	for _, p := range policies {
		if !cfg.Name.IsNull() && !strings.EqualFold(p.Name, cfg.Name.ValueString()) {
			continue
		}
		var m configurationPolicyModel
		m.set(customerID, &p)
		values = append(values, types.ObjectValueMust(policy.AttrTypes, map[string]attr.Value{
			"id": m.ID, "customer_id": types.StringValue(customerID), "policy_id": m.PolicyID, "name": m.Name,
			"description": m.Description, "category": m.Category, "policy_settings": m.PolicySettings,
			"devices_assigned_count": m.DevicesAssignedCount, "created_date": m.CreatedDate, "last_modified_date": m.LastModifiedDate,
		}))
	}
	cfg.ID = cfg.CustomerID
	cfg.Policies = types.ListValueMust(policy, values)
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
