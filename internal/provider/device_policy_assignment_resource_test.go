package provider

import (
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

const assignmentAddress = "partnercenter_device_policy_assignment.test"

// assignmentSetup is a batch of four devices and two profiles, put in place
// behind Terraform's back.
type assignmentSetup struct {
	em                *testEmulator
	deviceIDs         []string
	policyID, otherID string
}

func newAssignmentSetup(t *testing.T) *assignmentSetup {
	t.Helper()
	em := newUploadEmulator(t)
	ids, err := em.AddDevices(emulator.SeedCustomerID, "Fleet", emulatorDevice("SN-1"), emulatorDevice("SN-2"), emulatorDevice("SN-3"), emulatorDevice("SN-4"))
	if err != nil {
		t.Fatal(err)
	}
	return &assignmentSetup{
		em:        em,
		deviceIDs: ids,
		policyID:  em.PutPolicy(emulator.SeedCustomerID, emulator.ConfigurationPolicy{Name: "Sales", Category: "o_o_b_e", PolicySettings: []string{"skip_eula"}}),
		otherID:   em.PutPolicy(emulator.SeedCustomerID, emulator.ConfigurationPolicy{Name: "Kiosk", Category: "o_o_b_e", PolicySettings: []string{}}),
	}
}

func (s *assignmentSetup) config(policyID, deviceIDs string) string {
	return s.configWith(s.em.providerConfig(), policyID, deviceIDs)
}

// configWith is config with the provider block given.
func (s *assignmentSetup) configWith(provider, policyID, deviceIDs string) string {
	return provider + fmt.Sprintf(`
resource "partnercenter_device_policy_assignment" "test" {
  customer_id = %q
  batch_id    = "Fleet"
  policy_id   = %q
%s
}
`, emulator.SeedCustomerID, policyID, deviceIDs)
}

// profiles lists each device's profile, in the order of deviceIDs.
func (s *assignmentSetup) profiles() []string {
	byID := map[string]string{}
	for _, d := range s.em.Devices(emulator.SeedCustomerID, "Fleet") {
		byID[d.ID] = d.OOBEPolicyID()
	}
	out := make([]string, len(s.deviceIDs))
	for i, id := range s.deviceIDs {
		out[i] = byID[id]
	}
	return out
}

// expectProfiles checks each device's profile, in the order of deviceIDs.
func (s *assignmentSetup) expectProfiles(want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := s.profiles(); !slices.Equal(got, want) {
			return fmt.Errorf("the devices' profiles are %q, want %q", got, want)
		}
		return nil
	}
}

func idSet(ids ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		checks[i] = knownvalue.StringExact(id)
	}
	return knownvalue.SetExact(checks)
}

func expectAssignment(attribute string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(assignmentAddress, tfjsonpath.New(attribute), value)
}

