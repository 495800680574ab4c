package emulator

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultMode is how an injected fault misbehaves beyond its status, headers
// and body.
type FaultMode int

// The ways a fault can break an answer.
const (
	// FaultAnswer answers with the fault's status, headers and body.
	FaultAnswer FaultMode = iota
	// FaultTruncate sends the first half of the body with a Content-Length
	// of that half: a complete HTTP answer whose JSON is cut short.
	FaultTruncate
	// FaultDropMidBody announces the whole body, sends its first half and
	// closes the connection.
	FaultDropMidBody
	// FaultDropConnection closes the connection without answering.
	FaultDropConnection
	// FaultOversize streams a JSON body for the requested batch that grows
	// past Fault.Size bytes, as a runaway server or proxy would.
	FaultOversize
	// FaultResetConnection aborts the connection without answering, with a
	// TCP reset rather than an orderly close, so that the client reads
	// "connection reset by peer".
	FaultResetConnection
)

// Fault is an injected answer to one Partner Center request, replacing or
// altering the emulator's own. Zero fields keep the emulator's answer: a
// Fault with only a Delay slows a correct answer down.
//
// A fault that replaces the answer (it drops the connection or sets an
// error status) keeps a POST, PUT, PATCH or DELETE from being
// applied, as a failure before the request reached Partner Center would,
// unless AfterApply is set. Any other fault needs the emulator's answer, so
// the request is applied. A GET is always served, then altered.
type Fault struct {
	// Method restricts the fault to requests with this HTTP method, such as
	// POST; empty matches any. A request with another method passes without
	// using the fault up.
	Method string
	// AfterApply applies the request (its changes made, its answer stored
	// under its MS-RequestId) before the fault replaces the answer: the
	// request succeeded, but the client never learns it, so its retry with
	// the same MS-RequestId must not apply it again.
	AfterApply bool
	// Status is the HTTP status; zero keeps the emulator's. With an error
	// status and no Body, the body is Partner Center's for that status:
	// its throttling message for 429, an ApiFault otherwise.
	Status int
	// Header holds headers set on top of the ones every Partner Center
	// response carries, replacing those of the same name, such as
	// Retry-After.
	Header http.Header
	// Body replaces the emulator's body when not nil. When Header sets no
	// Content-Type, the response says application/json.
	Body []byte
	// Delay is waited before answering, or until the client gives up.
	Delay time.Duration
	// Mode breaks the answer further; see FaultMode.
	Mode FaultMode
	// Size is the body size FaultOversize exceeds.
	Size int64
	// Times is how many consecutive requests get this fault: zero counts as
	// one, a negative value as every request from then on.
	Times int
}

// faultStore holds the injected faults pending, per route.
type faultStore struct {
	mu     sync.Mutex
	queues []*faultQueue
}

// faultQueue is the faults pending for one route.
type faultQueue struct {
	// segments is the route's path pattern, split on "/".
	segments []string
	faults   []Fault
}

// InjectFaults makes the next Partner Center requests whose path matches
// route get faults in order, one request each (see Fault.Times), then the
// emulator's own answers again. route is a path such as
// /v1/customers/*/deviceBatches, where "*" matches any segment; fixed
// segments match the path's unescaped segments case-insensitively, and
// the route says nothing of the method (see Fault.Method). Any path under
// /v1/ can get a fault, even one that no operation serves. Requests
// refused for their token and Entra ID requests never get a fault.
// InjectFaults replaces the faults pending for the same route, and no
// faults clears them. It panics on a status that the server could not send.
func (e *Emulator) InjectFaults(route string, faults ...Fault) {
	copied := make([]Fault, len(faults))
	for i, f := range faults {
		if f.Status != 0 && (f.Status < 100 || f.Status > 999) {
			panic(fmt.Sprintf("emulator: InjectFaults with invalid HTTP status %d", f.Status))
		}
		f.Header = f.Header.Clone()
		if f.Body != nil {
			f.Body = bytes.Clone(f.Body)
		}
		copied[i] = f
	}
	e.faults.mu.Lock()
	defer e.faults.mu.Unlock()
	for i, q := range e.faults.queues {
		if strings.EqualFold(strings.Join(q.segments, "/"), route) {
			e.faults.queues = append(e.faults.queues[:i], e.faults.queues[i+1:]...)
			break
		}
	}
	if len(copied) > 0 {
		e.faults.queues = append(e.faults.queues, &faultQueue{segments: strings.Split(route, "/"), faults: copied})
	}
}

// ClearFaults drops every pending fault.
func (e *Emulator) ClearFaults() {
	e.faults.mu.Lock()
	defer e.faults.mu.Unlock()
	e.faults.queues = nil
}

