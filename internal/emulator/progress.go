package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// The per-device error codes Partner Center's public material names with a
// number, with the description it sends alongside.
const (
	ErrorCodeDeviceAlreadyAssigned              = "806"
	ErrorDescriptionDeviceAlreadyAssigned       = "ZtdDeviceAlreadyAssigned"
	ErrorCodeDeviceAssignedToOtherTenant        = "808"
	ErrorDescriptionDeviceAssignedToOtherTenant = "ZtdDeviceAssignedToOtherTenant"
)

// ScheduledBatchTrackingID is a batch of SeedCustomerID that New schedules:
// queued for 2 s after its first read, then processing while its four
// devices (serial numbers SCHED-0001 to SCHED-0004) finish one a second,
// the second failing with 806 and the fourth with 808; then
// finished_with_errors.
const ScheduledBatchTrackingID = "d2c4e6f8-1a3b-4c5d-9e7f-8a9b0c1d2e3f"

const (
	// dotNetUnsetTime is how .NET's non-nullable DateTime says "not set".
	dotNetUnsetTime         = "0001-01-01T00:00:00"
	partnerCenterTimeLayout = "2006-01-02T15:04:05"

	statusQueued             = "queued"
	statusProcessing         = "processing"
	statusFinished           = "finished"
	statusFinishedWithErrors = "finished_with_errors"
)

// Clock tells the emulator the time that moves scheduled batches on. Tests
// replace it (see SetClock) to step a batch through its states without
// waiting; it does not affect token lifetimes.
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

// BatchSchedule is how a scheduled batch progresses, counted from the first
// time a client reads it (the upload it stands for happened just before):
// queued for QueuedFor, then processing while its devices finish one every
// DeviceEvery in order, then finished, or finished_with_errors when a device
// failed.
type BatchSchedule struct {
	// BatchTrackingID is the batch's GUID.
	BatchTrackingID string
	// QueuedFor is how long the batch stays queued.
	QueuedFor time.Duration
	// DeviceEvery is how long each device takes, one after the other.
	DeviceEvery time.Duration
	// Devices are the batch's devices in the order they finish.
	Devices []ScheduledDevice
}

// ScheduledDevice is one device of a scheduled batch. A device with an
// ErrorCode fails when its turn comes.
type ScheduledDevice struct {
	DeviceID         string `json:"deviceId"`
	SerialNumber     string `json:"serialNumber"`
	ProductKey       string `json:"productKey"`
	ErrorCode        string `json:"errorCode"`
	ErrorDescription string `json:"errorDescription"`
}

// scheduledBatch is a BatchSchedule and when it started; the zero start
// means nobody has read it yet.
type scheduledBatch struct {
	schedule BatchSchedule
	start    time.Time
	// reads counts the answers served, for SetStepPerRead.
	reads int
}

// ScheduleBatch stores a batch of customerID that progresses on the
// emulator's clock as s describes, replacing any batch stored under the same
// IDs. A batch with no devices finishes as soon as it leaves the queue.
func (e *Emulator) ScheduleBatch(customerID string, s BatchSchedule) error {
	if err := validateSchedule(customerID, s); err != nil {
		return err
	}
	s.Devices = append([]ScheduledDevice(nil), s.Devices...)
	key := newKey(customerID, s.BatchTrackingID)
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.batches, key)
	e.scheduled[key] = &scheduledBatch{schedule: s}
	return nil
}

// validateSchedule checks what ScheduleBatch and LoadFixtures store.
func validateSchedule(customerID string, s BatchSchedule) error {
	switch {
	case customerID == "":
		return errors.New("scheduled batch without a customer ID")
	case s.BatchTrackingID == "":
		return fmt.Errorf("scheduled batch of customer %s has no batch tracking ID", customerID)
	case s.QueuedFor < 0 || s.DeviceEvery < 0:
		return fmt.Errorf("scheduled batch %s has a negative duration", s.BatchTrackingID)
	}
	return nil
}

