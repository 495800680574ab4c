package partnercenter_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// retryClient is a client of rec with fast backoff and the given changes.
func retryClient(t *testing.T, rec http.Handler, cred azcore.TokenCredential, change func(*partnercenter.Options)) *partnercenter.Client {
	t.Helper()
	server := httptest.NewServer(rec)
	t.Cleanup(server.Close)
	o := partnercenter.Options{
		BaseURL:    server.URL,
		Credential: cred,
		MaxRetries: 3,
		ClientOptions: policy.ClientOptions{Retry: policy.RetryOptions{
			RetryDelay: time.Millisecond, MaxRetryDelay: 10 * time.Second,
		}},
	}
	if change != nil {
		change(&o)
	}
	client, err := partnercenter.NewClient(o)
	if err != nil {
		t.Fatal(err)
	}
	return client
}

func TestRetriedStatuses(t *testing.T) {
	for _, status := range []int{408, 429, 500, 502, 503, 504} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			rec := &recorder{responses: []func(http.ResponseWriter){answer(status, `{}`), answer(status, `{}`), answer(http.StatusOK, seedResponse)}}
			client := retryClient(t, rec, &countingCredential{}, nil)
			if _, err := client.GetBatchStatus(context.Background(), customerID, trackingID); err != nil {
				t.Fatalf("HTTP %d twice, then 200: %v", status, err)
			}
			if len(rec.headers) != 3 {
				t.Fatalf("%d requests, want 3", len(rec.headers))
			}
			for i, h := range rec.headers {
				if h.Get("MS-RequestId") != rec.headers[0].Get("MS-RequestId") || h.Get("MS-CorrelationId") != rec.headers[0].Get("MS-CorrelationId") {
					t.Errorf("attempt %d sent MS-RequestId %q, MS-CorrelationId %q; the first sent %q, %q", i+1,
						h.Get("MS-RequestId"), h.Get("MS-CorrelationId"), rec.headers[0].Get("MS-RequestId"), rec.headers[0].Get("MS-CorrelationId"))
				}
			}
		})
	}
}

func TestNotRetriedStatuses(t *testing.T) {
	// 401 is the answer to the first token here, which is not renewed.
	for _, status := range []int{400, 401, 403, 404, 409} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			rec := &recorder{responses: []func(http.ResponseWriter){answer(status, `{"code":1,"description":"no"}`), answer(http.StatusOK, seedResponse)}}
			client := retryClient(t, rec, &countingCredential{}, nil)
			_, err := client.GetBatchStatus(context.Background(), customerID, trackingID)
			var respErr *partnercenter.ResponseError
			if !errors.As(err, &respErr) || respErr.StatusCode != status || respErr.Attempts != 1 {
				t.Fatalf("error %v, want a ResponseError with status %d after 1 attempt", err, status)
			}
			if len(rec.headers) != 1 {
				t.Errorf("%d requests, want 1", len(rec.headers))
			}
		})
	}
}

func TestRetriesStopAtMaxRetries(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){answer(http.StatusServiceUnavailable, `{"code":800003,"description":"Unexpected service error"}`)}}
	client := retryClient(t, rec, &countingCredential{}, func(o *partnercenter.Options) { o.MaxRetries = 2 })
	_, err := client.GetBatchStatus(context.Background(), customerID, trackingID)
	var respErr *partnercenter.ResponseError
	if !errors.As(err, &respErr) || respErr.StatusCode != 503 || respErr.Attempts != 3 {
		t.Fatalf("error %v, want 503 after 3 attempts", err)
	}
	if !strings.Contains(err.Error(), "after 3 attempts") {
		t.Errorf("error %q does not say how many attempts", err)
	}

	rec = &recorder{responses: []func(http.ResponseWriter){answer(http.StatusServiceUnavailable, `{}`)}}
	client = retryClient(t, rec, &countingCredential{}, func(o *partnercenter.Options) { o.MaxRetries = 0 })
	if _, err := client.GetBatchStatus(context.Background(), customerID, trackingID); err == nil || len(rec.headers) != 1 {
		t.Errorf("MaxRetries 0: %d requests, error %v; want 1 request and an error", len(rec.headers), err)
	}
}

