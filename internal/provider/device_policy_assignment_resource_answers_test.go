package provider

import (
	"fmt"
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

// assignmentLifecycleConfig is a batch of devices with two profiles, and
// two assignments: the kiosk profile for the devices of kiosks, by key, and
// the profile named by sales for the others, by the batch's device_ids. The
// latter names its profile in upper case: Partner Center's GUIDs compare
// case-insensitively and it answers in lower case, so the provider must too.
func assignmentLifecycleConfig(serials []string, sales string, kiosks ...string) string {
	devices := make([]keyedDevice, len(serials))
	for i, s := range serials {
		devices[i] = csvDevice(s)
	}
	quoted := make([]string, len(kiosks))
	for i, k := range kiosks {
		quoted[i] = fmt.Sprintf("%q", k)
	}
	return keyedBatchConfig("Fleet", devices) + fmt.Sprintf(`
resource "partnercenter_configuration_policy" "sales" {
  customer_id     = %[1]q
  name            = "Sales"
  policy_settings = ["skip_eula"]
}

resource "partnercenter_configuration_policy" "kiosk" {
  customer_id     = %[1]q
  name            = "Kiosk"
  policy_settings = []
}

resource "partnercenter_configuration_policy" "shared" {
  customer_id     = %[1]q
  name            = "Shared"
  policy_settings = ["skip_express_settings"]
}

locals {
  kiosks = [%[3]s]
}

resource "partnercenter_device_policy_assignment" "test" {
  customer_id = partnercenter_device_batch.test.customer_id
  batch_id    = partnercenter_device_batch.test.batch_id
  policy_id   = upper(partnercenter_configuration_policy.%[2]s.policy_id)
  device_ids  = [for key, id in partnercenter_device_batch.test.device_ids : id if !contains(local.kiosks, key)]
}

resource "partnercenter_device_policy_assignment" "kiosk" {
  customer_id = partnercenter_device_batch.test.customer_id
  batch_id    = partnercenter_device_batch.test.batch_id
  policy_id   = partnercenter_configuration_policy.kiosk.policy_id
  device_ids  = [for key in local.kiosks : partnercenter_device_batch.test.device_ids[key]]
}
`, emulator.SeedCustomerID, sales, strings.Join(quoted, ", "))
}

// profileNames checks the profile of each device of the batch Fleet, by
// serial number: the name of its policy, "" for none.
func profileNames(em *testEmulator, want map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		names := map[string]string{}
		for _, p := range em.Policies(emulator.SeedCustomerID) {
			names[p.ID] = p.Name
		}
		got := map[string]string{}
		for _, d := range em.Devices(emulator.SeedCustomerID, "Fleet") {
			got[d.SerialNumber] = names[d.OOBEPolicyID()]
		}
		for serial, name := range want {
			if got[serial] != name {
				return fmt.Errorf("the devices' profiles are %v, want %v", got, want)
			}
		}
		if len(got) != len(want) {
			return fmt.Errorf("the devices' profiles are %v, want %v", got, want)
		}
		return nil
	}
}

// TestAccDevicePolicyAssignment_lifecycleUnderEveryAnswer runs two
// assignments of one batch, each for its own devices, under each answer
// Partner Center may give where Microsoft is silent: create with the batch
// and the profiles; a device added to the batch gets its profile in the
// same apply; a profile changed; drift (a device given another profile
// behind Terraform's back), which gives that device alone its profile
// again; import of both by import blocks; destroy of everything, the
// profiles deleted while their devices go. After every step the plan shows
// no change.
func TestAccDevicePolicyAssignment_lifecycleUnderEveryAnswer(t *testing.T) {
	underEveryAnswer(t, devicePolicyAssignmentSwitches, testDevicePolicyAssignmentLifecycle)
}

func testDevicePolicyAssignmentLifecycle(t *testing.T, answers emulator.Answers) {
	em := newUploadEmulator(t)
	em.SetAnswers(answers)
	provider := em.userProviderConfig()
	three := []string{"SN-1", "SN-2", "SN-3"}
	four := []string{"SN-1", "SN-2", "SN-3", "SN-4"}
	final := provider + assignmentLifecycleConfig(four, "shared", "SN-1")
	// withoutAssignments is final without the assignments, which the
	// removed blocks of forgetStep name instead.
	withoutAssignments := final[:strings.Index(final, `resource "partnercenter_device_policy_assignment" "test"`)]
	policyID := func(name string) string {
		for _, p := range em.Policies(emulator.SeedCustomerID) {
			if p.Name == name {
				return p.ID
			}
		}
		return "no-such-policy"
	}
	// assignmentID is the import ID of the assignment of policy, its
	// policy ID spelt as the configuration spells it.
	assignmentID := func(policy string, spell func(string) string) func() string {
		return func() string { return emulator.SeedCustomerID + "/Fleet/" + spell(policyID(policy)) }
	}
	resource.ParallelTest(t, resource.TestCase{
		CheckDestroy: func(*terraform.State) error {
			if held, policies := heldNames(em, "Fleet"), em.Policies(emulator.SeedCustomerID); len(held) != 0 || len(policies) != 0 {
				return fmt.Errorf("destroy left devices %v and %d policies", held, len(policies))
			}
			return nil
		},
		Steps: withProviders(providerFactories(nil),
			resource.TestStep{
				Config: provider + assignmentLifecycleConfig(three, "sales", "SN-1"),
				Check:  profileNames(em, map[string]string{"SN-1": "Kiosk", "SN-2": "Sales", "SN-3": "Sales"}),
			},
			resource.TestStep{
				// The new device gets its profile in the same apply: the
				// plan after it, which the test makes, shows no change.
				Config: provider + assignmentLifecycleConfig(four, "sales", "SN-1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("partnercenter_device_policy_assignment.test", plancheck.ResourceActionUpdate),
				}},
				Check: profileNames(em, map[string]string{"SN-1": "Kiosk", "SN-2": "Sales", "SN-3": "Sales", "SN-4": "Sales"}),
			},
			resource.TestStep{
				Config: final,
				Check:  profileNames(em, map[string]string{"SN-1": "Kiosk", "SN-2": "Shared", "SN-3": "Shared", "SN-4": "Shared"}),
			},
			resource.TestStep{
				PreConfig: func() {
					for _, d := range em.Devices(emulator.SeedCustomerID, "Fleet") {
						if d.SerialNumber == "SN-3" {
							if err := em.SetDevicePolicy(emulator.SeedCustomerID, "Fleet", d.ID, policyID("Sales")); err != nil {
								t.Fatal(err)
							}
						}
					}
				},
				Config: final,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("partnercenter_device_policy_assignment.test", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("partnercenter_device_policy_assignment.test", tfjsonpath.New("last_update").AtMapKey("devices_status"),
						knownvalue.ListSizeExact(1)),
				},
				Check: profileNames(em, map[string]string{"SN-1": "Kiosk", "SN-2": "Shared", "SN-3": "Shared", "SN-4": "Shared"}),
			},
			forgetStep(withoutAssignments, "partnercenter_device_policy_assignment.test", "partnercenter_device_policy_assignment.kiosk"),
			importBlockStep(t, final, map[string]func() string{
				"partnercenter_device_policy_assignment.test":  assignmentID("Shared", strings.ToUpper),
				"partnercenter_device_policy_assignment.kiosk": assignmentID("Kiosk", strings.ToLower),
			}),
		),
	})
}
