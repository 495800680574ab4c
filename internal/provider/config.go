package provider

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// providerData is what the provider hands its data sources: a client, or the
// reason there is none, reported only when a data source needs one.
type providerData struct {
	client *partnercenter.Client
	// wait paces the reads that wait for a batch job to finish.
	wait partnercenter.WaitOptions
	// unusable explains, when set, why client is nil.
	unusable diag.Diagnostics
	// claims are the devices the device policy assignments planned so far
	// give a profile.
	claims *assignmentClaims
	// profileChanges are the batch and assignment resources' changes of
	// devices under way, which a refused deletion of their profile waits
	// for.
	profileChanges *profileChanges
	// changeGrace is how long a refused deletion of a profile waits for a
	// change of its devices to begin: deviceChangeGrace, or what the
	// provider's tests give (partnerCenterProvider.changeGrace).
	changeGrace time.Duration
}

// configuredProviderData is what the provider handed a data source or
// resource: nil before the provider is configured, as during validation.
func configuredProviderData(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	d, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerData, got %T. Please report this issue to the provider developers.", data))
	}
	return d
}

// partnerCenter returns the client, or a diagnostic saying why there is none.
func (d *providerData) partnerCenter() (*partnercenter.Client, diag.Diagnostics) {
	var diags diag.Diagnostics
	switch {
	case d == nil:
		diags.AddError("Provider not configured",
			"The partnercenter provider was not configured before Partner Center was called. Please report this issue to the provider developers.")
	case d.client == nil:
		diags.Append(d.unusable...)
	}
	if diags.HasError() {
		return nil, diags
	}
	return d.client, diags
}

// timeoutOf is the value of one attribute of a timeouts block, such as
// plan.Timeouts.Create: fallback when the attribute is unset.
type timeoutOf func(ctx context.Context, fallback time.Duration) (time.Duration, diag.Diagnostics)

// providerCall is one Read, Create, Update or Delete calling Partner
// Center: ctx is bounded by limit, the value of the timeouts attribute that
// bounds the operation, and cancel ends it.
type providerCall struct {
	ctx    context.Context
	cancel context.CancelFunc
	client *partnercenter.Client
	limit  time.Duration
}

