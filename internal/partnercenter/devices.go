package partnercenter

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode"
)

// Device is a Windows Autopilot device of a batch: what an upload sends (its
// identification and names) and what Partner Center holds of it.
type Device struct {
	// ID is Partner Center's ID of the device, a string that is not always
	// a GUID; empty in an upload.
	ID           string
	SerialNumber string
	ProductKey   string
	// HardwareHash is the device's hardware hash in base64, about 4 KB.
	HardwareHash        string
	OEMManufacturerName string
	ModelName           string
	// OOBEPolicyID is the ID of the device's Autopilot profile (its o_o_b_e
	// policy); empty when it has none.
	OOBEPolicyID string
	// UploadedDate is in UTC; the zero time when not set.
	UploadedDate      time.Time
	UploadedBy        string
	AllowedOperations []string
}

// policyCategoryOOBE keys a device's Autopilot profile among its policies.
const policyCategoryOOBE = "o_o_b_e"

// deviceWire is a Device as Partner Center's JSON writes it.
type deviceWire struct {
	ID                  string       `json:"id,omitempty"`
	SerialNumber        string       `json:"serialNumber,omitempty"`
	ProductKey          string       `json:"productKey,omitempty"`
	HardwareHash        string       `json:"hardwareHash,omitempty"`
	OEMManufacturerName string       `json:"oemManufacturerName,omitempty"`
	ModelName           string       `json:"modelName,omitempty"`
	Policies            []policyPair `json:"policies,omitempty"`
	UploadedDate        *dateTime    `json:"uploadedDate,omitempty"`
	UploadedBy          string       `json:"uploadedBy,omitempty"`
	AllowedOperations   []string     `json:"allowedOperations,omitempty"`
}

// policyPair is one of a device's policies: a category and the policy's ID,
// null for none.
type policyPair struct {
	Key   string  `json:"key"`
	Value *string `json:"value"`
}

// UnmarshalJSON decodes Partner Center's Device.
func (d *Device) UnmarshalJSON(data []byte) error {
	var wire deviceWire
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	*d = wire.device()
	return nil
}

// device is w as a Device.
func (w *deviceWire) device() Device {
	d := Device{
		ID: w.ID, SerialNumber: w.SerialNumber, ProductKey: w.ProductKey, HardwareHash: w.HardwareHash,
		OEMManufacturerName: w.OEMManufacturerName, ModelName: w.ModelName,
		UploadedBy: w.UploadedBy, AllowedOperations: w.AllowedOperations,
	}
	if w.UploadedDate != nil {
		d.UploadedDate = time.Time(*w.UploadedDate)
	}
	for _, p := range w.Policies {
		if canonicalEnum(p.Key, policyCategories) == policyCategoryOOBE && p.Value != nil {
			d.OOBEPolicyID = *p.Value
		}
	}
	return d
}

// uploadWire is the part of a Device an upload sends: its identification
// and names, nothing Partner Center sets.
func (d Device) uploadWire() deviceWire {
	return deviceWire{SerialNumber: d.SerialNumber, ProductKey: d.ProductKey, HardwareHash: d.HardwareHash,
		OEMManufacturerName: d.OEMManufacturerName, ModelName: d.ModelName}
}

// uploadWires is devices as an upload sends them.
func uploadWires(devices []Device) []deviceWire {
	wires := make([]deviceWire, len(devices))
	for i, d := range devices {
		wires[i] = d.uploadWire()
	}
	return wires
}

// DeviceKey identifies a device as Partner Center does: by its hardware
// hash, else its product key, else its serial number together with its OEM
// manufacturer and model name. Two devices with the same key are the same
// device. The zero key identifies nothing.
type DeviceKey struct {
	kind  deviceKeyKind
	value string
}

type deviceKeyKind int

