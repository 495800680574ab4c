package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The customers newCustomersEmulator adds after the seed customer, Contoso.
var testCustomers = []Customer{
	{ID: "a1000000-0000-4000-8000-000000000001", CompanyName: "Fabrikam", Domain: "fabrikam.onmicrosoft.com", RelationshipToPartner: "reseller"},
	{ID: "a1000000-0000-4000-8000-000000000002", CompanyName: "Contoso Pharmaceuticals", Domain: "contosopharma.onmicrosoft.com", RelationshipToPartner: "advisor"},
	{ID: "a1000000-0000-4000-8000-000000000003", CompanyName: "Northwind", Domain: "northwind.onmicrosoft.com", RelationshipToPartner: "none"},
	{ID: "a1000000-0000-4000-8000-000000000004", CompanyName: "Woodgrove Bank", Domain: "woodgrove.onmicrosoft.com", RelationshipToPartner: "microsoft_support"},
}

// newCustomersEmulator returns an emulator that knows five customers: the
// seed customer and testCustomers, in that order.
func newCustomersEmulator(t *testing.T) *Emulator {
	t.Helper()
	e := New()
	if err := e.AddCustomers(testCustomers...); err != nil {
		t.Fatal(err)
	}
	return e
}

// customersPath is the customer list's path with query.
func customersPath(query url.Values) string {
	if len(query) == 0 {
		return "/v1/customers"
	}
	return "/v1/customers?" + query.Encode()
}

// filterQuery is the query of a filtered customer list of size a page.
func filterQuery(field, value, operator string, size int) url.Values {
	return url.Values{"size": {strconv.Itoa(size)},
		"filter": {fmt.Sprintf(`{"Field":%q,"Value":%q,"Operator":%q}`, field, value, operator)}}
}

// customerPage is what a test reads of a page of the customer list.
type customerPage struct {
	TotalCount int `json:"totalCount"`
	Items      []struct {
		ID             string `json:"id"`
		CompanyProfile struct {
			Domain      string `json:"domain"`
			CompanyName string `json:"companyName"`
		} `json:"companyProfile"`
		RelationshipToPartner string `json:"relationshipToPartner"`
	} `json:"items"`
	ContinuationToken string `json:"continuationToken"`
	Links             struct {
		Self link  `json:"self"`
		Next *link `json:"next"`
	} `json:"links"`
}

func readCustomerPage(t testing.TB, r response) customerPage {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d body %s", r.status, r.body)
	}
	var p customerPage
	if err := json.Unmarshal([]byte(r.body), &p); err != nil {
		t.Fatalf("%v in %s", err, r.body)
	}
	return p
}

// names are the company names of p's items.
func (p customerPage) names() string {
	names := make([]string, len(p.Items))
	for i, item := range p.Items {
		names[i] = item.CompanyProfile.CompanyName
	}
	return strings.Join(names, ", ")
}

// listedCustomerJSON is c as the customer list sends it, relationship
// spelt as given.
func listedCustomerJSON(c Customer, relationship string) string {
	return `{"id":"` + c.ID + `","companyProfile":{"tenantId":"` + c.ID + `","domain":"` + c.Domain + `","companyName":"` + c.CompanyName +
		`","links":{"self":{"uri":"/customers/` + c.ID + `/profiles/company","method":"GET","headers":[]}},"attributes":{"objectType":"CustomerCompanyProfile"}},` +
		`"relationshipToPartner":"` + relationship + `","links":{"self":{"uri":"/customers/` + c.ID + `","method":"GET","headers":[]}},"attributes":{"objectType":"Customer"}}`
}

// nextLinkJSON is the customer list's link to the page token resumes at.
func nextLinkJSON(token string) string {
	return `{"uri":"/customers?seekOperation=Next","method":"GET","headers":[{"key":"MS-ContinuationToken","value":"` + token + `"}]}`
}

