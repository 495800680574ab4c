package emulator

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// DeviceBatch is a device batch as Partner Center lists it, with the same
// JSON names. Partner Center keys batches by their free-text ID, compared
// case-insensitively (see Answers.CaseSensitiveBatchNames); no operation
// deletes one, so a batch outlives its devices.
type DeviceBatch struct {
	ID string `json:"id"`
	// CreatedBy is who created the batch; see UserPrincipalName.
	CreatedBy string `json:"createdBy,omitempty"`
	// CreationDate is in UTC without a zone, as Partner Center writes
	// date-times: 2026-01-02T15:04:05.
	CreationDate string `json:"creationDate"`
	// DevicesCount is the number of devices in the batch. The
	// documentation's table calls it deviceCount; its example and the .NET
	// SDK say devicesCount, which the emulator sends.
	DevicesCount int `json:"devicesCount"`
}

// batchStore holds each customer's device batches.
type batchStore struct {
	mu sync.Mutex
	// batches maps lower-case customer IDs to their batches in the order
	// they were created.
	batches map[string][]*deviceBatch
}

// deviceBatch is a batch without its devices, which deviceStore holds.
type deviceBatch struct {
	// id is the batch's ID as created.
	id        string
	createdBy string
	created   time.Time
}

func newBatchStore() batchStore {
	return batchStore{batches: map[string][]*deviceBatch{}}
}

// findLocked returns the batch batchID of customerID, nil when there is
// none: the first created whose ID matches, case-insensitively unless
// exact (see Answers.CaseSensitiveBatchNames). The caller holds s.mu.
func (s *batchStore) findLocked(customerID, batchID string, exact bool) *deviceBatch {
	for _, b := range s.batches[strings.ToLower(customerID)] {
		if b.id == batchID || !exact && strings.EqualFold(b.id, batchID) {
			return b
		}
	}
	return nil
}

// find returns the batch batchID of customerID, matched as findLocked
// does.
func (s *batchStore) find(customerID, batchID string, exact bool) (deviceBatch, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b := s.findLocked(customerID, batchID, exact); b != nil {
		return *b, true
	}
	return deviceBatch{}, false
}

// ensure returns the batch batchID of customerID, matched as findLocked
// does, made if new, and whether it made it: batch creation refuses an ID
// in use, while AddDevices takes the batch either way.
func (s *batchStore) ensure(customerID, batchID string, exact bool, by string, at time.Time) (batch deviceBatch, created bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b := s.findLocked(customerID, batchID, exact); b != nil {
		return *b, false
	}
	b := &deviceBatch{id: batchID, createdBy: by, created: at}
	key := strings.ToLower(customerID)
	s.batches[key] = append(s.batches[key], b)
	return *b, true
}

// list returns the batches of customerID in the order they were created.
func (s *batchStore) list(customerID string) []deviceBatch {
	s.mu.Lock()
	defer s.mu.Unlock()
	batches := s.batches[strings.ToLower(customerID)]
	out := make([]deviceBatch, len(batches))
	for i, b := range batches {
		out[i] = *b
	}
	return out
}

// deviceBatchResource is a batch as Partner Center lists it.
type deviceBatchResource struct {
	DeviceBatch
	DevicesLink link       `json:"devicesLink"`
	Attributes  objectType `json:"attributes"`
}

// batchesOf returns the batches of customerID with their device counts.
func (e *Emulator) batchesOf(customerID string) []DeviceBatch {
	batches := e.batches.list(customerID)
	out := make([]DeviceBatch, len(batches))
	for i, b := range batches {
		out[i] = DeviceBatch{ID: b.id, CreatedBy: b.createdBy, CreationDate: b.created.UTC().Format(partnerCenterTimeLayout),
			DevicesCount: e.devices.count(newBatchRef(customerID, b.id))}
	}
	return out
}

// listDeviceBatches answers GET /v1/customers/{cid}/deviceBatches
// (operation 4): the customer's batches, empty for a customer without any,
// a collection or a bare array (see Answers.BareArrayLists).
func (e *Emulator) listDeviceBatches(c *call) answer {
	customerID := c.params[0]
	return list(e, c, "/customers/"+customerID+"/deviceBatches", e.batchesOf(customerID), func(b DeviceBatch) deviceBatchResource {
		return deviceBatchResource{DeviceBatch: b, DevicesLink: getLink(devicesURI(customerID, b.ID)), Attributes: objectType{"DeviceBatch"}}
	})
}

// Batches returns the device batches of customerID in the order they were
// created, after the jobs due have made their changes.
func (e *Emulator) Batches(customerID string) []DeviceBatch {
	e.settle()
	return e.batchesOf(customerID)
}

// Partner Center's codes for refusals the documentation does not give one
// for: the emulator's own choices.
const (
	// codeAccessDeniedForbidden comes with 403 when an app-only token asks
	// for an operation that takes app+user ones only. The documentation
	// says such operations support app+user authentication only but not
	// what refusing others looks like; 2032 is its code for 403 "Access
	// denied".
	codeAccessDeniedForbidden = 2032
	// codeConflict comes with 409 when a resource exists already or is
	// still in use. The documentation names no code for these; the
	// emulator uses the HTTP status, as it does for the other statuses it
	// has no code for (see Fault).
	codeConflict = http.StatusConflict
)

// appUserOnly is Partner Center's answer to an app-only token for an
// operation that only app+user tokens may call.
func appUserOnly() answer {
	return faultAnswer(http.StatusForbidden, codeAccessDeniedForbidden,
		"Access denied: this operation requires app+user authentication (a user signed in with the application, as the secure application model's refresh token grant does); app-only authentication is not supported.")
}

