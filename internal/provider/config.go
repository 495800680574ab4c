package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// providerData is what the provider hands its data sources: a client, or the
// reason there is none, reported only when a data source needs one.
type providerData struct {
	client *partnercenter.Client
	// missingCredential explains, when set, why client is nil.
	missingCredential string
}

// partnerCenter returns the client, or a diagnostic saying why there is none.
func (d *providerData) partnerCenter() (*partnercenter.Client, diag.Diagnostics) {
	var diags diag.Diagnostics
	switch {
	case d == nil:
		diags.AddError("Provider not configured",
			"The partnercenter provider was not configured before a data source read. Please report this issue to the provider developers.")
	case d.client == nil:
		diags.AddError("Missing Partner Center credentials", d.missingCredential)
	}
	if diags.HasError() {
		return nil, diags
	}
	return d.client, diags
}

// newProviderData resolves the configuration against the environment and
// builds the client. A value that is set but invalid fails here, naming the
// attribute or environment variable it came from.
func newProviderData(cfg providerModel, ua string) (*providerData, diag.Diagnostics) {
	var diags diag.Diagnostics
	invalid := func(s setting, source string, err error) {
		diags.AddAttributeError(path.Root(s.attribute), "Invalid provider configuration",
			fmt.Sprintf("The %s is invalid: %s.", source, err))
	}

	envName, envSource := settingEnvironment.resolve(cfg.Environment)
	if envName == "" {
		envName = partnercenter.DefaultEnvironment
	}
	env, ok := partnercenter.LookupEnvironment(envName)
	if !ok {
		invalid(settingEnvironment, envSource, fmt.Errorf("%q is not one of %s", envName, strings.Join(partnercenter.EnvironmentNames(), ", ")))
	}

	baseURL, source := settingBaseURL.resolve(cfg.BaseURL)
	if baseURL == "" {
		baseURL = env.BaseURL
	} else if err := partnercenter.ValidateBaseURL(baseURL); err != nil {
		invalid(settingBaseURL, source, err)
	}

	authorityHost, source := settingAuthorityHost.resolve(cfg.AuthorityHost)
	customAuthority := authorityHost != ""
	if !customAuthority {
		authorityHost = env.AuthorityHost
	} else if err := partnercenter.ValidateAuthorityHost(authorityHost); err != nil {
		invalid(settingAuthorityHost, source, err)
	}

	locale, source := settingLocale.resolve(cfg.Locale)
	if locale != "" && !localePattern.MatchString(locale) {
		invalid(settingLocale, source, fmt.Errorf("%q is not a locale such as en-US", locale))
	}

	clientID, source := settingClientID.resolve(cfg.ClientID)
	if clientID != "" && !isGUID(clientID) {
		invalid(settingClientID, source, fmt.Errorf("%q is not a GUID", clientID))
	}
	if diags.HasError() {
		return nil, diags
	}

	tenantID, _ := settingTenantID.resolve(cfg.TenantID)
	clientSecret, _ := settingClientSecret.resolve(cfg.ClientSecret)
	accessToken, _ := settingAccessToken.resolve(cfg.AccessToken)
	credential, err := partnercenter.NewCredential(partnercenter.CredentialOptions{
		AccessToken:              accessToken,
		TenantID:                 tenantID,
		ClientID:                 clientID,
		ClientSecret:             clientSecret,
		AuthorityHost:            authorityHost,
		DisableInstanceDiscovery: customAuthority,
	})
	if errors.Is(err, partnercenter.ErrNoCredential) {
		return &providerData{missingCredential: missingCredentialMessage(tenantID, clientID, clientSecret)}, diags
	}
	if err != nil {
		diags.AddError("Invalid provider configuration", "The Entra ID sign-in could not be set up: "+err.Error())
		return nil, diags
	}

	client, err := partnercenter.NewClient(partnercenter.Options{
		BaseURL:    baseURL,
		Credential: credential,
		Locale:     locale,
		UserAgent:  ua,
	})
	if err != nil {
		diags.AddError("Invalid provider configuration", "The Partner Center client could not be set up: "+err.Error())
		return nil, diags
	}
	return &providerData{client: client}, diags
}

// missingCredentialMessage tells the user which settings sign in, and which of
// the client secret ones are still missing.
func missingCredentialMessage(tenantID, clientID, clientSecret string) string {
	var missing []string
	for _, s := range []struct {
		setting
		value string
	}{{settingTenantID, tenantID}, {settingClientID, clientID}, {settingClientSecret, clientSecret}} {
		if s.value == "" {
			missing = append(missing, s.attribute)
		}
	}
	return fmt.Sprintf("The provider has no credential to call Partner Center with. Set either %s, or all of %s, %s and %s, "+
		"in the provider block or the environment. Missing now: %s.",
		settingAccessToken.describe(), settingTenantID.describe(), settingClientID.describe(), settingClientSecret.describe(),
		strings.Join(missing, ", "))
}