func TestCustomerListPages(t *testing.T) {
	e := newCustomersEmulator(t)
	first := send(e, http.MethodGet, "/v1/customers?size=2")
	p := readCustomerPage(t, first)
	want := `{"totalCount":5,"items":[` + listedCustomerJSON(seedCustomer, "reseller") + "," + listedCustomerJSON(testCustomers[0], "reseller") + `],` +
		`"continuationToken":"` + p.ContinuationToken + `","links":{"self":{"uri":"/customers?size=2","method":"GET","headers":[]},` +
		`"next":` + nextLinkJSON(p.ContinuationToken) + `},"attributes":{"objectType":"Collection"}}`
	if p.ContinuationToken == "" || first.body != want {
		t.Fatalf("first page\n%s\nwant\n%s", first.body, want)
	}
	if first.body[0] != '{' || first.header.Get("Content-Type") != jsonContentType {
		t.Errorf("first page starts with %q, Content-Type %q: want JSON without a byte order mark, as Microsoft's samples", first.body[:3], first.header.Get("Content-Type"))
	}

	second := send(e, http.MethodGet, "/v1/customers?seekOperation=Next", "MS-ContinuationToken", p.ContinuationToken)
	p2 := readCustomerPage(t, second)
	want = `{"totalCount":5,"items":[` + listedCustomerJSON(testCustomers[1], "advisor") + "," + listedCustomerJSON(testCustomers[2], "none") + `],` +
		`"continuationToken":"` + p2.ContinuationToken + `","links":{"self":{"uri":"/customers?seekOperation=Next","method":"GET","headers":[]},` +
		`"next":` + nextLinkJSON(p2.ContinuationToken) + `},"attributes":{"objectType":"Collection"}}`
	if p2.ContinuationToken == "" || p2.ContinuationToken == p.ContinuationToken || second.body != want {
		t.Fatalf("second page\n%s\nwant\n%s", second.body, want)
	}

	third := send(e, http.MethodGet, "/v1/customers?seekOperation=Next", "MS-ContinuationToken", p2.ContinuationToken)
	want = `{"totalCount":5,"items":[` + listedCustomerJSON(testCustomers[3], "microsoft_support") + `],` +
		`"links":{"self":{"uri":"/customers?seekOperation=Next","method":"GET","headers":[]}},"attributes":{"objectType":"Collection"}}`
	if third.status != http.StatusOK || third.body != want {
		t.Fatalf("third page: status %d\n%s\nwant\n%s", third.status, third.body, want)
	}

	// A token serves its page again (a retried page), and also as other
	// collections take theirs, at the list's own URI; seekOperation is
	// read in any case, as Microsoft's SDKs and the REST reference differ.
	for _, path := range []string{"/v1/customers?seekOperation=Next", "/v1/customers", "/V1/Customers?seekOperation=next"} {
		if got := readCustomerPage(t, send(e, http.MethodGet, path, "MS-ContinuationToken", p.ContinuationToken)).names(); got != "Contoso Pharmaceuticals, Northwind" {
			t.Errorf("%s with the first token: %s", path, got)
		}
	}
}

func TestCustomerListPageSizes(t *testing.T) {
	e := newCustomersEmulator(t)
	for _, tc := range []struct {
		path  string
		items int
	}{
		{"/v1/customers", 5},
		{"/v1/customers?size=0", 5},
		{"/v1/customers?size=500", 5},
		{"/v1/customers?size=1", 1},
		{"/v1/customers?size=4", 4},
	} {
		if p := readCustomerPage(t, send(e, http.MethodGet, tc.path)); len(p.Items) != tc.items || p.TotalCount != 5 {
			t.Errorf("%s: %d items, totalCount %d; want %d of 5", tc.path, len(p.Items), p.TotalCount, tc.items)
		}
	}

	// Without a size, or with 0, a page holds the emulator's page size;
	// the pages after the first keep the size the first was asked with.
	e.SetPageSize(2)
	for _, path := range []string{"/v1/customers", "/v1/customers?size=0"} {
		p := readCustomerPage(t, send(e, http.MethodGet, path))
		if len(p.Items) != 2 || p.ContinuationToken == "" {
			t.Errorf("%s under SetPageSize(2): %d items, token %q", path, len(p.Items), p.ContinuationToken)
		}
	}
	p := readCustomerPage(t, send(e, http.MethodGet, "/v1/customers?size=3"))
	if next := readCustomerPage(t, send(e, http.MethodGet, "/v1/customers?seekOperation=Next", "MS-ContinuationToken", p.ContinuationToken)); next.names() != "Northwind, Woodgrove Bank" {
		t.Errorf("the page after one of size 3: %s", next.names())
	}
	if next := readCustomerPage(t, send(e, http.MethodGet, "/v1/customers?seekOperation=Next&size=1", "MS-ContinuationToken", p.ContinuationToken)); next.names() != "Northwind" {
		t.Errorf("the page after one of size 3, asked with size=1: %s", next.names())
	}
}

