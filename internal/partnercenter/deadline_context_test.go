package partnercenter_test

import (
	"context"
	"sync"
	"testing"
	"time"
)

// deadlineContext is a context with a deadline that the test, not a timer,
// makes pass: a test that wants the time to run out at a given point of a
// call (while it waits between attempts, during an attempt, between polls)
// calls expire at that point, from the handler, the log or OnPoll that
// reaches it. A real deadline of a few hundred milliseconds races the call's
// round trips instead, and on a loaded machine runs out somewhere else.
//
// Until it expires its deadline is always deadlineLeft away from now, so
// that what the call says about the time it has left does not depend on how
// long the round trips before took either. Should nothing expire it, say because
// the code under test never reaches the point, it expires after
// deadlineBackstop, so that the test fails rather than hangs.
type deadlineContext struct {
	context.Context
	done chan struct{}
	once sync.Once

	mu        sync.Mutex
	expiredAt time.Time
}

const (
	// deadlineLeft is the time a deadlineContext always has left until it
	// expires.
	deadlineLeft = 30 * time.Second
	// deadlineBackstop ends a deadlineContext that the test never expired.
	deadlineBackstop = 30 * time.Second
)

// newDeadlineContext returns a context whose deadline is always
// deadlineLeft away, until expire is called.
func newDeadlineContext(t *testing.T) *deadlineContext {
	t.Helper()
	ctx := &deadlineContext{Context: context.Background(), done: make(chan struct{})}
	backstop := time.AfterFunc(deadlineBackstop, ctx.expire)
	t.Cleanup(func() {
		backstop.Stop()
		ctx.expire()
	})
	return ctx
}

// expire makes the deadline pass now.
func (c *deadlineContext) expire() {
	c.once.Do(func() {
		c.mu.Lock()
		c.expiredAt = time.Now()
		c.mu.Unlock()
		close(c.done)
	})
}

// Deadline implements context.Context.
func (c *deadlineContext) Deadline() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.expiredAt.IsZero() {
		return c.expiredAt, true
	}
	return time.Now().Add(deadlineLeft), true
}

// Done implements context.Context.
func (c *deadlineContext) Done() <-chan struct{} { return c.done }

// Err implements context.Context.
func (c *deadlineContext) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}
