package provider

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// Partner Center refuses to delete a configuration policy that devices
// still have. In one run, Terraform may delete a profile while it deletes
// the devices that have it (a destroy of their batch) or gives them another
// profile (a new partnercenter_device_policy_assignment): the two have no
// dependency, so they go at once, and the profile's deletion is refused
// until the devices' change is done. A refusal with no such change under
// way never resolves itself, so it should fail at once rather than after
// timeouts { delete }. One provider process applies every resource of a
// run: the batch and assignment resources record here the changes of
// devices they have under way, and the profile's deletion retries only
// while one of that customer's is.

// profileChanges are the changes of devices that can take a profile off
// them (deletions, profile updates) under way in one provider process, per
// customer.
type profileChanges struct {
	mu sync.Mutex
	// customers maps lower-case customer IDs (Partner Center compares them
	// case-insensitively) to their changes.
	customers map[string]*customerChanges
	// began is closed, and replaced, whenever a change begins, so that
	// those waiting for one wake up.
	began chan struct{}
}

// customerChanges are the changes of one customer's devices.
type customerChanges struct {
	// underWay counts the changes begun and not yet ended.
	underWay int
	// ended counts the changes ended so far.
	ended uint64
}

// changeMark is how many of a customer's changes had ended when it was
// taken (see mark).
type changeMark uint64

// of returns the changes of customerID, created when none was recorded.
// The caller holds d.mu.
func (d *profileChanges) of(customerID string) *customerChanges {
	key := strings.ToLower(customerID)
	if d.customers == nil {
		d.customers = map[string]*customerChanges{}
	}
	c := d.customers[key]
	if c == nil {
		c = &customerChanges{}
		d.customers[key] = c
	}
	return c
}

// begin records a change of customerID's devices under way until the
// function it returns is called; calling that again does nothing.
func (d *profileChanges) begin(customerID string) (end func()) {
	d.mu.Lock()
	d.of(customerID).underWay++
	if d.began != nil {
		close(d.began)
		d.began = nil
	}
	d.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			d.mu.Lock()
			defer d.mu.Unlock()
			c := d.of(customerID)
			c.underWay--
			c.ended++
		})
	}
}

// mark is taken before a request that a change of customerID's devices may
// make succeed, so that underWay knows of a change that ends between the
// request and its refusal.
func (d *profileChanges) mark(customerID string) changeMark {
	d.mu.Lock()
	defer d.mu.Unlock()
	return changeMark(d.of(customerID).ended)
}

// underWay reports whether a change of customerID's devices is under way,
// or ended since since was marked, or begins within grace: Terraform calls
// the change and the profile's deletion at once, and either may reach the
// provider first. It waits at most grace, less when ctx ends first.
func (d *profileChanges) underWay(ctx context.Context, customerID string, since changeMark, grace time.Duration) bool {
	timer := time.NewTimer(grace)
	defer timer.Stop()
	for {
		d.mu.Lock()
		c := d.of(customerID)
		if c.underWay > 0 || changeMark(c.ended) != since {
			d.mu.Unlock()
			return true
		}
		if d.began == nil {
			d.began = make(chan struct{})
		}
		began := d.began
		d.mu.Unlock()
		select {
		case <-began:
			// Maybe another customer's: look again.
		case <-timer.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

// deviceChangeGrace is how long a policy's deletion, refused because
// devices have the policy, waits for a change of its customer's devices to
// begin before it fails: Terraform calls, say, the deletions of a batch and
// of the profile its devices have at once, and either may reach the
// provider first. One poll interval; not the provider's poll pacing, which
// tests shorten to milliseconds, less than two calls may lie apart.
const deviceChangeGrace = partnercenter.DefaultPollInitialDelay
