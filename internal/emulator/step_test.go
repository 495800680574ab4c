package emulator

import (
	"testing"
	"time"
)

// With a step per read, the demo batch shows each of its states at a known
// read, whatever the clock says.
func TestScheduledBatchStepsPerRead(t *testing.T) {
	e := New()
	e.SetClock(NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))) // never moves
	if err := e.ScheduleBatch(SeedCustomerID, DemoBatchSchedule(time.Second, 500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	e.SetStepPerRead(time.Second)
	token := e.NewAccessToken(DefaultTenantID, time.Hour)
	for i, want := range []struct{ status, devices string }{
		{"queued", "queued,queued,queued,queued"},
		{"processing", "processing,processing,processing,processing"},
		{"processing", "finished,finished_with_errors806,processing,processing"},
		{"finished_with_errors", "finished,finished_with_errors806,finished,finished_with_errors808"},
		{"finished_with_errors", "finished,finished_with_errors806,finished,finished_with_errors808"},
	} {
		v, _ := readProgress(t, e, token)
		if v.Status != want.status || v.deviceStatuses() != want.devices {
			t.Errorf("read %d: %s with devices %s, want %s with %s", i+1, v.Status, v.deviceStatuses(), want.status, want.devices)
		}
	}

	// Zero gives the clock back: the stopped clock keeps the batch queued
	// from its (unchanged) first read.
	e.SetStepPerRead(0)
	if v, _ := readProgress(t, e, token); v.Status != "queued" {
		t.Errorf("with no step, status %s, want queued on the stopped clock", v.Status)
	}
}
