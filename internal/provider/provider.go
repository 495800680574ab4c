// Package provider maps the Partner Center client to Terraform: schema,
// models and diagnostics. It holds no HTTP code; internal/partnercenter does.
package provider

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/providervalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

var (
	_ provider.Provider                     = (*partnerCenterProvider)(nil)
	_ provider.ProviderWithValidateConfig   = (*partnerCenterProvider)(nil)
	_ provider.ProviderWithConfigValidators = (*partnerCenterProvider)(nil)
	_ provider.ProviderWithFunctions        = (*partnerCenterProvider)(nil)
)

// partnerCenterProvider is the partnercenter provider. version is set at
// release time and reported in the User-Agent.
type partnerCenterProvider struct {
	version string
	// env is where unset settings are read from: the process's environment.
	env environment
	// wait paces the reads that wait for a batch job; the zero value is the
	// client's documented pacing. Tests poll every few milliseconds.
	wait partnercenter.WaitOptions
	// changeGrace, when set, gives at each Configure the grace that
	// replaces deviceChangeGrace. Tests wait far longer than a loaded
	// machine may take to begin the change Terraform sends with a profile's
	// deletion, and not at all in a step where none begins.
	changeGrace func() time.Duration
	// nestedDevices is deviceBatchResource.nestedDevices.
	nestedDevices bool
}

// New returns a constructor of the provider, as providerserver.Serve wants.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &partnerCenterProvider{version: version, env: os.Getenv}
	}
}

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

// Metadata implements provider.Provider.
func (p *partnerCenterProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "partnercenter"
	resp.Version = p.version
}

// Schema implements provider.Provider.
func (p *partnerCenterProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = providerSchema()
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

// Configure implements provider.Provider. Missing credentials are not an error
// here: a configuration that reads nothing from Partner Center needs none.
func (p *partnerCenterProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	values := cfg.values()
	// Sorted, so that the diagnostics come in the same order every run.
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if values[name].IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown provider configuration",
				"The provider cannot read Partner Center until "+name+" is known. Set it to a value known at plan time, "+
					"or apply the resources it depends on first with -target.")
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	routeSDKLogs(ctx)
	var data *providerData
	var diags diag.Diagnostics
	if cfg.setsNothing() {
		// ValidateConfig left these errors to be deferred; it gave the
		// warnings.
		var checked diag.Diagnostics
		checkConfig(cfg, p.env, &checked)
		diags = checked.Errors()
	}
	if !diags.HasError() {
		var built diag.Diagnostics
		data, built = newProviderData(cfg, userAgent(p.version, req.TerraformVersion), p.env, p.wait)
		diags.Append(built...)
	}
	if diags.HasError() && cfg.setsNothing() {
		data, diags = deferConfigErrors(diags), diags.Warnings()
	}
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	data.changeGrace = deviceChangeGrace
	if p.changeGrace != nil {
		data.changeGrace = p.changeGrace()
	}
	resp.DataSourceData = data
	resp.ResourceData = data
}

// ConfigValidators implements provider.ProviderWithConfigValidators: pairs of
// settings of which only one can be used.
func (p *partnerCenterProvider) ConfigValidators(context.Context) []provider.ConfigValidator {
	conflicting := func(a, b setting) provider.ConfigValidator {
		return providervalidator.Conflicting(path.MatchRoot(a.attribute), path.MatchRoot(b.attribute))
	}
	return []provider.ConfigValidator{
		conflicting(settingClientSecret, settingClientSecretFilePath),
		conflicting(settingClientCertificate, settingClientCertificatePath),
		conflicting(settingOIDCToken, settingOIDCTokenFilePath),
	}
}

// ValidateConfig implements provider.ProviderWithValidateConfig. It fails a
// plan whose sign-in settings can never work, counting the environment as
// configure will, and an unknown value as set; and warns of a deprecated
// environment.
func (p *partnerCenterProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var diags diag.Diagnostics
	checkConfig(cfg, p.env, &diags)
	if cfg.setsNothing() {
		// Configure reports what is wrong with the environment alone when
		// Partner Center is needed (see deferConfigErrors).
		diags = diags.Warnings()
	}
	resp.Diagnostics.Append(diags...)
}

