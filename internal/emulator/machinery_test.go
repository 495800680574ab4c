package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// counters is a resource of the test routes that newMachineryEmulator adds:
// how many times a POST was applied, per customer.
type counters struct {
	mu     sync.Mutex
	counts map[string]int
}

func (c *counters) get(customer string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[customer]
}

// newMachineryEmulator returns an emulator with test routes on top of
// Partner Center's, to try the machinery every route shares:
//
//	POST   /v1/customers/*/counters    counts one up, 201 {"count":n}
//	GET    /v1/customers/*/counters    200 {"count":n}
//	DELETE /v1/customers/*/counters/*  204
//	GET    /v1/customers/*/items       a collection of n items "item-i"
//	GET    /v1/customers/*/bom         200 {"ok":true} with a byte order mark
func newMachineryEmulator(items int) (*Emulator, *counters) {
	e := New()
	c := &counters{counts: map[string]int{}}
	count := func(call *call) answer {
		return answer{status: http.StatusOK, body: fmt.Appendf(nil, `{"count":%d}`, c.get(call.params[0]))}
	}
	e.routes.add(http.MethodGet, "/v1/customers/*/counters", count)
	e.routes.add(http.MethodPost, "/v1/customers/*/counters", func(call *call) answer {
		c.mu.Lock()
		c.counts[call.params[0]]++
		c.mu.Unlock()
		a := count(call)
		a.status = http.StatusCreated
		return a
	})
	e.routes.add(http.MethodDelete, "/v1/customers/*/counters/*", func(*call) answer {
		return answer{status: http.StatusNoContent}
	})
	e.routes.add(http.MethodGet, "/v1/customers/*/items", func(call *call) answer {
		list := make([]string, items)
		for i := range list {
			list[i] = "item-" + strconv.Itoa(i)
		}
		return page(e, call, "/customers/"+call.params[0]+"/items", list, func(item string) string { return item })
	})
	e.routes.addWithBOM(http.MethodGet, "/v1/customers/*/bom", func(*call) answer {
		return answer{status: http.StatusOK, body: []byte(`{"ok":true}`)}
	})
	return e, c
}

// send sends a Partner Center request with a valid token, the headers given
// as name, value pairs.
func send(e *Emulator, method, path string, header ...string) response {
	h := http.Header{"Authorization": {"Bearer " + e.NewAccessToken(DefaultTenantID, time.Hour)}}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return serve(e, method, path, h, nil)
}

func TestRouteTable(t *testing.T) {
	e, _ := newMachineryEmulator(0)
	tests := []struct {
		name, method, path string
		wantStatus         int
		wantAllow          string
		wantBody           string
	}{
		{"known route", http.MethodGet, "/v1/customers/c1/counters", http.StatusOK, "", `{"count":0}`},
		{"fixed segments in any case", http.MethodGet, "/V1/CUSTOMERS/c1/COUNTERS", http.StatusOK, "", `{"count":0}`},
		{"another method of a known path", http.MethodPut, "/v1/customers/c1/counters", http.StatusMethodNotAllowed, "GET, POST",
			`{"code":405,"description":"Method not allowed","data":[],"source":"PartnerFD"}`},
		{"a method of another path", http.MethodGet, "/v1/customers/c1/counters/x", http.StatusMethodNotAllowed, "DELETE", ""},
		{"unknown path", http.MethodGet, "/v1/customers/c1/unknown", http.StatusNotFound, "", notFoundBody},
		{"empty segment", http.MethodGet, "/v1/customers//counters", http.StatusNotFound, "", notFoundBody},
		{"too long", http.MethodGet, "/v1/customers/c1/counters/x/y", http.StatusNotFound, "", notFoundBody},
		{"root of v1", http.MethodGet, "/v1", http.StatusNotFound, "", notFoundBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := send(e, tt.method, tt.path)
			if got.status != tt.wantStatus || got.header.Get("Allow") != tt.wantAllow {
				t.Fatalf("status %d Allow %q, want %d %q; body %s", got.status, got.header.Get("Allow"), tt.wantStatus, tt.wantAllow, got.body)
			}
			if tt.wantBody != "" && got.body != tt.wantBody {
				t.Errorf("body %s, want %s", got.body, tt.wantBody)
			}
			if got.header.Get("Content-Type") != jsonContentType {
				t.Errorf("Content-Type %q", got.header.Get("Content-Type"))
			}
		})
	}
}

