package provider

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
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
	settingTokenScope    = setting{"token_scope", []string{"PARTNERCENTER_TOKEN_SCOPE"}}

	settingClientSecretFilePath      = setting{"client_secret_file_path", []string{"PARTNERCENTER_CLIENT_SECRET_FILE_PATH", "ARM_CLIENT_SECRET_FILE_PATH"}}
	settingClientCertificate         = setting{"client_certificate", []string{"PARTNERCENTER_CLIENT_CERTIFICATE", "ARM_CLIENT_CERTIFICATE"}}
	settingClientCertificatePath     = setting{"client_certificate_path", []string{"PARTNERCENTER_CLIENT_CERTIFICATE_PATH", "ARM_CLIENT_CERTIFICATE_PATH"}}
	settingClientCertificatePassword = setting{"client_certificate_password", []string{"PARTNERCENTER_CLIENT_CERTIFICATE_PASSWORD", "ARM_CLIENT_CERTIFICATE_PASSWORD"}}
	settingRefreshToken              = setting{"refresh_token", []string{"PARTNERCENTER_REFRESH_TOKEN"}}

	// The CI systems' own variables come last: GitHub Actions sets
	// ACTIONS_ID_TOKEN_REQUEST_*, Azure DevOps SYSTEM_OIDCREQUESTURI and
	// SYSTEM_ACCESSTOKEN, and Kubernetes workload identity
	// AZURE_FEDERATED_TOKEN_FILE.
	settingUseOIDC           = setting{"use_oidc", []string{"PARTNERCENTER_USE_OIDC", "ARM_USE_OIDC"}}
	settingOIDCToken         = setting{"oidc_token", []string{"PARTNERCENTER_OIDC_TOKEN", "ARM_OIDC_TOKEN"}}
	settingOIDCTokenFilePath = setting{"oidc_token_file_path", []string{"PARTNERCENTER_OIDC_TOKEN_FILE_PATH", "ARM_OIDC_TOKEN_FILE_PATH", "AZURE_FEDERATED_TOKEN_FILE"}}
	settingOIDCRequestURL    = setting{"oidc_request_url", []string{"PARTNERCENTER_OIDC_REQUEST_URL", "ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL", "SYSTEM_OIDCREQUESTURI"}}
	settingOIDCRequestToken  = setting{"oidc_request_token", []string{"PARTNERCENTER_OIDC_REQUEST_TOKEN", "ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "SYSTEM_ACCESSTOKEN"}}
	settingADOServiceConnID  = setting{"ado_pipeline_service_connection_id", []string{"PARTNERCENTER_ADO_PIPELINE_SERVICE_CONNECTION_ID", "ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", "ARM_OIDC_AZURE_SERVICE_CONNECTION_ID"}}

	settingUseMSI      = setting{"use_msi", []string{"PARTNERCENTER_USE_MSI", "ARM_USE_MSI"}}
	settingMSIEndpoint = setting{"msi_endpoint", []string{"PARTNERCENTER_MSI_ENDPOINT", "ARM_MSI_ENDPOINT"}}
	settingUseCLI      = setting{"use_cli", []string{"PARTNERCENTER_USE_CLI", "ARM_USE_CLI"}}
)

// allSettings lists every setting, for tests that clear the environment.
var allSettings = []setting{
	settingEnvironment, settingBaseURL, settingAuthorityHost, settingTenantID, settingClientID, settingClientSecret,
	settingAccessToken, settingLocale, settingTokenScope, settingClientSecretFilePath, settingClientCertificate,
	settingClientCertificatePath, settingClientCertificatePassword, settingRefreshToken, settingUseOIDC, settingOIDCToken,
	settingOIDCTokenFilePath, settingOIDCRequestURL, settingOIDCRequestToken, settingADOServiceConnID, settingUseMSI,
	settingMSIEndpoint, settingUseCLI, settingMaxRetries, settingRequestTimeout,
}

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

// resolveBool is resolve for a boolean setting: the configured value, else
// the first environment variable set, which must parse as a boolean, else
// def.
func (s setting) resolveBool(v types.Bool, def bool) (value bool, source string, err error) {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueBool(), "attribute " + s.attribute, nil
	}
	for _, name := range s.env {
		if raw := os.Getenv(name); raw != "" {
			value, err := strconv.ParseBool(raw)
			if err != nil {
				return def, "environment variable " + name, fmt.Errorf("%q is not true or false", raw)
			}
			return value, "environment variable " + name, nil
		}
	}
	return def, "", nil
}

// isSet reports whether the setting has a value in the configuration or the
// environment. An unknown value counts as set: it will be known at apply.
func (s setting) isSet(v attr.Value) bool {
	if !v.IsNull() {
		return true
	}
	for _, name := range s.env {
		if os.Getenv(name) != "" {
			return true
		}
	}
	return false
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
