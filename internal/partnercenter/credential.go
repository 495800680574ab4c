package partnercenter

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// DefaultScope is the app-only scope for the Partner Center API.
const DefaultScope = "https://api.partnercenter.microsoft.com/.default"

// DelegatedScope is the app+user scope for the Partner Center API, which a
// refresh token is redeemed for.
const DelegatedScope = "https://api.partnercenter.microsoft.com/user_impersonation"

// ErrNoCredential reports that no sign-in source was configured completely.
var ErrNoCredential = errors.New("no Partner Center credential configured")

// The sign-in sources, in the order NewCredential tries them.
const (
	SourceAccessToken     = "access token"
	SourceRefreshToken    = "refresh token"
	SourceOIDC            = "OIDC federated token"
	SourceCertificate     = "client certificate"
	SourceSecret          = "client secret"
	SourceManagedIdentity = "managed identity"
	SourceAzureCLI        = "Azure CLI"
)

// CredentialOptions holds every way this package can sign in. NewCredential
// tries the sources in a fixed order: access token, refresh token, OIDC,
// client certificate, client secret, managed identity, Azure CLI.
type CredentialOptions struct {
	// AccessToken is a bearer token obtained elsewhere, used as is.
	AccessToken string

	// TenantID and ClientID name the application that signs in with a
	// refresh token, OIDC, a certificate or a secret. ClientID also picks a
	// user-assigned managed identity.
	TenantID string
	ClientID string

	// ClientSecret, or the file ClientSecretFilePath names, read again at
	// every token request, signs in app-only with the client credentials
	// grant.
	ClientSecret         string
	ClientSecretFilePath string

	// ClientCertificate holds a PKCS#12 archive or PEM certificate and
	// private key; ClientCertificatePath names a file holding one, read
	// again at every token request. ClientCertificatePassword decrypts it.
	ClientCertificate         []byte
	ClientCertificatePath     string
	ClientCertificatePassword string

	// RefreshToken is a consented user's refresh token of the secure
	// application model. With the application's secret or certificate it
	// is exchanged for a delegated (app+user) token.
	RefreshToken string

	// UseOIDC signs in with a federated token as the client assertion: the
	// token itself, the file that holds it (read again at every token
	// request), or one requested from a CI system's OIDC request URL with
	// its request token. ADOServiceConnectionID makes that request the way
	// Azure DevOps pipelines do; without it, the way GitHub Actions do.
	UseOIDC                bool
	OIDCToken              string
	OIDCTokenFilePath      string
	OIDCRequestURL         string
	OIDCRequestToken       string
	ADOServiceConnectionID string

	// UseManagedIdentity signs in as the host's managed identity, through
	// ManagedIdentityEndpoint when set, a URL speaking Azure's instance
	// metadata service protocol.
	UseManagedIdentity      bool
	ManagedIdentityEndpoint string

	// UseAzureCLI signs in as the user or identity logged in to the Azure
	// CLI, with `az account get-access-token`.
	UseAzureCLI bool

	// AuthorityHost is the Entra ID authority, such as
	// https://login.microsoftonline.com/.
	AuthorityHost string
	// DisableInstanceDiscovery skips Entra ID's instance metadata lookup,
	// which only the public authorities answer.
	DisableInstanceDiscovery bool

	// ClientOptions carries the transport and retry settings for token
	// requests.
	ClientOptions policy.ClientOptions

	// Log, when set, is told which source signed in, once: a message for
	// INFO, with the source's name as the field sign_in_source and no
	// secret.
	Log LogFunc
}

// source is one way to sign in: a credential, or why there is none.
type source struct {
	name string
	cred azcore.TokenCredential
	// skipped says why cred is nil.
	skipped string
	// configured is set when the source was asked for, even if a setting it
	// needs is missing (skipped says which): it then fails rather than let
	// a later source sign in as another identity.
	configured bool
	// machineBound is set for the sources that depend on the machine the
	// provider runs on (managed identity, Azure CLI): when they are not
	// available there, the next source is tried.
	machineBound bool
	// cached is set for the sources MSAL caches tokens for: a renewal asks
	// them with claims, which MSAL never answers from its cache.
	cached bool
}

// renewalClaims are the claims of a token renewal: a token issued no
// earlier than now, the claims challenge Entra ID's continuous access
// evaluation sends when it revokes a token.
func renewalClaims(now time.Time) string {
	return fmt.Sprintf(`{"access_token":{"nbf":{"essential":true,"value":"%d"}}}`, now.Unix())
}

// NewCredential returns a credential that tries each configured source in
// order until one signs in, then keeps to that one. It returns an error
// wrapping ErrNoCredential when no source is configured, and another error
// when a configured one is unusable, such as a certificate that does not
// parse.
func NewCredential(o CredentialOptions) (azcore.TokenCredential, error) {
	hostOptions := o.ClientOptions
	hostOptions.Cloud = cloud.Configuration{ActiveDirectoryAuthorityHost: o.AuthorityHost}
	clientOptions := hostOptions
	clientOptions.Transport = tokenTransport(clientOptions.Transport)
	b := builder{o: o, clientOptions: clientOptions, hostOptions: hostOptions}
	sources := []source{
		b.accessToken(),
		b.refreshToken(),
		b.oidc(),
		b.certificate(),
		b.secret(),
		b.managedIdentity(),
		b.azureCLI(),
	}
	if b.err != nil {
		return nil, b.err
	}
	for _, s := range sources {
		if s.cred != nil {
			return &chain{sources: sources, log: o.Log}, nil
		}
	}
	return nil, &SignInError{Attempts: attempts(sources, nil), noSource: true}
}