func TestRouteParametersAreUnescapedSegments(t *testing.T) {
	e := New()
	var got []string
	e.routes.add(http.MethodGet, "/v1/customers/*/things/*", func(c *call) answer {
		got = c.params
		return answer{status: http.StatusOK, body: []byte(`{}`)}
	})
	for path, want := range map[string]string{
		"/v1/customers/c1/things/Test%20batch": "c1|Test batch",
		"/v1/customers/c1/things/a%2Fb":        "c1|a/b",
		"/v1/customers/c1/things/100%25":       "c1|100%",
		"/v1/customers/c1/things/plain":        "c1|plain",
	} {
		if r := send(e, http.MethodGet, path); r.status != http.StatusOK || strings.Join(got, "|") != want {
			t.Errorf("%s: status %d params %q, want %q", path, r.status, got, want)
		}
	}
	// An escaped "/" does not split a segment, so the path is one segment
	// short of any route with more.
	if r := send(e, http.MethodGet, "/v1/customers/c1%2Fthings/x"); r.status != http.StatusNotFound {
		t.Errorf("escaped slash: status %d, want 404", r.status)
	}
}

func TestEveryAnswerCarriesPartnerCenterHeaders(t *testing.T) {
	e, _ := newMachineryEmulator(0)
	for _, r := range []response{
		send(e, http.MethodGet, "/v1/customers/c1/counters"),
		send(e, http.MethodPost, "/v1/customers/c1/counters"),
		send(e, http.MethodGet, "/v1/customers/c1/unknown"),
		send(e, http.MethodPut, "/v1/customers/c1/counters"),
	} {
		if !guidPattern.MatchString(r.header.Get("MS-RequestId")) || !guidPattern.MatchString(r.header.Get("MS-CorrelationId")) ||
			!cvPattern.MatchString(r.header.Get("MS-CV")) || r.header.Get("MS-ServerId") != serverID {
			t.Errorf("status %d headers %v", r.status, r.header)
		}
		if d, err := http.ParseTime(r.header.Get("Date")); err != nil || time.Since(d) > time.Minute {
			t.Errorf("Date %q: %v", r.header.Get("Date"), err)
		}
	}
	if r := send(e, http.MethodDelete, "/v1/customers/c1/counters/x"); r.status != http.StatusNoContent ||
		r.header.Get("Content-Length") != "" || r.header.Get("Content-Type") != "" || r.body != "" {
		t.Errorf("204: status %d headers %v body %q", r.status, r.header, r.body)
	}
}

func TestIdempotency(t *testing.T) {
	e, c := newMachineryEmulator(0)
	const id1, id2 = "11111111-0000-4000-8000-000000000001", "11111111-0000-4000-8000-000000000002"
	first := send(e, http.MethodPost, "/v1/customers/c1/counters", "MS-RequestId", id1)
	again := send(e, http.MethodPost, "/v1/customers/c1/counters", "MS-RequestId", id1)
	if first.status != http.StatusCreated || again.status != first.status || again.body != first.body || first.body != `{"count":1}` {
		t.Fatalf("first %d %s, again %d %s; want the same 201 count 1", first.status, first.body, again.status, again.body)
	}
	if n := c.get("c1"); n != 1 {
		t.Fatalf("applied %d times, want once", n)
	}
	if again.header.Get("MS-RequestId") != id1 || again.header.Get("MS-CV") == first.header.Get("MS-CV") {
		t.Errorf("the repeated answer's headers are not its own: %v", again.header)
	}
	// Another ID, another path or no ID at all is another request.
	send(e, http.MethodPost, "/v1/customers/c1/counters", "MS-RequestId", id2)
	send(e, http.MethodPost, "/v1/customers/c2/counters", "MS-RequestId", id1)
	send(e, http.MethodPost, "/v1/customers/c1/counters")
	send(e, http.MethodPost, "/v1/customers/c1/counters")
	if n1, n2 := c.get("c1"), c.get("c2"); n1 != 4 || n2 != 1 {
		t.Errorf("applied %d times to c1 and %d to c2, want 4 and 1", n1, n2)
	}
	// A GET with an ID is always served afresh.
	if r := send(e, http.MethodGet, "/v1/customers/c1/counters", "MS-RequestId", id1); r.body != `{"count":4}` {
		t.Errorf("GET with a used ID: %s", r.body)
	}
	if n := e.Attempts(id1); n != 4 {
		t.Errorf("Attempts(%s) = %d, want 4", id1, n)
	}
}