func TestCustomerListFilters(t *testing.T) {
	e := newCustomersEmulator(t)
	for _, tc := range []struct {
		name   string
		filter string
		want   string
	}{
		{"domain", `{"Field":"Domain","Value":"contoso","Operator":"starts_with"}`, "Contoso, Contoso Pharmaceuticals"},
		{"domain in another case", `{"Field":"Domain","Value":"CONTOSOPH","Operator":"starts_with"}`, "Contoso Pharmaceuticals"},
		{"whole domain", `{"Field":"Domain","Value":"contoso.onmicrosoft.com","Operator":"starts_with"}`, "Contoso"},
		{"company name", `{"Field":"CompanyName","Value":"cont","Operator":"starts_with"}`, "Contoso, Contoso Pharmaceuticals"},
		{"company name in another case", `{"Field":"CompanyName","Value":"WOODGROVE b","Operator":"starts_with"}`, "Woodgrove Bank"},
		{"not a prefix", `{"Field":"CompanyName","Value":"bank","Operator":"starts_with"}`, ""},
		{"a domain's company name", `{"Field":"CompanyName","Value":"contosopharma","Operator":"starts_with"}`, ""},
		{"an empty value", `{"Field":"CompanyName","Value":"","Operator":"starts_with"}`, "Contoso, Fabrikam, Contoso Pharmaceuticals, Northwind, Woodgrove Bank"},
		{"names, field and operator in other cases", `{"field":"companyname","value":"north","operator":"STARTS_WITH"}`, "Northwind"},
		{"the SDK's field name", `{"Field":"COMPANYNAME","Value":"fab","Operator":"Starts_With"}`, "Fabrikam"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// size=0, as Microsoft's sample asks.
			r := send(e, http.MethodGet, "/v1/customers?size=0&filter="+url.QueryEscape(tc.filter))
			p := readCustomerPage(t, r)
			if got := p.names(); got != tc.want || p.TotalCount != len(p.Items) || p.ContinuationToken != "" {
				t.Errorf("got %q, totalCount %d, token %q; want %q", got, p.TotalCount, p.ContinuationToken, tc.want)
			}
			// The list links itself as asked, as Microsoft's filter sample.
			if want := "/customers?size=0&filter=" + url.QueryEscape(tc.filter); p.Links.Self.URI != want {
				t.Errorf("self link %s, want %s", p.Links.Self.URI, want)
			}
		})
	}

	// A filtered list pages as the whole one does; its token remembers the
	// filter, whether the next page names it again or not.
	query := filterQuery("Domain", "contoso", "starts_with", 1)
	first := readCustomerPage(t, send(e, http.MethodGet, customersPath(query)))
	if first.names() != "Contoso" || first.TotalCount != 2 || first.ContinuationToken == "" || first.Links.Next == nil ||
		first.Links.Next.URI != "/customers?seekOperation=Next" {
		t.Fatalf("first filtered page: %+v", first)
	}
	for _, path := range []string{"/v1/customers?seekOperation=Next", customersPath(url.Values{"seekOperation": {"Next"}, "filter": query["filter"]}),
		"/v1/customers?seekOperation=Next&filter=" + url.QueryEscape(`{"field":"DOMAIN","value":"CONTOSO","operator":"starts_with"}`)} {
		second := readCustomerPage(t, send(e, http.MethodGet, path, "MS-ContinuationToken", first.ContinuationToken))
		if second.names() != "Contoso Pharmaceuticals" || second.TotalCount != 2 || second.ContinuationToken != "" || second.Links.Next != nil {
			t.Errorf("%s: second filtered page %+v", path, second)
		}
	}
}

// isInvalidInput reports whether r is Partner Center's 400 for invalid
// request input, with detail in its data.
func isInvalidInput(r response, detail string) bool {
	var fault apiFault
	return r.status == http.StatusBadRequest && json.Unmarshal([]byte(r.body), &fault) == nil && fault.Code == codeInvalidInput &&
		fault.Description == "Invalid request input" && len(fault.Data) == 1 && strings.Contains(fault.Data[0], detail) && fault.Source == "PartnerFD"
}

