package partnercenter

import (
	"net/url"
	"sort"
	"strings"
)

// Environment is a Partner Center cloud: where its API lives and which Entra ID
// authority issues its tokens.
type Environment struct {
	// Name is the provider's name for the cloud, such as "public".
	Name string
	// BaseURL is the Partner Center REST API root, without the /v1 segment.
	BaseURL string
	// AuthorityHost is the Entra ID authority that signs in to this cloud.
	AuthorityHost string
}

// DefaultEnvironment names the cloud used when none is configured.
const DefaultEnvironment = "public"

// environments follows the table of clouds in Microsoft's Partner Center REST
// documentation: Germany and US Government share the global API host and differ
// only in their sign-in authority.
var environments = map[string]Environment{
	"public": {
		Name:          "public",
		BaseURL:       "https://api.partnercenter.microsoft.com",
		AuthorityHost: "https://login.microsoftonline.com/",
	},
	"germany": {
		Name:          "germany",
		BaseURL:       "https://api.partnercenter.microsoft.com",
		AuthorityHost: "https://login.microsoftonline.de/",
	},
	"usgovernment": {
		Name:          "usgovernment",
		BaseURL:       "https://api.partnercenter.microsoft.com",
		AuthorityHost: "https://login.microsoftonline.us/",
	},
	"china": {
		Name:          "china",
		BaseURL:       "https://partner.partnercenterapi.microsoftonline.cn",
		AuthorityHost: "https://login.chinacloudapi.cn/",
	},
}

// LookupEnvironment returns the cloud with the given name.
func LookupEnvironment(name string) (Environment, bool) {
	env, ok := environments[name]
	return env, ok
}

// EnvironmentNames lists the known cloud names in alphabetical order.
func EnvironmentNames() []string {
	names := make([]string, 0, len(environments))
	for name := range environments {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// UnknownAPIHost returns the host of baseURL when it is neither the Partner
// Center API of a known cloud nor a loopback address, "" otherwise and for
// a URL without a host. That host receives the bearer token of every
// request.
func UnknownAPIHost(baseURL string) string {
	return unknownHost(baseURL, func(e Environment) string { return e.BaseURL })
}

// UnknownAuthorityHost returns the host of authorityHost when it is neither
// the Entra ID authority of a known cloud nor a loopback address, "" otherwise
// and for a URL without a host. That host receives the application's
// secret, certificate-signed assertion, federated token or refresh token.
func UnknownAuthorityHost(authorityHost string) string {
	return unknownHost(authorityHost, func(e Environment) string { return e.AuthorityHost })
}

func unknownHost(raw string, known func(Environment) string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" || isLoopback(u.Hostname()) {
		return ""
	}
	for _, env := range environments {
		if k, err := url.Parse(known(env)); err == nil && strings.EqualFold(k.Hostname(), u.Hostname()) {
			return ""
		}
	}
	return u.Hostname()
}
