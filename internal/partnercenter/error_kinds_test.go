package partnercenter_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

func TestKindOf(t *testing.T) {
	respErr := func(status int, code string) error {
		return fmt.Errorf("wrapped: %w", &partnercenter.ResponseError{StatusCode: status, Code: code})
	}
	tests := []struct {
		name string
		err  error
		want partnercenter.Kind
	}{
		{"404", respErr(404, "1000"), partnercenter.KindNotFound},
		{"401", respErr(401, "400"), partnercenter.KindAccessDenied},
		{"403", respErr(403, "2032"), partnercenter.KindAccessDenied},
		{"no relationship", respErr(403, "20002"), partnercenter.KindNoRelationship},
		{"429", respErr(429, ""), partnercenter.KindThrottled},
		{"408", respErr(408, ""), partnercenter.KindUnavailable},
		{"500", respErr(500, "800003"), partnercenter.KindUnavailable},
		{"504", respErr(504, ""), partnercenter.KindUnavailable},
		{"409", respErr(409, ""), partnercenter.KindConflict},
		{"a policy in use, refused with 409", fmt.Errorf("wrapped: %w", &partnercenter.PolicyInUseError{Devices: 2, Err: respErr(409, "")}), partnercenter.KindInUse},
		{"a policy in use, refused with 400", &partnercenter.PolicyInUseError{Devices: 1, Err: respErr(400, "")}, partnercenter.KindInUse},
		{"400", respErr(400, "900118"), partnercenter.KindInvalidRequest},
		{"412", respErr(412, ""), partnercenter.KindInvalidRequest},
		{"an unexpected redirect", respErr(302, ""), partnercenter.KindInvalidResponse},
		{"invalid response", fmt.Errorf("%w: an HTML page", partnercenter.ErrInvalidResponse), partnercenter.KindInvalidResponse},
		{"unreachable", &partnercenter.CallError{Attempts: 6, Err: errors.New("connection refused")}, partnercenter.KindUnavailable},
		{"timed out, no answer", &partnercenter.CallError{TimedOut: true, Err: context.DeadlineExceeded}, partnercenter.KindTimedOut},
		{"timed out retrying 503", &partnercenter.CallError{TimedOut: true, LastStatus: 503, Err: context.DeadlineExceeded}, partnercenter.KindUnavailable},
		{"timed out retrying 429", &partnercenter.CallError{TimedOut: true, LastStatus: 429, Err: context.DeadlineExceeded}, partnercenter.KindThrottled},
		{"cancelled", &partnercenter.CallError{Cancelled: true, LastStatus: 503, Err: context.Canceled}, partnercenter.KindCancelled},
		{"wait timed out", &partnercenter.WaitTimeoutError{Err: context.DeadlineExceeded, LastErr: respErr(503, "")}, partnercenter.KindTimedOut},
		{"wait cancelled", &partnercenter.WaitTimeoutError{Err: context.Canceled}, partnercenter.KindCancelled},
		{"sign-in", &partnercenter.SignInError{}, partnercenter.KindSignIn},
		{"other", errors.New("boom"), partnercenter.KindOther},
	}
	for _, tt := range tests {
		if got := partnercenter.KindOf(tt.err); got != tt.want {
			t.Errorf("%s: KindOf(%v) = %d, want %d", tt.name, tt.err, got, tt.want)
		}
	}
}

// TestACancelledCallSaysSo cancels a wait and a call once the first request
// has reached Partner Center, so that the errors cannot depend on how soon
// it is sent.
func TestACancelledCallSaysSo(t *testing.T) {
	// The batch stays queued, so only the cancellation ends the wait: it
	// comes as the first answer is read, before the wait for the next poll.
	queued := `{"batchTrackingId":"` + trackingID + `","status":"queued"}`
	client := retryClient(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		answer(http.StatusOK, queued)(w)
	}), &countingCredential{}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	deadline, stop := context.WithTimeout(ctx, 30*time.Second)
	defer stop()
	_, err := client.WaitForBatch(deadline, customerID, trackingID, partnercenter.WaitOptions{
		InitialDelay: time.Millisecond,
		OnPoll:       func(*partnercenter.BatchUploadDetails) { cancel() },
	})
	if partnercenter.KindOf(err) != partnercenter.KindCancelled {
		t.Fatalf("err = %v, want a cancelled wait", err)
	}
	if want := "stopped waiting, cancelled, for the batch"; !strings.Contains(err.Error(), want) {
		t.Errorf("err = %q, want it to say %q", err, want)
	}
	if want := `and 1 poll(s): its last status was "queued"`; !strings.Contains(err.Error(), want) {
		t.Errorf("err = %q, want it to say %q", err, want)
	}

	// A call cancelled while Partner Center has not answered: the request
	// has arrived, and no answer comes.
	ctx, cancel = context.WithCancel(context.Background())
	client = retryClient(t, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		cancel()
		<-r.Context().Done()
	}), &countingCredential{}, nil)
	deadline, stop = context.WithTimeout(ctx, 30*time.Second)
	defer stop()
	_, err = client.GetBatchStatus(deadline, customerID, trackingID)
	var callErr *partnercenter.CallError
	if !errors.As(err, &callErr) || !callErr.Cancelled || partnercenter.KindOf(err) != partnercenter.KindCancelled {
		t.Fatalf("err = %v, want a cancelled call", err)
	}
	if want := "the call was cancelled after 1 attempt"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %q, want it to start with %q", err, want)
	}
}
