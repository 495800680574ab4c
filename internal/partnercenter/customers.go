package partnercenter

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
)

// Customer is one of the partner's customers: what a configuration looks a
// customer up by, of Partner Center's Customer resource.
type Customer struct {
	// ID is the customer's tenant ID, which every customer operation takes.
	ID string
	// CompanyName and Domain come from the customer's company profile;
	// Domain is the default domain, such as contoso.onmicrosoft.com.
	CompanyName string
	Domain      string
	// RelationshipToPartner is the partner's relationship with the
	// customer, such as "reseller" or "advisor".
	RelationshipToPartner string
}

// customerWire is a Customer as Partner Center sends it.
type customerWire struct {
	ID             string `json:"id"`
	CompanyProfile struct {
		TenantID    string `json:"tenantId"`
		Domain      string `json:"domain"`
		CompanyName string `json:"companyName"`
	} `json:"companyProfile"`
	RelationshipToPartner string `json:"relationshipToPartner"`
}

// customerRelationships are the documented values of relationshipToPartner.
var customerRelationships = []string{"unknown", "none", "reseller", "advisor"}

// UnmarshalJSON reads a customer as Partner Center sends it; the tenant ID
// of the company profile stands in for a missing id.
func (c *Customer) UnmarshalJSON(data []byte) error {
	var wire customerWire
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	*c = Customer{
		ID:                    wire.ID,
		CompanyName:           wire.CompanyProfile.CompanyName,
		Domain:                wire.CompanyProfile.Domain,
		RelationshipToPartner: canonicalEnum(wire.RelationshipToPartner, customerRelationships),
	}
	if c.ID == "" {
		c.ID = wire.CompanyProfile.TenantID
	}
	return nil
}

// CustomersPageSize is how many customers ListCustomers asks for a page:
// Partner Center takes up to about 500, and its SDK samples read 40.
const CustomersPageSize = 100

// CustomerField is a field ListCustomers can filter on: Partner Center
// filters customers on these two only.
type CustomerField string

// The fields customers are filtered on.
const (
	// CustomerDomain is the customer's default domain.
	CustomerDomain CustomerField = "Domain"
	// CustomerCompanyName is the customer's company name.
	CustomerCompanyName CustomerField = "CompanyName"
)

// CustomerFilter keeps the customers whose Field starts with Prefix: the
// only operator Partner Center offers.
type CustomerFilter struct {
	Field  CustomerField
	Prefix string
}

// filterWire is a CustomerFilter as the filter query parameter carries it,
// in JSON.
type filterWire struct {
	Field    CustomerField `json:"Field"`
	Value    string        `json:"Value"`
	Operator string        `json:"Operator"`
}

// ListCustomers reads the partner's customers, every page of them, those
// filter keeps when it is not nil. A filtered list's next pages are asked
// where its next links say, or else at the documented next path, which
// carries no filter: what a page read without the filter brings is checked
// against it here, as Partner Center documents the filter (Keeps), since
// whether the server keeps the filter with its continuation token is not
// documented.
func (c *Client) ListCustomers(ctx context.Context, filter *CustomerFilter) ([]Customer, error) {
	l := listing[Customer]{path: customersPath(filter), next: nextCustomersPath, what: "the customer list",
		maxPages: MaxListPages, maxItems: MaxListItems}
	if filter != nil {
		l.what = "the filtered customer list"
		l.keep = func(path string, customer Customer) bool {
			return pathFilters(path) || filter.Keeps(customer)
		}
	}
	return listPages(ctx, c, l)
}

// Keeps reports whether f keeps customer: whether its field starts with
// f's prefix, case ignored, as Partner Center filters. A field other than
// CustomerDomain and CustomerCompanyName is Partner Center's to apply: it
// keeps every customer.
func (f CustomerFilter) Keeps(customer Customer) bool {
	var value string
	switch f.Field {
	case CustomerDomain:
		value = customer.Domain
	case CustomerCompanyName:
		value = customer.CompanyName
	default:
		return true
	}
	return strings.HasPrefix(strings.ToLower(value), strings.ToLower(f.Prefix))
}

// GetCustomer reads one customer. Partner Center answers 404 for a
// customer the partner has no relationship with (KindNotFound), as for one
// that does not exist.
func (c *Client) GetCustomer(ctx context.Context, customerID string) (*Customer, error) {
	var customer Customer
	_, err := c.do(ctx, request{
		method: http.MethodGet, path: customerPath(customerID),
		success: []int{http.StatusOK},
		out:     &customer, what: "the customer",
		check: func() string {
			if customer.ID == "" {
				return "the customer has no id"
			}
			return ""
		},
	})
	if err != nil {
		return nil, err
	}
	return &customer, nil
}
