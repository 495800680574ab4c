package provider

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

func TestPolicySettingMeaningsCoverTheSettings(t *testing.T) {
	if got, want := slices.Sorted(maps.Keys(policySettingMeanings)), slices.Sorted(slices.Values(partnercenter.PolicySettings)); !slices.Equal(got, want) {
		t.Errorf("meanings of %v, want one for each of %v", got, want)
	}
}

func TestPolicySettingsValidator(t *testing.T) {
	const list = "The settings are:\n" +
		"  - remove_oem_preinstalls: removes the apps the manufacturer preinstalled\n" +
		"  - oobe_user_not_local_admin: the user who sets the device up does not become a local administrator\n" +
		"  - skip_express_settings: skips the privacy settings page\n" +
		"  - skip_oem_registration: skips the manufacturer's registration page\n" +
		"  - skip_eula: skips the EULA, the Windows license terms page\n\n" +
		`For a profile without settings, write policy_settings = [] (Partner Center lists one as "none").`
	set := func(elements ...attr.Value) types.Set { return types.SetValueMust(types.StringType, elements) }
	s := types.StringValue
	tests := []struct {
		name    string
		value   types.Set
		summary string
		detail  []string
	}{
		{"every setting", set(s("remove_oem_preinstalls"), s("oobe_user_not_local_admin"), s("skip_express_settings"),
			s("skip_oem_registration"), s("skip_eula")), "", nil},
		{"none", set(), "", nil},
		{"unknown and null elements", set(s("skip_eula"), types.StringUnknown(), types.StringNull()), "", nil},
		{"an unknown set", types.SetUnknown(types.StringType), "", nil},
		{"a null set", types.SetNull(types.StringType), "", nil},
		{"a typo", set(s("skip_eula"), s("skip_eul"), types.StringUnknown()), "Invalid policy setting",
			[]string{`"skip_eul" is not a setting of an Autopilot profile: did you mean "skip_eula"?` + "\n\n" + list}},
		{"another spelling", set(s("SkipEula")), "Invalid policy setting", []string{`"SkipEula" is not a setting of an Autopilot profile: did you mean "skip_eula"?`}},
		{"part of a name", set(s("express")), "Invalid policy setting",
			[]string{`"express" is not a setting of an Autopilot profile: did you mean "skip_express_settings"?`}},
		{"\"none\"", set(s("none")), "Invalid policy setting",
			[]string{`"none" is not a setting of an Autopilot profile: it sets nothing. For a profile without settings, write policy_settings = []`}},
		{"far from any", set(s("skip_the_whole_thing"), s("skip")), "Invalid policy settings",
			[]string{`"skip" is not a setting of an Autopilot profile.` + "\n" + `"skip_the_whole_thing" is not a setting of an Autopilot profile.` + "\n\n" + list}},
	}
	for _, tt := range tests {
		req := validator.SetRequest{Path: path.Root("policy_settings"), ConfigValue: tt.value}
		var resp validator.SetResponse
		policySettingsValidator{}.ValidateSet(context.Background(), req, &resp)
		if tt.summary == "" {
			if resp.Diagnostics.HasError() {
				t.Errorf("%s: %v, want no error", tt.name, resp.Diagnostics)
			}
			continue
		}
		if len(resp.Diagnostics) != 1 {
			t.Errorf("%s: %d diagnostics, want one", tt.name, len(resp.Diagnostics))
			continue
		}
		d := resp.Diagnostics[0]
		if d.Summary() != tt.summary {
			t.Errorf("%s: summary %q, want %q", tt.name, d.Summary(), tt.summary)
		}
		for _, want := range tt.detail {
			if !strings.Contains(d.Detail(), want) {
				t.Errorf("%s: detail %q does not say %q", tt.name, d.Detail(), want)
			}
		}
	}
}

func TestClosestChoice(t *testing.T) {
	for value, want := range map[string]string{
		"skip_eul":                  "skip_eula",
		"skip_eual":                 "skip_eula",
		"SKIP-EULA":                 "skip_eula",
		"eula":                      "skip_eula",
		"remove_oem_preinstall":     "remove_oem_preinstalls",
		"oobe_user_not_admin":       "oobe_user_not_local_admin",
		"skip_oem":                  "skip_oem_registration",
		"skip":                      "", // in three settings
		"oem":                       "", // too short to tell
		"skip_the_whole_thing":      "",
		"":                          "",
		"turn_off_cortana_and_more": "",
	} {
		got, ok := closestChoice(value, partnercenter.PolicySettings)
		if got != want || ok != (want != "") {
			t.Errorf("closestChoice(%q, settings) = %q, %v; want %q", value, got, ok, want)
		}
	}
	// Partner Center's spelling of a category.
	for value, want := range map[string]string{"oobe": "o_o_b_e", "OOBE": "o_o_b_e", "nnone": "none", "kiosk": ""} {
		got, ok := closestChoice(value, []string{partnercenter.PolicyCategoryOOBE, partnercenter.PolicyCategoryNone})
		if got != want || ok != (want != "") {
			t.Errorf("closestChoice(%q, categories) = %q, %v; want %q", value, got, ok, want)
		}
	}
}
