package partnercenter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// oidcRequest asks a CI system for a federated token: GitHub Actions' way
// (GET, audience query parameter, {"value": token}) or, with a service
// connection ID, Azure DevOps' (POST, {"oidcToken": token}).
type oidcRequest struct {
	pipeline            runtime.Pipeline
	url                 string
	token               string
	serviceConnectionID string
}

func (r oidcRequest) assertion(ctx context.Context) (string, error) {
	u, err := url.Parse(r.url)
	if err != nil {
		return "", fmt.Errorf("the OIDC request URL is not a URL: %w", err)
	}
	q := u.Query()
	method := http.MethodGet
	if r.serviceConnectionID != "" {
		method = http.MethodPost
		if q.Get("api-version") == "" {
			q.Set("api-version", "7.1")
		}
		q.Set("serviceConnectionId", r.serviceConnectionID)
	} else {
		q.Set("audience", federatedAudience)
	}
	u.RawQuery = q.Encode()
	req, err := runtime.NewRequest(ctx, method, u.String())
	if err != nil {
		return "", err
	}
	req.Raw().Header.Set("Authorization", "Bearer "+r.token)
	resp, err := r.pipeline.Do(req)
	if err != nil {
		return "", fmt.Errorf("requesting a federated token: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("requesting a federated token from %s: answered %s", endpointOf(u), resp.Status)
	}
	var body struct {
		Value     string `json:"value"`
		OIDCToken string `json:"oidcToken"`
	}
	if err := runtime.UnmarshalAsJSON(resp, &body); err != nil {
		return "", fmt.Errorf("reading the federated token: %w", err)
	}
	if token := body.Value + body.OIDCToken; token != "" {
		return token, nil
	}
	return "", errors.New("the OIDC request URL answered without a token")
}
