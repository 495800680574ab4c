package partnercenter_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

const (
	queuedBody     = `{"batchTrackingId":"` + trackingID + `","status":"queued","startedTime":"0001-01-01T00:00:00","devicesStatus":[]}`
	processingBody = `{"batchTrackingId":"` + trackingID + `","status":"processing","startedTime":"2017-07-25T10:00:00",` +
		`"devicesStatus":[{"serialNumber":"1","status":"finished"},{"serialNumber":"2","status":"processing"},{"serialNumber":"3","status":"finished_with_errors","errorCode":"806"}]}`
	finishedBody = `{"batchTrackingId":"` + trackingID + `","status":"finished_with_errors","startedTime":"2017-07-25T10:00:00","completedTime":"2017-07-25T10:10:00",` +
		`"devicesStatus":[{"serialNumber":"1","status":"finished"},{"serialNumber":"2","status":"finished"},{"serialNumber":"3","status":"finished_with_errors","errorCode":"806"}]}`
)

// fastPolling keeps unit tests quick; Retry-After is clamped to 1 ms.
var fastPolling = partnercenter.WaitOptions{InitialDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond, MinRetryAfter: time.Millisecond}

func TestWaitForBatchPollsUntilTerminal(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){
		answer(http.StatusOK, queuedBody),
		answer(http.StatusOK, processingBody, "Retry-After", "0"),
		answer(http.StatusOK, finishedBody),
	}}
	client := newTestClient(t, rec, &countingCredential{})
	var seen []partnercenter.UploadStatus
	o := fastPolling
	o.OnPoll = func(d *partnercenter.BatchUploadDetails) { seen = append(seen, d.Status) }

	got, err := client.WaitForBatch(waitContext(t), customerID, trackingID, o)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != partnercenter.StatusFinishedWithErrors || got.FailedDeviceCount() != 1 {
		t.Errorf("got %+v", got)
	}
	want := []partnercenter.UploadStatus{"queued", "processing", "finished_with_errors"}
	if strings.Join(statusStrings(seen), ",") != strings.Join(statusStrings(want), ",") {
		t.Errorf("OnPoll saw %v, want %v", seen, want)
	}
	if len(rec.paths) != 3 {
		t.Errorf("%d requests, want 3", len(rec.paths))
	}
}

func statusStrings(s []partnercenter.UploadStatus) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = string(v)
	}
	return out
}

func TestWaitForBatchReturnsATerminalBatchAtOnce(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){answer(http.StatusOK, finishedBody)}}
	client := newTestClient(t, rec, &countingCredential{})
	// The default 2 s backoff would show as a slow test if a finished
	// batch were polled again.
	if _, err := client.WaitForBatch(waitContext(t), customerID, trackingID, partnercenter.WaitOptions{}); err != nil {
		t.Fatal(err)
	}
	if len(rec.paths) != 1 {
		t.Errorf("%d requests, want 1", len(rec.paths))
	}
}

func TestWaitForBatchHonoursRetryAfterOverTheBackoff(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){answer(http.StatusOK, processingBody, "Retry-After", "60")}}
	client := newTestClient(t, rec, &countingCredential{})
	// Sixty seconds do not fit in the 30 s left, so the wait ends after
	// the first poll, long before its deadline; with the 1 ms backoff and
	// no Retry-After it would poll again at once, and the second poll
	// ends it. (A deadline of 200 ms, which the first answer had to beat,
	// was a race on a loaded machine.)
	ctx, cancel := context.WithCancel(waitContext(t))
	defer cancel()
	o := fastPolling
	polls := 0
	o.OnPoll = func(*partnercenter.BatchUploadDetails) {
		if polls++; polls > 1 {
			cancel()
		}
	}

	_, err := client.WaitForBatch(ctx, customerID, trackingID, o)
	var timeout *partnercenter.WaitTimeoutError
	if !errors.As(err, &timeout) {
		t.Fatalf("error %v, want a *WaitTimeoutError", err)
	}
	if timeout.Polls != 1 || len(rec.paths) != 1 {
		t.Errorf("%d polls, %d requests; want 1: Retry-After: 60 was not honoured", timeout.Polls, len(rec.paths))
	}
}

