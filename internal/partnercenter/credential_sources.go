package partnercenter

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/golang-jwt/jwt/v5"
	"software.sslmate.com/src/go-pkcs12"
)

// federatedAudience is the audience Entra ID requires of federated tokens.
const federatedAudience = "api://AzureADTokenExchange"

// imdsAPIVersion is the instance metadata service API version asked for.
const imdsAPIVersion = "2018-02-01"

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

// hostManagedIdentity is azidentity's managed identity credential, which
// finds the endpoint in the host's environment (IMDS on a virtual machine).
// azidentity reports an endpoint that nothing answers at as a failure; this
// reports it as the credential being unavailable on this machine, so that
// the chain tries the next source.
type hostManagedIdentity struct {
	cred azcore.TokenCredential
}

// GetToken implements azcore.TokenCredential.
func (c hostManagedIdentity) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	probe := &connectProbe{}
	token, err := c.cred.GetToken(context.WithValue(ctx, connectProbeKey{}, probe), opts)
	var authErr *azidentity.AuthenticationFailedError
	if err != nil && probe.neverConnected() && errors.As(err, &authErr) && authErr.RawResponse == nil {
		return token, azidentity.NewCredentialUnavailableError("managed identity: no managed identity endpoint answers on this host: " + err.Error())
	}
	return token, err
}

type connectProbeKey struct{}

// connectProbe records whether the requests of one token request reached
// a server.
type connectProbe struct {
	mu                sync.Mutex
	refused, answered bool
}

func (p *connectProbe) neverConnected() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.refused && !p.answered
}

// connectProbePolicy tells the connectProbe of the request's context
// whether each attempt connected.
type connectProbePolicy struct{}

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

