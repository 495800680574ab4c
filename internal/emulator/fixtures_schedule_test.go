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

	invalid := []struct{ name, file, wantErr string }{
		{"both", `{"batches": [{"customerId": "c3", "response": {"batchTrackingId": "t3"}, "schedule": {"batchTrackingId": "t3"}}]}`,
			"fixture batch 0 has both a response and a schedule"},
		{"bad duration", `{"batches": [{"customerId": "c3", "schedule": {"batchTrackingId": "t3", "queuedFor": "soon"}}]}`,
			`fixture batch 0: queuedFor: time: invalid duration "soon"`},
		{"negative", `{"batches": [{"customerId": "c3", "schedule": {"batchTrackingId": "t3", "deviceEvery": "-1s"}}]}`,
			"fixture batch 0: scheduled batch t3 has a negative duration"},
		{"no tracking ID", `{"batches": [{"customerId": "c3", "schedule": {"queuedFor": "1s"}}]}`,
			"fixture batch 0: scheduled batch of customer c3 has no batch tracking ID"},
		{"misspelt device field", `{"batches": [{"customerId": "c3", "schedule": {"batchTrackingId": "t3", "devices": [{"serial": "A"}]}}]}`,
			`unknown field "serial"`},
		{"one invalid of two", `{"batches": [{"customerId": "c3", "schedule": {"batchTrackingId": "t3"}}, {"customerId": "", "schedule": {"batchTrackingId": "t4"}}]}`,
			"fixture batch 1: scheduled batch without a customer ID"},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			err := e.LoadFixtures(strings.NewReader(tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
			if got := getBatch(e, batchPath("c3", "t3"), token); got.status != http.StatusNotFound {
				t.Errorf("batch t3 of an invalid file was stored: status %d", got.status)
			}
		})
	}
}