func TestWaitForBatchClampsRetryAfterZero(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){
		answer(http.StatusOK, processingBody, "Retry-After", "0"),
		answer(http.StatusOK, processingBody, "Retry-After", "0"),
		answer(http.StatusOK, finishedBody),
	}}
	client := newTestClient(t, rec, &countingCredential{})
	o := fastPolling
	o.MinRetryAfter = 100 * time.Millisecond
	// The waits are recorded, not timed: counting the polls of a real
	// 250 ms said nothing when a loaded machine took that long to answer
	// the first.
	var waits []time.Duration
	o = o.WithSleep(func(_ context.Context, d time.Duration) bool {
		waits = append(waits, d)
		return true
	})

	if _, err := client.WaitForBatch(waitContext(t), customerID, trackingID, o); err != nil {
		t.Fatal(err)
	}
	// Retry-After: 0 clamped to 100 ms before each poll, where spinning
	// waits not at all.
	if want := []time.Duration{100 * time.Millisecond, 100 * time.Millisecond}; !slices.Equal(waits, want) {
		t.Errorf("waited %v between polls answered Retry-After: 0, want %v", waits, want)
	}
}

func TestWaitForBatchTimeoutSaysHowFarTheBatchGot(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){answer(http.StatusOK, processingBody)}}
	client := newTestClient(t, rec, &countingCredential{})
	// The time runs out once the first answer is in, not after 50 ms that
	// a loaded machine may spend before the first answer.
	ctx := newDeadlineContext(t)
	o := fastPolling
	o.OnPoll = func(*partnercenter.BatchUploadDetails) { ctx.expire() }

	_, err := client.WaitForBatch(ctx, customerID, trackingID, o)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("errors.Is(%v, context.DeadlineExceeded) is false", err)
	}
	for _, want := range []string{"gave up waiting for the batch after ", `its last status was "processing", with 2 of 3 device(s) finished`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want it to contain %q", err, want)
		}
	}
}

func TestWaitForBatchStopsOnAFailedPoll(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){
		answer(http.StatusOK, queuedBody),
		answer(http.StatusNotFound, `{"code":1000,"description":"Not found"}`),
	}}
	client := newTestClient(t, rec, &countingCredential{})

	_, err := client.WaitForBatch(waitContext(t), customerID, trackingID, fastPolling)
	var respErr *partnercenter.ResponseError
	if !errors.As(err, &respErr) || partnercenter.KindOf(err) != partnercenter.KindNotFound {
		t.Errorf("error %v, want Partner Center's 404", err)
	}
}

func TestWaitForBatchBacksOffByDoubling(t *testing.T) {
	var mu sync.Mutex
	var at []time.Time
	stamp := func(w http.ResponseWriter) {
		mu.Lock()
		at = append(at, time.Now())
		mu.Unlock()
		answer(http.StatusOK, processingBody)(w)
	}
	rec := &recorder{responses: []func(http.ResponseWriter){stamp, stamp, stamp, stamp, answer(http.StatusOK, finishedBody)}}
	client := newTestClient(t, rec, &countingCredential{})
	o := partnercenter.WaitOptions{InitialDelay: 40 * time.Millisecond, MaxDelay: time.Second}

	if _, err := client.WaitForBatch(waitContext(t), customerID, trackingID, o); err != nil {
		t.Fatal(err)
	}
	// Delays of 40, 80 and 160 ms, each at least 4/5 of that with jitter;
	// only lower bounds, as a loaded machine may always be slower.
	for i, want := range []time.Duration{32 * time.Millisecond, 64 * time.Millisecond, 128 * time.Millisecond} {
		if gap := at[i+1].Sub(at[i]); gap < want {
			t.Errorf("delay %d was %v, want at least %v", i+1, gap, want)
		}
	}
}

