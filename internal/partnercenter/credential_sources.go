package partnercenter

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// federatedAudience is the audience Entra ID requires of federated tokens.
const federatedAudience = "api://AzureADTokenExchange"

// builder makes each source from the options, remembering the first
// configuration error.
type builder struct {
	o CredentialOptions
	// clientOptions carry the token requests of every source but
	// azidentity's managed identity, through tokenTransport.
	clientOptions policy.ClientOptions
	// hostOptions are the caller's, for azidentity's managed identity: on
	// Service Fabric, MSAL must pin the caller's own *http.Transport.
	hostOptions policy.ClientOptions
	err         error
}

// tokenTransport carries the token requests this package makes or has
// azidentity make: redirects are refused, as errors naming where they
// pointed, so that no secret, assertion or request token goes elsewhere,
// and answers are capped at MaxSignInAnswerBytes.
func tokenTransport(t policy.Transporter) policy.Transporter {
	return limitedTransport{next: withoutRedirects(t), limit: MaxSignInAnswerBytes, tooLarge: signInAnswerTooLarge, refuseRedirects: true}
}

func (b *builder) fail(err error) source {
	if b.err == nil {
		b.err = err
	}
	return source{}
}

// pipeline returns the HTTP pipeline for the token requests this package
// makes itself, with the transport and retry settings of the options.
func (b *builder) pipeline() runtime.Pipeline {
	return runtime.NewPipeline("partnercenter", "", runtime.PipelineOptions{}, &b.clientOptions)
}

// appMissing says which of tenant and client ID a source still needs.
func (b *builder) appMissing() string {
	switch {
	case b.o.TenantID == "" && b.o.ClientID == "":
		return "needs a tenant ID and a client ID"
	case b.o.TenantID == "":
		return "needs a tenant ID"
	case b.o.ClientID == "":
		return "needs a client ID"
	}
	return ""
}

func (b *builder) accessToken() source {
	if b.o.AccessToken == "" {
		return source{name: SourceAccessToken, skipped: "not configured"}
	}
	return source{name: SourceAccessToken, cred: staticToken(b.o.AccessToken)}
}

func (b *builder) refreshToken() source {
	s := source{name: SourceRefreshToken, configured: b.o.RefreshToken != ""}
	if !s.configured {
		s.skipped = "not configured"
		return s
	}
	if missing := b.appMissing(); missing != "" {
		s.skipped = missing
		return s
	}
	var auth clientAuthentication
	switch {
	case len(b.o.ClientCertificate) > 0:
		certs, key, err := parseCertificate(b.o.ClientCertificate, b.o.ClientCertificatePassword)
		if err != nil {
			return b.fail(err)
		}
		auth = certificateAuthentication(b.o.ClientID, certs, key)
	case b.o.ClientCertificatePath != "":
		path, password := b.o.ClientCertificatePath, b.o.ClientCertificatePassword
		if _, _, err := readCertificate(path, password); err != nil {
			return b.fail(err)
		}
		auth = func(form url.Values, audience string) error {
			certs, key, err := readCertificate(path, password)
			if err != nil {
				return err
			}
			return certificateAuthentication(b.o.ClientID, certs, key)(form, audience)
		}
	case b.o.ClientSecret != "":
		secret := b.o.ClientSecret
		auth = func(form url.Values, _ string) error {
			form.Set("client_secret", secret)
			return nil
		}
	case b.o.ClientSecretFilePath != "":
		path := b.o.ClientSecretFilePath
		auth = func(form url.Values, _ string) error {
			secret, err := readSecretFile(path)
			form.Set("client_secret", secret)
			return err
		}
	default:
		s.skipped = "needs the application's client secret or certificate"
		return s
	}
	s.cred = &refreshTokenCredential{
		pipeline:      b.pipeline(),
		tokenEndpoint: strings.TrimRight(b.o.AuthorityHost, "/") + "/" + url.PathEscape(b.o.TenantID) + "/oauth2/v2.0/token",
		clientID:      b.o.ClientID,
		authenticate:  auth,
		refreshToken:  b.o.RefreshToken,
	}
	return s
}

func (b *builder) oidc() source {
	s := source{name: SourceOIDC, cached: true, configured: b.o.UseOIDC}
	var assertion func(context.Context) (string, error)
	switch {
	case !b.o.UseOIDC:
		s.skipped = "not enabled"
	case b.appMissing() != "":
		s.skipped = b.appMissing()
	case b.o.OIDCToken != "":
		token := b.o.OIDCToken
		assertion = func(context.Context) (string, error) { return token, nil }
	case b.o.OIDCTokenFilePath != "":
		path := b.o.OIDCTokenFilePath
		assertion = func(context.Context) (string, error) { return readSecretFile(path) }
	case b.o.OIDCRequestURL != "" && b.o.OIDCRequestToken != "":
		// The URL receives the request token as a bearer token.
		if err := ValidateOIDCRequestURL(b.o.OIDCRequestURL); err != nil {
			return b.fail(fmt.Errorf("the OIDC request URL %w", err))
		}
		assertion = oidcRequest{
			pipeline:            b.pipeline(),
			url:                 b.o.OIDCRequestURL,
			token:               b.o.OIDCRequestToken,
			serviceConnectionID: b.o.ADOServiceConnectionID,
		}.assertion
	case b.o.OIDCRequestURL != "":
		s.skipped = "the OIDC request URL needs a request token"
	default:
		s.skipped = "needs a federated token, a token file, or an OIDC request URL and token"
	}
	if assertion == nil {
		return s
	}
	cred, err := azidentity.NewClientAssertionCredential(b.o.TenantID, b.o.ClientID, assertion, &azidentity.ClientAssertionCredentialOptions{
		ClientOptions:            b.clientOptions,
		DisableInstanceDiscovery: b.o.DisableInstanceDiscovery,
	})
	if err != nil {
		return b.fail(err)
	}
	s.cred = cred
	return s
}

