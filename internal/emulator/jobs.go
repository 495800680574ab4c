package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
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
// answers, served verbatim, and jobs that progress on the emulator's clock,
// scheduled by tests and fixtures or made by uploads and policy updates. A
// tracking ID names one or the other, never both.
type jobStore struct {
	mu sync.Mutex
	// fixed holds each BatchUploadDetails answer as it is served.
	fixed map[batchKey]fixedAnswer
	// jobs holds the jobs that progress.
	jobs map[batchKey]*job
	// pending holds the jobs with changes still to make, which settle
	// makes as they fall due, in the order the jobs were stored: only
	// putLocked adds to it, appending, after removing the job it replaces,
	// so settle needs no sorting to keep that order.
	pending []*job
}

func newJobStore() jobStore {
	return jobStore{fixed: map[batchKey]fixedAnswer{}, jobs: map[batchKey]*job{}}
}

// fixedAnswer is a BatchUploadDetails body served verbatim, and whether it
// says the batch is still queued or processing, read once when stored
// rather than at every read of a body of thousands of devices.
type fixedAnswer struct {
	body       []byte
	unfinished bool
}

// put stores a job, replacing whatever was stored under key.
func (s *jobStore) put(key batchKey, j *job) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.putLocked(key, j)
}

// putLocked is put for a caller holding s.mu.
func (s *jobStore) putLocked(key batchKey, j *job) {
	delete(s.fixed, key)
	if old := s.jobs[key]; old != nil {
		s.dropPending(old)
	}
	s.jobs[key] = j
	if j.apply != nil && j.applied < len(j.items) {
		s.pending = append(s.pending, j)
	}
}

// dropPending removes j, if there, from the pending jobs, keeping the
// others in order. The caller holds s.mu.
func (s *jobStore) dropPending(j *job) {
	if i := slices.Index(s.pending, j); i >= 0 {
		s.pending = slices.Delete(s.pending, i, i+1)
	}
}

// putFixed stores a fixed answer, replacing whatever was stored under key.
func (s *jobStore) putFixed(key batchKey, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.putFixedLocked(key, body)
}

// putFixedLocked is putFixed for a caller holding s.mu.
func (s *jobStore) putFixedLocked(key batchKey, body []byte) {
	if old := s.jobs[key]; old != nil {
		s.dropPending(old)
	}
	delete(s.jobs, key)
	var details struct {
		Status string `json:"status"`
	}
	_ = json.Unmarshal(body, &details) // stored bodies are JSON objects
	s.fixed[key] = fixedAnswer{body: body, unfinished: details.Status == statusQueued || details.Status == statusProcessing}
}

// job is a batch job: queued for queuedFor from its start, then processing
// its items one every perDevice in order, then finished, or
// finished_with_errors when an item failed.
type job struct {
	trackingID           string
	queuedFor, perDevice time.Duration
	items                []jobItem
	// start is when the job was made, or for a scheduled batch, which
	// stands for an upload made just before it is first read, that first
	// read; zero until then.
	start time.Time
	// reads counts the status answers served, for SetStepPerRead.
	reads int
	// apply, when set, processes item i as its turn comes: it makes the
	// item's changes (a device joins its batch, a policy is set) and
	// returns the item with its result. A scheduled batch has none: its
	// results are set from the start.
	apply func(i int) jobItem
	// applied counts the items apply has processed, in order.
	applied int
	// finishedAt is when the job was first answered finished or
	// finished_with_errors, for Answers.StatusExpiry: its completedTime
	// on the clock, or the time of that read under a step per read; zero
	// until then.
	finishedAt time.Time
}

// jobItem is one device of a job and, once processed, its result.
type jobItem struct {
	deviceID, serialNumber, productKey string
	errorCode, errorDescription        string
	// failed marks a device that failed, with or without an error code:
	// Partner Center's public material names some errors without a number.
	failed bool
	// byHash marks a device an upload identified by its hardware hash,
	// whose status item Answers.StatusIDsOnly strips of its serial number
	// and product key.
	byHash bool
}

// scheduledJob is the job that s describes.
func scheduledJob(s BatchSchedule) *job {
	j := &job{trackingID: s.BatchTrackingID, queuedFor: s.QueuedFor, perDevice: s.DeviceEvery, items: make([]jobItem, len(s.Devices))}
	for i, d := range s.Devices {
		j.items[i] = jobItem{deviceID: d.DeviceID, serialNumber: d.SerialNumber, productKey: d.ProductKey,
			errorCode: d.ErrorCode, errorDescription: d.ErrorDescription, failed: d.ErrorCode != ""}
	}
	return j
}