const (
	keyNone deviceKeyKind = iota
	keyHardwareHash
	keyProductKey
	keySerialTuple
	// keySerialNumber is the serial number alone, which identifies no
	// device in an upload but finds one in a batch whose list lacks the
	// other fields, as Partner Center's device list may (see Match).
	keySerialNumber
)

// ErrNoIdentification is the error of a device Partner Center could not
// tell apart from others.
var ErrNoIdentification = errors.New("a device needs a hardware hash, a product key, or a serial number with its OEM manufacturer name and model name")

// ErrHardwareHashNotBase64 is the error of a device whose hardware hash is
// not base64, the form Partner Center takes it in.
var ErrHardwareHashNotBase64 = errors.New("the hardware hash is not base64")

// ErrHardwareHashWhiteSpace is the error of a device whose hardware hash
// holds white space, such as a line break copied from a wrapped file:
// base64 decoders skip line breaks, but Partner Center would take them as
// part of the hash.
var ErrHardwareHashWhiteSpace = errors.New("the hardware hash holds white space or a line break")

// CheckHardwareHash says why hash is not a hardware hash as Partner Center
// takes it: standard base64 with padding, nothing else. It does not decode:
// a plan checks thousands of 4 KB hashes.
func CheckHardwareHash(hash string) error {
	if strings.ContainsFunc(hash, unicode.IsSpace) {
		return ErrHardwareHashWhiteSpace
	}
	padding := len(hash) - len(strings.TrimRight(hash, "="))
	if len(hash)%4 != 0 || padding > 2 {
		return ErrHardwareHashNotBase64
	}
	for i := range len(hash) - padding {
		if !base64Alphabet[hash[i]] {
			return ErrHardwareHashNotBase64
		}
	}
	return nil
}

// base64Alphabet marks the bytes of standard base64, padding aside.
var base64Alphabet = func() (in [256]bool) {
	for _, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") {
		in[c] = true
	}
	return in
}()

// Keys returns the keys d can be identified by, strongest first: the first
// is its identification; the others let a device be found in a list whose
// entries lack the stronger fields. It fails when d has none, or a hardware
// hash that CheckHardwareHash refuses.
func (d Device) Keys() ([]DeviceKey, error) {
	var keys []DeviceKey
	if d.HardwareHash != "" {
		if err := CheckHardwareHash(d.HardwareHash); err != nil {
			return nil, err
		}
		keys = append(keys, DeviceKey{keyHardwareHash, d.HardwareHash})
	}
	if d.ProductKey != "" {
		keys = append(keys, DeviceKey{keyProductKey, d.ProductKey})
	}
	if d.SerialNumber != "" && d.OEMManufacturerName != "" && d.ModelName != "" {
		keys = append(keys, DeviceKey{keySerialTuple, serialTuple(d)})
	}
	if len(keys) == 0 {
		return nil, ErrNoIdentification
	}
	return keys, nil
}

// Key returns d's identification, the first of Keys.
func (d Device) Key() (DeviceKey, error) {
	keys, err := d.Keys()
	if err != nil {
		return DeviceKey{}, err
	}
	return keys[0], nil
}

// matchKeys are the keys d is found by in a list: those of Keys, the hash
// unchecked (an index of thousands of devices need not read every hash),
// then its serial number alone.
func (d Device) matchKeys() []DeviceKey {
	keys := make([]DeviceKey, 0, 4)
	if d.HardwareHash != "" {
		keys = append(keys, DeviceKey{keyHardwareHash, d.HardwareHash})
	}
	if d.ProductKey != "" {
		keys = append(keys, DeviceKey{keyProductKey, d.ProductKey})
	}
	if d.SerialNumber != "" && d.OEMManufacturerName != "" && d.ModelName != "" {
		keys = append(keys, DeviceKey{keySerialTuple, serialTuple(d)})
	}
	if d.SerialNumber != "" {
		keys = append(keys, DeviceKey{keySerialNumber, d.SerialNumber})
	}
	return keys
}

