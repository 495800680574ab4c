package partnercenter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// Defaults of the retry settings, the ones the provider documents.
const (
	// DefaultMaxRetries is how often a failed attempt is retried by default.
	DefaultMaxRetries = 5
	// DefaultRequestTimeout bounds one attempt by default.
	DefaultRequestTimeout = 60 * time.Second
	// MaxResponseBytes caps a response body. A batch of thousands of devices
	// is a few MiB; anything far larger is not a Partner Center answer, and
	// reading it whole could exhaust memory.
	MaxResponseBytes = 64 << 20
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

// call is what the policies learn about one call across its attempts. The
// attempts of a call run one after the other, so it needs no lock.
type call struct {
	// ctx is the call's context, whose deadline bounds all attempts and
	// their waits; an attempt's own context ends sooner, at RequestTimeout.
	ctx context.Context

	attempts      int
	lastStatus    int
	retryAfter    time.Duration
	requestID     string
	correlationID string
	// renewed is set once a 401 has been retried with a new token.
	renewed bool
	// renewing is set while that retry asks for the new token.
	renewing bool
	// tokenFetched is set when the current attempt asked the credential for
	// a token rather than using the pipeline's cached one. It is per call,
	// not a count on the shared credential: another call fetching a token
	// at the same time says nothing about this one.
	tokenFetched bool
	// abandoned is set when Partner Center asked to wait longer than the
	// call may, so the call ended without waiting; timeLeft is then what was
	// left before its deadline, or zero when it had none and the wait was
	// over maxRetryDelay.
	abandoned     bool
	timeLeft      time.Duration
	maxRetryDelay time.Duration
}

type callKey struct{}

// withCall starts tracking a call made with ctx.
func withCall(ctx context.Context) (context.Context, *call) {
	c := &call{ctx: ctx}
	return context.WithValue(ctx, callKey{}, c), c
}

// callOf returns the call req belongs to; a request made without withCall
// gets a call of its own, so the policies never see nil.
func callOf(req *policy.Request) *call {
	if c, ok := req.Raw().Context().Value(callKey{}).(*call); ok {
		return c
	}
	return &call{ctx: context.Background()}
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
	c.retryAfter, _ = retryAfter(resp.Header, time.Now())
	c.requestID, c.correlationID = callIDs(resp)
	fields["status"] = resp.StatusCode
	fields["ms_request_id"], fields["ms_correlation_id"] = c.requestID, c.correlationID
	if c.retryAfter > 0 {
		fields["retry_after"] = c.retryAfter.String()
	}
	p.logf(req, "Partner Center answered", fields)
	if c.retryAfter <= 0 || c.attempts > p.maxRetries || !runtime.HasStatusCode(resp, retryStatusCodes...) {
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
	select {
	case <-time.After(c.retryAfter):
	case <-c.ctx.Done():
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

// retryAfter is how long h asks to wait, read as azcore's retry policy
// reads it: retry-after-ms, then x-ms-retry-after-ms, then Retry-After in
// seconds or as an HTTP date; a date in the past asks for no wait. ok is
// false when h asks for nothing readable, which differs from "Retry-After: 0"
// for a poller that must not spin.
func retryAfter(h http.Header, now time.Time) (d time.Duration, ok bool) {
	for _, name := range []string{"Retry-After-Ms", "X-Ms-Retry-After-Ms"} {
		if ms, err := strconv.ParseInt(strings.TrimSpace(h.Get(name)), 10, 64); err == nil && ms > 0 {
			return time.Duration(ms) * time.Millisecond, true
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
		return time.Duration(min(s, int64(24*time.Hour/time.Second))) * time.Second, true
	}
	// azcore parses the IMF-fixdate form, the one RFC 9110 says to send.
	if t, err := time.Parse(time.RFC1123, v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// renewTokenPolicy retries a call once when Partner Center refuses a cached
// token with 401: the token may have been revoked or rotated before its
// expiry. azcore's bearer token policy forgets its token on a 401, so the
// retry signs in again. A 401 for a token this attempt just fetched is
// final: a new token would be refused for the same reason.
type renewTokenPolicy struct{}

// Do implements policy.Policy.
func (renewTokenPolicy) Do(req *policy.Request) (*http.Response, error) {
	c := callOf(req)
	c.tokenFetched = false
	resp, err := req.Next()
	if err != nil || resp.StatusCode != http.StatusUnauthorized || c.tokenFetched || c.renewed {
		return resp, err
	}
	c.renewed = true
	runtime.Drain(resp)
	if err := req.RewindBody(); err != nil {
		return nil, err
	}
	c.renewing = true
	defer func() { c.renewing = false }()
	return req.Next()
}

// renewing reports whether a token is asked for to replace one Partner
// Center refused, so that a credential with a cache must not answer from it.
func renewing(ctx context.Context) bool {
	c, ok := ctx.Value(callKey{}).(*call)
	return ok && c.renewing
}

// fetchMarkingCredential marks the call a token is asked for, so that
// renewTokenPolicy knows whether that call's attempt used a cached token.
// azcore's bearer token policy asks with the request's context, in the
// goroutine of the call.
type fetchMarkingCredential struct {
	azcore.TokenCredential
}

// GetToken implements azcore.TokenCredential.
func (c fetchMarkingCredential) GetToken(ctx context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if state, ok := ctx.Value(callKey{}).(*call); ok {
		state.tokenFetched = true
	}
	return c.TokenCredential.GetToken(ctx, o)
}

// limitedTransport caps every response body at MaxResponseBytes, below
// azcore, which otherwise reads a body whole whatever its size.
type limitedTransport struct {
	next policy.Transporter
}

// Do implements policy.Transporter.
func (t limitedTransport) Do(req *http.Request) (*http.Response, error) {
	resp, err := t.next.Do(req)
	if err == nil && resp.Body != nil {
		resp.Body = &limitedBody{body: resp.Body, left: MaxResponseBytes}
	}
	return resp, err
}

// errBodyTooLarge is the error of a body over MaxResponseBytes.
var errBodyTooLarge = fmt.Errorf("%w: the body is larger than %d MiB", ErrInvalidResponse, MaxResponseBytes>>20)

// limitedBody reads at most left more bytes and fails when there are more.
type limitedBody struct {
	body io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var probe [1]byte
		n, err := b.body.Read(probe[:])
		if n > 0 {
			return 0, errBodyTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.body.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error {
	return b.body.Close()
}

// defaultTransport is used when Options names none: net/http's default
// transport (proxy from the environment, HTTP/2, keep-alive), as azcore's.
func defaultTransport() policy.Transporter {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		return &http.Client{Transport: t.Clone()}
	}
	return http.DefaultClient
}
