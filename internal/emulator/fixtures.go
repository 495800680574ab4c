package emulator

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// The fixture batches New loads, all for the seed page's customer.
const (
	// SeedCustomerID is the customer of the seed page's example request.
	SeedCustomerID = "47021739-3426-40bf-9601-61b4b6d7c793"
	// SeedBatchTrackingID is the batch of the seed page's example response,
	// served byte for byte: finished, one device failed with error 808.
	SeedBatchTrackingID = "0127ed8e-ff72-4983-a3d8-e8d8bd378932"
	// ProcessingBatchTrackingID is a batch still processing: started, with
	// the unset completedTime .NET sends (0001-01-01T00:00:00), one device
	// finished and one processing.
	ProcessingBatchTrackingID = "5b8e3c1a-2f4d-4e6a-9b7c-1d0e2f3a4b5c"
	// QueuedBatchTrackingID is a batch not started yet: startedTime unset
	// (0001-01-01T00:00:00), no completedTime field and no devices.
	QueuedBatchTrackingID = "9a7f6e5d-4c3b-4a29-8d1e-0f2a3b4c5d6e"
)

// seedBatchStatus is the seed page's example response body, byte for byte.
//
//go:embed fixtures/seed-batch-status.json
var seedBatchStatus []byte

// fixtureBatches holds the other fixture batches, in LoadFixtures' format.
//
//go:embed fixtures/batches.json
var fixtureBatches []byte

// batchKey identifies a batch. Both IDs are lower case because Partner
// Center compares GUIDs case-insensitively.
type batchKey struct {
	customerID, trackingID string
}

// newKey is the key of a batch, however its IDs are written.
func newKey(customerID, trackingID string) batchKey {
	return batchKey{strings.ToLower(customerID), strings.ToLower(trackingID)}
}

// fixtureFile is the format LoadFixtures reads.
type fixtureFile struct {
	Batches []struct {
		CustomerID string `json:"customerId"`
		// Response is a BatchUploadDetails, kept raw to be served verbatim.
		Response json.RawMessage `json:"response"`
		// Schedule, instead of Response, makes the batch move on.
		Schedule *fixtureSchedule `json:"schedule"`
	} `json:"batches"`
}

// fixtureSchedule is a BatchSchedule as a fixture file writes it, with
// durations such as "2s".
type fixtureSchedule struct {
	BatchTrackingID string            `json:"batchTrackingId"`
	QueuedFor       string            `json:"queuedFor"`
	DeviceEvery     string            `json:"deviceEvery"`
	Devices         []ScheduledDevice `json:"devices"`
}

// batchSchedule converts f, whose durations are optional (zero).
func (f *fixtureSchedule) batchSchedule() (BatchSchedule, error) {
	s := BatchSchedule{BatchTrackingID: f.BatchTrackingID}
	for _, d := range []struct {
		name, value string
		to          *time.Duration
	}{{"queuedFor", f.QueuedFor, &s.QueuedFor}, {"deviceEvery", f.DeviceEvery, &s.DeviceEvery}} {
		if d.value == "" {
			continue
		}
		v, err := time.ParseDuration(d.value)
		if err != nil {
			return BatchSchedule{}, fmt.Errorf("%s: %w", d.name, err)
		}
		*d.to = v
	}
	s.Devices = f.Devices
	return s, nil
}

// PutBatch stores body, a BatchUploadDetails JSON object, as the batch status
// of customerID, served verbatim. The tracking ID is the body's
// batchTrackingId; a batch already stored under it is replaced.
func (e *Emulator) PutBatch(customerID string, body []byte) error {
	key, err := newBatchKey(customerID, body)
	if err != nil {
		return err
	}
	e.jobs.putFixed(key, bytes.Clone(body))
	e.customers.add(customerID)
	return nil
}

