package partnercenter_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

func TestDecodeDevice(t *testing.T) {
	var d partnercenter.Device
	body := `{"id":"9993-8627-3608-6844-6369-4361-72","serialNumber":"SN-1","productKey":"P","hardwareHash":"aGFzaA==",
		"modelName":"Laptop 7","oemManufacturerName":"Contoso","policies":[{"key":"o_o_b_e","value":"a1b2"}],
		"uploadedDate":"2026-11-30T10:00:00","uploadedBy":"admin@contoso.onmicrosoft.com","allowedOperations":["PATCH","DELETE"]}`
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatal(err)
	}
	want := partnercenter.Device{ID: "9993-8627-3608-6844-6369-4361-72", SerialNumber: "SN-1", ProductKey: "P", HardwareHash: "aGFzaA==",
		ModelName: "Laptop 7", OEMManufacturerName: "Contoso", OOBEPolicyID: "a1b2", UploadedDate: time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC),
		UploadedBy: "admin@contoso.onmicrosoft.com", AllowedOperations: []string{"PATCH", "DELETE"}}
	if d.ID != want.ID || d.OOBEPolicyID != want.OOBEPolicyID || !d.UploadedDate.Equal(want.UploadedDate) || d.OEMManufacturerName != "Contoso" ||
		len(d.AllowedOperations) != 2 {
		t.Errorf("decoded %+v, want %+v", d, want)
	}
	if err := json.Unmarshal([]byte(`{"id":"x","policies":[{"key":"o_o_b_e","value":null}]}`), &d); err != nil || d.OOBEPolicyID != "" {
		t.Errorf("a null policy: %+v, %v; want no policy ID", d, err)
	}
}

func TestDecodeDeviceBatchCountVariants(t *testing.T) {
	for body, want := range map[string]int{
		`{"id":"b","devicesCount":3}`: 3,
		`{"id":"b","deviceCount":4}`:  4,
		`{"id":"b"}`:                  0,
	} {
		var b partnercenter.DeviceBatch
		if err := json.Unmarshal([]byte(body), &b); err != nil || b.DevicesCount != want {
			t.Errorf("%s: %d, %v; want %d", body, b.DevicesCount, err, want)
		}
	}
}

func TestDecodePolicyCountVariants(t *testing.T) {
	for body, want := range map[string]int{
		`{"id":"p","devicesAssignedCount":3}`: 3,
		`{"id":"p","devicesAssigned":4}`:      4,
	} {
		var p partnercenter.ConfigurationPolicy
		if err := json.Unmarshal([]byte(body), &p); err != nil || p.DevicesAssignedCount != want {
			t.Errorf("%s: %d, %v; want %d", body, p.DevicesAssignedCount, err, want)
		}
	}
}

// A device is identified by its hardware hash, else its product key, else
// its serial number with manufacturer and model; an index finds it by any.
func TestDeviceKeysAndIndex(t *testing.T) {
	tuple := partnercenter.Device{SerialNumber: "SN", OEMManufacturerName: "Contoso", ModelName: "Laptop"}
	for name, d := range map[string]partnercenter.Device{
		"serial alone":          {SerialNumber: "SN"},
		"serial and model only": {SerialNumber: "SN", ModelName: "Laptop"},
		"nothing":               {ModelName: "Laptop"},
	} {
		if _, err := d.Key(); !errors.Is(err, partnercenter.ErrNoIdentification) {
			t.Errorf("%s: %v, want ErrNoIdentification", name, err)
		}
	}
	if _, err := (partnercenter.Device{HardwareHash: "not-base64!"}).Key(); err == nil || err.Error() != "the hardware hash is not base64" {
		t.Errorf("a hash that is not base64: %v", err)
	}
	// base64 decoders skip line breaks; Partner Center would not.
	for _, hash := range []string{"aGFz\naA==", "aGFz\r\naA==", "aGFzaA== ", " aGFzaA==", "aGFz aA==", "aGFz\taA=="} {
		if _, err := (partnercenter.Device{HardwareHash: hash}).Key(); !errors.Is(err, partnercenter.ErrHardwareHashWhiteSpace) ||
			err.Error() != "the hardware hash holds white space or a line break" {
			t.Errorf("hash %q: %v, want ErrHardwareHashWhiteSpace", hash, err)
		}
	}
	held := []partnercenter.Device{
		{HardwareHash: "aGFzaA==", SerialNumber: "A"},
		{ProductKey: "P-1"},
		tuple,
	}
	index := partnercenter.NewDeviceIndex(held)
	for want, d := range map[int]partnercenter.Device{
		0: {HardwareHash: "aGFzaA=="},
		1: {ProductKey: "P-1", SerialNumber: "other"},
		2: {SerialNumber: "SN", OEMManufacturerName: "Contoso", ModelName: "Laptop", HardwareHash: "bm90IGhlbGQ="},
	} {
		if got, ok := index.Find(d); !ok || got != want {
			t.Errorf("Find(%+v) = %d, %v; want %d", d, got, ok, want)
		}
	}
	other, _ := partnercenter.Device{SerialNumber: "SN", OEMManufacturerName: "contoso", ModelName: "Laptop"}.Key()
	if same, _ := tuple.Key(); other == same {
		t.Error("the serial number tuple is the same in another case; it is case-sensitive")
	}
}

