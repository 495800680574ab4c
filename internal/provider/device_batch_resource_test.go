package provider

import (
	"encoding/base64"
	"fmt"
	"net/http"
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
)

const batchAddress = "partnercenter_device_batch.test"

// otherCustomerID is a customer that already holds devices the tests upload
// for SeedCustomerID, so that those fail with 808.
const otherCustomerID = "0f1e2d3c-4b5a-4697-8887-a6b5c4d3e2f1"

// hardwareHash is a base64 hardware hash unique to serial.
func hardwareHash(serial string) string {
	return base64.StdEncoding.EncodeToString([]byte("hardware hash of " + serial))
}

// emulatorDevice is d as the emulator holds it.
func emulatorDevice(serial string) emulator.Device {
	return emulator.Device{HardwareHash: hardwareHash(serial), SerialNumber: serial}
}

// newUploadEmulator is an emulator whose uploads finish at their first
// status read, for a provider signed in as a user (uploads need app+user).
func newUploadEmulator(t *testing.T) *testEmulator {
	t.Helper()
	em := newTestEmulator(t)
	em.SetJobTiming(0, 0)
	return em
}

// userProviderConfig signs in to em as a user, with a refresh token.
func (e *testEmulator) userProviderConfig() string {
	return e.providerConfig(attrs{"refresh_token": e.NewRefreshToken(emulator.DefaultTenantID, emulator.DefaultClientID)})
}

// batchConfig declares partnercenter_device_batch.test with the devices of
// serials, identified by hardware hash and serial number and keyed by
// serial number, as Get-WindowsAutopilotInfo's file through
// autopilot_devices() gives them, and extra arguments.
func batchConfig(batchID string, serials []string, extra string) string {
	var devices strings.Builder
	for _, s := range serials {
		fmt.Fprintf(&devices, "    %q = { hardware_hash = %q, serial_number = %q },\n", s, hardwareHash(s), s)
	}
	return fmt.Sprintf(`
resource "partnercenter_device_batch" "test" {
  customer_id = %q
  batch_id    = %q
  devices = {
%s  }
%s
}
`, emulator.SeedCustomerID, batchID, devices.String(), extra)
}

// serialsOf lists the serial numbers of the devices em holds in a batch.
func serialsOf(em *testEmulator, batchID string) []string {
	var serials []string
	for _, d := range em.Devices(emulator.SeedCustomerID, batchID) {
		serials = append(serials, d.SerialNumber)
	}
	slices.Sort(serials)
	return serials
}

// expectHeld checks that the batch holds exactly the devices of serials.
func expectHeld(em *testEmulator, batchID string, serials ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		want := slices.Sorted(slices.Values(serials))
		if got := serialsOf(em, batchID); !slices.Equal(got, want) {
			return fmt.Errorf("batch %q holds %v, want %v", batchID, got, want)
		}
		return nil
	}
}

func expectBatch(attribute string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(batchAddress, tfjsonpath.New(attribute), value)
}

