package partnercenter

import (
	"context"
	"errors"
	"net"
	"net/http"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// fakeCLI stands in for the Azure CLI, which tests cannot install.
type fakeCLI struct {
	err   error
	calls int
}

func (f *fakeCLI) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	f.calls++
	if f.err != nil {
		return azcore.AccessToken{}, f.err
	}
	return azcore.AccessToken{Token: "cli-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// refusingTransport fails every request as a host with nothing listening
// does.
type refusingTransport struct{}

func (refusingTransport) Do(req *http.Request) (*http.Response, error) {
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.AddrError{Err: syscall.ECONNREFUSED.Error(), Addr: req.URL.Host}}
}

// chainWithCLI builds the chain of o with cli in the Azure CLI's place.
func chainWithCLI(t *testing.T, o CredentialOptions, cli azcore.TokenCredential) *chain {
	t.Helper()
	o.UseAzureCLI = true
	cred, err := NewCredential(o)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := cred.(*chain)
	if !ok {
		t.Fatalf("NewCredential returned a %T", cred)
	}
	for i := range c.sources {
		if c.sources[i].name == SourceAzureCLI {
			c.sources[i].cred = cli
		}
	}
	return c
}

// TestUnavailableSourcesPassOn: a managed identity with no endpoint
// answering on this machine passes on to the Azure CLI, as does an Azure
// CLI that is not installed (azidentity's "credential unavailable"); a
// managed identity endpoint that answers and refuses stops the chain.
func TestUnavailableSourcesPassOn(t *testing.T) {
	noRetry := policy.ClientOptions{Retry: policy.RetryOptions{MaxRetries: -1}, Transport: refusingTransport{}}
	tests := []struct {
		name     string
		options  CredentialOptions
		cliErr   error
		want     string
		cliCalls int
	}{
		{"no endpoint at the configured address", CredentialOptions{UseManagedIdentity: true, ManagedIdentityEndpoint: "http://127.0.0.1:9/token", ClientOptions: noRetry},
			nil, `(?s)- managed identity: not available on this machine: managed identity: nothing answers at http://127.0.0.1:9/token`, 1},
		{"no endpoint on the host", CredentialOptions{UseManagedIdentity: true, ClientOptions: noRetry},
			nil, `(?s)- managed identity: not available on this machine: managed identity: no managed identity endpoint answers on this host`, 1},
		{"Azure CLI not installed", CredentialOptions{UseManagedIdentity: true, ClientOptions: noRetry},
			azidentity.NewCredentialUnavailableError("AzureCLICredential: executable not found on path"), `(?s)- Azure CLI: not available on this machine: AzureCLICredential: executable not found on path`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cli := &fakeCLI{err: tt.cliErr}
			c := chainWithCLI(t, tt.options, cli)
			token, err := c.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{DefaultScope}})
			if cli.calls != tt.cliCalls {
				t.Errorf("the Azure CLI was asked %d times, want %d", cli.calls, tt.cliCalls)
			}
			if tt.cliErr == nil {
				if err != nil || token.Token != "cli-token" {
					t.Fatalf("token %q, error %v; want the Azure CLI's", token.Token, err)
				}
				// What became of the managed identity shows when the
				// CLI fails too.
				cli.err = errors.New("AzureCLICredential: ERROR: Please run 'az login' to setup account")
				c = chainWithCLI(t, tt.options, cli)
				_, err = c.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{DefaultScope}})
			}
			if err == nil || !regexp.MustCompile(tt.want).MatchString(err.Error()) {
				t.Errorf("error %v\nwant it to match %s", err, tt.want)
			}
		})
	}
}
