package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// The devices argument of partnercenter_device_batch: a list of objects,
// each a device's identification and names, in no particular order. It is a
// list, not a set: the framework compares two sets of objects element by
// element against each other at every refresh, which for thousands of
// devices takes minutes (terraform-plugin-framework issues 1314 and 1322);
// the plan treats two lists that name the same devices in another order as
// the same. It is built and read by hand: the framework's reflection costs
// more than the rest of a plan for thousands of devices.

// deviceAttributeTypes is the element type of devices, in the order the
// docs list them.
var deviceAttributeTypes = map[string]attr.Type{
	"hardware_hash":         types.StringType,
	"serial_number":         types.StringType,
	"product_key":           types.StringType,
	"oem_manufacturer_name": types.StringType,
	"model_name":            types.StringType,
}

var deviceObjectType = types.ObjectType{AttrTypes: deviceAttributeTypes}

// configuredDevice is one element of devices: the device it names, and the
// element itself, so that a device read back keeps exactly what was written.
type configuredDevice struct {
	device partnercenter.Device
	value  attr.Value
}

// devicesOf reads the elements of a devices list. known is false when the
// list or one of its elements is not known yet (at plan time).
func devicesOf(list types.List) (devices []configuredDevice, known bool) {
	if list.IsNull() || list.IsUnknown() {
		return nil, !list.IsUnknown()
	}
	elements := list.Elements()
	devices = make([]configuredDevice, 0, len(elements))
	for _, element := range elements {
		object, ok := element.(types.Object)
		if !ok || object.IsUnknown() {
			return nil, false
		}
		fields := object.Attributes()
		str := func(name string) (string, bool) {
			v, ok := fields[name].(types.String)
			return v.ValueString(), !ok || !v.IsUnknown()
		}
		var d partnercenter.Device
		var k [5]bool
		d.HardwareHash, k[0] = str("hardware_hash")
		d.SerialNumber, k[1] = str("serial_number")
		d.ProductKey, k[2] = str("product_key")
		d.OEMManufacturerName, k[3] = str("oem_manufacturer_name")
		d.ModelName, k[4] = str("model_name")
		if !k[0] || !k[1] || !k[2] || !k[3] || !k[4] {
			return nil, false
		}
		devices = append(devices, configuredDevice{device: d, value: element})
	}
	return devices, true
}

// deviceValue is d as an element of devices, with what Partner Center did
// not send left null.
func deviceValue(d partnercenter.Device) attr.Value {
	return types.ObjectValueMust(deviceAttributeTypes, map[string]attr.Value{
		"hardware_hash":         nullableString(d.HardwareHash),
		"serial_number":         nullableString(d.SerialNumber),
		"product_key":           nullableString(d.ProductKey),
		"oem_manufacturer_name": nullableString(d.OEMManufacturerName),
		"model_name":            nullableString(d.ModelName),
	})
}

// devicesList is the devices argument of values.
func devicesList(values []attr.Value) types.List {
	return types.ListValueMust(deviceObjectType, values)
}

// plainDevices is the devices of configured, for the client.
func plainDevices(configured []configuredDevice) []partnercenter.Device {
	devices := make([]partnercenter.Device, len(configured))
	for i, c := range configured {
		devices[i] = c.device
	}
	return devices
}

// nameDevice names a device in a message: by its serial number, else its
// product key, else its hardware hash's start, else its position.
func nameDevice(d partnercenter.Device, position int) string {
	switch {
	case d.SerialNumber != "":
		return fmt.Sprintf("the device with serial number %q", d.SerialNumber)
	case d.ProductKey != "":
		return fmt.Sprintf("the device with product key %q", d.ProductKey)
	case d.HardwareHash != "":
		const shown = 16
		return fmt.Sprintf("the device with hardware hash %q", d.HardwareHash[:min(len(d.HardwareHash), shown)]+"…")
	}
	return fmt.Sprintf("device #%d of devices", position+1)
}

