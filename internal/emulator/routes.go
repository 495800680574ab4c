package emulator

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// The routes of Partner Center's operations, for InjectFaults. A route
// names a path, not a method: see Fault.Method.
const (
	// CustomersRoute is the route of the partner's customer list (GET),
	// its next pages and its filters.
	CustomersRoute = "/v1/customers"
	// CustomerRoute is the route of one customer's reading (GET).
	CustomerRoute = "/v1/customers/*"
	// BatchStatusRoute is the route of every batch status request (GET,
	// operation 3).
	BatchStatusRoute = "/v1/customers/*/batchJobStatus/*"
	// DeviceBatchesRoute is the route of the batch list (GET, operation 4)
	// and of batch creation (POST, operation 1).
	DeviceBatchesRoute = "/v1/customers/*/deviceBatches"
	// DevicesRoute is the route of a batch's device list (GET, operation 5)
	// and of uploads into a batch (POST, operation 2).
	DevicesRoute = "/v1/customers/*/deviceBatches/*/devices"
	// DeviceRoute is the route of one device's update (PUT, operation 6)
	// and deletion (DELETE, operation 7).
	DeviceRoute = "/v1/customers/*/deviceBatches/*/devices/*"
	// DevicePolicyUpdatesRoute is the route of device policy updates
	// (PATCH, operation 8). Fixed segments match case-insensitively, as
	// everywhere: Microsoft writes this one DevicePolicyUpdates.
	DevicePolicyUpdatesRoute = "/v1/customers/*/DevicePolicyUpdates"
	// PoliciesRoute is the route of the policy list (GET, operation 9) and
	// of policy creation (POST, operation 11).
	PoliciesRoute = "/v1/customers/*/policies"
	// PolicyRoute is the route of one policy's reading (GET, operation 10),
	// update (PUT, operation 12) and deletion (DELETE, operation 13).
	PolicyRoute = "/v1/customers/*/policies/*"
)

// route is one Partner Center operation: a method, a path pattern and the
// handler that answers it.
type route struct {
	method string
	// pattern is the path split on "/", such as
	// ["", "v1", "customers", "*", "batchJobStatus", "*"]; see matchSegments.
	pattern []string
	handle  func(*call) answer
	// ofCustomer marks the routes under /v1/customers/{customer-id}/, whose
	// first "*" is the customer's ID: those SetStrictCustomers closes to
	// customers the emulator does not know.
	ofCustomer bool
	// bom makes the route's successful answers start with a UTF-8 byte order
	// mark, where Microsoft's own sample of the operation carries one.
	bom bool
}

// routeTable is Partner Center's operations, matched in order.
type routeTable []route

// add appends a route for method and pattern, a path such as
// /v1/customers/*/deviceBatches.
func (t *routeTable) add(method, pattern string, handle func(*call) answer) {
	*t = append(*t, newRoute(method, pattern, handle))
}

// addWithBOM appends a route as add does, whose successful answers start
// with a UTF-8 byte order mark.
func (t *routeTable) addWithBOM(method, pattern string, handle func(*call) answer) {
	r := newRoute(method, pattern, handle)
	r.bom = true
	*t = append(*t, r)
}

// newRoute is the route for method and pattern.
func newRoute(method, pattern string, handle func(*call) answer) route {
	p := strings.Split(pattern, "/")
	return route{method: method, pattern: p, handle: handle,
		ofCustomer: len(p) > 4 && matchSegments(p[:4], "", "v1", "customers", "*")}
}

// match returns the route for method and the path segments, with the
// segments its "*" matched. When the path is known but not for method, it
// returns no route and the methods the path allows, sorted, for a 405's
// Allow header; when the path is unknown, neither.
func (t routeTable) match(method string, segments []string) (r *route, params, allow []string) {
	for i := range t {
		p, ok := matchPattern(segments, t[i].pattern)
		if !ok {
			continue
		}
		if t[i].method == method {
			return &t[i], p, nil
		}
		if !slices.Contains(allow, t[i].method) {
			allow = append(allow, t[i].method)
		}
	}
	slices.Sort(allow)
	return nil, nil, allow
}

// matchPattern reports whether segments match pattern and returns the
// segments its "*" matched, in order.
func matchPattern(segments, pattern []string) ([]string, bool) {
	if !matchSegments(segments, pattern...) {
		return nil, false
	}
	var params []string
	for i, p := range pattern {
		if p == "*" {
			params = append(params, segments[i])
		}
	}
	return params, true
}

// matchSegments reports whether the path segments match pattern, where "*"
// stands for any non-empty segment. Fixed segments match case-insensitively,
// as both services do.
func matchSegments(segments []string, pattern ...string) bool {
	if len(segments) != len(pattern) {
		return false
	}
	for i, p := range pattern {
		switch {
		case p == "*":
			if segments[i] == "" {
				return false
			}
		case !strings.EqualFold(segments[i], p):
			return false
		}
	}
	return true
}

// pathSegments splits r's path on "/" and unescapes each segment on its own,
// so that a batch name holding an escaped "/" or "%" stays one segment and
// reads as the client named it. A segment that does not unescape is kept as
// received.
func pathSegments(r *http.Request) []string {
	segments := strings.Split(r.URL.EscapedPath(), "/")
	for i, s := range segments {
		if u, err := url.PathUnescape(s); err == nil {
			segments[i] = u
		}
	}
	return segments
}

// isPartnerCenterPath reports whether segments address Partner Center: every
// path under /v1/.
func isPartnerCenterPath(segments []string) bool {
	return len(segments) > 1 && strings.EqualFold(segments[1], "v1")
}

// entraRoute is one of Entra ID's (and Azure's) sign-in endpoints. Entra ID
// answers wrong methods in its own ways, so a route takes every method and
// its handler decides.
type entraRoute struct {
	pattern []string
	// form makes the request's form fields read, and recorded redacted,
	// before serve runs: the token endpoint's.
	form  bool
	serve func(e *Emulator, w http.ResponseWriter, r *http.Request, params []string, form url.Values)
}

// entraRoutes are the sign-in endpoints, beside Partner Center's /v1/.
var entraRoutes = []entraRoute{
	{pattern: strings.Split("/*/v2.0/.well-known/openid-configuration", "/"),
		serve: func(e *Emulator, w http.ResponseWriter, r *http.Request, params []string, _ url.Values) {
			e.serveDiscovery(w, r, params[0])
		}},
	{pattern: strings.Split("/*/oauth2/v2.0/token", "/"), form: true,
		serve: func(e *Emulator, w http.ResponseWriter, r *http.Request, params []string, form url.Values) {
			e.serveToken(w, r, params[0], form)
		}},
	{pattern: strings.Split("/metadata/identity/oauth2/token", "/"),
		serve: func(e *Emulator, w http.ResponseWriter, r *http.Request, _ []string, _ url.Values) { e.serveIMDS(w, r) }},
	{pattern: strings.Split("/oidc/token", "/"),
		serve: func(e *Emulator, w http.ResponseWriter, r *http.Request, _ []string, _ url.Values) {
			e.serveOIDCRequest(w, r)
		}},
}
