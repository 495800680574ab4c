package emulator

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// faultKeywords are the faults ParseFaults knows by name.
var faultKeywords = map[string]Fault{
	"drop":          {Mode: FaultDropConnection},
	"reset":         {Mode: FaultResetConnection},
	"drop-mid-body": {Mode: FaultDropMidBody},
	"truncate":      {Mode: FaultTruncate},
	"html": {Status: http.StatusOK, Header: http.Header{"Content-Type": {"text/html"}},
		Body: []byte("<html><body><h1>Service temporarily unavailable</h1></body></html>")},
	"malformed": {Status: http.StatusOK, Body: []byte(`{"batchTrackingId":`)},
}

// ParseFaults reads a fault sequence such as "429:57,503,drop,200", one
// request each, as the partnercenter-emulator command takes it: an HTTP
// status, optionally with the Retry-After seconds to send after a colon, or
// one of the keywords drop (close the connection), reset (abort it with a TCP
// reset), drop-mid-body, truncate, html (a 200 with an HTML page) and
// malformed (a 200 with broken JSON).
// 200 is the emulator's own answer.
func ParseFaults(sequence string) ([]Fault, error) {
	var faults []Fault
	for _, item := range strings.Split(sequence, ",") {
		item = strings.TrimSpace(item)
		if f, ok := faultKeywords[item]; ok {
			faults = append(faults, f)
			continue
		}
		status, retryAfter, hasRetryAfter := strings.Cut(item, ":")
		code, err := strconv.Atoi(status)
		if err != nil || code < 100 || code > 599 {
			return nil, fmt.Errorf("fault %q is neither an HTTP status nor one of drop, reset, drop-mid-body, truncate, html, malformed", item)
		}
		f := Fault{Status: code}
		if hasRetryAfter {
			if seconds, err := strconv.Atoi(retryAfter); err != nil || seconds < 0 {
				return nil, fmt.Errorf("fault %q: Retry-After %q is not a number of seconds", item, retryAfter)
			}
			f.Header = http.Header{"Retry-After": {retryAfter}}
		}
		faults = append(faults, f)
	}
	return faults, nil
}
