package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// providerModel is the provider block as the framework reads it.
type providerModel struct {
	Environment   types.String `tfsdk:"environment"`
	BaseURL       types.String `tfsdk:"base_url"`
	AuthorityHost types.String `tfsdk:"authority_host"`
	TokenScope    types.String `tfsdk:"token_scope"`
	TenantID      types.String `tfsdk:"tenant_id"`
	ClientID      types.String `tfsdk:"client_id"`
	AccessToken   types.String `tfsdk:"access_token"`
	Locale        types.String `tfsdk:"locale"`

	ClientSecret              types.String `tfsdk:"client_secret"`
	ClientSecretFilePath      types.String `tfsdk:"client_secret_file_path"`
	ClientCertificate         types.String `tfsdk:"client_certificate"`
	ClientCertificatePath     types.String `tfsdk:"client_certificate_path"`
	ClientCertificatePassword types.String `tfsdk:"client_certificate_password"`
	RefreshToken              types.String `tfsdk:"refresh_token"`

	UseOIDC                        types.Bool   `tfsdk:"use_oidc"`
	OIDCToken                      types.String `tfsdk:"oidc_token"`
	OIDCTokenFilePath              types.String `tfsdk:"oidc_token_file_path"`
	OIDCRequestURL                 types.String `tfsdk:"oidc_request_url"`
	OIDCRequestToken               types.String `tfsdk:"oidc_request_token"`
	ADOPipelineServiceConnectionID types.String `tfsdk:"ado_pipeline_service_connection_id"`

	UseMSI      types.Bool   `tfsdk:"use_msi"`
	MSIEndpoint types.String `tfsdk:"msi_endpoint"`
	UseCLI      types.Bool   `tfsdk:"use_cli"`

	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
	UploadPartSize types.Int64  `tfsdk:"upload_part_size"`
}

// setsNothing reports whether m sets no attribute, as when the configuration
// has no provider block.
func (m providerModel) setsNothing() bool {
	for _, v := range m.values() {
		if !v.IsNull() {
			return false
		}
	}
	return true
}

// values maps each attribute name to its value, for checks that apply to
// all of them.
func (m providerModel) values() map[string]attr.Value {
	return map[string]attr.Value{
		settingEnvironment.attribute: m.Environment, settingBaseURL.attribute: m.BaseURL,
		settingAuthorityHost.attribute: m.AuthorityHost, settingTokenScope.attribute: m.TokenScope,
		settingTenantID.attribute: m.TenantID, settingClientID.attribute: m.ClientID,
		settingAccessToken.attribute: m.AccessToken, settingLocale.attribute: m.Locale,
		settingClientSecret.attribute: m.ClientSecret, settingClientSecretFilePath.attribute: m.ClientSecretFilePath,
		settingClientCertificate.attribute: m.ClientCertificate, settingClientCertificatePath.attribute: m.ClientCertificatePath,
		settingClientCertificatePassword.attribute: m.ClientCertificatePassword, settingRefreshToken.attribute: m.RefreshToken,
		settingUseOIDC.attribute: m.UseOIDC, settingOIDCToken.attribute: m.OIDCToken,
		settingOIDCTokenFilePath.attribute: m.OIDCTokenFilePath, settingOIDCRequestURL.attribute: m.OIDCRequestURL,
		settingOIDCRequestToken.attribute: m.OIDCRequestToken, settingADOServiceConnID.attribute: m.ADOPipelineServiceConnectionID,
		settingUseMSI.attribute: m.UseMSI, settingMSIEndpoint.attribute: m.MSIEndpoint, settingUseCLI.attribute: m.UseCLI,
		settingMaxRetries.attribute: m.MaxRetries, settingRequestTimeout.attribute: m.RequestTimeout,
		settingUploadPartSize.attribute: m.UploadPartSize,
	}
}

