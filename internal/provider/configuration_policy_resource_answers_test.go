package provider

import (
	"context"
	"fmt"
	"regexp"
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
// silent: create with a description and settings; a new name and no
// settings (which Partner Center may read back as ["none"]), in place;
// update without the description (which a PUT leaving it out may keep);
// drift made in the portal (its settings alone, which the refresh reads,
// then its name and description); a new category, which replaces it;
// import by command and by an import block; destroy. After every step the
// plan shows no change, and Partner Center holds what the configuration
// says.
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
	var firstID, id string
	// inPlace checks that the policy of the state is still the first, named
	// name in Partner Center.
	inPlace := func(name string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			if p, ok := policyOf(em, firstID); !ok || statePolicyID(s) != firstID || p.Name != name {
				return fmt.Errorf("the state holds policy %s, Partner Center %+v: want %s, named %q", statePolicyID(s), p, firstID, name)
			}
			return nil
		}
	}
	final := policyConfig("Kiosks", `category = "none"`, "skip_eula")
	resource.ParallelTest(t, resource.TestCase{
		CheckDestroy: noPoliciesLeft(em),
		Steps: withProviders(providerFactories(nil),
			resource.TestStep{
				Config: provider + policyConfig("Sales", `description = "Laptops of the sales team"`, "skip_eula", "oobe_user_not_local_admin"),
				ConfigStateChecks: []statecheck.StateCheck{
					expectPolicy("policy_id", knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))),
					expectPolicy("id", knownvalue.StringRegexp(regexp.MustCompile(`^`+emulator.SeedCustomerID+`/[0-9a-f-]{36}$`))),
					expectPolicy("category", knownvalue.StringExact("o_o_b_e")),
					expectPolicy("policy_settings", knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("skip_eula"), knownvalue.StringExact("oobe_user_not_local_admin"),
					})),
					expectPolicy("devices_assigned_count", knownvalue.Int64Exact(0)),
					expectPolicy("created_date", knownvalue.StringRegexp(regexp.MustCompile(`Z$`))),
				},
				Check: func(s *terraform.State) error {
					firstID = statePolicyID(s)
					return held("Laptops of the sales team", "oobe_user_not_local_admin", "skip_eula")(s)
				},
			},
			resource.TestStep{
				Config: provider + policyConfig("Sales team", `description = "No settings"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddress, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectPolicy("policy_settings", knownvalue.SetExact(nil))},
				Check:             resource.ComposeTestCheckFunc(held("No settings"), inPlace("Sales team")),
			},
			resource.TestStep{
				Config:            provider + policyConfig("Sales team", "", "skip_express_settings"),
				ConfigStateChecks: []statecheck.StateCheck{expectPolicy("description", knownvalue.Null())},
				Check:             held("", "skip_express_settings"),
			},
			resource.TestStep{
				// Only the settings changed in the portal: the refresh reads them.
				PreConfig: func() {
					for _, p := range em.Policies(emulator.SeedCustomerID) {
						p.PolicySettings = []string{"remove_oem_preinstalls"}
						em.PutPolicy(emulator.SeedCustomerID, p)
					}
				},
				Config: provider + policyConfig("Sales team", "", "skip_express_settings"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddress, plancheck.ResourceActionUpdate),
					refreshedSettings{"remove_oem_preinstalls"},
				}},
				Check: held("", "skip_express_settings"),
			},
			resource.TestStep{
				// Then its name and description too: the plan puts all back.
				PreConfig: func() {
					for _, p := range em.Policies(emulator.SeedCustomerID) {
						p.Name, p.Description = "Renamed in the portal", "Changed in the portal"
						em.PutPolicy(emulator.SeedCustomerID, p)
					}
				},
				Config: provider + policyConfig("Sales team", "", "skip_express_settings"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddress, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectPolicy("name", knownvalue.StringExact("Sales team"))},
				Check:             resource.ComposeTestCheckFunc(held("", "skip_express_settings"), inPlace("Sales team")),
			},
			resource.TestStep{
				Config: provider + final,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddress, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectPolicy("category", knownvalue.StringExact("none"))},
				Check: func(s *terraform.State) error {
					if _, ok := policyOf(em, firstID); ok || statePolicyID(s) == firstID {
						return fmt.Errorf("policy %s was not replaced", firstID)
					}
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

// refreshedSettings is a plan check that the refresh before the plan read
// the profile's settings as Partner Center holds them, in any order.
type refreshedSettings []string

func (want refreshedSettings) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != policyAddress {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		var got []string
		settings, _ := before["policy_settings"].([]any)
		for _, s := range settings {
			got = append(got, fmt.Sprint(s))
		}
		if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
			resp.Error = fmt.Errorf("the refresh read settings %q, want %q", got, []string(want))
		}
		return
	}
	resp.Error = fmt.Errorf("the plan has no change of %s", policyAddress)
}
