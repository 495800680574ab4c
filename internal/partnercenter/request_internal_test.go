package partnercenter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

const (
	testCustomerID = "47021739-3426-40bf-9601-61b4b6d7c793"
	testTrackingID = "0127ed8e-ff72-4983-a3d8-e8d8bd378932"
)

// fixedToken is a credential that always hands out the same token.
type fixedToken struct{}

func (fixedToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "t", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// seen is one request a scriptedServer received.
type seen struct {
	method, path, requestID, continuation, body string
}

// scriptedServer answers with its answers in turn, the last one again and
// again, and keeps what it was sent.
type scriptedServer struct {
	mu      sync.Mutex
	answers []func(w http.ResponseWriter)
	seen    []seen
}

func (s *scriptedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.seen = append(s.seen, seen{r.Method, r.URL.EscapedPath(), r.Header.Get(headerRequestID), r.Header.Get(headerContinuationToken), string(body)})
	respond := s.answers[0]
	if len(s.answers) > 1 {
		s.answers = s.answers[1:]
	}
	s.mu.Unlock()
	respond(w)
}

func (s *scriptedServer) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.seen...)
}

func reply(status int, body string, header ...string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func scriptedClient(t *testing.T, answers ...func(http.ResponseWriter)) (*Client, *scriptedServer) {
	t.Helper()
	s := &scriptedServer{answers: answers}
	server := httptest.NewServer(s)
	t.Cleanup(server.Close)
	client, err := NewClient(Options{
		BaseURL: server.URL, Credential: fixedToken{}, MaxRetries: 3,
		ClientOptions: policy.ClientOptions{Retry: policy.RetryOptions{RetryDelay: time.Millisecond, MaxRetryDelay: time.Millisecond}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return client, s
}

// testContext is a context that ends a test that would otherwise hang.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestEveryMethodIsRetriedWithTheSameRequestIDAndBody(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		t.Run(method, func(t *testing.T) {
			client, server := scriptedClient(t,
				reply(http.StatusTooManyRequests, `{"statusCode":429,"message":"Rate limit is exceeded."}`, "Retry-After-Ms", "1"),
				reply(http.StatusServiceUnavailable, `{"code":800003,"description":"Unexpected service error"}`),
				func(w http.ResponseWriter) { panic(http.ErrAbortHandler) }, // a dropped connection
				reply(http.StatusNoContent, ""))
			_, err := client.do(testContext(t), request{method: method, path: "/v1/customers/c/x", body: map[string]string{"name": "n"},
				success: []int{http.StatusNoContent}, what: "the answer"})
			if err != nil {
				t.Fatal(err)
			}
			got := server.requests()
			if len(got) != 4 {
				t.Fatalf("%d attempts, want 4", len(got))
			}
			for _, r := range got {
				if r.method != method || r.requestID != got[0].requestID || r.body != `{"name":"n"}` {
					t.Errorf("attempt %+v differs from the first %+v", r, got[0])
				}
			}
		})
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	for _, status := range []int{400, 403, 404, 405, 409, 412} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			client, server := scriptedClient(t, reply(status, `{"code":1,"description":"no"}`), reply(http.StatusNoContent, ""))
			_, err := client.do(testContext(t), request{method: http.MethodPost, path: "/v1/x", body: []int{1},
				success: []int{http.StatusNoContent}, what: "the answer"})
			var respErr *ResponseError
			if !errors.As(err, &respErr) || respErr.StatusCode != status || respErr.Attempts != 1 {
				t.Fatalf("err = %v, want a *ResponseError %d after 1 attempt", err, status)
			}
			if n := len(server.requests()); n != 1 {
				t.Errorf("%d attempts, want 1", n)
			}
		})
	}
}

func TestDecodeStripsAByteOrderMark(t *testing.T) {
	var out struct {
		Name string `json:"name"`
	}
	if reason := decodeJSON("application/json", []byte("\xef\xbb\xbf {\"name\":\"Autopilot\"}"), "the policy", &out); reason != "" || out.Name != "Autopilot" {
		t.Errorf("decodeJSON = %q, %+v; want the policy decoded", reason, out)
	}
}

