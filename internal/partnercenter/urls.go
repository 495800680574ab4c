package partnercenter

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// ValidateBaseURL checks a Partner Center API root. It must be https, except
// http to a loopback address (a local emulator), because the bearer token
// travels with every request. A path prefix is allowed (an API gateway may
// publish the API below one); a query, fragment or user info is not, as it
// would be silently dropped or leak into logs. A root ending in /v1 is
// refused rather than trimmed, as a GUID in braces is: the client adds /v1,
// and /v1/v1 would fail with a puzzling 404.
func ValidateBaseURL(raw string) error {
	u, err := parseEndpoint(raw, false)
	if err != nil {
		return err
	}
	if segments := strings.Split(strings.TrimRight(u.Path, "/"), "/"); strings.EqualFold(segments[len(segments)-1], "v1") {
		return fmt.Errorf("%q ends in /v1; leave out /v1, the provider adds it to every request", redactURL(raw))
	}
	return requireTLSUnlessLoopback(u, raw)
}

// ValidateOIDCRequestURL checks the URL a CI system hands out federated
// tokens from, which receives the request token (GitHub Actions'
// ACTIONS_ID_TOKEN_REQUEST_TOKEN, Azure DevOps' SYSTEM_ACCESSTOKEN) as a
// bearer token: https, or http to a loopback address, and no user
// information, as for ValidateBaseURL. Its query is kept: GitHub's URL
// carries one.
func ValidateOIDCRequestURL(raw string) error {
	u, err := parseEndpoint(raw, true)
	if err != nil {
		return err
	}
	return requireTLSUnlessLoopback(u, raw)
}

// requireTLSUnlessLoopback accepts https, and http to a loopback address
// only, for a URL that receives a bearer token.
func requireTLSUnlessLoopback(u *url.URL, raw string) error {
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%q uses http to a host that is not a loopback address; use https (http is accepted only for 127.0.0.1, ::1 or localhost)", redactURL(raw))
	default:
		return fmt.Errorf("%q must use https", redactURL(raw))
	}
}

// ValidateAuthorityHost checks an Entra ID authority host, which must be https:
// Entra ID libraries refuse to send client secrets anywhere else.
func ValidateAuthorityHost(raw string) error {
	u, err := parseEndpoint(raw, false)
	if err != nil {
		return err
	}
	if u.Scheme != "https" {
		return fmt.Errorf("%q must use https", redactURL(raw))
	}
	return nil
}

// parseEndpoint parses an absolute URL without user information or
// fragment, and without query unless allowQuery. Its errors quote the URL
// as redactURL does.
func parseEndpoint(raw string, allowQuery bool) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("must not be empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the whole URL; its cause does not.
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return nil, fmt.Errorf("%q is not a valid URL: %w", redactURL(raw), err)
	}
	switch {
	case u.Scheme == "" || u.Host == "":
		return nil, fmt.Errorf("%q must be an absolute URL such as https://api.partnercenter.microsoft.com", redactURL(raw))
	case u.Hostname() == "":
		return nil, fmt.Errorf("%q has no host name", redactURL(raw))
	case u.User != nil:
		return nil, fmt.Errorf("%q must not contain user information", redactURL(raw))
	case !allowQuery && (u.RawQuery != "" || u.ForceQuery):
		return nil, fmt.Errorf("%q must not contain a query", redactURL(raw))
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, fmt.Errorf("%q must not contain a fragment", redactURL(raw))
	}
	return u, nil
}

// redactURL is raw as a message may quote it: user information, query and
// fragment, where passwords and tokens travel, are shown as ***. It cuts
// by hand a URL that does not parse.
func redactURL(raw string) string {
	rest, fragment, hasFragment := strings.Cut(raw, "#")
	rest, _, hasQuery := strings.Cut(rest, "?")
	if scheme, afterScheme, ok := strings.Cut(rest, "://"); ok {
		authority, path, hasPath := strings.Cut(afterScheme, "/")
		if at := strings.LastIndex(authority, "@"); at >= 0 {
			authority = "***" + authority[at:]
		}
		rest = scheme + "://" + authority
		if hasPath {
			rest += "/" + path
		}
	}
	if hasQuery {
		rest += "?***"
	}
	if hasFragment && fragment != "" {
		rest += "#***"
	}
	return rest
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ValidateManagedIdentityEndpoint checks the URL of an instance metadata
// service, such as http://169.254.169.254/metadata/identity/oauth2/token. It
// may use http: the service is reachable only from the host itself.
func ValidateManagedIdentityEndpoint(raw string) error {
	u, err := parseEndpoint(raw, false)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q must use http or https", redactURL(raw))
	}
	return nil
}