// uploadedSerials checks that device_ids holds the devices of serials,
// keyed by serial number, each with an ID: the devices the batch holds.
func uploadedSerials(serials ...string) statecheck.StateCheck {
	checks := make(map[string]knownvalue.Check, len(serials))
	for _, s := range serials {
		checks[s] = knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}(-\d{4}){5}-\d\d$`))
	}
	return expectBatch("device_ids", knownvalue.MapExact(checks))
}

// requestsTo counts the Partner Center requests of method whose path ends
// with suffix, case-insensitively.
func requestsTo(em *testEmulator, method, suffix string) int {
	n := 0
	for _, r := range partnerCenterRequests(em.Emulator) {
		if r.Method == method && strings.HasSuffix(strings.ToLower(r.Path), strings.ToLower(suffix)) {
			n++
		}
	}
	return n
}

// TestAccDeviceBatch_failedDevices uploads three devices, one already held by
// another customer: with fail_on_device_errors the apply fails naming it and
// records nothing; the next apply adopts the batch and uploads only that
// device again. With fail_on_device_errors = false the apply warns and the
// plan after it offers the failed device again.
func TestAccDeviceBatch_failedDevices(t *testing.T) {
	em := newUploadEmulator(t)
	if _, err := em.AddDevices(otherCustomerID, "Fabrikam", emulatorDevice("SN-808")); err != nil {
		t.Fatal(err)
	}
	config := em.userProviderConfig() + batchConfig("Mixed", []string{"SN-1", "SN-808", "SN-2"}, "")
	failed := `Devices failed to upload.*1 of [13] device\(s\) uploaded to batch "Mixed".*serial number SN-808: error 808 ZtdDeviceAssignedToOtherTenant`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{Config: config, ExpectError: errorPattern(failed), Check: expectHeld(em, "Mixed", "SN-1", "SN-2")},
			{
				// Adopted: only the failed device is uploaded again.
				Config:      config,
				ExpectError: errorPattern(failed),
				Check: func(*terraform.State) error {
					if n := requestsTo(em, http.MethodPost, "/deviceBatches"); n != 1 {
						return fmt.Errorf("%d batch creations, want 1", n)
					}
					return nil
				},
			},
			{
				Config: em.userProviderConfig() + batchConfig("Mixed", []string{"SN-1", "SN-808", "SN-2"}, "fail_on_device_errors = false"),
				ConfigStateChecks: []statecheck.StateCheck{
					uploadedSerials("SN-1", "SN-2"),
					expectBatch("last_upload", knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"status": knownvalue.StringExact("finished_with_errors"), "failed_device_count": knownvalue.Int64Exact(1),
					})),
				},
				ExpectNonEmptyPlan: true, // SN-808 is offered again
			},
			{
				// Dropped from the configuration: no change left.
				Config:           em.userProviderConfig() + batchConfig("Mixed", []string{"SN-1", "SN-2"}, "fail_on_device_errors = false"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            expectHeld(em, "Mixed", "SN-1", "SN-2"),
			},
		},
	})
	// The failed device's uploads: the creation, then one upload each time.
	var uploads []string
	for _, r := range partnerCenterRequests(em.Emulator) {
		if r.Method == http.MethodPost {
			uploads = append(uploads, r.Path)
		}
	}
	if len(uploads) != 3 {
		t.Errorf("uploads %v, want a creation and two uploads of the failed device", uploads)
	}
}

// TestAccDeviceBatch_adoptsALeftBehindBatch creates the resource where a
// batch of its name in another case exists, under either answer to whether
// Partner Center compares batch names case-sensitively: holding only
// configured devices, it is adopted and only the missing ones are uploaded,
// every call naming the batch as Partner Center spells it while the state
// keeps the configured name. An apply that then only removes a device
// records the count of devices left.
func TestAccDeviceBatch_adoptsALeftBehindBatch(t *testing.T) {
	underEveryAnswer(t, []string{"case-sensitive-batch-names"}, testAdoptsALeftBehindBatch)
}

func testAdoptsALeftBehindBatch(t *testing.T, answers emulator.Answers) {
	const configured, held = "Left Behind", "left behind"
	em := newUploadEmulator(t)
	em.SetAnswers(answers)
	if _, err := em.AddDevices(emulator.SeedCustomerID, held, emulatorDevice("SN-1")); err != nil {
		t.Fatal(err)
	}
	// namedAsHeld checks that every call naming a batch names it as Partner
	// Center spells it.
	namedAsHeld := func(*terraform.State) error {
		for _, r := range partnerCenterRequests(em.Emulator) {
			if _, rest, ok := strings.Cut(r.Path, "/deviceBatches/"); ok && !strings.HasPrefix(rest, held+"/") {
				return fmt.Errorf("%s %s names the batch otherwise than Partner Center's %q", r.Method, r.Path, held)
			}
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		CheckDestroy:             resource.ComposeTestCheckFunc(expectHeld(em, held), namedAsHeld),
		Steps: []resource.TestStep{
			{
				Config: em.userProviderConfig() + batchConfig(configured, []string{"SN-1", "SN-2"}, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					uploadedSerials("SN-1", "SN-2"),
					expectBatch("batch_id", knownvalue.StringExact(configured)),
					expectBatch("id", knownvalue.StringExact(emulator.SeedCustomerID+"/"+configured)),
					expectBatch("device_count", knownvalue.Int64Exact(2)),
					expectBatch("last_upload", knownvalue.ObjectPartial(map[string]knownvalue.Check{"devices_status": knownvalue.ListSizeExact(0)})),
				},
				Check: func(*terraform.State) error {
					if n := requestsTo(em, http.MethodPost, "/deviceBatches"); n != 0 {
						return fmt.Errorf("%d batch creations, want none: the batch exists", n)
					}
					for _, b := range em.Batches(emulator.SeedCustomerID) {
						if b.ID == configured {
							return fmt.Errorf("Partner Center holds a batch %q besides %q, want the one adopted", configured, held)
						}
					}
					return resource.ComposeTestCheckFunc(expectHeld(em, held, "SN-1", "SN-2"), namedAsHeld)(nil)
				},
			},
			{
				// Only a removal: the count is Partner Center's after it.
				Config: em.userProviderConfig() + batchConfig(configured, []string{"SN-2"}, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					uploadedSerials("SN-2"),
					expectBatch("device_count", knownvalue.Int64Exact(1)),
				},
				Check: resource.ComposeTestCheckFunc(expectHeld(em, held, "SN-2"), namedAsHeld),
			},
		},
	})
}

func TestAccDeviceBatch_refusesABatchHoldingOtherDevices(t *testing.T) {
	em := newUploadEmulator(t)
	if _, err := em.AddDevices(emulator.SeedCustomerID, "Taken", emulatorDevice("SN-OTHER")); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: em.userProviderConfig() + batchConfig("Taken", []string{"SN-1"}, ""),
			ExpectError: errorPattern(`Device batch already exists.*holding 1 device\(s\) the configuration does not name.*` +
				`serial number "SN-OTHER".*Nothing was changed.*import \{ to = partnercenter_device_batch.<name> id = "` + emulator.SeedCustomerID +
				`/Taken" \}.*terraform import partnercenter_device_batch.<name> "` + emulator.SeedCustomerID + `/Taken"`),
		}},
	})
	if n := requestsTo(em, http.MethodPost, ""); n != 0 {
		t.Errorf("%d uploads, want none", n)
	}
}

