package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

func TestBatchStatusErrorDiagnostic(t *testing.T) {
	ids := func(e partnercenter.ResponseError) *partnercenter.ResponseError {
		e.RequestID, e.CorrelationID = "req-1", "corr-1"
		return &e
	}
	tests := []struct {
		name    string
		err     error
		summary string
		detail  []string
	}{
		{"not found", ids(partnercenter.ResponseError{StatusCode: 404, Code: "1000", Description: "Not found", Attempts: 1}),
			"Device batch not found", []string{"no device batch with tracking ID b for customer c", "HTTP status: 404 Not Found",
				"Partner Center code: 1000", "Description: Not found", "MS-RequestId: req-1", "MS-CorrelationId: corr-1", "Attempts: 1", "Check both IDs"}},
		{"unauthorized", ids(partnercenter.ResponseError{StatusCode: 401, Attempts: 2}),
			"Access denied by Partner Center", []string{"HTTP status: 401 Unauthorized", "Attempts: 2", "permissions in Partner Center", "tenant_id"}},
		// Partner Center's refusal of an app+user token without MFA: the
		// hint words it without the provider knowing the code.
		{"app+user without MFA", ids(partnercenter.ResponseError{StatusCode: 401, Code: "900421", Attempts: 1}),
			"Access denied by Partner Center", []string{"Partner Center code: 900421", "refresh_token",
				"did not sign in with multi-factor authentication", "obtain the refresh token again",
				// The provider is not on a registry: its docs are in its
				// repository.
				`(see the "Sign-in" guide of the provider's docs (docs/guides/sign-in.md), ` +
					"https://github.com/seed-8b9b5c63/terraform-provider-partnercenter/blob/main/docs/guides/sign-in.md)"}},
		{"forbidden", ids(partnercenter.ResponseError{StatusCode: 403, Code: "2032", Attempts: 1}),
			"Access denied by Partner Center", []string{"Partner Center code: 2032", "permissions in Partner Center"}},
		{"no relationship", ids(partnercenter.ResponseError{StatusCode: 403, Code: "20002", Attempts: 1}),
			"Access denied by Partner Center", []string{"Partner Center code: 20002", "no relationship with that customer"}},
		{"throttled", ids(partnercenter.ResponseError{StatusCode: 429, Attempts: 6, RetryAfter: 57 * time.Second}),
			"Throttled by Partner Center", []string{"HTTP status: 429 Too Many Requests", "Attempts: 6", "Retry-After: 57s", "-parallelism"}},
		{"throttled beyond the read timeout", ids(partnercenter.ResponseError{StatusCode: 429, Attempts: 1, RetryAfter: 2 * time.Minute, RetryAbandoned: true,
			TimeLeft: 21*time.Second + 700*time.Millisecond}),
			"Throttled by Partner Center", []string{"Retry-After: 2m0s", "asked to wait 2m0s before retrying, longer than the 22s left of the read (timeouts { read } = 30s)"}},
		{"throttled beyond the longest wait", ids(partnercenter.ResponseError{StatusCode: 429, Attempts: 1, RetryAfter: 2 * time.Minute, RetryAbandoned: true,
			MaxRetryDelay: time.Minute}),
			"Throttled by Partner Center", []string{"asked to wait 2m0s before retrying, longer than the longest wait between attempts (1m0s)"}},
		{"unavailable", ids(partnercenter.ResponseError{StatusCode: 503, Attempts: 6}),
			"Partner Center unavailable", []string{"HTTP status: 503 Service Unavailable", "Attempts: 6", "max_retries"}},
		{"request timeout status", ids(partnercenter.ResponseError{StatusCode: 408, Attempts: 6}), "Partner Center unavailable", []string{"408 Request Timeout"}},
		{"bad request", ids(partnercenter.ResponseError{StatusCode: 400, Code: "900118", Description: "Invalid Customer Id", Attempts: 1}),
			"Invalid request to Partner Center", []string{"Partner Center code: 900118", "Description: Invalid Customer Id", "customer_id"}},
		{"bad request with details", ids(partnercenter.ResponseError{StatusCode: 400, Code: "800002", Description: "Invalid request input",
			Details: []string{"Device 0 has no id.", "Device 1 has no id."}, Attempts: 1}),
			"Invalid request to Partner Center", []string{"Description: Invalid request input\nDetails: Device 0 has no id.\nDetails: Device 1 has no id.\nMS-RequestId: req-1"}},
		{"conflict", ids(partnercenter.ResponseError{StatusCode: 409, Attempts: 1}), "Conflict with Partner Center's state",
			[]string{"409 Conflict", "Run terraform plan to see the current state"}},
		{"redirect", ids(partnercenter.ResponseError{StatusCode: 302, RedirectTo: "http://login.contoso.example", Attempts: 1}), "Invalid response from Partner Center",
			[]string{"HTTP status: 302 Found", "Redirected to: http://login.contoso.example (not followed: Partner Center does not redirect)", "base_url may point at the wrong server"}},
		{"timed out", &partnercenter.CallError{Attempts: 3, LastStatus: 503, RetryAfter: time.Second, RequestID: "req-1", CorrelationID: "corr-1",
			TimedOut: true, Err: context.DeadlineExceeded},
			"Partner Center unavailable", []string{"did not complete within timeouts { read } = 30s", "Last HTTP status: 503 Service Unavailable",
				"Last error: context deadline exceeded", "MS-RequestId: req-1", "MS-CorrelationId: corr-1", "Attempts: 3", "Retry-After: 1s"}},
		{"timed out waiting to retry after an ApiFault", &partnercenter.CallError{Attempts: 3, LastStatus: 500, LastCode: "800003", LastDescription: "Unexpected service error",
			RequestID: "req-1", CorrelationID: "corr-1", TimedOut: true, AfterAnswer: true, Err: context.DeadlineExceeded},
			"Partner Center unavailable", []string{"did not complete within timeouts { read } = 30s", "Last HTTP status: 500 Internal Server Error\n" +
				"Partner Center code: 800003\nDescription: Unexpected service error\nMS-RequestId: req-1\nMS-CorrelationId: corr-1\nAttempts: 3"}},
		{"timed out with no answer", &partnercenter.CallError{Attempts: 2, TimedOut: true, Err: context.DeadlineExceeded},
			"Timed out reading the device batch status", []string{"did not complete within timeouts { read } = 30s", "Attempts: 2", "No answer came from Partner Center in time"}},
		{"timed out while throttled", &partnercenter.CallError{Attempts: 2, LastStatus: 429, TimedOut: true, Err: context.DeadlineExceeded},
			"Throttled by Partner Center", []string{"Last HTTP status: 429 Too Many Requests", "-parallelism"}},
		{"cancelled", &partnercenter.CallError{Attempts: 1, Cancelled: true, RequestID: "req-1", Err: context.Canceled},
			"Partner Center call cancelled", []string{"Reading batch b of customer c failed. The call was cancelled.", "MS-RequestId: req-1",
				"Terraform was interrupted before Partner Center answered"}},
		{"cancelled wait", &partnercenter.WaitTimeoutError{Err: context.Canceled, Polls: 2}, "Partner Center call cancelled",
			[]string{"Reading batch b of customer c failed: stopped waiting, cancelled, for the batch", "Terraform was interrupted"}},
		{"unreachable", &partnercenter.CallError{Attempts: 6, RequestID: "req-1", Err: errors.New("connection reset by peer")},
			"Partner Center unavailable", []string{"Partner Center could not be reached", "Last error: connection reset by peer", "Attempts: 6"}},
		{"invalid response", fmt.Errorf("%w: the batch status answer is an HTML page (MS-RequestId: req-1)", partnercenter.ErrInvalidResponse),
			"Invalid response from Partner Center", []string{"an HTML page", "MS-RequestId: req-1", "proxy or gateway"}},
		{"sign-in", &partnercenter.SignInError{}, "Failed to sign in to Partner Center", []string{"needs a Partner Center token"}},
		{"other", errors.New("boom"), "Failed to read device batch status", []string{"Reading batch b of customer c failed: boom"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := readBatchStatusOperation("c", "b", 30*time.Second).errorDiagnostic(tt.err)
			if d.Summary() != tt.summary {
				t.Errorf("summary %q, want %q", d.Summary(), tt.summary)
			}
			for _, want := range tt.detail {
				if !strings.Contains(d.Detail(), want) {
					t.Errorf("detail does not contain %q:\n%s", want, d.Detail())
				}
			}
		})
	}
}

