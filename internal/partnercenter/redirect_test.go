package partnercenter_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// elsewhere is a plain http server on the same host as the TLS server that
// redirects to it, recording what reaches it: Go keeps Authorization on a
// redirect to the same host whatever the scheme, and resends a POST's body
// on 307 and 308.
type elsewhere struct {
	*httptest.Server
	mu       sync.Mutex
	requests []string
}

func newElsewhere(t *testing.T) *elsewhere {
	t.Helper()
	e := &elsewhere{}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		e.mu.Lock()
		e.requests = append(e.requests, fmt.Sprintf("%s %s Authorization=%q form=%v", r.Method, r.URL, r.Header.Get("Authorization"), r.PostForm))
		e.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(e.Close)
	return e
}

func (e *elsewhere) seen() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.requests...)
}

// redirector is a TLS server answering every request with status and a
// Location on target, but Entra ID's discovery document, which sends the
// token requests back to it.
func redirector(t *testing.T, status int, target string) *httptest.Server {
	t.Helper()
	return entraStandIn(t, func(w http.ResponseWriter, r *http.Request) {
		// Unset, so that http.Redirect writes the HTML answer of a
		// redirect, not an empty one labelled JSON.
		w.Header().Del("Content-Type")
		http.Redirect(w, r, target+r.URL.Path, status)
	})
}

// TestPartnerCenterRedirectIsNotFollowed: Partner Center does not redirect;
// a 3xx is an error naming the status and where it pointed, and nothing
// reaches that place.
func TestPartnerCenterRedirectIsNotFollowed(t *testing.T) {
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			target := newElsewhere(t)
			server := redirector(t, status, target.URL)
			client, err := partnercenter.NewClient(partnercenter.Options{
				BaseURL: server.URL, Credential: &countingCredential{}, MaxRetries: 1,
				ClientOptions: policy.ClientOptions{Transport: server.Client()},
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = client.GetBatchStatus(waitContext(t), customerID, trackingID)
			want := fmt.Sprintf("Partner Center answered HTTP %d %s, a redirect to %s, which is not followed", status, http.StatusText(status), target.URL)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error %v, want %q", err, want)
			}
			var respErr *partnercenter.ResponseError
			if !errors.As(err, &respErr) || respErr.RedirectTo != target.URL || partnercenter.KindOf(err) != partnercenter.KindInvalidResponse {
				t.Errorf("error %#v, want a ResponseError of kind invalid response redirecting to %s", err, target.URL)
			}
			if seen := target.seen(); len(seen) != 0 {
				t.Errorf("the redirect was followed: %v", seen)
			}
		})
	}
}

// TestSignInRedirectIsNotFollowed: the token requests of every sign-in
// that talks to a server refuse a redirect, naming the status and where it
// pointed, so that no secret, assertion or request token goes there.
func TestSignInRedirectIsNotFollowed(t *testing.T) {
	for name, configure := range serverSignIns {
		t.Run(name, func(t *testing.T) {
			target := newElsewhere(t)
			server := redirector(t, http.StatusTemporaryRedirect, target.URL)
			o := standInOptions(server)
			configure(&o, server.URL)
			_, err := getToken(t, o)
			want := fmt.Sprintf("answered HTTP 307 Temporary Redirect, a redirect to %s, which is not followed", target.URL)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error %v, want %q", err, want)
			}
			if seen := target.seen(); len(seen) != 0 {
				t.Errorf("the redirect was followed: %v", seen)
			}
		})
	}
}