// The delay stops doubling at MaxDelay. Sixteen polls 5 ms then 10 ms apart
// take well under a second, where delays that kept doubling would take
// 5 ms × (2¹⁵ − 1), over two and a half minutes: the 10 s deadline tells
// the two apart with room to spare on a loaded machine, and no gap is timed.
func TestWaitForBatchBackoffStopsAtMaxDelay(t *testing.T) {
	const polls = 16
	var responses []func(http.ResponseWriter)
	for range polls - 1 {
		responses = append(responses, answer(http.StatusOK, processingBody))
	}
	rec := &recorder{responses: append(responses, answer(http.StatusOK, finishedBody))}
	client := newTestClient(t, rec, &countingCredential{})
	ctx, cancel := context.WithTimeout(waitContext(t), 10*time.Second)
	defer cancel()
	o := partnercenter.WaitOptions{InitialDelay: 5 * time.Millisecond, MaxDelay: 10 * time.Millisecond}

	got, err := client.WaitForBatch(ctx, customerID, trackingID, o)
	if err != nil {
		t.Fatalf("%v: the delay between polls grew past MaxDelay %v", err, o.MaxDelay)
	}
	if !got.Status.Terminal() || len(rec.paths) != polls {
		t.Errorf("status %q after %d requests, want a terminal one after %d", got.Status, len(rec.paths), polls)
	}
}

// TestWaitForBatchTimeoutKeepsWhyThePollFailed: the time runs out while a
// poll retries a 503, as when an overloaded gateway answers slowly. The
// deadline passes when the poll's retry has reached the server, which
// answers no more: a real 300 ms deadline against 150 ms answers ran out
// before the first 503 on a loaded machine.
func TestWaitForBatchTimeoutKeepsWhyThePollFailed(t *testing.T) {
	ctx := newDeadlineContext(t)
	var mu sync.Mutex
	requests := 0
	client := retryClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		n := requests
		mu.Unlock()
		switch n {
		case 1:
			answer(http.StatusOK, processingBody)(w)
		case 2:
			answer(http.StatusServiceUnavailable, `{"code":"3000","description":"Service unavailable"}`)(w)
		default:
			ctx.expire()
			<-r.Context().Done()
		}
	}), &countingCredential{}, nil)

	_, err := client.WaitForBatch(ctx, customerID, trackingID, fastPolling)
	var timeout *partnercenter.WaitTimeoutError
	if !errors.As(err, &timeout) || timeout.LastErr == nil {
		t.Fatalf("error %v, want a *WaitTimeoutError with the last poll's error", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("errors.Is(%v, context.DeadlineExceeded) is false", err)
	}
	var callErr *partnercenter.CallError
	if !errors.As(err, &callErr) || callErr.LastStatus != http.StatusServiceUnavailable {
		t.Errorf("error %v, want the poll's *CallError with its last answer, 503", err)
	}
	for _, want := range []string{`its last status was "processing"`, "; the last poll failed: ", "HTTP 503 Service Unavailable", "MS-RequestId: "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want it to contain %q", err, want)
		}
	}
}

func TestWaitForBatchEndsAtOnceWhenRetryAfterPassesTheDeadline(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){answer(http.StatusOK, processingBody, "Retry-After", "60")}}
	client := newTestClient(t, rec, &countingCredential{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	_, err := client.WaitForBatch(ctx, customerID, trackingID, fastPolling)
	var timeout *partnercenter.WaitTimeoutError
	if !errors.As(err, &timeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want a *WaitTimeoutError that is context.DeadlineExceeded", err)
	}
	// Sleeping 60 s would have ended at the 30 s deadline instead.
	if timeout.RetryAfter != time.Minute || ctx.Err() != nil {
		t.Errorf("RetryAfter %v, context error %v: want 1m and the wait ended before the deadline", timeout.RetryAfter, ctx.Err())
	}
	want := `its last status was "processing", with 2 of 3 device(s) finished; Partner Center asked to wait 1m0s before the next poll, longer than the time left`
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want it to contain %q", err, want)
	}
}