// LoadFixtures reads batches from r in the format
//
//	{"batches": [
//	  {"customerId": "...", "response": {BatchUploadDetails}},
//	  {"customerId": "...", "schedule": {"batchTrackingId": "...", "queuedFor": "2s", "deviceEvery": "1s",
//	    "devices": [{"serialNumber": "...", "productKey": "...", "deviceId": "...", "errorCode": "806", "errorDescription": "..."}]}}
//	]}
//
// and stores each response as PutBatch does, served verbatim, and each
// schedule as ScheduleBatch does, moving from queued through processing to
// finished (finished_with_errors when a device has an errorCode) from its
// first read. It stores none of them when any is invalid.
func (e *Emulator) LoadFixtures(r io.Reader) error {
	var file fixtureFile
	dec := json.NewDecoder(r)
	// A misspelt field would otherwise leave a batch silently incomplete.
	dec.DisallowUnknownFields()
	if err := dec.Decode(&file); err != nil {
		return fmt.Errorf("reading fixtures: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("reading fixtures: data after the fixture object")
	}
	keys := make([]batchKey, len(file.Batches))
	schedules := make([]*BatchSchedule, len(file.Batches))
	for i, b := range file.Batches {
		switch {
		case b.Schedule != nil && b.Response != nil:
			return fmt.Errorf("fixture batch %d has both a response and a schedule", i)
		case b.Schedule != nil:
			s, err := b.Schedule.batchSchedule()
			if err == nil {
				err = validateSchedule(b.CustomerID, s)
			}
			if err != nil {
				return fmt.Errorf("fixture batch %d: %w", i, err)
			}
			keys[i], schedules[i] = newKey(b.CustomerID, s.BatchTrackingID), &s
		default:
			key, err := newBatchKey(b.CustomerID, b.Response)
			if err != nil {
				return fmt.Errorf("fixture batch %d: %w", i, err)
			}
			keys[i] = key
		}
	}
	// Every batch is valid by now: its customer is added first, so that the
	// jobs' lock is never held with the customers'.
	for _, b := range file.Batches {
		e.customers.add(b.CustomerID)
	}
	e.jobs.mu.Lock()
	defer e.jobs.mu.Unlock()
	for i, key := range keys {
		if schedules[i] != nil {
			e.jobs.putLocked(key, scheduledJob(*schedules[i]))
		} else {
			e.jobs.putFixedLocked(key, file.Batches[i].Response)
		}
	}
	return nil
}

// loadEmbeddedFixtures stores the fixture batches compiled into the package.
func (e *Emulator) loadEmbeddedFixtures() {
	// The embedded files are tested; failing here is a build defect.
	if err := e.PutBatch(SeedCustomerID, seedBatchStatus); err != nil {
		panic(err)
	}
	if err := e.LoadFixtures(bytes.NewReader(fixtureBatches)); err != nil {
		panic(err)
	}
}

// newBatchKey checks that body is a JSON object with a batchTrackingId and
// returns the key to store it under.
func newBatchKey(customerID string, body []byte) (batchKey, error) {
	if customerID == "" {
		return batchKey{}, errors.New("batch without a customer ID")
	}
	var details struct {
		BatchTrackingID string `json:"batchTrackingId"`
	}
	if err := json.Unmarshal(body, &details); err != nil {
		return batchKey{}, fmt.Errorf("batch of customer %s is not a BatchUploadDetails object: %w", customerID, err)
	}
	if details.BatchTrackingID == "" {
		return batchKey{}, fmt.Errorf("batch of customer %s has no batchTrackingId", customerID)
	}
	return newKey(customerID, details.BatchTrackingID), nil
}

// The profile of the seed customer, SeedCustomerID, which New seeds.
const (
	SeedCustomerCompanyName = "Contoso"
	SeedCustomerDomain      = "contoso.onmicrosoft.com"
)

// The customers DemoCustomers adds to the seed customer, with fixed IDs so
// that examples can name them.
const (
	FabrikamCustomerID           = "66f6b9cb-62ff-445b-9f8e-8fda48dbafca"
	FabrikamCustomerCompanyName  = "Fabrikam"
	FabrikamCustomerDomain       = "fabrikam.onmicrosoft.com"
	NorthwindCustomerID          = "c62d19d7-8af2-4654-97dc-894637ee1d95"
	NorthwindCustomerCompanyName = "Northwind"
	NorthwindCustomerDomain      = "northwind.onmicrosoft.com"
)

// seedCustomer is SeedCustomerID with its profile.
var seedCustomer = Customer{ID: SeedCustomerID, CompanyName: SeedCustomerCompanyName, Domain: SeedCustomerDomain,
	RelationshipToPartner: RelationshipReseller}

// DemoCustomers returns the customers the partnercenter-emulator command
// serves unless its -customers flag names others: the seed customer
// (Contoso, which New seeds), Fabrikam and Northwind, each a reseller's
// customer.
func DemoCustomers() []Customer {
	return []Customer{
		seedCustomer,
		{ID: FabrikamCustomerID, CompanyName: FabrikamCustomerCompanyName, Domain: FabrikamCustomerDomain, RelationshipToPartner: RelationshipReseller},
		{ID: NorthwindCustomerID, CompanyName: NorthwindCustomerCompanyName, Domain: NorthwindCustomerDomain, RelationshipToPartner: RelationshipReseller},
	}
}

// generatedProfile is the profile of a customer the emulator knows by its
// ID only, made up so that the customer lists and reads as a real one:
// the company "Customer " and the ID's first 8 letters and digits in lower
// case (a GUID's first 8 hexadecimal digits), such as Customer 47021739,
// the default domain those 8 and .onmicrosoft.com, a reseller's customer.
func generatedProfile(customerID string) Customer {
	stem := strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
			return r
		}
		return -1
	}, strings.ToLower(customerID))
	if stem == "" {
		// No tenant ID lacks letters and digits, but a path segment may.
		stem = "customer"
	}
	stem = stem[:min(len(stem), 8)]
	return Customer{ID: customerID, CompanyName: "Customer " + stem, Domain: stem + ".onmicrosoft.com",
		RelationshipToPartner: RelationshipReseller}
}
