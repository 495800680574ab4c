package emulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// progressView is what a test checks of a batch status answer.
type progressView struct {
	BatchTrackingID string `json:"batchTrackingId"`
	Status          string `json:"status"`
	StartedTime     string `json:"startedTime"`
	CompletedTime   string `json:"completedTime"`
	DevicesStatus   []struct {
		SerialNumber     string `json:"serialNumber"`
		ProductKey       string `json:"productKey"`
		Status           string `json:"status"`
		ErrorCode        string `json:"errorCode"`
		ErrorDescription string `json:"errorDescription"`
	} `json:"devicesStatus"`
}

func (v progressView) deviceStatuses() string {
	var s []string
	for _, d := range v.DevicesStatus {
		s = append(s, d.Status+d.ErrorCode)
	}
	return strings.Join(s, ",")
}

func readProgress(t *testing.T, e *Emulator, token string) (progressView, http.Header) {
	t.Helper()
	got := getBatch(e, batchPath(SeedCustomerID, ScheduledBatchTrackingID), token)
	if got.status != http.StatusOK {
		t.Fatalf("status %d, want 200; body %s", got.status, got.body)
	}
	var v progressView
	if err := json.Unmarshal([]byte(got.body), &v); err != nil {
		t.Fatalf("%v in %s", err, got.body)
	}
	return v, got.header
}

func TestScheduledBatchProgressesOnTheClock(t *testing.T) {
	e := New()
	start := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	clock := NewManualClock(start)
	e.SetClock(clock)
	token := e.NewAccessToken(DefaultTenantID, time.Hour)
	// The schedule starts on the first read, however late it comes.
	clock.Advance(time.Hour)

	steps := []struct {
		advance   time.Duration
		status    string
		started   string
		completed string
		devices   string
	}{
		{0, "queued", "0001-01-01T00:00:00", "0001-01-01T00:00:00", "queued,queued,queued,queued"},
		{1999 * time.Millisecond, "queued", "0001-01-01T00:00:00", "0001-01-01T00:00:00", "queued,queued,queued,queued"},
		{time.Millisecond, "processing", "2026-03-04T06:06:09", "0001-01-01T00:00:00", "processing,processing,processing,processing"},
		{time.Second, "processing", "2026-03-04T06:06:09", "0001-01-01T00:00:00", "finished,processing,processing,processing"},
		{time.Second, "processing", "2026-03-04T06:06:09", "0001-01-01T00:00:00", "finished,finished_with_errors806,processing,processing"},
		{time.Second, "processing", "2026-03-04T06:06:09", "0001-01-01T00:00:00", "finished,finished_with_errors806,finished,processing"},
		{time.Second, "finished_with_errors", "2026-03-04T06:06:09", "2026-03-04T06:06:13", "finished,finished_with_errors806,finished,finished_with_errors808"},
		{time.Hour, "finished_with_errors", "2026-03-04T06:06:09", "2026-03-04T06:06:13", "finished,finished_with_errors806,finished,finished_with_errors808"},
	}
	for i, step := range steps {
		clock.Advance(step.advance)
		v, _ := readProgress(t, e, token)
		if v.BatchTrackingID != ScheduledBatchTrackingID || v.Status != step.status || v.StartedTime != step.started ||
			v.CompletedTime != step.completed || v.deviceStatuses() != step.devices {
			t.Errorf("step %d: got %s %s..%s [%s], want %s %s..%s [%s]", i, v.Status, v.StartedTime, v.CompletedTime, v.deviceStatuses(),
				step.status, step.started, step.completed, step.devices)
		}
	}
	v, _ := readProgress(t, e, token)
	if d := v.DevicesStatus[3]; d.SerialNumber != "SCHED-0004" || d.ProductKey != "40004-40004-40004-40004-40004" ||
		d.ErrorDescription != "ZtdDeviceAssignedToOtherTenant" {
		t.Errorf("fourth device %+v", d)
	}
	if d := v.DevicesStatus[1]; d.ErrorDescription != "ZtdDeviceAlreadyAssigned" {
		t.Errorf("second device %+v", d)
	}
}

func TestScheduledBatchWithoutFailuresFinishes(t *testing.T) {
	e := New()
	clock := NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	e.SetClock(clock)
	const tracking = "11111111-2222-4333-8444-555555555555"
	err := e.ScheduleBatch(SeedCustomerID, BatchSchedule{BatchTrackingID: tracking, QueuedFor: time.Second, Devices: []ScheduledDevice{{SerialNumber: "A"}, {SerialNumber: "B"}}})
	if err != nil {
		t.Fatal(err)
	}
	token := e.NewAccessToken(DefaultTenantID, time.Hour)
	path := batchPath(strings.ToUpper(SeedCustomerID), strings.ToUpper(tracking))
	if got := getBatch(e, path, token); !strings.Contains(got.body, `"status":"queued"`) {
		t.Fatalf("first read %s, want queued", got.body)
	}
	clock.Advance(time.Second)
	got := getBatch(e, path, token)
	for _, want := range []string{`"status":"finished","startedTime":"2026-01-01T00:00:01","completedTime":"2026-01-01T00:00:01"`, `"serialNumber":"B","status":"finished"`} {
		if !strings.Contains(got.body, want) {
			t.Errorf("body %s, want it to contain %s", got.body, want)
		}
	}
}