// TestAccDevicePolicyAssignment_everyDevice gives every device of the batch
// the profile, finds a device whose profile was changed behind Terraform's
// back as drift and gives it the profile again, then moves the devices to
// another profile: first in parts of one device, the first device failing,
// which fails the apply though the later parts finish, whether Partner
// Center names the device or not; then again once it no longer fails.
// Destroying leaves the devices with their profile.
func TestAccDevicePolicyAssignment_everyDevice(t *testing.T) {
	s := newAssignmentSetup(t)
	p, o := s.policyID, s.otherID
	inParts := s.configWith(s.em.providerConfig(attrs{"upload_part_size": 1}), o, "")
	// laterPartsFinished checks, after a step that failed, which runs no
	// Check, that the parts after the failing one gave their devices o.
	laterPartsFinished := func() {
		if err := s.expectProfiles(p, o, o, o)(nil); err != nil {
			t.Fatal(err)
		}
	}
	// failFirst makes the first device, the first part, fail, and gives the
	// others p again, so that the update takes every device in four parts.
	failFirst := func(answers emulator.Answers) {
		s.em.SetAnswers(answers)
		if err := s.em.FailDevicePolicyUpdates(emulator.SeedCustomerID, s.deviceIDs[0], "", emulator.ErrorDescriptionStorageError); err != nil {
			t.Fatal(err)
		}
		for _, id := range s.deviceIDs[1:] {
			if err := s.em.SetDevicePolicy(emulator.SeedCustomerID, "Fleet", id, p); err != nil {
				t.Fatal(err)
			}
		}
	}
	fourParts := `\(batch tracking ID [0-9a-f-]{36}(, [0-9a-f-]{36}){3}\)`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		CheckDestroy:             func(*terraform.State) error { return s.expectProfiles(o, o, o, o)(nil) },
		Steps: []resource.TestStep{
			{
				Config: s.config(p, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAssignment("id", knownvalue.StringExact(emulator.SeedCustomerID+"/Fleet/"+p)),
					expectAssignment("assigned_device_ids", idSet(s.deviceIDs...)),
					expectAssignment("unassigned_device_ids", idSet()),
					expectAssignment("last_update", knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"status": knownvalue.StringExact("finished"), "devices_status": knownvalue.ListSizeExact(4),
					})),
				},
				Check: s.expectProfiles(p, p, p, p),
			},
			{Config: s.config(p, ""), PlanOnly: true},
			{
				PreConfig: func() {
					if err := s.em.SetDevicePolicy(emulator.SeedCustomerID, "Fleet", s.deviceIDs[2], o); err != nil {
						t.Fatal(err)
					}
				},
				Config: s.config(p, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(assignmentAddress, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: s.expectProfiles(p, p, p, p),
			},
			{
				// The device's error is Partner Center's generic one, which
				// it names without a code.
				PreConfig: func() { failFirst(emulator.Answers{}) },
				Config:    inParts,
				ExpectError: errorPattern(`Devices failed to get the profile.*1 of 4 device\(s\) of batch "Fleet" of customer ` +
					emulator.SeedCustomerID + ` did not get profile ` + o + ` ` + fourParts + `:\s+- serial number SN-1: error StorageError`),
			},
			{
				PreConfig: func() {
					laterPartsFinished()
					failFirst(emulator.Answers{FailedJobsWithoutResults: true})
				},
				Config: inParts,
				ExpectError: errorPattern(`Devices failed to get the profile.*Partner Center reports the policy update of 4 device\(s\) of batch ` +
					`"Fleet" of customer ` + emulator.SeedCustomerID + ` to profile ` + o + ` finished_with_errors ` + fourParts +
					`, but names no device that failed`),
			},
			{
				PreConfig: func() {
					laterPartsFinished()
					s.em.SetAnswers(emulator.Answers{})
					if err := s.em.FailDevicePolicyUpdates(emulator.SeedCustomerID, s.deviceIDs[0], "", ""); err != nil {
						t.Fatal(err)
					}
				},
				Config: s.config(o, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAssignment("id", knownvalue.StringExact(emulator.SeedCustomerID+"/Fleet/"+o)),
					expectAssignment("assigned_device_ids", idSet(s.deviceIDs...)),
				},
				Check: s.expectProfiles(o, o, o, o),
			},
		},
	})
}

// TestAccDevicePolicyAssignment_someDevices gives two devices the profile and
// leaves the others alone.
func TestAccDevicePolicyAssignment_someDevices(t *testing.T) {
	s := newAssignmentSetup(t)
	p := s.policyID
	subset := fmt.Sprintf("  device_ids  = [%q, %q]", s.deviceIDs[0], s.deviceIDs[3])
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{
				Config:            s.config(p, subset),
				ConfigStateChecks: []statecheck.StateCheck{expectAssignment("assigned_device_ids", idSet(s.deviceIDs[0], s.deviceIDs[3]))},
				Check:             s.expectProfiles(p, "", "", p),
			},
			{
				// Partner Center's own count follows.
				Config: s.config(p, subset) + fmt.Sprintf(`
data "partnercenter_configuration_policies" "test" {
  customer_id = %q
  name        = "Sales"
}
`, emulator.SeedCustomerID),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue("data.partnercenter_configuration_policies.test",
					tfjsonpath.New("policies").AtSliceIndex(0).AtMapKey("devices_assigned_count"), knownvalue.Int64Exact(2))},
			},
		},
	})
}

