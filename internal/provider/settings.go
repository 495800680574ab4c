package provider

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// environment reads the variables settings fall back to: os.Getenv when
// serving Terraform, a test's own map in tests, so that tests need not
// change the process's environment and can run in parallel.
type environment func(name string) string

// maxMaxRetries bounds max_retries: with exponential backoff, ten retries
// already wait minutes, and timeouts.read bounds a read by time.
const maxMaxRetries = 10

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

	settingMaxRetries     = setting{"max_retries", []string{"PARTNERCENTER_MAX_RETRIES"}}
	settingRequestTimeout = setting{"request_timeout", []string{"PARTNERCENTER_REQUEST_TIMEOUT"}}
	settingUploadPartSize = setting{"upload_part_size", []string{"PARTNERCENTER_UPLOAD_PART_SIZE"}}
)

// resolve returns the configured value, else the first environment variable
// that is set, together with where it came from for error messages.
func (s setting) resolve(v types.String, env environment) (value, source string) {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueString(), "attribute " + s.attribute
	}
	for _, name := range s.env {
		if value := env(name); value != "" {
			return value, "environment variable " + name
		}
	}
	return "", ""
}

// resolveBool is resolve for a boolean setting: the configured value, else
// the first environment variable set, which must parse as a boolean, else
// def.
func (s setting) resolveBool(v types.Bool, def bool, env environment) (value bool, source string, err error) {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueBool(), "attribute " + s.attribute, nil
	}
	for _, name := range s.env {
		if raw := env(name); raw != "" {
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
func (s setting) isSet(v attr.Value, env environment) bool {
	if !v.IsNull() {
		return true
	}
	for _, name := range s.env {
		if env(name) != "" {
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

// retrySettings resolves max_retries and request_timeout against the
// environment. A value that is set but invalid is reported through invalid.
func retrySettings(cfg providerModel, env environment, invalid func(setting, string, error)) (maxRetries int, requestTimeout time.Duration) {
	maxRetries = partnercenter.DefaultMaxRetries
	if !cfg.MaxRetries.IsNull() && !cfg.MaxRetries.IsUnknown() {
		maxRetries = int(cfg.MaxRetries.ValueInt64())
	} else if raw, source := settingMaxRetries.resolve(types.StringNull(), env); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 0 || n > maxMaxRetries {
			invalid(settingMaxRetries, source, fmt.Errorf("%q is not a whole number from 0 to %d", raw, maxMaxRetries))
		}
		maxRetries = n
	}

	requestTimeout = partnercenter.DefaultRequestTimeout
	raw, source := settingRequestTimeout.resolve(cfg.RequestTimeout, env)
	if raw == "" {
		return maxRetries, requestTimeout
	}
	d, err := parsePositiveDuration(raw)
	if err != nil {
		invalid(settingRequestTimeout, source, err)
	}
	return maxRetries, d
}

// uploadPartSize resolves upload_part_size against the environment: how
// many devices one upload or device policy update carries at most. A value
// that is set but invalid is reported through invalid.
func uploadPartSize(cfg providerModel, env environment, invalid func(setting, string, error)) int {
	if !cfg.UploadPartSize.IsNull() && !cfg.UploadPartSize.IsUnknown() {
		return int(cfg.UploadPartSize.ValueInt64())
	}
	raw, source := settingUploadPartSize.resolve(types.StringNull(), env)
	if raw == "" {
		return partnercenter.MaxDevicesPerRequest
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > partnercenter.MaxDevicesPerRequest {
		invalid(settingUploadPartSize, source, fmt.Errorf("%q is not a whole number from 1 to %d", raw, partnercenter.MaxDevicesPerRequest))
	}
	return n
}

// oidcRequest is the OIDC request URL and the token sent to it as a bearer
// token, with where each came from.
type oidcRequest struct {
	url, token             string
	urlSource, tokenSource string
}

// resolveOIDCRequest resolves oidc_request_url and oidc_request_token as a
// pair, so that a request token from one place never goes to a URL from
// another: the provider's own settings (the attributes, else
// PARTNERCENTER_OIDC_REQUEST_*), ARM_OIDC_REQUEST_*, GitHub Actions'
// ACTIONS_ID_TOKEN_REQUEST_* and Azure DevOps' SYSTEM_OIDCREQUESTURI with
// SYSTEM_ACCESSTOKEN, in that order. The first place that sets a URL
// decides; its token must come from the same place. settingOIDCRequestURL
// and settingOIDCRequestToken list their variables in the same order.
func resolveOIDCRequest(urlValue, tokenValue types.String, env environment) (oidcRequest, error) {
	own := func(s setting, v types.String) (value, source string) {
		if !v.IsNull() && !v.IsUnknown() {
			return v.ValueString(), "attribute " + s.attribute
		}
		return env(s.env[0]), "environment variable " + s.env[0]
	}
	for i := range settingOIDCRequestURL.env {
		var r oidcRequest
		urlName, tokenName := settingOIDCRequestURL.env[i], settingOIDCRequestToken.env[i]
		if i == 0 {
			r.url, r.urlSource = own(settingOIDCRequestURL, urlValue)
			r.token, r.tokenSource = own(settingOIDCRequestToken, tokenValue)
			if !urlValue.IsNull() {
				urlName = settingOIDCRequestURL.attribute
			}
			tokenName = settingOIDCRequestToken.attribute + " (" + tokenName + ")"
		} else {
			r.url, r.urlSource = env(urlName), "environment variable "+urlName
			r.token, r.tokenSource = env(tokenName), "environment variable "+tokenName
		}
		switch {
		case r.url == "":
			continue
		case r.token == "":
			return oidcRequest{}, fmt.Errorf("%s is set, but no token to request with. Set %s: a request token is taken only from the same "+
				"place as its URL, so that it never goes to a URL from elsewhere", urlName, tokenName)
		}
		return r, nil
	}
	return oidcRequest{}, nil
}
