package partnercenter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"
)

// request is one Partner Center operation: what is sent, and what answers
// it. Every endpoint of the client is a request value and the checks of its
// own answer; do does the rest.
type request struct {
	method string
	// path is below the base URL: /v1/... with its segments escaped.
	path string
	// header holds headers beyond the ones every call carries, such as
	// MS-ContinuationToken.
	header http.Header
	// body, when not nil, is sent as JSON. It is encoded once; every
	// attempt of the call streams the same bytes.
	body any
	// success lists the statuses that answer the call; any other is a
	// *ResponseError.
	success []int
	// out, when not nil, receives the JSON object of a success answer.
	out any
	// bodyOptional accepts a success answer without a body, as a 202 may be.
	bodyOptional bool
	// what names the answer in messages, such as "the batch status answer".
	what string
	// check, when set, runs on the decoded answer and says in words why it
	// is not the answer asked for, or returns "".
	check func() string
}

// answered is what a call learned from Partner Center's success answer.
type answered struct {
	header http.Header
	// requestID and correlationID identify the call to Microsoft support.
	requestID, correlationID string
}

// invalid is the error of a success answer that is not what was asked for.
func (a answered) invalid(reason string) error {
	return fmt.Errorf("%w: %s (%s)", ErrInvalidResponse, reason, requestIDs(a.requestID, a.correlationID))
}

// do sends r through the pipeline, which signs, retries and logs it, and
// decodes the answer. A non-success status is returned as a *ResponseError,
// a call that got no answer as a *CallError, and an answer that is not what
// r expects as an error wrapping ErrInvalidResponse.
func (c *Client) do(ctx context.Context, r request) (answered, error) {
	ctx, state := withCall(ctx)
	req, err := runtime.NewRequest(ctx, r.method, c.baseURL+r.path)
	if err != nil {
		return answered{}, fmt.Errorf("building the request for %s: %w", r.what, err)
	}
	for name, values := range r.header {
		req.Raw().Header[name] = values
	}
	if r.body != nil {
		encoded, err := json.Marshal(r.body)
		if err != nil {
			return answered{}, fmt.Errorf("encoding the request for %s: %w", r.what, err)
		}
		// A ReadSeekCloser lets azcore rewind the body for each retry.
		if err := req.SetBody(streaming.NopCloser(bytes.NewReader(encoded)), "application/json"); err != nil {
			return answered{}, fmt.Errorf("encoding the request for %s: %w", r.what, err)
		}
	}
	resp, err := c.pipeline.Do(req)
	switch {
	case errors.Is(err, errRetryAfterTooLong) && resp != nil:
		return answered{}, newResponseError(resp, state)
	case errors.Is(err, ErrInvalidResponse):
		return answered{}, fmt.Errorf("%w (%s)", err, requestIDs(state.requestID, state.correlationID))
	case err != nil:
		return answered{}, newCallError(ctx, state, err)
	}
	if !runtime.HasStatusCode(resp, r.success...) {
		return answered{}, newResponseError(resp, state)
	}
	a := answered{header: resp.Header}
	a.requestID, a.correlationID = callIDs(resp)
	if r.out == nil {
		return a, drain(ctx, state, resp)
	}
	body, err := runtime.Payload(resp)
	if err != nil {
		return answered{}, newCallError(ctx, state, err)
	}
	if r.bodyOptional && isEmpty(body) {
		return a, nil
	}
	reason := decodeJSON(resp.Header.Get("Content-Type"), body, r.what, r.out)
	if reason == "" && r.check != nil {
		reason = r.check()
	}
	if reason != "" {
		return answered{}, a.invalid(reason)
	}
	return a, nil
}

// drain reads an answer whose body is not wanted, so that the connection can
// be reused; a body cut short is a failed call like any other.
func drain(ctx context.Context, state *call, resp *http.Response) error {
	if _, err := runtime.Payload(resp); err != nil {
		return newCallError(ctx, state, err)
	}
	return nil
}

// call is what the policies learn about one call across its attempts. The
// attempts of a call run one after the other, so it needs no lock. Client.do
// creates it and words its error from it; renewTokenPolicy, attemptPolicy and
// fetchMarkingCredential write it, in that order per attempt; the credential
// chain reads renewing (DESIGN.md, "The call record").
type call struct {
	// ctx is the call's context, whose deadline bounds all attempts and
	// their waits; an attempt's own context ends sooner, at RequestTimeout.
	ctx context.Context

	attempts   int
	lastStatus int
	// lastCode and lastDescription are the ApiFault of the last answer,
	// when it was an error.
	lastCode, lastDescription string
	// answered is set when the last attempt got an answer, rather than
	// failing without one.
	answered      bool
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

// tries is how many of azcore's tries the call has made, the first and
// the retries that max retries counts. The attempt with a new token after
// a 401 (see renewTokenPolicy) is counted apart: it belongs to the try
// Partner Center refused the token of.
func (c *call) tries() int {
	n := c.attempts
	if c.renewed {
		n--
	}
	return n
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
