package provider

import (
	"maps"
	"slices"
	"testing"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// TestReconcileNeverTakesAnotherDeviceOfTheSameSerial: an entry whose ID is
// gone drops out, even when the batch holds a device of its serial number,
// which shows under a key of its own; an entry without an ID is linked to
// the one device it matches, and one that could be several devices keeps
// no ID, those devices neither linked nor shown.
func TestReconcileNeverTakesAnotherDeviceOfTheSameSerial(t *testing.T) {
	prior := []configuredDevice{
		{key: "Default string", device: partnercenter.Device{HardwareHash: hardwareHash("X"), SerialNumber: "Default string",
			OEMManufacturerName: "Contoso", ModelName: "Laptop 7"}},
		{key: "kept", device: partnercenter.Device{HardwareHash: hardwareHash("K"), SerialNumber: "SN-K"}},
		{key: "unknown", device: partnercenter.Device{HardwareHash: hardwareHash("U"), SerialNumber: "SN-U"}},
		{key: "oem", device: partnercenter.Device{HardwareHash: hardwareHash("O"), SerialNumber: "To be filled by O.E.M."}},
	}
	ids := map[string]string{"Default string": "d-gone", "kept": "d-k"}
	held := []partnercenter.Device{
		{ID: "d-k", SerialNumber: "SN-K"},
		{ID: "d-y", SerialNumber: "Default string", OEMManufacturerName: "Contoso", ModelName: "Desktop 3"},
		{ID: "d-u", SerialNumber: "SN-U"},
		{ID: "d-o1", SerialNumber: "To be filled by O.E.M."},
		{ID: "d-o2", SerialNumber: "To be filled by O.E.M."},
	}
	entries, linked, h := reconcile(prior, ids, held)
	keys := make([]string, len(entries))
	for i, e := range entries {
		keys[i] = e.key
	}
	slices.Sort(keys)
	if want := []string{"kept", "oem", "sn-Default_string", "unknown"}; !slices.Equal(keys, want) {
		t.Errorf("entries %v, want %v", keys, want)
	}
	if want := map[string]string{"kept": "d-k", "unknown": "d-u", "sn-Default_string": "d-y"}; !maps.Equal(linked, want) {
		t.Errorf("linked %v, want %v", linked, want)
	}
	if len(h.ambiguous) != 1 || h.ambiguous[0].entry.key != "oem" || len(h.ambiguous[0].held) != 2 ||
		h.ambiguous[0].held[0].ID != "d-o1" || h.ambiguous[0].held[1].ID != "d-o2" {
		t.Errorf("ambiguous %+v, want oem, which could be d-o1 or d-o2", h.ambiguous)
	}
	if got := h.ambiguity("Batch"); got != `Partner Center's batch "Batch" holds devices that nothing tells apart, by what it lists of them, `+
		"from a device of devices:\n\n"+
		`  - devices["oem"] could be the device with serial number "To be filled by O.E.M." (ID d-o1) or the device with serial number `+
		`"To be filled by O.E.M." (ID d-o2)`+"\n\n"+
		`Such a serial number is often a placeholder of the firmware, such as "Default string". Give each of these entries the device's `+
		"hardware_hash, product_key, or oem_manufacturer_name and model_name as Partner Center lists them, or delete the devices that are "+
		"not yours in Partner Center." {
		t.Errorf("ambiguity:\n%s", got)
	}
}

// TestLinkGoesByAKnownID: deletion and destroy link an entry whose ID is
// known by that ID only, never to another device of the same serial
// number; an entry without an ID that could be several devices is linked
// to none.
func TestLinkGoesByAKnownID(t *testing.T) {
	configured := configuredDevice{key: "Default string", device: partnercenter.Device{HardwareHash: hardwareHash("X"), SerialNumber: "Default string"}}
	other := partnercenter.Device{ID: "d-y", SerialNumber: "Default string"}
	if id, ok := newHeldDevices([]partnercenter.Device{other}).link(configured, "d-gone", true); ok {
		t.Errorf("linked to %s, another client's device of the same serial number", id)
	}
	if id, ok := newHeldDevices([]partnercenter.Device{other}).link(configured, "", false); !ok || id != "d-y" {
		t.Errorf("without an ID: %q, %v; want the one device of its serial number, d-y", id, ok)
	}
	h := newHeldDevices([]partnercenter.Device{other, {ID: "d-z", SerialNumber: "Default string"}})
	if id, ok := h.link(configured, "", false); ok || !h.ambiguousAbout("Default string") || len(h.unclaimed()) != 0 {
		t.Errorf("two devices of its serial number: linked to %q, %v, ambiguity recorded %v, unclaimed %v; want none, recorded, none shown",
			id, ok, h.ambiguousAbout("Default string"), h.unclaimed())
	}
}