func TestWaitForBatchKeepsTheLastStatusWhenThePipelineGivesUp(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){
		answer(http.StatusOK, queuedBody),
		answer(http.StatusTooManyRequests, `{"code":"429","description":"Too many requests"}`, "Retry-After", "60"),
	}}
	client := newTestClient(t, rec, &countingCredential{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	_, err := client.WaitForBatch(ctx, customerID, trackingID, fastPolling)
	var timeout *partnercenter.WaitTimeoutError
	var respErr *partnercenter.ResponseError
	if !errors.As(err, &timeout) || !errors.As(err, &respErr) || !respErr.RetryAbandoned {
		t.Fatalf("error %v, want a *WaitTimeoutError with the abandoned 429", err)
	}
	if timeout.Last == nil || timeout.Last.Status != partnercenter.StatusQueued || timeout.Polls != 1 {
		t.Errorf("last status %+v after %d poll(s), want queued after 1", timeout.Last, timeout.Polls)
	}
}

func TestWaitForBatchWrapsAFailedPollWithTheLastStatus(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){
		answer(http.StatusOK, queuedBody),
		answer(http.StatusForbidden, `{"code":"403","description":"Forbidden"}`),
	}}
	client := newTestClient(t, rec, &countingCredential{})

	_, err := client.WaitForBatch(waitContext(t), customerID, trackingID, fastPolling)
	var respErr *partnercenter.ResponseError
	if !errors.As(err, &respErr) || respErr.StatusCode != http.StatusForbidden {
		t.Fatalf("error %v, want Partner Center's 403", err)
	}
	if want := `after 1 poll(s), whose last status was "queued": Partner Center answered HTTP 403`; !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want it to contain %q", err, want)
	}
}

func TestDeviceUploadDetailsDone(t *testing.T) {
	for _, tc := range []struct {
		device partnercenter.DeviceUploadDetails
		want   bool
	}{
		{partnercenter.DeviceUploadDetails{Status: partnercenter.StatusFinished}, true},
		{partnercenter.DeviceUploadDetails{Status: partnercenter.StatusFinishedWithErrors}, true},
		{partnercenter.DeviceUploadDetails{Status: partnercenter.StatusProcessing, ErrorCode: "806"}, true},
		{partnercenter.DeviceUploadDetails{Status: partnercenter.StatusProcessing}, false},
		{partnercenter.DeviceUploadDetails{Status: partnercenter.StatusQueued}, false},
	} {
		if got := tc.device.Done(); got != tc.want {
			t.Errorf("%+v.Done() = %v, want %v", tc.device, got, tc.want)
		}
	}
}

// A wait without a deadline ends on a Retry-After over the pipeline's
// longest retry delay with the 429 and the last status, not as a timeout.
// (With a deadline it is waited out while it fits: see
// TestRetryAfterOverMaxRetryDelayIsWaitedWithinDeadline.)
func TestWaitForBatchThrottledBeyondTheRetryDelayIsNoTimeout(t *testing.T) {
	rec := &recorder{responses: []func(http.ResponseWriter){
		answer(http.StatusOK, queuedBody),
		answer(http.StatusTooManyRequests, `{"code":"429","description":"Too many requests"}`, "Retry-After", "120"),
	}}
	client := newTestClient(t, rec, &countingCredential{})
	// Without a deadline the pipeline refuses a Retry-After over its 60 s
	// cap; the watchdog cancels (it sets no deadline) should it wait instead.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(10*time.Second, cancel)

	_, err := client.WaitForBatch(ctx, customerID, trackingID, fastPolling)
	var timeout *partnercenter.WaitTimeoutError
	var respErr *partnercenter.ResponseError
	if errors.As(err, &timeout) || !errors.As(err, &respErr) || !respErr.RetryAbandoned {
		t.Fatalf("error %v, want the abandoned 429 and no *WaitTimeoutError", err)
	}
	if want := `whose last status was "queued": Partner Center answered HTTP 429`; !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want it to contain %q", err, want)
	}
}

