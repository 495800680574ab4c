package partnercenter

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Polling defaults of WaitForBatch, which follows every batch job: device
// uploads and device policy updates alike are read through batchJobStatus. Partner Center's PowerShell module polls
// every 5 s; starting faster finds small batches done sooner, and backing off
// keeps a long wait from using up the partner's request quota.
const (
	DefaultPollInitialDelay  = 2 * time.Second
	DefaultPollMaxDelay      = 30 * time.Second
	DefaultPollMinRetryAfter = time.Second
)

// WaitOptions tune WaitForBatch. The zero value polls with the defaults.
type WaitOptions struct {
	// InitialDelay is the delay before the second poll; it doubles after
	// every poll up to MaxDelay. DefaultPollInitialDelay when zero.
	InitialDelay time.Duration
	// MaxDelay caps the computed delay. DefaultPollMaxDelay when zero.
	MaxDelay time.Duration
	// MinRetryAfter is the shortest delay a Retry-After header may ask for,
	// so that "Retry-After: 0" cannot make the client spin.
	// DefaultPollMinRetryAfter when zero.
	MinRetryAfter time.Duration
	// OnPoll, when set, is called with every answer, before waiting again.
	OnPoll func(*BatchUploadDetails)

	// sleep waits between polls and calls; the real wait, sleep, when nil.
	// Tests replace it (export_test.go) to see the waits asked for without
	// waiting them: real waits raced against real round trips make a
	// test's verdict depend on how loaded the machine is.
	sleep func(ctx context.Context, d time.Duration) bool
}

// WaitTimeoutError is returned by WaitForBatch when its context ends (its
// deadline passes, or the caller cancels it) before the batch reaches a
// terminal status, or would end before the next poll Partner Center allows.
type WaitTimeoutError struct {
	// Last is the last answer seen; nil when no poll completed.
	Last *BatchUploadDetails
	// Waited is how long WaitForBatch waited in all.
	Waited time.Duration
	// Polls counts the answers received.
	Polls int
	// LastErr is why the poll in flight when the time ran out failed, such
	// as the 503s it was retrying; nil when the time ran out between polls.
	LastErr error
	// RetryAfter is the delay Partner Center asked for before the next poll
	// when that delay would have passed the deadline; zero otherwise.
	RetryAfter time.Duration
	// Err is the context's error, context.DeadlineExceeded when the wait
	// ended early because the next poll would be too late.
	Err error
}

// Error says how far the batch got: its last status, how many devices had
// finished and how long the wait lasted, and why the last poll failed or
// was not made.
func (e *WaitTimeoutError) Error() string {
	var b strings.Builder
	waited := e.Waited.Round(100 * time.Millisecond)
	verb := "gave up waiting"
	if errors.Is(e.Err, context.Canceled) {
		verb = "stopped waiting, cancelled,"
	}
	switch {
	case e.Last == nil && e.LastErr != nil:
		// The last poll's error says why the time ran out.
		fmt.Fprintf(&b, "%s for the batch after %s: no status was read", verb, waited)
	case e.Last == nil:
		fmt.Fprintf(&b, "%s for the batch after %s: no status was read (%v)", verb, waited, e.Err)
	default:
		done := 0
		for _, d := range e.Last.DevicesStatus {
			if d.Done() {
				done++
			}
		}
		fmt.Fprintf(&b, "%s for the batch after %s and %d poll(s): its last status was %q, with %d of %d device(s) finished",
			verb, waited, e.Polls, e.Last.Status, done, len(e.Last.DevicesStatus))
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, "; Partner Center asked to wait %s before the next poll, longer than the time left", e.RetryAfter)
	}
	if e.LastErr != nil {
		fmt.Fprintf(&b, "; the last poll failed: %v", e.LastErr)
	}
	return b.String()
}

// Unwrap returns the last poll's error, when there is one, and the
// context's error, so that errors.Is(err, context.DeadlineExceeded) holds
// for a timeout and errors.As finds the poll's *ResponseError or *CallError.
func (e *WaitTimeoutError) Unwrap() []error {
	if e.LastErr == nil {
		return []error{e.Err}
	}
	return []error{e.LastErr, e.Err}
}