// checkConfig reports, before the provider is configured, settings that
// contradict each other or are not used, whether configured or from env.
func checkConfig(cfg providerModel, env environment, diags *diag.Diagnostics) {
	if name, source := settingEnvironment.resolve(cfg.Environment, env); deprecatedEnvironments[name] != "" {
		diags.AddAttributeWarning(path.Root(settingEnvironment.attribute), "Deprecated environment",
			fmt.Sprintf("The %s is %q, which is deprecated: %s. Use %q (the default); a later version of the provider will refuse %q.",
				source, name, deprecatedEnvironments[name], partnercenter.DefaultEnvironment, name))
	}
	warnUnknownHosts(cfg, env, diags)
	// msi_endpoint serves the managed identity alone, which use_msi turns
	// on: without it, the endpoint configured would be silently ignored. One
	// from the environment is not warned of, as hosts set it for every tool;
	// nor is a use_msi that does not parse, which configure reports.
	useMSI, _, err := settingUseMSI.resolveBool(cfg.UseMSI, false, env)
	if err == nil && !useMSI && !cfg.UseMSI.IsUnknown() && !cfg.MSIEndpoint.IsNull() && !cfg.MSIEndpoint.IsUnknown() {
		diags.AddAttributeWarning(path.Root(settingMSIEndpoint.attribute), "msi_endpoint is not used",
			"msi_endpoint is where the managed identity asks for its tokens, and the managed identity is tried only when "+
				settingUseMSI.describe()+" is true, which it is not. Set use_msi = true, or remove msi_endpoint.")
	}
	// An unknown use_oidc resolves to false here, so it is not checked.
	useOIDC, _, _ := settingUseOIDC.resolveBool(cfg.UseOIDC, false, env)
	if useOIDC && !cfg.UseOIDC.IsUnknown() && !settingOIDCToken.isSet(cfg.OIDCToken, env) && !settingOIDCTokenFilePath.isSet(cfg.OIDCTokenFilePath, env) &&
		!settingOIDCRequestURL.isSet(cfg.OIDCRequestURL, env) {
		diags.AddAttributeError(path.Root(settingUseOIDC.attribute), "Invalid provider configuration",
			"use_oidc is true, but no federated token is configured. Set one of "+settingOIDCToken.describe()+", "+
				settingOIDCTokenFilePath.describe()+", or "+settingOIDCRequestURL.describe()+" with "+settingOIDCRequestToken.describe()+".")
	}
	if useOIDC || cfg.UseOIDC.IsUnknown() || !cfg.OIDCRequestURL.IsNull() {
		// An unknown value will be known at apply: it counts as set, in
		// the place of the attribute.
		known := func(v types.String) types.String {
			if v.IsUnknown() {
				return types.StringValue("(known after apply)")
			}
			return v
		}
		if _, err := resolveOIDCRequest(known(cfg.OIDCRequestURL), known(cfg.OIDCRequestToken), env); err != nil {
			diags.AddAttributeError(path.Root(settingOIDCRequestURL.attribute), "Invalid provider configuration", err.Error()+".")
		}
	}
	// A refresh token from the environment is checked as one from the
	// configuration: without the application's credential, the chain would
	// stop at it.
	if settingRefreshToken.isSet(cfg.RefreshToken, env) && !settingClientSecret.isSet(cfg.ClientSecret, env) && !settingClientSecretFilePath.isSet(cfg.ClientSecretFilePath, env) &&
		!settingClientCertificate.isSet(cfg.ClientCertificate, env) && !settingClientCertificatePath.isSet(cfg.ClientCertificatePath, env) {
		name := settingRefreshToken.attribute
		if cfg.RefreshToken.IsNull() {
			_, source := settingRefreshToken.resolve(cfg.RefreshToken, env)
			name += ", from the " + source + ","
		}
		diags.AddAttributeError(path.Root(settingRefreshToken.attribute), "Invalid provider configuration",
			name+" is exchanged with the application's own credential, and none is configured. Set one of "+
				settingClientSecret.describe()+", "+settingClientSecretFilePath.describe()+", "+settingClientCertificate.describe()+" or "+
				settingClientCertificatePath.describe()+".")
	}
}

// warnUnknownHosts warns of a base_url or authority_host, set or from the
// environment, whose host is no known cloud's and not loopback: it will
// receive the bearer token or the application's credentials. A value
// that is not a valid URL is its validator's business.
func warnUnknownHosts(cfg providerModel, env environment, diags *diag.Diagnostics) {
	known := "(" + strings.Join(partnercenter.EnvironmentNames(), ", ") + ")"
	checks := []struct {
		s       setting
		v       types.String
		valid   func(string) error
		unknown func(string) string
		detail  string
	}{
		{settingBaseURL, cfg.BaseURL, partnercenter.ValidateBaseURL, partnercenter.UnknownAPIHost,
			"which is not the Partner Center API of a known cloud " + known + ". Every request to Partner Center carries the bearer token " +
				"to %[2]s: make sure it is a host you trust, such as your own API gateway."},
		{settingAuthorityHost, cfg.AuthorityHost, partnercenter.ValidateAuthorityHost, partnercenter.UnknownAuthorityHost,
			"which is not the Entra ID authority of a known cloud " + known + ". Every sign-in with the application's credentials sends its " +
				"client secret, certificate-signed assertion, federated token or refresh token to %[2]s: make sure it is a host you trust."},
	}
	for _, c := range checks {
		value, source := c.s.resolve(c.v, env)
		if value == "" || c.valid(value) != nil {
			continue
		}
		host := c.unknown(value)
		if host == "" {
			continue
		}
		name := c.s.attribute
		if c.v.IsNull() {
			name = "The " + source
		}
		diags.AddAttributeWarning(path.Root(c.s.attribute), "Credentials go to an unknown host",
			fmt.Sprintf("%[1]s names %[2]s, "+c.detail, name, host))
	}
}

// Resources implements provider.Provider.
func (p *partnerCenterProvider) Resources(context.Context) []func() resource.Resource {
	newDeviceBatchResource := func() resource.Resource { return &deviceBatchResource{nestedDevices: p.nestedDevices} }
	return []func() resource.Resource{newDeviceBatchResource, newConfigurationPolicyResource, newDevicePolicyAssignmentResource}
}

// DataSources implements provider.Provider.
func (p *partnerCenterProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newDeviceBatchStatusDataSource, newDeviceBatchesDataSource, newDevicesDataSource, newConfigurationPoliciesDataSource,
		newCustomersDataSource, newCustomerDataSource,
	}
}

// Functions implements provider.ProviderWithFunctions.
func (p *partnerCenterProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{newAutopilotDevicesFunction}
}

// userAgent names this provider first, then Terraform when it said its version.
func userAgent(providerVersion, terraformVersion string) string {
	ua := "terraform-provider-partnercenter/" + providerVersion
	if terraformVersion != "" {
		ua += " Terraform/" + terraformVersion
	}
	return ua
}