func TestCustomerListRefusesBadQueries(t *testing.T) {
	e := newCustomersEmulator(t)
	filter := func(f string) string { return "/v1/customers?size=0&filter=" + url.QueryEscape(f) }
	for _, tc := range []struct {
		name, path, detail string
	}{
		{"size not a number", "/v1/customers?size=ten", `The size "ten" is not a whole number from 0 to 500.`},
		{"size empty", "/v1/customers?size=", `The size "" is not a whole number from 0 to 500.`},
		{"size above 500", "/v1/customers?size=501", `The size "501" is not a whole number from 0 to 500.`},
		{"size negative", "/v1/customers?size=-1", `The size "-1" is not a whole number from 0 to 500.`},
		{"filter not JSON", filter(`Domain starts with contoso`), "The filter is not JSON such as"},
		{"filter empty", "/v1/customers?size=0&filter=", "The filter is not JSON such as"},
		{"filter not an object", filter(`["Domain","contoso","starts_with"]`), "The filter is not JSON such as"},
		{"filter without value", filter(`{"Field":"Domain","Operator":"starts_with"}`), "The filter needs Field, Value and Operator."},
		{"filter without operator", filter(`{"Field":"Domain","Value":"contoso"}`), "The filter needs Field, Value and Operator."},
		{"another field", filter(`{"Field":"IndirectReseller","Value":"x","Operator":"starts_with"}`), `The filter's Field "IndirectReseller" is not supported`},
		{"another operator", filter(`{"Field":"Domain","Value":"contoso","Operator":"contains"}`), `The filter's Operator "contains" is not supported`},
		{"query not encoded", "/v1/customers?size=%zz", "The query string is not URL-encoded"},
		{"a previous page", "/v1/customers?seekOperation=Previous", `The seekOperation "Previous" is not supported`},
		{"a next page without a token", "/v1/customers?seekOperation=Next", "the header is missing"},
	} {
		if r := send(e, http.MethodGet, tc.path); !isInvalidInput(r, tc.detail) {
			t.Errorf("%s: status %d body %s, want 400 800002 saying %q", tc.name, r.status, r.body, tc.detail)
		}
	}
}

func TestCustomerListTokensServeTheirListingOnly(t *testing.T) {
	e := newCustomersEmulator(t)
	byDomain := readCustomerPage(t, send(e, http.MethodGet, customersPath(filterQuery("Domain", "contoso", "starts_with", 1)))).ContinuationToken
	whole := readCustomerPage(t, send(e, http.MethodGet, "/v1/customers?size=1")).ContinuationToken
	if _, err := e.AddDevices(SeedCustomerID, "b", Device{ProductKey: "1"}, Device{ProductKey: "2"}); err != nil {
		t.Fatal(err)
	}
	e.SetPageSize(1)
	devices := readCustomerPage(t, send(e, http.MethodGet, "/v1/customers/"+SeedCustomerID+"/deviceBatches/b/devices")).ContinuationToken
	next := "/v1/customers?seekOperation=Next"
	for name, r := range map[string]response{
		"a filtered list's token on another filter": send(e, http.MethodGet, next+"&filter="+url.QueryEscape(`{"Field":"CompanyName","Value":"contoso","Operator":"starts_with"}`),
			"MS-ContinuationToken", byDomain),
		"a filtered list's token on another value": send(e, http.MethodGet, next+"&filter="+url.QueryEscape(`{"Field":"Domain","Value":"contosoph","Operator":"starts_with"}`),
			"MS-ContinuationToken", byDomain),
		"the whole list's token on a filter": send(e, http.MethodGet, next+"&filter="+url.QueryEscape(`{"Field":"Domain","Value":"contoso","Operator":"starts_with"}`),
			"MS-ContinuationToken", whole),
		"a device list's token":             send(e, http.MethodGet, next, "MS-ContinuationToken", devices),
		"the customer list's on devices":    send(e, http.MethodGet, "/v1/customers/"+SeedCustomerID+"/deviceBatches/b/devices", "MS-ContinuationToken", whole),
		"the customer list's on a customer": send(e, http.MethodGet, "/v1/customers/"+SeedCustomerID+"/deviceBatches", "MS-ContinuationToken", whole),
		"an unknown token":                  send(e, http.MethodGet, next, "MS-ContinuationToken", "not-a-token"),
	} {
		if r.status != http.StatusBadRequest || r.body != `{"code":800002,"description":"The continuation token is invalid or expired.","data":[],"source":"PartnerFD"}` {
			t.Errorf("%s: status %d body %s, want 400 800002", name, r.status, r.body)
		}
	}
}