// WaitForBatch polls the status of a device batch upload until it is
// terminal (finished or finished_with_errors) and returns that answer. The
// delay between polls starts at InitialDelay and doubles up to MaxDelay, with
// jitter so that many waiting clients spread out; a Retry-After header on an
// answer replaces the computed delay, as azcore's pollers do. When ctx ends
// first, or a Retry-After (on an answer, or on a fault the pipeline would
// not wait for) asks for longer than ctx has left, the error is a
// *WaitTimeoutError with the last status and the last poll's error. Any
// other failed poll (after the pipeline's own retries) ends the wait with its
// error, wrapped with the last status when a poll had succeeded.
func (c *Client) WaitForBatch(ctx context.Context, customerID, batchTrackingID string, o WaitOptions) (*BatchUploadDetails, error) {
	o = o.withDefaults()
	start := time.Now()
	var last *BatchUploadDetails
	polls := 0
	timedOut := func(lastErr error, retryAfter time.Duration, ctxErr error) error {
		return &WaitTimeoutError{Last: last, Waited: time.Since(start), Polls: polls, LastErr: lastErr, RetryAfter: retryAfter, Err: ctxErr}
	}
	delay := o.InitialDelay
	for {
		details, header, err := c.getBatchStatus(ctx, customerID, batchTrackingID)
		if err != nil {
			var respErr *ResponseError
			switch {
			case ctx.Err() != nil:
				return nil, timedOut(err, 0, ctx.Err())
			case errors.As(err, &respErr) && respErr.RetryAbandoned && passesDeadline(ctx, respErr.RetryAfter):
				return nil, timedOut(err, 0, context.DeadlineExceeded)
			case last != nil:
				return nil, fmt.Errorf("polling the batch after %d poll(s), whose last status was %q: %w", polls, last.Status, err)
			}
			return nil, err
		}
		last = details
		polls++
		if o.OnPoll != nil {
			o.OnPoll(details)
		}
		if details.Status.Terminal() {
			return details, nil
		}
		wait := jitter(delay)
		if d, ok := retryAfter(header, time.Now()); ok {
			wait = max(d, o.MinRetryAfter)
			// Sleeping past the deadline would only end in a timeout
			// later, without the reason.
			if passesDeadline(ctx, wait) {
				return nil, timedOut(nil, d, context.DeadlineExceeded)
			}
		}
		delay = min(2*delay, o.MaxDelay)
		if !o.sleep(ctx, wait) {
			return nil, timedOut(nil, 0, ctx.Err())
		}
	}
}

// RetryWhile calls call until it returns an error again does not want
// retried, or nil, or until ctx ends; the calls are paced as WaitForBatch
// paces its polls. It returns call's last error, or, when ctx's deadline
// cuts a retry short, the error retried: what Partner Center kept
// answering, whether the time ran out between two calls or during one.
// Only the caller knows
// which refusals may resolve themselves: a conflict with Partner Center's
// state (KindConflict) may, a policy its devices still have (KindInUse)
// only while something deletes them.
func RetryWhile(ctx context.Context, o WaitOptions, call func(context.Context) error, again func(error) bool) error {
	o = o.withDefaults()
	delay := o.InitialDelay
	var retried error
	for {
		err := call(ctx)
		if err != nil && retried != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return retried
		}
		if err == nil || !again(err) {
			return err
		}
		retried = err
		if !o.sleep(ctx, jitter(delay)) {
			return err
		}
		delay = min(2*delay, o.MaxDelay)
	}
}

// sleep waits d, or until ctx ends, whichever comes first; it reports
// whether it waited all of d.
func sleep(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

// passesDeadline reports whether waiting d from now would pass ctx's
// deadline.
func passesDeadline(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return ok && time.Now().Add(d).After(deadline)
}

func (o WaitOptions) withDefaults() WaitOptions {
	if o.InitialDelay <= 0 {
		o.InitialDelay = DefaultPollInitialDelay
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = DefaultPollMaxDelay
	}
	o.MaxDelay = max(o.MaxDelay, o.InitialDelay)
	if o.MinRetryAfter <= 0 {
		o.MinRetryAfter = DefaultPollMinRetryAfter
	}
	if o.sleep == nil {
		o.sleep = sleep
	}
	return o
}

// jitter returns d plus or minus up to a fifth of it.
func jitter(d time.Duration) time.Duration {
	spread := int64(d) / 5
	if spread <= 0 {
		return d
	}
	return d - time.Duration(spread) + time.Duration(rand.Int64N(2*spread+1)) //nolint:gosec // jitter needs no cryptographic randomness
}