func TestIdempotencyUnderConcurrentRetries(t *testing.T) {
	e, c := newMachineryEmulator(0)
	var wg sync.WaitGroup
	var answered atomic.Int32
	for range 8 {
		wg.Go(func() {
			if r := send(e, http.MethodPost, "/v1/customers/c1/counters", "MS-RequestId", "same"); r.body == `{"count":1}` {
				answered.Add(1)
			}
		})
	}
	wg.Wait()
	if n := c.get("c1"); n != 1 || answered.Load() != 8 {
		t.Errorf("applied %d times, %d of 8 answered with the first answer", n, answered.Load())
	}
}

// pageView is what a test reads of a collection page.
type pageView struct {
	TotalCount        int      `json:"totalCount"`
	Items             []string `json:"items"`
	ContinuationToken string   `json:"continuationToken"`
	Links             struct {
		Self link  `json:"self"`
		Next *link `json:"next"`
	} `json:"links"`
	Attributes objectType `json:"attributes"`
}

func readPage(t *testing.T, r response) pageView {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d body %s", r.status, r.body)
	}
	var v pageView
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("%v in %s", err, r.body)
	}
	return v
}

func TestPaging(t *testing.T) {
	e, _ := newMachineryEmulator(250)
	const path = "/v1/customers/c1/items"
	var pages []int
	token := ""
	seen := 0
	for {
		var header []string
		if token != "" {
			header = []string{"MS-ContinuationToken", token}
		}
		v := readPage(t, send(e, http.MethodGet, path, header...))
		if v.TotalCount != 250 || v.Attributes.ObjectType != "Collection" || v.Links.Self.URI != "/customers/c1/items" || v.Links.Self.Method != "GET" {
			t.Fatalf("page %d: %+v", len(pages)+1, v)
		}
		for i, item := range v.Items {
			if item != "item-"+strconv.Itoa(seen+i) {
				t.Fatalf("page %d item %d is %s", len(pages)+1, i, item)
			}
		}
		seen += len(v.Items)
		pages = append(pages, len(v.Items))
		if v.ContinuationToken == "" {
			if v.Links.Next != nil {
				t.Errorf("last page has a next link %+v", v.Links.Next)
			}
			break
		}
		if n := v.Links.Next; n == nil || n.URI != "/customers/c1/items" || len(n.Headers) != 1 ||
			n.Headers[0] != (linkHeader{"MS-ContinuationToken", v.ContinuationToken}) {
			t.Errorf("next link %+v, want one carrying the token", v.Links.Next)
		}
		token = v.ContinuationToken
	}
	if fmt.Sprint(pages) != "[100 100 50]" {
		t.Errorf("pages of %v, want [100 100 50]", pages)
	}

	// A token serves its collection again (a retried page), whatever the
	// case of the path, and no other collection.
	first := readPage(t, send(e, http.MethodGet, path))
	for range 2 {
		if v := readPage(t, send(e, http.MethodGet, strings.ToUpper(path[:13])+path[13:], "MS-ContinuationToken", first.ContinuationToken)); v.Items[0] != "item-100" {
			t.Errorf("retried second page starts at %s", v.Items[0])
		}
	}
	for name, r := range map[string]response{
		"unknown token":        send(e, http.MethodGet, path, "MS-ContinuationToken", "not-a-token"),
		"another collection's": send(e, http.MethodGet, "/v1/customers/c2/items", "MS-ContinuationToken", first.ContinuationToken),
		"altered token":        send(e, http.MethodGet, "/v1/customers/c1/items", "MS-ContinuationToken", "x"+first.ContinuationToken),
	} {
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, `"code":800002`) || !strings.Contains(r.body, "continuation token") {
			t.Errorf("%s: status %d body %s, want a 400 ApiFault", name, r.status, r.body)
		}
	}

	e.SetPageSize(3)
	if v := readPage(t, send(e, http.MethodGet, path)); len(v.Items) != 3 || v.ContinuationToken == "" {
		t.Errorf("page size 3: %d items", len(v.Items))
	}
	e.SetPageSize(0)
	if v := readPage(t, send(e, http.MethodGet, path)); len(v.Items) != 100 {
		t.Errorf("page size restored: %d items", len(v.Items))
	}
}

