package emulator

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// serverID is the MS-ServerId the emulator answers with: one server.
const serverID = "030020344"

// Failure is an answer FailNext substitutes for Partner Center's own.
type Failure struct {
	// Status is the HTTP status code.
	Status int
	// Header holds headers set on top of the ones every Partner Center
	// response carries, replacing those of the same name.
	Header http.Header
	// Body is written as given. When it is not empty and Header sets no
	// Content-Type, the response says application/json.
	Body []byte
}

// FailNext makes the next n authorized Partner Center requests get f instead
// of their answer; Entra ID requests and requests refused for their token do
// not count. It replaces any failure still pending, and n <= 0 cancels it.
// FailNext panics when f.Status is not a valid HTTP status code, which the
// server could not send.
func (e *Emulator) FailNext(n int, f Failure) {
	if f.Status < 100 || f.Status > 999 {
		panic(fmt.Sprintf("emulator: FailNext with invalid HTTP status %d", f.Status))
	}
	f.Header = f.Header.Clone()
	f.Body = append([]byte(nil), f.Body...)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.failure, e.failuresLeft = f, max(n, 0)
}

// nextFailure consumes one pending failure, if any.
func (e *Emulator) nextFailure() (Failure, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.failuresLeft == 0 {
		return Failure{}, false
	}
	e.failuresLeft--
	return e.failure, true
}

// apiFault is Partner Center's error body.
type apiFault struct {
	Code        int      `json:"code"`
	Description string   `json:"description"`
	Data        []string `json:"data"`
	Source      string   `json:"source"`
}

// servePartnerCenter answers a request under /v1/. Checks run in Partner
// Center's order: the token, then an injected failure, then the resource.
func (e *Emulator) servePartnerCenter(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("MS-RequestId", headerOrNewID(r, "MS-RequestId"))
	h.Set("MS-CorrelationId", headerOrNewID(r, "MS-CorrelationId"))
	h.Set("MS-CV", newCorrelationVector())
	h.Set("MS-ServerId", serverID)

	if !e.authorized(r) {
		h.Set("WWW-Authenticate", "Bearer")
		writeFault(w, http.StatusUnauthorized, 400, "Access denied")
		return
	}
	// The token is checked on arrival; the answer takes its time.
	e.mu.Lock()
	delay := e.responseDelay
	e.mu.Unlock()
	time.Sleep(delay)
	if f, ok := e.nextFailure(); ok {
		writeFailure(w, f)
		return
	}
	customerID, trackingID, ok := batchStatusPath(r.URL.Path)
	if !ok {
		writeFault(w, http.StatusNotFound, 1000, "Not found")
		return
	}
	if r.Method != http.MethodGet {
		h.Set("Allow", http.MethodGet)
		writeFault(w, http.StatusMethodNotAllowed, http.StatusMethodNotAllowed, "Method not allowed")
		return
	}
	body, unfinished, ok := e.batchAnswer(customerID, trackingID)
	if !ok {
		writeFault(w, http.StatusNotFound, 1000, "Not found")
		return
	}
	if retryAfter := e.retryAfterHeader(); unfinished && retryAfter != "" {
		h.Set("Retry-After", retryAfter)
	}
	h.Set("Content-Type", contentTypeJSON)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body) //nolint:gosec // a stored or generated BatchUploadDetails, sent as JSON, never as HTML
}

// batchStatusPath returns the IDs in /v1/customers/{cid}/batchJobStatus/{tid},
// whose fixed segments match case-insensitively: Microsoft's own example
// spells it batchjobstatus.
func batchStatusPath(path string) (customerID, trackingID string, ok bool) {
	s := strings.Split(path, "/")
	if !matchSegments(s, "", "v1", "customers", "*", "batchJobStatus", "*") {
		return "", "", false
	}
	return s[3], s[5], true
}

// writeFault writes an ApiFault with Partner Center's code and description.
func writeFault(w http.ResponseWriter, status, code int, description string) {
	writeJSON(w, status, apiFault{Code: code, Description: description, Data: []string{}, Source: "PartnerFD"})
}

// writeFailure writes an injected failure over the headers already set.
func writeFailure(w http.ResponseWriter, f Failure) {
	h := w.Header()
	// Deleted first, then added, so that names differing only in case
	// in f.Header add up instead of replacing each other.
	for name := range f.Header {
		h.Del(name)
	}
	for name, values := range f.Header {
		for _, v := range values {
			h.Add(name, v)
		}
	}
	if len(f.Body) > 0 && h.Get("Content-Type") == "" {
		h.Set("Content-Type", contentTypeJSON)
	}
	w.WriteHeader(f.Status)
	_, _ = w.Write(f.Body)
}

// headerOrNewID returns r's header name, or a new GUID when r has none, as
// Partner Center does for MS-RequestId and MS-CorrelationId.
func headerOrNewID(r *http.Request, name string) string {
	if v := r.Header.Get(name); v != "" {
		return v
	}
	return uuid.NewString()
}

// newCorrelationVector returns an MS-CV value such as YrLe3w6BbUSMt1fi.0:
// 12 random bytes in base64, then the vector's first element.
func newCorrelationVector() string {
	b := make([]byte, 12)
	// crypto/rand.Read never fails since Go 1.24.
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b) + ".0"
}
