package provider

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// TestAccConfigurationPolicy_lifecycleUnderEveryAnswer runs the profile's
// lifecycle under each answer Partner Center may give where Microsoft is
// silent: create with a description and settings; update to no settings
// (which Partner Center may read back as ["none"]); update without the
// description (which a PUT leaving it out may keep); drift made in the
// portal; a new category, which replaces it; import by command and by an
// import block; destroy. After every step the plan shows no change, and
// Partner Center holds what the configuration says.
func TestAccConfigurationPolicy_lifecycleUnderEveryAnswer(t *testing.T) {
	underEveryAnswer(t, configurationPolicySwitches, testConfigurationPolicyLifecycle)
}

func testConfigurationPolicyLifecycle(t *testing.T, answers emulator.Answers) {
	em := newTestEmulator(t)
	em.SetAnswers(answers)
	provider := em.providerConfig()
	// held checks what Partner Center holds of the policy of the state:
	// its description and settings, stored as the emulator stores them.
	held := func(description string, settings ...string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			p, ok := policyOf(em, statePolicyID(s))
			if !ok || p.Description != description || !slices.Equal(slices.Sorted(slices.Values(p.PolicySettings)), settings) {
				return fmt.Errorf("Partner Center holds %+v, want description %q and settings %q", p, description, settings)
			}
			return nil
		}
	}
	var id string
	final := policyConfig("Kiosks", `category = "none"`, "skip_eula")
	resource.ParallelTest(t, resource.TestCase{
		CheckDestroy: noPoliciesLeft(em),
		Steps: withProviders(providerFactories(nil),
			resource.TestStep{
				Config: provider + policyConfig("Sales", `description = "Laptops of the sales team"`, "skip_eula", "oobe_user_not_local_admin"),
				ConfigStateChecks: []statecheck.StateCheck{
					expectPolicy("category", knownvalue.StringExact("o_o_b_e")),
					expectPolicy("policy_settings", knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("skip_eula"), knownvalue.StringExact("oobe_user_not_local_admin"),
					})),
				},
				Check: held("Laptops of the sales team", "oobe_user_not_local_admin", "skip_eula"),
			},
			resource.TestStep{
				Config:            provider + policyConfig("Sales", `description = "No settings"`),
				ConfigStateChecks: []statecheck.StateCheck{expectPolicy("policy_settings", knownvalue.SetExact(nil))},
				Check:             held("No settings"),
			},
			resource.TestStep{
				Config:            provider + policyConfig("Sales", "", "skip_express_settings"),
				ConfigStateChecks: []statecheck.StateCheck{expectPolicy("description", knownvalue.Null())},
				Check:             held("", "skip_express_settings"),
			},
			resource.TestStep{
				PreConfig: func() {
					for _, p := range em.Policies(emulator.SeedCustomerID) {
						p.PolicySettings, p.Description = []string{"remove_oem_preinstalls"}, "Changed in the portal"
						em.PutPolicy(emulator.SeedCustomerID, p)
					}
				},
				Config: provider + policyConfig("Sales", "", "skip_express_settings"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddress, plancheck.ResourceActionUpdate),
				}},
				Check: held("", "skip_express_settings"),
			},
			resource.TestStep{
				Config: provider + final,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddress, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectPolicy("category", knownvalue.StringExact("none"))},
				Check: func(s *terraform.State) error {
					id = emulator.SeedCustomerID + "/" + statePolicyID(s)
					return held("", "skip_eula")(s)
				},
			},
			forgetStep(provider, policyAddress),
			resource.TestStep{
				Config:             provider + final,
				ResourceName:       policyAddress,
				ImportState:        true,
				ImportStateIdFunc:  func(*terraform.State) (string, error) { return id, nil },
				ImportStatePersist: true,
			},
			resource.TestStep{
				Config:           provider + final,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			forgetStep(provider, policyAddress),
			importBlockStep(t, provider+final, map[string]func() string{policyAddress: func() string { return id }}),
		),
	})
}
