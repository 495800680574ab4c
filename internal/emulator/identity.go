package emulator

import (
	"crypto/rand"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// partnerCenterResource is the resource managed identity and the Azure CLI
// ask tokens for: the v1 form of partnerCenterScope.
const partnerCenterResource = "https://api.partnercenter.microsoft.com"

// RegisterManagedIdentity gives the emulator's instance metadata endpoint a
// managed identity of tenantID: a user-assigned one with clientID, or the
// system-assigned one when clientID is empty.
func (e *Emulator) RegisterManagedIdentity(tenantID, clientID string) {
	e.entra.mu.Lock()
	defer e.entra.mu.Unlock()
	e.entra.managedIdentities[strings.ToLower(clientID)] = strings.ToLower(tenantID)
}

// imdsToken is the instance metadata service's token response: every number
// is a string.
type imdsToken struct {
	AccessToken  string `json:"access_token"`
	ClientID     string `json:"client_id"`
	ExpiresIn    string `json:"expires_in"`
	ExpiresOn    string `json:"expires_on"`
	ExtExpiresIn string `json:"ext_expires_in"`
	NotBefore    string `json:"not_before"`
	Resource     string `json:"resource"`
	TokenType    string `json:"token_type"`
}

// imdsError is the instance metadata service's error body.
type imdsError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// serveIMDS answers GET /metadata/identity/oauth2/token as Azure's instance
// metadata service does for a virtual machine's managed identities. Token
// requests are counted under the identity's client ID, empty for the
// system-assigned one.
func (e *Emulator) serveIMDS(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	clientID := q.Get("client_id")
	e.entra.mu.Lock()
	e.entra.tokenRequests[strings.ToLower(clientID)]++
	tenantKey, ok := e.entra.managedIdentities[strings.ToLower(clientID)]
	var tenantID string
	if t := e.entra.tenants[tenantKey]; t != nil {
		tenantID = t.id
	}
	lifetime := e.entra.tokenLifetime
	e.entra.mu.Unlock()

	resource := strings.TrimSuffix(q.Get("resource"), "/")
	switch {
	case r.Method != http.MethodGet:
		writeJSON(w, http.StatusMethodNotAllowed, imdsError{"invalid_request", "Only GET is supported."})
	case r.Header.Get("Metadata") != "true":
		writeJSON(w, http.StatusBadRequest, imdsError{"invalid_request", "Required metadata header not specified"})
	case q.Get("api-version") == "":
		writeJSON(w, http.StatusBadRequest, imdsError{"invalid_request", "Required query variable 'api-version' is missing"})
	case !ok || tenantID == "":
		writeJSON(w, http.StatusBadRequest, imdsError{"invalid_request", "Identity not found"})
	case !strings.EqualFold(resource, partnerCenterResource):
		writeJSON(w, http.StatusBadRequest, imdsError{"invalid_resource",
			"AADSTS500011: The resource principal named " + q.Get("resource") + " was not found in the tenant named " + tenantID + "."})
	default:
		now := time.Now()
		writeJSON(w, http.StatusOK, imdsToken{
			AccessToken:  e.newAccessToken(tenantID, lifetime, accessToken{principal: clientID}),
			ClientID:     clientID,
			ExpiresIn:    strconv.Itoa(int(lifetime.Seconds())),
			ExpiresOn:    strconv.FormatInt(now.Add(lifetime).Unix(), 10),
			ExtExpiresIn: strconv.Itoa(int(lifetime.Seconds())),
			NotBefore:    strconv.FormatInt(now.Unix(), 10),
			Resource:     q.Get("resource"),
			TokenType:    "Bearer",
		})
	}
}

// NewOIDCRequestToken returns a token that requests federated tokens for
// subject from the emulator's OIDC endpoint, as the request token a GitHub
// Actions job or an Azure DevOps pipeline gets.
func (e *Emulator) NewOIDCRequestToken(subject string) string {
	token := rand.Text()
	e.entra.mu.Lock()
	defer e.entra.mu.Unlock()
	e.entra.oidcRequestTokens[token] = subject
	return token
}

// federatedTokenLifetime is how long the tokens of the OIDC endpoint last,
// as GitHub's do.
const federatedTokenLifetime = 5 * time.Minute

// serveOIDCRequest answers /oidc/token as GitHub Actions' token request URL
// does to GET ({"value": token}, for the audience query parameter) and as
// Azure DevOps' OIDC request URI does to POST ({"oidcToken": token}), both
// for the bearer request token of NewOIDCRequestToken.
func (e *Emulator) serveOIDCRequest(w http.ResponseWriter, r *http.Request) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	e.entra.mu.Lock()
	subject, ok := e.entra.oidcRequestTokens[token]
	e.entra.mu.Unlock()
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
		return
	}
	switch r.Method {
	case http.MethodGet:
		audience := r.URL.Query().Get("audience")
		if audience == "" {
			audience = FederatedAudience
		}
		writeJSON(w, http.StatusOK, map[string]string{"value": e.issueFederatedToken(subject, audience, federatedTokenLifetime)})
	case http.MethodPost:
		if r.URL.Query().Get("serviceConnectionId") == "" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": "The serviceConnectionId query parameter is required."})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"oidcToken": e.issueFederatedToken(subject, FederatedAudience, federatedTokenLifetime)})
	default:
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "Method not allowed."})
	}
}
