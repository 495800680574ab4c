package partnercenter_test

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// customerJSON is a customer as Microsoft's sample of the customer list
// writes it.
func customerJSON(id, company, domain, relationship string) string {
	return `{"id":"` + id + `","commerceId":"c0ffee00-0000-4000-8000-000000000000","companyProfile":{"tenantId":"` + id +
		`","domain":"` + domain + `","companyName":"` + company + `","attributes":{"objectType":"CustomerCompanyProfile"}},` +
		`"relationshipToPartner":"` + relationship + `","allowDelegatedAccess":true,` +
		`"links":{"self":{"uri":"/customers/` + id + `","method":"GET","headers":[]}},"attributes":{"objectType":"Customer"}}`
}

const (
	contosoID  = "47021739-3426-40bf-9601-61b4b6d7c793"
	fabrikamID = "b4e0e5a2-6c1d-4f3e-9a8b-7c6d5e4f3a2b"
	northwind  = "0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f7a"
)

// TestListCustomersFollowsEveryPage reads three pages: the first at
// ?size=100, the next where each page's next link says, with its
// continuation token, as Microsoft documents.
func TestListCustomersFollowsEveryPage(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){
		answer(http.StatusOK, "\xef\xbb\xbf"+`{"totalCount":3,"items":[`+customerJSON(contosoID, "Contoso", "contoso.onmicrosoft.com", "reseller")+`],`+
			`"continuationToken":"t1","links":{"self":{"uri":"/customers?size=100","method":"GET","headers":[]},`+
			`"next":{"uri":"/customers?seekOperation=Next","method":"GET","headers":[{"key":"MS-ContinuationToken","value":"t1"}]}},`+
			`"attributes":{"objectType":"Collection"}}`),
		// No continuationToken member: the next link's header carries it.
		answer(http.StatusOK, `{"totalCount":3,"items":[`+customerJSON(fabrikamID, "Fabrikam", "fabrikam.onmicrosoft.com", "Advisor")+`],`+
			`"links":{"next":{"uri":"/customers?seekOperation=Next","method":"GET","headers":[{"key":"MS-ContinuationToken","value":"t2"}]}}}`),
		answer(http.StatusOK, `{"totalCount":3,"items":[`+customerJSON(northwind, "Northwind", "northwind.onmicrosoft.com", "RESELLER")+`]}`),
	}}
	client := newTestClient(t, rec, &countingCredential{})
	customers, err := client.ListCustomers(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []partnercenter.Customer{
		{ID: contosoID, CompanyName: "Contoso", Domain: "contoso.onmicrosoft.com", RelationshipToPartner: "reseller"},
		{ID: fabrikamID, CompanyName: "Fabrikam", Domain: "fabrikam.onmicrosoft.com", RelationshipToPartner: "advisor"},
		{ID: northwind, CompanyName: "Northwind", Domain: "northwind.onmicrosoft.com", RelationshipToPartner: "reseller"},
	}
	if !reflect.DeepEqual(customers, want) {
		t.Errorf("ListCustomers =\n%#v\nwant\n%#v", customers, want)
	}
	wantURIs := []string{"/v1/customers?size=100", "/v1/customers?seekOperation=Next", "/v1/customers?seekOperation=Next"}
	if !reflect.DeepEqual(rec.uris, wantURIs) {
		t.Errorf("requests %q, want %q", rec.uris, wantURIs)
	}
	for i, want := range []string{"", "t1", "t2"} {
		if got := rec.headers[i].Get("MS-ContinuationToken"); got != want {
			t.Errorf("request %d: MS-ContinuationToken %q, want %q", i+1, got, want)
		}
	}
}

// TestListCustomersFilter sends Partner Center's only filter, "starts
// with" on the domain or the company name, as Microsoft's sample does.
func TestListCustomersFilter(t *testing.T) {
	for _, tc := range []struct {
		filter partnercenter.CustomerFilter
		want   string
	}{
		{partnercenter.CustomerFilter{Field: partnercenter.CustomerDomain, Prefix: "contoso"},
			`/v1/customers?size=0&filter=%7B%22Field%22%3A%22Domain%22%2C%22Value%22%3A%22contoso%22%2C%22Operator%22%3A%22starts_with%22%7D`},
		{partnercenter.CustomerFilter{Field: partnercenter.CustomerCompanyName, Prefix: `Wingtip "Toys" & Co`},
			`/v1/customers?size=0&filter=%7B%22Field%22%3A%22CompanyName%22%2C%22Value%22%3A%22Wingtip+%5C%22Toys%5C%22+%5Cu0026+Co%22%2C%22Operator%22%3A%22starts_with%22%7D`},
	} {
		rec := &recorder{responses: []func(http.ResponseWriter){answer(http.StatusOK, `{"totalCount":0,"items":[]}`)}}
		customers, err := newTestClient(t, rec, &countingCredential{}).ListCustomers(t.Context(), &tc.filter)
		if err != nil || len(customers) != 0 {
			t.Fatalf("ListCustomers = %v, %v", customers, err)
		}
		if rec.uris[0] != tc.want {
			t.Errorf("request %s, want %s", rec.uris[0], tc.want)
		}
	}
}

