package emulator

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// serverID is the MS-ServerId the emulator answers with: one server.
const serverID = "030020344"

// Partner Center's ApiFault codes the emulator answers with.
const (
	// codeAccessDenied comes with 401 for a missing or invalid token.
	codeAccessDenied = 400
	// codeNotFound comes with 404 for an unknown path or resource.
	codeNotFound = 1000
	// codeInvalidInput comes with 400 for a request body Partner Center
	// refuses.
	codeInvalidInput = 800002
)

// byteOrderMark is the UTF-8 byte order mark some Partner Center answers
// start with.
var byteOrderMark = []byte{0xEF, 0xBB, 0xBF}

// apiFault is Partner Center's error body.
type apiFault struct {
	Code        int      `json:"code"`
	Description string   `json:"description"`
	Data        []string `json:"data"`
	Source      string   `json:"source"`
}

// answer is the emulator's own answer to a Partner Center request, before
// any fault alters it.
type answer struct {
	status int
	// header holds the answer's own headers, such as Location or
	// Retry-After, on top of those every answer carries.
	header http.Header
	// body is empty for 202 and 204.
	body []byte
}

// call is one Partner Center request as a route's handler sees it.
type call struct {
	r *http.Request
	// segments is the path split on "/" and unescaped.
	segments []string
	// params are the segments the route's "*" matched, in order.
	params []string
	// token is the caller's access token.
	token accessToken
	// pace is the pacing the request sees, read once as its jobs settle:
	// the handler uses it rather than reading the clock and locking the
	// pacing again, and so sees the time the jobs were settled at.
	pace pace
	// answers are the Answers in force when the request was served, read
	// once so that one answer never mixes two choices.
	answers Answers
}

// servePartnerCenter answers a request under /v1/. Checks run in Partner
// Center's order: the token, then the route; an injected fault then alters
// or replaces the answer.
func (e *Emulator) servePartnerCenter(w http.ResponseWriter, r *http.Request, segments []string) {
	h := w.Header()
	h.Set("MS-RequestId", headerOrNewID(r, "MS-RequestId"))
	h.Set("MS-CorrelationId", headerOrNewID(r, "MS-CorrelationId"))
	h.Set("MS-CV", newCorrelationVector())
	h.Set("MS-ServerId", serverID)
	h.Set("Date", time.Now().UTC().Format(http.TimeFormat))

	token, ok := e.authorize(r)
	if !ok {
		h.Set("WWW-Authenticate", "Bearer")
		writeFault(w, http.StatusUnauthorized, codeAccessDenied, "Access denied")
		return
	}
	rt, params, allow := e.routes.match(r.Method, segments)
	f, faulty := e.faults.next(r.Method, segments)
	// A fault that replaces the answer keeps a change from being applied,
	// unless it is to be lost after being applied; reads are always
	// answered, as a read that a fault hides still counts for a step per
	// read.
	var own answer
	if !faulty || !f.replacesAnswer() || f.AfterApply || !mutates(r.Method) {
		own = e.answer(rt, allow, &call{r: r, segments: segments, params: params, token: token})
	}
	for name, values := range own.header {
		h[name] = values
	}
	if faulty {
		writeFaulty(w, r, own, f, segments[len(segments)-1])
		return
	}
	writeAnswer(w, own)
}

