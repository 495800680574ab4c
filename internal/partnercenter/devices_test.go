package partnercenter_test

import (
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
	if _, err := (partnercenter.Device{HardwareHash: "not base64!"}).Key(); err == nil || err.Error() != "the hardware hash is not base64" {
		t.Errorf("a hash that is not base64: %v", err)
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
	if _, ok := index.Find(partnercenter.Device{SerialNumber: "SN", OEMManufacturerName: "contoso", ModelName: "Laptop"}); ok {
		t.Error("the serial number tuple matched in another case; it is case-sensitive")
	}
}
