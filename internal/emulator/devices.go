package emulator

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Device is a device of a batch as Partner Center's device deployment API
// sends and takes it, with the same JSON names. An upload sets its
// identification (HardwareHash, ProductKey, SerialNumber with
// OemManufacturerName and ModelName); Partner Center sets the rest.
type Device struct {
	// ID is Partner Center's ID of the device: a string, not always a GUID,
	// such as "9993-8627-3608-6844-6369-4361-72".
	ID           string `json:"id,omitempty"`
	SerialNumber string `json:"serialNumber,omitempty"`
	ProductKey   string `json:"productKey,omitempty"`
	// HardwareHash is the device's hardware hash in base64, about 4 KB.
	// Device lists carry it only under Answers.ListHardwareHashes.
	HardwareHash        string `json:"hardwareHash,omitempty"`
	ModelName           string `json:"modelName,omitempty"`
	OemManufacturerName string `json:"oemManufacturerName,omitempty"`
	// Policies are the device's policies by category; Partner Center knows
	// one, PolicyCategoryOOBE.
	Policies []DevicePolicy `json:"policies,omitempty"`
	// UploadedDate is when the device joined its batch, in UTC without a
	// zone, as Partner Center writes date-times: 2026-01-02T15:04:05.
	UploadedDate string `json:"uploadedDate,omitempty"`
	// UploadedBy is who uploaded it; see UserPrincipalName.
	UploadedBy        string   `json:"uploadedBy,omitempty"`
	AllowedOperations []string `json:"allowedOperations,omitempty"`
}

// DevicePolicy is one policy of a device: its category as Key, the
// configuration policy's ID as Value, nil (JSON null) for none.
type DevicePolicy struct {
	Key   string  `json:"key"`
	Value *string `json:"value"`
}

// PolicyCategoryOOBE is the category of Windows Autopilot profiles: the
// out-of-box experience. It keys a device's policy.
const PolicyCategoryOOBE = "o_o_b_e"

// OOBEPolicyID returns the ID of the device's o_o_b_e policy, empty when it
// has none.
func (d Device) OOBEPolicyID() string {
	for _, p := range d.Policies {
		if p.Key == PolicyCategoryOOBE && p.Value != nil {
			return *p.Value
		}
	}
	return ""
}

// clone returns a copy of d that shares nothing with it.
func (d Device) clone() Device {
	policies := make([]DevicePolicy, len(d.Policies))
	for i, p := range d.Policies {
		if p.Value != nil {
			v := *p.Value
			p.Value = &v
		}
		policies[i] = p
	}
	d.Policies = policies
	d.AllowedOperations = append([]string(nil), d.AllowedOperations...)
	return d
}

// The per-device errors of uploads that Partner Center's public material
// names without a number. Their results carry no errorCode.
const (
	// ErrorDescriptionDeviceDuplicated fails every device of an upload
	// whose identification an earlier device of the same upload has.
	ErrorDescriptionDeviceDuplicated = "ZtdDeviceDuplicated"
	// ErrorDescriptionInvalidHardwareHash fails a device whose hardware
	// hash is not base64.
	ErrorDescriptionInvalidHardwareHash = "InvalidZtdHardwareHash"
)

// identification is what tells devices apart: the hardware hash, else the
// product key, else the serial number with the manufacturer and the model.
// Values compare case-sensitively, as Partner Center does for the tuple.
type identification struct {
	kind, value string
}

// identify returns d's identification, false when d has none of the
// accepted ones. Partner Center lists the combinations it accepts (hash
// alone or with product key and/or serial number, product key alone,
// serial number with manufacturer and model); a device with more fields
// than one of them, such as a row of Partner Center's own CSV template,
// is accepted too, and identified by the first that applies.
func identify(d Device) (identification, bool) {
	switch {
	case d.HardwareHash != "":
		return identification{"hardware hash", d.HardwareHash}, true
	case d.ProductKey != "":
		return identification{"product key", d.ProductKey}, true
	case d.SerialNumber != "" && d.OemManufacturerName != "" && d.ModelName != "":
		return identification{"serial number, manufacturer and model", d.SerialNumber + "\x00" + d.OemManufacturerName + "\x00" + d.ModelName}, true
	}
	return identification{}, false
}

