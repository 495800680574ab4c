package provider

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
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

// keyedBatchConfig declares partnercenter_device_batch.test with devices.
func keyedBatchConfig(batchID string, devices []keyedDevice) string {
	return keyedBatchConfigWith(batchID, "", devices)
}

// keyedBatchConfigWith declares partnercenter_device_batch.test with devices
// and the extra arguments of extra.
func keyedBatchConfigWith(batchID, extra string, devices []keyedDevice) string {
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
  %s
  devices = {
%s  }
}
`, emulator.SeedCustomerID, batchID, extra, b.String())
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

// expectReadsOnly checks that Partner Center was sent nothing but reads
// since the last mark, and marks again.
func (c *callCounter) expectReadsOnly() resource.TestCheckFunc {
	return func(*terraform.State) error {
		requests := partnerCenterRequests(c.em.Emulator)
		var sent []string
		for _, r := range requests[c.before:] {
			if r.Method != http.MethodGet {
				sent = append(sent, r.Method+" "+r.Path)
			}
		}
		c.before = len(requests)
		if len(sent) > 0 {
			return fmt.Errorf("Partner Center was sent %v, want reads only", sent)
		}
		return nil
	}
}

// TestAccDeviceBatch_lifecycleUnderEveryAnswer runs the batch's lifecycle
// under each answer Partner Center may give where Microsoft is silent:
// create, a device moved to another key, one removed and one added, drift
// (a device deleted and one added behind Terraform's back), the keys moved
// back, import by command, with the configuration Terraform generates and
// by an import block, fail_on_device_errors changed alone, a new batch_id,
// which replaces it, uploading in parts of the provider's upload_part_size,
// destroy, which deletes every device and leaves the batch behind, and
// apply again, which adopts that empty batch; then destroy. After every
// step the plan shows no change, and each step makes exactly the uploads
// and deletions it must: none for a device that only moves to another key
// or a setting that only the provider reads, none around an import; under
// a Partner Center that takes fewer devices a request than the creation
// sends, the refused part and its halves.
func TestAccDeviceBatch_lifecycleUnderEveryAnswer(t *testing.T) {
	underEveryAnswer(t, deviceBatchSwitches, testDeviceBatchLifecycle)
}

func testDeviceBatchLifecycle(t *testing.T, answers emulator.Answers) {
	em := newUploadEmulator(t)
	em.SetAnswers(answers)
	const batch, renamed = "Contoso lifecycle", "Contoso lifecycle 2"
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
	// The creation's 4 devices go in one request, or, over the cap of
	// smallCap, in the one refused and its two halves.
	creationRequests := 1
	if answers.MaxDevicesPerUpload == smallCap {
		creationRequests = 3
	}
	// Parts of 2 from the start: no request refused, whatever the cap.
	inParts := em.providerConfig(attrs{"refresh_token": em.NewRefreshToken(emulator.DefaultTenantID, emulator.DefaultClientID), "upload_part_size": 2})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		CheckDestroy: func(*terraform.State) error {
			if n := len(em.Batches(emulator.SeedCustomerID)); n != 2 {
				return fmt.Errorf("%d batches after destroy, want both left behind", n)
			}
			return resource.ComposeTestCheckFunc(expectHeldNames(em, batch), expectHeldNames(em, renamed))(nil)
		},
		Steps: []resource.TestStep{
			{
				Config: provider + keyedBatchConfig(batch, first),
				ConfigStateChecks: []statecheck.StateCheck{
					expectBatch("id", knownvalue.StringExact(id)),
					expectBatch("device_count", knownvalue.Int64Exact(4)),
					expectBatch("created_by", knownvalue.StringExact(emulator.UserPrincipalName)),
					expectBatch("creation_date", knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
					expectBatch("fail_on_device_errors", knownvalue.Bool(true)),
					expectBatch("device_ids", knownvalue.MapSizeExact(4)),
					expectBatch("last_upload", knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"status": knownvalue.StringExact("finished"), "failed_device_count": knownvalue.Int64Exact(0),
						"devices_status": knownvalue.ListSizeExact(0),
						"location":       knownvalue.StringRegexp(regexp.MustCompile(`^/customers/` + emulator.SeedCustomerID + `/batchJobStatus/[0-9a-f-]{36}$`)),
					})),
				},
				Check: resource.ComposeTestCheckFunc(expectHeldNames(em, batch, "SN-1", "SN-2", "PK-3", "T-4"), calls.expect(creationRequests, 0)),
			},
			{
				Config: provider + keyedBatchConfig(batch, second),
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
				Config: provider + keyedBatchConfig(batch, second),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(batchAddress, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(expectHeldNames(em, batch, "SN-1", "PK-3", "T-4", "SN-5"), calls.expect(1, 1)),
			},
			{
				// Keys only: nothing is sent.
				Config: provider + keyedBatchConfig(batch, final),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(batchAddress, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(expectHeldNames(em, batch, "SN-1", "PK-3", "T-4", "SN-5"), calls.expect(0, 0)),
			},
			forgetStep(provider, batchAddress),
			{
				Config:             provider + keyedBatchConfig(batch, final),
				ResourceName:       batchAddress,
				ImportState:        true,
				ImportStateId:      id,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["devices.%"] != "4" || states[0].Attributes["device_ids.%"] != "4" ||
						states[0].Attributes["devices.SN-5.serial_number"] != "SN-5" || states[0].Attributes["devices.PK-3.product_key"] != "PK-3" ||
						states[0].Attributes["fail_on_device_errors"] != "true" {
						return fmt.Errorf("imported %v, want the 4 devices keyed by serial number or product key, with their IDs, "+
							"and fail_on_device_errors = true", states)
					}
					return nil
				},
			},
			{
				Config:           provider + keyedBatchConfig(batch, final),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            calls.expect(0, 0),
			},
			{
				// The configuration Terraform writes for an import block,
				// from the devices as Partner Center lists them, plans no
				// change.
				Config:          provider,
				ResourceName:    batchAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   id,
				GenerateConfig:  true,
			},
			forgetStep(provider, batchAddress),
			{
				Config: provider + importBlock(batchAddress, id) + keyedBatchConfig(batch, final),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(batchAddress, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectBatch("batch_id", knownvalue.StringExact(batch)), expectBatch("last_upload", knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(expectHeldNames(em, batch, "SN-1", "PK-3", "T-4", "SN-5"), calls.expect(0, 0)),
			},
			{
				// A setting only the provider reads: nothing is sent.
				Config: provider + keyedBatchConfigWith(batch, "fail_on_device_errors = false", final),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(batchAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(batchAddress, tfjsonpath.New("device_count"), knownvalue.Int64Exact(4)),
				}},
				Check: calls.expect(0, 0),
			},
			{
				// Every device deleted from the batch, then uploaded to the
				// new one in parts of upload_part_size.
				Config: inParts + keyedBatchConfigWith(renamed, "fail_on_device_errors = false", final),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(batchAddress, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectBatch("device_ids", knownvalue.MapSizeExact(4)),
					expectBatch("last_upload", knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"status": knownvalue.StringExact("finished"), "devices_status": knownvalue.ListSizeExact(0),
						"locations": knownvalue.ListSizeExact(2),
					})),
				},
				Check: resource.ComposeTestCheckFunc(expectHeldNames(em, batch), expectHeldNames(em, renamed, "SN-1", "PK-3", "T-4", "SN-5"),
					calls.expect(2, 4)),
			},
			{
				// Destroyed, the batch stays behind empty.
				Config:  inParts + keyedBatchConfigWith(renamed, "fail_on_device_errors = false", final),
				Destroy: true,
				Check:   resource.ComposeTestCheckFunc(expectHeldNames(em, renamed), calls.expect(0, 4)),
			},
			{
				// Applied again, the empty batch is adopted and filled.
				Config: inParts + keyedBatchConfigWith(renamed, "fail_on_device_errors = false", final),
				Check:  resource.ComposeTestCheckFunc(expectHeldNames(em, renamed, "SN-1", "PK-3", "T-4", "SN-5"), calls.expect(2, 0)),
			},
		},
	})
}

// TestAccDeviceBatch_autopilotCSVUnderDefaultAnswers uploads the devices of
// a file as Get-WindowsAutopilotInfo writes it (serial number and hash, no
// manufacturer or model) under Partner Center's answers as Microsoft's
// samples show them: a device list without hashes, with a manufacturer and
// model decoded from them. Applied again, it sends nothing; imported, it
// plans no change.
func TestAccDeviceBatch_autopilotCSVUnderDefaultAnswers(t *testing.T) {
	em := newUploadEmulator(t)
	csv := writeFile(t, "devices.csv", []byte("Device Serial Number,Windows Product ID,Hardware Hash\r\n"+
		"CSP0001,,"+hardwareHash("CSP0001")+"\r\nCSP0002,,"+hardwareHash("CSP0002")+"\r\n"))
	provider := em.userProviderConfig()
	config := provider + fmt.Sprintf(`