func TestRetryAfterOnUnfinishedBatchesOnly(t *testing.T) {
	e := New()
	clock := NewManualClock(time.Now())
	e.SetClock(clock)
	token := e.NewAccessToken(DefaultTenantID, time.Hour)
	if _, h := readProgress(t, e, token); h.Get("Retry-After") != "" {
		t.Errorf("Retry-After %q by default, want none as Partner Center documents none", h.Get("Retry-After"))
	}
	e.SetPollRetryAfter(1500 * time.Millisecond)
	if _, h := readProgress(t, e, token); h.Get("Retry-After") != "2" {
		t.Errorf("Retry-After %q, want 2 (1.5 s rounded up)", h.Get("Retry-After"))
	}
	// The static fixture stuck in processing is unfinished too.
	if got := getBatch(e, batchPath(SeedCustomerID, ProcessingBatchTrackingID), token); got.header.Get("Retry-After") != "2" {
		t.Errorf("processing fixture: Retry-After %q, want 2", got.header.Get("Retry-After"))
	}
	if got := getBatch(e, batchPath(SeedCustomerID, SeedBatchTrackingID), token); got.header.Get("Retry-After") != "" {
		t.Errorf("finished batch: Retry-After %q, want none", got.header.Get("Retry-After"))
	}
	clock.Advance(time.Minute)
	if v, h := readProgress(t, e, token); v.Status != "finished_with_errors" || h.Get("Retry-After") != "" {
		t.Errorf("%s batch: Retry-After %q, want none", v.Status, h.Get("Retry-After"))
	}
}

func TestPutBatchReplacesASchedule(t *testing.T) {
	e := New()
	body := `{"batchTrackingId":"` + ScheduledBatchTrackingID + `","status":"finished"}`
	if err := e.PutBatch(SeedCustomerID, []byte(body)); err != nil {
		t.Fatal(err)
	}
	if got := getBatch(e, batchPath(SeedCustomerID, ScheduledBatchTrackingID), e.NewAccessToken(DefaultTenantID, time.Hour)); got.body != body {
		t.Errorf("body %s, want the stored %s", got.body, body)
	}
}

func TestScheduleBatchRefusesInvalidSchedules(t *testing.T) {
	e := New()
	for _, tc := range []struct {
		customer string
		s        BatchSchedule
		want     string
	}{
		{"", BatchSchedule{BatchTrackingID: "x"}, "without a customer ID"},
		{SeedCustomerID, BatchSchedule{}, "has no batch tracking ID"},
		{SeedCustomerID, BatchSchedule{BatchTrackingID: "x", DeviceEvery: -time.Second}, "negative duration"},
	} {
		if err := e.ScheduleBatch(tc.customer, tc.s); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ScheduleBatch(%q, %+v) = %v, want %q", tc.customer, tc.s, err, tc.want)
		}
	}
}

func TestScheduledBatchesUnderConcurrentUse(t *testing.T) {
	e := New()
	clock := NewManualClock(time.Now())
	e.SetClock(clock)
	token := e.NewAccessToken(DefaultTenantID, time.Hour)
	var mu sync.Mutex
	answered := 0
	done := make(chan struct{})
	for range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 20 {
				if got := getBatch(e, batchPath(SeedCustomerID, ScheduledBatchTrackingID), token); got.status == http.StatusOK {
					mu.Lock()
					answered++
					mu.Unlock()
				}
				clock.Advance(100 * time.Millisecond)
				_ = e.ScheduleBatch(SeedCustomerID, DemoBatchSchedule(time.Second, time.Second))
				e.SetPollRetryAfter(time.Second)
			}
		}()
	}
	for range 8 {
		<-done
	}
	if answered != 160 {
		t.Errorf("%d of 160 reads answered 200", answered)
	}
}

func TestFaultOnUnfinishedBatchDropsItsRetryAfter(t *testing.T) {
	e := New()
	e.SetPollRetryAfter(time.Second)
	token := e.NewAccessToken(DefaultTenantID, time.Hour)
	path := batchPath(SeedCustomerID, ProcessingBatchTrackingID)
	e.InjectFaults(batchRoute,
		Fault{Status: http.StatusServiceUnavailable},
		Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"7"}}},
		Fault{Delay: time.Millisecond})
	for _, want := range []struct {
		status     int
		retryAfter string
	}{
		{http.StatusServiceUnavailable, ""},
		{http.StatusTooManyRequests, "7"},
		{http.StatusOK, "1"},
	} {
		got := getBatch(e, path, token)
		if got.status != want.status || got.header.Get("Retry-After") != want.retryAfter {
			t.Errorf("status %d with Retry-After %q, want %d with %q", got.status, got.header.Get("Retry-After"), want.status, want.retryAfter)
		}
	}
}