// validHardwareHash reports whether hash is base64, as a hardware hash is.
func validHardwareHash(hash string) bool {
	_, err := base64.StdEncoding.DecodeString(hash)
	return err == nil
}

// batchRef names a batch: its customer's ID in lower case, as Partner
// Center compares GUIDs case-insensitively, and its own ID as created.
// Callers find the batch first, matching its ID as Answers says, and name
// it by the ID found.
type batchRef struct {
	customer, batch string
}

func newBatchRef(customerID, batchID string) batchRef {
	return batchRef{strings.ToLower(customerID), batchID}
}

// deviceStore holds every device of every batch, and the registry of their
// identifications across customers that decides the result of uploads. Its
// methods take only its own lock and reach no other store, so a caller may
// hold another store's lock while calling them (see lockPoliciesAndDevices).
type deviceStore struct {
	mu sync.Mutex
	// batches holds each batch's devices in the order they joined.
	batches map[batchRef][]*storedDevice
	// byID maps lower-case device IDs, unique across customers, to devices.
	byID map[string]*storedDevice
	// registry maps identifications to devices: one device each.
	registry map[identification]*storedDevice
}

// storedDevice is a device and where it is.
type storedDevice struct {
	Device
	ref   batchRef
	ident identification
	// policyUpdateError, when set, is what device policy updates fail the
	// device with (see FailDevicePolicyUpdates).
	policyUpdateError deviceError
}

func newDeviceStore() deviceStore {
	return deviceStore{batches: map[batchRef][]*storedDevice{}, byID: map[string]*storedDevice{}, registry: map[identification]*storedDevice{}}
}

// join makes d a device of ref's batch at the time given, unless its
// identification is registered already: then it returns Partner Center's
// error, 806 when the device is the same customer's, in any batch, and 808
// when it is another customer's.
func (s *deviceStore) join(ref batchRef, d Device, by string, at time.Time) (id, code, description string) {
	ident, _ := identify(d)
	s.mu.Lock()
	defer s.mu.Unlock()
	if other := s.registry[ident]; other != nil {
		if other.ref.customer == ref.customer {
			return "", ErrorCodeDeviceAlreadyAssigned, ErrorDescriptionDeviceAlreadyAssigned
		}
		return "", ErrorCodeDeviceAssignedToOtherTenant, ErrorDescriptionDeviceAssignedToOtherTenant
	}
	return s.insert(ref, ident, d, by, at).ID, "", ""
}

// insert stores d in ref's batch as Partner Center completes a device that
// joins: an ID unless d has one, no policy, the upload's date and
// uploader. The caller holds s.mu and has checked the registry.
func (s *deviceStore) insert(ref batchRef, ident identification, d Device, by string, at time.Time) *storedDevice {
	stored := &storedDevice{Device: Device{
		ID:                  d.ID,
		SerialNumber:        d.SerialNumber,
		ProductKey:          d.ProductKey,
		HardwareHash:        d.HardwareHash,
		ModelName:           d.ModelName,
		OemManufacturerName: d.OemManufacturerName,
		Policies:            []DevicePolicy{{Key: PolicyCategoryOOBE}},
		UploadedDate:        at.UTC().Format(partnerCenterTimeLayout),
		UploadedBy:          by,
		AllowedOperations:   []string{http.MethodPatch, http.MethodDelete},
	}, ref: ref, ident: ident}
	for stored.ID == "" || s.byID[strings.ToLower(stored.ID)] != nil {
		stored.ID = newDeviceID()
	}
	s.batches[ref] = append(s.batches[ref], stored)
	s.byID[strings.ToLower(stored.ID)] = stored
	s.registry[ident] = stored
	return stored
}