// validateDevices checks at plan time that every device can be identified
// and that no two are the same device, naming each device that is not.
func validateDevices(devices []configuredDevice) diag.Diagnostics {
	var diags diag.Diagnostics
	seen := make(map[partnercenter.DeviceKey]int, len(devices))
	for i, c := range devices {
		at := path.Root("devices").AtListIndex(i)
		key, err := c.device.Key()
		if err != nil {
			diags.AddAttributeError(at, "Device cannot be identified",
				fmt.Sprintf("In devices, %s: %s. Partner Center identifies a device by its hardware_hash, else its product_key, "+
					"else its serial_number together with oem_manufacturer_name and model_name.", nameDevice(c.device, i), describeIdentificationError(c.device)))
			continue
		}
		if j, ok := seen[key]; ok {
			diags.AddAttributeError(at, "Duplicate device",
				fmt.Sprintf("In devices, %s and %s are the same device: they have the same %s. List each device once.",
					nameDevice(devices[j].device, j), nameDevice(c.device, i), keyField(c.device)))
			continue
		}
		seen[key] = i
	}
	return diags
}

// describeIdentificationError says why a device cannot be identified.
func describeIdentificationError(d partnercenter.Device) string {
	if d.HardwareHash != "" {
		return "hardware_hash is not base64, the form Get-WindowsAutopilotInfo writes it in"
	}
	if d.SerialNumber != "" {
		var missing []string
		if d.OEMManufacturerName == "" {
			missing = append(missing, "oem_manufacturer_name")
		}
		if d.ModelName == "" {
			missing = append(missing, "model_name")
		}
		return "serial_number alone does not identify it; it also needs " + strings.Join(missing, " and ") + ", or a hardware_hash or product_key"
	}
	return "it has no hardware_hash, product_key or serial_number"
}

// keyField names the field a device is identified by.
func keyField(d partnercenter.Device) string {
	switch {
	case d.HardwareHash != "":
		return "hardware_hash"
	case d.ProductKey != "":
		return "product_key"
	}
	return "serial_number, oem_manufacturer_name and model_name"
}

// sameDevices reports whether config names the same devices as state, by
// identification, with every field config sets equal to state's: then the
// plan keeps state's devices, as the configuration means no change even
// when it gives fewer fields per device (as after an import).
func sameDevices(config, state []configuredDevice) bool {
	if len(config) != len(state) {
		return false
	}
	index := partnercenter.NewDeviceIndex(plainDevices(state))
	matched := make([]bool, len(state))
	for _, c := range config {
		i, ok := index.Find(c.device)
		if !ok || matched[i] || !fieldsAgree(c.device, state[i].device) {
			return false
		}
		matched[i] = true
	}
	return true
}

// fieldsAgree reports whether every field set in config has the same value
// in state.
func fieldsAgree(config, state partnercenter.Device) bool {
	agree := func(c, s string) bool { return c == "" || c == s }
	return agree(config.HardwareHash, state.HardwareHash) && agree(config.SerialNumber, state.SerialNumber) &&
		agree(config.ProductKey, state.ProductKey) && agree(config.OEMManufacturerName, state.OEMManufacturerName) &&
		agree(config.ModelName, state.ModelName)
}

// missingFrom returns the devices of these that others does not hold, by
// identification.
func missingFrom(these []configuredDevice, others []partnercenter.Device) []configuredDevice {
	index := partnercenter.NewDeviceIndex(others)
	var missing []configuredDevice
	for _, c := range these {
		if _, ok := index.Find(c.device); !ok {
			missing = append(missing, c)
		}
	}
	return missing
}

// reconcileDevices is the devices a refresh finds: each device of prior
// that Partner Center still holds, as written in prior, then each device
// Partner Center holds that prior does not name, with the fields Partner
// Center sent. A device of prior that Partner Center no longer holds drops
// out, so the next plan uploads it again; one it holds that the
// configuration does not name shows as one to remove.
func reconcileDevices(prior []configuredDevice, held []partnercenter.Device) types.List {
	index := partnercenter.NewDeviceIndex(held)
	claimed := make([]bool, len(held))
	values := make([]attr.Value, 0, len(held))
	for _, c := range prior {
		if i, ok := index.Find(c.device); ok && !claimed[i] {
			claimed[i] = true
			values = append(values, c.value)
		}
	}
	for i, d := range held {
		if !claimed[i] {
			values = append(values, deviceValue(d))
		}
	}
	return devicesList(values)
}

// devicesToDelete returns the IDs of the devices Partner Center holds that
// are among remove, by identification.
func devicesToDelete(remove []configuredDevice, held []partnercenter.Device) []string {
	index := partnercenter.NewDeviceIndex(held)
	ids := make([]string, 0, len(remove))
	for _, c := range remove {
		if i, ok := index.Find(c.device); ok && held[i].ID != "" {
			ids = append(ids, held[i].ID)
		}
	}
	return ids
}