// TestListCustomersNextLink follows a next link only to the customer list
// of the same Partner Center: the continuation token goes nowhere else.
func TestListCustomersNextLink(t *testing.T) {
	for link, want := range map[string]string{
		"/customers?seekOperation=Next&size=100":   "/v1/customers?seekOperation=Next&size=100",
		"/v1/Customers?seekOperation=Next&size=50": "/v1/customers?seekOperation=Next&size=50",
		"":           "/v1/customers?seekOperation=Next",
		"/customers": "/v1/customers?seekOperation=Next",
		"https://elsewhere.example/customers?x=1": "/v1/customers?seekOperation=Next",
		"//elsewhere.example/customers?x=1":       "/v1/customers?seekOperation=Next",
		"/customers/47021739/deviceBatches?x=1":   "/v1/customers?seekOperation=Next",
		"/customers?seekOperation=Next#fragment":  "/v1/customers?seekOperation=Next",
		"%zz":                                     "/v1/customers?seekOperation=Next",
	} {
		next := `,"links":{"next":{"uri":"` + link + `","headers":[{"key":"MS-ContinuationToken","value":"t1"}]}}`
		if link == "" {
			next = `,"continuationToken":"t1"`
		}
		rec := &recorder{responses: []func(http.ResponseWriter){
			answer(http.StatusOK, `{"items":[`+customerJSON(contosoID, "Contoso", "contoso.onmicrosoft.com", "reseller")+`]`+next+`}`),
			answer(http.StatusOK, `{"items":[]}`),
		}}
		if _, err := newTestClient(t, rec, &countingCredential{}).ListCustomers(t.Context(), nil); err != nil {
			t.Fatalf("link %q: %v", link, err)
		}
		if len(rec.uris) != 2 || rec.uris[1] != want {
			t.Errorf("link %q: requests %q, want the second at %s", link, rec.uris, want)
		}
	}
}

// TestListCustomersFollowsACapitalisedNextLinkWithItsOwnQuery follows a
// next link spelt as a server may spell it, /v1/Customers with a query of
// its own, its continuation token under a header key in lower case, as the
// JSON of the link's headers may write it: the next page is asked at the
// link's query, which the documented next path does not carry, with the
// token.
func TestListCustomersFollowsACapitalisedNextLinkWithItsOwnQuery(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){
		// No continuationToken member: only the link's header has it.
		answer(http.StatusOK, `{"items":[`+customerJSON(contosoID, "Contoso", "contoso.onmicrosoft.com", "reseller")+`],`+
			`"links":{"next":{"uri":"/v1/Customers?size=100&seekOperation=next","method":"GET",`+
			`"headers":[{"key":"ms-continuationtoken","value":"t1"}]}}}`),
		answer(http.StatusOK, `{"items":[`+customerJSON(fabrikamID, "Fabrikam", "fabrikam.onmicrosoft.com", "reseller")+`]}`),
	}}
	customers, err := newTestClient(t, rec, &countingCredential{}).ListCustomers(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(customers) != 2 || customers[1].ID != fabrikamID {
		t.Errorf("ListCustomers = %#v, want Contoso and Fabrikam", customers)
	}
	if want := []string{"/v1/customers?size=100", "/v1/customers?size=100&seekOperation=next"}; !reflect.DeepEqual(rec.uris, want) {
		t.Fatalf("requests %q, want %q: the second at the next link's query", rec.uris, want)
	}
	if got := rec.headers[1].Get("MS-ContinuationToken"); got != "t1" {
		t.Errorf("request 2: MS-ContinuationToken %q, want the link's t1", got)
	}
}