// list returns copies of the devices of ref's batch, in the order they
// joined.
func (s *deviceStore) list(ref batchRef) []Device {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Device, len(s.batches[ref]))
	for i, d := range s.batches[ref] {
		out[i] = d.clone()
	}
	return out
}

// refs returns ref's devices in order, for a listing that copies only the
// devices of the page it answers (see cloneOf): copying every device of a
// batch for each page of 100 would make reading the batch quadratic.
func (s *deviceStore) refs(ref batchRef) []*storedDevice {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.batches[ref])
}

// cloneOf returns a copy of d, a device of the store, as it is now.
func (s *deviceStore) cloneOf(d *storedDevice) Device {
	s.mu.Lock()
	defer s.mu.Unlock()
	return d.clone()
}

// count returns how many devices ref's batch holds.
func (s *deviceStore) count(ref batchRef) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.batches[ref])
}

// find returns the device id of ref's batch. The caller holds s.mu.
func (s *deviceStore) find(ref batchRef, id string) *storedDevice {
	d := s.byID[strings.ToLower(id)]
	if d == nil || d.ref != ref {
		return nil
	}
	return d
}

// byCustomerAndID returns a copy of the device deviceID of customerID, in
// any of its batches, nil when there is none.
func (s *deviceStore) byCustomerAndID(customerID, deviceID string) *Device {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.byCustomerAndIDLocked(customerID, deviceID); d != nil {
		c := d.clone()
		return &c
	}
	return nil
}

// byCustomerAndIDLocked is byCustomerAndID for a caller holding s.mu,
// returning the stored device.
func (s *deviceStore) byCustomerAndIDLocked(customerID, deviceID string) *storedDevice {
	d := s.byID[strings.ToLower(deviceID)]
	if d == nil || d.ref.customer != strings.ToLower(customerID) {
		return nil
	}
	return d
}

// remove deletes the device id from ref's batch, reporting whether it was
// there. Its identification may then be uploaded again.
func (s *deviceStore) remove(ref batchRef, id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.find(ref, id)
	if d == nil {
		return false
	}
	delete(s.byID, strings.ToLower(d.ID))
	delete(s.registry, d.ident)
	devices := s.batches[ref]
	for i, other := range devices {
		if other == d {
			s.batches[ref] = append(devices[:i:i], devices[i+1:]...)
			break
		}
	}
	return true
}

// setPolicy sets the o_o_b_e policy of device id of ref's batch to
// policyID, none when empty, reporting whether the device is there.
func (s *deviceStore) setPolicy(ref batchRef, id, policyID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.find(ref, id)
	if d == nil {
		return false
	}
	d.setOOBEPolicy(policyID)
	return true
}

// setPolicyUpdateError sets the error device policy updates fail device
// deviceID of customerID with, none when err is zero, reporting whether
// the device is there.
func (s *deviceStore) setPolicyUpdateError(customerID, deviceID string, err deviceError) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.byCustomerAndIDLocked(customerID, deviceID)
	if d == nil {
		return false
	}
	d.policyUpdateError = err
	return true
}

// setOOBEPolicy sets d's o_o_b_e policy to policyID, none when empty.
func (d *storedDevice) setOOBEPolicy(policyID string) {
	var value *string
	if policyID != "" {
		value = &policyID
	}
	for i := range d.Policies {
		if d.Policies[i].Key == PolicyCategoryOOBE {
			d.Policies[i].Value = value
			return
		}
	}
	d.Policies = append(d.Policies, DevicePolicy{Key: PolicyCategoryOOBE, Value: value})
}

