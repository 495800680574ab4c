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
	u, err := parseEndpoint(raw)
	if err != nil {
		return err
	}
	if segments := strings.Split(strings.TrimRight(u.Path, "/"), "/"); strings.EqualFold(segments[len(segments)-1], "v1") {
		return fmt.Errorf("%q ends in /v1; leave out /v1, the provider adds it to every request", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%q uses http to a host that is not a loopback address; use https (http is accepted only for 127.0.0.1, ::1 or localhost)", raw)
	default:
		return fmt.Errorf("%q must use https", raw)
	}
}

// ValidateAuthorityHost checks an Entra ID authority host, which must be https:
// Entra ID libraries refuse to send client secrets anywhere else.
func ValidateAuthorityHost(raw string) error {
	u, err := parseEndpoint(raw)
	if err != nil {
		return err
	}
	if u.Scheme != "https" {
		return fmt.Errorf("%q must use https", raw)
	}
	return nil
}

func parseEndpoint(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("must not be empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%q is not a valid URL: %w", raw, err)
	}
	switch {
	case u.Scheme == "" || u.Host == "":
		return nil, fmt.Errorf("%q must be an absolute URL such as https://api.partnercenter.microsoft.com", raw)
	case u.Hostname() == "":
		return nil, fmt.Errorf("%q has no host name", raw)
	case u.User != nil:
		return nil, fmt.Errorf("%q must not contain user information", raw)
	case u.RawQuery != "" || u.ForceQuery:
		return nil, fmt.Errorf("%q must not contain a query", raw)
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, fmt.Errorf("%q must not contain a fragment", raw)
	}
	return u, nil
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
	u, err := parseEndpoint(raw)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q must use http or https", raw)
	}
	return nil
}
