package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
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

const policyAddress = "partnercenter_configuration_policy.test"

// policyConfig declares partnercenter_configuration_policy.test.
func policyConfig(name, extra string, settings ...string) string {
	quoted := make([]string, len(settings))
	for i, s := range settings {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf(`
resource "partnercenter_configuration_policy" "test" {
  customer_id     = %q
  name            = %q
  policy_settings = [%s]
%s
}
`, emulator.SeedCustomerID, name, strings.Join(quoted, ", "), extra)
}

func expectPolicy(attribute string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(policyAddress, tfjsonpath.New(attribute), value)
}

// policyOf returns the policy of the seed customer em holds under id.
func policyOf(em *testEmulator, id string) (emulator.ConfigurationPolicy, bool) {
	for _, p := range em.Policies(emulator.SeedCustomerID) {
		if p.ID == id {
			return p, true
		}
	}
	return emulator.ConfigurationPolicy{}, false
}

// statePolicyID reads the policy ID the state holds.
func statePolicyID(s *terraform.State) string {
	return s.RootModule().Resources[policyAddress].Primary.Attributes["policy_id"]
}

func TestAccConfigurationPolicy_import(t *testing.T) {
	em := newTestEmulator(t)
	em.UseDevicesAssignedField(true)
	id := em.PutPolicy(emulator.SeedCustomerID, emulator.ConfigurationPolicy{Name: "Imported", Category: "o_o_b_e", Description: "From the portal",
		PolicySettings: []string{"skip_oem_registration"}})
	config := em.providerConfig() + policyConfig("Imported", `description = "From the portal"`, "skip_oem_registration")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       policyAddress,
				ImportState:        true,
				ImportStateId:      emulator.SeedCustomerID + "/" + id,
				ImportStatePersist: true,
			},
			{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{
				Config:                  config,
				ResourceName:            policyAddress,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

func TestAccConfigurationPolicy_badSettingsAtPlanTime(t *testing.T) {
	em := newTestEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{
				// A typo: the error names the setting, the one meant and
				// what each setting does, on policy_settings.
				Config:   em.providerConfig() + policyConfig("Bad", "", "skip_eul"),
				PlanOnly: true,
				ExpectError: errorPattern(`Error: Invalid policy setting with partnercenter_configuration_policy\.test, on .* policy_settings = \["skip_eul"\] ` +
					`"skip_eul" is not a setting of an Autopilot profile: did you mean "skip_eula"\? The settings are: ` +
					`- remove_oem_preinstalls: removes the apps the manufacturer preinstalled ` +
					`- oobe_user_not_local_admin: the user who sets the device up does not become a local administrator ` +
					`- skip_express_settings: skips the privacy settings page ` +
					`- skip_oem_registration: skips the manufacturer's registration page ` +
					`- skip_eula: skips the EULA, the Windows license terms page ` +
					`For a profile without settings, write policy_settings = \[\] \(Partner Center lists one as "none"\)\.`),
			},
			{
				Config:      em.providerConfig() + policyConfig("Bad", "", "skip_eula", "skip_the_whole_thing", "none"),
				PlanOnly:    true,
				ExpectError: errorPattern(`Invalid policy settings .* "none" is not a setting of an Autopilot profile: it sets nothing\. For a profile without settings, write policy_settings = \[\] .* "skip_the_whole_thing" is not a setting of an Autopilot profile\. The settings are:`),
			},
			{
				Config:      em.providerConfig() + policyConfig("Bad", `category = "kiosk"`, "skip_eula"),
				PlanOnly:    true,
				ExpectError: errorPattern(`Attribute category value must be one of: \["o_o_b_e" "none"\], got: "kiosk"\. \z`),
			},
			{
				Config:      em.providerConfig() + policyConfig("Bad", `category = "oobe"`, "skip_eula"),
				PlanOnly:    true,
				ExpectError: errorPattern(`Attribute category value must be one of: \["o_o_b_e" "none"\], got: "oobe"\. Did you mean "o_o_b_e"\?`),
			},
		},
	})
	if n := len(partnerCenterRequests(em.Emulator)); n != 0 {
		t.Errorf("bad settings reached Partner Center %d times", n)
	}
}

