package emulator

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/google/uuid"
)

// Customer is one of the partner's customers, as the emulator serves it in
// the customer list and a read of one customer, and as LoadCustomers and
// the command's -customers file write it.
type Customer struct {
	// ID is the customer's Entra ID tenant ID, a GUID, compared
	// case-insensitively.
	ID string `json:"id"`
	// CompanyName is the company's name, such as Contoso.
	CompanyName string `json:"companyName"`
	// Domain is the customer's default domain, such as
	// contoso.onmicrosoft.com.
	Domain string `json:"domain"`
	// RelationshipToPartner is the licensing program the partner serves
	// the customer under, one of the Relationship constants; the .NET
	// SDK's spelling (Reseller, MicrosoftSupport) is read as well.
	RelationshipToPartner string `json:"relationshipToPartner"`
}

// The relationships a partner can have with a customer, as Microsoft's
// customer resource documents relationshipToPartner.
const (
	RelationshipReseller         = "reseller"
	RelationshipAdvisor          = "advisor"
	RelationshipNone             = "none"
	RelationshipSyndication      = "syndication"
	RelationshipMicrosoftSupport = "microsoft_support"
)

// relationships are the documented values of relationshipToPartner.
var relationships = []string{RelationshipNone, RelationshipReseller, RelationshipAdvisor, RelationshipSyndication, RelationshipMicrosoftSupport}

// customerStore holds the partner's customers. Partner Center keeps a
// partner's customers apart; the emulator does not check that a customer
// belongs to the caller's tenant, because its fixtures serve the seed
// customer to every registered tenant. Unless strict, it knows a customer
// once anything of it is stored, as well as those a test adds.
type customerStore struct {
	mu sync.Mutex
	// index maps lower-case customer IDs, as Partner Center compares GUIDs
	// case-insensitively, to their place in order.
	index map[string]int
	// order holds the customers in the order the emulator came to know
	// them, each ID as first written: the order of the customer list.
	order []Customer
	// strict keeps anything but AddCustomer, AddCustomers and
	// LoadCustomers from making a customer known, and the routes of a
	// customer from serving one it does not know (see SetStrictCustomers).
	strict bool
}

// newCustomerStore is a store that knows the seed customer.
func newCustomerStore() customerStore {
	return customerStore{index: map[string]int{strings.ToLower(SeedCustomerID): 0}, order: []Customer{seedCustomer}}
}

// add makes customerID known, with the profile generatedProfile gives it,
// as anything of it is stored; nothing when customers are strict.
func (s *customerStore) add(customerID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.strict {
		s.putLocked(generatedProfile(customerID), false)
	}
}

// put makes c known, after the customers known before; when c is known
// already, replace sets its profile to c's, in its place.
func (s *customerStore) put(c Customer, replace bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.putLocked(c, replace)
}

// putLocked is put for a caller holding s.mu.
func (s *customerStore) putLocked(c Customer, replace bool) {
	key := strings.ToLower(c.ID)
	i, known := s.index[key]
	switch {
	case !known:
		s.index[key] = len(s.order)
		s.order = append(s.order, c)
	case replace:
		// The ID stays as first written, as elsewhere.
		c.ID = s.order[i].ID
		s.order[i] = c
	}
}

// find returns the customer customerID, false when the emulator does not
// know it.
func (s *customerStore) find(customerID string) (Customer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.index[strings.ToLower(customerID)]
	if !ok {
		return Customer{}, false
	}
	return s.order[i], true
}

// serves reports whether the routes of customerID serve it: any customer,
// unless strict; then only the known ones.
func (s *customerStore) serves(customerID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, known := s.index[strings.ToLower(customerID)]
	return known || !s.strict
}

// list returns the customers f matches, in order.
func (s *customerStore) list(f customerFilter) []Customer {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Customer, 0, len(s.order))
	for _, c := range s.order {
		if f.matches(c) {
			out = append(out, c)
		}
	}
	return out
}

// AddCustomer makes customerID a known customer, as Customers lists, with
// a generated profile (see AddCustomers) unless it is known already.
func (e *Emulator) AddCustomer(customerID string) {
	e.customers.put(generatedProfile(customerID), false)
}