func TestCustomerListUnderAnswers(t *testing.T) {
	e := newCustomersEmulator(t)
	e.SetAnswers(Answers{PascalCaseEnums: true, TotalCountPerPage: true})
	r := send(e, http.MethodGet, "/v1/customers?size=2")
	p := readCustomerPage(t, r)
	if p.TotalCount != 2 || p.Items[0].RelationshipToPartner != "Reseller" {
		t.Errorf("first page under PascalCaseEnums and TotalCountPerPage: %s", r.body)
	}
	p = readCustomerPage(t, send(e, http.MethodGet, "/v1/customers?seekOperation=Next", "MS-ContinuationToken", p.ContinuationToken))
	if p.TotalCount != 2 || p.Items[0].RelationshipToPartner != "Advisor" || p.Items[1].RelationshipToPartner != "None" {
		t.Errorf("second page: %+v", p)
	}
	p = readCustomerPage(t, send(e, http.MethodGet, "/v1/customers?seekOperation=Next", "MS-ContinuationToken", p.ContinuationToken))
	if p.TotalCount != 1 || p.Items[0].RelationshipToPartner != "MicrosoftSupport" {
		t.Errorf("last page: %+v", p)
	}
	one := send(e, http.MethodGet, "/v1/customers/"+testCustomers[1].ID)
	if one.status != http.StatusOK || !strings.Contains(one.body, `"relationshipToPartner":"Advisor"`) {
		t.Errorf("one customer under PascalCaseEnums: status %d body %s", one.status, one.body)
	}
}

// manyCustomers are n customers in the order they are added.
func manyCustomers(n int) []Customer {
	customers := make([]Customer, n)
	for i := range customers {
		customers[i] = Customer{ID: fmt.Sprintf("c0000000-0000-4000-8000-%012d", i), CompanyName: fmt.Sprintf("Company %04d", i)}
	}
	return customers
}

// listCustomersPageByPage reads every page of e's customers, 100 a page,
// following the continuation tokens, and returns the customers' IDs and
// the number of pages.
func listCustomersPageByPage(tb testing.TB, e *Emulator) (ids []string, pages int) {
	path := "/v1/customers?size=100"
	header := []string{}
	for {
		p := readCustomerPage(tb, send(e, http.MethodGet, path, header...))
		pages++
		for _, item := range p.Items {
			ids = append(ids, item.ID)
		}
		if p.ContinuationToken == "" {
			return ids, pages
		}
		path, header = "/v1/customers?seekOperation=Next", []string{"MS-ContinuationToken", p.ContinuationToken}
	}
}

func TestManyCustomersPageByPage(t *testing.T) {
	e := New()
	customers := manyCustomers(5000)
	if err := e.AddCustomers(customers...); err != nil {
		t.Fatal(err)
	}
	ids, pages := listCustomersPageByPage(t, e)
	if len(ids) != 5001 || pages != 51 {
		t.Fatalf("%d customers in %d pages, want 5001 in 51", len(ids), pages)
	}
	// The seed customer first, then the others as added.
	for i, c := range customers {
		if ids[i+1] != c.ID {
			t.Fatalf("customer %d listed is %s, want %s", i+2, ids[i+1], c.ID)
		}
	}
}

// BenchmarkManyCustomersPageByPage measures what a page of a long customer
// list costs the emulator: a page costing a pass over every customer would
// show here as time growing with the list, not as a failing test.
func BenchmarkManyCustomersPageByPage(b *testing.B) {
	e := New()
	if err := e.AddCustomers(manyCustomers(5000)...); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, pages := listCustomersPageByPage(b, e); pages != 51 {
			b.Fatalf("%d pages, want 51", pages)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*51), "ns/page")
}

