package partnercenter

import (
	"context"
	"errors"
	"net/http"
)

// Kind is what kind of failure an error of this package is, so that callers
// can explain and react to it without knowing HTTP statuses or Partner
// Center's codes.
type Kind int

// The kinds of failure, in the order KindOf tells them apart.
const (
	// KindOther is a failure of no kind below, such as a request that
	// could not be built.
	KindOther Kind = iota
	// KindCancelled: the caller cancelled the call (Terraform interrupted).
	KindCancelled
	// KindTimedOut: the time allowed ran out before any answer came, or
	// before a batch job finished.
	KindTimedOut
	// KindSignIn: no token could be obtained from Entra ID.
	KindSignIn
	// KindInUse: Partner Center refused to delete something that others
	// still use, such as a policy devices still have (*PolicyInUseError):
	// it stays refused until they no longer do, whatever the wait.
	KindInUse
	// KindNotFound: Partner Center has no such resource (404).
	KindNotFound
	// KindNoRelationship: the partner has no relationship with the
	// customer (code 20002).
	KindNoRelationship
	// KindAccessDenied: the token was refused or lacks a role (401, 403).
	KindAccessDenied
	// KindThrottled: Partner Center limited the calls (429), after retries.
	KindThrottled
	// KindUnavailable: Partner Center or the network failed (408, 5xx,
	// dropped connections), after retries.
	KindUnavailable
	// KindConflict: the request conflicts with Partner Center's state (409).
	KindConflict
	// KindInvalidRequest: Partner Center refused the request as sent
	// (another 4xx).
	KindInvalidRequest
	// KindInvalidResponse: the answer was not what Partner Center
	// documents (ErrInvalidResponse).
	KindInvalidResponse
)

// codeNoRelationship is Partner Center's code for a customer that is not
// one of the partner's.
const codeNoRelationship = "20002"

// KindOf classifies err, an error returned by this package.
func KindOf(err error) Kind {
	var (
		respErr *ResponseError
		callErr *CallError
		waitErr *WaitTimeoutError
		signIn  *SignInError
		inUse   *PolicyInUseError
	)
	switch {
	case err == nil:
		return KindOther
	case errors.As(err, &waitErr):
		if errors.Is(waitErr.Err, context.Canceled) {
			return KindCancelled
		}
		return KindTimedOut
	case errors.As(err, &signIn):
		return KindSignIn
	case errors.As(err, &inUse):
		// Before the refusal it wraps, a conflict or invalid request.
		return KindInUse
	case errors.As(err, &respErr):
		return statusKind(respErr.StatusCode, respErr.Code)
	case errors.As(err, &callErr):
		last := statusKind(callErr.LastStatus, "")
		switch {
		case callErr.Cancelled:
			return KindCancelled
		case last == KindThrottled || last == KindUnavailable:
			// The retries were answered, with what they could not outlast.
			return last
		case callErr.TimedOut:
			// Nothing says Partner Center is down: it may never have been
			// reached.
			return KindTimedOut
		}
		return KindUnavailable
	case errors.Is(err, ErrInvalidResponse):
		return KindInvalidResponse
	case errors.Is(err, context.Canceled):
		return KindCancelled
	case errors.Is(err, context.DeadlineExceeded):
		return KindTimedOut
	}
	return KindOther
}

// statusKind is the kind of failure an HTTP status and Partner Center code
// say.
func statusKind(status int, code string) Kind {
	switch {
	case code == codeNoRelationship:
		return KindNoRelationship
	case status == http.StatusNotFound:
		return KindNotFound
	case status == http.StatusUnauthorized, status == http.StatusForbidden:
		return KindAccessDenied
	case status == http.StatusTooManyRequests:
		return KindThrottled
	case status == http.StatusRequestTimeout, status >= http.StatusInternalServerError:
		return KindUnavailable
	case status == http.StatusConflict:
		return KindConflict
	case status >= http.StatusBadRequest:
		return KindInvalidRequest
	}
	// A success or redirect status that was not expected.
	return KindInvalidResponse
}