func TestRetryAfterSecondsIsWaited(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){
		answer(http.StatusTooManyRequests, `{"statusCode":429,"message":"Rate limit is exceeded. Try again in 1 seconds."}`, "Retry-After", "1"),
		answer(http.StatusOK, seedResponse),
	}}
	client := retryClient(t, rec, &countingCredential{}, nil)
	start := time.Now()
	if _, err := client.GetBatchStatus(context.Background(), customerID, trackingID); err != nil {
		t.Fatal(err)
	}
	// The backoff alone would wait about a millisecond.
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("retried after %s, before the 1s Retry-After", waited)
	}
}

func TestRetryAfterHTTPDateIsWaited(t *testing.T) {
	// The date is written when the answer is sent; whole seconds make the
	// wait asked for between 1 and 2 s.
	dated := func(w http.ResponseWriter) {
		answer(http.StatusTooManyRequests, `{"statusCode":429,"message":"Rate limit is exceeded."}`,
			"Retry-After", time.Now().Add(2*time.Second).UTC().Format(http.TimeFormat))(w)
	}
	rec := &recorder{responses: []func(http.ResponseWriter){dated, answer(http.StatusOK, seedResponse)}}
	client := retryClient(t, rec, &countingCredential{}, nil)
	start := time.Now()
	if _, err := client.GetBatchStatus(context.Background(), customerID, trackingID); err != nil {
		t.Fatal(err)
	}
	// The backoff alone would wait about a millisecond.
	if waited := time.Since(start); waited < 900*time.Millisecond {
		t.Errorf("retried after %s, before the date Retry-After named", waited)
	}
	if len(rec.headers) != 2 {
		t.Errorf("%d requests, want 2", len(rec.headers))
	}
}

func TestRetryAfterBeyondDeadlineEndsAtOnce(t *testing.T) {
	for name, value := range map[string]string{
		"seconds":   "120",
		"HTTP date": time.Now().Add(time.Hour).UTC().Format(http.TimeFormat),
	} {
		t.Run(name, func(t *testing.T) {
			rec := &recorder{responses: []func(http.ResponseWriter){
				answer(http.StatusTooManyRequests, `{"statusCode":429,"message":"Rate limit is exceeded."}`, "Retry-After", value),
				answer(http.StatusOK, seedResponse),
			}}
			client := retryClient(t, rec, &countingCredential{}, func(o *partnercenter.Options) {
				o.ClientOptions.Retry.MaxRetryDelay = 2 * time.Hour
			})
			// 30 s (deadlineLeft) left whenever the client asks, however
			// long the round trip took: a 30 s deadline set before the
			// call leaves 29 s in the message when the answer takes half
			// a second.
			ctx := newDeadlineContext(t)
			_, err := client.GetBatchStatus(ctx, customerID, trackingID)
			var respErr *partnercenter.ResponseError
			if !errors.As(err, &respErr) || respErr.StatusCode != 429 || !respErr.RetryAbandoned || respErr.Attempts != 1 {
				t.Fatalf("error %v (%#v), want a 429 ResponseError that gave up after 1 attempt", err, respErr)
			}
			if respErr.RetryAfter < time.Minute {
				t.Errorf("RetryAfter %s, want what the answer asked for", respErr.RetryAfter)
			}
			if !strings.Contains(err.Error(), "asked to retry after "+respErr.RetryAfter.String()+", longer than the 30s the call had left, so the call ended without waiting") {
				t.Errorf("error %q does not say why it did not wait", err)
			}
			if len(rec.headers) != 1 {
				t.Errorf("%d requests, want 1", len(rec.headers))
			}
		})
	}
}

