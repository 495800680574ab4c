package partnercenter

import (
	"context"
	"errors"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// DefaultScope is the app-only scope for the Partner Center API.
const DefaultScope = "https://api.partnercenter.microsoft.com/.default"

// ErrNoCredential reports that neither an access token nor a complete client
// secret sign-in was configured.
var ErrNoCredential = errors.New("no Partner Center credential configured")

// CredentialOptions holds every way this package can sign in. NewCredential
// picks the first complete one: an access token, then a client secret.
type CredentialOptions struct {
	// AccessToken is a bearer token obtained elsewhere, used as is.
	AccessToken string

	// TenantID, ClientID and ClientSecret sign in app-only with the client
	// credentials grant.
	TenantID     string
	ClientID     string
	ClientSecret string

	// AuthorityHost is the Entra ID authority, such as
	// https://login.microsoftonline.com/.
	AuthorityHost string
	// DisableInstanceDiscovery skips Entra ID's instance metadata lookup,
	// which only the public authorities answer.
	DisableInstanceDiscovery bool

	// ClientOptions carries the transport and retry settings for token
	// requests.
	ClientOptions policy.ClientOptions
}

// NewCredential returns the token credential the options describe, or
// ErrNoCredential when they describe none completely.
func NewCredential(o CredentialOptions) (azcore.TokenCredential, error) {
	if o.AccessToken != "" {
		return staticToken(o.AccessToken), nil
	}
	if o.TenantID == "" || o.ClientID == "" || o.ClientSecret == "" {
		return nil, ErrNoCredential
	}
	clientOptions := o.ClientOptions
	clientOptions.Cloud = cloud.Configuration{ActiveDirectoryAuthorityHost: o.AuthorityHost}
	return azidentity.NewClientSecretCredential(o.TenantID, o.ClientID, o.ClientSecret, &azidentity.ClientSecretCredentialOptions{
		ClientOptions:            clientOptions,
		DisableInstanceDiscovery: o.DisableInstanceDiscovery,
	})
}

// staticToken is a bearer token obtained outside the provider. Its lifetime is
// unknown here, so it claims an hour and is handed out again when the bearer
// policy asks for a fresh one.
type staticToken string

// GetToken implements azcore.TokenCredential.
func (t staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(t), ExpiresOn: time.Now().Add(time.Hour)}, nil
}
