package provider

import (
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// setting is a provider attribute and the environment variables it falls back
// to, in order of precedence.
type setting struct {
	attribute string
	env       []string
}

// The provider's settings. ARM_* variables come last so that a shell set up
// for the Azure providers also signs in here, unless told otherwise.
var (
	settingEnvironment   = setting{"environment", []string{"PARTNERCENTER_ENVIRONMENT"}}
	settingBaseURL       = setting{"base_url", []string{"PARTNERCENTER_BASE_URL"}}
	settingAuthorityHost = setting{"authority_host", []string{"PARTNERCENTER_AUTHORITY_HOST"}}
	settingTenantID      = setting{"tenant_id", []string{"PARTNERCENTER_TENANT_ID", "ARM_TENANT_ID"}}
	settingClientID      = setting{"client_id", []string{"PARTNERCENTER_CLIENT_ID", "ARM_CLIENT_ID"}}
	settingClientSecret  = setting{"client_secret", []string{"PARTNERCENTER_CLIENT_SECRET", "ARM_CLIENT_SECRET"}}
	settingAccessToken   = setting{"access_token", []string{"PARTNERCENTER_ACCESS_TOKEN"}}
	settingLocale        = setting{"locale", []string{"PARTNERCENTER_LOCALE"}}
)

// resolve returns the configured value, else the first environment variable
// that is set, together with where it came from for error messages.
func (s setting) resolve(v types.String) (value, source string) {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueString(), "attribute " + s.attribute
	}
	for _, name := range s.env {
		if value := os.Getenv(name); value != "" {
			return value, "environment variable " + name
		}
	}
	return "", ""
}

// describe names the attribute and its variables, for messages that tell a
// user what to set.
func (s setting) describe() string {
	return s.attribute + " (" + strings.Join(s.env, " or ") + ")"
}

// envDescription is the sentence every attribute description ends with.
func (s setting) envDescription() string {
	return " Falls back to the `" + strings.Join(s.env, "` then `") + "` environment variable when unset."
}