func TestRetryAfterOverMaxRetryDelayWithoutDeadlineEndsAtOnce(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){answer(http.StatusServiceUnavailable, `{}`, "Retry-After", "30")}}
	client := retryClient(t, rec, &countingCredential{}, func(o *partnercenter.Options) { o.ClientOptions.Retry.MaxRetryDelay = time.Second })
	_, err := client.GetBatchStatus(context.Background(), customerID, trackingID)
	var respErr *partnercenter.ResponseError
	if !errors.As(err, &respErr) || !respErr.RetryAbandoned || respErr.RetryAfter != 30*time.Second || len(rec.headers) != 1 {
		t.Fatalf("error %v after %d requests, want a 503 that gave up at once", err, len(rec.headers))
	}
	if want := "asked to retry after 30s, longer than the longest wait between attempts (1s) of a call without a time limit"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
}

func TestRetryAfterOverMaxRetryDelayIsWaitedWithinDeadline(t *testing.T) {
	// MaxRetryDelay stands in for azcore's 60s cap, which refuses any longer
	// Retry-After; a call with time left waits it out all the same.
	rec := &recorder{responses: []func(http.ResponseWriter){
		answer(http.StatusTooManyRequests, `{"statusCode":429,"message":"Rate limit is exceeded."}`, "Retry-After-Ms", "300"),
		answer(http.StatusOK, seedResponse),
	}}
	client := retryClient(t, rec, &countingCredential{}, func(o *partnercenter.Options) {
		o.ClientOptions.Retry.MaxRetryDelay = 20 * time.Millisecond
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	if _, err := client.GetBatchStatus(ctx, customerID, trackingID); err != nil {
		t.Fatalf("a Retry-After of 300ms over a 20ms cap, with 10s left: %v", err)
	}
	if waited := time.Since(start); waited < 300*time.Millisecond {
		t.Errorf("retried after %s, before the 300ms Retry-After", waited)
	}
	if len(rec.headers) != 2 {
		t.Errorf("%d requests, want 2", len(rec.headers))
	}
}

func TestRetryAfterWaitEndsWithTheCall(t *testing.T) {
	// An hour's wait, over the 20ms cap, that the call's two hours allow:
	// the client waits it out itself, until the call is cancelled. The
	// cancellation comes once the answer has been read, while the client
	// goes into the wait, rather than after a sleep that a loaded machine
	// may outlast before the answer arrives.
	rec := &recorder{responses: []func(http.ResponseWriter){answer(http.StatusServiceUnavailable, `{}`, "Retry-After-Ms", "3600000")}}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Hour)
	defer cancel()
	client := retryClient(t, rec, &countingCredential{}, func(o *partnercenter.Options) {
		o.ClientOptions.Retry.MaxRetryDelay = 20 * time.Millisecond
		o.Log = func(_ context.Context, msg string, _ map[string]any) {
			if msg == "Partner Center answered" {
				go cancel()
			}
		}
	})
	ended := make(chan error, 1)
	go func() {
		_, err := client.GetBatchStatus(ctx, customerID, trackingID)
		ended <- err
	}()
	select {
	case err := <-ended:
		if !errors.Is(err, context.Canceled) || len(rec.headers) != 1 {
			t.Fatalf("error %v after %d requests, want the call's cancellation after 1", err, len(rec.headers))
		}
	case <-time.After(10 * time.Second):
		// Far from the round trip and the cancellation; a wait that
		// ignored the call would last the hour.
		t.Fatal("the call went on waiting for the Retry-After after it was cancelled")
	}
}

func TestDeadlineDuringRetriesSaysWhatWasSeen(t *testing.T) {
	// The second attempt hangs: the deadline comes during an attempt, not
	// during a wait (a wait beyond the deadline ends the call at once, see
	// above).
	ctx := newDeadlineContext(t)
	var mu sync.Mutex
	var requestIDs []string
	hanging := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requestIDs = append(requestIDs, r.Header.Get("MS-RequestId"))
		n := len(requestIDs)
		mu.Unlock()
		if n > 1 {
			// The time runs out once the second attempt has arrived, not
			// at a fixed 500 ms that a slow first answer could outlast.
			ctx.expire()
			<-r.Context().Done()
			return
		}
		answer(http.StatusServiceUnavailable, `{}`, "Retry-After-Ms", "20")(w)
	})
	client := retryClient(t, hanging, &countingCredential{}, func(o *partnercenter.Options) { o.MaxRetries = 10 })
	_, err := client.GetBatchStatus(ctx, customerID, trackingID)
	var callErr *partnercenter.CallError
	if !errors.As(err, &callErr) || !callErr.TimedOut || callErr.LastStatus != 503 || callErr.RetryAfter != 20*time.Millisecond {
		t.Fatalf("error %v (%#v), want a timed-out CallError that saw 503 with Retry-After 20ms", err, callErr)
	}
	mu.Lock()
	seen := append([]string(nil), requestIDs...)
	mu.Unlock()
	if callErr.Attempts != 2 || len(seen) != 2 {
		t.Fatalf("Attempts %d, the server saw %d requests; want 2", callErr.Attempts, len(seen))
	}
	for _, want := range []string{"the time allowed for the call ran out after", "the last answer was HTTP 503 Service Unavailable with Retry-After 20ms", "MS-RequestId: " + seen[0]} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

