package emulator

import (
	"crypto/rsa"
	"crypto/x509"
	"strings"
	"sync"
	"time"
)

// entraState is Entra ID's side of the emulator: the directories and their
// applications, the tokens issued and the requests for them, under a lock
// of its own, apart from Partner Center's resources.
type entraState struct {
	mu sync.Mutex
	// tenants holds the registered applications, keyed by lower-case tenant
	// ID because Entra ID matches tenants case-insensitively.
	tenants map[string]*tenant
	// tokens maps every access token issued to what it grants.
	tokens map[string]accessToken
	// tokenRequests counts token requests by lower-case client_id.
	tokenRequests map[string]int
	// tokenLifetime is the lifetime of every token the endpoints issue.
	tokenLifetime time.Duration
	// refreshTokens maps each refresh token issued to whom it was issued.
	refreshTokens map[string]appKey
	// oidcRequestTokens maps each token that may request a federated token
	// from the OIDC endpoints to the subject of the tokens it gets.
	oidcRequestTokens map[string]string
	// managedIdentities maps lower-case client IDs of managed identities
	// to their tenant's key; the empty client ID is the system-assigned one.
	managedIdentities map[string]string
	// signer signs the federated tokens the emulator issues as an OpenID
	// Connect provider, such as a CI system's; signingKey creates it once.
	signer     *rsa.PrivateKey
	signerOnce sync.Once
}

// newEntraState returns a directory with no tenant.
func newEntraState() entraState {
	return entraState{
		tenants:           map[string]*tenant{},
		tokens:            map[string]accessToken{},
		tokenRequests:     map[string]int{},
		tokenLifetime:     defaultTokenLifetime,
		refreshTokens:     map[string]appKey{},
		oidcRequestTokens: map[string]string{},
		managedIdentities: map[string]string{},
	}
}

// tenant is one Entra ID directory and the applications registered in it.
type tenant struct {
	// id is the tenant ID as first registered, used in discovery URLs.
	id string
	// apps maps lower-case client IDs to their credentials.
	apps map[string]*app
}

// app is a registered application and every credential it signs in with.
type app struct {
	// secret is the client secret; empty when the app has none.
	secret string
	// certificates are the certificates whose keys sign client assertions.
	certificates []*x509.Certificate
	// federatedSubjects are the subjects of tokens from the emulator's
	// OIDC issuer that the app trusts as client assertions.
	federatedSubjects []string
}

// appKey names an application: lower-case tenant and client IDs.
type appKey struct {
	tenant, client string
}

// RegisterApp registers an application that may sign in to tenantID with the
// client credentials grant, replacing the secret of one already registered.
func (e *Emulator) RegisterApp(tenantID, clientID, clientSecret string) {
	e.entra.mu.Lock()
	defer e.entra.mu.Unlock()
	e.app(tenantID, clientID).secret = clientSecret
}

// RegisterCertificate lets an application sign in to tenantID with client
// assertions signed by cert's private key, registering the application
// without a secret if it is new.
func (e *Emulator) RegisterCertificate(tenantID, clientID string, cert *x509.Certificate) {
	e.entra.mu.Lock()
	defer e.entra.mu.Unlock()
	a := e.app(tenantID, clientID)
	a.certificates = append(a.certificates, cert)
}

// SetTokenLifetime sets the lifetime of the tokens issued from now on, for
// tests of token renewal.
func (e *Emulator) SetTokenLifetime(lifetime time.Duration) {
	e.entra.mu.Lock()
	defer e.entra.mu.Unlock()
	e.entra.tokenLifetime = lifetime
}

// TokenRequests returns how many token requests, successful or not, named
// clientID.
func (e *Emulator) TokenRequests(clientID string) int {
	e.entra.mu.Lock()
	defer e.entra.mu.Unlock()
	return e.entra.tokenRequests[strings.ToLower(clientID)]
}

// app returns the application clientID of tenantID, registering both if
// new. The caller holds e.entra.mu.
func (e *Emulator) app(tenantID, clientID string) *app {
	key := strings.ToLower(tenantID)
	t := e.entra.tenants[key]
	if t == nil {
		t = &tenant{id: tenantID, apps: map[string]*app{}}
		e.entra.tenants[key] = t
	}
	a := t.apps[strings.ToLower(clientID)]
	if a == nil {
		a = &app{}
		t.apps[strings.ToLower(clientID)] = a
	}
	return a
}