// chain tries its sources in order, like azidentity's
// ChainedTokenCredential, but reports every source in its error.
type chain struct {
	sources []source
	log     LogFunc
	mu      sync.Mutex
	// selected is the source that signed in first; the bearer token policy
	// asks it alone for later tokens, so that one run signs in as one
	// identity.
	selected *source
}

// GetToken implements azcore.TokenCredential. The first source that signs
// in is kept. A configured source that fails stops the chain with its
// error, whatever the failure (Entra ID's refusal, a network failure, a
// file that cannot be read, a missing tenant ID), so that a run never signs
// in as another identity than the one configured. Only a managed identity
// or an Azure CLI that is not available on this machine (no endpoint
// answers, no az installed: azidentity's "credential unavailable") passes
// on to the next source.
func (c *chain) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.mu.Lock()
	selected := c.selected
	c.mu.Unlock()
	if selected != nil {
		if selected.cached && opts.Claims == "" && renewing(ctx) {
			opts.Claims = renewalClaims(time.Now())
		}
		return selected.cred.GetToken(ctx, opts)
	}
	failures := map[string]error{}
	for i := range c.sources {
		s := &c.sources[i]
		if s.cred == nil {
			if s.configured {
				failures[s.name] = &incompleteError{missing: s.skipped}
				break
			}
			continue
		}
		token, err := s.cred.GetToken(ctx, opts)
		if err == nil {
			c.mu.Lock()
			c.selected = s
			c.mu.Unlock()
			if c.log != nil {
				c.log(ctx, "Signed in to Entra ID for Partner Center", map[string]any{"sign_in_source": s.name})
			}
			return token, nil
		}
		failures[s.name] = err
		if !s.passesOn(err) {
			break
		}
	}
	return azcore.AccessToken{}, &SignInError{Attempts: attempts(c.sources, failures)}
}

// passesOn reports whether err lets the chain try the next source: the
// source depends on the machine and is not available on it.
func (s *source) passesOn(err error) bool {
	return s.machineBound && unavailable(err)
}

// unavailableType is the type of azidentity's "credential unavailable"
// errors (NewCredentialUnavailableError), which azidentity does not name:
// an Azure CLI that is not installed, a managed identity the host has not.
var unavailableType = reflect.TypeOf(azidentity.NewCredentialUnavailableError(""))

// unavailable reports whether err says its credential is not available on
// this machine, as azidentity's ChainedTokenCredential reads it.
func unavailable(err error) bool {
	return errors.As(err, reflect.New(unavailableType).Interface())
}

// incompleteError is the failure of a configured source that lacks a
// setting, such as a client secret without a tenant ID.
type incompleteError struct {
	missing string
}

func (e *incompleteError) Error() string {
	return "configured, but it " + e.missing
}

// rejected reports whether err is an identity provider's refusal of the
// credential, as opposed to a source that could not be used at all, such as
// a token file that is missing. azidentity reports both as authentication
// failures; only a refusal carries the provider's response.
func rejected(err error) bool {
	var authErr *azidentity.AuthenticationFailedError
	var rejectedErr *rejectionError
	return (errors.As(err, &authErr) && authErr.RawResponse != nil) || errors.As(err, &rejectedErr)
}

// Attempt is what became of one sign-in source.
type Attempt struct {
	// Source is one of the Source* names.
	Source string
	// Outcome says why the source was skipped or how it failed.
	Outcome string
	// Err is the failure, nil for a skipped source.
	Err error
}

// SignInError lists every sign-in source in order and what became of it. It
// carries no secret: skipped sources name the missing setting, failed ones
// the identity provider's answer.
type SignInError struct {
	Attempts []Attempt
	// noSource is set when no source was configured at all.
	noSource bool
}

// Error implements error.
func (e *SignInError) Error() string {
	var b strings.Builder
	if e.noSource {
		b.WriteString("no Partner Center credential configured; the sign-in sources, in the order they are tried:")
	} else {
		b.WriteString("signing in to Partner Center failed; the sign-in sources, in the order they were tried:")
	}
	for _, a := range e.Attempts {
		fmt.Fprintf(&b, "\n- %s: %s", a.Source, a.Outcome)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrNoCredential) true when nothing was configured.
func (e *SignInError) Is(target error) bool {
	return e.noSource && target == ErrNoCredential
}

// Unwrap returns the failures of the sources that were tried.
func (e *SignInError) Unwrap() []error {
	var errs []error
	for _, a := range e.Attempts {
		if a.Err != nil {
			errs = append(errs, a.Err)
		}
	}
	return errs
}

// attempts describes each source: skipped, failed with the error in
// failures, not available, or not tried because an earlier one failed.
func attempts(sources []source, failures map[string]error) []Attempt {
	out := make([]Attempt, 0, len(sources))
	var stoppedBy string
	for _, s := range sources {
		a := Attempt{Source: s.name}
		switch err, failed := failures[s.name]; {
		case failed && s.passesOn(err):
			a.Outcome, a.Err = "not available on this machine: "+err.Error(), err
		case failed:
			a.Outcome, a.Err = "failed: "+err.Error(), err
			stoppedBy = "the " + s.name + " failed"
			if rejected(err) {
				stoppedBy = "the " + s.name + " was rejected"
			}
		case s.cred == nil:
			a.Outcome = "skipped, " + s.skipped
		case stoppedBy != "":
			a.Outcome = "not tried, because " + stoppedBy
		default:
			a.Outcome = "not tried"
		}
		out = append(out, a)
	}
	return out
}

// staticToken is a bearer token obtained outside the provider. Its lifetime is
// unknown here, so it claims an hour and is handed out again when the bearer
// policy asks for a fresh one.
type staticToken string

// GetToken implements azcore.TokenCredential.
func (t staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(t), ExpiresOn: time.Now().Add(time.Hour)}, nil
}