// TestDeviceIndexTellsSharedKeysApart: devices may share a serial number,
// such as a firmware's placeholder. Candidates finds, at the strongest key
// that finds any, every device that does not contradict the device looked
// for; Find takes one only when it is the only one. In a list of entries,
// the later of two that share a key finds the earlier.
func TestDeviceIndexTellsSharedKeysApart(t *testing.T) {
	const placeholder = "Default string"
	held := []partnercenter.Device{
		{SerialNumber: placeholder, OEMManufacturerName: "Contoso", ModelName: "Laptop 7"},
		{SerialNumber: placeholder, OEMManufacturerName: "Contoso", ModelName: "Desktop 3"},
		{SerialNumber: placeholder, HardwareHash: "aGFzaA=="},
		{SerialNumber: "SN-1"},
	}
	index := partnercenter.NewDeviceIndex(held)
	tests := []struct {
		name   string
		device partnercenter.Device
		want   []int
	}{
		{"its hash", partnercenter.Device{HardwareHash: "aGFzaA==", SerialNumber: placeholder}, []int{2}},
		{"its serial number, manufacturer and model", partnercenter.Device{HardwareHash: "b3RoZXI=", SerialNumber: placeholder,
			OEMManufacturerName: "Contoso", ModelName: "Laptop 7"}, []int{0}},
		{"the placeholder and another hash", partnercenter.Device{HardwareHash: "b3RoZXI=", SerialNumber: placeholder}, []int{0, 1}},
		{"names in another case", partnercenter.Device{SerialNumber: placeholder, OEMManufacturerName: "contoso", ModelName: "DESKTOP 3"}, []int{1, 2}},
		{"a serial number alone", partnercenter.Device{HardwareHash: "b3RoZXI=", SerialNumber: "SN-1"}, []int{3}},
		{"nothing shared", partnercenter.Device{SerialNumber: "SN-2"}, nil},
	}
	for _, tt := range tests {
		got := index.Candidates(tt.device)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: Candidates = %v, want %v", tt.name, got, tt.want)
		}
		if i, ok := index.Find(tt.device); ok != (len(tt.want) == 1) || ok && i != tt.want[0] {
			t.Errorf("%s: Find = %d, %v; want %v only when it is one", tt.name, i, ok, tt.want)
		}
	}
	entries := partnercenter.NewDeviceIndex([]partnercenter.Device{
		{SerialNumber: placeholder, HardwareHash: "aGFzaA=="},
		{SerialNumber: placeholder, HardwareHash: "b3RoZXI="},
	})
	if got, ok := entries.FindOther(partnercenter.Device{SerialNumber: placeholder, HardwareHash: "b3RoZXI="}, 1); !ok || got != 0 {
		t.Errorf("FindOther(second) = %d, %v; want the first, 0", got, ok)
	}
	if got, ok := entries.FindOther(partnercenter.Device{SerialNumber: placeholder, HardwareHash: "aGFzaA=="}, 0); ok {
		t.Errorf("FindOther(first) = %d; want none before it", got)
	}
}

