package provider

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// HTTP statuses the mapping tells apart; net/http is the client's business.
const (
	statusRequestTimeout  = 408
	statusBadRequest      = 400
	statusUnauthorized    = 401
	statusForbidden       = 403
	statusNotFound        = 404
	statusTooManyRequests = 429
	statusInternalError   = 500
)

// Diagnostic summaries: what failed, in words.
const (
	summaryNotFound        = "Device batch not found"
	summaryAccessDenied    = "Access denied by Partner Center"
	summaryThrottled       = "Throttled by Partner Center"
	summaryUnavailable     = "Partner Center unavailable"
	summaryInvalidRequest  = "Invalid request to Partner Center"
	summaryInvalidResponse = "Invalid response from Partner Center"
	summaryReadFailed      = "Failed to read device batch status"
	summaryReadTimedOut    = "Timed out reading the device batch status"
)

// Hints: what to do about a failure.
const (
	hintAccess = "Check that the application has access to the Partner Center API (its permissions in Partner Center) " +
		"and that the token is for the partner's tenant (tenant_id)."
	hintNoRelationship = "Partner Center code 20002: the partner has no relationship with that customer. Check customer_id, " +
		"and that the customer is one of the partner's customers."
	hintThrottled = "Partner Center limits how often a partner may call it. Reduce parallelism (terraform -parallelism) and how " +
		"often batches are polled, or allow more time with the data source's timeouts { read }."
	hintUnavailable = "Partner Center or the network between failed; the provider retried as max_retries allows. Try again " +
		"later, or allow more attempts (max_retries) or more time (timeouts { read })."
	hintNoAnswer = "No answer came from Partner Center in time. Check that base_url can be reached from here (proxy, firewall), " +
		"or allow more time (timeouts { read }) or shorter attempts that are retried sooner (request_timeout)."
	hintInvalidResponse = "Something other than Partner Center may have answered, such as a proxy or gateway, or base_url " +
		"may point at the wrong server."
)

// batchStatusErrorDiagnostic is the one place a failed batch status read
// becomes a diagnostic: a summary saying what failed in words, and a detail
// with the IDs read, the facts Microsoft support asks for, and a hint.
func batchStatusErrorDiagnostic(err error, customerID, batchTrackingID string, readTimeout time.Duration) diag.Diagnostic {
	reading := fmt.Sprintf("Reading batch %s of customer %s", batchTrackingID, customerID)
	var waitTimeout *partnercenter.WaitTimeoutError
	if errors.As(err, &waitTimeout) {
		hint := "Partner Center may still be processing it. Raise read in the timeouts block, or read the status without " +
			"wait_for_completion and assert on it later."
		switch {
		case waitTimeout.LastErr != nil:
			// The batch's progress is unknown: the reads were failing.
			hint = "The last poll failed, so whether Partner Center is still processing the batch is unknown; " +
				"give Microsoft support the request IDs above if it keeps failing. Try again later, or raise read in the timeouts block."
		case waitTimeout.RetryAfter > 0:
			hint = "Partner Center asked the provider to come back later than the read may last, so it stopped waiting. " +
				"Raise read in the timeouts block, or read the status without wait_for_completion and assert on it later."
		}
		return diag.NewErrorDiagnostic("Timed out waiting for the device batch to finish",
			fmt.Sprintf("Batch %s of customer %s did not finish within timeouts { read } = %s: %s.\n\n%s",
				batchTrackingID, customerID, readTimeout, waitTimeout, hint))
	}
	var signIn *partnercenter.SignInError
	if errors.As(err, &signIn) {
		return diag.NewErrorDiagnostic("Failed to sign in to Partner Center",
			fmt.Sprintf("%s needs a Partner Center token.\n\n%s", reading, describeSignInError(signIn)))
	}
	var respErr *partnercenter.ResponseError
	if errors.As(err, &respErr) {
		summary, hint := classifyStatus(respErr.StatusCode, respErr.Code)
		if respErr.NotFound() {
			hint = "Check both IDs: the tracking ID is the last segment of the Location header returned by the upload."
			reading = fmt.Sprintf("Partner Center has no device batch with tracking ID %s for customer %s", batchTrackingID, customerID)
		}
		switch {
		case respErr.RetryAbandoned && respErr.MaxRetryDelay > 0:
			hint = fmt.Sprintf("Partner Center asked to wait %s before retrying, longer than the longest wait between attempts (%s), "+
				"so the provider did not wait. %s", respErr.RetryAfter, respErr.MaxRetryDelay, hint)
		case respErr.RetryAbandoned:
			hint = fmt.Sprintf("Partner Center asked to wait %s before retrying, longer than the %s left of the read (timeouts { read } = %s), "+
				"so the provider did not wait. %s", respErr.RetryAfter, roundTimeLeft(respErr.TimeLeft), readTimeout, hint)
		}
		return diag.NewErrorDiagnostic(summary, fmt.Sprintf("%s failed.\n\n%s\n\n%s", reading, describeResponseError(respErr), hint))
	}
	var callErr *partnercenter.CallError
	if errors.As(err, &callErr) {
		summary, hint := summaryUnavailable, hintUnavailable
		switch {
		case callErr.LastStatus == statusTooManyRequests:
			summary, hint = summaryThrottled, hintThrottled
		case callErr.TimedOut && callErr.LastStatus == 0:
			// Nothing says Partner Center is down: it may never have been reached.
			summary, hint = summaryReadTimedOut, hintNoAnswer
		}
		what := "Partner Center could not be reached"
		if callErr.TimedOut {
			what = fmt.Sprintf("The read did not complete within timeouts { read } = %s", readTimeout)
		}
		return diag.NewErrorDiagnostic(summary, fmt.Sprintf("%s failed. %s.\n\n%s\n\n%s", reading, what, describeCallError(callErr), hint))
	}
	if errors.Is(err, partnercenter.ErrInvalidResponse) {
		return diag.NewErrorDiagnostic(summaryInvalidResponse, fmt.Sprintf("%s failed: %s\n\n%s", reading, err, hintInvalidResponse))
	}
	return diag.NewErrorDiagnostic(summaryReadFailed, fmt.Sprintf("%s failed: %s", reading, err))
}