func TestDecodeRefusesWhatIsNotAnObject(t *testing.T) {
	long := "[" + strings.Repeat("1,", 1000) + "1]"
	tests := []struct{ contentType, body, want string }{
		{"application/json", "", "the answer has an empty body"},
		{"application/json", "\xef\xbb\xbf  \n", "the answer has an empty body"},
		{"text/html", "<html>502</html>", "the answer is an HTML page, not JSON"},
		{"application/json", `"text"`, `the answer is not a JSON object: "\"text\""`},
		{"application/json", long, `the answer is not a JSON object: "[1,1,`},
		{"application/json", `{"name":`, "the answer is truncated after 8 bytes"},
		{"application/json", `{"name":1}`, "decoding the answer: json: cannot unmarshal number"},
	}
	for _, tt := range tests {
		var out struct {
			Name string `json:"name"`
		}
		reason := decodeJSON(tt.contentType, []byte(tt.body), "the answer", &out)
		if !strings.HasPrefix(reason, tt.want) {
			t.Errorf("decodeJSON(%.20q) = %q, want it to start with %q", tt.body, reason, tt.want)
		}
		if len(reason) > len("the answer is not a JSON object: ")+maxQuotedText+10 {
			t.Errorf("decodeJSON(%.20q) quotes %d bytes of server text, more than %d", tt.body, len(reason), maxQuotedText)
		}
	}
}

func TestStartJobReadsTheLocation(t *testing.T) {
	location := "/customers/" + testCustomerID + "/batchJobStatus/" + testTrackingID
	tests := []struct {
		name   string
		answer func(http.ResponseWriter)
	}{
		{"Location header, empty body", reply(http.StatusAccepted, "", "Location", location)},
		{"Location header, 200", reply(http.StatusOK, "", "Location", location)},
		{"status link in the body", reply(http.StatusAccepted, `{"links":{"status":{"uri":"`+location+`","method":"GET"}}}`)},
		{"Location header with a byte order mark body", reply(http.StatusAccepted, "\xef\xbb\xbf", "Location", location)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, _ := scriptedClient(t, tt.answer)
			job, err := client.startJob(testContext(t), request{method: http.MethodPost, path: "/v1/x", body: []int{}, what: "the upload answer"})
			if err != nil {
				t.Fatal(err)
			}
			if job.CustomerID != testCustomerID || job.TrackingID != testTrackingID || job.Location != location {
				t.Errorf("job %+v, want the IDs of %s", job, location)
			}
		})
	}
}

func TestStartJobWithoutALocationIsAnInvalidResponse(t *testing.T) {
	for name, answer := range map[string]func(http.ResponseWriter){
		"no link":      reply(http.StatusAccepted, "", "MS-RequestId", "req-1"),
		"another path": reply(http.StatusAccepted, "", "Location", "/customers/"+testCustomerID+"/deviceBatches/x"),
	} {
		t.Run(name, func(t *testing.T) {
			client, _ := scriptedClient(t, answer)
			_, err := client.startJob(testContext(t), request{method: http.MethodPost, path: "/v1/x", what: "the upload answer"})
			if !errors.Is(err, ErrInvalidResponse) || KindOf(err) != KindInvalidResponse || !strings.Contains(err.Error(), "the upload answer") {
				t.Errorf("err = %v, want an invalid response naming the upload answer", err)
			}
		})
	}
}

func TestListAllFollowsContinuationTokens(t *testing.T) {
	client, server := scriptedClient(t,
		reply(http.StatusOK, "\xef\xbb\xbf"+`{"totalCount":5,"items":[1,2],"continuationToken":"page-2"}`),
		reply(http.StatusOK, `{"totalCount":5,"items":[3,4],"links":{"next":{"uri":"/v1/x","method":"GET","headers":[{"key":"MS-ContinuationToken","value":"page-3"}]}}}`),
		reply(http.StatusOK, `{"totalCount":5,"items":[5],"links":{"self":{"uri":"/v1/x"}}}`))
	items, err := listAll[int](testContext(t), client, "/v1/x", "the list")
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{1, 2, 3, 4, 5}; len(items) != len(want) || items[4] != 5 {
		t.Errorf("items %v, want %v", items, want)
	}
	var tokens []string
	for _, r := range server.requests() {
		tokens = append(tokens, r.continuation)
	}
	if got := strings.Join(tokens, ","); got != ",page-2,page-3" {
		t.Errorf("MS-ContinuationToken sent %q, want none, page-2, page-3", got)
	}
}