// A policy's deletion is retried while in conflict until its time runs
// out: its hint says so, and does not send the user to plan again.
func TestPolicyDeleteConflictHint(t *testing.T) {
	err := &partnercenter.ResponseError{StatusCode: 409, Attempts: 1, RequestID: "req-1"}
	d := policyOperations{customerID: "c", policyID: "p", timeout: "delete", limit: 5 * time.Minute}.delete().errorDiagnostic(err)
	if d.Summary() != "Conflict with Partner Center's state" {
		t.Errorf("summary %q", d.Summary())
	}
	for _, want := range []string{"Deleting configuration policy p of customer c failed.", "HTTP status: 409 Conflict", "MS-RequestId: req-1",
		"Partner Center kept refusing to delete the profile while the provider tried again, for up to timeouts { delete } = 5m0s",
		"though it counted no device with the profile", "allow more time with delete in the timeouts block"} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("detail %q does not say %q", d.Detail(), want)
		}
	}
	if strings.Contains(d.Detail(), "terraform plan") {
		t.Errorf("detail %q sends the user to plan again", d.Detail())
	}
	// Other operations on a policy keep the general hint.
	if d := (policyOperations{customerID: "c", policyID: "p", timeout: "update", limit: time.Minute}).update().errorDiagnostic(err); !strings.Contains(d.Detail(), hintConflict) {
		t.Errorf("an update's conflict says %q, want the general hint", d.Detail())
	}
}

