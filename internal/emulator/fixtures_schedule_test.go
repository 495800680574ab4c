package emulator

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// A fixture file's schedule makes a batch move on from its first read, as
// ScheduleBatch does.
func TestLoadFixturesSchedule(t *testing.T) {
	const file = `{"batches": [
		{"customerId": "c1", "schedule": {"batchTrackingId": "T1", "queuedFor": "2s", "deviceEvery": "1s", "devices": [
			{"serialNumber": "A", "productKey": "11111-11111-11111-11111-11111"},
			{"serialNumber": "B", "errorCode": "806", "errorDescription": "ZtdDeviceAlreadyAssigned"}
		]}}
	]}`
	e := New()
	clock := NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	e.SetClock(clock)
	token := e.NewAccessToken(DefaultTenantID, time.Hour)
	if err := e.LoadFixtures(strings.NewReader(file)); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		advance time.Duration
		want    []string
	}{
		{0, []string{`"status":"queued"`, `"serialNumber":"A","productKey":"11111-11111-11111-11111-11111","status":"queued"`}},
		{2 * time.Second, []string{`"status":"processing","startedTime":"2026-01-01T00:00:02"`, `"serialNumber":"B","status":"processing"`}},
		{time.Second, []string{`"status":"processing"`, `"serialNumber":"A","productKey":"11111-11111-11111-11111-11111","status":"finished"`}},
		{time.Second, []string{`"status":"finished_with_errors","startedTime":"2026-01-01T00:00:02","completedTime":"2026-01-01T00:00:04"`,
			`"serialNumber":"B","status":"finished_with_errors","errorCode":"806","errorDescription":"ZtdDeviceAlreadyAssigned"`}},
	} {
		clock.Advance(step.advance)
		got := getBatch(e, batchPath("C1", "t1"), token)
		for _, want := range step.want {
			if got.status != http.StatusOK || !strings.Contains(got.body, want) {
				t.Errorf("status %d body %s, want it to contain %s", got.status, got.body, want)
			}
		}
	}
}
