package provider

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// keyedDevice is an entry of devices in a test's configuration.
type keyedDevice struct {
	key, hash, serial, productKey, manufacturer, model string
}

// csvDevice is the device with serial number serial as
// Get-WindowsAutopilotInfo's file and autopilot_devices() give it: its
// hardware hash and serial number, keyed by the serial number.
func csvDevice(serial string) keyedDevice {
	return keyedDevice{key: serial, hash: hardwareHash(serial), serial: serial}
}

// keyedBatchConfig declares partnercenter_device_batch.test with devices and
// extra arguments.
func keyedBatchConfig(batchID string, devices []keyedDevice, extra string) string {
	var b strings.Builder
	for _, d := range devices {
		fmt.Fprintf(&b, "    %q = {", d.key)
		for _, f := range []struct{ name, value string }{
			{"hardware_hash", d.hash}, {"serial_number", d.serial}, {"product_key", d.productKey},
			{"oem_manufacturer_name", d.manufacturer}, {"model_name", d.model},
		} {
			if f.value != "" {
				fmt.Fprintf(&b, " %s = %q,", f.name, f.value)
			}
		}
		b.WriteString(" }\n")
	}
	return fmt.Sprintf(`
resource "partnercenter_device_batch" "test" {
  customer_id = %q
  batch_id    = %q
  devices = {
%s  }
%s
}
`, emulator.SeedCustomerID, batchID, b.String(), extra)
}

// heldNames lists the devices em holds in a batch by serial number, else
// product key, sorted.
func heldNames(em *testEmulator, batchID string) []string {
	var names []string
	for _, d := range em.Devices(emulator.SeedCustomerID, batchID) {
		name := d.SerialNumber
		if name == "" {
			name = d.ProductKey
		}
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// expectHeldNames checks that the batch holds exactly the devices named.
func expectHeldNames(em *testEmulator, batchID string, names ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		want := slices.Sorted(slices.Values(names))
		if got := heldNames(em, batchID); !slices.Equal(got, want) {
			return fmt.Errorf("batch %q holds %v, want %v", batchID, got, want)
		}
		return nil
	}
}

// callCounter remembers how many Partner Center requests were made, to
// check those of a step.
type callCounter struct {
	em     *testEmulator
	before int
}

// mark remembers the requests made so far.
func (c *callCounter) mark() {
	c.before = len(partnerCenterRequests(c.em.Emulator))
}

// expect checks that want uploads and deletions were made since the last
// mark, and marks again.
func (c *callCounter) expect(uploads, deletions int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		requests := partnerCenterRequests(c.em.Emulator)
		var sent []string
		posts, deletes := 0, 0
		for _, r := range requests[c.before:] {
			switch r.Method {
			case http.MethodPost:
				posts++
			case http.MethodDelete:
				deletes++
			}
			if r.Method != http.MethodGet {
				sent = append(sent, r.Method+" "+r.Path)
			}
		}
		c.before = len(requests)
		if posts != uploads || deletes != deletions {
			return fmt.Errorf("%d uploads and %d deletions, want %d and %d: %v", posts, deletes, uploads, deletions, sent)
		}
		return nil
	}
}

// TestAccDeviceBatch_lifecycleUnderEveryAnswer runs the batch's lifecycle
// under each answer Partner Center may give where Microsoft is silent:
// create, a device moved to another key, one removed and one added, drift
// (a device deleted and one added behind Terraform's back), the keys moved
// back, import by command and by an import block, and destroy. After every
// step the plan shows no change, and each step makes exactly the uploads
// and deletions it must: none for a device that only moves to another key,
// none around an import.
func TestAccDeviceBatch_lifecycleUnderEveryAnswer(t *testing.T) {
	underEveryAnswer(t, deviceBatchSwitches, testDeviceBatchLifecycle)
}