// SetClock replaces the clock scheduled batches progress on; nil restores
// the real time.
func (e *Emulator) SetClock(c Clock) {
	if c == nil {
		c = realClock{}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.clock = c
}

// SetStepPerRead makes scheduled batches ignore the clock and move on by
// step at every read instead: the n-th read of a batch sees it as it is
// (n-1)*step after its first read. Tests use it to see every state of a
// schedule in a known number of polls, however fast or slow they poll;
// zero (the default) restores the clock.
func (e *Emulator) SetStepPerRead(step time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stepPerRead = max(step, 0)
}

// SetPollRetryAfter makes the answers for batches still queued or
// processing carry Retry-After, in whole seconds rounded up, so that a
// polling client comes back after d; zero (the default, as Partner Center
// documents none on these answers) sends no header.
func (e *Emulator) SetPollRetryAfter(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.pollRetryAfter = max(d, 0)
}

// DemoBatchSchedule is the schedule of ScheduledBatchTrackingID with other
// durations, for tests that need it faster or slower.
func DemoBatchSchedule(queuedFor, deviceEvery time.Duration) BatchSchedule {
	devices := []ScheduledDevice{
		{SerialNumber: "SCHED-0001", ProductKey: "40001-40001-40001-40001-40001"},
		{SerialNumber: "SCHED-0002", ProductKey: "40002-40002-40002-40002-40002",
			ErrorCode: ErrorCodeDeviceAlreadyAssigned, ErrorDescription: ErrorDescriptionDeviceAlreadyAssigned},
		{SerialNumber: "SCHED-0003", ProductKey: "40003-40003-40003-40003-40003"},
		{SerialNumber: "SCHED-0004", ProductKey: "40004-40004-40004-40004-40004",
			ErrorCode: ErrorCodeDeviceAssignedToOtherTenant, ErrorDescription: ErrorDescriptionDeviceAssignedToOtherTenant},
	}
	return BatchSchedule{BatchTrackingID: ScheduledBatchTrackingID, QueuedFor: queuedFor, DeviceEvery: deviceEvery, Devices: devices}
}

// scheduleDemoBatch stores ScheduledBatchTrackingID for SeedCustomerID.
func (e *Emulator) scheduleDemoBatch() {
	// The schedule is valid by construction.
	_ = e.ScheduleBatch(SeedCustomerID, DemoBatchSchedule(2*time.Second, time.Second))
}

// batchAnswer returns the body to serve for a batch and whether it is still
// queued or processing, matching IDs case-insensitively. A scheduled batch
// starts its schedule on its first read.
func (e *Emulator) batchAnswer(customerID, trackingID string) (body []byte, unfinished bool, ok bool) {
	key := newKey(customerID, trackingID)
	e.mu.Lock()
	scheduled := e.scheduled[key]
	now := e.clock.Now()
	var elapsed time.Duration
	if scheduled != nil {
		if scheduled.start.IsZero() {
			scheduled.start = now
		}
		elapsed = now.Sub(scheduled.start)
		if e.stepPerRead > 0 {
			elapsed = time.Duration(scheduled.reads) * e.stepPerRead
		}
		scheduled.reads++
	}
	e.mu.Unlock()
	if scheduled == nil {
		body, ok := e.batch(customerID, trackingID)
		if !ok {
			return nil, false, false
		}
		var details struct {
			Status string `json:"status"`
		}
		_ = json.Unmarshal(body, &details) // stored bodies are JSON objects
		return body, details.Status == statusQueued || details.Status == statusProcessing, true
	}
	// The schedule and, once set, start never change: detailsAt needs no lock.
	details := scheduled.detailsAt(elapsed)
	body, err := json.Marshal(details)
	if err != nil {
		// Only the emulator's own types reach here, and they all marshal.
		panic(err)
	}
	return body, details.Status == statusQueued || details.Status == statusProcessing, true
}

// retryAfterHeader is the Retry-After value for an unfinished batch, empty
// for none.
func (e *Emulator) retryAfterHeader() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.pollRetryAfter <= 0 {
		return ""
	}
	return strconv.FormatInt(int64((e.pollRetryAfter+time.Second-1)/time.Second), 10)
}

// batchUploadDetails and deviceUploadDetails are the JSON Partner Center
// sends, with .NET's unset date-times.
type batchUploadDetails struct {
	BatchTrackingID string                `json:"batchTrackingId"`
	Status          string                `json:"status"`
	StartedTime     string                `json:"startedTime"`
	CompletedTime   string                `json:"completedTime"`
	DevicesStatus   []deviceUploadDetails `json:"devicesStatus"`
	Attributes      objectType            `json:"attributes"`
}

type deviceUploadDetails struct {
	DeviceID         string     `json:"deviceId,omitempty"`
	SerialNumber     string     `json:"serialNumber,omitempty"`
	ProductKey       string     `json:"productKey,omitempty"`
	Status           string     `json:"status"`
	ErrorCode        string     `json:"errorCode,omitempty"`
	ErrorDescription string     `json:"errorDescription,omitempty"`
	Attributes       objectType `json:"attributes"`
}

type objectType struct {
	ObjectType string `json:"objectType"`
}

// detailsAt is the batch's status elapsed after its first read. Devices are
// listed from the start: queued, then processing until their turn is over.
func (b *scheduledBatch) detailsAt(elapsed time.Duration) batchUploadDetails {
	s := b.schedule
	details := batchUploadDetails{
		BatchTrackingID: s.BatchTrackingID,
		Status:          statusQueued,
		StartedTime:     dotNetUnsetTime,
		CompletedTime:   dotNetUnsetTime,
		DevicesStatus:   make([]deviceUploadDetails, len(s.Devices)),
		Attributes:      objectType{"BatchUploadDetails"},
	}
	done := 0
	if elapsed >= s.QueuedFor {
		details.Status = statusProcessing
		details.StartedTime = b.start.Add(s.QueuedFor).UTC().Format(partnerCenterTimeLayout)
		done = len(s.Devices)
		if s.DeviceEvery > 0 {
			done = min(done, int((elapsed-s.QueuedFor)/s.DeviceEvery))
		}
	}
	failed := false
	for i, d := range s.Devices {
		status := details.Status
		code, description := "", ""
		if i < done {
			status, code, description = statusFinished, d.ErrorCode, d.ErrorDescription
			if code != "" {
				status, failed = statusFinishedWithErrors, true
			}
		}
		details.DevicesStatus[i] = deviceUploadDetails{
			DeviceID: d.DeviceID, SerialNumber: d.SerialNumber, ProductKey: d.ProductKey,
			Status: status, ErrorCode: code, ErrorDescription: description,
			Attributes: objectType{"DeviceUploadDetails"},
		}
	}
	if details.Status == statusProcessing && done == len(s.Devices) {
		details.Status = statusFinished
		if failed {
			details.Status = statusFinishedWithErrors
		}
		completed := s.QueuedFor + time.Duration(len(s.Devices))*s.DeviceEvery
		details.CompletedTime = b.start.Add(completed).UTC().Format(partnerCenterTimeLayout)
	}
	return details
}