// serialTuple is the serial number, manufacturer and model of d as one key
// value. The three are case-sensitive; a NUL separates them unambiguously.
func serialTuple(d Device) string {
	return d.SerialNumber + "\x00" + d.OEMManufacturerName + "\x00" + d.ModelName
}

// Match reports whether a and b are the same device of one batch, the one
// as a configuration or a state describes it, the other as Partner Center
// lists it: they share a hardware hash, a product key or a serial number,
// and nothing contradicts it (Contradicts). A serial number shared with
// nothing else counts because Partner Center's device list may leave out
// the hash (Microsoft's only sample of it has none) and may add a
// manufacturer and model decoded from the hash; but placeholders such as
// "Default string" make one serial number the serial number of several
// devices, so where more than one device of a batch matches, nothing tells
// which is meant (DeviceIndex.Candidates).
func Match(a, b Device) bool {
	return Shares(a, b) && !Contradicts(a, b)
}

// Shares reports whether a and b share a hardware hash, a product key or a
// serial number.
func Shares(a, b Device) bool {
	shared := func(x, y string) bool { return x != "" && x == y }
	return shared(a.HardwareHash, b.HardwareHash) || shared(a.ProductKey, b.ProductKey) || shared(a.SerialNumber, b.SerialNumber)
}

// Rewrites reports whether b may be a, an entry of a configuration, written
// again under the same key: they share a hardware hash, a product key or a
// serial number, and nothing but the hash contradicts it, as a hash taken
// again from the same device differs. It compares a configuration with its
// state, never with what Partner Center holds (Match).
func Rewrites(a, b Device) bool {
	return Shares(a, b) && !contradicts(a, b, false)
}

// Contradicts reports whether a and b cannot be the same device: a hardware
// hash, a product key or a serial number that both carry and that differ;
// or, unless they share a hash or a product key (Partner Center's own
// identification), an OEM manufacturer name or a model name that both carry
// and that differ. Names are compared trimmed and case-insensitively,
// nothing looser: Partner Center may spell a name decoded from the hash its
// own way (such as "Microsoft Corporation" for "Microsoft"), and a device
// it lists so, without its hash, is then not found by its serial number.
func Contradicts(a, b Device) bool {
	return contradicts(a, b, true)
}

// contradicts is Contradicts, a differing hardware hash counting only when
// hashes is set.
func contradicts(a, b Device, hashes bool) bool {
	differ := func(x, y string) bool { return x != "" && y != "" && x != y }
	if differ(a.SerialNumber, b.SerialNumber) || differ(a.ProductKey, b.ProductKey) || hashes && differ(a.HardwareHash, b.HardwareHash) {
		return true
	}
	if a.HardwareHash != "" && a.HardwareHash == b.HardwareHash || a.ProductKey != "" && a.ProductKey == b.ProductKey {
		return false
	}
	differName := func(x, y string) bool {
		x, y = strings.TrimSpace(x), strings.TrimSpace(y)
		return x != "" && y != "" && !strings.EqualFold(x, y)
	}
	return differName(a.OEMManufacturerName, b.OEMManufacturerName) || differName(a.ModelName, b.ModelName)
}

// DeviceIndex finds devices by any of their keys, as Match compares them.
// Several devices may share a key, such as a placeholder serial number.
type DeviceIndex struct {
	devices []Device
	// first is the position of the first device of each key; more holds
	// the positions of the others, in order, for the keys shared.
	first map[DeviceKey]int
	more  map[DeviceKey][]int
}

// NewDeviceIndex indexes devices by each of their keys; a device without a
// usable key is left out.
func NewDeviceIndex(devices []Device) DeviceIndex {
	index := DeviceIndex{devices: devices, first: make(map[DeviceKey]int, len(devices)), more: map[DeviceKey][]int{}}
	for i, d := range devices {
		for _, k := range d.matchKeys() {
			if _, taken := index.first[k]; taken {
				index.more[k] = append(index.more[k], i)
			} else {
				index.first[k] = i
			}
		}
	}
	return index
}

