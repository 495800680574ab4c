package provider

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// TestLocaleValidator accepts languages of three letters (Hawaiian,
// Filipino) as well as two, and scripts, and refuses what is no locale.
func TestLocaleValidator(t *testing.T) {
	for _, tt := range []struct {
		value, wantErr string
	}{
		{"en-US", ""},
		{"haw-US", ""},
		{"fil-PH", ""},
		{"zh-Hans-CN", ""},
		{"english please", `Attribute locale must be a locale such as en-US, got: english please`},
		{"en_US", `Attribute locale must be a locale such as en-US, got: en_US`},
		{"e-US", `Attribute locale must be a locale such as en-US, got: e-US`},
	} {
		req := validator.StringRequest{Path: path.Root("locale"), ConfigValue: types.StringValue(tt.value)}
		var resp validator.StringResponse
		localeValidator.ValidateString(context.Background(), req, &resp)
		var got []string
		for _, d := range resp.Diagnostics.Errors() {
			got = append(got, d.Detail())
		}
		if tt.wantErr == "" && len(got) != 0 || tt.wantErr != "" && (len(got) != 1 || !strings.Contains(got[0], tt.wantErr)) {
			t.Errorf("locale %q: errors %q, want %q", tt.value, got, tt.wantErr)
		}
	}
}

// TestAccProvider_threeLetterLanguageLocales sends a locale of a
// three-letter language, set in the configuration or in
// PARTNERCENTER_LOCALE, as X-Locale.
func TestAccProvider_threeLetterLanguageLocales(t *testing.T) {
	for _, tt := range []struct {
		name, locale string
		env          bool
	}{
		{"attribute", "haw-US", false},
		{"environment", "fil-PH", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			em := newTestEmulator(t)
			config := em.providerConfig(attrs{"locale": tt.locale})
			var env map[string]string
			if tt.env {
				config, env = em.providerConfig(), map[string]string{"PARTNERCENTER_LOCALE": tt.locale}
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories(env),
				Steps: []resource.TestStep{{
					Config: config + batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""),
					Check: func(*terraform.State) error {
						return expectHeader(em, "X-Locale", regexp.MustCompile(`^`+tt.locale+`$`))
					},
				}},
			})
		})
	}
}