// TestListCustomersFilterOnPagesWithoutIt keeps, of the pages of a filtered
// list read where its filter is not (the documented next path, when a next
// link cannot be followed), only the customers the filter keeps, its case
// ignored as Partner Center ignores it: the server may not have kept the
// filter with its continuation token.
func TestListCustomersFilterOnPagesWithoutIt(t *testing.T) {
	filter := partnercenter.CustomerFilter{Field: partnercenter.CustomerDomain, Prefix: "Contoso"}
	const filtered = `/v1/customers?size=0&filter=%7B%22Field%22%3A%22Domain%22%2C%22Value%22%3A%22Contoso%22%2C%22Operator%22%3A%22starts_with%22%7D`
	const (
		eastID = "1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b"
		westID = "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d"
	)
	rec := &recorder{responses: []func(http.ResponseWriter){
		// A next link to another host is not followed.
		answer(http.StatusOK, `{"items":[`+customerJSON(contosoID, "Contoso", "contoso.onmicrosoft.com", "reseller")+`],`+
			`"links":{"next":{"uri":"https://elsewhere.example/customers?seekOperation=Next","headers":[{"key":"MS-ContinuationToken","value":"t1"}]}}}`),
		answer(http.StatusOK, `{"items":[`+customerJSON(fabrikamID, "Fabrikam", "fabrikam.onmicrosoft.com", "reseller")+`,`+
			customerJSON(eastID, "Contoso East", "CONTOSO-EAST.onmicrosoft.com", "reseller")+`,`+
			customerJSON(northwind, "Contoso Northwind", "northwind.onmicrosoft.com", "reseller")+`],"continuationToken":"t2"}`),
		answer(http.StatusOK, `{"items":[`+customerJSON(westID, "Contoso West", "contoso-west.onmicrosoft.com", "reseller")+`]}`),
	}}
	customers, err := newTestClient(t, rec, &countingCredential{}).ListCustomers(t.Context(), &filter)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range customers {
		got = append(got, c.Domain)
	}
	if want := []string{"contoso.onmicrosoft.com", "CONTOSO-EAST.onmicrosoft.com", "contoso-west.onmicrosoft.com"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ListCustomers = %q, want %q", got, want)
	}
	if want := []string{filtered, "/v1/customers?seekOperation=Next", "/v1/customers?seekOperation=Next"}; !reflect.DeepEqual(rec.uris, want) {
		t.Errorf("requests %q, want %q", rec.uris, want)
	}
}

// TestGetCustomer reads one customer, and says a customer the partner has
// no relationship with is not found, as Partner Center does.
func TestGetCustomer(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){
		answer(http.StatusOK, customerJSON(contosoID, "Contoso", "contoso.onmicrosoft.com", "reseller")),
		answer(http.StatusNotFound, `{"code":2001,"description":"Customer not found","source":"PartnerFD"}`),
	}}
	client := newTestClient(t, rec, &countingCredential{})
	customer, err := client.GetCustomer(t.Context(), strings.ToUpper(contosoID))
	if err != nil {
		t.Fatal(err)
	}
	want := partnercenter.Customer{ID: contosoID, CompanyName: "Contoso", Domain: "contoso.onmicrosoft.com", RelationshipToPartner: "reseller"}
	if *customer != want {
		t.Errorf("GetCustomer = %#v, want %#v", customer, want)
	}
	if rec.uris[0] != "/v1/customers/"+contosoID {
		t.Errorf("request %s", rec.uris[0])
	}
	_, err = client.GetCustomer(t.Context(), fabrikamID)
	var respErr *partnercenter.ResponseError
	if partnercenter.KindOf(err) != partnercenter.KindNotFound || !errors.As(err, &respErr) || respErr.Code != "2001" {
		t.Errorf("GetCustomer of a customer without relationship = %v, want not found", err)
	}
}

// TestGetCustomerTenantIDStandsInForID reads a customer whose answer has
// the tenant ID in its company profile only, and refuses one with neither.
func TestGetCustomerTenantIDStandsInForID(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){
		answer(http.StatusOK, `{"companyProfile":{"tenantId":"`+contosoID+`","domain":"contoso.onmicrosoft.com","companyName":"Contoso"}}`),
		answer(http.StatusOK, `{"companyProfile":{"domain":"contoso.onmicrosoft.com"}}`),
	}}
	client := newTestClient(t, rec, &countingCredential{})
	if customer, err := client.GetCustomer(t.Context(), contosoID); err != nil || customer.ID != contosoID {
		t.Errorf("GetCustomer = %v, %v", customer, err)
	}
	if _, err := client.GetCustomer(t.Context(), contosoID); !errors.Is(err, partnercenter.ErrInvalidResponse) ||
		!strings.Contains(err.Error(), "the customer has no id") {
		t.Errorf("GetCustomer of a customer without ID = %v", err)
	}
}
