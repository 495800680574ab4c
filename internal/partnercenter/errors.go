package partnercenter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// Request and response headers Partner Center uses to trace a call. A support
// request to Microsoft asks for the first two.
const (
	headerRequestID     = "MS-RequestId"
	headerCorrelationID = "MS-CorrelationId"
	headerCV            = "MS-CV"
)

// ResponseError is a non-2xx answer from Partner Center.
type ResponseError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Code and Description come from Partner Center's ApiFault body (or, for a
	// throttled call, its statusCode/message body); empty when absent.
	Code        string
	Description string
	// Details are the text entries of the ApiFault's data, which says
	// more than its description, as "Invalid request input" says which
	// input; at most maxFaultDetails of them.
	Details []string
	// RequestID and CorrelationID identify the call to Microsoft support.
	RequestID     string
	CorrelationID string
	// Attempts is how many requests the call made, retries included.
	Attempts int
	// RetryAfter is the wait the last answer asked for; zero when none.
	RetryAfter time.Duration
	// RetryAbandoned is set when RetryAfter was longer than the call could
	// wait, so the call ended without waiting: longer than TimeLeft, or, for
	// a call without a deadline, than MaxRetryDelay.
	RetryAbandoned bool
	// TimeLeft is the time the call had left before its deadline when it
	// ended without waiting; zero when it had no deadline.
	TimeLeft time.Duration
	// MaxRetryDelay is the longest wait between attempts of a call without
	// a deadline; set when that is why the call ended without waiting.
	MaxRetryDelay time.Duration
	// RedirectTo is where a redirect (3xx) pointed, as scheme://host;
	// redirects are never followed.
	RedirectTo string
}

// Error describes the failure with everything needed to act on it.
func (e *ResponseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Partner Center answered HTTP %s", e.Status())
	if e.RedirectTo != "" {
		fmt.Fprintf(&b, ", a redirect to %s, which is not followed", e.RedirectTo)
	}
	writeFault(&b, e.Code, e.Description)
	if len(e.Details) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(e.Details, "; "))
	}
	fmt.Fprintf(&b, " (%s)", requestIDs(e.RequestID, e.CorrelationID))
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	switch {
	case e.RetryAbandoned && e.MaxRetryDelay > 0:
		fmt.Fprintf(&b, "; it asked to retry after %s, longer than the longest wait between attempts (%s) of a call without a time limit, so the call ended without waiting", e.RetryAfter, e.MaxRetryDelay)
	case e.RetryAbandoned:
		fmt.Fprintf(&b, "; it asked to retry after %s, longer than the %s the call had left, so the call ended without waiting", e.RetryAfter, RoundTimeLeft(e.TimeLeft))
	}
	return b.String()
}

// RoundTimeLeft shows a time left as a person reads it: 29.98s as 30s.
func RoundTimeLeft(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}

// Status is the HTTP status code with its text, such as "404 Not Found".
func (e *ResponseError) Status() string {
	return fmt.Sprintf("%d %s", e.StatusCode, http.StatusText(e.StatusCode))
}

// requestIDs names a call's IDs as Microsoft support asks for them, for
// every error that quotes them.
func requestIDs(requestID, correlationID string) string {
	return headerRequestID + ": " + requestID + ", " + headerCorrelationID + ": " + correlationID
}

// writeFault writes Partner Center's error code and description, those it
// sent, as the end of a sentence about its answer.
func writeFault(b *strings.Builder, code, description string) {
	switch {
	case code != "" && description != "":
		fmt.Fprintf(b, ": error %s: %s", code, description)
	case code != "":
		fmt.Fprintf(b, ": error %s", code)
	case description != "":
		fmt.Fprintf(b, ": %s", description)
	}
}

// apiFault is the error body of Partner Center. A throttled call answers with
// a different shape, statusCode and message, which is read into the same fields.
type apiFault struct {
	Code        stringOrNumber `json:"code"`
	Description string         `json:"description"`
	StatusCode  stringOrNumber `json:"statusCode"`
	Message     string         `json:"message"`
}

func newResponseError(resp *http.Response, c *call) *ResponseError {
	e := &ResponseError{StatusCode: resp.StatusCode, Attempts: c.attempts, RetryAfter: c.retryAfter,
		RetryAbandoned: c.abandoned, TimeLeft: c.timeLeft, MaxRetryDelay: c.maxRetryDelay,
	}
	e.RequestID, e.CorrelationID = callIDs(resp)
	e.RedirectTo = redirectTarget(resp)
	e.Code, e.Description = faultOf(resp)
	e.Details = faultDetails(resp)
	return e
}

// maxFaultDetails bounds the entries of an ApiFault's data an error quotes.
const maxFaultDetails = 5

