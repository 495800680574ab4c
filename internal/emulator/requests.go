package emulator

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// requestLog records every request the emulator receives, in order.
type requestLog struct {
	mu       sync.Mutex
	requests []Request
}

// record appends r to the log; form is the redacted form of a token
// request.
func (l *requestLog) record(r *http.Request, form url.Values) {
	req := Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header, Form: form}
	// Cloned so that neither the handler nor a caller of Requests can change
	// the log afterwards.
	req = req.clone()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests = append(l.requests, req)
}

// Requests returns a copy of every request received so far, in order.
func (e *Emulator) Requests() []Request {
	e.log.mu.Lock()
	defer e.log.mu.Unlock()
	out := make([]Request, len(e.log.requests))
	for i, r := range e.log.requests {
		out[i] = r.clone()
	}
	return out
}

// Attempts counts the Partner Center requests received with the given
// MS-RequestId: a client retrying one call sends the same ID each time,
// and every attempt counts, whether it was applied, answered from the
// idempotency store or refused.
func (e *Emulator) Attempts(requestID string) int {
	e.log.mu.Lock()
	defer e.log.mu.Unlock()
	n := 0
	for _, r := range e.log.requests {
		if isPartnerCenterPath(strings.Split(r.Path, "/")) && r.Header.Get("MS-RequestId") == requestID {
			n++
		}
	}
	return n
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