func TestGetCustomer(t *testing.T) {
	e := newCustomersEmulator(t)
	r := send(e, http.MethodGet, "/v1/customers/"+SeedCustomerID)
	want := `{"id":"` + SeedCustomerID + `","commerceId":"` + commerceID(SeedCustomerID) + `","companyProfile":{"tenantId":"` + SeedCustomerID +
		`","domain":"contoso.onmicrosoft.com","companyName":"Contoso","links":{"self":{"uri":"/customers/` + SeedCustomerID +
		`/profiles/company","method":"GET","headers":[]}},"attributes":{"objectType":"CustomerCompanyProfile"}},"relationshipToPartner":"reseller",` +
		`"allowDelegatedAccess":true,"links":{"self":{"uri":"/customers/` + SeedCustomerID + `","method":"GET","headers":[]}},"attributes":{"objectType":"Customer"}}`
	if r.status != http.StatusOK || r.body != want || r.header.Get("Content-Type") != jsonContentType {
		t.Fatalf("status %d body\n%s\nwant\n%s", r.status, r.body, want)
	}
	if !guidPattern.MatchString(commerceID(SeedCustomerID)) || commerceID(SeedCustomerID) == commerceID(FabrikamCustomerID) ||
		commerceID(SeedCustomerID) != commerceID(strings.ToUpper(SeedCustomerID)) {
		t.Errorf("commerce IDs %s, %s", commerceID(SeedCustomerID), commerceID(FabrikamCustomerID))
	}
	// GUIDs compare case-insensitively; the ID is answered as first written.
	if r := send(e, http.MethodGet, "/v1/customers/"+strings.ToUpper(testCustomers[2].ID)); r.status != http.StatusOK ||
		!strings.HasPrefix(r.body, `{"id":"`+testCustomers[2].ID+`"`) || !strings.Contains(r.body, `"relationshipToPartner":"none"`) {
		t.Errorf("customer in upper case: status %d body %s", r.status, r.body)
	}

	const unknown = "d0000000-0000-4000-8000-000000000000"
	for _, id := range []string{unknown, "not-a-guid"} {
		r := send(e, http.MethodGet, "/v1/customers/"+id)
		want := `{"code":20002,"description":"The partner id ` + DefaultTenantID + ` has no commerce relationship with the customer id ` + id +
			`.","data":[],"source":"PartnerFD"}`
		if r.status != http.StatusNotFound || r.body != want {
			t.Errorf("customer %s: status %d body %s, want 404 %s", id, r.status, r.body, want)
		}
	}
	if r := send(e, http.MethodPost, "/v1/customers"); r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET" {
		t.Errorf("POST /v1/customers: status %d Allow %q", r.status, r.header.Get("Allow"))
	}

	e.InjectFaults(CustomersRoute, Fault{Status: http.StatusServiceUnavailable})
	e.InjectFaults(CustomerRoute, Fault{Status: http.StatusTooManyRequests})
	if r := send(e, http.MethodGet, "/v1/customers/"+SeedCustomerID); r.status != http.StatusTooManyRequests {
		t.Errorf("CustomerRoute's fault: status %d", r.status)
	}
	if r := send(e, http.MethodGet, "/v1/customers?size=1"); r.status != http.StatusServiceUnavailable {
		t.Errorf("CustomersRoute's fault: status %d", r.status)
	}
}

func TestCustomersKnownByIDOnlyGetAProfile(t *testing.T) {
	e := New()
	const added, stored = "B0000000-0000-4000-8000-000000000000", "e1234567-0000-4000-8000-000000000000"
	e.AddCustomer(added)
	if err := e.PutBatch(stored, []byte(`{"batchTrackingId":"t"}`)); err != nil {
		t.Fatal(err)
	}
	p := readCustomerPage(t, send(e, http.MethodGet, "/v1/customers"))
	if got := fmt.Sprintf("%+v", p.Items); got != "[{ID:"+SeedCustomerID+" CompanyProfile:{Domain:contoso.onmicrosoft.com CompanyName:Contoso} RelationshipToPartner:reseller} "+
		"{ID:"+added+" CompanyProfile:{Domain:b0000000.onmicrosoft.com CompanyName:Customer b0000000} RelationshipToPartner:reseller} "+
		"{ID:"+stored+" CompanyProfile:{Domain:e1234567.onmicrosoft.com CompanyName:Customer e1234567} RelationshipToPartner:reseller}]" {
		t.Errorf("customers %s", got)
	}
	// Adding a known customer by ID keeps its profile.
	e.AddCustomer(strings.ToLower(SeedCustomerID))
	if got := e.CustomerProfiles()[0]; got != seedCustomer {
		t.Errorf("seed customer after AddCustomer: %+v", got)
	}
	if got := generatedProfile("c1"); got != (Customer{ID: "c1", CompanyName: "Customer c1", Domain: "c1.onmicrosoft.com", RelationshipToPartner: "reseller"}) {
		t.Errorf("profile of c1: %+v", got)
	}
	if got := generatedProfile("--"); got.Domain != "customer.onmicrosoft.com" {
		t.Errorf("profile of --: %+v", got)
	}
}

