package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// partnerCenterScope is the only scope the token endpoint issues tokens for.
const partnerCenterScope = "https://api.partnercenter.microsoft.com/.default"

// defaultTokenLifetime is the lifetime Entra ID gives tokens by default.
const defaultTokenLifetime = 3599 * time.Second

// delegatedScope is the scope of the app+user tokens the refresh token grant
// issues.
const delegatedScope = "https://api.partnercenter.microsoft.com/user_impersonation"

// clientAssertionType is the only client_assertion_type Entra ID accepts.
const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// openIDScopes may accompany a resource's .default scope: MSAL always adds
// them, and Entra ID ignores them for the client credentials grant.
var openIDScopes = []string{"openid", "offline_access", "profile"}

// redactedFormFields are the token request fields that carry a credential.
var redactedFormFields = []string{"client_secret", "client_assertion", "refresh_token", "password"}

// discoveryDocument is Entra ID's v2 OpenID configuration: the endpoints and
// issuer MSAL reads, and the descriptive fields real documents carry.
type discoveryDocument struct {
	TokenEndpoint                     string   `json:"token_endpoint"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	JWKSURI                           string   `json:"jwks_uri"`
	ResponseModesSupported            []string `json:"response_modes_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	ScopesSupported                   []string `json:"scopes_supported"`
	Issuer                            string   `json:"issuer"`
	RequestURIParameterSupported      bool     `json:"request_uri_parameter_supported"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	DeviceAuthorizationEndpoint       string   `json:"device_authorization_endpoint"`
	EndSessionEndpoint                string   `json:"end_session_endpoint"`
	TenantRegionScope                 string   `json:"tenant_region_scope"`
	CloudInstanceName                 string   `json:"cloud_instance_name"`
	CloudGraphHostName                string   `json:"cloud_graph_host_name"`
	MSGraphHost                       string   `json:"msgraph_host"`
}

// tokenResponse is Entra ID's answer to a successful token request. Only the
// refresh token grant returns a scope and a new refresh token.
type tokenResponse struct {
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope,omitempty"`
	ExpiresIn    int    `json:"expires_in"`
	ExtExpiresIn int    `json:"ext_expires_in"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

// entraError is the body of every Entra ID error response.
type entraError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorCodes       []int  `json:"error_codes"`
	Timestamp        string `json:"timestamp"`
	TraceID          string `json:"trace_id"`
	CorrelationID    string `json:"correlation_id"`
	ErrorURI         string `json:"error_uri"`
}

// serveDiscovery answers GET /{tenant}/v2.0/.well-known/openid-configuration.
func (e *Emulator) serveDiscovery(w http.ResponseWriter, r *http.Request, tenantID string) {
	t := e.tenant(tenantID)
	if t == nil {
		writeEntraError(w, r, http.StatusBadRequest, "invalid_tenant", tenantNotFound(tenantID))
		return
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	// MSAL requires the issuer's scheme and host to be the authority's,
	// which is whatever root the client reached the emulator at.
	root := scheme + "://" + r.Host + "/" + t.id
	writeJSON(w, http.StatusOK, discoveryDocument{
		TokenEndpoint:                     root + "/oauth2/v2.0/token",
		TokenEndpointAuthMethodsSupported: []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		JWKSURI:                           root + "/discovery/v2.0/keys",
		ResponseModesSupported:            []string{"query", "fragment", "form_post"},
		SubjectTypesSupported:             []string{"pairwise"},
		IDTokenSigningAlgValuesSupported:  []string{"RS256"},
		ResponseTypesSupported:            []string{"code", "id_token", "code id_token", "id_token token"},
		ScopesSupported:                   []string{"openid", "profile", "email", "offline_access"},
		Issuer:                            root + "/v2.0",
		AuthorizationEndpoint:             root + "/oauth2/v2.0/authorize",
		DeviceAuthorizationEndpoint:       root + "/oauth2/v2.0/devicecode",
		EndSessionEndpoint:                root + "/oauth2/v2.0/logout",
		TenantRegionScope:                 "NA",
		CloudInstanceName:                 "microsoftonline.com",
		CloudGraphHostName:                "graph.windows.net",
		MSGraphHost:                       "graph.microsoft.com",
	})
}

// serveToken answers POST /{tenant}/oauth2/v2.0/token for the client
// credentials and refresh token grants, checking the request in the order
// Entra ID does: the request, the client, its credential, then the grant.
func (e *Emulator) serveToken(w http.ResponseWriter, r *http.Request, tenantID string, form url.Values) {
	clientID, grantType := form.Get("client_id"), form.Get("grant_type")
	e.entra.mu.Lock()
	e.entra.tokenRequests[strings.ToLower(clientID)]++
	t := e.entra.tenants[strings.ToLower(tenantID)]
	var a *app
	if t != nil {
		a = t.apps[strings.ToLower(clientID)]
	}
	lifetime := e.entra.tokenLifetime
	e.entra.mu.Unlock()

	var fail *entraFailure
	switch {
	case t == nil:
		fail = &entraFailure{http.StatusBadRequest, "invalid_request", tenantNotFound(tenantID)}
	case r.Method != http.MethodPost:
		fail = &entraFailure{http.StatusBadRequest, "invalid_request", aadsts{900561,
			fmt.Sprintf("The endpoint only accepts POST, OPTIONS requests. Received a %s request.", r.Method)}}
	case grantType == "":
		fail = &entraFailure{http.StatusBadRequest, "invalid_request", missingParameter("grant_type")}
	case grantType != "client_credentials" && grantType != "refresh_token":
		fail = &entraFailure{http.StatusBadRequest, "unsupported_grant_type", aadsts{70003,
			fmt.Sprintf("The app requested an unsupported grant type '%s'.", grantType)}}
	case clientID == "":
		fail = &entraFailure{http.StatusBadRequest, "invalid_request", missingParameter("client_id")}
	case a == nil:
		fail = &entraFailure{http.StatusBadRequest, "unauthorized_client", aadsts{700016, fmt.Sprintf(
			"Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
			clientID, tenantID)}}
	default:
		fail = e.authenticateClient(r, a, form)
	}
	if fail == nil {
		if grantType == "refresh_token" {
			fail = e.checkRefreshGrant(appKey{strings.ToLower(tenantID), strings.ToLower(clientID)}, form)
		} else {
			fail = checkScope(form.Get("scope"), isPartnerCenterScope)
		}
	}
	if fail != nil {
		writeEntraError(w, r, fail.status, fail.code, fail.cause)
		return
	}
	grant := accessToken{principal: clientID}
	if grantType == "refresh_token" {
		// The refresh token grant signs a user in with the application: its
		// tokens are app+user, the others app-only.
		grant = accessToken{appUser: true, principal: UserPrincipalName}
	}
	resp := tokenResponse{
		TokenType:    "Bearer",
		ExpiresIn:    int(lifetime.Seconds()),
		ExtExpiresIn: int(lifetime.Seconds()),
		AccessToken:  e.newAccessToken(t.id, lifetime, grant),
	}
	if grantType == "refresh_token" {
		// Entra ID rotates refresh tokens: each use returns a new one.
		resp.Scope = delegatedScope
		resp.RefreshToken = e.NewRefreshToken(tenantID, clientID)
	}
	// RFC 6749, section 5.1: token responses must not be cached.
	w.Header().Set("Cache-Control", "no-store, no-cache")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, resp)
}

// entraFailure is an Entra ID error response still to be written.
type entraFailure struct {
	status int
	code   string
	cause  aadsts
}

// authenticateClient checks the client secret or client assertion a token
// request carries against what the application registered.
func (e *Emulator) authenticateClient(r *http.Request, a *app, form url.Values) *entraFailure {
	clientID := form.Get("client_id")
	secret, assertion := form.Get("client_secret"), form.Get("client_assertion")
	switch {
	case secret == "" && assertion == "":
		return &entraFailure{http.StatusUnauthorized, "invalid_client", aadsts{7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'."}}
	case assertion != "":
		if form.Get("client_assertion_type") != clientAssertionType {
			return &entraFailure{http.StatusBadRequest, "invalid_request", aadsts{50027, fmt.Sprintf(
				"Invalid JWT token. The client_assertion_type must be '%s'.", clientAssertionType)}}
		}
		e.entra.mu.Lock()
		certificates := slices.Clone(a.certificates)
		subjects := slices.Clone(a.federatedSubjects)
		e.entra.mu.Unlock()
		if cause := e.verifyAssertion(assertion, clientID, tokenEndpointURL(r), certificates, subjects); cause != nil {
			return &entraFailure{http.StatusUnauthorized, "invalid_client", *cause}
		}
		return nil
	case a.secret == "" || secret != a.secret:
		return &entraFailure{http.StatusUnauthorized, "invalid_client", aadsts{7000215, fmt.Sprintf(
			"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.",
			clientID)}}
	}
	return nil
}

// checkScope answers a missing scope, or one valid does not accept.
func checkScope(scope string, valid func(string) bool) *entraFailure {
	switch {
	case scope == "":
		return &entraFailure{http.StatusBadRequest, "invalid_request", missingParameter("scope")}
	case !valid(scope):
		return &entraFailure{http.StatusBadRequest, "invalid_scope", aadsts{70011, fmt.Sprintf(
			"The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope %s is not valid.",
			scope)}}
	}
	return nil
}

// tokenEndpointURL is the URL r reached, which a client assertion must name
// as its audience.
func tokenEndpointURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.URL.Path
}

// tenant returns the registered tenant tenantID names, ignoring case, or nil.
func (e *Emulator) tenant(tenantID string) *tenant {
	e.entra.mu.Lock()
	defer e.entra.mu.Unlock()
	return e.entra.tenants[strings.ToLower(tenantID)]
}

// isPartnerCenterScope reports whether scope asks for Partner Center's
// .default scope and nothing else but OpenID scopes.
func isPartnerCenterScope(scope string) bool {
	found := false
	for _, s := range strings.Fields(scope) {
		switch {
		case strings.EqualFold(s, partnerCenterScope):
			found = true
		case !slices.Contains(openIDScopes, s):
			return false
		}
	}
	return found
}

// tokenForm returns the form fields of a token request. Entra ID reads them
// from the body only; an unreadable body carries no fields, so the request
// then fails as one missing grant_type.
func tokenForm(r *http.Request) url.Values {
	if err := r.ParseForm(); err != nil {
		return url.Values{}
	}
	return r.PostForm
}

// redacted returns a copy of form with every credential replaced, or nil
// when form is nil.
func redacted(form url.Values) url.Values {
	if form == nil {
		return nil
	}
	out := make(url.Values, len(form))
	for name, values := range form {
		if slices.Contains(redactedFormFields, name) {
			values = []string{"REDACTED"}
		}
		out[name] = values
	}
	return out
}

// aadsts is an Entra ID error code and its message.
type aadsts struct {
	code    int
	message string
}

// tenantNotFound is Entra ID's error for a tenant it does not know.
func tenantNotFound(tenantID string) aadsts {
	return aadsts{90002, fmt.Sprintf(
		"Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.",
		tenantID)}
}

// missingParameter is Entra ID's error for a request without parameter name.
func missingParameter(name string) aadsts {
	return aadsts{900144, fmt.Sprintf("The request body must contain the following parameter: '%s'.", name)}
}

// writeEntraError writes Entra ID's error body for cause. The correlation ID
// echoes the client's client-request-id header, as Entra ID's does.
func writeEntraError(w http.ResponseWriter, r *http.Request, status int, code string, cause aadsts) {
	traceID := uuid.NewString()
	correlationID := r.Header.Get("client-request-id")
	if correlationID == "" {
		correlationID = uuid.NewString()
	}
	timestamp := time.Now().UTC().Format("2006-01-02 15:04:05Z")
	writeJSON(w, status, entraError{
		Error: code,
		ErrorDescription: fmt.Sprintf("AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s",
			cause.code, cause.message, traceID, correlationID, timestamp),
		ErrorCodes:    []int{cause.code},
		Timestamp:     timestamp,
		TraceID:       traceID,
		CorrelationID: correlationID,
		ErrorURI:      fmt.Sprintf("https://login.microsoftonline.com/error?code=%d", cause.code),
	})
}
