package emulator

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// The application New registers, fixed so that tests and the demo can sign in
// without asking the emulator.
const (
	// DefaultTenantID is the Entra ID tenant of the registered application.
	DefaultTenantID = "8f3b9c21-5d4e-4a7b-9c1d-2e6f7a8b9c0d"
	// DefaultClientID is the registered application's client ID.
	DefaultClientID = "3c9d2e1f-7a6b-4c5d-8e9f-0a1b2c3d4e5f"
	// DefaultClientSecret is the registered application's client secret.
	DefaultClientSecret = "emulator-client-secret" //nolint:gosec // the emulator's published demo credential
)

// Emulator serves Entra ID's token endpoint and Partner Center's batch status
// API from memory. It is safe for concurrent use; the zero value is not
// usable, call New.
type Emulator struct {
	mu sync.Mutex
	// tenants holds the registered applications, keyed by lower-case tenant
	// ID because Entra ID matches tenants case-insensitively.
	tenants map[string]*tenant
	// tokens maps every access token issued to what it grants.
	tokens map[string]accessToken
	// batches holds each BatchUploadDetails body as it is served.
	batches map[batchKey][]byte
	// faults holds the injected faults pending, per route.
	faults []*faultQueue
	// scheduled holds the batches that progress on clock.
	scheduled map[batchKey]*scheduledBatch
	clock     Clock
	// stepPerRead, when positive, replaces clock for scheduled batches.
	stepPerRead time.Duration
	// pollRetryAfter is the Retry-After of answers for unfinished batches.
	pollRetryAfter time.Duration
	// requests logs every request received, in order.
	requests []Request
	// tokenRequests counts token requests by lower-case client_id.
	tokenRequests map[string]int
	// tokenLifetime is the lifetime of every token the endpoints issue.
	tokenLifetime time.Duration
	// signer signs the federated tokens the emulator issues as an OpenID
	// Connect provider, such as a CI system's; signingKey creates it once.
	signer     *rsa.PrivateKey
	signerOnce sync.Once
	// refreshTokens maps each refresh token issued to whom it was issued.
	refreshTokens map[string]appKey
	// oidcRequestTokens maps each token that may request a federated token
	// from the OIDC endpoints to the subject of the tokens it gets.
	oidcRequestTokens map[string]string
	// managedIdentities maps lower-case client IDs of managed identities
	// to their tenant's key; the empty client ID is the system-assigned one.
	managedIdentities map[string]string
}

// tenant is one Entra ID directory and the applications registered in it.
type tenant struct {
	// id is the tenant ID as first registered, used in discovery URLs.
	id string
	// apps maps lower-case client IDs to their credentials.
	apps map[string]*app
}

// app is a registered application and every credential it signs in with.
type app struct {
	// secret is the client secret; empty when the app has none.
	secret string
	// certificates are the certificates whose keys sign client assertions.
	certificates []*x509.Certificate
	// federatedSubjects are the subjects of tokens from the emulator's
	// OIDC issuer that the app trusts as client assertions.
	federatedSubjects []string
}

// appKey names an application: lower-case tenant and client IDs.
type appKey struct {
	tenant, client string
}

// accessToken is what the emulator remembers of a token it issued.
type accessToken struct {
	tenantKey string
	expires   time.Time
}

// Request is one HTTP request the emulator received, as recorded before it
// was answered.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path as received.
	Path string
	// RawQuery is the query string without the question mark.
	RawQuery string
	// Header holds the request headers.
	Header http.Header
	// Form holds the form fields of a token request, with credentials such
	// as client_secret replaced by "REDACTED"; it is nil for other requests.
	Form url.Values
}

// New returns an emulator with the default application registered, the
// three fixture batches loaded and ScheduledBatchTrackingID scheduled.
func New() *Emulator {
	e := &Emulator{
		tenants:       map[string]*tenant{},
		tokens:        map[string]accessToken{},
		batches:       map[batchKey][]byte{},
		scheduled:     map[batchKey]*scheduledBatch{},
		clock:         realClock{},
		tokenRequests: map[string]int{},
		tokenLifetime: defaultTokenLifetime,

		refreshTokens:     map[string]appKey{},
		oidcRequestTokens: map[string]string{},
		managedIdentities: map[string]string{},
	}
	e.RegisterApp(DefaultTenantID, DefaultClientID, DefaultClientSecret)
	e.loadEmbeddedFixtures()
	e.scheduleDemoBatch()
	return e
}