// FindOther returns the position of an indexed device before the one at
// self that shares a key with d, which is the device at self: of two
// devices that share a key, the later one finds the earlier. It compares
// entries of one configuration or file, where a shared serial number is a
// device listed twice.
func (x DeviceIndex) FindOther(d Device, self int) (int, bool) {
	for _, k := range d.matchKeys() {
		if i, ok := x.first[k]; ok && i < self {
			return i, true
		}
	}
	return 0, false
}

// Candidates returns the positions of the indexed devices that d may be:
// at the strongest of d's keys that finds a device d does not contradict,
// every such device. One is the device d is; several are devices nothing
// tells apart, none of which may be taken for d.
func (x DeviceIndex) Candidates(d Device) []int {
	for _, k := range d.matchKeys() {
		first, ok := x.first[k]
		if !ok {
			continue
		}
		var found []int
		for _, i := range append([]int{first}, x.more[k]...) {
			if !Contradicts(d, x.devices[i]) {
				found = append(found, i)
			}
		}
		if len(found) > 0 {
			return found
		}
	}
	return nil
}

// Find returns the position of the indexed device that d is (Match), or
// false when there is none, or more than one that nothing tells apart.
func (x DeviceIndex) Find(d Device) (int, bool) {
	if found := x.Candidates(d); len(found) == 1 {
		return found[0], true
	}
	return 0, false
}

// ListDevices reads every device of a batch (operation #5), following
// Partner Center's pages of 100.
func (c *Client) ListDevices(ctx context.Context, customerID, batchID string) ([]Device, error) {
	// Decoded into the wire form: Device's own UnmarshalJSON would have
	// encoding/json scan each of thousands of devices twice more.
	wires, err := listAll[deviceWire](ctx, c, devicesPath(customerID, batchID), "the device list")
	if err != nil {
		return nil, err
	}
	devices := make([]Device, len(wires))
	for i := range wires {
		devices[i] = wires[i].device()
	}
	return devices, nil
}

// Upload is one request of UploadDevices: its devices, in the order sent,
// and the batch job that processes them.
type Upload struct {
	Devices []Device
	Job     *BatchJob
}

// UploadDevices uploads devices into the batch batchID of a customer, in
// parts in their order (sendInParts: at most the client's part size each,
// smaller after a part refused as too large), and returns each part taken
// with its devices and batch job. With create, the first part taken
// creates the batch (operation #1), which only an app+user sign-in may,
// and the others are added to it (operation #2); else every part is added.
// It stops at the first part that fails, returning the parts taken before
// it with the error: their jobs go on in Partner Center.
func (c *Client) UploadDevices(ctx context.Context, customerID, batchID string, devices []Device, create bool) ([]Upload, error) {
	return sendInParts(ctx, c, devices, func(part []Device, first bool) (Upload, error) {
		r := request{
			method: http.MethodPost,
			path:   devicesPath(customerID, batchID),
			body:   uploadWires(part),
			what:   "the upload answer",
		}
		if create && first {
			r.path = deviceBatchesPath(customerID)
			r.body = struct {
				BatchID string       `json:"batchId"`
				Devices []deviceWire `json:"devices"`
			}{batchID, uploadWires(part)}
			r.what = "the batch creation answer"
		}
		job, err := c.startJob(ctx, r)
		if err != nil {
			return Upload{}, err
		}
		return Upload{Devices: part, Job: job}, nil
	})
}

// DeleteDevice deletes a device from its batch (operation #7). Partner
// Center documents 204 and, in its REST reference, 200.
func (c *Client) DeleteDevice(ctx context.Context, customerID, batchID, deviceID string) error {
	_, err := c.do(ctx, request{
		method:  http.MethodDelete,
		path:    devicePath(customerID, batchID, deviceID),
		success: []int{http.StatusNoContent, http.StatusOK},
		what:    "the device deletion answer",
	})
	return err
}
