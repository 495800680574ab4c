package partnercenter

import (
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// MaxResponseBytes caps a response body. A batch of thousands of devices
// is a few MiB; anything far larger is not a Partner Center answer, and
// reading it whole could exhaust memory.
const MaxResponseBytes = 64 << 20

// limitedTransport caps every response body at limit, below azcore, which
// otherwise reads a body whole whatever its size. With refuseRedirects, a
// redirect is an error rather than an answer.
type limitedTransport struct {
	next  policy.Transporter
	limit int64
	// tooLarge is the error of a body over limit, in answer to req.
	tooLarge func(req *http.Request) error
	// refuseRedirects turns a 3xx answer into a *redirectError, for
	// callers that read only the status of an answer.
	refuseRedirects bool
}

// Do implements policy.Transporter.
func (t limitedTransport) Do(req *http.Request) (*http.Response, error) {
	resp, err := t.next.Do(req)
	if err != nil {
		return resp, err
	}
	if t.refuseRedirects {
		if target := redirectTarget(resp); target != "" {
			_ = resp.Body.Close()
			return nil, nonRetriable{&redirectError{from: req.URL, status: resp.StatusCode, to: target}}
		}
	}
	if resp.Body != nil {
		resp.Body = &limitedBody{body: resp.Body, left: t.limit, tooLarge: t.tooLarge(req)}
	}
	return resp, err
}

// errBodyTooLarge is the error of a Partner Center body over
// MaxResponseBytes.
var errBodyTooLarge = fmt.Errorf("%w: the body is larger than %d MiB", ErrInvalidResponse, MaxResponseBytes>>20)

// bodyTooLarge is the tooLarge of Partner Center's answers.
func bodyTooLarge(*http.Request) error { return errBodyTooLarge }

// MaxSignInAnswerBytes caps the answer to a token request: Entra ID's
// token and discovery answers, a managed identity endpoint's, a CI
// system's OIDC token. They are a few KiB.
const MaxSignInAnswerBytes = 1 << 20

// signInAnswerTooLarge is the tooLarge of sign-in answers.
func signInAnswerTooLarge(req *http.Request) error {
	return fmt.Errorf("the answer of %s is larger than %d MiB, more than a sign-in answer holds", endpointOf(req.URL), MaxSignInAnswerBytes>>20)
}

// endpointOf is u without user information, query or fragment, which may
// hold secrets, for messages.
func endpointOf(u *url.URL) string {
	return u.Scheme + "://" + u.Host + u.EscapedPath()
}

// limitedBody reads at most left more bytes and fails with tooLarge when
// there are more.
type limitedBody struct {
	body     io.ReadCloser
	left     int64
	tooLarge error
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var probe [1]byte
		n, err := b.body.Read(probe[:])
		if n > 0 {
			return 0, b.tooLarge
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.body.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error {
	return b.body.Close()
}

// refuseRedirect stops net/http's client from following a redirect, so
// that the caller gets the 3xx answer. Following one could send a token or
// a secret elsewhere, or in the clear: Go keeps Authorization on a redirect
// to the same host whatever the scheme, and resends a POST's body on 307
// and 308. Neither Partner Center nor Entra ID's token endpoints redirect.
func refuseRedirect(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}

// withoutRedirects returns t refusing redirects: a copy of a net/http
// client with refuseRedirect, or defaultTransport for nil. Other
// transporters are returned as they are: they follow no redirect unless
// they are written to.
func withoutRedirects(t policy.Transporter) policy.Transporter {
	switch c := t.(type) {
	case nil:
		return defaultTransport()
	case *http.Client:
		copied := *c
		copied.CheckRedirect = refuseRedirect
		return &copied
	}
	return t
}

// redirectTarget is where a redirect points, as scheme://host, or "" for
// another answer. A Location that does not parse is shown without user
// information or query.
func redirectTarget(resp *http.Response) string {
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
	default:
		return ""
	}
	location := resp.Header.Get("Location")
	if location == "" {
		return "nowhere (no Location header)"
	}
	target, err := url.Parse(location)
	if err != nil {
		return redactURL(location)
	}
	if resp.Request != nil {
		target = resp.Request.URL.ResolveReference(target)
	}
	return target.Scheme + "://" + target.Host
}

// redirectError is a redirect in answer to a token request, which is never
// followed.
type redirectError struct {
	from   *url.URL
	status int
	to     string
}

func (e *redirectError) Error() string {
	return fmt.Sprintf("%s answered HTTP %d %s, a redirect to %s, which is not followed, so that no credential is sent elsewhere",
		endpointOf(e.from), e.status, http.StatusText(e.status), e.to)
}

// defaultTransport is used when Options names none: net/http's default
// transport (proxy from the environment, HTTP/2, keep-alive), as azcore's,
// following no redirect.
func defaultTransport() policy.Transporter {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		return &http.Client{Transport: t.Clone(), CheckRedirect: refuseRedirect}
	}
	return &http.Client{CheckRedirect: refuseRedirect}
}