// providerSchema is the schema of the provider block.
var providerSchema = cachedSchema(func() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Manages Microsoft Partner Center's device deployment API: Windows Autopilot device batch uploads and their results. " +
			"Every attribute is optional and falls back to an environment variable.",
		Attributes: map[string]schema.Attribute{
			settingEnvironment.attribute: schema.StringAttribute{
				MarkdownDescription: "The Partner Center cloud: `" + strings.Join(partnercenter.EnvironmentNames(), "`, `") +
					"`. Picks the API base URL and the Entra ID authority. Defaults to `" + partnercenter.DefaultEnvironment + "`." +
					describeDeprecatedEnvironments() + settingEnvironment.envDescription(),
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(partnercenter.EnvironmentNames()...)},
			},
			settingBaseURL.attribute: schema.StringAttribute{
				MarkdownDescription: "Overrides the environment's Partner Center API URL, without `/v1`. Must be `https://`, " +
					"except `http://` to a loopback address (a local emulator). A path prefix is allowed." + settingBaseURL.envDescription(),
				Optional:   true,
				Validators: []validator.String{endpointCheck(partnercenter.ValidateBaseURL)},
			},
			settingAuthorityHost.attribute: schema.StringAttribute{
				MarkdownDescription: "Overrides the environment's Entra ID authority, such as `https://login.microsoftonline.com/`. " +
					"Must be `https://`. Entra ID instance discovery is turned off when set." + settingAuthorityHost.envDescription(),
				Optional:   true,
				Validators: []validator.String{endpointCheck(partnercenter.ValidateAuthorityHost)},
			},
			settingTokenScope.attribute: schema.StringAttribute{
				MarkdownDescription: "Overrides the token scope, `" + partnercenter.DefaultScope + "` by default, for private deployments " +
					"of the API. With `refresh_token`, a scope ending in `/.default` is asked for as `/user_impersonation`." + settingTokenScope.envDescription(),
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			settingTenantID.attribute: schema.StringAttribute{
				MarkdownDescription: "The Entra ID tenant (directory) of the partner's application. Needed by every sign-in except " +
					"`access_token`, managed identity and the Azure CLI; when set, the Azure CLI is asked for a token of this tenant." + settingTenantID.envDescription(),
				Optional: true,
			},
			settingClientID.attribute: schema.StringAttribute{
				MarkdownDescription: "The application (client) ID registered for Partner Center API access. With `use_msi`, picks " +
					"the user-assigned managed identity." + settingClientID.envDescription(),
				Optional:   true,
				Validators: []validator.String{guidValidator{}},
			},
			settingAccessToken.attribute: schema.StringAttribute{
				MarkdownDescription: "A Partner Center bearer token obtained elsewhere, used as is. Takes precedence over every other sign-in." +
					settingAccessToken.envDescription(),
				Optional:  true,
				Sensitive: true,
			},
			settingRefreshToken.attribute: schema.StringAttribute{
				MarkdownDescription: "A refresh token of a user who consented to the application (the secure application model). " +
					"It is exchanged, with `client_id` and the application's secret or certificate, for an app+user token with scope `" +
					partnercenter.DelegatedScope + "`, " +
					"which operations that need a user require." + settingRefreshToken.envDescription(),
				Optional:  true,
				Sensitive: true,
			},
			settingClientSecret.attribute: schema.StringAttribute{
				MarkdownDescription: "The application's client secret, for app-only sign-in with scope `" + partnercenter.DefaultScope + "`. " +
					"Conflicts with `client_secret_file_path`." + settingClientSecret.envDescription(),
				Optional:  true,
				Sensitive: true,
			},
			settingClientSecretFilePath.attribute: schema.StringAttribute{
				MarkdownDescription: "A file holding the application's client secret, read again whenever a token is requested, so " +
					"that a rotated secret is picked up. Conflicts with `client_secret`." + settingClientSecretFilePath.envDescription(),
				Optional: true,
			},
			settingClientCertificate.attribute: schema.StringAttribute{
				MarkdownDescription: "The application's certificate and private key, base64-encoded: a PKCS#12 (`.pfx`) archive, " +
					"or PEM. Signs in app-only with a certificate-signed client assertion. Conflicts with `client_certificate_path`." +
					settingClientCertificate.envDescription(),
				Optional:  true,
				Sensitive: true,
			},
			settingClientCertificatePath.attribute: schema.StringAttribute{
				MarkdownDescription: "A PKCS#12 (`.pfx`) or PEM file holding the application's certificate and private key, read " +
					"again whenever a token is requested. Conflicts with `client_certificate`." + settingClientCertificatePath.envDescription(),
				Optional: true,
			},
			settingClientCertificatePassword.attribute: schema.StringAttribute{
				MarkdownDescription: "The password of the PKCS#12 archive in `client_certificate` or `client_certificate_path`." +
					settingClientCertificatePassword.envDescription(),
				Optional:  true,
				Sensitive: true,
			},
			settingUseOIDC.attribute: schema.BoolAttribute{
				MarkdownDescription: "Signs in with a federated (OpenID Connect) token from a CI system as the client assertion of " +
					"`client_id`, which needs a federated identity credential trusting it. The token comes from `oidc_token`, " +
					"`oidc_token_file_path`, or `oidc_request_url` with `oidc_request_token`. Defaults to `false`." + settingUseOIDC.envDescription(),
				Optional: true,
			},
			settingOIDCToken.attribute: schema.StringAttribute{
				MarkdownDescription: "The federated token itself. Conflicts with `oidc_token_file_path`." + settingOIDCToken.envDescription(),
				Optional:            true,
				Sensitive:           true,
			},
			settingOIDCTokenFilePath.attribute: schema.StringAttribute{
				MarkdownDescription: "A file holding the federated token, read again whenever a token is requested, so that a rotated " +
					"token (Kubernetes workload identity rotates them) is picked up. Conflicts with `oidc_token`." + settingOIDCTokenFilePath.envDescription(),
				Optional: true,
			},
			settingOIDCRequestURL.attribute: schema.StringAttribute{
				MarkdownDescription: "The URL a CI job requests its federated token from: GitHub Actions' `ACTIONS_ID_TOKEN_REQUEST_URL`, " +
					"or Azure DevOps' `SYSTEM_OIDCREQUESTURI` together with `ado_pipeline_service_connection_id`." + settingOIDCRequestURL.envDescription(),
				Optional:   true,
				Validators: []validator.String{oidcRequestURLCheck},
			},
			settingOIDCRequestToken.attribute: schema.StringAttribute{
				MarkdownDescription: "The bearer token for `oidc_request_url`." + settingOIDCRequestToken.envDescription(),
				Optional:            true,
				Sensitive:           true,
			},
			settingADOServiceConnID.attribute: schema.StringAttribute{
				MarkdownDescription: "The ID of the Azure DevOps service connection whose federated token `oidc_request_url` is asked " +
					"for, as Azure DevOps pipelines request it. Leave unset on GitHub Actions." + settingADOServiceConnID.envDescription(),
				Optional: true,
			},
			settingUseMSI.attribute: schema.BoolAttribute{
				MarkdownDescription: "Signs in as the managed identity of the Azure host Terraform runs on: the system-assigned one, " +
					"or the user-assigned one `client_id` names. Defaults to `false`." + settingUseMSI.envDescription(),
				Optional: true,
			},
			settingMSIEndpoint.attribute: schema.StringAttribute{
				MarkdownDescription: "The instance metadata service endpoint to ask for managed identity tokens, such as " +
					"`http://169.254.169.254/metadata/identity/oauth2/token`. When unset, the host's environment decides, as for " +
					"the Azure SDKs (App Service, Functions, Container Apps, Cloud Shell, Arc or virtual machines). Used only with `use_msi`: " +
					"set without it, the plan warns." + settingMSIEndpoint.envDescription(),
				Optional:   true,
				Validators: []validator.String{endpointCheck(partnercenter.ValidateManagedIdentityEndpoint)},
			},
			settingUseCLI.attribute: schema.BoolAttribute{
				MarkdownDescription: "Signs in as whoever is logged in to the Azure CLI (`az login`), the last source tried. " +
					"Defaults to `true`." + settingUseCLI.envDescription(),
				Optional: true,
			},
			settingLocale.attribute: schema.StringAttribute{
				MarkdownDescription: "The `X-Locale` sent with every request, which sets the language of Partner Center's messages. " +
					"Defaults to `" + partnercenter.DefaultLocale + "`." + settingLocale.envDescription(),
				Optional:   true,
				Validators: []validator.String{localeValidator},
			},
			settingMaxRetries.attribute: schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How often a failed request is retried, from 0 to %d: on %s, %s (the request retry "+
					"backoff; the polling of unfinished batches is another loop). Defaults to `%d`. Each resource's and data source's "+
					"`timeouts` block bounds the retries by time as well.", maxMaxRetries, retriedFailures, requestRetryBackoff, partnercenter.DefaultMaxRetries) +
					settingMaxRetries.envDescription(),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, maxMaxRetries)},
			},
			settingRequestTimeout.attribute: schema.StringAttribute{
				MarkdownDescription: "How long one request may take before it is abandoned and retried, a duration such as `60s` or `2m`. " +
					"Defaults to `" + defaultRequestTimeout + "`." + settingRequestTimeout.envDescription(),
				Optional:   true,
				Validators: []validator.String{positiveDuration{}},
			},
			settingUploadPartSize.attribute: schema.Int64Attribute{
				MarkdownDescription: uploadPartSizeDescription + settingUploadPartSize.envDescription(),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(1, partnercenter.MaxDevicesPerRequest)},
			},
		},
	}
})