// isConnectFailure reports whether err is a failure to connect: nothing
// listens at the address, or it cannot be reached.
func isConnectFailure(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
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

// tokenAnswer is the part of a token endpoint's JSON answer every endpoint
// shares; each caller embeds it next to the expiry field its endpoint uses
// (expires_in from Entra ID, expires_on from the managed-identity endpoint).
type tokenAnswer struct {
	AccessToken      string `json:"access_token"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// decodeTokenAnswer reads a token endpoint's answer into body, which embeds
// answer, so a refusal reads the same way whichever source asked. grant
// prefixes every error and endpoint names who refused; a non-200 answer or
// one without a token is a rejectionError, and an undecodable body only
// matters when the status claims success.
func decodeTokenAnswer(resp *http.Response, grant, endpoint string, body any, answer *tokenAnswer) error {
	if err := runtime.UnmarshalAsJSON(resp, body); err != nil && resp.StatusCode == http.StatusOK {
		return fmt.Errorf("%s: %w", grant, err)
	}
	if resp.StatusCode != http.StatusOK || answer.AccessToken == "" {
		return &rejectionError{fmt.Sprintf("%s: %s answered %d: %s: %s",
			grant, endpoint, resp.StatusCode, answer.Error, answer.ErrorDescription)}
	}
	return nil
}

// MaxCredentialFileBytes caps a secret, certificate or token file: they
// are a few KiB.
const MaxCredentialFileBytes = 1 << 20

// readCredentialFile reads a secret, certificate or token file. It refuses
// what is not a regular file, such as a named pipe, whose reading would
// block until something writes to it, and a file over
// MaxCredentialFileBytes. Its errors name the file, never its content.
func readCredentialFile(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, errors.Unwrap(err))
	}
	if !info.Mode().IsRegular() {
		return nil, notRegular(path, info.Mode())
	}
	f, err := os.Open(path) //nolint:gosec // The user names the file to read.
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, errors.Unwrap(err))
	}
	defer f.Close()
	// The file may have been replaced since it was looked at.
	if opened, err := f.Stat(); err != nil || !opened.Mode().IsRegular() {
		return nil, notRegular(path, info.Mode())
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxCredentialFileBytes+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("reading %s: %w", path, errors.Unwrap(err))
	case len(data) > MaxCredentialFileBytes:
		return nil, fmt.Errorf("%s is larger than %d MiB, more than a secret, certificate or token file holds", path, MaxCredentialFileBytes>>20)
	}
	return data, nil
}

// notRegular is the error of a credential file that is not a regular file.
func notRegular(path string, mode os.FileMode) error {
	kind := "a special file"
	switch {
	case mode.IsDir():
		kind = "a directory"
	case mode&os.ModeNamedPipe != 0:
		kind = "a named pipe"
	case mode&os.ModeSocket != 0:
		kind = "a socket"
	case mode&os.ModeDevice != 0:
		kind = "a device"
	}
	return fmt.Errorf("%s is not a regular file but %s; a secret, certificate or token file must be one", path, kind)
}

// readSecretFile reads a secret from path, without surrounding white space.
// Its errors name the file, never its content.
func readSecretFile(path string) (string, error) {
	data, err := readCredentialFile(path)
	if err != nil {
		return "", err
	}
	secret := strings.TrimSpace(string(data))
	if secret == "" {
		return "", fmt.Errorf("%s is empty", path)
	}
	return secret, nil
}

// parseCertificate reads a PKCS#12 archive or PEM certificates and private
// key, as Entra ID client certificates come, and returns the certificates
// with the one the key belongs to first, whatever their order in data. PEM
// is read whatever the password, which only opens an archive. PKCS#12 is read
// as OpenSSL 3 and Windows write it today (PBES2 with AES and an HMAC-SHA256
// MAC) and as older tools did (3DES or RC2 with a SHA-1 MAC).
func parseCertificate(data []byte, password string) ([]*x509.Certificate, crypto.PrivateKey, error) {
	var (
		certs []*x509.Certificate
		key   crypto.PrivateKey
		err   error
	)
	if bytes.Contains(data, []byte("-----BEGIN ")) {
		certs, key, err = parsePEMCertificate(data)
	} else {
		certs, key, err = parsePKCS12(data, password)
	}
	if err != nil {
		return nil, nil, err
	}
	return leafFirst(certs, key)
}

// parsePKCS12 reads every certificate and the private key of a PKCS#12
// archive.
func parsePKCS12(data []byte, password string) ([]*x509.Certificate, crypto.PrivateKey, error) {
	key, cert, chain, err := pkcs12.DecodeChain(data, password)
	switch {
	case errors.Is(err, pkcs12.ErrIncorrectPassword) || errors.Is(err, pkcs12.ErrDecryption):
		return nil, nil, errors.New("the client certificate is a PKCS#12 archive that the password does not open: check the certificate's password")
	case err != nil && strings.HasPrefix(err.Error(), "pkcs12: error reading P12 data"):
		// go-pkcs12's only error for data that is not an archive at all.
		return nil, nil, fmt.Errorf("the client certificate is neither a PKCS#12 archive nor PEM: %w", err)
	case err != nil:
		return nil, nil, fmt.Errorf("the client certificate's PKCS#12 archive cannot be read: %w", err)
	}
	return append([]*x509.Certificate{cert}, chain...), key, nil
}

// parsePEMCertificate reads the certificates and the one unencrypted private
// key of PEM data, as azidentity does.
func parsePEMCertificate(data []byte) ([]*x509.Certificate, crypto.PrivateKey, error) {
	var certs []*x509.Certificate
	var key crypto.PrivateKey
	for {
		var block *pem.Block
		if block, data = pem.Decode(data); block == nil {
			break
		}
		var err error
		switch block.Type {
		case "CERTIFICATE":
			var cert *x509.Certificate
			if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
				certs = append(certs, cert)
			}
		case "PRIVATE KEY", "RSA PRIVATE KEY":
			if key != nil {
				return nil, nil, errors.New("the client certificate's PEM holds more than one private key")
			}
			if key, err = x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
				key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
			}
		case "ENCRYPTED PRIVATE KEY":
			return nil, nil, errors.New("the client certificate's PEM private key is encrypted, which is not supported: " +
				"write it unencrypted, or use a PKCS#12 archive with a password")
		}
		if err != nil {
			return nil, nil, fmt.Errorf("the client certificate's PEM holds a %s that cannot be read: %w", block.Type, err)
		}
	}
	switch {
	case len(certs) == 0:
		return nil, nil, errors.New("the client certificate's PEM holds no certificate")
	case key == nil:
		return nil, nil, errors.New("the client certificate's PEM holds no private key")
	}
	return certs, key, nil
}

// leafFirst puts the certificate of key first, followed by the others in
// their order: the certificate a client assertion names is the first.
func leafFirst(certs []*x509.Certificate, key crypto.PrivateKey) ([]*x509.Certificate, crypto.PrivateKey, error) {
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, nil, fmt.Errorf("the client certificate's private key is a %T, which cannot sign", key)
	}
	public, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok {
		return nil, nil, fmt.Errorf("the client certificate's private key is a %T, which cannot sign", key)
	}
	for i, cert := range certs {
		if public.Equal(cert.PublicKey) {
			ordered := make([]*x509.Certificate, 0, len(certs))
			ordered = append(ordered, cert)
			ordered = append(ordered, certs[:i]...)
			return append(ordered, certs[i+1:]...), key, nil
		}
	}
	return nil, nil, errors.New("no certificate in the client certificate matches its private key")
}

// readCertificate parses the certificate in the file at path.
func readCertificate(path, password string) ([]*x509.Certificate, crypto.PrivateKey, error) {
	data, err := readCredentialFile(path)
	if err != nil {
		return nil, nil, err
	}
	certs, key, err := parseCertificate(data, password)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return certs, key, nil
}

// fileBacked is a credential built from a file's content, such as a rotated
// secret. It reads the file at every token request and builds a new
// credential when the content changed, so that a rotation needs no restart.
type fileBacked struct {
	path  string
	build func([]byte) (azcore.TokenCredential, error)

	mu      sync.Mutex
	content []byte
	cred    azcore.TokenCredential
}

// newFileBacked reads path once, so that a missing or unusable file fails
// when the credential is made.
func newFileBacked(path string, build func([]byte) (azcore.TokenCredential, error)) (*fileBacked, error) {
	f := &fileBacked{path: path, build: build}
	if _, err := f.current(); err != nil {
		return nil, err
	}
	return f, nil
}

// current returns the credential for the file's current content.
func (f *fileBacked) current() (azcore.TokenCredential, error) {
	data, err := readCredentialFile(f.path)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cred == nil || !bytes.Equal(data, f.content) {
		cred, err := f.build(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.path, err)
		}
		f.cred, f.content = cred, data
	}
	return f.cred, nil
}

// GetToken implements azcore.TokenCredential.
func (f *fileBacked) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	cred, err := f.current()
	if err != nil {
		return azcore.AccessToken{}, err
	}
	return cred.GetToken(ctx, opts)
}

// clientAuthentication adds the application's own credential to a token
// request form; audience is the token endpoint.
type clientAuthentication func(form url.Values, audience string) error

// certificateAuthentication signs a client assertion as MSAL does: PS256,
// with the certificate's SHA-256 thumbprint in the header.
func certificateAuthentication(clientID string, certs []*x509.Certificate, key crypto.PrivateKey) clientAuthentication {
	return func(form url.Values, audience string) error {
		rsaKey, ok := key.(*rsa.PrivateKey)
		if !ok || len(certs) == 0 {
			return errors.New("the client certificate must hold an RSA private key and its certificate")
		}
		now := time.Now()
		token := jwt.NewWithClaims(jwt.SigningMethodPS256, jwt.RegisteredClaims{
			Issuer:    clientID,
			Subject:   clientID,
			Audience:  jwt.ClaimStrings{audience},
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(10 * time.Minute)),
			ID:        rand.Text(),
		})
		thumbprint := sha256.Sum256(certs[0].Raw)
		token.Header["x5t#S256"] = base64.StdEncoding.EncodeToString(thumbprint[:])
		assertion, err := token.SignedString(rsaKey)
		if err != nil {
			return fmt.Errorf("signing the client assertion: %w", err)
		}
		form.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
		form.Set("client_assertion", assertion)
		return nil
	}
}

// refreshTokenCredential redeems a consented user's refresh token for a
// delegated token, the secure application model's app+user sign-in. Entra
// ID rotates refresh tokens, so each answer's refresh token is used next.
type refreshTokenCredential struct {
	pipeline      runtime.Pipeline
	tokenEndpoint string
	clientID      string
	authenticate  clientAuthentication

	mu           sync.Mutex
	refreshToken string
}

// GetToken implements azcore.TokenCredential.
func (c *refreshTokenCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"client_id":     {c.clientID},
		"refresh_token": {c.refreshToken},
		"scope":         {delegatedScopes(opts.Scopes)},
	}
	if err := c.authenticate(form, c.tokenEndpoint); err != nil {
		return azcore.AccessToken{}, err
	}
	req, err := runtime.NewRequest(ctx, http.MethodPost, c.tokenEndpoint)
	if err != nil {
		return azcore.AccessToken{}, err
	}
	if err := req.SetBody(streaming.NopCloser(strings.NewReader(form.Encode())), "application/x-www-form-urlencoded"); err != nil {
		return azcore.AccessToken{}, err
	}
	resp, err := c.pipeline.Do(req)
	if err != nil {
		return azcore.AccessToken{}, fmt.Errorf("refresh token grant: %w", err)
	}
	var body struct {
		tokenAnswer
		ExpiresIn    int64  `json:"expires_in"`
		RefreshToken string `json:"refresh_token"`
	}
	if err := decodeTokenAnswer(resp, "refresh token grant", "Entra ID", &body, &body.tokenAnswer); err != nil {
		return azcore.AccessToken{}, err
	}
	if body.RefreshToken != "" {
		c.refreshToken = body.RefreshToken
	}
	return azcore.AccessToken{Token: body.AccessToken, ExpiresOn: time.Now().Add(time.Duration(body.ExpiresIn) * time.Second)}, nil
}

// delegatedScopes turns the app-only .default scopes the bearer policy asks
// for into the user_impersonation scopes a delegated token carries.
func delegatedScopes(scopes []string) string {
	out := make([]string, 0, len(scopes)+1)
	for _, s := range scopes {
		if resource, ok := strings.CutSuffix(s, "/.default"); ok {
			s = resource + "/user_impersonation"
		}
		out = append(out, s)
	}
	return strings.Join(append(out, "offline_access"), " ")
}

// oidcRequest asks a CI system for a federated token: GitHub Actions' way
// (GET, audience query parameter, {"value": token}) or, with a service
// connection ID, Azure DevOps' (POST, {"oidcToken": token}).
type oidcRequest struct {
	pipeline            runtime.Pipeline
	url                 string
	token               string
	serviceConnectionID string
}

func (r oidcRequest) assertion(ctx context.Context) (string, error) {
	u, err := url.Parse(r.url)
	if err != nil {
		return "", fmt.Errorf("the OIDC request URL is not a URL: %w", err)
	}
	q := u.Query()
	method := http.MethodGet
	if r.serviceConnectionID != "" {
		method = http.MethodPost
		if q.Get("api-version") == "" {
			q.Set("api-version", "7.1")
		}
		q.Set("serviceConnectionId", r.serviceConnectionID)
	} else {
		q.Set("audience", federatedAudience)
	}
	u.RawQuery = q.Encode()
	req, err := runtime.NewRequest(ctx, method, u.String())
	if err != nil {
		return "", err
	}
	req.Raw().Header.Set("Authorization", "Bearer "+r.token)
	resp, err := r.pipeline.Do(req)
	if err != nil {
		return "", fmt.Errorf("requesting a federated token: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("requesting a federated token from %s: answered %s", endpointOf(u), resp.Status)
	}
	var body struct {
		Value     string `json:"value"`
		OIDCToken string `json:"oidcToken"`
	}
	if err := runtime.UnmarshalAsJSON(resp, &body); err != nil {
		return "", fmt.Errorf("reading the federated token: %w", err)
	}
	if token := body.Value + body.OIDCToken; token != "" {
		return token, nil
	}
	return "", errors.New("the OIDC request URL answered without a token")
}

// imdsCredential asks an endpoint speaking Azure's instance metadata service
// protocol for a managed identity's token. azidentity's managed identity
// credential finds its endpoint only in the host's environment; this one
// takes it from the configuration.
type imdsCredential struct {
	pipeline runtime.Pipeline
	endpoint string
	// clientID picks a user-assigned identity; empty for the
	// system-assigned one.
	clientID string
}

// GetToken implements azcore.TokenCredential.
func (c *imdsCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if len(opts.Scopes) != 1 {
		return azcore.AccessToken{}, errors.New("managed identity: exactly one scope is required")
	}
	req, err := runtime.NewRequest(ctx, http.MethodGet, c.endpoint)
	if err != nil {
		return azcore.AccessToken{}, err
	}
	q := req.Raw().URL.Query()
	q.Set("api-version", imdsAPIVersion)
	q.Set("resource", strings.TrimSuffix(opts.Scopes[0], "/.default"))
	if c.clientID != "" {
		q.Set("client_id", c.clientID)
	}
	req.Raw().URL.RawQuery = q.Encode()
	req.Raw().Header.Set("Metadata", "true")
	resp, err := c.pipeline.Do(req)
	if isConnectFailure(err) {
		return azcore.AccessToken{}, azidentity.NewCredentialUnavailableError(fmt.Sprintf("managed identity: nothing answers at %s: %v", c.endpoint, err))
	}
	if err != nil {
		return azcore.AccessToken{}, fmt.Errorf("managed identity: %w", err)
	}
	var body struct {
		tokenAnswer
		ExpiresOn string `json:"expires_on"`
	}
	if err := decodeTokenAnswer(resp, "managed identity", "the endpoint", &body, &body.tokenAnswer); err != nil {
		return azcore.AccessToken{}, err
	}
	expiresOn, err := strconv.ParseInt(body.ExpiresOn, 10, 64)
	if err != nil {
		return azcore.AccessToken{}, fmt.Errorf("managed identity: expires_on %q is not a Unix time", body.ExpiresOn)
	}
	return azcore.AccessToken{Token: body.AccessToken, ExpiresOn: time.Unix(expiresOn, 0)}, nil
}
