package provider

import (
	"maps"
	"testing"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// TestLinkUpload links the devices of an upload to the IDs of their
// results: by serial number or product key, by place when the results
// name neither, never to an ID whose device contradicts the entry, and by
// what they hold where the results give no ID.
func TestLinkUpload(t *testing.T) {
	hashOnly := partnercenter.Device{HardwareHash: "aGFzaCAx"}
	uploaded := []configuredDevice{
		{key: "SN-1", device: partnercenter.Device{HardwareHash: "aGFzaCAy", SerialNumber: "SN-1"}},
		{key: "laptop", device: hashOnly},
		{key: "PK-3", device: partnercenter.Device{ProductKey: "PK-3"}},
		{key: "SN-4", device: partnercenter.Device{HardwareHash: "aGFzaCA0", SerialNumber: "SN-4"}},
	}
	held := []partnercenter.Device{
		{ID: "d-1", SerialNumber: "SN-1"},
		{ID: "d-2", SerialNumber: "EMU123"},   // the hash-only device, its serial decoded
		{ID: "d-3", ProductKey: "PK-3"},       // no ID in its result: found by what it holds
		{ID: "d-4", SerialNumber: "SN-4"},     // its result names d-9, which is not it
		{ID: "d-9", SerialNumber: "SN-OTHER"}, // a device of another upload
	}
	results := []partnercenter.DeviceUploadDetails{
		{DeviceID: "d-1", SerialNumber: "SN-1", Status: partnercenter.StatusFinished},
		{DeviceID: "d-2", Status: partnercenter.StatusFinished},
		{ProductKey: "PK-3", Status: partnercenter.StatusFinished},
		{DeviceID: "d-9", SerialNumber: "SN-4", Status: partnercenter.StatusFinished},
	}
	linked := map[string]string{}
	keys := linkUpload(uploaded, results, newHeldDevices(held), linked)
	if want := map[string]string{"SN-1": "d-1", "laptop": "d-2", "PK-3": "d-3", "SN-4": "d-4"}; !maps.Equal(linked, want) {
		t.Errorf("linked %v, want %v", linked, want)
	}
	if want := []string{"SN-1", "laptop", "PK-3", "SN-4"}; len(keys) != 4 || keys[0] != want[0] || keys[1] != want[1] || keys[2] != want[2] || keys[3] != want[3] {
		t.Errorf("keys of the results %v, want %v", keys, want)
	}
}

// TestLinkNewcomer links the one device nothing else linked to the one
// device the batch gained, and nothing when there are more of either or
// they contradict each other.
func TestLinkNewcomer(t *testing.T) {
	before := []partnercenter.Device{{ID: "d-1"}}
	finished := &partnercenter.BatchUploadDetails{Status: partnercenter.StatusFinished}
	one := []configuredDevice{{key: "laptop", device: partnercenter.Device{HardwareHash: "aGFzaCAx"}}}
	linked := map[string]string{}
	linkNewcomer(one, nil, finished, newHeldDevices([]partnercenter.Device{{ID: "d-1"}, {ID: "d-2"}}), before, linked)
	if linked["laptop"] != "d-2" {
		t.Errorf("linked %v, want laptop to d-2", linked)
	}
	two := append(one, configuredDevice{key: "desktop", device: partnercenter.Device{HardwareHash: "aGFzaCAy"}})
	linked = map[string]string{}
	linkNewcomer(two, nil, finished, newHeldDevices([]partnercenter.Device{{ID: "d-1"}, {ID: "d-2"}, {ID: "d-3"}}), before, linked)
	if len(linked) != 0 {
		t.Errorf("linked %v of two devices to two newcomers, which nothing tells apart", linked)
	}
	// One device unlinked, and two the batch gained: either may be it.
	linked = map[string]string{}
	linkNewcomer(one, nil, finished, newHeldDevices([]partnercenter.Device{{ID: "d-1"}, {ID: "d-2"}, {ID: "d-3"}}), before, linked)
	if len(linked) != 0 {
		t.Errorf("linked %v of one device to one of two newcomers, which nothing tells apart", linked)
	}
	// Two devices unlinked, and one the batch gained: it may be either.
	linked = map[string]string{}
	linkNewcomer(two, nil, finished, newHeldDevices([]partnercenter.Device{{ID: "d-1"}, {ID: "d-2"}}), before, linked)
	if len(linked) != 0 {
		t.Errorf("linked %v of one of two devices to the one newcomer, which nothing tells apart", linked)
	}
	// Another client's device uploaded meanwhile, which contradicts it.
	serial := []configuredDevice{{key: "SN-1", device: partnercenter.Device{HardwareHash: "aGFzaCAx", SerialNumber: "SN-1"}}}
	linked = map[string]string{}
	linkNewcomer(serial, nil, finished, newHeldDevices([]partnercenter.Device{{ID: "d-1"}, {ID: "d-2", SerialNumber: "Default string"}}), before, linked)
	if len(linked) != 0 {
		t.Errorf("linked %v to a device of another serial number", linked)
	}
	// A device whose result failed is not in the batch: the newcomer is
	// another's.
	failed := &partnercenter.BatchUploadDetails{Status: partnercenter.StatusFinishedWithErrors,
		DevicesStatus: []partnercenter.DeviceUploadDetails{{Status: partnercenter.StatusFinishedWithErrors, ErrorCode: "806"}}}
	linked = map[string]string{}
	linkNewcomer(one, []string{"laptop"}, failed, newHeldDevices([]partnercenter.Device{{ID: "d-1"}, {ID: "d-2"}}), before, linked)
	if len(linked) != 0 {
		t.Errorf("linked %v, a device whose upload failed", linked)
	}
}
