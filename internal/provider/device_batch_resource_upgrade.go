package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// UpgradeState implements resource.ResourceWithUpgradeState. Version 0 held
// devices as a list; version 1 holds them as a map, keyed as
// autopilot_devices() keys them (see upgradeDevicesToMap), with their IDs
// in device_ids, so that a configuration moved to the map form plans no
// change.
func (r *deviceBatchResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{0: {StateUpgrader: upgradeDeviceBatchV0}}
}

// deviceEntry is an element of devices as a state's JSON writes it: every
// attribute, null when not set.
type deviceEntry struct {
	HardwareHash        *string `json:"hardware_hash"`
	SerialNumber        *string `json:"serial_number"`
	ProductKey          *string `json:"product_key"`
	OEMManufacturerName *string `json:"oem_manufacturer_name"`
	ModelName           *string `json:"model_name"`
}

// deviceV0 is an element of devices, or of uploaded_devices, in a version 0
// state.
type deviceV0 struct {
	deviceEntry
	ID *string `json:"id"`
}

func (d deviceV0) device() partnercenter.Device {
	return partnercenter.Device{ID: stringOf(d.ID), HardwareHash: stringOf(d.HardwareHash), SerialNumber: stringOf(d.SerialNumber),
		ProductKey: stringOf(d.ProductKey), OEMManufacturerName: stringOf(d.OEMManufacturerName), ModelName: stringOf(d.ModelName)}
}

// deviceStatusV0 is an element of last_upload.devices_status in a version 0
// state: the result of a device of the last upload.
type deviceStatusV0 struct {
	DeviceID     *string `json:"device_id"`
	SerialNumber *string `json:"serial_number"`
	ProductKey   *string `json:"product_key"`
	Status       *string `json:"status"`
	ErrorCode    *string `json:"error_code"`
}

func (d deviceStatusV0) details() partnercenter.DeviceUploadDetails {
	return partnercenter.DeviceUploadDetails{DeviceID: stringOf(d.DeviceID), SerialNumber: stringOf(d.SerialNumber),
		ProductKey: stringOf(d.ProductKey), Status: partnercenter.UploadStatus(stringOf(d.Status)), ErrorCode: stringOf(d.ErrorCode)}
}

// stringOf is the string a state's JSON holds at p, empty for null.
func stringOf(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// upgradeDeviceBatchV0 rewrites a version 0 state's JSON: the devices list
// becomes a map, device_ids takes the place of uploaded_devices, and
// last_upload gains locations.
// Working on the JSON spares keeping the version 0 schema in the code.
func upgradeDeviceBatchV0(_ context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
	if req.RawState == nil || req.RawState.JSON == nil {
		resp.Diagnostics.AddError("Unable to upgrade the state", "The version 0 state of partnercenter_device_batch has no JSON to upgrade.")
		return
	}
	upgraded, err := upgradeDevicesToMap(req.RawState.JSON)
	if err != nil {
		resp.Diagnostics.AddError("Unable to upgrade the state",
			"The version 0 state of partnercenter_device_batch could not be read: "+err.Error()+". Remove it from the state "+
				"(terraform state rm) and import the batch again.")
		return
	}
	resp.DynamicValue = &tfprotov6.DynamicValue{JSON: upgraded}
}

// upgradeDevicesToMap is upgradeDeviceBatchV0 on the state's JSON. Each
// device is linked to the device of uploaded_devices it matches
// (partnercenter.Match); those left as an upload links its devices
// (linkUpload, linkNewcomer): by the results of last_upload, which version 0
// made in one request in the order of the list, then, when one device and
// one device of uploaded_devices are left, to each other. Matches go first:
// last_upload may be older than the list, and a device the list names by
// the same serial number, product key or hash is that device. A device
// configured by its hardware hash alone has nothing in common with a device
// list that carries no hashes: without the results and what is left, the
// first apply would delete it and upload it again, without its profile.
// Each device is keyed by its serial number, else its product key, else
// the ID it is linked to, as a refresh keys a device no entry names
// (heldKey); that ID is its entry of device_ids.
func upgradeDevicesToMap(state []byte) ([]byte, error) {
	var attributes map[string]json.RawMessage
	if err := json.Unmarshal(state, &attributes); err != nil {
		return nil, err
	}
	var devices, uploaded []deviceV0
	if err := unmarshalIfSet(attributes["devices"], &devices); err != nil {
		return nil, fmt.Errorf("devices: %w", err)
	}
	if err := unmarshalIfSet(attributes["uploaded_devices"], &uploaded); err != nil {
		return nil, fmt.Errorf("uploaded_devices: %w", err)
	}
	var lastUpload struct {
		DevicesStatus []deviceStatusV0 `json:"devices_status"`
	}
	if err := unmarshalIfSet(attributes["last_upload"], &lastUpload); err != nil {
		return nil, fmt.Errorf("last_upload: %w", err)
	}
	held := make([]partnercenter.Device, len(uploaded))
	for i, d := range uploaded {
		held[i] = d.device()
	}
	results := &partnercenter.BatchUploadDetails{DevicesStatus: make([]partnercenter.DeviceUploadDetails, len(lastUpload.DevicesStatus))}
	for i, d := range lastUpload.DevicesStatus {
		results.DevicesStatus[i] = d.details()
	}
	// Each device is known by its place in the list until it has its key.
	entries := make([]configuredDevice, len(devices))
	for i, d := range devices {
		entries[i] = configuredDevice{key: strconv.Itoa(i), device: d.device()}
	}
	h := newHeldDevices(held)
	linked := make(map[string]string, len(entries))
	for _, e := range entries {
		if id, ok := h.claimMatch(e); ok {
			linked[e.key] = id
		}
	}
	keys := linkUpload(entries, results.DevicesStatus, h, linked)
	linkNewcomer(entries, keys, results, h, nil, linked)
	byKey := make(map[string]deviceEntry, len(devices))
	ids := make(map[string]string, len(devices))
	taken := make(map[string]bool, len(devices))
	for i, e := range entries {
		device := e.device
		id, ok := linked[e.key]
		device.ID = id
		key := heldKey(device, taken)
		taken[key] = true
		byKey[key] = devices[i].deviceEntry
		if ok {
			ids[key] = id
		}
	}
	var err error
	if attributes["devices"], err = json.Marshal(byKey); err != nil {
		return nil, err
	}
	if attributes["device_ids"], err = json.Marshal(ids); err != nil {
		return nil, err
	}
	delete(attributes, "uploaded_devices")
	if attributes["last_upload"], err = upgradeLastUpload(attributes["last_upload"]); err != nil {
		return nil, fmt.Errorf("last_upload: %w", err)
	}
	return json.Marshal(attributes)
}

// upgradeLastUpload adds locations to a version 0 last_upload: the one
// location of the one request version 0 made.
func upgradeLastUpload(raw json.RawMessage) (json.RawMessage, error) {
	var lastUpload map[string]json.RawMessage
	if err := unmarshalIfSet(raw, &lastUpload); err != nil || lastUpload == nil {
		return json.RawMessage("null"), err
	}
	var location *string
	if err := unmarshalIfSet(lastUpload["location"], &location); err != nil {
		return nil, err
	}
	locations := []string{}
	if location != nil {
		locations = append(locations, *location)
	}
	var err error
	if lastUpload["locations"], err = json.Marshal(locations); err != nil {
		return nil, err
	}
	return json.Marshal(lastUpload)
}

// unmarshalIfSet decodes raw into v unless it is missing or null.
func unmarshalIfSet(raw json.RawMessage, v any) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return json.Unmarshal(raw, v)
}
