package emulator

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sync/atomic"
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

// Emulator serves Entra ID's token endpoint and Partner Center's device
// deployment API from memory. It is safe for concurrent use; the zero value
// is not usable, call New.
//
// Its state lives in stores, each under its own lock, so that requests on
// different resources do not wait for each other. A store's method may take
// another store's lock only in this order, which rules out deadlocks:
// jobs, then customers, batches, policies and devices. The request log, the pacing, the
// faults, the idempotency and page stores and Entra ID's state take no
// other lock while holding theirs. The answers (see SetAnswers) take none:
// a request reads them once, atomically, and keeps them.
type Emulator struct {
	// entra is Entra ID's side: tenants, applications, the tokens issued.
	entra entraState
	// log records every request received.
	log requestLog
	// pacing is the clock and the timings that jobs progress by.
	pacing pacing
	// faults holds the injected faults pending, per route.
	faults faultStore
	// routes are Partner Center's operations.
	routes routeTable
	// idempotency keeps the answers to requests that carried MS-RequestId.
	idempotency idempotencyStore
	// pages keeps the continuation tokens of paged collections.
	pages pageStore
	// bom, when set, starts every successful Partner Center body with a
	// UTF-8 byte order mark, not only the routes whose samples carry one.
	bom atomic.Bool
	// answers are the Answers SetAnswers chose, nil for the defaults.
	answers atomic.Pointer[Answers]

	// Partner Center's resources.
	customers customerStore
	jobs      jobStore
	batches   batchStore
	policies  policyStore
	devices   deviceStore
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
// seed customer (SeedCustomerID, Contoso) known, the three fixture batches
// loaded and ScheduledBatchTrackingID scheduled.
func New() *Emulator {
	e := &Emulator{
		entra:       newEntraState(),
		pacing:      newPacing(),
		idempotency: idempotencyStore{answers: map[idempotencyKey]*storedAnswer{}},
		pages:       pageStore{cursors: map[string]pageCursor{}, size: defaultPageSize},
		customers:   newCustomerStore(),
		jobs:        newJobStore(),
		batches:     newBatchStore(),
		policies:    newPolicyStore(),
		devices:     newDeviceStore(),
	}
	e.routes = e.partnerCenterRoutes()
	e.RegisterApp(DefaultTenantID, DefaultClientID, DefaultClientSecret)
	e.loadEmbeddedFixtures()
	e.scheduleDemoBatch()
	return e
}

// partnerCenterRoutes is the table of Partner Center's operations.
func (e *Emulator) partnerCenterRoutes() routeTable {
	var t routeTable
	t.add(http.MethodGet, CustomersRoute, e.listCustomers)
	t.add(http.MethodGet, CustomerRoute, e.getCustomer)
	t.add(http.MethodGet, BatchStatusRoute, e.getBatchStatus)
	t.add(http.MethodGet, DeviceBatchesRoute, e.listDeviceBatches)
	t.add(http.MethodPost, DeviceBatchesRoute, e.createDeviceBatch)
	t.add(http.MethodGet, DevicesRoute, e.listDevices)
	t.add(http.MethodPost, DevicesRoute, e.addDevices)
	t.add(http.MethodPut, DeviceRoute, e.updateDevice)
	t.add(http.MethodDelete, DeviceRoute, e.deleteDevice)
	t.add(http.MethodPatch, DevicePolicyUpdatesRoute, e.updateDevicePolicies)
	t.add(http.MethodGet, PoliciesRoute, e.listPolicies)
	t.add(http.MethodPost, PoliciesRoute, e.createPolicy)
	// Microsoft's sample of reading a policy starts with a byte order mark.
	t.addWithBOM(http.MethodGet, PolicyRoute, e.getPolicy)
	t.add(http.MethodPut, PolicyRoute, e.updatePolicy)
	t.add(http.MethodDelete, PolicyRoute, e.deletePolicy)
	return t
}

// ServeHTTP answers Partner Center requests under /v1/ and Entra ID's and
// Azure's sign-in requests elsewhere, recording each before answering it.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	segments := pathSegments(r)
	if isPartnerCenterPath(segments) {
		e.log.record(r, nil)
		e.servePartnerCenter(w, r, segments)
		return
	}
	for _, rt := range entraRoutes {
		params, ok := matchPattern(segments, rt.pattern)
		if !ok {
			continue
		}
		var form url.Values
		if rt.form {
			form = tokenForm(r)
		}
		e.log.record(r, redacted(form))
		rt.serve(e, w, r, params, form)
		return
	}
	e.log.record(r, nil)
	http.NotFound(w, r)
}

// contentTypeJSON is the Content-Type of every JSON body both services send.
const contentTypeJSON = "application/json; charset=utf-8"

// writeJSON writes v as the JSON body of a response with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", contentTypeJSON)
	w.WriteHeader(status)
	_, _ = w.Write(mustMarshal(v))
}

// mustMarshal returns v as JSON. Only the emulator's own types reach it, and
// they all marshal.
func mustMarshal(v any) []byte {
	body, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return body
}