// dropping answers by closing the connection without a response, or, when
// partial is set, after half of a body announced in full.
type dropping struct {
	mu      sync.Mutex
	drops   int
	partial bool
	seen    int
}

func (d *dropping) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	d.seen++
	drop := d.seen <= d.drops
	d.mu.Unlock()
	if !drop {
		answer(http.StatusOK, seedResponse)(w)
		return
	}
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	if d.partial {
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(seedResponse), seedResponse[:len(seedResponse)/2])
		_ = buf.Flush()
	}
}

func TestConnectionFailuresAreRetried(t *testing.T) {
	for _, partial := range []bool{false, true} {
		t.Run(fmt.Sprintf("mid-body=%v", partial), func(t *testing.T) {
			d := &dropping{drops: 2, partial: partial}
			client := retryClient(t, d, &countingCredential{}, nil)
			if _, err := client.GetBatchStatus(context.Background(), customerID, trackingID); err != nil {
				t.Fatalf("two dropped connections, then an answer: %v", err)
			}

			d = &dropping{drops: 100, partial: partial}
			client = retryClient(t, d, &countingCredential{}, func(o *partnercenter.Options) { o.MaxRetries = 1 })
			_, err := client.GetBatchStatus(context.Background(), customerID, trackingID)
			var callErr *partnercenter.CallError
			if !errors.As(err, &callErr) || callErr.Attempts != 2 || callErr.TimedOut {
				t.Fatalf("error %v, want a CallError after 2 attempts", err)
			}
			if !strings.Contains(err.Error(), "Partner Center could not be reached after 2 attempts") {
				t.Errorf("error %q", err)
			}
		})
	}
}

func TestRequestTimeoutIsPerAttempt(t *testing.T) {
	var mu sync.Mutex
	calls := 0
	slowFirst := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		first := calls == 1
		mu.Unlock()
		if first {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		answer(http.StatusOK, seedResponse)(w)
	})
	// The test waits out one request timeout, and the second attempt must
	// beat the same timer: a second is far from one round trip on a loaded
	// machine, where 100 ms was not, and a timed-out second attempt made a
	// third.
	client := retryClient(t, slowFirst, &countingCredential{}, func(o *partnercenter.Options) { o.RequestTimeout = time.Second })
	if _, err := client.GetBatchStatus(context.Background(), customerID, trackingID); err != nil {
		t.Fatalf("a slow first attempt, then an answer: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if calls != 2 {
		t.Errorf("%d attempts, want 2", calls)
	}
}

// rotatingCredential issues a new token each time it is asked.
type rotatingCredential struct{ calls int }

