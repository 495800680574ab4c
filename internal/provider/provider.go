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

	"github.com/hashicorp/terraform-plugin-framework-validators/providervalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
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

// Metadata implements provider.Provider.
func (p *partnerCenterProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "partnercenter"
	resp.Version = p.version
}

// Schema implements provider.Provider.
func (p *partnerCenterProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = providerSchema()
}

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
