package emulator

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// serverID is the MS-ServerId the emulator answers with: one server.
const serverID = "030020344"

// apiFault is Partner Center's error body.
type apiFault struct {
	Code        int      `json:"code"`
	Description string   `json:"description"`
	Data        []string `json:"data"`
	Source      string   `json:"source"`
}

// servePartnerCenter answers a request under /v1/. Checks run in Partner
// Center's order: the token, then the resource; an injected fault then
// alters the answer.
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
	// The token is checked on arrival; a fault's delay comes after.
	own, trackingID := e.partnerCenterAnswer(w, r)
	if f, ok := e.nextFault(r.URL.Path); ok {
		writeFaulty(w, r, own, f, trackingID)
		return
	}
	if own.status == http.StatusOK {
		h.Set("Content-Length", strconv.Itoa(len(own.body)))
	}
	h.Set("Content-Type", contentTypeJSON)
	w.WriteHeader(own.status)
	_, _ = w.Write(own.body)
}

// partnerCenterAnswer is the emulator's answer to an authorized request,
// and the batch tracking ID it addresses, if any.
func (e *Emulator) partnerCenterAnswer(w http.ResponseWriter, r *http.Request) (answer, string) {
	customerID, trackingID, ok := batchStatusPath(r.URL.Path)
	if !ok {
		return faultAnswer(http.StatusNotFound, 1000, "Not found"), ""
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		return faultAnswer(http.StatusMethodNotAllowed, http.StatusMethodNotAllowed, "Method not allowed"), trackingID
	}
	body, unfinished, ok := e.batchAnswer(customerID, trackingID)
	if !ok {
		return faultAnswer(http.StatusNotFound, 1000, "Not found"), trackingID
	}
	if unfinished {
		// Set before any fault, which drops it when it changes the status.
		if retryAfter := e.retryAfterHeader(); retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
	}
	return answer{status: http.StatusOK, body: body}, trackingID
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

// faultAnswer is an ApiFault answer with Partner Center's code and description.
func faultAnswer(status, code int, description string) answer {
	body, err := json.Marshal(apiFault{Code: code, Description: description, Data: []string{}, Source: "PartnerFD"})
	if err != nil {
		// apiFault always marshals.
		panic(err)
	}
	return answer{status: status, body: body}
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