// ScheduleBatch stores a batch of customerID that progresses on the
// emulator's clock as s describes, replacing any batch stored under the same
// IDs. A batch with no devices finishes as soon as it leaves the queue.
func (e *Emulator) ScheduleBatch(customerID string, s BatchSchedule) error {
	if err := validateSchedule(customerID, s); err != nil {
		return err
	}
	e.jobs.put(newKey(customerID, s.BatchTrackingID), scheduledJob(s))
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
	body, unfinished, ok := e.jobs.status(newKey(c.params[0], c.params[1]), c.pace, c.answers)
	if !ok {
		return notFound()
	}
	a := answer{status: http.StatusOK, body: body}
	if unfinished {
		// A fault that changes the status drops it: pacing advice for an
		// unfinished batch is not part of another answer.
		if retryAfter := c.pace.retryAfterHeader(); retryAfter != "" {
			a.header = http.Header{"Retry-After": {retryAfter}}
		}
	}
	return a
}

// status returns the body to serve for the batch job key names, as a
// presents it, and whether it is still queued or processing; not ok when
// there is none or, under Answers.StatusExpiry, its status has expired. A
// scheduled batch starts its schedule on its first read; every read counts
// for a step per read.
func (s *jobStore) status(key batchKey, p pace, a Answers) (body []byte, unfinished bool, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.jobs[key]
	if j == nil {
		fixed, ok := s.fixed[key]
		return fixed.body, fixed.unfinished, ok
	}
	if j.start.IsZero() {
		j.start = p.now
	}
	elapsed := j.elapsed(p, j.reads)
	j.reads++
	if s.process(j, elapsed) {
		s.dropPending(j)
	}
	details := j.detailsAt(elapsed)
	unfinished = details.Status == statusQueued || details.Status == statusProcessing
	if !unfinished && j.finishedAt.IsZero() {
		j.finishedAt = j.start.Add(j.duration())
		if p.step > 0 {
			j.finishedAt = p.now
		}
	}
	if !unfinished && a.StatusExpiry > 0 && p.now.Sub(j.finishedAt) > a.StatusExpiry {
		return nil, false, false
	}
	return mustMarshal(details.present(a)), unfinished, true
}

// settle processes what is due of every job with changes to make, so that
// whoever reads devices or policies sees the jobs' progress, not only
// whoever reads their status. Under a step per read, a job is as far as its
// last status read saw it. Jobs are processed in the order they were stored,
// which pending keeps, so that the same uploads always give the same
// results; those left with nothing to make leave pending, the others keep
// their order.
func (s *jobStore) settle(p pace) {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.pending[:0]
	for _, j := range s.pending {
		// Under a step per read, a job stays where its last status read
		// left it: j.reads-1 steps, none before its first read.
		if !s.process(j, j.elapsed(p, max(j.reads-1, 0))) {
			kept = append(kept, j)
		}
	}
	// Clear the tail so that the finished jobs can be collected.
	clear(s.pending[len(kept):])
	s.pending = kept
}

// elapsed is how far j has gone at pace p: the time since its start on the
// clock or, under a step per read, reads steps. Status reads and settle
// count reads differently, so each says how many.
func (j *job) elapsed(p pace, reads int) time.Duration {
	if p.step > 0 {
		return time.Duration(reads) * p.step
	}
	return p.now.Sub(j.start)
}

// process applies the items of j due elapsed after its start and reports
// whether that made the last of j's changes, for the caller to drop j from
// the pending jobs. The caller holds s.mu, which apply may nest other
// stores' locks under.
func (s *jobStore) process(j *job, elapsed time.Duration) (finished bool) {
	if j.apply == nil || j.applied == len(j.items) {
		return false
	}
	for due := j.doneAt(elapsed); j.applied < due; j.applied++ {
		j.items[j.applied] = j.apply(j.applied)
	}
	return j.applied == len(j.items)
}

// doneAt is how many items of j are processed elapsed after its start.
func (j *job) doneAt(elapsed time.Duration) int {
	switch {
	case elapsed < j.queuedFor:
		return 0
	case j.perDevice <= 0:
		return len(j.items)
	}
	return min(len(j.items), int((elapsed-j.queuedFor)/j.perDevice))
}

