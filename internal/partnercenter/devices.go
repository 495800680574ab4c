package partnercenter

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"
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
		if p.Key == policyCategoryOOBE && p.Value != nil {
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
	keySerialNumber
)

// ErrNoIdentification is the error of a device Partner Center could not
// tell apart from others.
var ErrNoIdentification = errors.New("a device needs a hardware hash, a product key, or a serial number with its OEM manufacturer name and model name")

// ErrHardwareHashNotBase64 is the error of a device whose hardware hash is
// not base64, the form Partner Center takes it in.
var ErrHardwareHashNotBase64 = errors.New("the hardware hash is not base64")

// Keys returns the keys d can be identified by, strongest first: the first
// is its identification; the others let a device be found in a list whose
// entries lack the stronger fields. It fails when d has none, or a hardware
// hash that is not base64.
func (d Device) Keys() ([]DeviceKey, error) {
	var keys []DeviceKey
	if d.HardwareHash != "" {
		if _, err := base64.StdEncoding.DecodeString(d.HardwareHash); err != nil {
			return nil, ErrHardwareHashNotBase64
		}
		keys = append(keys, DeviceKey{keyHardwareHash, d.HardwareHash})
	}
	if d.ProductKey != "" {
		keys = append(keys, DeviceKey{keyProductKey, d.ProductKey})
	}
	if d.SerialNumber != "" && d.OEMManufacturerName != "" && d.ModelName != "" {
		// The three are case-sensitive; a NUL separates them unambiguously.
		keys = append(keys, DeviceKey{keySerialNumber, d.SerialNumber + "\x00" + d.OEMManufacturerName + "\x00" + d.ModelName})
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

// DeviceIndex finds devices by any of their keys.
type DeviceIndex struct {
	byKey map[DeviceKey]int
}

// NewDeviceIndex indexes devices by each of their keys; a device without a
// usable key is left out. When two devices share a key, the first keeps it.
func NewDeviceIndex(devices []Device) DeviceIndex {
	index := DeviceIndex{byKey: make(map[DeviceKey]int, len(devices))}
	for i, d := range devices {
		keys, _ := d.Keys()
		for _, k := range keys {
			if _, taken := index.byKey[k]; !taken {
				index.byKey[k] = i
			}
		}
	}
	return index
}

// Find returns the position of the indexed device that d is, trying d's
// keys strongest first, or false.
func (x DeviceIndex) Find(d Device) (int, bool) {
	keys, _ := d.Keys()
	for _, k := range keys {
		if i, ok := x.byKey[k]; ok {
			return i, true
		}
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

// AddDevices uploads devices into an existing batch (operation #2) and
// returns the batch job that processes them.
func (c *Client) AddDevices(ctx context.Context, customerID, batchID string, devices []Device) (*BatchJob, error) {
	return c.startJob(ctx, request{
		method: http.MethodPost,
		path:   devicesPath(customerID, batchID),
		body:   uploadWires(devices),
		what:   "the upload answer",
	})
}

// DeleteDevice deletes a device from its batch (operation #7). Partner
// Center documents 204 and, in its REST reference, 200.
func (c *Client) DeleteDevice(ctx context.Context, customerID, batchID, deviceID string) error {
	_, err := c.do(ctx, request{
		method:  http.MethodDelete,
		path:    devicesPath(customerID, batchID) + "/" + url.PathEscape(deviceID),
		success: []int{http.StatusNoContent, http.StatusOK},
		what:    "the device deletion answer",
	})
	return err
}

// devicesPath is the path of a batch's devices below the base URL.
func devicesPath(customerID, batchID string) string {
	return deviceBatchPath(customerID, batchID) + "/devices"
}