// TestAccConfigurationPolicy_goneFromPartnerCenter deletes the policy
// behind Terraform's back: the refresh removes it with a warning and the
// apply creates it again.
func TestAccConfigurationPolicy_goneFromPartnerCenter(t *testing.T) {
	em := newTestEmulator(t)
	config := em.providerConfig() + policyConfig("Short-lived", "", "skip_eula")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					for _, p := range em.Policies(emulator.SeedCustomerID) {
						if err := em.DeletePolicy(emulator.SeedCustomerID, p.ID); err != nil {
							t.Fatal(err)
						}
					}
				},
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(policyAddress, plancheck.ResourceActionCreate)}},
				Check: func(*terraform.State) error {
					if n := len(em.Policies(emulator.SeedCustomerID)); n != 1 {
						return fmt.Errorf("%d policies, want the one created again", n)
					}
					return nil
				},
			},
		},
	})
}

func TestAccConfigurationPolicies_byName(t *testing.T) {
	em := newTestEmulator(t)
	wanted := em.PutPolicy(emulator.SeedCustomerID, emulator.ConfigurationPolicy{Name: "Sales laptops", Category: "o_o_b_e", PolicySettings: []string{"skip_eula"}})
	em.PutPolicy(emulator.SeedCustomerID, emulator.ConfigurationPolicy{Name: "Kiosks", Category: "none", PolicySettings: []string{}})
	config := func(filter string) string {
		return em.providerConfig() + fmt.Sprintf(`
data "partnercenter_configuration_policies" "test" {
  customer_id = %q
%s
}
`, emulator.SeedCustomerID, filter)
	}
	policies := func(value knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.partnercenter_configuration_policies.test", tfjsonpath.New("policies"), value)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{Config: config(""), ConfigStateChecks: []statecheck.StateCheck{policies(knownvalue.ListSizeExact(2))}},
			{
				Config: config(`name = "SALES LAPTOPS"`),
				ConfigStateChecks: []statecheck.StateCheck{policies(knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id":                     knownvalue.StringExact(emulator.SeedCustomerID + "/" + wanted),
					"customer_id":            knownvalue.StringExact(emulator.SeedCustomerID),
					"policy_id":              knownvalue.StringExact(wanted),
					"name":                   knownvalue.StringExact("Sales laptops"),
					"description":            knownvalue.Null(),
					"category":               knownvalue.StringExact("o_o_b_e"),
					"policy_settings":        knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("skip_eula")}),
					"devices_assigned_count": knownvalue.Int64Exact(0),
					"created_date":           knownvalue.StringRegexp(regexp.MustCompile(`Z$`)),
					"last_modified_date":     knownvalue.StringRegexp(regexp.MustCompile(`Z$`)),
				})}))},
			},
			{Config: config(`name = "Nobody"`), ConfigStateChecks: []statecheck.StateCheck{policies(knownvalue.ListSizeExact(0))}},
		},
	})
}