// createDeviceBatch answers POST /v1/customers/{cid}/deviceBatches
// (operation 1), {"batchId": "...", "devices": [Device...]}: it creates the
// batch and starts the upload of its devices, answering 202 with the
// Location of the upload's status. Only app+user tokens may call it.
func (e *Emulator) createDeviceBatch(c *call) answer {
	if !c.token.appUser {
		return appUserOnly()
	}
	var body struct {
		BatchID string   `json:"batchId"`
		Devices []Device `json:"devices"`
	}
	if a, ok := decodeBody(c, &body); !ok {
		return a
	}
	switch {
	case body.BatchID == "":
		return invalidInput("The batchId is required.")
	case len(body.Devices) == 0:
		return invalidInput("A device batch needs at least one device.")
	}
	if a, ok := checkUpload(body.Devices, c.answers); !ok {
		return a
	}
	customerID := c.params[0]
	if _, created := e.batches.ensure(customerID, body.BatchID, c.answers.CaseSensitiveBatchNames, c.token.principal, c.pace.now); !created {
		return faultAnswer(http.StatusConflict, codeConflict,
			"A device batch with the ID '"+body.BatchID+"' already exists for this customer. Upload the devices to it instead.")
	}
	return e.startUpload(customerID, body.BatchID, body.Devices, c.token.principal, c.pace)
}

// addDevices answers POST /v1/customers/{cid}/deviceBatches/{bid}/devices
// (operation 2), a bare JSON array of Device: it starts the upload of the
// devices into the batch, answering 202 with the Location of the upload's
// status.
func (e *Emulator) addDevices(c *call) answer {
	var devices []Device
	if a, ok := decodeBody(c, &devices); !ok {
		return a
	}
	customerID := c.params[0]
	batch, ok := e.batches.find(customerID, c.params[1], c.answers.CaseSensitiveBatchNames)
	if !ok {
		return notFound()
	}
	if len(devices) == 0 {
		return invalidInput("The request holds no device.")
	}
	if a, ok := checkUpload(devices, c.answers); !ok {
		return a
	}
	return e.startUpload(customerID, batch.id, devices, c.token.principal, c.pace)
}

// checkUpload refuses, with 400, the devices of an upload when they are
// more than a allows in one request (see Answers.MaxDevicesPerUpload) or
// one has no accepted identification: Partner Center refuses the whole
// request.
func checkUpload(devices []Device, a Answers) (answer, bool) {
	if limit := a.MaxDevicesPerUpload; limit > 0 && len(devices) > limit {
		return invalidInput(fmt.Sprintf("The request holds too many devices, %d: at most %d devices a request. Upload the others in further requests.",
			len(devices), limit)), false
	}
	for i, d := range devices {
		if _, ok := identify(d); !ok {
			return invalidInput("Device " + strconv.Itoa(i) + " has no accepted identification: a hardware hash, a product key, " +
				"or a serial number with its OEM manufacturer name and model name."), false
		}
	}
	return answer{}, true
}

// startUpload makes the job that uploads devices into batchID of
// customerID and answers 202 with its Location. The job decides each
// device's result as its turn comes: a later device of the upload with an
// earlier one's identification fails with ZtdDeviceDuplicated, a hash that
// is not base64 with InvalidZtdHardwareHash, a device already registered
// with 806 or 808 (see deviceStore.join); the others join the batch then.
func (e *Emulator) startUpload(customerID, batchID string, devices []Device, by string, p pace) answer {
	ref := newBatchRef(customerID, batchID)
	items := make([]jobItem, len(devices))
	// failures holds the results known from the upload alone.
	failures := make([]string, len(devices))
	seen := map[identification]bool{}
	for i, d := range devices {
		items[i] = jobItem{serialNumber: d.SerialNumber, productKey: d.ProductKey, byHash: d.HardwareHash != ""}
		ident, _ := identify(d)
		switch {
		case seen[ident]:
			failures[i] = ErrorDescriptionDeviceDuplicated
		case d.HardwareHash != "" && !validHardwareHash(d.HardwareHash):
			failures[i] = ErrorDescriptionInvalidHardwareHash
		}
		seen[ident] = true
	}
	return e.startJob(customerID, p, items, func(i int) jobItem {
		item := items[i]
		if failures[i] != "" {
			// No number is documented for these errors: errorCode stays
			// empty, the status and description say it.
			item.failed, item.errorDescription = true, failures[i]
			return item
		}
		// The job starts at p.now and is timed by p: the device joins when
		// its turn is over.
		at := p.now.Add(p.queuedFor + time.Duration(i+1)*p.perDevice)
		item.deviceID, item.errorCode, item.errorDescription = e.devices.join(ref, devices[i], by, at)
		item.failed = item.errorCode != ""
		return item
	})
}

// startJob stores a job of customerID over items, starting at p.now and
// timed by p, whose apply processes each item as its turn comes (see
// job.apply), and answers 202 with the job's Location. Uploads and device
// policy updates both start their jobs this way.
func (e *Emulator) startJob(customerID string, p pace, items []jobItem, apply func(i int) jobItem) answer {
	e.customers.add(customerID)
	j := &job{trackingID: uuid.NewString(), queuedFor: p.queuedFor, perDevice: p.perDevice, items: items, start: p.now, apply: apply}
	e.jobs.put(newKey(customerID, j.trackingID), j)
	return accepted(customerID, j.trackingID)
}

// accepted is Partner Center's 202 for work it does asynchronously: an
// empty body and the Location of its batch job status, relative and
// without /v1, as Microsoft's examples show it.
func accepted(customerID, trackingID string) answer {
	return answer{status: http.StatusAccepted, header: http.Header{"Location": {"/customers/" + customerID + "/batchJobStatus/" + trackingID}}}
}
