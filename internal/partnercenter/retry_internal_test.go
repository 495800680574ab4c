package partnercenter

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

func TestRetryAfterForms(t *testing.T) {
	now := time.Date(2026, time.November, 24, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		header map[string]string
		want   string
		ok     bool
	}{
		{map[string]string{"Retry-After": "57"}, "57s", true},
		{map[string]string{"Retry-After": " 1 "}, "1s", true},
		{map[string]string{"Retry-After": "Tue, 24 Nov 2026 08:01:30 GMT"}, "1m30s", true},
		{map[string]string{"Retry-After": "Tue, 24 Nov 2026 07:59:00 GMT"}, "0s", true},
		{map[string]string{"Retry-After": "0"}, "0s", true},
		{map[string]string{"Retry-After": "-5"}, "0s", false},
		{map[string]string{"Retry-After": "soon"}, "0s", false},
		{map[string]string{"Retry-After": "57", "Retry-After-Ms": "250"}, "250ms", true},
		{map[string]string{"Retry-After": "57", "X-Ms-Retry-After-Ms": "300"}, "300ms", true},
		{map[string]string{}, "0s", false},
		// Capped as Retry-After in seconds is, rather than overflowing.
		{map[string]string{"Retry-After-Ms": "9223372036854775807"}, "24h0m0s", true},
		{map[string]string{"X-Ms-Retry-After-Ms": "90000000000"}, "24h0m0s", true},
		{map[string]string{"Retry-After": "99999999999"}, "24h0m0s", true},
		{map[string]string{"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"}, "24h0m0s", true},
	}
	for _, tt := range tests {
		h := http.Header{}
		for k, v := range tt.header {
			h.Set(k, v)
		}
		if got, ok := retryAfter(h, now); got.String() != tt.want || ok != tt.ok {
			t.Errorf("retryAfter(%v) = %s, %v; want %s, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

// optionsRecorder is a credential that keeps the options it was asked with.
type optionsRecorder struct{ asked []policy.TokenRequestOptions }

func (r *optionsRecorder) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	r.asked = append(r.asked, o)
	return azcore.AccessToken{Token: "t", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

func TestRenewalBypassesOnlyCachingSources(t *testing.T) {
	for _, cached := range []bool{true, false} {
		rec := &optionsRecorder{}
		c := &chain{sources: []source{{name: SourceSecret, cred: rec, cached: cached}}}
		if _, err := c.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{DefaultScope}}); err != nil {
			t.Fatal(err)
		}
		ctx, state := withCall(context.Background())
		state.renewing = true
		if _, err := c.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{DefaultScope}}); err != nil {
			t.Fatal(err)
		}
		if rec.asked[0].Claims != "" {
			t.Errorf("cached=%v: a first sign-in asked with claims %q", cached, rec.asked[0].Claims)
		}
		if got := strings.Contains(rec.asked[1].Claims, `"nbf":{"essential":true`); got != cached {
			t.Errorf("cached=%v: the renewal asked with claims %q", cached, rec.asked[1].Claims)
		}
	}
}

// renewalRecorder is a credential that records, for each token asked of it,
// whether the ask was marked as a renewal that must bypass a cache.
type renewalRecorder struct {
	mu       sync.Mutex
	renewals []bool
}

func (r *renewalRecorder) GetToken(ctx context.Context, _ policy.TokenRequestOptions) (azcore.AccessToken, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.renewals = append(r.renewals, renewing(ctx))
	return azcore.AccessToken{Token: "t", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// TestRenewalAsksTheCredentialAgainMarked: a 401 for a cached token makes
// the policy ask the credential again, and that second ask, only it, is
// marked as a renewal so that a caching source fetches a new token.
func TestRenewalAsksTheCredentialAgainMarked(t *testing.T) {
	s := &scriptedServer{answers: []func(http.ResponseWriter){
		reply(http.StatusOK, `{}`),
		reply(http.StatusUnauthorized, `{}`, "WWW-Authenticate", "Bearer"),
		reply(http.StatusOK, `{}`),
	}}
	server := httptest.NewServer(s)
	t.Cleanup(server.Close)
	cred := &renewalRecorder{}
	client, err := NewClient(Options{BaseURL: server.URL, Credential: cred, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	get := request{method: http.MethodGet, path: "/v1/x", success: []int{http.StatusOK}, what: "the answer"}
	for i := range 2 {
		if _, err := client.do(testContext(t), get); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	cred.mu.Lock()
	defer cred.mu.Unlock()
	if len(cred.renewals) != 2 || cred.renewals[0] || !cred.renewals[1] {
		t.Errorf("renewal marks of the tokens asked %v, want [false true]: the first token cached, then renewed once after the 401", cred.renewals)
	}
}