// TestAccConfigurationPolicy_deleteWaitsForItsDevices destroys a profile
// together with the batch whose devices have it: Partner Center refuses the
// deletion while they do, and the deletion is tried again until they are
// gone. Terraform deletes the two at once, so which comes first is a race;
// deletionsInTurn settles it, so that the policy's deletion is refused
// exactly once and the retry is always what removes it.
func TestAccConfigurationPolicy_deleteWaitsForItsDevices(t *testing.T) {
	em := newTestEmulatorBehind(t, deletionsInTurn)
	em.SetJobTiming(0, 0)
	config := em.userProviderConfig() + policyConfig("Assigned", "", "skip_eula") + batchConfig("Assigned", []string{"SN-1"}, "") + `
resource "partnercenter_device_policy_assignment" "test" {
  customer_id = partnercenter_device_batch.test.customer_id
  batch_id    = partnercenter_device_batch.test.batch_id
  policy_id   = partnercenter_configuration_policy.test.policy_id
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		CheckDestroy:             noPoliciesLeft(em),
		Steps:                    []resource.TestStep{{Config: config}},
	})
	deletions := 0
	for _, r := range partnerCenterRequests(em.Emulator) {
		if r.Method == http.MethodDelete && strings.Contains(r.Path, "/policies/") {
			deletions++
		}
	}
	if deletions != 2 {
		t.Errorf("the policy's deletion was sent %d times, want 2: refused while the device had it, then tried again", deletions)
	}
}

// deletionsInTurn holds the deletions of a policy and of a device that has
// it, which Terraform sends at once, in this order: the policy's first,
// answered while the device still has the policy; the device's; the
// policy's next. A held request waits for the one before it to be answered,
// or for its client to give up.
func deletionsInTurn(em http.Handler) http.Handler {
	policyRefused, deviceDeleted := make(chan struct{}), make(chan struct{})
	var policyDeletions atomic.Int32
	var closeDeviceDeleted sync.Once
	awaited := func(r *http.Request, answered <-chan struct{}) bool {
		select {
		case <-answered:
			return true
		case <-r.Context().Done():
			return false
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := strings.ToLower(r.URL.Path)
		switch {
		case r.Method == http.MethodDelete && strings.Contains(path, "/policies/"):
			n := policyDeletions.Add(1)
			if n > 1 && !awaited(r, deviceDeleted) {
				return
			}
			em.ServeHTTP(w, r)
			if n == 1 {
				close(policyRefused)
			}
		case r.Method == http.MethodDelete && strings.Contains(path, "/devices/"):
			if !awaited(r, policyRefused) {
				return
			}
			em.ServeHTTP(w, r)
			closeDeviceDeleted.Do(func() { close(deviceDeleted) })
		default:
			em.ServeHTTP(w, r)
		}
	})
}

// TestAccConfigurationPolicy_deleteWhileDevicesHaveIt destroys a profile
// that a device keeps, its batch staying, with the assignment that gave it.
// Where Partner Center refuses (the emulator's default), nothing can
// change that by waiting: the destroy fails at once, after one deletion,
// saying how many devices have the profile and what to do. Where Partner
// Center deletes it anyway, the profile goes.
func TestAccConfigurationPolicy_deleteWhileDevicesHaveIt(t *testing.T) {
	for _, tt := range []struct {
		name    string
		answers emulator.Answers
		// refused is whether Partner Center refuses the deletion.
		refused bool
	}{
		{"refused", emulator.Answers{}, true},
		{"delete-assigned-policy", emulator.Answers{DeleteAssignedPolicy: true}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			em := newUploadEmulator(t)
			em.SetAnswers(tt.answers)
			grace := newStepGrace()
			batch := em.userProviderConfig() + batchConfig("Kept", []string{"SN-1"}, "")
			// A deletion tried again while nothing can change its refusal
			// fails in seconds, not in the default timeout's minutes.
			withPolicy := batch + policyConfig("Assigned", "  timeouts {\n    delete = \"20s\"\n  }", "skip_eula")
			assigned := withPolicy + `
resource "partnercenter_device_policy_assignment" "test" {
  customer_id = partnercenter_device_batch.test.customer_id
  batch_id    = partnercenter_device_batch.test.batch_id
  policy_id   = partnercenter_configuration_policy.test.policy_id
}
`
			policyDeletions := func() int {
				n := 0
				for _, r := range partnerCenterRequests(em.Emulator) {
					if r.Method == http.MethodDelete && strings.Contains(strings.ToLower(r.Path), "/policies/") {
						n++
					}
				}
				return n
			}
			var policyID string
			profile := func() string {
				devices := em.Devices(emulator.SeedCustomerID, "Kept")
				if len(devices) != 1 {
					return fmt.Sprintf("%d devices", len(devices))
				}
				return devices[0].OOBEPolicyID()
			}
			// Refused, the profile stays in the state: the destroy that
			// ends the test deletes it with the batch's devices.
			afterwards := batch
			if tt.refused {
				afterwards = withPolicy
			}
			removed := resource.TestStep{
				Config: batch,
				Check: func(*terraform.State) error {
					if _, ok := policyOf(em, policyID); ok || profile() != "" {
						return fmt.Errorf("the policy is kept, or the device keeps it (%q)", profile())
					}
					return nil
				},
			}
			if tt.refused {
				// Nothing under way can take the profile off the device:
				// no grace to wait out. The destroy that ends the test
				// waits for its batch's deletion again.
				removed.PreConfig = func() { grace.set(noGrace) }
				removed.Check = nil
				removed.ExpectError = errorPattern(`Configuration policy still assigned.*Partner Center refuses to delete configuration policy [0-9a-f-]{36} ` +
					`of customer ` + emulator.SeedCustomerID + `: 1 device still has it, and a profile is deleted only when no device has it\. ` +
					`Give those devices another profile with a partnercenter_device_policy_assignment, or delete them by removing them from ` +
					`their partnercenter_device_batch or destroying it; then destroy the profile again\. Terraform deletes the profile before it ` +
					`changes an assignment's policy_id away from it, so apply that change first, keeping the profile, then remove the profile\. ` +
					`Destroying a partnercenter_device_policy_assignment alone does not take the profile off its devices: Partner Center ` +
					`documents no way to\.` +
					`.*HTTP status: 409 Conflict`)
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: grace.factories(nil),
				CheckDestroy:             noPoliciesLeft(em),
				Steps: []resource.TestStep{
					{
						Config: assigned,
						Check: func(s *terraform.State) error {
							policyID = statePolicyID(s)
							if profile() != policyID {
								return fmt.Errorf("the device's profile is %q, want %s", profile(), policyID)
							}
							return nil
						},
					},
					removed,
					{
						PreConfig: func() {
							grace.set(testChangeGrace)
							if n := policyDeletions(); n != 1 {
								t.Errorf("the policy's deletion was sent %d times, want once", n)
							}
							if tt.refused && profile() != policyID {
								t.Errorf("the device's profile is %q after the refusal, want %s", profile(), policyID)
							}
						},
						Config:           afterwards,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
				},
			})
		})
	}
}

