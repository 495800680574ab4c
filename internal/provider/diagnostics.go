package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// Diagnostic summaries of the kinds of failure no operation words its own way.
var kindSummaries = map[partnercenter.Kind]string{
	partnercenter.KindAccessDenied:    "Access denied by Partner Center",
	partnercenter.KindNoRelationship:  "Access denied by Partner Center",
	partnercenter.KindThrottled:       "Throttled by Partner Center",
	partnercenter.KindUnavailable:     "Partner Center unavailable",
	partnercenter.KindInvalidRequest:  "Invalid request to Partner Center",
	partnercenter.KindConflict:        "Conflict with Partner Center's state",
	partnercenter.KindInvalidResponse: "Invalid response from Partner Center",
	partnercenter.KindCancelled:       "Partner Center call cancelled",
}

// Hints: what to do about a kind of failure.
const (
	hintAccess = "Check that the application has access to the Partner Center API (its permissions in Partner Center: " +
		"registered under Account settings, App management) and that the token is for the partner's tenant (tenant_id). " +
		"With an app+user sign-in (refresh_token), the user also needs a Partner Center role that allows the operation, and " +
		"Partner Center refuses a user who did not sign in with multi-factor authentication: obtain the refresh token again, " +
		"signing in with MFA (see " + signInGuide + ", " + signInGuideURL + ")."
	hintNoRelationship = "The partner has no relationship with that customer. Check customer_id, " +
		"and that the customer is one of the partner's customers."
	hintThrottled = "Partner Center limits how often a partner may call it. Reduce parallelism (terraform -parallelism) and how " +
		"often batches are polled, or allow more time with the timeouts block."
	hintUnavailable = "Partner Center or the network between failed; the provider retried as max_retries allows. Try again " +
		"later, or allow more attempts (max_retries) or more time (the timeouts block)."
	hintNoAnswer = "No answer came from Partner Center in time. Check that base_url can be reached from here (proxy, firewall), " +
		"or allow more time (the timeouts block) or shorter attempts that are retried sooner (request_timeout)."
	hintInvalidResponse = "Something other than Partner Center may have answered, such as a proxy or gateway, or base_url " +
		"may point at the wrong server."
	hintConflict = "Partner Center's state changed since it was read, or another change to it is under way. Run terraform plan " +
		"to see the current state, then apply again."
	hintCancelled = "Terraform was interrupted before Partner Center answered, so whether it applied the request is unknown. " +
		"Run the command again to finish: its plan reads what Partner Center holds, and its requests carry new MS-RequestIds."
)

// errorDiagnostic is the one place a failed Partner Center call becomes a
// diagnostic: a summary saying what failed in words, and a detail with the
// entity and IDs, the facts Microsoft support asks for, and a hint.
func (op operation) errorDiagnostic(err error) diag.Diagnostic {
	kind := partnercenter.KindOf(err)
	var waitTimeout *partnercenter.WaitTimeoutError
	if errors.As(err, &waitTimeout) && kind == partnercenter.KindTimedOut {
		return op.waitTimeoutDiagnostic(waitTimeout)
	}
	var signIn *partnercenter.SignInError
	if errors.As(err, &signIn) {
		return diag.NewErrorDiagnostic("Failed to sign in to Partner Center",
			fmt.Sprintf("%s needs a Partner Center token.\n\n%s", op.doing, describeSignInError(signIn)))
	}
	summary, hint := op.summaryAndHint(kind)
	var respErr *partnercenter.ResponseError
	if errors.As(err, &respErr) {
		// "Reading batch b failed.", or what was not found: "Partner
		// Center has no batch b."
		happened := op.doing + " failed"
		if kind == partnercenter.KindNotFound {
			happened = op.notFoundDetail
		}
		if respErr.RetryAbandoned {
			hint = op.retryAbandonedHint(respErr) + " " + hint
		}
		return diag.NewErrorDiagnostic(summary, fmt.Sprintf("%s.\n\n%s\n\n%s", happened, describeResponseError(respErr), hint))
	}
	var callErr *partnercenter.CallError
	if errors.As(err, &callErr) {
		what := "Partner Center could not be reached"
		switch {
		case callErr.Cancelled:
			what = "The call was cancelled"
		case callErr.TimedOut:
			what = fmt.Sprintf("The %s did not complete within %s", op.act, op.bound())
		}
		return diag.NewErrorDiagnostic(summary, fmt.Sprintf("%s failed. %s.\n\n%s\n\n%s", op.doing, what, describeCallError(callErr), hint))
	}
	if hint != "" {
		hint = "\n\n" + hint
	}
	return diag.NewErrorDiagnostic(summary, fmt.Sprintf("%s failed: %s%s", op.doing, err, hint))
}

