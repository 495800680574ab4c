package partnercenter

import (
	"context"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// renewTokenPolicy retries a call once when Partner Center refuses a cached
// token with 401: the token may have been revoked or rotated before its
// expiry. azcore's bearer token policy forgets its token on a 401, so the
// retry signs in again. A 401 for a token this attempt just fetched is
// final: a new token would be refused for the same reason.
type renewTokenPolicy struct{}

// Do implements policy.Policy.
func (renewTokenPolicy) Do(req *policy.Request) (*http.Response, error) {
	c := callOf(req)
	c.tokenFetched = false
	resp, err := req.Next()
	if err != nil || resp.StatusCode != http.StatusUnauthorized || c.tokenFetched || c.renewed {
		return resp, err
	}
	c.renewed = true
	runtime.Drain(resp)
	if err := req.RewindBody(); err != nil {
		return nil, err
	}
	c.renewing = true
	defer func() { c.renewing = false }()
	return req.Next()
}

// renewing reports whether a token is asked for to replace one Partner
// Center refused, so that a credential with a cache must not answer from it.
func renewing(ctx context.Context) bool {
	c, ok := ctx.Value(callKey{}).(*call)
	return ok && c.renewing
}

// fetchMarkingCredential marks the call a token is asked for, so that
// renewTokenPolicy knows whether that call's attempt used a cached token.
// azcore's bearer token policy asks with the request's context, in the
// goroutine of the call.
type fetchMarkingCredential struct {
	azcore.TokenCredential
}

// GetToken implements azcore.TokenCredential.
func (c fetchMarkingCredential) GetToken(ctx context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if state, ok := ctx.Value(callKey{}).(*call); ok {
		state.tokenFetched = true
	}
	return c.TokenCredential.GetToken(ctx, o)
}
