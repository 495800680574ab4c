package provider

import (
	"context"
	"testing"
	"time"
)

const (
	changesCustomer = "47021739-3426-40bf-9601-61b4b6d7c793"
	otherCustomer   = "0f1e2d3c-4b5a-4697-8887-a6b5c4d3e2f1"
	// noGrace is a grace that ends at once, for answers that must not wait.
	noGrace = time.Millisecond
	// longGrace is a grace no test waits out: an answer that needs it
	// fails the test's time check instead.
	longGrace = time.Minute
)

// answersWithin calls underWay and fails the test if it took anywhere near
// the grace it was given, which a change under way must cut short.
func answersWithin(t *testing.T, d *profileChanges, customerID string, since changeMark) bool {
	t.Helper()
	start := time.Now()
	got := d.underWay(context.Background(), customerID, since, longGrace)
	if elapsed := time.Since(start); elapsed > longGrace/2 {
		t.Errorf("underWay took %s, want an answer without waiting out the grace", elapsed)
	}
	return got
}

func TestProfileChangesUnderWay(t *testing.T) {
	d := &profileChanges{}
	since := d.mark(changesCustomer)
	if d.underWay(context.Background(), changesCustomer, since, noGrace) {
		t.Error("a change is under way before any began")
	}
	end := d.begin(changesCustomer)
	if !answersWithin(t, d, changesCustomer, since) {
		t.Error("no change under way while one is")
	}
	// Partner Center compares customer IDs case-insensitively.
	if !answersWithin(t, d, "47021739-3426-40BF-9601-61B4B6D7C793", d.mark(changesCustomer)) {
		t.Error("no change under way for the customer's ID in upper case")
	}
	if d.underWay(context.Background(), otherCustomer, d.mark(otherCustomer), noGrace) {
		t.Error("another customer's change counts")
	}
	end()
	// Ended since the mark: the refusal may have come before its effect.
	if !answersWithin(t, d, changesCustomer, since) {
		t.Error("a change that ended since the mark does not count")
	}
	if d.underWay(context.Background(), changesCustomer, d.mark(changesCustomer), noGrace) {
		t.Error("a change that ended before the mark counts")
	}
}

func TestProfileChangesCountEachUntilItEnds(t *testing.T) {
	d := &profileChanges{}
	endFirst, endSecond := d.begin(changesCustomer), d.begin(changesCustomer)
	endFirst()
	endFirst()
	if !answersWithin(t, d, changesCustomer, d.mark(changesCustomer)) {
		t.Error("the second change is not under way once the first ended (twice)")
	}
	endSecond()
	if d.underWay(context.Background(), changesCustomer, d.mark(changesCustomer), noGrace) {
		t.Error("a change is under way after both ended")
	}
}

// A change that begins during the grace counts: Terraform calls, say, the
// batch's deletion and the profile's at once, in either order.
func TestProfileChangesGraceSeesAChangeBegin(t *testing.T) {
	d := &profileChanges{}
	since := d.mark(changesCustomer)
	answer := make(chan bool)
	go func() { answer <- d.underWay(context.Background(), changesCustomer, since, longGrace) }()
	waitForWaiter(t, d)
	// Another customer's change wakes the waiter, which goes on waiting.
	defer d.begin(otherCustomer)()
	waitForWaiter(t, d)
	defer d.begin(changesCustomer)()
	select {
	case got := <-answer:
		if !got {
			t.Error("a change that began during the grace does not count")
		}
	case <-time.After(longGrace / 2):
		t.Fatal("underWay did not see the change begin")
	}
}

// The grace ends with the context: a deletion timing out waits no longer for a change.
func TestProfileChangesGraceEndsWithTheContext(t *testing.T) {
	d := &profileChanges{}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if d.underWay(ctx, changesCustomer, d.mark(changesCustomer), longGrace) {
		t.Error("a change is under way")
	}
	if elapsed := time.Since(start); elapsed > longGrace/2 {
		t.Errorf("underWay waited %s after its context ended", elapsed)
	}
}

// waitForWaiter returns once underWay waits for a change to begin.
func waitForWaiter(t *testing.T, d *profileChanges) {
	t.Helper()
	deadline := time.Now().Add(longGrace / 2)
	for time.Now().Before(deadline) {
		d.mu.Lock()
		waiting := d.began != nil
		d.mu.Unlock()
		if waiting {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("underWay never waited for a change")
}