func TestAccDeviceBatch_appOnlySignInRefused(t *testing.T) {
	em := newUploadEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: em.providerConfig() + batchConfig("App only", []string{"SN-1"}, ""),
			ExpectError: errorPattern(`Access denied by Partner Center.*Creating batch "App only".*HTTP status: 403 Forbidden.*` +
				`creates a device batch only for an app\+user sign-in: configure refresh_token.*` +
				`the section "App\+user: refresh token" of the "Sign-in" guide of the provider's docs \(docs/guides/sign-in.md\), ` +
				`https://github.com/seed-8b9b5c63/terraform-provider-partnercenter/blob/main/docs/guides/sign-in.md#appuser-refresh-token\)`),
		}},
	})
}

// TestAccDeviceBatch_threePages uploads 250 devices, which Partner Center
// lists in three pages, and reads them all back.
func TestAccDeviceBatch_threePages(t *testing.T) {
	em := newUploadEmulator(t)
	serials := make([]string, 250)
	for i := range serials {
		serials[i] = fmt.Sprintf("SN-%03d", i)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: em.userProviderConfig() + batchConfig("Large", serials, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				expectBatch("devices", knownvalue.MapSizeExact(250)),
				expectBatch("device_ids", knownvalue.MapSizeExact(250)),
				expectBatch("device_count", knownvalue.Int64Exact(250)),
			},
			Check: func(*terraform.State) error {
				pages := 0
				for _, r := range partnerCenterRequests(em.Emulator) {
					if r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/devices") && r.Header.Get("MS-ContinuationToken") != "" {
						pages++
					}
				}
				if pages < 2 {
					return fmt.Errorf("%d device list reads with a continuation token, want the 2nd and 3rd pages read", pages)
				}
				return nil
			},
		}},
	})
}