// TestAccDevicePolicyAssignment_import imports the assignment of every
// device, by command and by an import block, with no change planned after.
func TestAccDevicePolicyAssignment_import(t *testing.T) {
	s := newAssignmentSetup(t)
	for _, id := range s.deviceIDs {
		if err := s.em.SetDevicePolicy(emulator.SeedCustomerID, "Fleet", id, s.policyID); err != nil {
			t.Fatal(err)
		}
	}
	id := emulator.SeedCustomerID + "/Fleet/" + s.policyID
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{Config: s.config(s.policyID, ""), ResourceName: assignmentAddress, ImportState: true, ImportStateId: id, ImportStatePersist: true},
			{Config: s.config(s.policyID, ""), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
	// The test is parallel already: its second case runs as its own.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", assignmentAddress, id) + s.config(s.policyID, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(assignmentAddress, plancheck.ResourceActionNoop),
			}},
			ConfigStateChecks: []statecheck.StateCheck{expectAssignment("assigned_device_ids", idSet(s.deviceIDs...))},
		}},
	})
	if n := requestsTo(s.em, http.MethodPatch, ""); n != 0 {
		t.Errorf("%d policy updates around an import, want none", n)
	}
}

func TestAccDevicePolicyAssignment_unknownDeviceRefused(t *testing.T) {
	s := newAssignmentSetup(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: s.config(s.policyID, fmt.Sprintf("  device_ids  = [%q, \"0000-not-in-the-batch\"]", s.deviceIDs[0])),
			ExpectError: errorPattern(`Devices not in the batch.*device_ids names 1 device\(s\) that batch "Fleet" of customer ` +
				emulator.SeedCustomerID + ` does not hold: 0000-not-in-the-batch\. Nothing was changed\.`),
		}},
	})
	if n := requestsTo(s.em, http.MethodPatch, ""); n != 0 {
		t.Errorf("%d policy updates, want none", n)
	}
	if got := s.profiles(); strings.Join(got, "") != "" {
		t.Errorf("profiles %q after a refused assignment", got)
	}
}

// TestAccDevicePolicyAssignment_faultsRetriedOnce throttles and fails the
// policy update and its wait: each call is retried under its MS-RequestId and
// the update is applied once.
func TestAccDevicePolicyAssignment_faultsRetriedOnce(t *testing.T) {
	s := newAssignmentSetup(t)
	s.em.InjectFaults(emulator.DevicePolicyUpdatesRoute,
		emulator.Fault{Status: http.StatusTooManyRequests, Header: fastRetry},
		emulator.Fault{Status: http.StatusServiceUnavailable, Header: fastRetry, AfterApply: true},
		emulator.Fault{Mode: emulator.FaultDropConnection, AfterApply: true})
	s.em.InjectFaults(batchRoute, emulator.Fault{Status: http.StatusServiceUnavailable, Header: fastRetry})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: s.config(s.policyID, ""),
			// The policy update is the only call that changes Partner Center;
			// the wait's refused poll is tried again under its MS-RequestId.
			Check: resource.ComposeTestCheckFunc(s.expectProfiles(s.policyID, s.policyID, s.policyID, s.policyID), expectEachCallOnce(s.em, 1),
				func(*terraform.State) error {
					for _, r := range partnerCenterRequests(s.em.Emulator) {
						if r.Method == http.MethodGet && strings.Contains(r.Path, "/batchJobStatus/") && s.em.Attempts(r.Header.Get("MS-RequestId")) == 2 {
							return nil
						}
					}
					return fmt.Errorf("no batch status poll was tried twice under one MS-RequestId")
				}),
		}},
	})
}

// TestAccDevicePolicyAssignment_readTimeout refreshes an assignment whose
// batch can no longer be read: the read gives up at timeouts { read }, not
// at the default of minutes, and says which bound it hit.
func TestAccDevicePolicyAssignment_readTimeout(t *testing.T) {
	s := newAssignmentSetup(t)
	config := s.em.providerConfig(attrs{"max_retries": 10}) + fmt.Sprintf(`
resource "partnercenter_device_policy_assignment" "test" {
  customer_id = %q
  batch_id    = "Fleet"
  policy_id   = %q

  timeouts {
    read = "3s"
  }
}
`, emulator.SeedCustomerID, s.policyID)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: config,
			// Once created, under the default create timeout, the batch can
			// no longer be read: the refresh of the plan the test makes
			// after the apply is the first read under the short timeout,
			// and the only one that has to end within it.
			Check: func(*terraform.State) error {
				s.em.InjectFaults(emulator.DeviceBatchesRoute, emulator.Fault{Status: http.StatusInternalServerError, Body: unexpectedServiceError, Times: -1})
				return nil
			},
			ExpectError: regexp.MustCompile(`(?s)Partner Center unavailable.*` + wrapped(`did not complete within timeouts { read } = 3s`)),
		}},
	})
}

