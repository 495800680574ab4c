package partnercenter

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// Defaults of the retry settings, the ones the provider documents.
const (
	// DefaultMaxRetries is how often a failed attempt is retried by default.
	DefaultMaxRetries = 5
	// DefaultRequestTimeout bounds one attempt by default.
	DefaultRequestTimeout = 60 * time.Second
)

// retryStatusCodes are the answers worth another attempt: throttling and
// transient server or gateway failures. 400, 401, 403, 404 and 409 will not
// change by asking again (a 401 gets one retry with a new token, see
// renewTokenPolicy).
var retryStatusCodes = []int{
	http.StatusRequestTimeout,
	http.StatusTooManyRequests,
	http.StatusInternalServerError,
	http.StatusBadGateway,
	http.StatusServiceUnavailable,
	http.StatusGatewayTimeout,
}

// RetriedStatuses returns the HTTP statuses a request is retried on, in
// ascending order.
func RetriedStatuses() []int {
	return slices.Clone(retryStatusCodes)
}

// LogFunc receives one message per attempt of a call, with the request and
// correlation IDs, the attempt number and the outcome as fields. It never
// receives a header value other than those IDs, so no token reaches it.
type LogFunc func(ctx context.Context, msg string, fields map[string]any)

// retryOptions turns the client's settings into azcore's. azcore's retry
// policy does the work: exponential backoff with jitter, Retry-After
// (retry-after-ms, x-ms-retry-after-ms, and Retry-After in seconds or as an
// HTTP date), per-attempt timeouts, and retries of connection failures.
func retryOptions(o Options) policy.RetryOptions {
	r := o.ClientOptions.Retry
	// azcore reads 0 as "its default of 3"; a negative value means none.
	r.MaxRetries = int32(min(max(o.MaxRetries, 0), 100)) //nolint:gosec // bounded above
	if r.MaxRetries == 0 {
		r.MaxRetries = -1
	}
	r.TryTimeout = o.RequestTimeout
	r.StatusCodes = retryStatusCodes
	r.ShouldRetry = nil
	return r
}

// nonRetriable stops azcore's retry policy: it does not retry an error with
// a NonRetriable method.
type nonRetriable struct{ error }

// NonRetriable marks the error for azcore's retry policy.
func (nonRetriable) NonRetriable() {}

func (e nonRetriable) Unwrap() error { return e.error }

// errRetryAfterTooLong ends a call whose Retry-After is beyond its deadline,
// or, without a deadline, beyond the longest wait allowed: sleeping until
// the deadline would only turn a clear answer into a timeout.
var errRetryAfterTooLong = errors.New("Retry-After is longer than the call may wait")

// attemptPolicy runs once per attempt: it counts the attempt, remembers its
// outcome for the error a failed call returns, logs it, and ends the call at
// once when Partner Center asks to wait longer than the call may.
//
// azcore's retry policy refuses a Retry-After over MaxRetryDelay, which is
// also the cap of its backoff. A call with a deadline (a read always has
// timeouts { read }) may wait as long as its time left allows, so a longer
// Retry-After that fits is waited out here, and azcore is told to retry at
// once.
type attemptPolicy struct {
	maxRetries    int
	maxRetryDelay time.Duration
	log           LogFunc
}

// Do implements policy.Policy.
func (p attemptPolicy) Do(req *policy.Request) (*http.Response, error) {
	c := callOf(req)
	c.attempts++
	c.requestID, c.correlationID = req.Raw().Header.Get(headerRequestID), req.Raw().Header.Get(headerCorrelationID)
	resp, err := req.Next()
	fields := map[string]any{
		"attempt":           c.attempts,
		"method":            req.Raw().Method,
		"path":              req.Raw().URL.Path,
		"ms_request_id":     c.requestID,
		"ms_correlation_id": c.correlationID,
	}
	c.answered = err == nil
	if err != nil {
		fields["error"] = err.Error()
		p.logf(req, "Partner Center request failed", fields)
		if errors.Is(err, ErrInvalidResponse) {
			// An oversized body will be as large on the next attempt.
			return resp, nonRetriable{err}
		}
		return resp, err
	}
	c.lastStatus = resp.StatusCode
	c.lastCode, c.lastDescription = "", ""
	if resp.StatusCode >= http.StatusBadRequest {
		// Kept for the error of a call that ends before its next attempt.
		c.lastCode, c.lastDescription = faultOf(resp)
	}
	c.retryAfter, _ = retryAfter(resp.Header, time.Now())
	c.requestID, c.correlationID = callIDs(resp)
	fields["status"] = resp.StatusCode
	fields["ms_request_id"], fields["ms_correlation_id"] = c.requestID, c.correlationID
	if c.retryAfter > 0 {
		fields["retry_after"] = c.retryAfter.String()
	}
	p.logf(req, "Partner Center answered", fields)
	if c.retryAfter <= 0 || c.tries() > p.maxRetries || !runtime.HasStatusCode(resp, retryStatusCodes...) {
		return resp, nil
	}
	deadline, hasDeadline := c.ctx.Deadline()
	switch {
	case passesDeadline(c.ctx, c.retryAfter):
		c.abandoned, c.timeLeft = true, max(time.Until(deadline), 0)
		return resp, nonRetriable{errRetryAfterTooLong}
	case c.retryAfter <= p.maxRetryDelay:
		return resp, nil
	case !hasDeadline:
		c.abandoned, c.maxRetryDelay = true, p.maxRetryDelay
		return resp, nonRetriable{errRetryAfterTooLong}
	}
	// The answer is discarded after the wait; reading it now frees the
	// connection rather than holding it open.
	runtime.Drain(resp)
	if !sleep(c.ctx, c.retryAfter) {
		// azcore sees the call's context ended and returns its error.
		return resp, nil
	}
	resp.Header.Set("Retry-After-Ms", "1")
	return resp, nil
}

func (p attemptPolicy) logf(req *policy.Request, msg string, fields map[string]any) {
	if p.log != nil {
		p.log(req.Raw().Context(), msg, fields)
	}
}

// maxRetryAfter caps the wait an answer may ask for, in any header, so that
// a huge value reads as a long wait rather than overflowing.
const maxRetryAfter = 24 * time.Hour

// retryAfter is how long h asks to wait, read as azcore's retry policy
// reads it: retry-after-ms, then x-ms-retry-after-ms, then Retry-After in
// seconds or as an HTTP date; a date in the past asks for no wait. ok is
// false when h asks for nothing readable, which differs from "Retry-After: 0"
// for a poller that must not spin.
func retryAfter(h http.Header, now time.Time) (d time.Duration, ok bool) {
	for _, name := range []string{"Retry-After-Ms", "X-Ms-Retry-After-Ms"} {
		if ms, err := strconv.ParseInt(strings.TrimSpace(h.Get(name)), 10, 64); err == nil && ms > 0 {
			return time.Duration(min(ms, int64(maxRetryAfter/time.Millisecond))) * time.Millisecond, true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		return time.Duration(min(s, int64(maxRetryAfter/time.Second))) * time.Second, true
	}
	// azcore parses the IMF-fixdate form, the one RFC 9110 says to send.
	if t, err := time.Parse(time.RFC1123, v); err == nil {
		return min(max(t.Sub(now), 0), maxRetryAfter), true
	}
	return 0, false
}