resource "partnercenter_device_batch" "test" {
  customer_id = %q
  batch_id    = "From CSV"
  devices     = provider::partnercenter::autopilot_devices(file(%q))
}
`, emulator.SeedCustomerID, csv)
	calls := &callCounter{em: em}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{Config: config, Check: resource.ComposeTestCheckFunc(expectHeldNames(em, "From CSV", "CSP0001", "CSP0002"), calls.expect(1, 0))},
			{Config: config, Check: calls.expect(0, 0)},
			forgetStep(provider, batchAddress),
			{
				// By an import block: OpenTofu's import command finds a
				// provider's functions only when the configuration
				// declares the provider in required_providers.
				Config: config + importBlock(batchAddress, emulator.SeedCustomerID+"/From CSV"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(batchAddress, plancheck.ResourceActionNoop),
				}},
				Check: calls.expect(0, 0),
			},
		},
	})
}

// TestAccDeviceBatch_importUnderAnotherCase imports a batch by a name that
// differs from Partner Center's only in case: the state takes Partner
// Center's spelling, so that a configuration with it plans no change, and a
// configuration in yet another case updates batch_id in place, sending
// nothing, rather than replacing the batch.
func TestAccDeviceBatch_importUnderAnotherCase(t *testing.T) {
	em := newUploadEmulator(t)
	if _, err := em.AddDevices(emulator.SeedCustomerID, "Contoso sales laptops", emulatorDevice("SN-1"), emulatorDevice("SN-2")); err != nil {
		t.Fatal(err)
	}
	provider := em.userProviderConfig()
	calls := &callCounter{em: em}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{
				Config:             provider + batchConfig("Contoso sales laptops", []string{"SN-1", "SN-2"}, ""),
				ResourceName:       batchAddress,
				ImportState:        true,
				ImportStateId:      emulator.SeedCustomerID + "/contoso SALES laptops",
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["batch_id"] != "Contoso sales laptops" {
						return fmt.Errorf("imported %v, want batch_id as Partner Center spells it", states)
					}
					return nil
				},
			},
			{
				Config:           provider + batchConfig("Contoso sales laptops", []string{"SN-1", "SN-2"}, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            calls.expect(0, 0),
			},
			{
				Config: provider + batchConfig("CONTOSO SALES LAPTOPS", []string{"SN-1", "SN-2"}, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(batchAddress, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectBatch("batch_id", knownvalue.StringExact("CONTOSO SALES LAPTOPS"))},
				Check:             resource.ComposeTestCheckFunc(expectHeldNames(em, "Contoso sales laptops", "SN-1", "SN-2"), calls.expect(0, 0)),
			},
		},
	})
}

// TestAccDeviceBatch_adoptsAnEmptyBatch: a first upload whose every device
// fails leaves its batch behind, empty, and says so; the next apply adopts
// that batch and uploads into it.
func TestAccDeviceBatch_adoptsAnEmptyBatch(t *testing.T) {
	em := newUploadEmulator(t)
	if _, err := em.AddDevices(otherCustomerID, "Fabrikam", emulatorDevice("SN-808")); err != nil {
		t.Fatal(err)
	}
	provider := em.userProviderConfig()
	calls := &callCounter{em: em}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{
				Config: provider + batchConfig("Failed first", []string{"SN-808"}, ""),
				ExpectError: errorPattern(`Devices failed to upload.*Batch "Failed first" stays in Partner Center, which cannot delete a ` +
					`batch.*nothing is recorded in the state, and the next apply adopts the batch and uploads the devices it lacks`),
			},
			{
				PreConfig: calls.mark,
				Config:    provider + batchConfig("Failed first", []string{"SN-1"}, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					expectBatch("device_ids", knownvalue.MapSizeExact(1)), expectBatch("device_count", knownvalue.Int64Exact(1)),
				},
				Check: resource.ComposeTestCheckFunc(expectHeldNames(em, "Failed first", "SN-1"), calls.expect(1, 0)),
			},
		},
	})
	if n := len(em.Batches(emulator.SeedCustomerID)); n != 1 {
		t.Errorf("%d batches, want the one adopted", n)
	}
}

// testClient is a client of em signed in as a user, as a client other than
// the provider's.
func testClient(t *testing.T, em *testEmulator) *partnercenter.Client {
	t.Helper()
	return tokenClient(t, em.PlainURL, em.NewUserAccessToken(emulator.DefaultTenantID, time.Hour))
}

// tokenClient is a client of the Partner Center at baseURL that sends
// token, for tests and benchmarks that call it without the provider.
func tokenClient(tb testing.TB, baseURL, token string) *partnercenter.Client {
	tb.Helper()
	credential, err := partnercenter.NewCredential(partnercenter.CredentialOptions{AccessToken: token})
	if err != nil {
		tb.Fatal(err)
	}
	client, err := partnercenter.NewClient(partnercenter.Options{BaseURL: baseURL, Credential: credential})
	if err != nil {
		tb.Fatal(err)
	}
	return client
}

// devicesChange is a plan check that the batch's plan changes devices by
// key: the keys of removed go, those of added come, and every other entry
// is the same before and after, so that a reviewer sees which devices are
// deleted and uploaded.
type devicesChange struct {
	removed, added []string
}

// CheckPlan implements plancheck.PlanCheck.
func (c devicesChange) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != batchAddress {
			continue
		}
		devicesOf := func(v any) map[string]any {
			object, _ := v.(map[string]any)
			devices, _ := object["devices"].(map[string]any)
			return devices
		}
		before, after := devicesOf(rc.Change.Before), devicesOf(rc.Change.After)
		var removed, added, changed []string
		for key, entry := range before {
			if other, ok := after[key]; !ok {
				removed = append(removed, key)
			} else if !reflect.DeepEqual(entry, other) {
				changed = append(changed, key)
			}
		}
		for key := range after {
			if _, ok := before[key]; !ok {
				added = append(added, key)
			}
		}
		slices.Sort(removed)
		slices.Sort(added)
		if !slices.Equal(removed, c.removed) || !slices.Equal(added, c.added) || len(changed) > 0 {
			resp.Error = fmt.Errorf("the plan removes %v, adds %v and changes %v; want %v removed and %v added, nothing changed",
				removed, added, changed, c.removed, c.added)
		}
		return
	}
	resp.Error = fmt.Errorf("the plan has no change of %s", batchAddress)
}

// TestAccDeviceBatch_planNamesDevicesByKey removes one device and adds
// another: the plan shows - "CSP0002" and + "CSP0004", the other devices
// untouched, and the apply deletes and uploads exactly those.
func TestAccDeviceBatch_planNamesDevicesByKey(t *testing.T) {
	em := newUploadEmulator(t)
	provider := em.userProviderConfig()
	calls := &callCounter{em: em}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{Config: provider + batchConfig("Keys", []string{"CSP0001", "CSP0002", "CSP0003"}, ""), Check: calls.expect(1, 0)},
			{
				Config: provider + batchConfig("Keys", []string{"CSP0001", "CSP0003", "CSP0004"}, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					devicesChange{removed: []string{"CSP0002"}, added: []string{"CSP0004"}},
				}},
				Check: resource.ComposeTestCheckFunc(expectHeldNames(em, "Keys", "CSP0001", "CSP0003", "CSP0004"), calls.expect(1, 1)),
			},
		},
	})
}

// TestAccDeviceBatch_sameDeviceCallsNothing changes entries without changing
// devices: a hash taken again from the same device (the same serial
// number), a device under another key, a model added to an entry. Partner
// Center is sent nothing; an apply never deletes a device and uploads one
// with the same serial number. A device of the same serial number is not
// always the same device, though: a white-box device whose serial number
// is the firmware's placeholder, deleted behind Terraform's back while
// another client uploads one of that serial number, another hash and
// another model to the batch, is offered for upload again, the other
// device shown under its ID; and a destroy leaves the other device alone.
func TestAccDeviceBatch_sameDeviceCallsNothing(t *testing.T) {
	em := newUploadEmulator(t)
	provider := em.userProviderConfig()
	calls := &callCounter{em: em}
	retaken := csvDevice("SN-1")
	retaken.hash = hardwareHash("SN-1, taken again")
	relabelled := csvDevice("SN-2")
	relabelled.key = "kiosk"
	modelled := csvDevice("SN-3")
	modelled.model = "Laptop 7"
	const placeholder, otherClients = "Default string", "0000-other-client"
	whiteBox := keyedDevice{key: placeholder, hash: hardwareHash("white box"), serial: placeholder, manufacturer: "Contoso", model: "Laptop 7"}
	second := provider + keyedBatchConfig("Same", []keyedDevice{retaken, relabelled, modelled, whiteBox})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		CheckDestroy: func(*terraform.State) error {
			held := em.Devices(emulator.SeedCustomerID, "Same")
			if len(held) != 1 || held[0].ID != otherClients {
				return fmt.Errorf("the batch holds %+v after destroy, want the other client's device %s only", held, otherClients)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: provider + keyedBatchConfig("Same", []keyedDevice{csvDevice("SN-1"), csvDevice("SN-2"), csvDevice("SN-3"), whiteBox}),
				Check:  calls.expect(1, 0),
			},
			{
				Config: second,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(batchAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(batchAddress, tfjsonpath.New("device_ids"), knownvalue.MapSizeExact(4)),
				}},
				Check: resource.ComposeTestCheckFunc(expectHeldNames(em, "Same", "SN-1", "SN-2", "SN-3", placeholder), calls.expect(0, 0)),
			},
			{
				PreConfig: func() {
					for _, d := range em.Devices(emulator.SeedCustomerID, "Same") {
						if d.SerialNumber == placeholder {
							if err := em.DeleteDevice(emulator.SeedCustomerID, "Same", d.ID); err != nil {
								t.Fatal(err)
							}
						}
					}
					if _, err := em.AddDevices(emulator.SeedCustomerID, "Same", emulator.Device{ID: otherClients, HardwareHash: hardwareHash("another white box"),
						SerialNumber: placeholder, OemManufacturerName: "Contoso", ModelName: "Desktop 3"}); err != nil {
						t.Fatal(err)
					}
					calls.mark()
				},
				Config:             second,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					devicesChange{removed: []string{identifierKey("sn", placeholder)}, added: []string{placeholder}},
				}},
				Check: calls.expect(0, 0),
			},
		},
	})
}

// TestAccDeviceBatch_finishedWithErrorsWithoutResults: Partner Center
// reports an upload finished_with_errors with no devicesStatus. The apply
// fails saying so and naming the device the batch lacks afterwards; with
// fail_on_device_errors = false it warns and records the failure in
// last_upload, and the status data source, asked to fail on device errors,
// fails for that upload too. Sent in parts, an upload whose first part so
// failed and whose last finished fails the same.
func TestAccDeviceBatch_finishedWithErrorsWithoutResults(t *testing.T) {
	em := newUploadEmulator(t)
	em.SetAnswers(emulator.Answers{FailedJobsWithoutResults: true})
	if _, err := em.AddDevices(otherCustomerID, "Fabrikam", emulatorDevice("SN-808"), emulatorDevice("SN-0808")); err != nil {
		t.Fatal(err)
	}
	provider := em.userProviderConfig()
	inParts := em.providerConfig(attrs{"refresh_token": em.NewRefreshToken(emulator.DefaultTenantID, emulator.DefaultClientID), "upload_part_size": 1})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{
				Config: provider + batchConfig("Unnamed", []string{"SN-1", "SN-808"}, ""),
				ExpectError: errorPattern(`Devices failed to upload.*Partner Center reports the upload of 2 device\(s\) to batch "Unnamed" ` +
					`of customer ` + emulator.SeedCustomerID + ` finished_with_errors \(batch tracking ID [0-9a-f-]{36}\), but names no device ` +
					`that failed.*1 of them are not in the batch:\s+- devices\["SN-808"\]`),
				Check: expectHeldNames(em, "Unnamed", "SN-1"),
			},
			{
				Config: provider + batchConfig("Unnamed", []string{"SN-1", "SN-808"}, "fail_on_device_errors = false"),
				ConfigStateChecks: []statecheck.StateCheck{
					expectBatch("last_upload", knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"status": knownvalue.StringExact("finished_with_errors"), "failed_device_count": knownvalue.Int64Exact(1),
					})),
					expectBatch("device_ids", knownvalue.MapSizeExact(1)),
				},
				ExpectNonEmptyPlan: true, // SN-808 is offered again
			},
			{
				Config: provider + batchConfig("Unnamed", []string{"SN-1", "SN-808"}, "fail_on_device_errors = false") + `