// TestWaitForBatchEndsOnTerminalStatusInAnyCase: Partner Center's .NET
// enum names are PascalCase; a "Finished" answer ends the wait like
// "finished", and the status is passed on in its documented spelling.
func TestWaitForBatchEndsOnTerminalStatusInAnyCase(t *testing.T) {
	for status, want := range map[string]string{
		"Finished": "finished", "FINISHED_WITH_ERRORS": "finished_with_errors", "Finished_With_Errors": "finished_with_errors",
		"FinishedWithErrors": "finished_with_errors",
	} {
		t.Run(status, func(t *testing.T) {
			body := `{"batchTrackingId":"` + trackingID + `","status":"` + status + `","devicesStatus":[{"serialNumber":"1","status":"` + status + `"}]}`
			rec := &recorder{responses: []func(http.ResponseWriter){answer(http.StatusOK, body)}}
			client := newTestClient(t, rec, &countingCredential{})
			got, err := client.WaitForBatch(waitContext(t), customerID, trackingID, fastPolling)
			if err != nil {
				t.Fatalf("a %q batch: %v", status, err)
			}
			if string(got.Status) != want || string(got.DevicesStatus[0].Status) != want || len(rec.paths) != 1 {
				t.Errorf("status %q (device %q) after %d polls, want %q after 1", got.Status, got.DevicesStatus[0].Status, len(rec.paths), want)
			}
			if d := got.DevicesStatus[0]; !d.Done() || d.Failed() != strings.Contains(strings.ToLower(status), "errors") {
				t.Errorf("a %q device: done %v, failed %v", status, d.Done(), d.Failed())
			}
		})
	}
}

// RetryWhile calls again while the caller's test says so, and hands back
// the first error it does not retry, or the last one when the time runs out.
func TestRetryWhileRetriesWhatTheCallerSays(t *testing.T) {
	conflict := &partnercenter.ResponseError{StatusCode: http.StatusConflict}
	inUse := &partnercenter.PolicyInUseError{PolicyID: "p", Devices: 2, Err: conflict}
	conflictsOnly := func(err error) bool { return partnercenter.KindOf(err) == partnercenter.KindConflict }
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, tt := range []struct {
		name    string
		answers []error
		calls   int
		want    error
	}{
		{"conflicts, then deleted", []error{conflict, conflict, nil}, 3, nil},
		{"conflicts, then in use", []error{conflict, conflict, inUse, nil}, 3, inUse},
		{"in use at once", []error{inUse, nil}, 1, inUse},
	} {
		calls := 0
		err := partnercenter.RetryWhile(ctx, fastPolling, func(context.Context) error {
			calls++
			return tt.answers[calls-1]
		}, conflictsOnly)
		if !errors.Is(err, tt.want) || calls != tt.calls {
			t.Errorf("%s: %d call(s) ending with %v, want %d ending with %v", tt.name, calls, err, tt.calls, tt.want)
		}
	}

	// The time runs out during the second call, rather than after 20 ms
	// that a loaded machine may spend before the first retry.
	short := newDeadlineContext(t)
	calls := 0
	err := partnercenter.RetryWhile(short, fastPolling, func(context.Context) error {
		calls++
		if calls == 2 {
			short.expire()
		}
		return conflict
	}, conflictsOnly)
	if !errors.Is(err, conflict) || calls < 2 {
		t.Errorf("%d call(s) until the time ran out, ending with %v; want the conflict, retried", calls, err)
	}

	// The time runs out during the retry itself: the error is still the
	// conflict retried, not the cut-short call's deadline.
	cut := newDeadlineContext(t)
	calls = 0
	err = partnercenter.RetryWhile(cut, fastPolling, func(ctx context.Context) error {
		calls++
		if calls == 1 {
			return conflict
		}
		cut.expire()
		return ctx.Err()
	}, conflictsOnly)
	if !errors.Is(err, conflict) || calls != 2 {
		t.Errorf("%d call(s), the second cut short by the deadline, ending with %v; want the conflict retried", calls, err)
	}
}
