package partnercenter

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"
)

// refreshTokenCredential redeems a consented user's refresh token for a
// delegated token, the secure application model's app+user sign-in. Entra
// ID rotates refresh tokens, so each answer's refresh token is used next.
type refreshTokenCredential struct {
	pipeline      runtime.Pipeline
	tokenEndpoint string
	clientID      string
	authenticate  clientAuthentication

	mu           sync.Mutex
	refreshToken string
}

// GetToken implements azcore.TokenCredential.
func (c *refreshTokenCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"client_id":     {c.clientID},
		"refresh_token": {c.refreshToken},
		"scope":         {delegatedScopes(opts.Scopes)},
	}
	if err := c.authenticate(form, c.tokenEndpoint); err != nil {
		return azcore.AccessToken{}, err
	}
	req, err := runtime.NewRequest(ctx, http.MethodPost, c.tokenEndpoint)
	if err != nil {
		return azcore.AccessToken{}, err
	}
	if err := req.SetBody(streaming.NopCloser(strings.NewReader(form.Encode())), "application/x-www-form-urlencoded"); err != nil {
		return azcore.AccessToken{}, err
	}
	resp, err := c.pipeline.Do(req)
	if err != nil {
		return azcore.AccessToken{}, fmt.Errorf("refresh token grant: %w", err)
	}
	var body struct {
		tokenAnswer
		ExpiresIn    int64  `json:"expires_in"`
		RefreshToken string `json:"refresh_token"`
	}
	if err := decodeTokenAnswer(resp, "refresh token grant", "Entra ID", &body, &body.tokenAnswer); err != nil {
		return azcore.AccessToken{}, err
	}
	if body.RefreshToken != "" {
		c.refreshToken = body.RefreshToken
	}
	return azcore.AccessToken{Token: body.AccessToken, ExpiresOn: time.Now().Add(time.Duration(body.ExpiresIn) * time.Second)}, nil
}

// delegatedScopes turns the app-only .default scopes the bearer policy asks
// for into the user_impersonation scopes a delegated token carries.
func delegatedScopes(scopes []string) string {
	out := make([]string, 0, len(scopes)+1)
	for _, s := range scopes {
		if resource, ok := strings.CutSuffix(s, "/.default"); ok {
			s = resource + "/user_impersonation"
		}
		out = append(out, s)
	}
	return strings.Join(append(out, "offline_access"), " ")
}
