package provider

import (
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// allSettings lists every setting, for tests that set or clear them all.
var allSettings = []setting{
	settingEnvironment, settingBaseURL, settingAuthorityHost, settingTenantID, settingClientID, settingClientSecret,
	settingAccessToken, settingLocale, settingTokenScope, settingClientSecretFilePath, settingClientCertificate,
	settingClientCertificatePath, settingClientCertificatePassword, settingRefreshToken, settingUseOIDC, settingOIDCToken,
	settingOIDCTokenFilePath, settingOIDCRequestURL, settingOIDCRequestToken, settingADOServiceConnID, settingUseMSI,
	settingMSIEndpoint, settingUseCLI, settingMaxRetries, settingRequestTimeout, settingUploadPartSize,
}

// mapEnvironment reads variables from vars, as a test's provider does.
func mapEnvironment(vars map[string]string) environment {
	return func(name string) string { return vars[name] }
}

// TestSettingsFallBackInOrder sets every variable of every setting, then
// takes them away one by one: the attribute wins, then each variable in
// turn, PARTNERCENTER_* first.
func TestSettingsFallBackInOrder(t *testing.T) {
	for _, s := range allSettings {
		t.Run(s.attribute, func(t *testing.T) {
			vars := map[string]string{}
			env := mapEnvironment(vars)
			for _, name := range s.env {
				vars[name] = "from " + name
			}
			if value, source := s.resolve(types.StringValue("configured"), env); value != "configured" || source != "attribute "+s.attribute {
				t.Errorf("with the attribute set: %q from %s", value, source)
			}
			for _, name := range s.env {
				if value, source := s.resolve(types.StringNull(), env); value != "from "+name || source != "environment variable "+name {
					t.Errorf("%q from %s, want %s", value, source, name)
				}
				delete(vars, name)
			}
			if value, source := s.resolve(types.StringNull(), env); value != "" || source != "" {
				t.Errorf("with nothing set: %q from %s", value, source)
			}
		})
	}
}

// TestSettingsVariables pins the variables the issue names, which users of
// the Azure providers and CI systems already set.
func TestSettingsVariables(t *testing.T) {
	for s, want := range map[*setting][]string{
		&settingClientCertificate:     {"PARTNERCENTER_CLIENT_CERTIFICATE", "ARM_CLIENT_CERTIFICATE"},
		&settingClientCertificatePath: {"PARTNERCENTER_CLIENT_CERTIFICATE_PATH", "ARM_CLIENT_CERTIFICATE_PATH"},
		&settingClientSecretFilePath:  {"PARTNERCENTER_CLIENT_SECRET_FILE_PATH", "ARM_CLIENT_SECRET_FILE_PATH"},
		&settingUseOIDC:               {"PARTNERCENTER_USE_OIDC", "ARM_USE_OIDC"},
		&settingOIDCTokenFilePath:     {"PARTNERCENTER_OIDC_TOKEN_FILE_PATH", "ARM_OIDC_TOKEN_FILE_PATH", "AZURE_FEDERATED_TOKEN_FILE"},
		&settingOIDCRequestURL:        {"PARTNERCENTER_OIDC_REQUEST_URL", "ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL", "SYSTEM_OIDCREQUESTURI"},
		&settingOIDCRequestToken:      {"PARTNERCENTER_OIDC_REQUEST_TOKEN", "ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "SYSTEM_ACCESSTOKEN"},
		&settingUseMSI:                {"PARTNERCENTER_USE_MSI", "ARM_USE_MSI"},
		&settingMSIEndpoint:           {"PARTNERCENTER_MSI_ENDPOINT", "ARM_MSI_ENDPOINT"},
		&settingUseCLI:                {"PARTNERCENTER_USE_CLI", "ARM_USE_CLI"},
		&settingRefreshToken:          {"PARTNERCENTER_REFRESH_TOKEN"},
	} {
		if !slices.Equal(s.env, want) {
			t.Errorf("%s falls back to %v, want %v", s.attribute, s.env, want)
		}
	}
}

func TestResolveBool(t *testing.T) {
	vars := map[string]string{}
	env := mapEnvironment(vars)
	if value, _, err := settingUseCLI.resolveBool(types.BoolNull(), true, env); !value || err != nil {
		t.Errorf("default: %v, %v; want true", value, err)
	}
	vars["ARM_USE_CLI"] = "false"
	if value, source, err := settingUseCLI.resolveBool(types.BoolNull(), true, env); value || err != nil || source != "environment variable ARM_USE_CLI" {
		t.Errorf("ARM_USE_CLI=false: %v from %s, %v", value, source, err)
	}
	if value, _, err := settingUseCLI.resolveBool(types.BoolValue(true), true, env); !value || err != nil {
		t.Errorf("the attribute must win over the environment: %v, %v", value, err)
	}
	vars["PARTNERCENTER_USE_CLI"] = "maybe"
	if _, source, err := settingUseCLI.resolveBool(types.BoolNull(), true, env); err == nil || err.Error() != `"maybe" is not true or false` ||
		source != "environment variable PARTNERCENTER_USE_CLI" {
		t.Errorf("PARTNERCENTER_USE_CLI=maybe: error %v from %s", err, source)
	}
}
