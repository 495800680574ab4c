package partnercenter

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// imdsAPIVersion is the instance metadata service API version asked for.
const imdsAPIVersion = "2018-02-01"

// hostManagedIdentity is azidentity's managed identity credential, which
// finds the endpoint in the host's environment (IMDS on a virtual machine).
// azidentity reports an endpoint that nothing answers at as a failure; this
// reports it as the credential being unavailable on this machine, so that
// the chain tries the next source.
type hostManagedIdentity struct {
	cred azcore.TokenCredential
}

// GetToken implements azcore.TokenCredential.
func (c hostManagedIdentity) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	probe := &connectProbe{}
	token, err := c.cred.GetToken(context.WithValue(ctx, connectProbeKey{}, probe), opts)
	var authErr *azidentity.AuthenticationFailedError
	if err != nil && probe.neverConnected() && errors.As(err, &authErr) && authErr.RawResponse == nil {
		return token, azidentity.NewCredentialUnavailableError("managed identity: no managed identity endpoint answers on this host: " + err.Error())
	}
	return token, err
}

type connectProbeKey struct{}

// connectProbe records whether the requests of one token request reached
// a server.
type connectProbe struct {
	mu                sync.Mutex
	refused, answered bool
}

func (p *connectProbe) neverConnected() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.refused && !p.answered
}

// connectProbePolicy tells the connectProbe of the request's context
// whether each attempt connected.
type connectProbePolicy struct{}

// isConnectFailure reports whether err is a failure to connect: nothing
// listens at the address, or it cannot be reached.
func isConnectFailure(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// imdsCredential asks an endpoint speaking Azure's instance metadata service
// protocol for a managed identity's token. azidentity's managed identity
// credential finds its endpoint only in the host's environment; this one
// takes it from the configuration.
type imdsCredential struct {
	pipeline runtime.Pipeline
	endpoint string
	// clientID picks a user-assigned identity; empty for the
	// system-assigned one.
	clientID string
}

// GetToken implements azcore.TokenCredential.
func (c *imdsCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if len(opts.Scopes) != 1 {
		return azcore.AccessToken{}, errors.New("managed identity: exactly one scope is required")
	}
	req, err := runtime.NewRequest(ctx, http.MethodGet, c.endpoint)
	if err != nil {
		return azcore.AccessToken{}, err
	}
	q := req.Raw().URL.Query()
	q.Set("api-version", imdsAPIVersion)
	q.Set("resource", strings.TrimSuffix(opts.Scopes[0], "/.default"))
	if c.clientID != "" {
		q.Set("client_id", c.clientID)
	}
	req.Raw().URL.RawQuery = q.Encode()
	req.Raw().Header.Set("Metadata", "true")
	resp, err := c.pipeline.Do(req)
	if isConnectFailure(err) {
		return azcore.AccessToken{}, azidentity.NewCredentialUnavailableError(fmt.Sprintf("managed identity: nothing answers at %s: %v", c.endpoint, err))
	}
	if err != nil {
		return azcore.AccessToken{}, fmt.Errorf("managed identity: %w", err)
	}
	var body struct {
		tokenAnswer
		ExpiresOn string `json:"expires_on"`
	}
	if err := decodeTokenAnswer(resp, "managed identity", "the endpoint", &body, &body.tokenAnswer); err != nil {
		return azcore.AccessToken{}, err
	}
	expiresOn, err := strconv.ParseInt(body.ExpiresOn, 10, 64)
	if err != nil {
		return azcore.AccessToken{}, fmt.Errorf("managed identity: expires_on %q is not a Unix time", body.ExpiresOn)
	}
	return azcore.AccessToken{Token: body.AccessToken, ExpiresOn: time.Unix(expiresOn, 0)}, nil
}