data "partnercenter_device_batch_status" "upload" {
  location              = partnercenter_device_batch.test.last_upload.location
  fail_on_device_errors = true
}
`,
				ExpectError: errorPattern(`Devices failed to upload.*finished_with_errors, but Partner Center names no device that failed`),
			},
			{
				// Parts of one device, in the order of their keys: SN-0808
				// fails in the first part, naming no device; SN-2, the
				// last part, finishes.
				Config: inParts + batchConfig("Unnamed", []string{"SN-0808", "SN-1", "SN-2"}, ""),
				ExpectError: errorPattern(`Devices failed to upload.*Partner Center reports the upload of 2 device\(s\) to batch "Unnamed" ` +
					`of customer ` + emulator.SeedCustomerID + ` finished_with_errors \(batch tracking ID [0-9a-f-]{36}, [0-9a-f-]{36}\), ` +
					`but names no device that failed.*1 of them are not in the batch:\s+- devices\["SN-0808"\]`),
			},
		},
	})
}

// TestAccDeviceBatch_largeUploadInParts uploads 1,001 devices to a Partner
// Center that takes at most partnercenter.MaxDevicesPerRequest devices a
// request: the batch is created with the first part and the others added,
// each part its own batch job, all waited for and summed up in last_upload.
func TestAccDeviceBatch_largeUploadInParts(t *testing.T) {
	em := newUploadEmulator(t)
	em.SetAnswers(emulator.Answers{MaxDevicesPerUpload: partnercenter.MaxDevicesPerRequest})
	serials := make([]string, 2*partnercenter.MaxDevicesPerRequest+1)
	for i := range serials {
		serials[i] = fmt.Sprintf("SN-%04d", i)
	}
	calls := &callCounter{em: em}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: em.userProviderConfig() + batchConfig("Large", serials, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				expectBatch("device_ids", knownvalue.MapSizeExact(len(serials))),
				expectBatch("last_upload", knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"status":              knownvalue.StringExact("finished"),
					"failed_device_count": knownvalue.Int64Exact(0),
					"devices_status":      knownvalue.ListSizeExact(0),
					"locations":           knownvalue.ListSizeExact(3),
				})),
			},
			Check: resource.ComposeTestCheckFunc(calls.expect(3, 0), func(*terraform.State) error {
				if n := len(em.Devices(emulator.SeedCustomerID, "Large")); n != len(serials) {
					return fmt.Errorf("the batch holds %d devices, want %d", n, len(serials))
				}
				return nil
			}),
		}},
	})
}

// TestAccDeviceBatchStatus_expiredUpload reads the status of an upload long
// after it finished, from a Partner Center whose statuses expire: the
// batch's refresh does not fail for it, and the status data source says
// plainly that the upload may be too old to read.
func TestAccDeviceBatchStatus_expiredUpload(t *testing.T) {
	em := newUploadEmulator(t)
	clock := emulator.NewManualClock(time.Now())
	em.SetClock(clock)
	em.SetAnswers(emulator.Answers{StatusExpiry: time.Hour})
	config := em.userProviderConfig() + batchConfig("Old", []string{"SN-1"}, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { clock.Advance(48 * time.Hour) },
				Config:    config,
				PlanOnly:  true,
			},
			{
				Config: config + `