// AddCustomers makes each of customers known with its profile, after the
// customers known before, or sets the profile of one known already, in
// its place in the customer list. A field left empty takes the profile
// the emulator makes up for a customer it knows by its ID only, which
// AddCustomer gives and any customer that anything is stored for gets
// when customers are not strict: the company "Customer " and the ID's
// first 8 hexadecimal digits, such as Customer 47021739, the default
// domain 47021739.onmicrosoft.com, the relationship reseller. It adds none
// of them, and returns an error, when one has no ID, a relationship that
// is not one of the documented ones, or the ID of another of customers.
func (e *Emulator) AddCustomers(customers ...Customer) error {
	checked := make([]Customer, len(customers))
	seen := map[string]bool{}
	for i, c := range customers {
		key := strings.ToLower(c.ID)
		switch {
		case c.ID == "":
			return fmt.Errorf("emulator: customer %d has no ID", i)
		case seen[key]:
			return fmt.Errorf("emulator: customer %d: customer %s is listed twice", i, c.ID)
		}
		seen[key] = true
		generated := generatedProfile(c.ID)
		c.CompanyName = cmp.Or(c.CompanyName, generated.CompanyName)
		c.Domain = cmp.Or(c.Domain, generated.Domain)
		c.RelationshipToPartner = canonicalEnum(cmp.Or(c.RelationshipToPartner, generated.RelationshipToPartner), relationships)
		if !slices.Contains(relationships, c.RelationshipToPartner) {
			return fmt.Errorf("emulator: customer %s: relationship %q is not one of %s", c.ID, c.RelationshipToPartner,
				strings.Join(relationships, ", "))
		}
		checked[i] = c
	}
	e.customers.mu.Lock()
	defer e.customers.mu.Unlock()
	for _, c := range checked {
		e.customers.putLocked(c, true)
	}
	return nil
}