func TestAddCustomers(t *testing.T) {
	e := newCustomersEmulator(t)
	// A known customer's profile is replaced in its place; empty fields
	// take the generated profile; the SDK's spelling is read.
	if err := e.AddCustomers(
		Customer{ID: strings.ToUpper(testCustomers[0].ID), CompanyName: "Fabrikam Inc", Domain: "fabrikaminc.onmicrosoft.com", RelationshipToPartner: "Advisor"},
		Customer{ID: "f0000000-0000-4000-8000-000000000000"},
	); err != nil {
		t.Fatal(err)
	}
	got := e.CustomerProfiles()
	if len(got) != 6 || got[1] != (Customer{ID: testCustomers[0].ID, CompanyName: "Fabrikam Inc", Domain: "fabrikaminc.onmicrosoft.com", RelationshipToPartner: "advisor"}) ||
		got[5] != (Customer{ID: "f0000000-0000-4000-8000-000000000000", CompanyName: "Customer f0000000", Domain: "f0000000.onmicrosoft.com", RelationshipToPartner: "reseller"}) {
		t.Errorf("customers %+v", got)
	}
	for _, tc := range []struct {
		customers []Customer
		want      string
	}{
		{[]Customer{{ID: "g1"}, {CompanyName: "No ID"}}, "emulator: customer 1 has no ID"},
		{[]Customer{{ID: "g1"}, {ID: "G1"}}, "emulator: customer 1: customer G1 is listed twice"},
		{[]Customer{{ID: "g1", RelationshipToPartner: "partner"}}, `emulator: customer g1: relationship "partner" is not one of none, reseller, advisor, syndication, microsoft_support`},
	} {
		if err := e.AddCustomers(tc.customers...); err == nil || err.Error() != tc.want {
			t.Errorf("AddCustomers(%+v) = %v, want %s", tc.customers, err, tc.want)
		}
	}
	if n := len(e.CustomerProfiles()); n != 6 {
		t.Errorf("%d customers after refused additions, want 6", n)
	}
}

func TestLoadCustomers(t *testing.T) {
	e := New()
	if err := e.LoadCustomers(strings.NewReader(`[{"id":"` + FabrikamCustomerID + `","companyName":"Fabrikam","domain":"fabrikam.onmicrosoft.com","relationshipToPartner":"reseller"},
		{"id":"h1","companyName":"H"}]`)); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(e.CustomerProfiles()); got != "[{"+SeedCustomerID+" Contoso contoso.onmicrosoft.com reseller} {"+FabrikamCustomerID+
		" Fabrikam fabrikam.onmicrosoft.com reseller} {h1 H h1.onmicrosoft.com reseller}]" {
		t.Errorf("customers %s", got)
	}
	for _, tc := range []struct{ file, want string }{
		{`[{"id":"x","company":"X"}]`, `reading customers: json: unknown field "company"`},
		{`[{"id":"x"}] []`, "reading customers: data after the array of customers"},
		{`{"id":"x"}`, "reading customers: json: cannot unmarshal object into Go value of type []emulator.Customer"},
		{`[{"id":""}]`, "emulator: customer 0 has no ID"},
	} {
		if err := e.LoadCustomers(strings.NewReader(tc.file)); err == nil || err.Error() != tc.want {
			t.Errorf("LoadCustomers(%s) = %v, want %s", tc.file, err, tc.want)
		}
	}
	if n := len(e.CustomerProfiles()); n != 3 {
		t.Errorf("%d customers after refused files, want 3", n)
	}
}

func TestDemoCustomers(t *testing.T) {
	e := New()
	if err := e.AddCustomers(DemoCustomers()...); err != nil {
		t.Fatal(err)
	}
	want := "[{" + SeedCustomerID + " Contoso contoso.onmicrosoft.com reseller} " +
		"{66f6b9cb-62ff-445b-9f8e-8fda48dbafca Fabrikam fabrikam.onmicrosoft.com reseller} " +
		"{c62d19d7-8af2-4654-97dc-894637ee1d95 Northwind northwind.onmicrosoft.com reseller}]"
	if got := fmt.Sprint(e.CustomerProfiles()); got != want {
		t.Errorf("customers %s, want %s", got, want)
	}
	for _, id := range []string{FabrikamCustomerID, NorthwindCustomerID} {
		if !guidPattern.MatchString(id) {
			t.Errorf("%s is not a GUID", id)
		}
	}
}