// startCall opens each Read, Create, Update and Delete that calls Partner
// Center: it takes the timeout that bounds the operation, then the client,
// adding their diagnostics to diags in that order. It returns nil when
// diags then holds an error.
func (d *providerData) startCall(ctx context.Context, diags *diag.Diagnostics, timeout timeoutOf, fallback time.Duration) *providerCall {
	limit, d2 := timeout(ctx, fallback)
	diags.Append(d2...)
	client, d2 := d.partnerCenter()
	diags.Append(d2...)
	if diags.HasError() {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	return &providerCall{ctx: ctx, cancel: cancel, client: client, limit: limit}
}

// unusableProviderData is the provider's data when it cannot call Partner
// Center, for the reasons diags give whenever a data source or resource
// needs to.
func unusableProviderData(diags ...diag.Diagnostic) *providerData {
	return &providerData{unusable: diags, claims: &assignmentClaims{}, profileChanges: &profileChanges{}}
}

// deferConfigErrors is the provider's data when the configuration sets
// nothing, as when there is no provider block, and the environment
// resolves to errors. Returned by Configure, the errors would come after
// Terraform's own, which sends the user to add a provider block that
// would change nothing; reported when Partner Center is needed, they are
// the only ones, and say what to set. They lose the attribute each was
// on, which the configuration does not hold.
func deferConfigErrors(diags diag.Diagnostics) *providerData {
	errs := make(diag.Diagnostics, 0, len(diags))
	for _, d := range diags.Errors() {
		errs = append(errs, diag.NewErrorDiagnostic(d.Summary(), d.Detail()+
			"\n\nThe configuration sets no provider attribute: the provider took every setting from the environment."))
	}
	return unusableProviderData(errs...)
}

// newProviderData resolves the configuration against the environment and
// builds the client. A value that is set but invalid fails here, naming the
// attribute or environment variable it came from.
func newProviderData(cfg providerModel, ua string, env environment, wait partnercenter.WaitOptions) (*providerData, diag.Diagnostics) {
	var diags diag.Diagnostics
	// invalid reports a value from source that cannot be used, or, without
	// a source, a setting err explains on its own.
	invalid := func(s setting, source string, err error) {
		detail := fmt.Sprintf("The %s is invalid: %s.", source, err)
		if source == "" {
			detail = err.Error() + "."
		}
		diags.AddAttributeError(path.Root(s.attribute), "Invalid provider configuration", detail)
	}

	envName, envSource := settingEnvironment.resolve(cfg.Environment, env)
	if envName == "" {
		envName = partnercenter.DefaultEnvironment
	}
	cloud, ok := partnercenter.LookupEnvironment(envName)
	if !ok {
		invalid(settingEnvironment, envSource, fmt.Errorf("%q is not one of %s", envName, strings.Join(partnercenter.EnvironmentNames(), ", ")))
	}

	baseURL, source := settingBaseURL.resolve(cfg.BaseURL, env)
	if baseURL == "" {
		baseURL = cloud.BaseURL
	} else if err := partnercenter.ValidateBaseURL(baseURL); err != nil {
		invalid(settingBaseURL, source, err)
	}

	authorityHost, source := settingAuthorityHost.resolve(cfg.AuthorityHost, env)
	customAuthority := authorityHost != ""
	if !customAuthority {
		authorityHost = cloud.AuthorityHost
	} else if err := partnercenter.ValidateAuthorityHost(authorityHost); err != nil {
		invalid(settingAuthorityHost, source, err)
	}

	locale, source := settingLocale.resolve(cfg.Locale, env)
	if locale != "" && !localePattern.MatchString(locale) {
		invalid(settingLocale, source, fmt.Errorf("%q is not a locale such as en-US", locale))
	}

	clientID, source := settingClientID.resolve(cfg.ClientID, env)
	if clientID != "" && !partnercenter.IsGUID(clientID) {
		invalid(settingClientID, source, fmt.Errorf("%q is not a GUID", clientID))
	}
	if diags.HasError() {
		return nil, diags
	}

	maxRetries, requestTimeout := retrySettings(cfg, env, invalid)
	partSize := uploadPartSize(cfg, env, invalid)
	options, tokenScope := credentialOptions(cfg, env, invalid)
	if diags.HasError() {
		return nil, diags
	}
	options.ClientID = clientID
	options.AuthorityHost = authorityHost
	options.DisableInstanceDiscovery = customAuthority
	options.Log = logSignIn
	credential, err := partnercenter.NewCredential(options)
	if errors.Is(err, partnercenter.ErrNoCredential) {
		return unusableProviderData(diag.NewErrorDiagnostic("Missing Partner Center credentials", describeSignInError(err))), diags
	}
	if err != nil {
		diags.AddError("Invalid provider configuration", "The Entra ID sign-in could not be set up: "+err.Error())
		return nil, diags
	}

	client, err := partnercenter.NewClient(partnercenter.Options{
		BaseURL:    baseURL,
		Credential: credential,
		Scope:      tokenScope,
		Locale:     locale,
		UserAgent:  ua,

		MaxRetries:     maxRetries,
		RequestTimeout: requestTimeout,
		Log:            logAttempt,
		PartSize:       partSize,
	})
	if err != nil {
		diags.AddError("Invalid provider configuration", "The Partner Center client could not be set up: "+err.Error())
		return nil, diags
	}
	return &providerData{client: client, wait: wait, claims: &assignmentClaims{}, profileChanges: &profileChanges{}}, diags
}

// credentialOptions resolves every sign-in setting but the client ID and
// authority, which newProviderData resolves and checks itself, and the token
// scope. A setting that is set but unusable is reported through invalid.
func credentialOptions(cfg providerModel, env environment, invalid func(setting, string, error)) (partnercenter.CredentialOptions, string) {
	str := func(s setting, v types.String) string {
		value, _ := s.resolve(v, env)
		return value
	}
	boolean := func(s setting, v types.Bool, def bool) bool {
		value, source, err := s.resolveBool(v, def, env)
		if err != nil {
			invalid(s, source, err)
		}
		return value
	}
	o := partnercenter.CredentialOptions{
		AccessToken:               str(settingAccessToken, cfg.AccessToken),
		TenantID:                  str(settingTenantID, cfg.TenantID),
		ClientSecret:              str(settingClientSecret, cfg.ClientSecret),
		ClientSecretFilePath:      str(settingClientSecretFilePath, cfg.ClientSecretFilePath),
		ClientCertificatePath:     str(settingClientCertificatePath, cfg.ClientCertificatePath),
		ClientCertificatePassword: str(settingClientCertificatePassword, cfg.ClientCertificatePassword),
		RefreshToken:              str(settingRefreshToken, cfg.RefreshToken),
		UseOIDC:                   boolean(settingUseOIDC, cfg.UseOIDC, false),
		OIDCToken:                 str(settingOIDCToken, cfg.OIDCToken),
		OIDCTokenFilePath:         str(settingOIDCTokenFilePath, cfg.OIDCTokenFilePath),
		ADOServiceConnectionID:    str(settingADOServiceConnID, cfg.ADOPipelineServiceConnectionID),
		UseManagedIdentity:        boolean(settingUseMSI, cfg.UseMSI, false),
		UseAzureCLI:               boolean(settingUseCLI, cfg.UseCLI, true),
	}
	if o.UseOIDC {
		// The URL receives the token: both come from the same place.
		request, err := resolveOIDCRequest(cfg.OIDCRequestURL, cfg.OIDCRequestToken, env)
		if err != nil {
			invalid(settingOIDCRequestURL, "", err)
		} else if request.url != "" {
			if err := partnercenter.ValidateOIDCRequestURL(request.url); err != nil {
				invalid(settingOIDCRequestURL, request.urlSource, err)
			}
		}
		o.OIDCRequestURL, o.OIDCRequestToken = request.url, request.token
	}
	if encoded, source := settingClientCertificate.resolve(cfg.ClientCertificate, env); encoded != "" {
		certificate, err := base64.StdEncoding.DecodeString(strings.TrimSpace(encoded))
		if err != nil {
			// The decoder's error would quote the offending bytes of a secret.
			invalid(settingClientCertificate, source, errors.New("it is not base64-encoded"))
		}
		o.ClientCertificate = certificate
	}
	if endpoint, source := settingMSIEndpoint.resolve(cfg.MSIEndpoint, env); endpoint != "" {
		if err := partnercenter.ValidateManagedIdentityEndpoint(endpoint); err != nil {
			invalid(settingMSIEndpoint, source, err)
		}
		o.ManagedIdentityEndpoint = endpoint
	}
	return o, str(settingTokenScope, cfg.TokenScope)
}

// sourceSettings names the settings that configure each sign-in source, for
// messages that tell a user what to set.
var sourceSettings = map[string][]setting{
	partnercenter.SourceAccessToken:     {settingAccessToken},
	partnercenter.SourceRefreshToken:    {settingRefreshToken},
	partnercenter.SourceOIDC:            {settingUseOIDC},
	partnercenter.SourceCertificate:     {settingClientCertificate, settingClientCertificatePath},
	partnercenter.SourceSecret:          {settingClientSecret, settingClientSecretFilePath},
	partnercenter.SourceManagedIdentity: {settingUseMSI},
	partnercenter.SourceAzureCLI:        {settingUseCLI},
}

// describeSignInError lists each sign-in source and what became of it, with
// the settings that configure it, or returns err's text for another error.
func describeSignInError(err error) string {
	var signIn *partnercenter.SignInError
	if !errors.As(err, &signIn) {
		return err.Error()
	}
	var b strings.Builder
	if errors.Is(err, partnercenter.ErrNoCredential) {
		b.WriteString("The provider has no credential to call Partner Center with. It tries these sign-in sources in this order:\n")
	} else {
		b.WriteString("No sign-in source could get a Partner Center token. The provider tried them in this order:\n")
	}
	for i, a := range signIn.Attempts {
		names := make([]string, 0, len(sourceSettings[a.Source]))
		for _, s := range sourceSettings[a.Source] {
			names = append(names, s.describe())
		}
		fmt.Fprintf(&b, "\n%d. %s, set by %s: %s", i+1, a.Source, strings.Join(names, " or "), a.Outcome)
	}
	fmt.Fprintf(&b, "\n\nThe application's sign-ins also need %s and %s.", settingTenantID.describe(), settingClientID.describe())
	if !errors.Is(err, partnercenter.ErrNoCredential) {
		b.WriteString(" The provider stops at the first configured source that fails, so that a run never signs in as another " +
			"identity than the one configured; only a managed identity or an Azure CLI that is not available on this machine passes on to the next source.")
	}
	return b.String()
}

// signInGuide names the provider's sign-in guide, and signInGuideURL is
// where its repository shows it: the provider is not published on a
// registry, whose docs pages a link would otherwise point at.
const (
	signInGuide    = "the \"Sign-in\" guide of the provider's docs (docs/guides/sign-in.md)"
	signInGuideURL = "https://github.com/seed-8b9b5c63/terraform-provider-partnercenter/blob/main/docs/guides/sign-in.md"
)