// RegisterApp registers an application that may sign in to tenantID with the
// client credentials grant, replacing the secret of one already registered.
func (e *Emulator) RegisterApp(tenantID, clientID, clientSecret string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.app(tenantID, clientID).secret = clientSecret
}

// RegisterCertificate lets an application sign in to tenantID with client
// assertions signed by cert's private key, registering the application
// without a secret if it is new.
func (e *Emulator) RegisterCertificate(tenantID, clientID string, cert *x509.Certificate) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.app(tenantID, clientID)
	a.certificates = append(a.certificates, cert)
}

// SetTokenLifetime sets the lifetime of the tokens issued from now on, for
// tests of token renewal.
func (e *Emulator) SetTokenLifetime(lifetime time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tokenLifetime = lifetime
}

// app returns the application clientID of tenantID, registering both if
// new. The caller holds e.mu.
func (e *Emulator) app(tenantID, clientID string) *app {
	key := strings.ToLower(tenantID)
	t := e.tenants[key]
	if t == nil {
		t = &tenant{id: tenantID, apps: map[string]*app{}}
		e.tenants[key] = t
	}
	a := t.apps[strings.ToLower(clientID)]
	if a == nil {
		a = &app{}
		t.apps[strings.ToLower(clientID)] = a
	}
	return a
}

// ServeHTTP answers Entra ID requests under /{tenant}/ and Partner Center
// requests under /v1/.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	kind, tenantID := route(r.URL.Path)
	var form url.Values
	if kind == endpointToken {
		form = tokenForm(r)
	}
	e.record(r, redacted(form))
	switch kind {
	case endpointPartnerCenter:
		e.servePartnerCenter(w, r)
	case endpointDiscovery:
		e.serveDiscovery(w, r, tenantID)
	case endpointToken:
		e.serveToken(w, r, tenantID, form)
	case endpointIMDS:
		e.serveIMDS(w, r)
	case endpointOIDC:
		e.serveOIDCRequest(w, r)
	default:
		http.NotFound(w, r)
	}
}

// Requests returns a copy of every request received so far, in order.
func (e *Emulator) Requests() []Request {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Request, len(e.requests))
	for i, r := range e.requests {
		out[i] = r.clone()
	}
	return out
}

// TokenRequests returns how many token requests, successful or not, named
// clientID.
func (e *Emulator) TokenRequests(clientID string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.tokenRequests[strings.ToLower(clientID)]
}

// record appends r to the request log; form is the redacted form of a token
// request.
func (e *Emulator) record(r *http.Request, form url.Values) {
	req := Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header, Form: form}
	e.mu.Lock()
	defer e.mu.Unlock()
	// Cloned so that neither the handler nor a caller of Requests can change
	// the log afterwards.
	e.requests = append(e.requests, req.clone())
}

// clone returns a deep copy of r.
func (r Request) clone() Request {
	r.Header = r.Header.Clone()
	if r.Form != nil {
		form := make(url.Values, len(r.Form))
		for name, values := range r.Form {
			form[name] = slices.Clone(values)
		}
		r.Form = form
	}
	return r
}

// endpoint is what a request path addresses.
type endpoint int

const (
	endpointUnknown endpoint = iota
	endpointPartnerCenter
	endpointDiscovery
	endpointToken
	endpointIMDS
	endpointOIDC
)

// route names the endpoint path addresses and, for Entra ID's, the tenant in
// it.
func route(path string) (endpoint, string) {
	segments := strings.Split(path, "/")
	switch {
	case len(segments) > 1 && strings.EqualFold(segments[1], "v1"):
		return endpointPartnerCenter, ""
	case matchSegments(segments, "", "*", "v2.0", ".well-known", "openid-configuration"):
		return endpointDiscovery, segments[1]
	case matchSegments(segments, "", "*", "oauth2", "v2.0", "token"):
		return endpointToken, segments[1]
	case matchSegments(segments, "", "metadata", "identity", "oauth2", "token"):
		return endpointIMDS, ""
	case matchSegments(segments, "", "oidc", "token"):
		return endpointOIDC, ""
	}
	return endpointUnknown, ""
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

// contentTypeJSON is the Content-Type of every JSON body both services send.
const contentTypeJSON = "application/json; charset=utf-8"

// writeJSON writes v as the JSON body of a response with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Only the emulator's own types reach here, and they all marshal.
		panic(err)
	}
	w.Header().Set("Content-Type", contentTypeJSON)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