// TestAccDeviceBatch_faultsRetriedOnce throttles, fails and drops the
// upload, the wait and the deletions: every call is retried under its
// MS-RequestId and nothing is uploaded or deleted twice.
func TestAccDeviceBatch_faultsRetriedOnce(t *testing.T) {
	em := newUploadEmulator(t)
	throttled := emulator.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"1"}}}
	unavailable := emulator.Fault{Status: http.StatusServiceUnavailable, Header: fastRetry, AfterApply: true}
	dropped := emulator.Fault{Mode: emulator.FaultDropConnection, AfterApply: true}
	config := em.userProviderConfig()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					em.InjectFaults(emulator.DeviceBatchesRoute, withMethod(http.MethodPost, throttled, unavailable, dropped)...)
					em.InjectFaults(batchRoute, throttled, emulator.Fault{Status: http.StatusServiceUnavailable, Header: fastRetry})
				},
				Config: config + batchConfig("Faulty", []string{"SN-1", "SN-2"}, ""),
				Check:  expectHeld(em, "Faulty", "SN-1", "SN-2"),
			},
			{
				PreConfig: func() {
					em.InjectFaults(emulator.DevicesRoute, withMethod(http.MethodPost, throttled, unavailable, dropped)...)
					em.InjectFaults(emulator.DeviceRoute, withMethod(http.MethodDelete, throttled, unavailable, dropped)...)
				},
				Config: config + batchConfig("Faulty", []string{"SN-2", "SN-3"}, ""),
				// One creation, one upload and one deletion.
				Check: resource.ComposeTestCheckFunc(expectHeld(em, "Faulty", "SN-2", "SN-3"), expectEachCallOnce(em, 3)),
			},
		},
	})
}

// expectEachCallOnce checks the calls that changed Partner Center: there
// are exactly want of them, each attempted four times under one
// MS-RequestId.
func expectEachCallOnce(em *testEmulator, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		calls := map[string][]string{}
		for _, r := range partnerCenterRequests(em.Emulator) {
			if r.Method != http.MethodGet {
				id := r.Header.Get("MS-RequestId")
				calls[id] = append(calls[id], r.Method+" "+r.Path)
			}
		}
		if len(calls) != want {
			return fmt.Errorf("%d changing calls, want %d: %v", len(calls), want, calls)
		}
		for id, attempts := range calls {
			if len(attempts) != 4 || em.Attempts(id) != 4 {
				return fmt.Errorf("call %s made %d attempts (%v), want 4 under one MS-RequestId", id, len(attempts), attempts)
			}
		}
		return nil
	}
}

// withMethod is faults restricted to method.
func withMethod(method string, faults ...emulator.Fault) []emulator.Fault {
	out := make([]emulator.Fault, len(faults))
	for i, f := range faults {
		f.Method = method
		out[i] = f
	}
	return out
}

func TestAccDeviceBatch_badDevicesAtPlanTime(t *testing.T) {
	em := newUploadEmulator(t)
	resource := func(devices string) string {
		return em.userProviderConfig() + fmt.Sprintf(`
resource "partnercenter_device_batch" "test" {
  customer_id = %q
  batch_id    = "Bad"
  devices     = %s
}
`, emulator.SeedCustomerID, devices)
	}
	tests := []struct{ name, devices, want string }{
		{"no identification", `{ laptop = { model_name = "Surface Laptop 5" } }`,
			`Device cannot be identified.*In devices, "laptop": it has no hardware_hash, product_key or serial_number`},
		{"serial number alone", `{ "SN-1" = { serial_number = "SN-1", model_name = "Surface" } }`,
			`In devices, "SN-1": serial_number alone does not identify it; it also needs oem_manufacturer_name, or a hardware_hash or product_key`},
		{"hash not base64", `{ "SN-2" = { hardware_hash = "not-base64!", serial_number = "SN-2" } }`,
			`In devices, "SN-2": hardware_hash is not base64`},
		{"hash with a line break", fmt.Sprintf(`{ "SN-3" = { hardware_hash = "%s\n%s", serial_number = "SN-3" } }`, hardwareHash("X")[:8], hardwareHash("X")[8:]),
			`In devices, "SN-3": hardware_hash holds white space or a line break; a hardware hash is one line of base64`},
		{"twice", fmt.Sprintf(`{ A = { hardware_hash = %q, serial_number = "A" }, B = { hardware_hash = %q, serial_number = "B" } }`, hardwareHash("X"), hardwareHash("X")),
			`Duplicate device.*In devices, "A" and "B" are the same device: they have the same hardware_hash`},
		{"the same serial number twice", `{ A = { product_key = "P-1", serial_number = "S" }, B = { product_key = "P-2", serial_number = "S" } }`,
			`In devices, "A" and "B" are the same device: they have the same serial_number`},
		{"none", `{}`, `Attribute devices map must contain at least 1 elements, got: 0`},
		{"an empty key", `{ "" = { product_key = "P" } }`, `devices.*string length must be between 1 and 256`},
	}
	// The group ends when its parallel plans have, before the check below.
	t.Run("plans", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resourceTestPlanFails(t, resource(tt.devices), tt.want)
			})
		}
		t.Run("batch name with a control character", func(t *testing.T) {
			config := strings.Replace(resource(`{ P = { product_key = "P" } }`), `"Bad"`, `"Bad\tname"`, 1)
			resourceTestPlanFails(t, config, `batch_id must not contain control characters`)
		})
	})
	if n := len(partnerCenterRequests(em.Emulator)); n != 0 {
		t.Errorf("bad devices reached Partner Center %d times", n)
	}
}