data "partnercenter_device_batch_status" "upload" {
  location = partnercenter_device_batch.test.last_upload.location
}
`,
				ExpectError: errorPattern(`Device batch not found.*HTTP status: 404 Not Found.*Check both IDs.*Partner Center also keeps an ` +
					`upload's status for a limited time only: an upload that finished long ago \(days\) can no longer be read`),
			},
		},
	})
}

// TestAccDeviceBatch_hashOnlyDevicesImportedUnderEveryAnswer: devices
// configured by their hardware hash alone, forgotten and imported again.
// The configuration Terraform generates for the import plans no change.
// Where the device list carries hashes, the imported devices are the
// configured ones under other keys, and the apply sends nothing; where it
// carries none, nothing tells them apart, and the plan is refused rather
// than deleting the devices and uploading the same hashes again.
func TestAccDeviceBatch_hashOnlyDevicesImportedUnderEveryAnswer(t *testing.T) {
	underEveryAnswer(t, []string{"list-hardware-hashes", "list-uploaded-fields-only"}, func(t *testing.T, answers emulator.Answers) {
		em := newUploadEmulator(t)
		em.SetAnswers(answers)
		const batch = "Hash only"
		config := em.userProviderConfig() + keyedBatchConfig(batch, []keyedDevice{
			{key: "laptop-1", hash: hardwareHash("SN-1")}, {key: "laptop-2", hash: hardwareHash("SN-2")},
		})
		calls := &callCounter{em: em}
		last := resource.TestStep{Config: config, Check: calls.expect(0, 0)}
		if !answers.ListHardwareHashes {
			last = resource.TestStep{Config: config, PlanOnly: true,
				ExpectError: errorPattern(`Devices cannot be told apart.*The plan uploads devices\["laptop-1"\] and deletes devices\[".+"\], which ` +
					`the batch holds, and they share no field that both carry`)}
		}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: providerFactories(nil),
			Steps: []resource.TestStep{
				{Config: config, Check: calls.expect(1, 0)},
				forgetStep(em.userProviderConfig(), batchAddress),
				{Config: config, ResourceName: batchAddress, ImportState: true, ImportStateId: emulator.SeedCustomerID + "/" + batch, ImportStatePersist: true},
				{
					// Written from the devices as listed, by their IDs alone
					// where the list carries nothing else, it plans no change.
					Config: em.userProviderConfig(), ResourceName: batchAddress, ImportState: true, ImportStateKind: resource.ImportBlockWithID,
					ImportStateId: emulator.SeedCustomerID + "/" + batch, GenerateConfig: true,
				},
				last,
			},
		})
	})
}
