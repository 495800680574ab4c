package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// Customers of the customer tests, besides the seed customer.
var (
	wingtip = emulator.Customer{ID: "5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", CompanyName: "Wingtip Toys", Domain: "wingtiptoys.onmicrosoft.com",
		RelationshipToPartner: "reseller"}
	wingtipAdvisor = emulator.Customer{ID: "6b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e", CompanyName: "Wingtip Toys Consulting",
		Domain: "wingtiptoysconsulting.onmicrosoft.com", RelationshipToPartner: "advisor"}
	// wingtipOutlet makes the customers whose domain starts with
	// "wingtiptoys" one more than a page of two.
	wingtipOutlet = emulator.Customer{ID: "4f0a1b2c-3d4e-4f5a-9b6c-8d9e0f1a2b3c", CompanyName: "Wingtip Outlet", Domain: "wingtiptoysoutlet.onmicrosoft.com",
		RelationshipToPartner: "reseller"}
)

// mustAddCustomers adds customers to em, or fails t.
func mustAddCustomers(t *testing.T, em *testEmulator, customers ...emulator.Customer) {
	t.Helper()
	if err := em.AddCustomers(customers...); err != nil {
		t.Fatal(err)
	}
}

// customerCheck checks one element of customers.
func customerCheck(c emulator.Customer) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id":                      knownvalue.StringExact(c.ID),
		"company_name":            knownvalue.StringExact(c.CompanyName),
		"domain":                  knownvalue.StringExact(c.Domain),
		"relationship_to_partner": knownvalue.StringExact(c.RelationshipToPartner),
	})
}

func customersAddress(name string) string { return "data.partnercenter_customers." + name }

// TestAccCustomers_listAndFilter lists every customer across pages, and
// those whose domain or company name starts with a prefix, as Partner
// Center filters them.
func TestAccCustomers_listAndFilter(t *testing.T) {
	// The customer answers vary with these where Microsoft is silent.
	underEveryAnswer(t, []string{"pascal-case-enums", "total-count-per-page"}, customersListAndFilter)
}