// The one diagnostic of a policy devices still have: how many, what to do,
// why the time ran out when it did, and Partner Center's answer.
func TestPolicyInUseDiagnostic(t *testing.T) {
	refusal := &partnercenter.ResponseError{StatusCode: 409, Attempts: 1, RequestID: "req-1", CorrelationID: "corr-1"}
	inUse := func(devices int) *partnercenter.PolicyInUseError {
		return &partnercenter.PolicyInUseError{PolicyID: "p", Devices: devices, Err: refusal}
	}
	const (
		fix       = "Give those devices another profile with a partnercenter_device_policy_assignment, or delete them by removing them from their partnercenter_device_batch or destroying it; then destroy the profile again."
		order     = "Terraform deletes the profile before it changes an assignment's policy_id away from it, so apply that change first, keeping the profile, then remove the profile."
		assigning = "Destroying a partnercenter_device_policy_assignment alone does not take the profile off its devices: Partner Center documents no way to."
		timedOut  = "The deletion was tried again while this run deleted devices of customer c or gave them a profile, until timeouts { delete } = 5m0s ran out. If those were the profile's devices, allow more time with delete in the timeouts block."
		cancelled = "until the run was interrupted"
	)
	tests := []struct {
		name          string
		devices       int
		ended         error
		want, without []string
	}{
		{"one device", 1, nil, []string{"Partner Center refuses to delete configuration policy p of customer c: 1 device still has it, and a profile is deleted only when no device has it.",
			fix, order, assigning, "Partner Center's answer:\nHTTP status: 409 Conflict", "MS-RequestId: req-1", "MS-CorrelationId: corr-1"}, []string{timedOut, cancelled, "terraform plan"}},
		{"devices", 3, nil, []string{": 3 devices still have it,", fix}, []string{timedOut, cancelled}},
		{"timed out while devices were deleted", 2, context.DeadlineExceeded, []string{": 2 devices still have it,", fix, timedOut}, []string{cancelled}},
		{"interrupted", 2, context.Canceled, []string{fix, cancelled}, []string{timedOut}},
	}
	for _, tt := range tests {
		d := policyInUseDiagnostic("c", inUse(tt.devices), tt.ended, 5*time.Minute)
		if d.Summary() != "Configuration policy still assigned" {
			t.Errorf("%s: summary %q", tt.name, d.Summary())
		}
		for _, want := range tt.want {
			if !strings.Contains(d.Detail(), want) {
				t.Errorf("%s: detail %q does not say %q", tt.name, d.Detail(), want)
			}
		}
		for _, unwanted := range tt.without {
			if strings.Contains(d.Detail(), unwanted) {
				t.Errorf("%s: detail %q says %q", tt.name, d.Detail(), unwanted)
			}
		}
	}
}
