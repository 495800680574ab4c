package partnercenter_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
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

// TestDeviceIndexKeepsTheFirst: of two devices that share a key, the index
// finds the first, and the second finds the first as the other.
func TestDeviceIndexKeepsTheFirst(t *testing.T) {
	held := []partnercenter.Device{
		{SerialNumber: "A", HardwareHash: "aGFzaA=="},
		{SerialNumber: "B", HardwareHash: "aGFzaA=="},
	}
	index := partnercenter.NewDeviceIndex(held)
	if got, ok := index.Find(partnercenter.Device{HardwareHash: "aGFzaA=="}); !ok || got != 0 {
		t.Errorf("Find = %d, %v; want the first, 0", got, ok)
	}
	if got, ok := index.FindOther(held[1], 1); !ok || got != 0 {
		t.Errorf("FindOther(second) = %d, %v; want the first, 0", got, ok)
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
// key or serial number.
func TestMatchAndContradicts(t *testing.T) {
	configured := partnercenter.Device{HardwareHash: "aGFzaA==", SerialNumber: "SN-1"}
	tests := []struct {
		name                string
		listed              partnercenter.Device
		match, contradicted bool
	}{
		{"no hash listed, same serial", partnercenter.Device{ID: "1", SerialNumber: "SN-1"}, true, false},
		{"serial with decoded manufacturer and model", partnercenter.Device{SerialNumber: "SN-1", OEMManufacturerName: "Contoso", ModelName: "7"}, true, false},
		{"the hash taken again", partnercenter.Device{HardwareHash: "b3RoZXI=", SerialNumber: "SN-1"}, true, false},
		{"the same product key", partnercenter.Device{ProductKey: "P", SerialNumber: "SN-1"}, true, false},
		{"another serial", partnercenter.Device{SerialNumber: "SN-2"}, false, true},
		{"nothing to compare", partnercenter.Device{ID: "1"}, false, false},
		{"another hash, nothing shared", partnercenter.Device{HardwareHash: "b3RoZXI="}, false, true},
	}
	for _, tt := range tests {
		if got := partnercenter.Match(configured, tt.listed); got != tt.match {
			t.Errorf("%s: Match = %v", tt.name, got)
		}
		if got := partnercenter.Contradicts(configured, tt.listed); got != tt.contradicted {
			t.Errorf("%s: Contradicts = %v", tt.name, got)
		}
	}
	index := partnercenter.NewDeviceIndex([]partnercenter.Device{{ProductKey: "P-0"}, {ID: "2", SerialNumber: "SN-1", ModelName: "decoded"}})
	if i, ok := index.Find(configured); !ok || i != 1 {
		t.Errorf("Find by serial number = %d, %v; want 1", i, ok)
	}
}
