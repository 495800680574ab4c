package emulator

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// NewRefreshToken mints a refresh token that clientID may redeem in tenantID
// for a delegated Partner Center token, as the secure application model's
// consent flow yields.
func (e *Emulator) NewRefreshToken(tenantID, clientID string) string {
	token := "0.emulator." + rand.Text() + rand.Text()
	e.entra.mu.Lock()
	defer e.entra.mu.Unlock()
	e.entra.refreshTokens[token] = appKey{strings.ToLower(tenantID), strings.ToLower(clientID)}
	return token
}

// checkRefreshGrant checks the refresh token and scope of a refresh token
// grant by the already authenticated client.
func (e *Emulator) checkRefreshGrant(client appKey, form url.Values) *entraFailure {
	token := form.Get("refresh_token")
	e.entra.mu.Lock()
	issuedTo, ok := e.entra.refreshTokens[token]
	e.entra.mu.Unlock()
	switch {
	case token == "":
		return &entraFailure{http.StatusBadRequest, "invalid_request", missingParameter("refresh_token")}
	case !ok:
		return &entraFailure{http.StatusBadRequest, "invalid_grant", aadsts{9002313, "Invalid request. Request is malformed or invalid."}}
	case issuedTo != client:
		return &entraFailure{http.StatusBadRequest, "invalid_grant", aadsts{70000,
			"Provided grant is invalid or malformed. The refresh token was issued to a different client."}}
	}
	return checkScope(form.Get("scope"), isDelegatedScope)
}

// isDelegatedScope reports whether scope asks for Partner Center's
// user_impersonation scope and nothing else but OpenID scopes.
func isDelegatedScope(scope string) bool {
	found := false
	for _, s := range strings.Fields(scope) {
		switch {
		case strings.EqualFold(s, delegatedScope):
			found = true
		case !slices.Contains(openIDScopes, s):
			return false
		}
	}
	return found
}