// roundTimeLeft shows a time left as a person reads it: 29.98s as 30s.
func roundTimeLeft(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}

// classifyStatus names what an HTTP status says went wrong, with a hint.
func classifyStatus(status int, code string) (summary, hint string) {
	switch {
	case code == "20002":
		return summaryAccessDenied, hintNoRelationship
	case status == statusNotFound:
		return summaryNotFound, ""
	case status == statusUnauthorized, status == statusForbidden:
		return summaryAccessDenied, hintAccess
	case status == statusTooManyRequests:
		return summaryThrottled, hintThrottled
	case status == statusRequestTimeout, status >= statusInternalError:
		return summaryUnavailable, hintUnavailable
	case status >= statusBadRequest:
		return summaryInvalidRequest, "Partner Center refused the request as sent. Check customer_id and batch_tracking_id."
	}
	return summaryReadFailed, ""
}

// describeResponseError lists a Partner Center failure one fact per line.
func describeResponseError(e *partnercenter.ResponseError) string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP status: %s\n", e.Status())
	if e.Code != "" {
		fmt.Fprintf(&b, "Partner Center code: %s\n", e.Code)
	}
	if e.Description != "" {
		fmt.Fprintf(&b, "Description: %s\n", e.Description)
	}
	fmt.Fprintf(&b, "MS-RequestId: %s\nMS-CorrelationId: %s\nAttempts: %d", e.RequestID, e.CorrelationID, e.Attempts)
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, "\nRetry-After: %s", e.RetryAfter)
	}
	return b.String()
}

// describeCallError lists what a call that got no usable answer saw.
func describeCallError(e *partnercenter.CallError) string {
	var b strings.Builder
	if e.LastStatus != 0 {
		fmt.Fprintf(&b, "Last HTTP status: %s\n", e.LastStatusText())
	}
	fmt.Fprintf(&b, "Last error: %v\nMS-RequestId: %s\nMS-CorrelationId: %s\nAttempts: %d", e.Err, e.RequestID, e.CorrelationID, e.Attempts)
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, "\nRetry-After: %s", e.RetryAfter)
	}
	return b.String()
}