// answer is the emulator's answer to an authorized request for route rt;
// rt is nil when the path is unknown, or when it is known for the methods
// allow lists only. A change with an MS-RequestId is applied once and its
// answer stored; the same request again gets the stored answer.
func (e *Emulator) answer(rt *route, allow []string, c *call) answer {
	switch {
	case rt == nil && len(allow) > 0:
		a := faultAnswer(http.StatusMethodNotAllowed, http.StatusMethodNotAllowed, "Method not allowed")
		a.header = http.Header{"Allow": {strings.Join(allow, ", ")}}
		return a
	case rt == nil:
		return notFound()
	}
	serve := func() answer {
		// Under strict customers, Partner Center's answer for a customer
		// without relationship comes before anything of it is read.
		if rt.ofCustomer && !e.customers.serves(c.params[0]) {
			return noRelationship(c, c.params[0])
		}
		// Jobs make their changes when they fall due, whoever asks next.
		c.pace = e.settle()
		c.answers = e.Answers()
		a := rt.handle(c)
		if (rt.bom || e.bom.Load()) && a.status/100 == 2 && len(a.body) > 0 {
			a.body = append(append([]byte(nil), byteOrderMark...), a.body...)
		}
		return a
	}
	if id := c.r.Header.Get("MS-RequestId"); id != "" && mutates(c.r.Method) {
		return e.idempotency.do(idempotencyKey{requestID: id, method: c.r.Method, path: c.r.URL.EscapedPath()}, serve)
	}
	return serve()
}

// SetByteOrderMarks makes every successful Partner Center answer with a
// body start with a UTF-8 byte order mark when on, as client libraries
// report Partner Center sometimes does, not only the answers whose samples
// in Microsoft's documentation carry one. Clients must strip it.
func (e *Emulator) SetByteOrderMarks(on bool) {
	e.bom.Store(on)
}

// writeAnswer writes a over the headers already set.
func writeAnswer(w http.ResponseWriter, a answer) {
	h := w.Header()
	if len(a.body) > 0 {
		h.Set("Content-Type", contentTypeJSON)
	}
	// A 204 carries no Content-Length (RFC 9110, section 8.6); a 202 says
	// 0, as Microsoft's examples do.
	if a.status != http.StatusNoContent {
		h.Set("Content-Length", strconv.Itoa(len(a.body)))
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

// writeFault writes an ApiFault with Partner Center's code and description.
func writeFault(w http.ResponseWriter, status, code int, description string) {
	writeJSON(w, status, apiFault{Code: code, Description: description, Data: []string{}, Source: "PartnerFD"})
}

// faultAnswer is an ApiFault answer with Partner Center's code and description.
func faultAnswer(status, code int, description string) answer {
	return answer{status: status, body: mustMarshal(apiFault{Code: code, Description: description, Data: []string{}, Source: "PartnerFD"})}
}

// invalidInput is Partner Center's answer for a request body it refuses:
// 400 with code 800002, "Invalid request input", and detail, which says
// what is wrong, as the fault's data.
func invalidInput(detail string) answer {
	return answer{status: http.StatusBadRequest, body: mustMarshal(apiFault{Code: codeInvalidInput, Description: "Invalid request input",
		Data: []string{detail}, Source: "PartnerFD"})}
}

// maxBodyBytes bounds a request body: 5,000 devices with 4 KB hardware
// hashes take about 25 MB.
const maxBodyBytes = 64 << 20

// decodeBody reads the request's JSON body into v, or returns the 400 to
// answer. Field names match case-insensitively, so that the SDKs'
// PascalCase and other clients' camelCase are both understood, and
// unknown fields, such as the SDKs' Attributes, are ignored. A leading
// byte order mark is skipped.
func decodeBody(c *call, v any) (answer, bool) {
	body, err := io.ReadAll(io.LimitReader(c.r.Body, maxBodyBytes+1))
	switch {
	case err != nil:
		return invalidInput("The request body could not be read."), false
	case len(body) > maxBodyBytes:
		return invalidInput("The request body is too large."), false
	}
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(body, byteOrderMark)))
	if err := dec.Decode(v); err != nil {
		return invalidInput("The request body is not the JSON expected: " + err.Error()), false
	}
	if _, err := dec.Token(); err != io.EOF {
		return invalidInput("The request body holds data after its JSON value."), false
	}
	return answer{}, true
}

// notFound is Partner Center's answer for an unknown path or resource.
func notFound() answer {
	return faultAnswer(http.StatusNotFound, codeNotFound, "Not found")
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
