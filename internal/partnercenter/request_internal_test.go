package partnercenter

import (
	"context"
	"errors"
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

func TestListAllRefusesARepeatedToken(t *testing.T) {
	client, server := scriptedClient(t, reply(http.StatusOK, `{"items":[1],"continuationToken":"same"}`))
	_, err := listAll[int](testContext(t), client, "/v1/x", "the list")
	if !errors.Is(err, ErrInvalidResponse) || !strings.Contains(err.Error(), "page 2 of the list has the continuation token of the page before it") {
		t.Errorf("err = %v, want page 2 refused for repeating its token", err)
	}
	if n := len(server.requests()); n != 2 {
		t.Errorf("%d pages read, want 2", n)
	}
}

func TestListAllEndsWithItsContext(t *testing.T) {
	var n atomic.Int64
	client, _ := scriptedClient(t, func(w http.ResponseWriter) {
		reply(http.StatusOK, `{"items":[1],"continuationToken":"token-`+strconv.FormatInt(n.Add(1), 10)+`"}`)(w)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := listAll[int](ctx, client, "/v1/x", "the list")
	if KindOf(err) != KindTimedOut {
		t.Errorf("err = %v (kind %d), want a timeout", err, KindOf(err))
	}
}