// TestAccConfigurationPolicy_deleteConflictTriedUntilTimeout has Partner
// Center refuse a profile's deletion as a conflict while no device has it,
// which may resolve itself: the deletion is tried again until timeouts {
// delete }, and the error then says so, with no advice to plan again.
func TestAccConfigurationPolicy_deleteConflictTriedUntilTimeout(t *testing.T) {
	em := newTestEmulator(t)
	config := em.providerConfig() + policyConfig("Refused", "timeouts {\n    delete = \"1s\"\n  }", "skip_eula")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					// Refused twice, then not answered before the deadline
					// cuts the deletion short: the time always runs out
					// during a deletion, whose error must not hide the
					// refusals.
					em.InjectFaults(emulator.PolicyRoute, emulator.Fault{Method: http.MethodDelete, Status: http.StatusConflict, Times: 2},
						emulator.Fault{Method: http.MethodDelete, Status: http.StatusConflict, Delay: time.Minute, Times: -1})
				},
				Config: em.providerConfig(),
				ExpectError: errorPattern(`Conflict with Partner Center's state.*Deleting configuration policy [0-9a-f-]{36} of customer ` +
					emulator.SeedCustomerID + ` failed\..*HTTP status: 409 Conflict.*Partner Center kept refusing to delete the profile while the ` +
					`provider tried again, for up to timeouts { delete } = 1s, though it counted no device with the profile`),
			},
			{
				PreConfig: func() {
					if n := requestsTo(em, http.MethodDelete, ""); n < 2 {
						t.Errorf("the policy's deletion was sent %d times, want it tried again", n)
					}
					em.ClearFaults()
				},
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// TestAccConfigurationPolicy_replacedInOneApply removes a profile in the
// apply that gives its device another one. Through a new assignment, the
// two go at once: the profile's deletion is refused until the assignment
// has given the device the new profile, then tried again, and the apply
// succeeds. Through the same assignment's policy_id, Terraform deletes the
// profile before it updates the assignment, so nothing under way can take
// the profile off the device: the apply fails at once, as the docs say, and
// the profile goes once it has stayed for the apply that moves the device.
func TestAccConfigurationPolicy_replacedInOneApply(t *testing.T) {
	// config declares the batch, the profiles and the assignments, each
	// assignment (by name) of a profile (by name).
	config := func(provider string, profiles []string, assignments map[string]string) string {
		var b strings.Builder
		b.WriteString(provider + batchConfig("Moved", []string{"SN-1"}, ""))
		for _, p := range profiles {
			fmt.Fprintf(&b, `
resource "partnercenter_configuration_policy" %[1]q {
  customer_id     = %[2]q
  name            = %[1]q
  policy_settings = ["skip_eula"]
}
`, p, emulator.SeedCustomerID)
		}
		for a, p := range assignments {
			fmt.Fprintf(&b, `
resource "partnercenter_device_policy_assignment" %q {
  customer_id = partnercenter_device_batch.test.customer_id
  batch_id    = partnercenter_device_batch.test.batch_id
  policy_id   = partnercenter_configuration_policy.%s.policy_id
}
`, a, p)
		}
		return b.String()
	}
	// holdsNew checks that Partner Center holds the new profile alone, on
	// the device, and that the old one's deletion was sent as many times
	// as deletions accepts.
	holdsNew := func(em *testEmulator, deletions func(int) bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			policies := em.Policies(emulator.SeedCustomerID)
			if len(policies) != 1 || policies[0].Name != "new" || policies[0].DevicesAssignedCount != 1 {
				return fmt.Errorf("Partner Center holds %+v, want the new profile alone, on the device", policies)
			}
			if n := requestsTo(em, http.MethodDelete, ""); !deletions(n) {
				return fmt.Errorf("the old profile's deletion was sent %d times", n)
			}
			return nil
		}
	}
	t.Run("new assignment", func(t *testing.T) {
		em := newTestEmulatorBehind(t, updatesAfterADeletion)
		em.SetJobTiming(0, 0)
		provider := em.userProviderConfig()
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: providerFactories(nil),
			Steps: []resource.TestStep{
				{Config: config(provider, []string{"old"}, map[string]string{"old": "old"})},
				{
					Config: config(provider, []string{"new"}, map[string]string{"new": "new"}),
					// Refused while the device had the old profile, which
					// updatesAfterADeletion makes sure of; then deleted.
					Check: holdsNew(em, func(n int) bool { return n >= 2 }),
				},
			},
		})
	})
	t.Run("same assignment", func(t *testing.T) {
		em := newUploadEmulator(t)
		provider := em.userProviderConfig()
		grace := newStepGrace()
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: grace.factories(nil),
			Steps: []resource.TestStep{
				{Config: config(provider, []string{"old"}, map[string]string{"test": "old"})},
				{
					// Nothing under way moves the device: no grace to
					// wait out.
					PreConfig:   func() { grace.set(noGrace) },
					Config:      config(provider, []string{"new"}, map[string]string{"test": "new"}),
					ExpectError: errorPattern(`Configuration policy still assigned.*: 1 device still has it`),
				},
				{
					PreConfig: func() {
						grace.set(testChangeGrace)
						if n := requestsTo(em, http.MethodDelete, ""); n != 1 {
							t.Errorf("the old profile's deletion was sent %d times, want once", n)
						}
					},
					Config: config(provider, []string{"old", "new"}, map[string]string{"test": "new"}),
				},
				{
					Config: config(provider, []string{"new"}, map[string]string{"test": "new"}),
					Check:  holdsNew(em, func(n int) bool { return n == 2 }),
				},
			},
		})
	})
}

// updatesAfterADeletion lets the first update of devices' policy through
// and holds the later ones until a policy's deletion has been answered, or
// their client gives up, so that a profile's deletion that Terraform sends
// with the assignment moving its devices away from it is refused while they
// still have it.
func updatesAfterADeletion(em http.Handler) http.Handler {
	deleted := make(chan struct{})
	var closeDeleted sync.Once
	var updates atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := strings.ToLower(r.URL.Path)
		switch {
		case r.Method == http.MethodDelete && strings.Contains(path, "/policies/"):
			em.ServeHTTP(w, r)
			closeDeleted.Do(func() { close(deleted) })
		case strings.HasSuffix(path, "/devicepolicyupdates") && updates.Add(1) > 1:
			select {
			case <-deleted:
				em.ServeHTTP(w, r)
			case <-r.Context().Done():
			}
		default:
			em.ServeHTTP(w, r)
		}
	})
}

// noPoliciesLeft checks, after the test's destroy, that the seed customer
// has no policy left in em.
func noPoliciesLeft(em *testEmulator) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n := len(em.Policies(emulator.SeedCustomerID)); n != 0 {
			return fmt.Errorf("%d policies left after destroy", n)
		}
		return nil
	}
}