func TestEmptyCollection(t *testing.T) {
	e, _ := newMachineryEmulator(0)
	r := send(e, http.MethodGet, "/v1/customers/c1/items")
	want := `{"totalCount":0,"items":[],"links":{"self":{"uri":"/customers/c1/items","method":"GET","headers":[]}},"attributes":{"objectType":"Collection"}}`
	if r.body != want {
		t.Errorf("body %s\nwant %s", r.body, want)
	}
}

func TestByteOrderMark(t *testing.T) {
	e, _ := newMachineryEmulator(0)
	r := send(e, http.MethodGet, "/v1/customers/c1/bom")
	if r.body != "\xEF\xBB\xBF"+`{"ok":true}` || r.header.Get("Content-Length") != "14" {
		t.Errorf("body %q Content-Length %s, want a byte order mark and 14", r.body, r.header.Get("Content-Length"))
	}
	if r := send(e, http.MethodGet, "/v1/customers/c1/counters"); strings.HasPrefix(r.body, "\xEF") {
		t.Errorf("a route without one: %q", r.body)
	}
	e.SetByteOrderMarks(true)
	if r := send(e, http.MethodGet, "/v1/customers/c1/counters"); r.body != "\xEF\xBB\xBF"+`{"count":0}` {
		t.Errorf("with SetByteOrderMarks: %q", r.body)
	}
	if r := send(e, http.MethodGet, "/v1/customers/c1/unknown"); r.body != notFoundBody {
		t.Errorf("an error with SetByteOrderMarks: %q", r.body)
	}
	if r := send(e, http.MethodGet, batchPath(SeedCustomerID, SeedBatchTrackingID)); r.body != "\xEF\xBB\xBF"+seedPageBody {
		t.Errorf("the seed batch with SetByteOrderMarks: %q", r.body)
	}
}

func TestFaultsOnAnyRoute(t *testing.T) {
	e, c := newMachineryEmulator(0)
	const route = "/v1/customers/*/counters"

	// A fault for POST lets a GET of the same path pass.
	e.InjectFaults(route, Fault{Method: http.MethodPost, Status: http.StatusServiceUnavailable})
	if r := send(e, http.MethodGet, "/v1/customers/c1/counters"); r.status != http.StatusOK {
		t.Fatalf("GET got the POST's fault: %d", r.status)
	}
	if r := send(e, http.MethodPost, "/v1/customers/c1/counters", "MS-RequestId", "r1"); r.status != http.StatusServiceUnavailable {
		t.Fatalf("POST: status %d, want the fault", r.status)
	}
	// The fault answered instead: nothing applied, nothing stored.
	if n := c.get("c1"); n != 0 {
		t.Fatalf("a refused POST was applied %d times", n)
	}
	if r := send(e, http.MethodPost, "/v1/customers/c1/counters", "MS-RequestId", "r1"); r.status != http.StatusCreated || r.body != `{"count":1}` {
		t.Fatalf("retry: status %d body %s", r.status, r.body)
	}

	// AfterApply: applied and stored, then lost; the retry is answered
	// from the store.
	e.InjectFaults(route, Fault{Method: http.MethodPost, Status: http.StatusGatewayTimeout, AfterApply: true})
	if r := send(e, http.MethodPost, "/v1/customers/c1/counters", "MS-RequestId", "r2"); r.status != http.StatusGatewayTimeout {
		t.Fatalf("POST: status %d, want the fault", r.status)
	}
	if r := send(e, http.MethodPost, "/v1/customers/c1/counters", "MS-RequestId", "r2"); r.status != http.StatusCreated || r.body != `{"count":2}` {
		t.Fatalf("retry: status %d body %s, want the stored 201 count 2", r.status, r.body)
	}
	if n := c.get("c1"); n != 2 || e.Attempts("r2") != 2 {
		t.Errorf("applied %d times in all, %d attempts; want 2 and 2", n, e.Attempts("r2"))
	}

	// A fault that needs the emulator's answer applies the request.
	e.InjectFaults(route, Fault{Method: http.MethodPost, Mode: FaultTruncate})
	if r := send(e, http.MethodPost, "/v1/customers/c1/counters", "MS-RequestId", "r3"); r.status != http.StatusCreated || r.body != `{"cou` {
		t.Errorf("truncated: status %d body %q", r.status, r.body)
	}
	if n := c.get("c1"); n != 3 {
		t.Errorf("applied %d times, want 3", n)
	}

	// Faults reach unknown paths too, and keep their order per route.
	e.InjectFaults("/v1/customers/*/nowhere", Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"3"}}})
	if r := send(e, http.MethodGet, "/v1/customers/c1/nowhere"); r.status != http.StatusTooManyRequests ||
		r.body != `{"statusCode":429,"message":"Rate limit is exceeded. Try again in 3 seconds."}` {
		t.Errorf("unknown path: status %d body %s", r.status, r.body)
	}
}

