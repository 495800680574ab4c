package emulator

import (
	"strconv"
	"sync"
	"time"
)

// Clock tells the emulator the time that moves scheduled batches and jobs
// on. Tests replace it (see SetClock) to step a batch through its states
// without waiting; it does not affect token lifetimes.
type Clock interface {
	Now() time.Time
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// ManualClock is a Clock that moves only when Advance is called. It is safe
// for concurrent use.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a clock stopped at now.
func NewManualClock(now time.Time) *ManualClock {
	return &ManualClock{now: now}
}

// Now implements Clock.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// pacing is how asynchronous work moves on: the clock, or a step per read,
// and the pace clients are asked to poll at.
type pacing struct {
	mu    sync.Mutex
	clock Clock
	// stepPerRead, when positive, replaces clock for jobs.
	stepPerRead time.Duration
	// pollRetryAfter is the Retry-After of answers for unfinished jobs.
	pollRetryAfter time.Duration
	// jobQueuedFor and jobPerDevice time the jobs that uploads and policy
	// updates make.
	jobQueuedFor, jobPerDevice time.Duration
}

// The default timing of the jobs that uploads and policy updates make:
// quick enough for tests on the real clock, slow enough for a client to
// see them queued and processing.
const (
	DefaultJobQueuedFor = time.Second
	DefaultJobPerDevice = 100 * time.Millisecond
)

func newPacing() pacing {
	return pacing{clock: realClock{}, jobQueuedFor: DefaultJobQueuedFor, jobPerDevice: DefaultJobPerDevice}
}

// pace is the pacing as one request sees it.
type pace struct {
	now  time.Time
	step time.Duration
	// queuedFor and perDevice time the jobs the request makes.
	queuedFor, perDevice time.Duration
	// retryAfter is the Retry-After of its answer when it reads an
	// unfinished job, taken with the rest so that the request does not
	// lock the pacing again for it.
	retryAfter time.Duration
}

// current returns the pacing in force.
func (p *pacing) current() pace {
	p.mu.Lock()
	clock := p.clock
	pc := pace{step: p.stepPerRead, queuedFor: p.jobQueuedFor, perDevice: p.jobPerDevice, retryAfter: p.pollRetryAfter}
	p.mu.Unlock()
	// Read outside the lock: a test's Clock may take locks of its own.
	pc.now = clock.Now()
	return pc
}

// SetJobTiming times the jobs that uploads and policy updates make from
// now on: queued for queuedFor, then processing one device every
// perDevice, on the emulator's clock or, under SetStepPerRead, one step per
// status read. Negative durations count as zero; the defaults are
// DefaultJobQueuedFor and DefaultJobPerDevice.
func (e *Emulator) SetJobTiming(queuedFor, perDevice time.Duration) {
	e.pacing.mu.Lock()
	defer e.pacing.mu.Unlock()
	e.pacing.jobQueuedFor, e.pacing.jobPerDevice = max(queuedFor, 0), max(perDevice, 0)
}

// SetClock replaces the clock scheduled batches and jobs progress on; nil
// restores the real time.
func (e *Emulator) SetClock(c Clock) {
	if c == nil {
		c = realClock{}
	}
	e.pacing.mu.Lock()
	defer e.pacing.mu.Unlock()
	e.pacing.clock = c
}

// SetStepPerRead makes scheduled batches and jobs ignore the clock and move
// on by step at every read of their status instead: the n-th read of a
// batch sees it as it is (n-1)*step after its first read. Tests use it to
// see every state of a schedule in a known number of polls, however fast or
// slow they poll; zero (the default) restores the clock.
func (e *Emulator) SetStepPerRead(step time.Duration) {
	e.pacing.mu.Lock()
	defer e.pacing.mu.Unlock()
	e.pacing.stepPerRead = max(step, 0)
}

// SetPollRetryAfter makes the answers for batches still queued or
// processing carry Retry-After, in whole seconds rounded up, so that a
// polling client comes back after d: a convenience Partner Center does not
// document. Zero (the default, as Partner Center documents none on these
// answers) sends no header.
func (e *Emulator) SetPollRetryAfter(d time.Duration) {
	e.pacing.mu.Lock()
	defer e.pacing.mu.Unlock()
	e.pacing.pollRetryAfter = max(d, 0)
}

// retryAfterHeader is the Retry-After value for an unfinished batch, empty
// for none.
func (p pace) retryAfterHeader() string {
	if p.retryAfter <= 0 {
		return ""
	}
	return strconv.FormatInt(int64((p.retryAfter+time.Second-1)/time.Second), 10)
}

// settle has the jobs due make their changes at the pace in force and
// returns that pace, so that the caller goes on at the time the jobs were
// settled at rather than reading the clock again.
func (e *Emulator) settle() pace {
	p := e.pacing.current()
	e.jobs.settle(p)
	return p
}