// next consumes the fault pending for a request with method and path
// segments, if any. Only the first fault of a queue is considered, so that
// faults come in the order given.
func (s *faultStore) next(method string, segments []string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, q := range s.queues {
		if !matchSegments(segments, q.segments...) || len(q.faults) == 0 {
			continue
		}
		f := &q.faults[0]
		if f.Method != "" && !strings.EqualFold(f.Method, method) {
			continue
		}
		switch {
		case f.Times < 0:
		case f.Times > 1:
			f.Times--
		default:
			q.faults = q.faults[1:]
		}
		return *f, true
	}
	return Fault{}, false
}

// replacesAnswer reports whether f answers without the emulator's answer:
// it drops the connection or sends an error status. A success status with
// a body of the fault's own still says the request was applied.
func (f Fault) replacesAnswer() bool {
	return f.Mode == FaultDropConnection || f.Mode == FaultResetConnection || f.Status >= http.StatusBadRequest
}

// writeFaulty writes own as f alters it, over the headers already set,
// own's among them. lastSegment is the path's last segment, the ID an
// oversize batch status names.
func writeFaulty(w http.ResponseWriter, r *http.Request, own answer, f Fault, lastSegment string) {
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return
		}
	}
	if f.Mode == FaultDropConnection || f.Mode == FaultResetConnection {
		dropConnection(w, nil, f.Mode == FaultResetConnection)
		return
	}
	status, body := own.status, own.body
	if f.Status != 0 {
		status = f.Status
		if f.Body == nil && status >= http.StatusBadRequest {
			body = faultBody(status, f.Header.Get("Retry-After"))
		}
	}
	if f.Body != nil {
		body = f.Body
	}
	h := w.Header()
	if status != own.status {
		// The answer's own headers, such as the pacing advice for an
		// unfinished batch or the Location of an accepted upload, are not
		// part of another answer.
		for name := range own.header {
			h.Del(name)
		}
	}
	// Deleted first, then added, so that names differing only in case in
	// f.Header add up instead of replacing each other.
	for name := range f.Header {
		h.Del(name)
	}
	for name, values := range f.Header {
		for _, v := range values {
			h.Add(name, v)
		}
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", contentTypeJSON)
	}
	switch f.Mode {
	case FaultTruncate:
		body = body[:len(body)/2]
	case FaultDropMidBody:
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		_, _ = w.Write(body[:len(body)/2])
		dropConnection(w, http.NewResponseController(w).Flush, false)
		return
	case FaultOversize:
		w.WriteHeader(status)
		writeOversize(w, lastSegment, f.Size)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// faultBody is Partner Center's body for an error status.
func faultBody(status int, retryAfter string) []byte {
	if status == http.StatusTooManyRequests {
		if retryAfter == "" {
			retryAfter = "1"
		}
		return fmt.Appendf(nil, `{"statusCode":429,"message":"Rate limit is exceeded. Try again in %s seconds."}`, retryAfter)
	}
	return fmt.Appendf(nil, `{"code":%d,"description":%q,"data":[],"source":"PartnerFD"}`, status, http.StatusText(status))
}

// writeOversize streams a batch status answer of more than size bytes, one
// device at a time, until it is written or the client stops reading.
func writeOversize(w http.ResponseWriter, trackingID string, size int64) {
	head := `{"batchTrackingId":"` + trackingID + `","status":"finished","devicesStatus":[`
	if _, err := w.Write([]byte(head)); err != nil {
		return
	}
	device := []byte(strings.Repeat(`{"serialNumber":"1234567890","status":"finished"},`, 1024))
	for written := int64(len(head)); written <= size; written += int64(len(device)) {
		if _, err := w.Write(device); err != nil {
			return
		}
	}
	_, _ = w.Write([]byte(`{"serialNumber":"1234567890","status":"finished"}]}`))
}

// dropConnection closes the client's connection without finishing the
// answer, after flush when given, with a TCP reset when reset is set. Over
// HTTP/2, where a connection cannot be hijacked, it resets the stream
// instead.
func dropConnection(w http.ResponseWriter, flush func() error, reset bool) {
	if flush != nil {
		_ = flush()
	}
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if reset {
		raw := conn
		if tlsConn, ok := conn.(*tls.Conn); ok {
			raw = tlsConn.NetConn()
		}
		// A zero linger makes close send RST instead of FIN.
		if tcp, ok := raw.(*net.TCPConn); ok {
			_ = tcp.SetLinger(0)
		}
	}
	_ = conn.Close()
}
