package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
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

// jobStore holds the batch jobs that GET batchJobStatus reports on: fixed
// answers, served verbatim, and jobs that progress on the emulator's clock.
// A tracking ID names one or the other, never both.
type jobStore struct {
	mu sync.Mutex
	// fixed holds each BatchUploadDetails body as it is served.
	fixed map[batchKey][]byte
	// jobs holds the jobs that progress.
	jobs map[batchKey]*job
}

func newJobStore() jobStore {
	return jobStore{fixed: map[batchKey][]byte{}, jobs: map[batchKey]*job{}}
}

// put stores a job, replacing whatever was stored under key.
func (s *jobStore) put(key batchKey, j *job) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.fixed, key)
	s.jobs[key] = j
}

// putFixed stores a fixed answer, replacing whatever was stored under key.
func (s *jobStore) putFixed(key batchKey, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.jobs, key)
	s.fixed[key] = body
}

// job is a BatchSchedule and when it started; the zero start means nobody
// has read it yet.
type job struct {
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
	e.jobs.put(newKey(customerID, s.BatchTrackingID), &job{schedule: s})
	e.customers.add(customerID)
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

// getBatchStatus answers GET /v1/customers/{cid}/batchJobStatus/{tid}.
func (e *Emulator) getBatchStatus(c *call) answer {
	body, unfinished, ok := e.jobs.status(newKey(c.params[0], c.params[1]), e.pacing.current())
	if !ok {
		return notFound()
	}
	a := answer{status: http.StatusOK, body: body}
	if unfinished {
		// A fault that changes the status drops it: pacing advice for an
		// unfinished batch is not part of another answer.
		if retryAfter := e.retryAfterHeader(); retryAfter != "" {
			a.header = http.Header{"Retry-After": {retryAfter}}
		}
	}
	return a
}

// status returns the body to serve for the batch job key names and whether
// it is still queued or processing. A scheduled batch starts its schedule
// on its first read; every read counts for a step per read.
func (s *jobStore) status(key batchKey, p pace) (body []byte, unfinished bool, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.jobs[key]
	if j == nil {
		body, ok := s.fixed[key]
		if !ok {
			return nil, false, false
		}
		var details struct {
			Status string `json:"status"`
		}
		_ = json.Unmarshal(body, &details) // stored bodies are JSON objects
		return body, details.Status == statusQueued || details.Status == statusProcessing, true
	}
	if j.start.IsZero() {
		j.start = p.now
	}
	elapsed := p.now.Sub(j.start)
	if p.step > 0 {
		elapsed = time.Duration(j.reads) * p.step
	}
	j.reads++
	details := j.detailsAt(elapsed)
	return mustMarshal(details), details.Status == statusQueued || details.Status == statusProcessing, true
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
func (b *job) detailsAt(elapsed time.Duration) batchUploadDetails {
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
