package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// A wait's timeout diagnostic says why it stopped: the last poll's failure,
// with the request IDs, or a Retry-After past the deadline.
func TestWaitTimeoutDiagnostic(t *testing.T) {
	processing := &partnercenter.BatchUploadDetails{Status: partnercenter.StatusProcessing}
	tests := []struct {
		name    string
		err     *partnercenter.WaitTimeoutError
		want    []string
		notWant string
	}{
		{"between polls", &partnercenter.WaitTimeoutError{Last: processing, Polls: 3, Err: context.DeadlineExceeded},
			[]string{`its last status was "processing"`, "Partner Center may still be processing it"}, "last poll failed"},
		{"during a failing poll", &partnercenter.WaitTimeoutError{Last: processing, Polls: 1, Err: context.DeadlineExceeded,
			LastErr: &partnercenter.CallError{Attempts: 3, LastStatus: 503, RequestID: "req-1", CorrelationID: "corr-1", TimedOut: true, Err: context.DeadlineExceeded}},
			[]string{"the last poll failed: the time allowed for the call ran out after 3 attempts; the last answer was HTTP 503 Service Unavailable",
				"MS-RequestId: req-1", "whether Partner Center is still processing the batch is unknown"}, "may still be processing it"},
		{"Retry-After past the deadline", &partnercenter.WaitTimeoutError{Last: processing, Polls: 1, Err: context.DeadlineExceeded, RetryAfter: time.Hour},
			[]string{"Partner Center asked to wait 1h0m0s before the next poll, longer than the time left", "come back later than the read may last"}, "last poll failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := readBatchStatusOperation("c", "b", 30*time.Second).errorDiagnostic(tt.err)
			if d.Summary() != "Timed out waiting for the device batch to finish" {
				t.Errorf("summary %q", d.Summary())
			}
			for _, want := range tt.want {
				if !strings.Contains(d.Detail(), want) {
					t.Errorf("detail %q, want it to contain %q", d.Detail(), want)
				}
			}
			if strings.Contains(d.Detail(), tt.notWant) {
				t.Errorf("detail %q, want it not to contain %q", d.Detail(), tt.notWant)
			}
		})
	}
}