func testDeviceBatchLifecycle(t *testing.T, answers emulator.Answers) {
	em := newUploadEmulator(t)
	em.SetAnswers(answers)
	const batch = "Contoso lifecycle"
	provider := em.userProviderConfig()
	productKey := keyedDevice{key: "PK-3", productKey: "PK-3"}
	tuple := keyedDevice{key: "T-4", serial: "T-4", manufacturer: "Contoso", model: "Laptop 7"}
	first := []keyedDevice{csvDevice("SN-1"), csvDevice("SN-2"), productKey, tuple}
	// SN-1 under another key, SN-2 removed, SN-5 added.
	moved := csvDevice("SN-1")
	moved.key = "laptop-1"
	second := []keyedDevice{moved, productKey, tuple, csvDevice("SN-5")}
	// The keys autopilot_devices() and an import give.
	final := []keyedDevice{csvDevice("SN-1"), productKey, tuple, csvDevice("SN-5")}
	calls := &callCounter{em: em}
	id := emulator.SeedCustomerID + "/" + batch
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		CheckDestroy:             func(*terraform.State) error { return expectHeldNames(em, batch)(nil) },
		Steps: []resource.TestStep{
			{
				Config: provider + keyedBatchConfig(batch, first, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					expectBatch("device_ids", knownvalue.MapSizeExact(4)),
					expectBatch("last_upload", knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"status": knownvalue.StringExact("finished"), "failed_device_count": knownvalue.Int64Exact(0),
						"devices_status": knownvalue.ListSizeExact(4),
					})),
				},
				Check: resource.ComposeTestCheckFunc(expectHeldNames(em, batch, "SN-1", "SN-2", "PK-3", "T-4"), calls.expect(1, 0)),
			},
			{
				Config: provider + keyedBatchConfig(batch, second, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(batchAddress, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(expectHeldNames(em, batch, "SN-1", "PK-3", "T-4", "SN-5"), calls.expect(1, 1)),
			},
			{
				PreConfig: func() {
					for _, d := range em.Devices(emulator.SeedCustomerID, batch) {
						if d.SerialNumber == "SN-5" {
							if err := em.DeleteDevice(emulator.SeedCustomerID, batch, d.ID); err != nil {
								t.Fatal(err)
							}
						}
					}
					if _, err := em.AddDevices(emulator.SeedCustomerID, batch, emulatorDevice("SN-9")); err != nil {
						t.Fatal(err)
					}
					calls.mark()
				},
				Config: provider + keyedBatchConfig(batch, second, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(batchAddress, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(expectHeldNames(em, batch, "SN-1", "PK-3", "T-4", "SN-5"), calls.expect(1, 1)),
			},
			{
				// Keys only: nothing is sent.
				Config: provider + keyedBatchConfig(batch, final, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(batchAddress, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(expectHeldNames(em, batch, "SN-1", "PK-3", "T-4", "SN-5"), calls.expect(0, 0)),
			},
			forgetStep(provider, batchAddress),
			{
				Config:             provider + keyedBatchConfig(batch, final, ""),
				ResourceName:       batchAddress,
				ImportState:        true,
				ImportStateId:      id,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["devices.%"] != "4" || states[0].Attributes["device_ids.%"] != "4" ||
						states[0].Attributes["devices.SN-5.serial_number"] != "SN-5" || states[0].Attributes["devices.PK-3.product_key"] != "PK-3" {
						return fmt.Errorf("imported %v, want the 4 devices keyed by serial number or product key, with their IDs", states)
					}
					return nil
				},
			},
			{
				Config:           provider + keyedBatchConfig(batch, final, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            calls.expect(0, 0),
			},
			forgetStep(provider, batchAddress),
			{
				Config: provider + importBlock(batchAddress, id) + keyedBatchConfig(batch, final, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(batchAddress, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectBatch("batch_id", knownvalue.StringExact(batch))},
				Check:             resource.ComposeTestCheckFunc(expectHeldNames(em, batch, "SN-1", "PK-3", "T-4", "SN-5"), calls.expect(0, 0)),
			},
		},
	})
}