// summaryAndHint words a kind of failure for this operation.
func (op operation) summaryAndHint(kind partnercenter.Kind) (summary, hint string) {
	switch kind {
	case partnercenter.KindNotFound:
		return op.notFound, op.notFoundHint
	case partnercenter.KindTimedOut:
		return op.timedOut, hintNoAnswer
	case partnercenter.KindAccessDenied:
		if op.accessHint != "" {
			return kindSummaries[kind], op.accessHint + " " + hintAccess
		}
		return kindSummaries[kind], hintAccess
	case partnercenter.KindNoRelationship:
		return kindSummaries[kind], hintNoRelationship
	case partnercenter.KindThrottled:
		return kindSummaries[kind], hintThrottled
	case partnercenter.KindUnavailable:
		return kindSummaries[kind], hintUnavailable
	case partnercenter.KindConflict:
		if op.conflictHint != "" {
			return kindSummaries[kind], op.conflictHint
		}
		return kindSummaries[kind], hintConflict
	case partnercenter.KindInvalidRequest:
		return kindSummaries[kind], "Partner Center refused the request as sent. " + op.invalidRequestHint
	case partnercenter.KindInvalidResponse:
		return kindSummaries[kind], hintInvalidResponse
	case partnercenter.KindCancelled:
		return kindSummaries[kind], hintCancelled
	}
	return op.failed, ""
}

// retryAbandonedHint says why the provider did not wait as Partner Center
// asked.
func (op operation) retryAbandonedHint(e *partnercenter.ResponseError) string {
	if e.MaxRetryDelay > 0 {
		return fmt.Sprintf("Partner Center asked to wait %s before retrying, longer than the longest wait between attempts (%s), "+
			"so the provider did not wait.", e.RetryAfter, e.MaxRetryDelay)
	}
	return fmt.Sprintf("Partner Center asked to wait %s before retrying, longer than the %s left of the %s (%s), so the provider did not wait.",
		e.RetryAfter, partnercenter.RoundTimeLeft(e.TimeLeft), op.act, op.bound())
}

// waitTimeoutDiagnostic explains a wait for a batch job that ran out of
// time: how far the job got, and why the last poll failed or was not made.
func (op operation) waitTimeoutDiagnostic(e *partnercenter.WaitTimeoutError) diag.Diagnostic {
	raise := "Raise " + op.timeout + " in the timeouts block"
	hint := "Partner Center may still be processing it. " + raise + ", or " + op.wait.alternative + "."
	switch {
	case e.LastErr != nil:
		// The job's progress is unknown: the reads were failing.
		hint = "The last poll failed, so whether Partner Center is still processing the batch is unknown; " +
			"give Microsoft support the request IDs above if it keeps failing. Try again later, or " + strings.ToLower(raise[:1]) + raise[1:] + "."
	case e.RetryAfter > 0:
		hint = "Partner Center asked the provider to come back later than the " + op.act + " may last, so it stopped waiting. " +
			raise + ", or " + op.wait.alternative + "."
	}
	return diag.NewErrorDiagnostic(op.wait.summary,
		fmt.Sprintf("%s did not finish within %s: %s.\n\n%s", op.wait.subject, op.bound(), e, hint))
}

// describeResponseError lists a Partner Center failure one fact per line.
func describeResponseError(e *partnercenter.ResponseError) string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP status: %s\n", e.Status())
	if e.RedirectTo != "" {
		fmt.Fprintf(&b, "Redirected to: %s (not followed: Partner Center does not redirect)\n", e.RedirectTo)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, "Partner Center code: %s\n", e.Code)
	}
	if e.Description != "" {
		fmt.Fprintf(&b, "Description: %s\n", e.Description)
	}
	for _, d := range e.Details {
		fmt.Fprintf(&b, "Details: %s\n", d)
	}
	fmt.Fprintf(&b, "MS-RequestId: %s\nMS-CorrelationId: %s\nAttempts: %d", e.RequestID, e.CorrelationID, e.Attempts)
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, "\nRetry-After: %s", e.RetryAfter)
	}
	return b.String()
}

// describeCallError lists what a call that got no usable answer saw: the
// last answer, with Partner Center's code and description, and the last
// failure unless the call ended waiting to retry after that answer, when
// the answer is the failure and the time limit is said already.
func describeCallError(e *partnercenter.CallError) string {
	var b strings.Builder
	if e.LastStatus != 0 {
		fmt.Fprintf(&b, "Last HTTP status: %s\n", e.LastStatusText())
	}
	if e.LastCode != "" {
		fmt.Fprintf(&b, "Partner Center code: %s\n", e.LastCode)
	}
	if e.LastDescription != "" {
		fmt.Fprintf(&b, "Description: %s\n", e.LastDescription)
	}
	if !e.AfterAnswer {
		fmt.Fprintf(&b, "Last error: %v\n", e.Err)
	}
	fmt.Fprintf(&b, "MS-RequestId: %s\nMS-CorrelationId: %s\nAttempts: %d", e.RequestID, e.CorrelationID, e.Attempts)
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, "\nRetry-After: %s", e.RetryAfter)
	}
	return b.String()
}

// bound names the operation's time limit and its value for messages:
// "timeouts { read } = 5m0s".
func (op operation) bound() string {
	return fmt.Sprintf("timeouts { %s } = %s", op.timeout, op.limit)
}