// TestListAllDoesNotAllocateForTotalCount: a page announcing a huge
// totalCount is read for its items; room is not made for the count, which a
// broken server could set to anything.
func TestListAllDoesNotAllocateForTotalCount(t *testing.T) {
	client, _ := scriptedClient(t, reply(http.StatusOK, `{"totalCount":1000000000000,"items":[1,2]}`))
	const bound = 4 << 20
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	items, err := listAll[int](testContext(t), client, "/v1/x", "the list")
	runtime.ReadMemStats(&after)
	if err != nil || len(items) != 2 || items[1] != 2 {
		t.Fatalf("items %v, %v; want [1 2]", items, err)
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > bound {
		t.Errorf("reading a page of 2 items allocated %d bytes, want at most %d", allocated, bound)
	}
}

// TestListAllRefusesARepeatedToken refuses a page whose token is one a page
// before it had, the page before or any other: a server that goes round in
// circles, A, B, A, ..., is stopped at once, not read until the timeout.
func TestListAllRefusesARepeatedToken(t *testing.T) {
	for name, tc := range map[string]struct {
		answers []func(http.ResponseWriter)
		want    string
		pages   int
	}{
		"the token of the page before": {
			answers: []func(http.ResponseWriter){reply(http.StatusOK, `{"items":[1],"continuationToken":"same"}`)},
			want:    "page 2 of the list repeats the continuation token of page 1: its paging repeats itself",
			pages:   2,
		},
		"tokens A, B, A": {
			answers: []func(http.ResponseWriter){
				reply(http.StatusOK, `{"items":[1],"continuationToken":"A"}`),
				reply(http.StatusOK, `{"items":[2],"links":{"next":{"uri":"/v1/x","headers":[{"key":"MS-ContinuationToken","value":"B"}]}}}`),
				reply(http.StatusOK, `{"items":[3],"continuationToken":"A"}`),
			},
			want:  "page 3 of the list repeats the continuation token of page 1: its paging repeats itself",
			pages: 3,
		},
	} {
		t.Run(name, func(t *testing.T) {
			client, server := scriptedClient(t, tc.answers...)
			_, err := listAll[int](testContext(t), client, "/v1/x", "the list")
			if !errors.Is(err, ErrInvalidResponse) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want an invalid response saying %q", err, tc.want)
			}
			if n := len(server.requests()); n != tc.pages {
				t.Errorf("%d pages read, want %d", n, tc.pages)
			}
		})
	}
}

// endlessPages answers every page with items and a token no page had before.
func endlessPages(items string) func(http.ResponseWriter) {
	var n atomic.Int64
	return func(w http.ResponseWriter) {
		reply(http.StatusOK, `{"items":[`+items+`],"continuationToken":"token-`+strconv.FormatInt(n.Add(1), 10)+`"}`)(w)
	}
}

// TestListPagesBoundsTheListing refuses a listing of more pages or items
// than its bounds, however fresh its tokens: the first page past a bound
// ends it, not the timeout.
func TestListPagesBoundsTheListing(t *testing.T) {
	for name, tc := range map[string]struct {
		maxPages, maxItems int
		want               string
		pages              int
	}{
		"pages": {
			maxPages: 3, maxItems: 100,
			want:  "page 3 of the list is not its last, and a list is read up to 3 pages: it is refused rather than read on",
			pages: 3,
		},
		"items": {
			maxPages: 100, maxItems: 5,
			want:  "page 3 of the list brings it to 6 items, more than the 5 a list is read up to: it is refused rather than read on",
			pages: 3,
		},
	} {
		t.Run(name, func(t *testing.T) {
			client, server := scriptedClient(t, endlessPages("1,2"))
			_, err := listPages(testContext(t), client, listing[int]{path: "/v1/x", next: func(string) string { return "/v1/x" },
				what: "the list", maxPages: tc.maxPages, maxItems: tc.maxItems})
			if !errors.Is(err, ErrInvalidResponse) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want an invalid response saying %q", err, tc.want)
			}
			if n := len(server.requests()); n != tc.pages {
				t.Errorf("%d pages read, want %d", n, tc.pages)
			}
		})
	}
}

// TestListAllBounds reads a list as long as its bounds allow: items up to
// MaxListItems in pages of MaxItems, the most an answer holds.
func TestListAllBounds(t *testing.T) {
	page := strings.TrimSuffix(strings.Repeat("0,", MaxItems), ",")
	pages := MaxListItems / MaxItems
	answers := make([]func(http.ResponseWriter), 0, pages+1)
	for i := range pages {
		answers = append(answers, reply(http.StatusOK, `{"items":[`+page+`],"continuationToken":"token-`+strconv.Itoa(i)+`"}`))
	}
	answers = append(answers, reply(http.StatusOK, `{"items":[0]}`))
	client, _ := scriptedClient(t, answers...)
	_, err := listAll[int](testContext(t), client, "/v1/x", "the list")
	if want := fmt.Sprintf("page %d of the list brings it to %d items, more than the %d", pages+1, MaxListItems+1, MaxListItems); err == nil ||
		!strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want %q", err, want)
	}
}

func TestListAllEndsWithItsContext(t *testing.T) {
	client, _ := scriptedClient(t, endlessPages("1"))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := listAll[int](ctx, client, "/v1/x", "the list")
	if KindOf(err) != KindTimedOut {
		t.Errorf("err = %v (kind %d), want a timeout", err, KindOf(err))
	}
}
