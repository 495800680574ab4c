package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

var _ datasource.DataSourceWithConfigure = (*customerDataSource)(nil)

// customerDataSource reads one of the partner's customers, by tenant ID or
// by default domain.
type customerDataSource struct {
	dataSourceWithConfigure
}

func newCustomerDataSource() datasource.DataSource {
	return &customerDataSource{}
}

type customerModel struct {
	CustomerID            types.String   `tfsdk:"customer_id"`
	Domain                types.String   `tfsdk:"domain"`
	CompanyName           types.String   `tfsdk:"company_name"`
	RelationshipToPartner types.String   `tfsdk:"relationship_to_partner"`
	Timeouts              timeouts.Value `tfsdk:"timeouts"`
}

// Metadata implements datasource.DataSource.
func (d *customerDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_customer"
}

// Schema implements datasource.DataSource.
func (d *customerDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = customerSchema()
}

// customerSchema is the schema of partnercenter_customer.
var customerSchema = cachedSchema(func() schema.Schema {
	ctx := context.Background()
	return schema.Schema{
		MarkdownDescription: "Reads one of the partner's customers, by its tenant ID (`customer_id`) or by its default domain " +
			"(`domain`): set exactly one, and the other comes back filled. A customer the partner has no relationship with is not " +
			"found, as Partner Center does not tell it from one that does not exist.",
		Attributes: map[string]schema.Attribute{
			"customer_id": schema.StringAttribute{
				MarkdownDescription: customerIDDescription + " Set it, or `domain`.",
				Optional:            true,
				Computed:            true,
				Validators: []validator.String{
					guidValidator{domainHint: func(domain string) string {
						return fmt.Sprintf("write domain = %q instead of customer_id.", domain)
					}},
					stringvalidator.ExactlyOneOf(path.MatchRoot("customer_id"), path.MatchRoot("domain")),
				},
			},
			"domain": schema.StringAttribute{
				MarkdownDescription: customerDomainDescription + " Set it, or `customer_id`: the customer whose default domain is " +
					"exactly this, compared case-insensitively.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"company_name":            schema.StringAttribute{MarkdownDescription: customerCompanyNameDescription, Computed: true},
			"relationship_to_partner": schema.StringAttribute{MarkdownDescription: customerRelationshipDescription, Computed: true},
		},
		Blocks: map[string]schema.Block{"timeouts": timeouts.Block(ctx)},
	}
})

// Read implements datasource.DataSource.
func (d *customerDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg customerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	call := d.data.startCall(ctx, &resp.Diagnostics, cfg.Timeouts.Read, defaultReadTimeout)
	if call == nil {
		return
	}
	defer call.cancel()
	ctx = call.ctx

	var customer *partnercenter.Customer
	if id := cfg.CustomerID.ValueString(); !cfg.CustomerID.IsNull() {
		var err error
		customer, err = call.client.GetCustomer(ctx, id)
		if err != nil {
			d := customerOperations{limit: call.limit}.read(id).errorDiagnostic(err)
			if kind := partnercenter.KindOf(err); kind == partnercenter.KindNotFound || kind == partnercenter.KindNoRelationship {
				// Partner Center does not tell the two apart.
				d = diag.NewErrorDiagnostic("Customer not found or no relationship", d.Detail())
			}
			resp.Diagnostics.Append(d)
			return
		}
	} else {
		domain := cfg.Domain.ValueString()
		filter := partnercenter.CustomerFilter{Field: partnercenter.CustomerDomain, Prefix: domain}
		listed, err := call.client.ListCustomers(ctx, &filter)
		if err != nil {
			resp.Diagnostics.Append(customerOperations{limit: call.limit}.findDomain(domain).errorDiagnostic(err))
			return
		}
		var found []partnercenter.Customer
		for _, c := range listed {
			if strings.EqualFold(c.Domain, domain) {
				found = append(found, c)
			}
		}
		switch len(found) {
		case 0:
			resp.Diagnostics.AddAttributeError(path.Root("domain"), "Customer not found",
				fmt.Sprintf("No customer of the partner has the default domain %q%s. Check domain: it is the customer's default "+
					"domain as Partner Center lists it (partnercenter_customers), such as contoso.onmicrosoft.com, not one of its "+
					"other domains; a customer the partner has no relationship with is not listed.", domain, nearDomains(listed)))
			return
		case 1:
			customer = &found[0]
		default:
			ids := make([]string, len(found))
			for i, c := range found {
				ids[i] = c.ID
			}
			resp.Diagnostics.AddAttributeError(path.Root("domain"), "Several customers have this domain",
				fmt.Sprintf("Partner Center lists %d customers with the default domain %q: %s. Set customer_id instead, to the "+
					"one meant.", len(found), domain, strings.Join(ids, ", ")))
			return
		}
	}
	// The argument set keeps its spelling: Partner Center compares both
	// case-insensitively.
	if cfg.CustomerID.IsNull() {
		cfg.CustomerID = types.StringValue(customer.ID)
	}
	if cfg.Domain.IsNull() {
		cfg.Domain = nullableString(customer.Domain)
	}
	cfg.CompanyName = nullableString(customer.CompanyName)
	cfg.RelationshipToPartner = nullableString(customer.RelationshipToPartner)
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

// maxNearDomains bounds how many domains the not-found error suggests.
const maxNearDomains = 5

// nearDomains names, for the error of a domain no customer has, the
// domains that start with it, which Partner Center's filter returned.
func nearDomains(listed []partnercenter.Customer) string {
	if len(listed) == 0 {
		return ""
	}
	domains := make([]string, 0, min(len(listed), maxNearDomains))
	for _, c := range listed[:min(len(listed), maxNearDomains)] {
		domains = append(domains, c.Domain)
	}
	more := ""
	if len(listed) > maxNearDomains {
		more = fmt.Sprintf(" and %d more", len(listed)-maxNearDomains)
	}
	return fmt.Sprintf(" (domains that start with it: %s%s)", strings.Join(domains, ", "), more)
}