func (b *builder) certificate() source {
	s := source{name: SourceCertificate, cached: true, configured: len(b.o.ClientCertificate) > 0 || b.o.ClientCertificatePath != ""}
	if !s.configured {
		s.skipped = "not configured"
		return s
	}
	if missing := b.appMissing(); missing != "" {
		s.skipped = missing
		return s
	}
	build := func(certs []*x509.Certificate, key crypto.PrivateKey) (azcore.TokenCredential, error) {
		return azidentity.NewClientCertificateCredential(b.o.TenantID, b.o.ClientID, certs, key, &azidentity.ClientCertificateCredentialOptions{
			ClientOptions:            b.clientOptions,
			DisableInstanceDiscovery: b.o.DisableInstanceDiscovery,
		})
	}
	if len(b.o.ClientCertificate) > 0 {
		certs, key, err := parseCertificate(b.o.ClientCertificate, b.o.ClientCertificatePassword)
		if err != nil {
			return b.fail(err)
		}
		cred, err := build(certs, key)
		if err != nil {
			return b.fail(err)
		}
		s.cred = cred
		return s
	}
	password := b.o.ClientCertificatePassword
	cred, err := newFileBacked(b.o.ClientCertificatePath, func(data []byte) (azcore.TokenCredential, error) {
		certs, key, err := parseCertificate(data, password)
		if err != nil {
			return nil, err
		}
		return build(certs, key)
	})
	if err != nil {
		return b.fail(err)
	}
	s.cred = cred
	return s
}

func (b *builder) secret() source {
	s := source{name: SourceSecret, cached: true, configured: b.o.ClientSecret != "" || b.o.ClientSecretFilePath != ""}
	if !s.configured {
		s.skipped = "not configured"
		return s
	}
	if missing := b.appMissing(); missing != "" {
		s.skipped = missing
		return s
	}
	build := func(secret string) (azcore.TokenCredential, error) {
		return azidentity.NewClientSecretCredential(b.o.TenantID, b.o.ClientID, secret, &azidentity.ClientSecretCredentialOptions{
			ClientOptions:            b.clientOptions,
			DisableInstanceDiscovery: b.o.DisableInstanceDiscovery,
		})
	}
	var cred azcore.TokenCredential
	var err error
	if b.o.ClientSecret != "" {
		cred, err = build(b.o.ClientSecret)
	} else {
		cred, err = newFileBacked(b.o.ClientSecretFilePath, func(data []byte) (azcore.TokenCredential, error) {
			return build(string(bytes.TrimSpace(data)))
		})
	}
	if err != nil {
		return b.fail(err)
	}
	s.cred = cred
	return s
}

func (b *builder) managedIdentity() source {
	s := source{name: SourceManagedIdentity, configured: b.o.UseManagedIdentity, machineBound: true}
	switch {
	case !b.o.UseManagedIdentity:
		s.skipped = "not enabled"
	case b.o.ManagedIdentityEndpoint != "":
		if err := ValidateManagedIdentityEndpoint(b.o.ManagedIdentityEndpoint); err != nil {
			return b.fail(err)
		}
		s.cred = &imdsCredential{pipeline: b.pipeline(), endpoint: b.o.ManagedIdentityEndpoint, clientID: b.o.ClientID}
	default:
		// azidentity's managed identity keeps the caller's transport (see
		// hostOptions). A policy tells a connection failure from an answer.
		options := &azidentity.ManagedIdentityCredentialOptions{ClientOptions: b.hostOptions}
		options.PerRetryPolicies = append(slices.Clone(options.PerRetryPolicies), connectProbePolicy{})
		if b.o.ClientID != "" {
			options.ID = azidentity.ClientID(b.o.ClientID)
		}
		cred, err := azidentity.NewManagedIdentityCredential(options)
		if err != nil {
			return b.fail(err)
		}
		s.cred = hostManagedIdentity{cred}
	}
	return s
}

// Do implements policy.Policy.
func (connectProbePolicy) Do(req *policy.Request) (*http.Response, error) {
	resp, err := req.Next()
	if probe, ok := req.Raw().Context().Value(connectProbeKey{}).(*connectProbe); ok {
		probe.mu.Lock()
		probe.refused = probe.refused || isConnectFailure(err)
		probe.answered = probe.answered || resp != nil
		probe.mu.Unlock()
	}
	return resp, err
}

func (b *builder) azureCLI() source {
	s := source{name: SourceAzureCLI, configured: b.o.UseAzureCLI, machineBound: true}
	if !b.o.UseAzureCLI {
		s.skipped = "disabled"
		return s
	}
	cred, err := azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: b.o.TenantID})
	if err != nil {
		return b.fail(err)
	}
	s.cred = cred
	return s
}

// rejectionError is an identity provider's refusal of a credential that this
// package asked for a token itself.
type rejectionError struct {
	msg string
}

func (e *rejectionError) Error() string { return e.msg }
