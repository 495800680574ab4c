package partnercenter

import "sort"

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