// BatchUploadDetails is a batch job's status: the JSON Partner Center
// sends, with .NET's unset date-times, as the emulator answers it. A plain
// struct, with no JSON methods of its own, it is also what tests decode
// such an answer into.
type BatchUploadDetails struct {
	BatchTrackingID string `json:"batchTrackingId"`
	Status          string `json:"status"`
	StartedTime     string `json:"startedTime"`
	CompletedTime   string `json:"completedTime"`
	// DevicesStatus is omitted when nil, as a job without results (see
	// Answers.FailedJobsWithoutResults) answers; a job of no devices lists
	// none, [].
	DevicesStatus []DeviceUploadDetails `json:"devicesStatus,omitzero"`
	Attributes    objectType            `json:"attributes"`
}

// DeviceUploadDetails is one device's status in a BatchUploadDetails.
type DeviceUploadDetails struct {
	DeviceID         string     `json:"deviceId,omitempty"`
	SerialNumber     string     `json:"serialNumber,omitempty"`
	ProductKey       string     `json:"productKey,omitempty"`
	Status           string     `json:"status"`
	ErrorCode        string     `json:"errorCode,omitempty"`
	ErrorDescription string     `json:"errorDescription,omitempty"`
	Attributes       objectType `json:"attributes"`
	// byHash marks the item of a device uploaded by hardware hash; see
	// jobItem.
	byHash bool
}

type objectType struct {
	ObjectType string `json:"objectType"`
}

// detailsAt is the job's status elapsed after its start. Devices are
// listed from the start: queued, then processing until their turn is over.
// Items already applied count as done even when elapsed says otherwise,
// such as after SetStepPerRead(0) hands a job back to a clock that is
// behind: what was applied cannot be undone.
func (j *job) detailsAt(elapsed time.Duration) BatchUploadDetails {
	details := BatchUploadDetails{
		BatchTrackingID: j.trackingID,
		Status:          statusQueued,
		StartedTime:     dotNetUnsetTime,
		CompletedTime:   dotNetUnsetTime,
		DevicesStatus:   make([]DeviceUploadDetails, len(j.items)),
		Attributes:      objectType{"BatchUploadDetails"},
	}
	done := max(j.doneAt(elapsed), j.applied)
	if elapsed >= j.queuedFor || done > 0 {
		details.Status = statusProcessing
		details.StartedTime = j.start.Add(j.queuedFor).UTC().Format(partnerCenterTimeLayout)
	}
	failed := false
	for i, d := range j.items {
		status := details.Status
		code, description := "", ""
		if i < done {
			status, code, description = statusFinished, d.errorCode, d.errorDescription
			if d.failed {
				status, failed = statusFinishedWithErrors, true
			}
		}
		details.DevicesStatus[i] = DeviceUploadDetails{
			DeviceID: d.deviceID, SerialNumber: d.serialNumber, ProductKey: d.productKey,
			Status: status, ErrorCode: code, ErrorDescription: description,
			Attributes: objectType{"DeviceUploadDetails"}, byHash: d.byHash,
		}
	}
	if details.Status == statusProcessing && done == len(j.items) {
		details.Status = statusFinished
		if failed {
			details.Status = statusFinishedWithErrors
		}
		details.CompletedTime = j.start.Add(j.duration()).UTC().Format(partnerCenterTimeLayout)
	}
	return details
}

// duration is how long j takes from its start to its completion on the
// clock: queued, then each device's turn.
func (j *job) duration() time.Duration {
	return j.queuedFor + time.Duration(len(j.items))*j.perDevice
}

// present returns d as a says to answer it: without devicesStatus once
// finished_with_errors under FailedJobsWithoutResults, the items of
// devices uploaded by hardware hash without their serial number and
// product key under StatusIDsOnly, enums spelt as a spells them.
func (d BatchUploadDetails) present(a Answers) BatchUploadDetails {
	items := make([]DeviceUploadDetails, len(d.DevicesStatus))
	for i, item := range d.DevicesStatus {
		if a.StatusIDsOnly && item.byHash {
			item.SerialNumber, item.ProductKey = "", ""
		}
		item.Status = a.enum(item.Status)
		items[i] = item
	}
	d.DevicesStatus = items
	if a.FailedJobsWithoutResults && d.Status == statusFinishedWithErrors {
		d.DevicesStatus = nil
	}
	d.Status = a.enum(d.Status)
	return d
}
