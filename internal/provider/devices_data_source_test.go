package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

func devicesConfig(batchID, extra string) string {
	return fmt.Sprintf(`
data "partnercenter_devices" "test" {
  customer_id = %q
  batch_id    = %q
%s
}
`, emulator.SeedCustomerID, batchID, extra)
}

func expectDevices(value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("data.partnercenter_devices.test", tfjsonpath.New("devices"), value)
}

// TestAccDevices_readsEveryPage lists 250 devices, three pages, without and
// with their hardware hashes, from a device list that carries them.
func TestAccDevices_readsEveryPage(t *testing.T) {
	em := newTestEmulator(t)
	em.SetAnswers(emulator.Answers{ListHardwareHashes: true})
	devices := make([]emulator.Device, 250)
	for i := range devices {
		devices[i] = emulatorDevice(fmt.Sprintf("SN-%03d", i))
	}
	devices[0].OemManufacturerName, devices[0].ModelName = "Contoso", "Laptop 7"
	ids, err := em.AddDevices(emulator.SeedCustomerID, "Large", devices...)
	if err != nil {
		t.Fatal(err)
	}
	first := func(hash knownvalue.Check) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":                    knownvalue.StringExact(ids[0]),
			"key":                   knownvalue.StringExact("SN-000"),
			"serial_number":         knownvalue.StringExact("SN-000"),
			"product_key":           knownvalue.Null(),
			"hardware_hash":         hash,
			"oem_manufacturer_name": knownvalue.StringExact("Contoso"),
			"model_name":            knownvalue.StringExact("Laptop 7"),
			"uploaded_date":         knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)),
			"oobe_policy_id":        knownvalue.Null(),
			"allowed_operations":    knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("PATCH"), knownvalue.StringExact("DELETE")}),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{
				Config: em.providerConfig() + devicesConfig("Large", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					expectDevices(knownvalue.ListSizeExact(250)),
					statecheck.ExpectKnownValue("data.partnercenter_devices.test", tfjsonpath.New("devices").AtSliceIndex(0), first(knownvalue.Null())),
				},
			},
			{
				Config: em.providerConfig() + devicesConfig("large", "include_hardware_hash = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.partnercenter_devices.test", tfjsonpath.New("devices").AtSliceIndex(0),
						first(knownvalue.StringExact(hardwareHash("SN-000")))),
				},
			},
		},
	})
}

func TestAccDevices_unknownBatch(t *testing.T) {
	em := newTestEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: em.providerConfig() + devicesConfig("Nowhere", ""),
			ExpectError: errorPattern(`Device batch not found.*Partner Center has no batch "Nowhere" for customer ` + emulator.SeedCustomerID +
				`.*HTTP status: 404 Not Found.*Check customer_id and batch_id`),
		}},
	})
}

// TestAccDevices_listWithoutHashes reads a device list that carries no
// hardware hash, as Microsoft's only sample of it: include_hardware_hash
// then gives null hashes and says so, rather than nothing.
func TestAccDevices_listWithoutHashes(t *testing.T) {
	em := newTestEmulator(t)
	if _, err := em.AddDevices(emulator.SeedCustomerID, "Fleet", emulatorDevice("SN-1"), emulatorDevice("SN-2")); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: em.providerConfig() + devicesConfig("Fleet", "include_hardware_hash = true") + `
check "hashes" {
  assert {
    condition     = alltrue([for d in data.partnercenter_devices.test.devices : d.hardware_hash == null])
    error_message = "a hash was listed"
  }
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.partnercenter_devices.test", tfjsonpath.New("devices").AtSliceIndex(0).AtMapKey("hardware_hash"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.partnercenter_devices.test", tfjsonpath.New("devices").AtSliceIndex(1).AtMapKey("serial_number"), knownvalue.StringExact("SN-2")),
			},
		}},
	})
}