// policyCounts maps the lower-case IDs of the policies assigned to devices
// of customerID to the number of those devices.
func (s *deviceStore) policyCounts(customerID string) map[string]int {
	customer := strings.ToLower(customerID)
	s.mu.Lock()
	defer s.mu.Unlock()
	counts := map[string]int{}
	for ref, devices := range s.batches {
		if ref.customer != customer {
			continue
		}
		for _, d := range devices {
			if id := d.OOBEPolicyID(); id != "" {
				counts[strings.ToLower(id)]++
			}
		}
	}
	return counts
}

// unassign sets the o_o_b_e policy of the devices of customerID whose
// policy policyID is to none.
func (s *deviceStore) unassign(customerID, policyID string) {
	customer := strings.ToLower(customerID)
	s.mu.Lock()
	defer s.mu.Unlock()
	for ref, devices := range s.batches {
		if ref.customer != customer {
			continue
		}
		for _, d := range devices {
			if strings.EqualFold(d.OOBEPolicyID(), policyID) {
				d.setOOBEPolicy("")
			}
		}
	}
}

// newDeviceID returns a device ID in the form Partner Center's samples
// show, 26 random digits in groups: 9993-8627-3608-6844-6369-4361-72.
func newDeviceID() string {
	var b strings.Builder
	for i := range 26 {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		digit, err := rand.Int(rand.Reader, big.NewInt(10))
		if err != nil {
			// crypto/rand never fails since Go 1.24.
			panic(err)
		}
		b.WriteByte("0123456789"[digit.Int64()])
	}
	return b.String()
}

// deviceResource is a device as Partner Center sends it.
type deviceResource struct {
	Device
	Links      resourceLinks `json:"links"`
	Attributes objectType    `json:"attributes"`
}

// newDeviceResource is d of batchID of customerID as Partner Center sends it.
func newDeviceResource(customerID, batchID string, d Device) deviceResource {
	return deviceResource{Device: d, Links: resourceLinks{Self: getLink(devicesURI(customerID, batchID) + "/" + d.ID)},
		Attributes: objectType{"Device"}}
}

// devicesURI is the path of a batch's devices as Partner Center's links
// write it: without the base URL and /v1, the batch's name unescaped, as in
// Microsoft's sample of the batch list ("deviceBatches/Test batch/devices").
func devicesURI(customerID, batchID string) string {
	return "/customers/" + customerID + "/deviceBatches/" + batchID + "/devices"
}

// listDevices answers GET /v1/customers/{cid}/deviceBatches/{bid}/devices
// (operation 5): the batch's devices, 100 a page, as Answers presents them
// (hardware hashes, decoded fields, a bare array).
func (e *Emulator) listDevices(c *call) answer {
	customerID := c.params[0]
	batch, ok := e.batches.find(customerID, c.params[1], c.answers.CaseSensitiveBatchNames)
	if !ok {
		return notFound()
	}
	return list(e, c, devicesURI(customerID, batch.id), e.devices.refs(newBatchRef(customerID, batch.id)), func(d *storedDevice) deviceResource {
		return newDeviceResource(customerID, batch.id, presentDevice(e.devices.cloneOf(d), c.answers))
	})
}

// updateDevice answers PUT
// /v1/customers/{cid}/deviceBatches/{bid}/devices/{did} (operation 6) with
// the device updated. Partner Center documents the operation for a
// device's policies: those are what it changes, to one of the customer's
// policies or none (null). Its identification cannot change (the
// documentation is silent; a device uploaded wrongly is deleted and
// uploaded again), so a body that changes it is refused with 400; it may
// repeat the fields decoded from the hardware hash that a device list
// answered with. The device answered is presented as a listed one is.
func (e *Emulator) updateDevice(c *call) answer {
	var update Device
	if a, ok := decodeBody(c, &update); !ok {
		return a
	}
	customerID, deviceID := c.params[0], c.params[2]
	batch, ok := e.batches.find(customerID, c.params[1], c.answers.CaseSensitiveBatchNames)
	if !ok {
		return notFound()
	}
	ref := newBatchRef(customerID, batch.id)
	defer e.lockPoliciesAndDevices()()
	d := e.devices.find(ref, deviceID)
	if d == nil {
		return notFound()
	}
	if problem := checkDeviceUpdate(d.Device, update); problem != "" {
		return invalidInput(problem)
	}
	policyIDs := make([]string, len(update.Policies))
	for i, p := range update.Policies {
		if p.Value == nil {
			continue
		}
		policy := e.policies.findLocked(customerID, *p.Value)
		if policy == nil {
			return invalidInput(fmt.Sprintf("The policy %s is not a configuration policy of this customer.", *p.Value))
		}
		policyIDs[i] = policy.ID
	}
	for _, policyID := range policyIDs {
		d.setOOBEPolicy(policyID)
	}
	return answer{status: http.StatusOK, body: mustMarshal(newDeviceResource(customerID, batch.id, presentDevice(d.clone(), c.answers)))}
}

