package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// policySettingMeanings says in a few words what each setting of an
// Autopilot profile (partnercenter.PolicySettings, which names them) does,
// for the schema's descriptions and the error of a setting that is none of
// them. TestPolicySettingMeaningsCoverTheSettings keeps the two in step.
var policySettingMeanings = map[string]string{
	"remove_oem_preinstalls":    "removes the apps the manufacturer preinstalled",
	"oobe_user_not_local_admin": "the user who sets the device up does not become a local administrator",
	"skip_express_settings":     "skips the privacy settings page",
	"skip_oem_registration":     "skips the manufacturer's registration page",
	"skip_eula":                 "skips the EULA, the Windows license terms page",
}

// policySettingsDescription lists the settings, each with what it does, for
// descriptions.
var policySettingsDescription = func() string {
	described := make([]string, len(partnercenter.PolicySettings))
	for i, s := range partnercenter.PolicySettings {
		described[i] = fmt.Sprintf("`%s` (%s)", s, policySettingMeanings[s])
	}
	return strings.Join(described, ", ")
}()

// noSettings says how to write a profile without settings, which Partner
// Center may list as the setting "none".
var noSettings = fmt.Sprintf("For a profile without settings, write policy_settings = [] (Partner Center lists one as %q).",
	partnercenter.PolicySettingNone)

// policySettingsValidator refuses a setting that is not one of an Autopilot
// profile's, naming it, suggesting the setting it is closest to, and
// listing the settings with what each does: a typo should be fixed from
// the error alone.
type policySettingsValidator struct{}

var _ validator.Set = policySettingsValidator{}

// Description implements validator.Describer.
func (policySettingsValidator) Description(context.Context) string {
	return "each value must be one of " + strings.Join(partnercenter.PolicySettings, ", ")
}

// MarkdownDescription implements validator.Describer.
func (policySettingsValidator) MarkdownDescription(context.Context) string {
	return "each value must be one of " + policySettingsDescription
}

// ValidateSet implements validator.Set. Unknown and null values, of the set
// or of an element, are left for apply, when they are known.
func (policySettingsValidator) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var unknown []string
	for _, e := range req.ConfigValue.Elements() {
		s, ok := e.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() || slices.Contains(partnercenter.PolicySettings, s.ValueString()) {
			continue
		}
		unknown = append(unknown, s.ValueString())
	}
	if len(unknown) == 0 {
		return
	}
	slices.Sort(unknown)
	var b strings.Builder
	for _, value := range unknown {
		fmt.Fprintf(&b, "%q is not a setting of an Autopilot profile", value)
		switch closest, ok := closestChoice(value, partnercenter.PolicySettings); {
		case strings.EqualFold(strings.TrimSpace(value), partnercenter.PolicySettingNone):
			b.WriteString(": it sets nothing. " + noSettings)
		case ok:
			fmt.Fprintf(&b, ": did you mean %q?", closest)
		default:
			b.WriteString(".")
		}
		b.WriteString("\n")
	}
	b.WriteString("\nThe settings are:\n")
	for _, s := range partnercenter.PolicySettings {
		fmt.Fprintf(&b, "  - %s: %s\n", s, policySettingMeanings[s])
	}
	b.WriteString("\n" + noSettings)
	summary := "Invalid policy setting"
	if len(unknown) > 1 {
		summary += "s"
	}
	resp.Diagnostics.AddAttributeError(req.Path, summary, b.String())
}

// closestChoice is the choice value most likely stands for, if one is
// close: the same letters in another case or with other separators
// ("SkipEula", "oobe" for "o_o_b_e"), the only choice that contains them
// ("eula"), or one a few edits away, at most a quarter of its letters
// ("skip_eul").
func closestChoice(value string, choices []string) (string, bool) {
	v := settingLetters(value)
	if v == "" {
		return "", false
	}
	var containing []string
	best, bestDistance := "", -1
	for _, s := range choices {
		letters := settingLetters(s)
		if len(v) >= 4 && strings.Contains(letters, v) {
			containing = append(containing, s)
		}
		if d := editDistance(v, letters); bestDistance < 0 || d < bestDistance {
			best, bestDistance = s, d
		}
	}
	switch {
	case len(containing) == 1:
		return containing[0], true
	case bestDistance <= max(1, len(settingLetters(best))/4):
		return best, true
	}
	return "", false
}

// settingLetters is s in lower case without separators, so that spellings
// of one setting compare equal.
func settingLetters(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// editDistance is the Levenshtein distance between a and b: the fewest
// insertions, deletions and substitutions of letters that make one the
// other.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	previous := make([]int, len(rb)+1)
	current := make([]int, len(rb)+1)
	for j := range previous {
		previous[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		current[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			current[j] = min(previous[j]+1, current[j-1]+1, previous[j-1]+cost)
		}
		previous, current = current, previous
	}
	return previous[len(rb)]
}