func customersListAndFilter(t *testing.T, answers emulator.Answers) {
	em := newTestEmulator(t)
	em.SetAnswers(answers)
	em.SetPageSize(2)
	mustAddCustomers(t, em, wingtip, wingtipAdvisor, wingtipOutlet)
	all := em.CustomerProfiles()
	want := make([]knownvalue.Check, len(all))
	ids := make([]knownvalue.Check, len(all))
	for i, c := range all {
		want[i], ids[i] = customerCheck(c), knownvalue.StringExact(c.ID)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: em.providerConfig() + `
data "partnercenter_customers" "all" {}

data "partnercenter_customers" "wingtip" {
  domain_prefix = "WingtipToys"
}

data "partnercenter_customers" "consulting" {
  company_name_prefix = "wingtip toys c"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(customersAddress("all"), tfjsonpath.New("customers"), knownvalue.ListExact(want)),
				statecheck.ExpectKnownValue(customersAddress("all"), tfjsonpath.New("ids"), knownvalue.ListExact(ids)),
				statecheck.ExpectKnownValue(customersAddress("all"), tfjsonpath.New("id"), knownvalue.StringExact("all")),
				statecheck.ExpectKnownValue(customersAddress("wingtip"), tfjsonpath.New("customers"),
					knownvalue.ListExact([]knownvalue.Check{customerCheck(wingtip), customerCheck(wingtipAdvisor), customerCheck(wingtipOutlet)})),
				statecheck.ExpectKnownValue(customersAddress("consulting"), tfjsonpath.New("ids"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(wingtipAdvisor.ID)})),
			},
		}},
	})
	// Every page of the filtered list was read: the first at ?size=0, the
	// next one with the continuation token.
	var first, next int
	for _, r := range partnerCenterRequests(em.Emulator) {
		switch {
		case r.Method == http.MethodGet && r.Path == "/v1/customers" && strings.Contains(r.RawQuery, "seekOperation=Next"):
			next++
		case r.Method == http.MethodGet && r.Path == "/v1/customers":
			first++
		}
	}
	if first == 0 || next == 0 {
		t.Errorf("%d first pages and %d next pages read, want both", first, next)
	}
}

// TestAccCustomers_invalidFilters refuses at plan a filter Partner Center
// cannot apply.
func TestAccCustomers_invalidFilters(t *testing.T) {
	for name, tc := range map[string]struct{ config, want string }{
		"both prefixes": {`domain_prefix = "contoso"
  company_name_prefix = "Contoso"`, `Attribute "company_name_prefix" cannot be specified when "domain_prefix" is specified`},
		"empty prefix": {`domain_prefix = ""`, `Attribute domain_prefix string length must be at least 1, got: 0`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories(nil),
				Steps: []resource.TestStep{{
					Config:      "data \"partnercenter_customers\" \"test\" {\n  " + tc.config + "\n}\n",
					PlanOnly:    true,
					ExpectError: errorPattern(regexp.QuoteMeta(tc.want)),
				}},
			})
		})
	}
}

// TestAccCustomer_byIDOrDomain reads one customer by either, the other
// coming back filled, and names the ID or domain it could not find.
func TestAccCustomer_byIDOrDomain(t *testing.T) {
	em := newTestEmulator(t)
	mustAddCustomers(t, em, wingtip, wingtipAdvisor)
	twin := emulator.Customer{ID: "7c3d4e5f-6a7b-4c8d-8e9f-1a2b3c4d5e6f", CompanyName: "Twin", Domain: "twin.onmicrosoft.com", RelationshipToPartner: "reseller"}
	mustAddCustomers(t, em, twin, emulator.Customer{ID: "8d4e5f6a-7b8c-4d9e-9f0a-2b3c4d5e6f7a", CompanyName: "Twin again", Domain: "TWIN.onmicrosoft.com",
		RelationshipToPartner: "reseller"})
	check := func(name, attribute, value string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.partnercenter_customer."+name, tfjsonpath.New(attribute), knownvalue.StringExact(value))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{
				Config: em.providerConfig() + fmt.Sprintf(`
data "partnercenter_customer" "by_id" {
  customer_id = %q
}

data "partnercenter_customer" "by_domain" {
  domain = "WingtipToys.onmicrosoft.com"
}
`, strings.ToUpper(wingtipAdvisor.ID)),
				ConfigStateChecks: []statecheck.StateCheck{
					check("by_id", "customer_id", strings.ToUpper(wingtipAdvisor.ID)),
					check("by_id", "domain", wingtipAdvisor.Domain),
					check("by_id", "company_name", wingtipAdvisor.CompanyName),
					check("by_id", "relationship_to_partner", "advisor"),
					check("by_domain", "customer_id", wingtip.ID),
					check("by_domain", "domain", "WingtipToys.onmicrosoft.com"),
					check("by_domain", "company_name", wingtip.CompanyName),
				},
			},
			{
				Config: em.providerConfig() + `
data "partnercenter_customer" "test" {
  domain = "wingtip.onmicrosoft.com"
}
`,
				ExpectError: errorPattern(regexp.QuoteMeta(`Customer not found`) + `.*` + regexp.QuoteMeta(
					`No customer of the partner has the default domain "wingtip.onmicrosoft.com". Check domain: it is the customer's default domain`)),
			},
			{
				Config: em.providerConfig() + `
data "partnercenter_customer" "test" {
  domain = "wingtiptoys"
}
`,
				ExpectError: errorPattern(regexp.QuoteMeta(`No customer of the partner has the default domain "wingtiptoys" (domains that start ` +
					`with it: wingtiptoys.onmicrosoft.com, wingtiptoysconsulting.onmicrosoft.com).`)),
			},
			{
				Config: em.providerConfig() + `
data "partnercenter_customer" "test" {
  domain = "twin.onmicrosoft.com"
}
`,
				ExpectError: errorPattern(regexp.QuoteMeta(`Several customers have this domain`) + `.*` + regexp.QuoteMeta(
					`Partner Center lists 2 customers with the default domain "twin.onmicrosoft.com": `+twin.ID+`, 8d4e5f6a-7b8c-4d9e-9f0a-2b3c4d5e6f7a. Set customer_id instead`)),
			},
			{
				Config: em.providerConfig() + `
data "partnercenter_customer" "test" {
  customer_id = "9e5f6a7b-8c9d-4e0f-8a1b-3c4d5e6f7a8b"
}
`,
				// Partner Center answers 404 with its no-relationship code.
				ExpectError: errorPattern(regexp.QuoteMeta(`Customer not found or no relationship`) + `.*` + regexp.QuoteMeta(
					`Reading customer 9e5f6a7b-8c9d-4e0f-8a1b-3c4d5e6f7a8b failed.`) + `.*HTTP status: 404 Not Found.*` +
					regexp.QuoteMeta(`The partner has no relationship with that customer. Check customer_id`)),
			},
		},
	})
}

// TestAccCustomer_oneOfIDOrDomain refuses at plan a lookup by neither or by
// both.
func TestAccCustomer_oneOfIDOrDomain(t *testing.T) {
	for name, tc := range map[string]struct{ config, want string }{
		"neither": {``, `No attribute specified when one (and only one) of [customer_id,domain] is required`},
		"both": {`customer_id = "` + emulator.SeedCustomerID + `"
  domain = "contoso.onmicrosoft.com"`, `2 attributes specified when one (and only one) of [customer_id,domain] is required`},
		"not a GUID": {`customer_id = "contoso"`, `customer_id is "contoso"; the value must be a GUID such as 47021739-3426-40bf-9601-61b4b6d7c793.`},
		"a domain": {`customer_id = "contoso.onmicrosoft.com"`, `customer_id is "contoso.onmicrosoft.com"; the value must be a GUID such as ` +
			`47021739-3426-40bf-9601-61b4b6d7c793. It looks like a domain: write domain = "contoso.onmicrosoft.com" instead of customer_id.`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories(nil),
				Steps: []resource.TestStep{{
					Config:      "data \"partnercenter_customer\" \"test\" {\n  " + tc.config + "\n}\n",
					PlanOnly:    true,
					ExpectError: errorPattern(regexp.QuoteMeta(tc.want)),
				}},
			})
		})
	}
}
