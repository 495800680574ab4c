package partnercenter

import (
	"fmt"
	"io"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// MaxResponseBytes caps a response body. A batch of thousands of devices
// is a few MiB; anything far larger is not a Partner Center answer, and
// reading it whole could exhaust memory.
const MaxResponseBytes = 64 << 20

// limitedTransport caps every response body at MaxResponseBytes, below
// azcore, which otherwise reads a body whole whatever its size.
type limitedTransport struct {
	next policy.Transporter
}

// Do implements policy.Transporter.
func (t limitedTransport) Do(req *http.Request) (*http.Response, error) {
	resp, err := t.next.Do(req)
	if err == nil && resp.Body != nil {
		resp.Body = &limitedBody{body: resp.Body, left: MaxResponseBytes}
	}
	return resp, err
}

// errBodyTooLarge is the error of a body over MaxResponseBytes.
var errBodyTooLarge = fmt.Errorf("%w: the body is larger than %d MiB", ErrInvalidResponse, MaxResponseBytes>>20)

// limitedBody reads at most left more bytes and fails when there are more.
type limitedBody struct {
	body io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var probe [1]byte
		n, err := b.body.Read(probe[:])
		if n > 0 {
			return 0, errBodyTooLarge
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

// defaultTransport is used when Options names none: net/http's default
// transport (proxy from the environment, HTTP/2, keep-alive), as azcore's.
func defaultTransport() policy.Transporter {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		return &http.Client{Transport: t.Clone()}
	}
	return http.DefaultClient
}