// TestAccDevicePolicyAssignment_conflictsRefused plans two assignments that
// give the same devices of a batch different profiles, which would take
// the profile off each other at every apply: one for the whole batch and
// one for some devices, or two naming the same device. The plan fails
// naming both; nothing is sent.
func TestAccDevicePolicyAssignment_conflictsRefused(t *testing.T) {
	s := newAssignmentSetup(t)
	second := func(deviceIDs string) string {
		return fmt.Sprintf(`
resource "partnercenter_device_policy_assignment" "other" {
  customer_id = %q
  batch_id    = "fleet"
  policy_id   = %q
%s
}
`, emulator.SeedCustomerID, s.otherID, deviceIDs)
	}
	for name, tc := range map[string]struct{ first, second, want string }{
		"the whole batch and some devices": {"", fmt.Sprintf("  device_ids = [%q]", s.deviceIDs[0]),
			`every device of the batch is claimed by one of them`},
		"the same device twice": {fmt.Sprintf("  device_ids = [%q, %q]", s.deviceIDs[0], s.deviceIDs[1]),
			fmt.Sprintf("  device_ids = [%q, %q]", s.deviceIDs[1], s.deviceIDs[2]), `both name devices ` + strings.ToLower(s.deviceIDs[1])},
	} {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories(nil),
				Steps: []resource.TestStep{{
					Config:   s.config(s.policyID, tc.first) + second(tc.second),
					PlanOnly: true,
					ExpectError: errorPattern(`Two assignments give the same devices a profile.*This partnercenter_device_policy_assignment gives ` +
						`profile [0-9a-f-]{36} to (every device|[0-9] device\(s\)), and another gives profile [0-9a-f-]{36} to ` +
						`(every device|[0-9] device\(s\)), of batch "fleet" of customer ` + emulator.SeedCustomerID + `: ` + tc.want +
						`.*each apply would take off the profile the other gave`),
				}},
			})
		})
	}
	t.Run("devices apart", func(t *testing.T) {
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: providerFactories(nil),
			Steps: []resource.TestStep{{
				Config: s.config(s.policyID, fmt.Sprintf("  device_ids = [%q, %q]", s.deviceIDs[0], s.deviceIDs[1])) +
					second(fmt.Sprintf("  device_ids = [%q]", s.deviceIDs[2])),
				Check: s.expectProfiles(s.policyID, s.policyID, s.otherID, ""),
			}},
		})
	})
}

// movedAssignmentConfig is a batch-wide assignment to the batch of resource
// batch (Fleet: SN-1, SN-2; Spare: SN-3) of customerID, of the profile of
// the last of profiles, which are the profiles declared (sales, kiosk or
// shared): a profile first named in a step is created in the plan that
// moves the assignment to it.
func movedAssignmentConfig(em *testEmulator, customerID, batch string, profiles ...string) string {
	var b strings.Builder
	b.WriteString(em.userProviderConfig())
	settings := map[string]string{"sales": `["skip_eula"]`, "kiosk": `[]`, "shared": `["skip_express_settings"]`}
	for _, p := range profiles {
		fmt.Fprintf(&b, `
resource "partnercenter_configuration_policy" %[1]q {
  customer_id     = %[2]q
  name            = %[3]q
  policy_settings = %[4]s
}
`, p, customerID, strings.ToUpper(p[:1])+p[1:], settings[p])
	}
	fmt.Fprintf(&b, `
resource "partnercenter_device_batch" "fleet" {
  customer_id = %[1]q
  batch_id    = "Fleet"
  devices = {
    "SN-1" = { hardware_hash = %[4]q, serial_number = "SN-1" }
    "SN-2" = { hardware_hash = %[5]q, serial_number = "SN-2" }
  }
}

resource "partnercenter_device_batch" "spare" {
  customer_id = %[1]q
  batch_id    = "Spare"
  devices = {
    "SN-3" = { hardware_hash = %[6]q, serial_number = "SN-3" }
  }
}

resource "partnercenter_device_policy_assignment" "test" {
  customer_id = partnercenter_device_batch.%[2]s.customer_id
  batch_id    = partnercenter_device_batch.%[2]s.batch_id
  policy_id   = partnercenter_configuration_policy.%[3]s.policy_id
}
`, customerID, batch, profiles[len(profiles)-1], hardwareHash("SN-1"), hardwareHash("SN-2"), hardwareHash("SN-3"))
	return b.String()
}