// faultDetails returns the text entries of an error answer's ApiFault data,
// each cut to maxQuotedText; none when the body has no such array. Entries
// that are not text are left out: Microsoft documents none.
func faultDetails(resp *http.Response) []string {
	body, err := runtime.Payload(resp)
	if err != nil {
		return nil
	}
	var fault struct {
		Data []json.RawMessage `json:"data"`
	}
	if json.Unmarshal(body, &fault) != nil {
		return nil
	}
	var details []string
	for _, raw := range fault.Data {
		var text string
		if json.Unmarshal(raw, &text) == nil && text != "" && len(details) < maxFaultDetails {
			details = append(details, cutText(text))
		}
	}
	return details
}

// faultOf returns the code and description of an error answer's ApiFault
// (or throttling message), empty when its body is none.
func faultOf(resp *http.Response) (code, description string) {
	body, err := runtime.Payload(resp)
	if err != nil {
		return "", ""
	}
	var fault apiFault
	if json.Unmarshal(body, &fault) != nil {
		return "", ""
	}
	description = cutText(fault.Description)
	if description == "" {
		description = cutText(fault.Message)
	}
	return string(fault.Code), description
}

// callIDs returns the request and correlation IDs of a call, preferring the
// ones Partner Center echoed over the ones this client sent.
func callIDs(resp *http.Response) (requestID, correlationID string) {
	requestID = resp.Header.Get(headerRequestID)
	correlationID = resp.Header.Get(headerCorrelationID)
	if resp.Request != nil {
		if requestID == "" {
			requestID = resp.Request.Header.Get(headerRequestID)
		}
		if correlationID == "" {
			correlationID = resp.Request.Header.Get(headerCorrelationID)
		}
	}
	return requestID, correlationID
}

// ErrInvalidResponse is wrapped by the error of an answer that is not what
// Partner Center documents: not JSON, truncated, an HTML page, larger than
// MaxResponseBytes, or about another batch than the one asked for.
var ErrInvalidResponse = errors.New("invalid response from Partner Center")

// CallError is a call that got no answer to act on: every attempt failed
// before Partner Center answered (connection refused or reset, timeout), or
// the time allowed for the call ran out while retrying.
type CallError struct {
	// Attempts is how many requests the call made.
	Attempts int
	// LastStatus is the HTTP status of the last answer; zero when none came.
	LastStatus int
	// LastCode and LastDescription are the Partner Center code and
	// description of the last answer's ApiFault; empty when it had none.
	LastCode, LastDescription string
	// RetryAfter is the wait the last answer asked for; zero when none.
	RetryAfter time.Duration
	// RequestID and CorrelationID are those of the call.
	RequestID     string
	CorrelationID string
	// TimedOut is set when the time allowed for the whole call (the
	// caller's context deadline) ran out, rather than the retries.
	TimedOut bool
	// Cancelled is set when the caller cancelled the call, as Terraform
	// does when it is interrupted.
	Cancelled bool
	// AfterAnswer is set when the call ended between attempts, waiting to
	// retry after the last answer: that answer (LastStatus, LastCode,
	// LastDescription) is the last failure, and Err only says why the
	// call ended.
	AfterAnswer bool
	// Err is the last failure.
	Err error
}

// Error says what failed, after how many attempts, and what was last seen.
func (e *CallError) Error() string {
	var b strings.Builder
	switch {
	case e.Cancelled:
		b.WriteString("the call was cancelled")
	case e.TimedOut:
		b.WriteString("the time allowed for the call ran out")
	default:
		b.WriteString("Partner Center could not be reached")
	}
	fmt.Fprintf(&b, " after %d attempt", e.Attempts)
	if e.Attempts != 1 {
		b.WriteString("s")
	}
	if e.LastStatus != 0 {
		fmt.Fprintf(&b, "; the last answer was HTTP %s", e.LastStatusText())
	}
	writeFault(&b, e.LastCode, e.LastDescription)
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " with Retry-After %s", e.RetryAfter)
	}
	fmt.Fprintf(&b, " (%s)", requestIDs(e.RequestID, e.CorrelationID))
	if !e.AfterAnswer {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

// LastStatusText is LastStatus with its text, such as "503 Service
// Unavailable"; empty when no answer came.
func (e *CallError) LastStatusText() string {
	if e.LastStatus == 0 {
		return ""
	}
	return fmt.Sprintf("%d %s", e.LastStatus, http.StatusText(e.LastStatus))
}

// Unwrap returns the last failure.
func (e *CallError) Unwrap() error {
	return e.Err
}

func newCallError(ctx context.Context, c *call, err error) *CallError {
	ended := ctx.Err()
	return &CallError{
		Attempts: c.attempts, LastStatus: c.lastStatus, LastCode: c.lastCode, LastDescription: c.lastDescription, RetryAfter: c.retryAfter,
		RequestID: c.requestID, CorrelationID: c.correlationID,
		TimedOut:    errors.Is(ended, context.DeadlineExceeded),
		Cancelled:   errors.Is(ended, context.Canceled),
		AfterAnswer: ended != nil && c.answered && errors.Is(err, ended),
		Err:         err,
	}
}