// resourceTestPlanFails expects a plan of config to fail with want.
func resourceTestPlanFails(t *testing.T, config, want string) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps:                    []resource.TestStep{{Config: config, PlanOnly: true, ExpectError: errorPattern(want)}},
	})
}

// TestAccDeviceBatch_waitsForProcessing follows an upload through queued and
// processing, one state per poll.
func TestAccDeviceBatch_waitsForProcessing(t *testing.T) {
	em := newTestEmulator(t)
	em.SetStepPerRead(time.Second)
	em.SetJobTiming(time.Second, time.Second)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: em.userProviderConfig() + batchConfig("Slow", []string{"SN-1", "SN-2", "SN-3"}, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				expectBatch("last_upload", knownvalue.ObjectPartial(map[string]knownvalue.Check{"status": knownvalue.StringExact("finished")})),
				uploadedSerials("SN-1", "SN-2", "SN-3"),
			},
			Check: func(*terraform.State) error {
				if n := requestsTo(em, http.MethodGet, ""); n < 5 {
					return fmt.Errorf("%d reads, want the upload polled through queued and processing", n)
				}
				return nil
			},
		}},
	})
}

// TestAccDeviceBatch_acceptedErrorCodes uploads a device the customer
// already holds in another batch, which fails with 806: accepted, it lets
// the apply through and counts in last_upload.accepted_device_count, and
// the next plan offers it again, as any device the batch does not hold.
// Changing accepted_error_codes alone counts last_upload again and calls
// nothing.
func TestAccDeviceBatch_acceptedErrorCodes(t *testing.T) {
	em := newUploadEmulator(t)
	if _, err := em.AddDevices(emulator.SeedCustomerID, "Earlier", emulatorDevice("SN-806")); err != nil {
		t.Fatal(err)
	}
	lastUpload := func(failed, accepted int64) statecheck.StateCheck {
		return expectBatch("last_upload", knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"status":                knownvalue.StringExact("finished_with_errors"),
			"failed_device_count":   knownvalue.Int64Exact(failed),
			"accepted_device_count": knownvalue.Int64Exact(accepted),
			"devices_status":        knownvalue.ListSizeExact(1),
		}))
	}
	var posts int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{
				Config:             em.userProviderConfig() + batchConfig("Accepted", []string{"SN-1", "SN-806"}, `accepted_error_codes = ["806"]`),
				ConfigStateChecks:  []statecheck.StateCheck{lastUpload(0, 1), uploadedSerials("SN-1")},
				ExpectNonEmptyPlan: true, // SN-806 is offered again
				Check: func(*terraform.State) error {
					posts = requestsTo(em, http.MethodPost, "")
					return expectHeld(em, "Accepted", "SN-1")(nil)
				},
			},
			{
				// Settled: dropped from the configuration.
				Config:            em.userProviderConfig() + batchConfig("Accepted", []string{"SN-1"}, `accepted_error_codes = ["806"]`),
				ConfigStateChecks: []statecheck.StateCheck{lastUpload(0, 1)},
			},
			{
				// Without the accepted code the same upload counts one failed
				// device; nothing is sent to Partner Center.
				Config: em.userProviderConfig() + batchConfig("Accepted", []string{"SN-1"}, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(batchAddress, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{lastUpload(1, 0)},
				Check: func(*terraform.State) error {
					for _, r := range partnerCenterRequests(em.Emulator) {
						if r.Method != http.MethodGet && r.Method != http.MethodPost {
							return fmt.Errorf("%s %s, want no change sent", r.Method, r.Path)
						}
					}
					if n := requestsTo(em, http.MethodPost, ""); n != posts {
						return fmt.Errorf("%d uploads, want the %d of the first apply", n, posts)
					}
					return nil
				},
			},
		},
	})
}