// TestHardwareHashIsBase64AsTheDecoderSays checks the hash check that avoids
// decoding against encoding/base64 itself, on every string of up to four
// characters of an alphabet that holds each kind of character.
func TestHardwareHashIsBase64AsTheDecoderSays(t *testing.T) {
	alphabet := []byte("Az09+/=-_.")
	var try func(prefix []byte)
	try = func(prefix []byte) {
		_, decodeErr := base64.StdEncoding.DecodeString(string(prefix))
		if err := partnercenter.CheckHardwareHash(string(prefix)); (err == nil) != (decodeErr == nil) && len(prefix) > 0 {
			t.Errorf("CheckHardwareHash(%q) = %v; the decoder says %v", prefix, err, decodeErr)
		}
		if len(prefix) == 4 {
			return
		}
		for _, c := range alphabet {
			try(append(prefix, c))
		}
	}
	try(nil)
	for _, hash := range []string{"aGFzaA==", "aGFzaGhh", "aGFzaGg=", base64.StdEncoding.EncodeToString(make([]byte, 3000))} {
		if err := partnercenter.CheckHardwareHash(hash); err != nil {
			t.Errorf("CheckHardwareHash(%.20q) = %v", hash, err)
		}
	}
}

// Match tells the same device in a list that lacks fields: by hash, product
// key or serial number, unless a hash, product key, serial number,
// manufacturer or model that both carry differ. Rewrites, for an entry
// written again, lets the hash differ.
func TestMatchAndContradicts(t *testing.T) {
	configured := partnercenter.Device{HardwareHash: "aGFzaA==", SerialNumber: "SN-1"}
	whiteBox := partnercenter.Device{HardwareHash: "aGFzaA==", SerialNumber: "Default string", OEMManufacturerName: "Contoso", ModelName: "Laptop 7"}
	tests := []struct {
		name                          string
		configured, listed            partnercenter.Device
		match, contradicted, rewrites bool
	}{
		{"no hash listed, same serial", configured, partnercenter.Device{ID: "1", SerialNumber: "SN-1"}, true, false, true},
		{"serial with decoded manufacturer and model", configured,
			partnercenter.Device{SerialNumber: "SN-1", OEMManufacturerName: "Contoso", ModelName: "7"}, true, false, true},
		{"the hash taken again", configured, partnercenter.Device{HardwareHash: "b3RoZXI=", SerialNumber: "SN-1"}, false, true, true},
		{"the same product key", configured, partnercenter.Device{ProductKey: "P", SerialNumber: "SN-1"}, true, false, true},
		{"another serial", configured, partnercenter.Device{SerialNumber: "SN-2"}, false, true, false},
		{"nothing to compare", configured, partnercenter.Device{ID: "1"}, false, false, false},
		{"another hash, nothing shared", configured, partnercenter.Device{HardwareHash: "b3RoZXI="}, false, true, false},
		{"the placeholder, names in another case and spacing", whiteBox,
			partnercenter.Device{SerialNumber: "Default string", OEMManufacturerName: " CONTOSO", ModelName: "laptop 7 "}, true, false, true},
		{"the placeholder, another model", whiteBox,
			partnercenter.Device{SerialNumber: "Default string", OEMManufacturerName: "Contoso", ModelName: "Desktop 3"}, false, true, false},
		{"the placeholder, a manufacturer spelt otherwise", whiteBox,
			partnercenter.Device{SerialNumber: "Default string", OEMManufacturerName: "Contoso Ltd"}, false, true, false},
		{"the same hash, a manufacturer spelt otherwise", whiteBox,
			partnercenter.Device{HardwareHash: "aGFzaA==", OEMManufacturerName: "Contoso Ltd"}, true, false, true},
		{"the placeholder, another hash", whiteBox,
			partnercenter.Device{HardwareHash: "b3RoZXI=", SerialNumber: "Default string", ModelName: "Laptop 7"}, false, true, true},
	}
	for _, tt := range tests {
		if got := partnercenter.Match(tt.configured, tt.listed); got != tt.match {
			t.Errorf("%s: Match = %v", tt.name, got)
		}
		if got := partnercenter.Contradicts(tt.configured, tt.listed); got != tt.contradicted {
			t.Errorf("%s: Contradicts = %v", tt.name, got)
		}
		if got := partnercenter.Contradicts(tt.listed, tt.configured); got != tt.contradicted {
			t.Errorf("%s: Contradicts, the other way round = %v", tt.name, got)
		}
		if got := partnercenter.Rewrites(tt.configured, tt.listed); got != tt.rewrites {
			t.Errorf("%s: Rewrites = %v", tt.name, got)
		}
	}
	index := partnercenter.NewDeviceIndex([]partnercenter.Device{{ProductKey: "P-0"}, {ID: "2", SerialNumber: "SN-1", ModelName: "decoded"}})
	if i, ok := index.Find(configured); !ok || i != 1 {
		t.Errorf("Find by serial number = %d, %v; want 1", i, ok)
	}
}