// A fault that changes the status drops the headers of the emulator's own
// answer, such as a 405's Allow.
func TestFaultDropsTheAnswersOwnHeaders(t *testing.T) {
	e, _ := newMachineryEmulator(0)
	e.InjectFaults("/v1/customers/*/counters", Fault{Status: http.StatusBadGateway})
	if r := send(e, http.MethodPut, "/v1/customers/c1/counters"); r.status != http.StatusBadGateway || r.header.Get("Allow") != "" {
		t.Errorf("status %d Allow %q", r.status, r.header.Get("Allow"))
	}
}

func TestFaultAfterApplyDropsTheConnection(t *testing.T) {
	e, c := newMachineryEmulator(0)
	server := httptest.NewServer(e)
	defer server.Close()
	token := e.NewAccessToken(DefaultTenantID, time.Hour)
	post := func() (*http.Response, error) {
		req, err := http.NewRequest(http.MethodPost, server.URL+"/v1/customers/c1/counters", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("MS-RequestId", "dropped")
		return server.Client().Do(req)
	}
	e.InjectFaults("/v1/customers/*/counters", Fault{Mode: FaultDropConnection, AfterApply: true}, Fault{Mode: FaultResetConnection})
	if resp, err := post(); err == nil {
		resp.Body.Close()
		t.Fatalf("answered %s, want a dropped connection", resp.Status)
	}
	// The reset comes before applying: the retry after it is the first
	// to be answered, with the answer stored by the dropped one.
	if resp, err := post(); err == nil || !strings.Contains(err.Error(), "reset") {
		if err == nil {
			resp.Body.Close()
		}
		t.Fatalf("error %v, want a connection reset", err)
	}
	resp, err := post()
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated || !bytes.Equal(body, []byte(`{"count":1}`)) || c.get("c1") != 1 {
		t.Errorf("status %d body %s, applied %d times; want the stored 201 and one application", resp.StatusCode, body, c.get("c1"))
	}
	if n := e.Attempts("dropped"); n != 3 {
		t.Errorf("Attempts %d, want 3", n)
	}
}

func TestCustomers(t *testing.T) {
	e := New()
	e.AddCustomer("B0000000-0000-4000-8000-000000000000")
	e.AddCustomer("b0000000-0000-4000-8000-000000000000")
	if err := e.PutBatch("a0000000-0000-4000-8000-000000000000", []byte(`{"batchTrackingId":"t"}`)); err != nil {
		t.Fatal(err)
	}
	want := "[" + SeedCustomerID + " B0000000-0000-4000-8000-000000000000 a0000000-0000-4000-8000-000000000000]"
	if got := fmt.Sprint(e.Customers()); got != want {
		t.Errorf("Customers() = %s, want %s", got, want)
	}
}
