package partnercenter

import (
	"fmt"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// tokenAnswer is the part of a token endpoint's JSON answer every endpoint
// shares; each caller embeds it next to the expiry field its endpoint uses
// (expires_in from Entra ID, expires_on from the managed-identity endpoint).
type tokenAnswer struct {
	AccessToken      string `json:"access_token"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// decodeTokenAnswer reads a token endpoint's answer into body, which embeds
// answer, so a refusal reads the same way whichever source asked. grant
// prefixes every error and endpoint names who refused; a non-200 answer or
// one without a token is a rejectionError, and an undecodable body only
// matters when the status claims success.
func decodeTokenAnswer(resp *http.Response, grant, endpoint string, body any, answer *tokenAnswer) error {
	if err := runtime.UnmarshalAsJSON(resp, body); err != nil && resp.StatusCode == http.StatusOK {
		return fmt.Errorf("%s: %w", grant, err)
	}
	if resp.StatusCode != http.StatusOK || answer.AccessToken == "" {
		return &rejectionError{fmt.Sprintf("%s: %s answered %d: %s: %s",
			grant, endpoint, resp.StatusCode, answer.Error, answer.ErrorDescription)}
	}
	return nil
}