func (c *rotatingCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.calls++
	return azcore.AccessToken{Token: fmt.Sprintf("token-%d", c.calls), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

func TestUnauthorizedCachedTokenIsRenewedOnce(t *testing.T) {
	unauthorized := answer(http.StatusUnauthorized, `{"code":400,"description":"Access denied"}`, "WWW-Authenticate", "Bearer")
	rec := &recorder{responses: []func(http.ResponseWriter){answer(http.StatusOK, seedResponse), unauthorized, answer(http.StatusOK, seedResponse)}}
	cred := &rotatingCredential{}
	client := retryClient(t, rec, cred, nil)
	for i := range 2 {
		if _, err := client.GetBatchStatus(context.Background(), customerID, trackingID); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	if cred.calls != 2 || len(rec.headers) != 3 {
		t.Fatalf("%d tokens and %d requests, want 2 and 3", cred.calls, len(rec.headers))
	}
	if a, b := rec.headers[1].Get("Authorization"), rec.headers[2].Get("Authorization"); a != "Bearer token-1" || b != "Bearer token-2" {
		t.Errorf("refused with %q, retried with %q; want the cached token, then a new one", a, b)
	}
	if rec.headers[1].Get("MS-RequestId") != rec.headers[2].Get("MS-RequestId") {
		t.Error("the retry with a new token changed MS-RequestId")
	}

	// Refused again with the new token: the call ends after one renewal.
	rec = &recorder{responses: []func(http.ResponseWriter){answer(http.StatusOK, seedResponse), unauthorized}}
	cred = &rotatingCredential{}
	client = retryClient(t, rec, cred, nil)
	_, _ = client.GetBatchStatus(context.Background(), customerID, trackingID)
	_, err := client.GetBatchStatus(context.Background(), customerID, trackingID)
	var respErr *partnercenter.ResponseError
	if !errors.As(err, &respErr) || respErr.StatusCode != 401 || respErr.Attempts != 2 || len(rec.headers) != 3 || cred.calls != 2 {
		t.Errorf("error %v, %d requests, %d tokens; want 401 after 2 attempts, 3 requests, 2 tokens", err, len(rec.headers), cred.calls)
	}
}

// TestTokenRenewalIsNotARetry: the retry with a new token after a 401 does
// not count against max retries, so a long Retry-After after it is waited
// out as on any first attempt, rather than ending the call one attempt
// early without saying why.
func TestTokenRenewalIsNotARetry(t *testing.T) {
	unauthorized := answer(http.StatusUnauthorized, `{"code":400,"description":"Access denied"}`, "WWW-Authenticate", "Bearer")
	rec := &recorder{responses: []func(http.ResponseWriter){
		answer(http.StatusOK, seedResponse),
		unauthorized,
		answer(http.StatusServiceUnavailable, `{}`, "Retry-After-Ms", "300"),
		answer(http.StatusOK, seedResponse),
	}}
	// One retry; a Retry-After over the 20ms cap is waited out by the
	// client within the call's deadline.
	client := retryClient(t, rec, &rotatingCredential{}, func(o *partnercenter.Options) {
		o.MaxRetries = 1
		o.ClientOptions.Retry.MaxRetryDelay = 20 * time.Millisecond
	})
	if _, err := client.GetBatchStatus(waitContext(t), customerID, trackingID); err != nil {
		t.Fatal(err)
	}
	if _, err := client.GetBatchStatus(waitContext(t), customerID, trackingID); err != nil {
		t.Fatalf("401, renewed, then 503 with Retry-After 300ms and one retry left: %v", err)
	}
	if len(rec.headers) != 4 {
		t.Errorf("%d requests, want 4: the first call, then 401, 503 and the retry", len(rec.headers))
	}
}

func TestEveryAttemptIsLogged(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){answer(http.StatusTooManyRequests, `{}`, "Retry-After-Ms", "1"), answer(http.StatusOK, seedResponse)}}
	var logged []map[string]any
	client := retryClient(t, rec, &countingCredential{}, func(o *partnercenter.Options) {
		o.Log = func(_ context.Context, msg string, fields map[string]any) {
			if msg != "Partner Center answered" {
				t.Errorf("message %q", msg)
			}
			logged = append(logged, fields)
		}
	})
	if _, err := client.GetBatchStatus(context.Background(), customerID, trackingID); err != nil {
		t.Fatal(err)
	}
	if len(logged) != 2 {
		t.Fatalf("%d attempts logged, want 2", len(logged))
	}
	for i, fields := range logged {
		want := map[string]any{
			"attempt": i + 1, "method": "GET", "path": "/v1/customers/" + customerID + "/batchJobStatus/" + trackingID,
			"ms_request_id": rec.headers[0].Get("MS-RequestId"), "ms_correlation_id": rec.headers[0].Get("MS-CorrelationId"),
			"status": []int{429, 200}[i],
		}
		if i == 0 {
			want["retry_after"] = "1ms"
		}
		if fmt.Sprint(fields) != fmt.Sprint(want) {
			t.Errorf("attempt %d logged %v, want %v", i+1, fields, want)
		}
	}
}

func TestInvalidResponses(t *testing.T) {
	html := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html><body>Service temporarily unavailable</body></html>"))
	}
	oversize := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"batchTrackingId":"` + trackingID + `","devicesStatus":[`))
		chunk := []byte(strings.Repeat(`{"serialNumber":"1234567890"},`, 1<<15))
		for written := 0; written <= partnercenter.MaxResponseBytes; written += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}
	tests := []struct {
		name    string
		respond func(http.ResponseWriter)
		want    string
	}{
		{"HTML on 200", html, "an HTML page, not JSON"},
		{"not JSON", answer(http.StatusOK, "Service Unavailable"), "not a JSON object"},
		{"JSON null", answer(http.StatusOK, "null"), "not a JSON object"},
		{"empty", answer(http.StatusOK, ""), "empty body"},
		{"truncated", answer(http.StatusOK, seedResponse[:len(seedResponse)/2]), "truncated after"},
		{"another batch", answer(http.StatusOK, strings.Replace(seedResponse, trackingID, "99999999-9999-4999-8999-999999999999", 1)),
			`is for batch "99999999-9999-4999-8999-999999999999", not "` + trackingID + `"`},
		{"no tracking ID", answer(http.StatusOK, `{"status":"finished"}`), "has no batchTrackingId"},
		{"over 64 MiB", oversize, "the body is larger than 64 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{responses: []func(http.ResponseWriter){tt.respond}}
			client := retryClient(t, rec, &countingCredential{}, nil)
			got, err := client.GetBatchStatus(context.Background(), customerID, trackingID)
			if !errors.Is(err, partnercenter.ErrInvalidResponse) || got != nil {
				t.Fatalf("got %v, error %v; want ErrInvalidResponse", got, err)
			}
			for _, want := range []string{tt.want, "MS-RequestId: " + rec.headers[0].Get("MS-RequestId")} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			if len(rec.headers) != 1 {
				t.Errorf("%d requests, want 1: a bad answer is not retried", len(rec.headers))
			}
		})
	}
}

func TestUpperCaseGUIDsAreSentInLowerCase(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){answer(http.StatusOK, seedResponse)}}
	client := retryClient(t, rec, &countingCredential{}, nil)
	if _, err := client.GetBatchStatus(context.Background(), strings.ToUpper(customerID), strings.ToUpper(trackingID)); err != nil {
		t.Fatal(err)
	}
	if want := "/v1/customers/" + customerID + "/batchJobStatus/" + trackingID; rec.paths[0] != want {
		t.Errorf("path %q, want the IDs in lower case: %q", rec.paths[0], want)
	}
}

// revokingServer answers 200 to a token it has not revoked and 401 to one
// it has.
type revokingServer struct {
	mu      sync.Mutex
	revoked map[string]bool
}

func (s *revokingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	refused := s.revoked[r.Header.Get("Authorization")]
	s.mu.Unlock()
	if refused {
		answer(http.StatusUnauthorized, `{"code":400,"description":"Access denied"}`, "WWW-Authenticate", "Bearer")(w)
		return
	}
	answer(http.StatusOK, seedResponse)(w)
}

// lockedRotatingCredential is rotatingCredential for concurrent calls.
type lockedRotatingCredential struct {
	mu    sync.Mutex
	calls int
}

func (c *lockedRotatingCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	return azcore.AccessToken{Token: fmt.Sprintf("token-%d", c.calls), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

func TestRevokedTokenIsRenewedForConcurrentCalls(t *testing.T) {
	server := &revokingServer{revoked: map[string]bool{}}
	cred := &lockedRotatingCredential{}
	client := retryClient(t, server, cred, nil)
	if _, err := client.GetBatchStatus(context.Background(), customerID, trackingID); err != nil {
		t.Fatal(err)
	}
	server.mu.Lock()
	server.revoked["Bearer token-1"] = true
	server.mu.Unlock()

	// Terraform reads data sources in parallel: each call that was refused
	// its cached token renews it, whichever call fetched the new one.
	const calls = 10
	var wg sync.WaitGroup
	errs := make([]error, calls)
	start := make(chan struct{})
	for i := range calls {
		wg.Go(func() {
			<-start
			_, errs[i] = client.GetBatchStatus(context.Background(), customerID, trackingID)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("call %d of %d after the token was revoked: %v", i+1, calls, err)
		}
	}
}

// unexpectedServiceError is Partner Center's documented 500 ApiFault.
const unexpectedServiceError = `{"code":800003,"description":"Unexpected service error","data":[],"source":"PartnerFD"}`

// TestTimeoutKeepsWhatPartnerCenterSaid: a call whose time runs out while
// Partner Center keeps answering 500 with an ApiFault reports that
// answer's status, code and description and the request IDs, not only the
// context's deadline; so does a wait that polls it.
//
// The deadline passes when the third answer has been read, between two
// attempts, as a deadline does while the client waits to retry. A real
// deadline of 500 ms against real round trips ran out during an attempt
// on a loaded machine, and the error then rightly ended in the context's.
func TestTimeoutKeepsWhatPartnerCenterSaid(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){answer(http.StatusInternalServerError, unexpectedServiceError)}}
	var ctx *deadlineContext
	client := retryClient(t, rec, &countingCredential{}, func(o *partnercenter.Options) {
		o.MaxRetries = 10
		o.Log = func(_ context.Context, msg string, fields map[string]any) {
			if msg == "Partner Center answered" && fields["attempt"] == 3 {
				ctx.expire()
			}
		}
	})
	ctx = newDeadlineContext(t)
	_, err := client.GetBatchStatus(ctx, customerID, trackingID)
	var callErr *partnercenter.CallError
	if !errors.As(err, &callErr) || !callErr.TimedOut || callErr.LastStatus != 500 || callErr.LastCode != "800003" || callErr.LastDescription != "Unexpected service error" {
		t.Fatalf("error %v (%#v), want a timed-out CallError keeping the last answer's 500, 800003 and description", err, callErr)
	}
	rec.mu.Lock()
	lastRequestID := rec.headers[len(rec.headers)-1].Get("MS-RequestId")
	rec.mu.Unlock()
	want := "the last answer was HTTP 500 Internal Server Error: error 800003: Unexpected service error (MS-RequestId: " + lastRequestID
	if !strings.Contains(err.Error(), want) || strings.HasSuffix(err.Error(), "context deadline exceeded") {
		t.Errorf("error %q, want it to contain %q and not end in the context's deadline", err, want)
	}

	ctx = newDeadlineContext(t)
	_, err = client.WaitForBatch(ctx, customerID, trackingID, fastPolling)
	var waitErr *partnercenter.WaitTimeoutError
	if !errors.As(err, &waitErr) || !strings.Contains(err.Error(), "no status was read; the last poll failed: the time allowed for the call ran out after") ||
		!strings.Contains(err.Error(), "the last answer was HTTP 500 Internal Server Error: error 800003: Unexpected service error (MS-RequestId: ") ||
		strings.Contains(err.Error(), "context deadline exceeded") {
		t.Errorf("wait error %q, want the last poll's 500, code and description, and no bare deadline", err)
	}
}
