package partnercenter

import (
	"net/url"
	"strings"
	"testing"
)

const fuzzTrackingID = "0127ed8e-ff72-4983-a3d8-e8d8bd378932"

// FuzzDecodeBatchStatus feeds the decoder arbitrary bodies: it must never
// panic, and it must either explain the failure or return details for the
// batch asked for. The seed corpus is in testdata/fuzz.
func FuzzDecodeBatchStatus(f *testing.F) {
	f.Add("application/json", []byte(`{"batchTrackingId":"`+fuzzTrackingID+`","status":"finished","startedTime":"2017-07-25T10:00:00","completedTime":"0001-01-01T00:00:00","devicesStatus":[{"errorCode":808}]}`))
	f.Add("text/html", []byte(`<html>502 Bad Gateway</html>`))
	f.Add("application/json", []byte(`{"batchTrackingId":"`+fuzzTrackingID+`","status":"fin`))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		details, reason := decodeBatchStatus(contentType, body, fuzzTrackingID)
		switch {
		case reason == "" && details == nil:
			t.Fatal("neither details nor a reason")
		case reason != "" && details != nil:
			t.Fatalf("details %+v with reason %q", details, reason)
		case details != nil && !strings.EqualFold(details.BatchTrackingID, fuzzTrackingID):
			t.Fatalf("accepted an answer for batch %q", details.BatchTrackingID)
		}
	})
}

// decodeBatchStatus decodes a 200 answer for batchTrackingID, or says in
// words why it is not one: do's decoding and checks, without the HTTP, for the fuzzer.
func decodeBatchStatus(contentType string, body []byte, batchTrackingID string) (*BatchUploadDetails, string) {
	var wire batchUploadWire
	reason := decodeJSON(contentType, body, batchStatusAnswer, &wire)
	if reason == "" {
		reason = checkTrackingID(wire.BatchTrackingID, batchTrackingID)
	}
	if reason != "" {
		return nil, reason
	}
	details := wire.details()
	return &details, ""
}

// FuzzValidateBaseURL checks that every URL ValidateBaseURL accepts is one
// a bearer token may be sent to and that keeps nothing it would drop.
func FuzzValidateBaseURL(f *testing.F) {
	for _, seed := range []string{
		"https://api.partnercenter.microsoft.com",
		"https://gateway.example.com/partner-center/",
		"http://127.0.0.1:8080",
		"http://[::1]:8443/prefix",
		"http://localhost",
		"http://api.partnercenter.example.com",
		"https://user:pass@api.partnercenter.microsoft.com",
		"https://api.partnercenter.microsoft.com?x=1",
		"https://api.partnercenter.microsoft.com#frag",
		"ftp://api.partnercenter.microsoft.com",
		"//api.partnercenter.microsoft.com",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if ValidateBaseURL(raw) != nil {
			return
		}
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("accepted %q, which does not parse: %v", raw, err)
		}
		switch {
		case u.User != nil, u.RawQuery != "", u.ForceQuery, u.Fragment != "", strings.Contains(raw, "#"):
			t.Fatalf("accepted %q with user info, a query or a fragment", raw)
		case u.Hostname() == "":
			t.Fatalf("accepted %q without a host name", raw)
		case strings.HasSuffix(strings.ToLower(strings.TrimRight(u.Path, "/")), "/v1"):
			t.Fatalf("accepted %q, to which the client would add a second /v1", raw)
		case u.Scheme == "http" && !isLoopback(u.Hostname()):
			t.Fatalf("accepted http to %q", u.Hostname())
		case u.Scheme != "http" && u.Scheme != "https":
			t.Fatalf("accepted scheme %q", u.Scheme)
		}
	})
}
