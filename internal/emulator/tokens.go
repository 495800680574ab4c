package emulator

import (
	"crypto/rand"
	"net/http"
	"strings"
	"time"
)

// NewAccessToken mints an access token for tenantID that expires after
// lifetime, as if the token endpoint had issued it, for tests that hand the
// client a raw token. Partner Center accepts it until it expires, provided
// tenantID is registered (DefaultTenantID is): like the real service, which
// only serves partner tenants, it refuses tokens of tenants it does not know.
// A lifetime of zero or less yields an already expired token.
func (e *Emulator) NewAccessToken(tenantID string, lifetime time.Duration) string {
	// Real tokens are JWTs, but Partner Center clients must treat them as
	// opaque, so random text keeps clients honest.
	token := rand.Text() + rand.Text()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tokens[token] = accessToken{tenantKey: strings.ToLower(tenantID), expires: time.Now().Add(lifetime)}
	return token
}

// authorized reports whether r carries a bearer token the emulator issued
// that has not expired and whose tenant is registered.
func (e *Emulator) authorized(r *http.Request) bool {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	// The auth scheme is case-insensitive (RFC 9110, section 11.1).
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	t, ok := e.tokens[token]
	return ok && time.Now().Before(t.expires) && e.tenants[t.tenantKey] != nil
}
