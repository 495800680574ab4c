// Package provider maps the Partner Center client to Terraform: schema,
// models and diagnostics. It holds no HTTP code; internal/partnercenter does.
package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

var _ provider.Provider = (*partnerCenterProvider)(nil)

// partnerCenterProvider is the partnercenter provider. version is set at
// release time and reported in the User-Agent.
type partnerCenterProvider struct {
	version string
}

// New returns a constructor of the provider, as providerserver.Serve wants.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &partnerCenterProvider{version: version}
	}
}

type providerModel struct {
	Environment   types.String `tfsdk:"environment"`
	BaseURL       types.String `tfsdk:"base_url"`
	AuthorityHost types.String `tfsdk:"authority_host"`
	TenantID      types.String `tfsdk:"tenant_id"`
	ClientID      types.String `tfsdk:"client_id"`
	ClientSecret  types.String `tfsdk:"client_secret"`
	AccessToken   types.String `tfsdk:"access_token"`
	Locale        types.String `tfsdk:"locale"`
}

// Metadata implements provider.Provider.
func (p *partnerCenterProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "partnercenter"
	resp.Version = p.version
}

// Schema implements provider.Provider.
func (p *partnerCenterProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads Microsoft Partner Center's device deployment API (Windows Autopilot device batch uploads). " +
			"Every attribute is optional and falls back to an environment variable.",
		Attributes: map[string]schema.Attribute{
			settingEnvironment.attribute: schema.StringAttribute{
				MarkdownDescription: "The Partner Center cloud: `" + strings.Join(partnercenter.EnvironmentNames(), "`, `") +
					"`. Picks the API base URL and the Entra ID authority. Defaults to `" + partnercenter.DefaultEnvironment + "`." +
					settingEnvironment.envDescription(),
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(partnercenter.EnvironmentNames()...)},
			},
			settingBaseURL.attribute: schema.StringAttribute{
				MarkdownDescription: "Overrides the environment's Partner Center API URL, without `/v1`. Must be `https://`, " +
					"except `http://` to a loopback address (a local emulator). A path prefix is allowed." + settingBaseURL.envDescription(),
				Optional:   true,
				Validators: []validator.String{endpointValidator{check: partnercenter.ValidateBaseURL}},
			},
			settingAuthorityHost.attribute: schema.StringAttribute{
				MarkdownDescription: "Overrides the environment's Entra ID authority, such as `https://login.microsoftonline.com/`. " +
					"Must be `https://`. Entra ID instance discovery is turned off when set." + settingAuthorityHost.envDescription(),
				Optional:   true,
				Validators: []validator.String{endpointValidator{check: partnercenter.ValidateAuthorityHost}},
			},
			settingTenantID.attribute: schema.StringAttribute{
				MarkdownDescription: "The Entra ID tenant (directory) of the partner's application, for client secret sign-in." +
					settingTenantID.envDescription(),
				Optional: true,
			},
			settingClientID.attribute: schema.StringAttribute{
				MarkdownDescription: "The application (client) ID registered for Partner Center API access, for client secret sign-in." +
					settingClientID.envDescription(),
				Optional:   true,
				Validators: []validator.String{guidValidator{}},
			},
			settingClientSecret.attribute: schema.StringAttribute{
				MarkdownDescription: "The application's client secret. Signs in app-only with scope `" + partnercenter.DefaultScope + "`." +
					settingClientSecret.envDescription(),
				Optional:  true,
				Sensitive: true,
			},
			settingAccessToken.attribute: schema.StringAttribute{
				MarkdownDescription: "A Partner Center bearer token obtained elsewhere, used as is. Takes precedence over client secret sign-in." +
					settingAccessToken.envDescription(),
				Optional:  true,
				Sensitive: true,
			},
			settingLocale.attribute: schema.StringAttribute{
				MarkdownDescription: "The `X-Locale` sent with every request, which sets the language of Partner Center's messages. " +
					"Defaults to `" + partnercenter.DefaultLocale + "`." + settingLocale.envDescription(),
				Optional:   true,
				Validators: []validator.String{localeValidator},
			},
		},
	}
}

// Configure implements provider.Provider. Missing credentials are not an error
// here: a configuration that reads nothing from Partner Center needs none.
func (p *partnerCenterProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for attr, v := range map[string]types.String{
		settingEnvironment.attribute: cfg.Environment, settingBaseURL.attribute: cfg.BaseURL,
		settingAuthorityHost.attribute: cfg.AuthorityHost, settingTenantID.attribute: cfg.TenantID,
		settingClientID.attribute: cfg.ClientID, settingClientSecret.attribute: cfg.ClientSecret,
		settingAccessToken.attribute: cfg.AccessToken, settingLocale.attribute: cfg.Locale,
	} {
		if v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(attr), "Unknown provider configuration",
				"The provider cannot read Partner Center until "+attr+" is known. Set it to a value known at plan time, "+
					"or apply the resources it depends on first with -target.")
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	data, diags := newProviderData(cfg, userAgent(p.version, req.TerraformVersion))
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.DataSourceData = data
}

// Resources implements provider.Provider.
func (p *partnerCenterProvider) Resources(context.Context) []func() resource.Resource {
	return nil
}

// DataSources implements provider.Provider.
func (p *partnerCenterProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{newDeviceBatchStatusDataSource}
}

// userAgent names this provider first, then Terraform when it said its version.
func userAgent(providerVersion, terraformVersion string) string {
	ua := "terraform-provider-partnercenter/" + providerVersion
	if terraformVersion != "" {
		ua += " Terraform/" + terraformVersion
	}
	return ua
}