// checkDeviceUpdate returns why update cannot apply to d, empty when it
// can: it may name d's ID and repeat its identification, as uploaded or as
// decoded from its hardware hash, and set policies of the o_o_b_e
// category.
func checkDeviceUpdate(d, update Device) string {
	if update.ID != "" && !strings.EqualFold(update.ID, d.ID) {
		return fmt.Sprintf("The device ID %q in the body is not the device %s of the path.", update.ID, d.ID)
	}
	decoded := withDecodedFields(d)
	for _, f := range []struct{ name, old, decoded, new string }{
		{"hardwareHash", d.HardwareHash, d.HardwareHash, update.HardwareHash},
		{"productKey", d.ProductKey, d.ProductKey, update.ProductKey},
		{"serialNumber", d.SerialNumber, decoded.SerialNumber, update.SerialNumber},
		{"oemManufacturerName", d.OemManufacturerName, decoded.OemManufacturerName, update.OemManufacturerName},
		{"modelName", d.ModelName, decoded.ModelName, update.ModelName},
	} {
		if f.new != "" && f.new != f.old && f.new != f.decoded {
			return fmt.Sprintf("The %s of device %s cannot change: delete the device and upload it again.", f.name, d.ID)
		}
	}
	return checkPolicyCategories(update.Policies)
}

// checkPolicyCategories returns why policies, those of a device in a
// request, are not all of the one category Partner Center knows, empty when
// they are: device updates and device policy updates refuse the others
// alike. The category is spelt as documented, in any case, or as the .NET
// SDK names it, OOBE.
func checkPolicyCategories(policies []DevicePolicy) string {
	for _, p := range policies {
		if !strings.EqualFold(p.Key, PolicyCategoryOOBE) && p.Key != pascalCase(PolicyCategoryOOBE) {
			return fmt.Sprintf("Unknown policy category %q: the only one is %s.", p.Key, PolicyCategoryOOBE)
		}
	}
	return ""
}

// deleteDevice answers DELETE
// /v1/customers/{cid}/deviceBatches/{bid}/devices/{did} (operation 7) with
// 204. The batch stays, one device fewer.
func (e *Emulator) deleteDevice(c *call) answer {
	customerID := c.params[0]
	batch, ok := e.batches.find(customerID, c.params[1], c.answers.CaseSensitiveBatchNames)
	if !ok || !e.devices.remove(newBatchRef(customerID, batch.id), c.params[2]) {
		return notFound()
	}
	return answer{status: http.StatusNoContent}
}

// Devices returns the devices of batchID of customerID as they were
// uploaded, hardware hashes included and nothing decoded from them, in the
// order they joined, after the jobs due have made their changes; nil when
// the batch does not exist. Batch IDs match as Answers says, as in every
// helper.
func (e *Emulator) Devices(customerID, batchID string) []Device {
	e.settle()
	batch, ok := e.batches.find(customerID, batchID, e.Answers().CaseSensitiveBatchNames)
	if !ok {
		return nil
	}
	return e.devices.list(newBatchRef(customerID, batch.id))
}