func TestStrictCustomers(t *testing.T) {
	const unknown = "d0000000-0000-4000-8000-000000000000"
	noRelationshipBody := `{"code":20002,"description":"The partner id ` + DefaultTenantID + ` has no commerce relationship with the customer id ` +
		unknown + `.","data":[],"source":"PartnerFD"}`
	userToken := func(e *Emulator) http.Header {
		return http.Header{"Authorization": {"Bearer " + e.NewUserAccessToken(DefaultTenantID, time.Hour)}}
	}
	createBatch := func(e *Emulator, customerID string) response {
		return serve(e, http.MethodPost, "/v1/customers/"+customerID+"/deviceBatches", userToken(e),
			strings.NewReader(`{"batchId":"b","devices":[{"productKey":"`+customerID+`"}]}`))
	}

	t.Run("strict", func(t *testing.T) {
		e := New()
		e.SetStrictCustomers(true)
		for _, path := range []string{
			"/v1/customers/" + unknown + "/deviceBatches",
			"/v1/customers/" + unknown + "/deviceBatches/b/devices",
			"/v1/customers/" + unknown + "/batchJobStatus/" + SeedBatchTrackingID,
			"/v1/customers/" + unknown + "/policies",
			"/v1/customers/" + unknown + "/policies/p",
			"/v1/customers/" + unknown,
		} {
			if r := send(e, http.MethodGet, path); r.status != http.StatusNotFound || r.body != noRelationshipBody {
				t.Errorf("GET %s: status %d body %s, want 404 %s", path, r.status, r.body, noRelationshipBody)
			}
		}
		if r := createBatch(e, unknown); r.status != http.StatusNotFound || r.body != noRelationshipBody {
			t.Errorf("creating a batch: status %d body %s", r.status, r.body)
		}
		if r := serve(e, http.MethodPatch, "/v1/customers/"+unknown+"/DevicePolicyUpdates", userToken(e), strings.NewReader(`{"devices":[]}`)); r.status != http.StatusNotFound {
			t.Errorf("a device policy update: status %d body %s", r.status, r.body)
		}
		// Neither requests nor the helpers that store make it known.
		if err := e.PutBatch(unknown, []byte(`{"batchTrackingId":"t"}`)); err != nil {
			t.Fatal(err)
		}
		if _, err := e.AddDevices(unknown, "b", Device{ProductKey: "k"}); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(e.Customers()); got != "["+SeedCustomerID+"]" {
			t.Errorf("customers %s, want the seed customer only", got)
		}
		if r := send(e, http.MethodGet, "/v1/customers/"+unknown+"/batchJobStatus/t"); r.status != http.StatusNotFound || r.body != noRelationshipBody {
			t.Errorf("a stored batch of an unknown customer: status %d body %s", r.status, r.body)
		}

		// Known customers are served: the seed, and one added.
		if r := send(e, http.MethodGet, "/v1/customers/"+SeedCustomerID+"/deviceBatches"); r.status != http.StatusOK {
			t.Errorf("the seed customer's batches: status %d body %s", r.status, r.body)
		}
		e.AddCustomer(strings.ToUpper(unknown))
		if r := send(e, http.MethodGet, "/v1/customers/"+unknown+"/deviceBatches"); r.status != http.StatusOK || !strings.Contains(r.body, `"id":"b"`) {
			t.Errorf("an added customer's batches: status %d body %s", r.status, r.body)
		}
		if r := createBatch(e, unknown); r.status != http.StatusConflict {
			t.Errorf("creating a batch of an added customer whose ID is in use: status %d body %s", r.status, r.body)
		}
	})

	t.Run("not strict", func(t *testing.T) {
		e := New()
		if r := send(e, http.MethodGet, "/v1/customers/"+unknown+"/deviceBatches"); r.status != http.StatusOK {
			t.Errorf("an unknown customer's batches: status %d body %s", r.status, r.body)
		}
		if r := send(e, http.MethodGet, "/v1/customers/"+unknown); r.status != http.StatusNotFound || r.body != noRelationshipBody {
			t.Errorf("an unknown customer before anything of it is stored: status %d body %s", r.status, r.body)
		}
		if r := createBatch(e, unknown); r.status != http.StatusAccepted {
			t.Fatalf("creating a batch: status %d body %s", r.status, r.body)
		}
		if r := send(e, http.MethodGet, "/v1/customers/"+unknown); r.status != http.StatusOK || !strings.Contains(r.body, `"companyName":"Customer d0000000"`) {
			t.Errorf("a customer once a batch of it is stored: status %d body %s", r.status, r.body)
		}
		// Switching strict on keeps the customers known by then.
		e.SetStrictCustomers(true)
		if r := send(e, http.MethodGet, "/v1/customers/"+unknown+"/deviceBatches"); r.status != http.StatusOK {
			t.Errorf("a known customer's batches once strict: status %d body %s", r.status, r.body)
		}
		e.SetStrictCustomers(false)
		if r := send(e, http.MethodGet, "/v1/customers/e0000000-0000-4000-8000-000000000000/policies"); r.status != http.StatusOK {
			t.Errorf("an unknown customer's policies once strict is off again: status %d body %s", r.status, r.body)
		}
	})
}
