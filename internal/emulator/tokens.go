package emulator

import (
	"crypto/rand"
	"net/http"
	"strings"
	"time"
)

// accessToken is what the emulator remembers of a token it issued.
type accessToken struct {
	tenantKey string
	expires   time.Time
	// appUser tells an app+user (delegated) token, which the refresh token
	// grant issues, from an app-only one: some Partner Center operations
	// accept only the former.
	appUser bool
	// principal is who the token signs in, as Partner Center records it in
	// createdBy and uploadedBy: UserPrincipalName for app+user tokens, the
	// application's client ID for app-only ones, empty when unknown.
	principal string
}

// UserPrincipalName is the user that app+user tokens sign in, as batches
// and devices they create record in createdBy and uploadedBy.
const UserPrincipalName = "admin@partner-emulator.onmicrosoft.com"

// NewAccessToken mints an app-only access token for tenantID that expires
// after lifetime, as if the token endpoint had issued it, for tests that
// hand the client a raw token. Partner Center accepts it until it expires,
// provided tenantID is registered (DefaultTenantID is): like the real
// service, which only serves partner tenants, it refuses tokens of tenants
// it does not know. A lifetime of zero or less yields an already expired
// token.
func (e *Emulator) NewAccessToken(tenantID string, lifetime time.Duration) string {
	return e.newAccessToken(tenantID, lifetime, accessToken{})
}

// NewUserAccessToken mints an app+user access token for tenantID, as the
// refresh token grant of the secure application model issues, and
// otherwise as NewAccessToken does. Operations that Partner Center allows
// to app+user callers only, such as creating a device batch, accept it.
func (e *Emulator) NewUserAccessToken(tenantID string, lifetime time.Duration) string {
	return e.newAccessToken(tenantID, lifetime, accessToken{appUser: true, principal: UserPrincipalName})
}

// newAccessToken mints a token for tenantID that expires after lifetime,
// granting what grant says of its caller.
func (e *Emulator) newAccessToken(tenantID string, lifetime time.Duration, grant accessToken) string {
	// Real tokens are JWTs, but Partner Center clients must treat them as
	// opaque, so random text keeps clients honest.
	token := rand.Text() + rand.Text()
	e.entra.mu.Lock()
	defer e.entra.mu.Unlock()
	grant.tenantKey, grant.expires = strings.ToLower(tenantID), time.Now().Add(lifetime)
	e.entra.tokens[token] = grant
	return token
}

// authorize returns the bearer token r carries when the emulator issued it,
// it has not expired and its tenant is registered.
func (e *Emulator) authorize(r *http.Request) (accessToken, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	// The auth scheme is case-insensitive (RFC 9110, section 11.1).
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return accessToken{}, false
	}
	e.entra.mu.Lock()
	defer e.entra.mu.Unlock()
	t, ok := e.entra.tokens[token]
	if !ok || !time.Now().Before(t.expires) || e.entra.tenants[t.tenantKey] == nil {
		return accessToken{}, false
	}
	return t, true
}