// LoadCustomers reads a JSON array of customers from r, in Customer's JSON:
//
//	[{"id": "...", "companyName": "Fabrikam", "domain": "fabrikam.onmicrosoft.com", "relationshipToPartner": "reseller"}]
//
// and adds them as AddCustomers does, none of them when any is invalid.
func (e *Emulator) LoadCustomers(r io.Reader) error {
	var customers []Customer
	dec := json.NewDecoder(r)
	// A misspelt field would otherwise leave a customer with a made-up
	// profile.
	dec.DisallowUnknownFields()
	if err := dec.Decode(&customers); err != nil {
		return fmt.Errorf("reading customers: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("reading customers: data after the array of customers")
	}
	return e.AddCustomers(customers...)
}

// Customers returns the IDs of the known customers, as first written,
// sorted: the seed customer, those added with AddCustomer, AddCustomers or
// LoadCustomers and, unless customers are strict, those with batches,
// batch jobs, devices or policies.
func (e *Emulator) Customers() []string {
	e.customers.mu.Lock()
	defer e.customers.mu.Unlock()
	out := make([]string, len(e.customers.order))
	for i, c := range e.customers.order {
		out[i] = c.ID
	}
	slices.Sort(out)
	return out
}

// CustomerProfiles returns the known customers with their profiles, in the
// order the customer list answers them: the order the emulator came to
// know them.
func (e *Emulator) CustomerProfiles() []Customer {
	return e.customers.list(customerFilter{})
}

// SetStrictCustomers makes the emulator serve only the customers it knows
// when on, as Partner Center serves only a partner's customers: every
// route under /v1/customers/{customer-id}/ answers 404 with the ApiFault
// of a customer without relationship (code 20002) for another customer,
// and neither requests nor test helpers other than AddCustomer,
// AddCustomers and LoadCustomers make a customer known. Off, the default,
// any customer ID is served, and becomes known once anything of it is
// stored. It is a test's setup, not one of the questions Microsoft leaves
// open (see Answers).
func (e *Emulator) SetStrictCustomers(on bool) {
	e.customers.mu.Lock()
	defer e.customers.mu.Unlock()
	e.customers.strict = on
}

// codeNoRelationship comes with the answer for a customer the partner has
// no relationship with. Microsoft documents code 20002, "The partner id
// {0} has no commerce relationship with the customer id {1}.", with 403,
// and the project's API notes say a read of such a customer answers 404;
// no source gives the exact pair for that read, so the emulator answers
// 404 with the documented code of the documented message.
const codeNoRelationship = 20002

// noRelationship is the answer for customerID when the partner, the
// caller's tenant, has no relationship with it.
func noRelationship(c *call, customerID string) answer {
	return faultAnswer(http.StatusNotFound, codeNoRelationship,
		fmt.Sprintf("The partner id %s has no commerce relationship with the customer id %s.", c.token.tenantKey, customerID))
}

// customerResource is a customer as Partner Center sends it, the fields in
// the order of Microsoft's samples. The emulator keeps no billing profile,
// which Microsoft's read of one customer carries for app+user callers.
type customerResource struct {
	ID string `json:"id"`
	// CommerceID is only in the read of one customer: Microsoft's samples
	// of the customer list have none.
	CommerceID            string         `json:"commerceId,omitempty"`
	CompanyProfile        companyProfile `json:"companyProfile"`
	RelationshipToPartner string         `json:"relationshipToPartner"`
	// AllowDelegatedAccess is only in the read of one customer, as
	// Microsoft documents.
	AllowDelegatedAccess *bool         `json:"allowDelegatedAccess,omitempty"`
	Links                resourceLinks `json:"links"`
	Attributes           objectType    `json:"attributes"`
}

// companyProfile is a customer's company profile as Partner Center sends
// it within the customer.
type companyProfile struct {
	TenantID    string        `json:"tenantId"`
	Domain      string        `json:"domain"`
	CompanyName string        `json:"companyName"`
	Links       resourceLinks `json:"links"`
	Attributes  objectType    `json:"attributes"`
}

// presentCustomer is cu as the customer list sends it, or, when one, as
// the read of one customer does; its relationship spelt as a says.
func presentCustomer(cu Customer, a Answers, one bool) customerResource {
	self := "/customers/" + cu.ID
	r := customerResource{
		ID: cu.ID,
		CompanyProfile: companyProfile{TenantID: cu.ID, Domain: cu.Domain, CompanyName: cu.CompanyName,
			Links: resourceLinks{Self: getLink(self + "/profiles/company")}, Attributes: objectType{"CustomerCompanyProfile"}},
		RelationshipToPartner: a.enum(cu.RelationshipToPartner),
		Links:                 resourceLinks{Self: getLink(self)},
		Attributes:            objectType{"Customer"},
	}
	if one {
		delegated := true
		r.CommerceID, r.AllowDelegatedAccess = commerceID(cu.ID), &delegated
	}
	return r
}

// commerceID is the commerce ID of customerID: a GUID of Partner Center's
// own, which the emulator derives from the tenant ID so that it stays the
// same across reads and restarts.
func commerceID(customerID string) string {
	return uuid.NewSHA1(uuid.NameSpaceOID, []byte("commerce:"+strings.ToLower(customerID))).String()
}

// The customer list's paging.
const (
	// maxCustomerPageSize is the largest size the customer list takes:
	// about 500, the project's API notes say, from Microsoft's sources;
	// the emulator refuses more, so that a client that asks for more
	// learns it here rather than from Partner Center.
	maxCustomerPageSize = 500
	// customersNextURI is the customer list's link to its next page, as
	// Microsoft's SDKs ask for it, with the continuation token in
	// MS-ContinuationToken.
	customersNextURI = "/customers?seekOperation=Next"
)

// listCustomers answers GET /v1/customers?size={n}&filter={filter}: the
// partner's customers that filter matches, all without one, in the order
// the emulator came to know them, a collection of n a page. A missing
// size, or 0, which Microsoft's filter sample sends, is the emulator's
// page size (see SetPageSize). Next pages are asked for at
// /v1/customers?seekOperation=Next with the continuation token, which
// remembers the filter and the size; a next page that names a filter must
// name the token's.
func (e *Emulator) listCustomers(c *call) answer {
	query, err := url.ParseQuery(c.r.URL.RawQuery)
	if err != nil {
		return invalidInput("The query string is not URL-encoded: " + err.Error())
	}
	at, ok := e.pages.resume(c)
	if !ok {
		return badContinuationToken()
	}
	resumed := c.r.Header.Get(continuationHeader) != ""
	switch op := query.Get("seekOperation"); {
	case op != "" && !strings.EqualFold(op, "Next"):
		return invalidInput("The seekOperation " + strconv.Quote(op) + " is not supported: the customer list pages forward only, with seekOperation=Next.")
	case op != "" && !resumed:
		return invalidInput("seekOperation=Next asks for the page after the one whose continuationToken the MS-ContinuationToken header carries; the header is missing.")
	}
	if query.Has("size") {
		n, err := strconv.Atoi(query.Get("size"))
		if err != nil || n < 0 || n > maxCustomerPageSize {
			return invalidInput(fmt.Sprintf("The size %q is not a whole number from 0 to %d.", query.Get("size"), maxCustomerPageSize))
		}
		if n > 0 {
			at.size = n
		}
	}
	var filter customerFilter
	if at.query != "" {
		// A token's query is a filter's key, which parses.
		filter, _, _ = parseCustomerFilter(at.query)
	}
	if query.Has("filter") {
		f, a, ok := parseCustomerFilter(query.Get("filter"))
		if !ok {
			return a
		}
		if resumed && f != filter {
			return badContinuationToken()
		}
		filter, at.query = f, f.key()
	}
	self := "/customers"
	if c.r.URL.RawQuery != "" {
		// As Microsoft's filter sample links itself: the query as asked.
		self += "?" + c.r.URL.RawQuery
	}
	return servePage(e, c, at, self, customersNextURI, e.customers.list(filter), func(cu Customer) customerResource {
		return presentCustomer(cu, c.answers, false)
	})
}

// getCustomer answers GET /v1/customers/{customer-tenant-id}: the customer,
// or 404 for one the emulator does not know, with which the partner has no
// relationship. Like every route, it takes any customer ID, a GUID or not.
func (e *Emulator) getCustomer(c *call) answer {
	cu, ok := e.customers.find(c.params[0])
	if !ok {
		return noRelationship(c, c.params[0])
	}
	return answer{status: http.StatusOK, body: mustMarshal(presentCustomer(cu, c.answers, true))}
}

// customerFilter is the customer list's filter, as Microsoft documents it:
// the customers whose Field, CompanyName or Domain (the default domain),
// starts with Value, case-insensitively. The zero filter matches every
// customer.
type customerFilter struct {
	Field string `json:"Field"`
	// Value is in lower case, as it matches regardless of case.
	Value    string `json:"Value"`
	Operator string `json:"Operator"`
}

// The filter's fields and operator, as Microsoft spells them.
const (
	filterFieldCompanyName = "CompanyName"
	filterFieldDomain      = "Domain"
	filterStartsWith       = "starts_with"
)

// parseCustomerFilter reads the filter of the customer list, JSON such as
// {"Field":"Domain","Value":"contoso","Operator":"starts_with"}, member
// names, the field and the operator in any case, or returns the 400 to
// answer. Microsoft documents filters by IndirectReseller and
// IndirectCloudSolutionProvider too, which the emulator, knowing no
// indirect resellers, refuses as it does any other field or operator.
func parseCustomerFilter(text string) (customerFilter, answer, bool) {
	var raw struct {
		Field, Value, Operator *string
	}
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return customerFilter{}, invalidInput(`The filter is not JSON such as {"Field":"Domain","Value":"contoso","Operator":"starts_with"}: ` + err.Error()), false
	}
	var f customerFilter
	switch {
	case raw.Field == nil || raw.Value == nil || raw.Operator == nil:
		return customerFilter{}, invalidInput("The filter needs Field, Value and Operator."), false
	case strings.EqualFold(*raw.Field, filterFieldCompanyName):
		f.Field = filterFieldCompanyName
	case strings.EqualFold(*raw.Field, filterFieldDomain):
		f.Field = filterFieldDomain
	default:
		return customerFilter{}, invalidInput("The filter's Field " + strconv.Quote(*raw.Field) + " is not supported: the emulator filters by CompanyName or Domain."), false
	}
	if !strings.EqualFold(*raw.Operator, filterStartsWith) {
		return customerFilter{}, invalidInput("The filter's Operator " + strconv.Quote(*raw.Operator) + " is not supported: the customer list takes starts_with only."), false
	}
	f.Operator, f.Value = filterStartsWith, strings.ToLower(*raw.Value)
	return f, answer{}, true
}

// key is f as a continuation token remembers it: JSON that
// parseCustomerFilter reads back as f.
func (f customerFilter) key() string {
	return string(mustMarshal(f))
}

// matches reports whether f lets c through.
func (f customerFilter) matches(c Customer) bool {
	switch f.Field {
	case filterFieldCompanyName:
		return strings.HasPrefix(strings.ToLower(c.CompanyName), f.Value)
	case filterFieldDomain:
		return strings.HasPrefix(strings.ToLower(c.Domain), f.Value)
	}
	return true
}
