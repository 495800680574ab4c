package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

var _ datasource.DataSourceWithConfigure = (*customersDataSource)(nil)

// customersDataSource lists the partner's customers, optionally those whose
// domain or company name starts with a prefix.
type customersDataSource struct {
	dataSourceWithConfigure
}

func newCustomersDataSource() datasource.DataSource {
	return &customersDataSource{}
}

type customersModel struct {
	ID                types.String   `tfsdk:"id"`
	DomainPrefix      types.String   `tfsdk:"domain_prefix"`
	CompanyNamePrefix types.String   `tfsdk:"company_name_prefix"`
	Customers         types.List     `tfsdk:"customers"`
	IDs               types.List     `tfsdk:"ids"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

// Metadata implements datasource.DataSource.
func (d *customersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_customers"
}

// Schema implements datasource.DataSource.
func (d *customersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = customersSchema()
}

// Descriptions of a customer's attributes, shared by both customer data
// sources.
const (
	customerIDDescription           = "The customer's tenant ID, a GUID: the `customer_id` of every other resource and data source."
	customerCompanyNameDescription  = "The customer's company name."
	customerDomainDescription       = "The customer's default domain, such as `contoso.onmicrosoft.com`."
	customerRelationshipDescription = "The partner's relationship with the customer, such as `reseller` or `advisor`."
)

// customersSchema is the schema of partnercenter_customers.
var customersSchema = cachedSchema(func() schema.Schema {
	ctx := context.Background()
	prefix := func(what, other string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("Lists only the customers whose %s starts with this, compared as Partner Center compares it "+
				"(its only filter is \"starts with\"). Conflicts with `%s`.", what, other),
			Optional: true,
			Validators: []validator.String{
				stringvalidator.LengthAtLeast(1),
				stringvalidator.ConflictsWith(path.MatchRoot(other)),
			},
		}
	}
	return schema.Schema{
		MarkdownDescription: fmt.Sprintf("Lists the partner's customers, every page of them (%d a page), or those whose default "+
			"domain or company name starts with a prefix. Use it to turn a domain into the `customer_id` the other resources take, "+
			"or to run one configuration for many customers with `for_each`. Partner Center lists the customers the partner has "+
			"a relationship with, to app-only and app+user sign-ins alike.", partnercenter.CustomersPageSize),
		Attributes: map[string]schema.Attribute{
			"id":                  schema.StringAttribute{MarkdownDescription: "The filter, or `all`.", Computed: true},
			"domain_prefix":       prefix("default domain", "company_name_prefix"),
			"company_name_prefix": prefix("company name", "domain_prefix"),
			"customers": schema.ListNestedAttribute{
				MarkdownDescription: "The customers, in the order Partner Center lists them.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                      schema.StringAttribute{MarkdownDescription: customerIDDescription, Computed: true},
					"company_name":            schema.StringAttribute{MarkdownDescription: customerCompanyNameDescription, Computed: true},
					"domain":                  schema.StringAttribute{MarkdownDescription: customerDomainDescription, Computed: true},
					"relationship_to_partner": schema.StringAttribute{MarkdownDescription: customerRelationshipDescription, Computed: true},
				}},
			},
			"ids": schema.ListAttribute{
				MarkdownDescription: "The tenant IDs of `customers`, in the same order.",
				ElementType:         types.StringType,
				Computed:            true,
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeouts.Block(ctx)},
	}
})

// customerType is the element type of customers, as its schema defines it.
var customerType = sync.OnceValue(func() types.ObjectType {
	return nestedObjectType(customersSchema().Attributes["customers"])
})

// customerValue is c as an element of customers.
func customerValue(c partnercenter.Customer) attr.Value {
	return types.ObjectValueMust(customerType().AttrTypes, map[string]attr.Value{
		"id":                      types.StringValue(c.ID),
		"company_name":            nullableString(c.CompanyName),
		"domain":                  nullableString(c.Domain),
		"relationship_to_partner": nullableString(c.RelationshipToPartner),
	})
}

// customerFilter is the filter cfg asks for, nil for every customer, and the
// data source's id.
func (m customersModel) customerFilter() (*partnercenter.CustomerFilter, string) {
	switch {
	case !m.DomainPrefix.IsNull():
		return &partnercenter.CustomerFilter{Field: partnercenter.CustomerDomain, Prefix: m.DomainPrefix.ValueString()},
			"domain_prefix=" + m.DomainPrefix.ValueString()
	case !m.CompanyNamePrefix.IsNull():
		return &partnercenter.CustomerFilter{Field: partnercenter.CustomerCompanyName, Prefix: m.CompanyNamePrefix.ValueString()},
			"company_name_prefix=" + m.CompanyNamePrefix.ValueString()
	}
	return nil, "all"
}

// Read implements datasource.DataSource.
func (d *customersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg customersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	call := d.data.startCall(ctx, &resp.Diagnostics, cfg.Timeouts.Read, defaultReadTimeout)
	if call == nil {
		return
	}
	defer call.cancel()
	ctx = call.ctx
	filter, id := cfg.customerFilter()
	customers, err := call.client.ListCustomers(ctx, filter)
	if err != nil {
		resp.Diagnostics.Append(customerOperations{limit: call.limit}.list().errorDiagnostic(err))
		return
	}
	values := make([]attr.Value, len(customers))
	ids := make([]attr.Value, len(customers))
	for i, c := range customers {
		values[i] = customerValue(c)
		ids[i] = types.StringValue(c.ID)
	}
	cfg.ID = types.StringValue(id)
	cfg.Customers = types.ListValueMust(customerType(), values)
	cfg.IDs = types.ListValueMust(types.StringType, ids)
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