// DeleteDevice deletes a device of batchID of customerID, as operation 7
// does, behind any client's back.
func (e *Emulator) DeleteDevice(customerID, batchID, deviceID string) error {
	e.settle()
	batch, ok := e.batches.find(customerID, batchID, e.Answers().CaseSensitiveBatchNames)
	if !ok || !e.devices.remove(newBatchRef(customerID, batch.id), deviceID) {
		return fmt.Errorf("emulator: no device %s in batch %q of customer %s", deviceID, batchID, customerID)
	}
	return nil
}

// SetDevicePolicy sets the o_o_b_e policy of a device of batchID of
// customerID to policyID, or to none when policyID is empty, behind any
// client's back. It does not check that the policy exists.
func (e *Emulator) SetDevicePolicy(customerID, batchID, deviceID, policyID string) error {
	e.settle()
	batch, ok := e.batches.find(customerID, batchID, e.Answers().CaseSensitiveBatchNames)
	if !ok || !e.devices.setPolicy(newBatchRef(customerID, batch.id), deviceID, policyID) {
		return fmt.Errorf("emulator: no device %s in batch %q of customer %s", deviceID, batchID, customerID)
	}
	return nil
}

// AddDevices puts devices into batchID of customerID at once, as an upload
// whose devices all succeed would, creating the batch if needed, and
// returns their IDs in order. A device keeps an ID it has, else gets a new
// one. It adds none of them when one has no identification or an invalid
// hardware hash, or when its identification is another device's, of this
// upload or of any customer: adding a device to another customer makes
// its upload here fail with 808.
func (e *Emulator) AddDevices(customerID, batchID string, devices ...Device) ([]string, error) {
	p := e.settle()
	idents := make([]identification, len(devices))
	for i, d := range devices {
		ident, ok := identify(d)
		switch {
		case !ok:
			return nil, fmt.Errorf("emulator: device %d has no identification", i)
		case d.HardwareHash != "" && !validHardwareHash(d.HardwareHash):
			return nil, fmt.Errorf("emulator: device %d has a hardware hash that is not base64", i)
		}
		idents[i] = ident
	}
	// Checked before the batch is made and again once it is, under the
	// devices' lock: the batches' lock is never held with another.
	if err := e.devices.checkNew(devices, idents); err != nil {
		return nil, err
	}
	batch, _ := e.batches.ensure(customerID, batchID, e.Answers().CaseSensitiveBatchNames, UserPrincipalName, p.now)
	e.customers.add(customerID)
	ref := newBatchRef(customerID, batch.id)
	e.devices.mu.Lock()
	defer e.devices.mu.Unlock()
	if err := e.devices.checkNewLocked(devices, idents); err != nil {
		return nil, err
	}
	ids := make([]string, len(devices))
	for i, d := range devices {
		ids[i] = e.devices.insert(ref, idents[i], d, UserPrincipalName, p.now).ID
	}
	return ids, nil
}

// checkNew returns an error when one of devices, identified by idents,
// has the identification or the ID of another, stored or in devices.
func (s *deviceStore) checkNew(devices []Device, idents []identification) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.checkNewLocked(devices, idents)
}

// checkNewLocked is checkNew for a caller holding s.mu.
func (s *deviceStore) checkNewLocked(devices []Device, idents []identification) error {
	seen, seenIDs := map[identification]bool{}, map[string]bool{}
	for i, ident := range idents {
		if seen[ident] || s.registry[ident] != nil {
			return fmt.Errorf("emulator: device %d: a device with its %s exists already", i, ident.kind)
		}
		id := strings.ToLower(devices[i].ID)
		if id != "" && (seenIDs[id] || s.byID[id] != nil) {
			return fmt.Errorf("emulator: device %d: a device with ID %s exists already", i, devices[i].ID)
		}
		seen[ident], seenIDs[id] = true, true
	}
	return nil
}