// customerProfiles checks the profile of each device of each batch of
// customerID, by batch and serial number: the name of its policy, "" for
// none.
func customerProfiles(em *testEmulator, customerID string, want map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		names := map[string]string{}
		for _, p := range em.Policies(customerID) {
			names[p.ID] = p.Name
		}
		got := map[string]string{}
		for _, batch := range []string{"Fleet", "Spare"} {
			for _, d := range em.Devices(customerID, batch) {
				got[batch+"/"+d.SerialNumber] = names[d.OOBEPolicyID()]
			}
		}
		if !maps.Equal(got, want) {
			return fmt.Errorf("the devices' profiles of customer %s are %v, want %v", customerID, got, want)
		}
		return nil
	}
}

// TestAccDevicePolicyAssignment_moved moves a batch-wide assignment, which
// Terraform plans twice in a plan that replaces it (for the object it
// replaces, then for the one it creates), and whose profile is unknown in
// the plan that creates the profile: to another batch (replaced); to a
// profile created in the same plan (updated); to another batch and a new
// profile at once (replaced, its profile unknown); with its batches and
// profiles to another customer (each replaced). None conflicts with
// itself; each applies and plans no change after.
func TestAccDevicePolicyAssignment_moved(t *testing.T) {
	em := newUploadEmulator(t)
	const otherCustomerID = "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"
	em.AddCustomer(otherCustomerID)
	profiles := []string{"sales", "kiosk", "shared"}
	plans := func(action plancheck.ResourceActionType, policyUnknown bool, replaced ...string) resource.ConfigPlanChecks {
		checks := []plancheck.PlanCheck{plancheck.ExpectResourceAction(assignmentAddress, action)}
		if policyUnknown {
			checks = append(checks, plancheck.ExpectUnknownValue(assignmentAddress, tfjsonpath.New("policy_id")))
		}
		for _, address := range replaced {
			checks = append(checks, plancheck.ExpectResourceAction(address, plancheck.ResourceActionDestroyBeforeCreate))
		}
		return resource.ConfigPlanChecks{PreApply: checks}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{
				Config: movedAssignmentConfig(em, emulator.SeedCustomerID, "fleet", profiles[:1]...),
				Check:  customerProfiles(em, emulator.SeedCustomerID, map[string]string{"Fleet/SN-1": "Sales", "Fleet/SN-2": "Sales", "Spare/SN-3": ""}),
			},
			{
				Config:           movedAssignmentConfig(em, emulator.SeedCustomerID, "spare", profiles[:1]...),
				ConfigPlanChecks: plans(plancheck.ResourceActionDestroyBeforeCreate, false),
				Check:            customerProfiles(em, emulator.SeedCustomerID, map[string]string{"Fleet/SN-1": "Sales", "Fleet/SN-2": "Sales", "Spare/SN-3": "Sales"}),
			},
			{
				Config:           movedAssignmentConfig(em, emulator.SeedCustomerID, "spare", profiles[:2]...),
				ConfigPlanChecks: plans(plancheck.ResourceActionUpdate, true),
				Check:            customerProfiles(em, emulator.SeedCustomerID, map[string]string{"Fleet/SN-1": "Sales", "Fleet/SN-2": "Sales", "Spare/SN-3": "Kiosk"}),
			},
			{
				Config:           movedAssignmentConfig(em, emulator.SeedCustomerID, "fleet", profiles...),
				ConfigPlanChecks: plans(plancheck.ResourceActionDestroyBeforeCreate, true),
				Check:            customerProfiles(em, emulator.SeedCustomerID, map[string]string{"Fleet/SN-1": "Shared", "Fleet/SN-2": "Shared", "Spare/SN-3": "Kiosk"}),
			},
			{
				Config: movedAssignmentConfig(em, otherCustomerID, "fleet", profiles...),
				ConfigPlanChecks: plans(plancheck.ResourceActionDestroyBeforeCreate, true, "partnercenter_device_batch.fleet", "partnercenter_device_batch.spare",
					"partnercenter_configuration_policy.sales", "partnercenter_configuration_policy.kiosk", "partnercenter_configuration_policy.shared"),
				Check: resource.ComposeTestCheckFunc(
					customerProfiles(em, emulator.SeedCustomerID, map[string]string{}),
					customerProfiles(em, otherCustomerID, map[string]string{"Fleet/SN-1": "Shared", "Fleet/SN-2": "Shared", "Spare/SN-3": ""})),
			},
		},
	})
}
