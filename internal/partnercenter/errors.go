package partnercenter

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

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
	// RequestID and CorrelationID identify the call to Microsoft support.
	RequestID     string
	CorrelationID string
}

// Error describes the failure with everything needed to act on it.
func (e *ResponseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Partner Center answered HTTP %s", e.Status())
	switch {
	case e.Code != "" && e.Description != "":
		fmt.Fprintf(&b, ": error %s: %s", e.Code, e.Description)
	case e.Code != "":
		fmt.Fprintf(&b, ": error %s", e.Code)
	case e.Description != "":
		fmt.Fprintf(&b, ": %s", e.Description)
	}
	fmt.Fprintf(&b, " (%s)", e.requestIDs())
	return b.String()
}

// Status is the HTTP status code with its text, such as "404 Not Found".
func (e *ResponseError) Status() string {
	return fmt.Sprintf("%d %s", e.StatusCode, http.StatusText(e.StatusCode))
}

func (e *ResponseError) requestIDs() string {
	return headerRequestID + ": " + e.RequestID + ", " + headerCorrelationID + ": " + e.CorrelationID
}

// NotFound reports whether Partner Center answered 404.
func (e *ResponseError) NotFound() bool {
	return e.StatusCode == http.StatusNotFound
}

// apiFault is the error body of Partner Center. A throttled call answers with
// a different shape, statusCode and message, which is read into the same fields.
type apiFault struct {
	Code        stringOrNumber `json:"code"`
	Description string         `json:"description"`
	StatusCode  stringOrNumber `json:"statusCode"`
	Message     string         `json:"message"`
}

func newResponseError(resp *http.Response) *ResponseError {
	e := &ResponseError{StatusCode: resp.StatusCode}
	e.RequestID, e.CorrelationID = callIDs(resp)
	body, err := runtime.Payload(resp)
	if err != nil {
		return e
	}
	var fault apiFault
	if json.Unmarshal(body, &fault) != nil {
		return e
	}
	e.Code = string(fault.Code)
	e.Description = fault.Description
	if e.Description == "" {
		e.Description = fault.Message
	}
	return e
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

func requestIDs(resp *http.Response) string {
	requestID, correlationID := callIDs(resp)
	return (&ResponseError{RequestID: requestID, CorrelationID: correlationID}).requestIDs()
}
