package partnercenter

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/google/uuid"
)

// DefaultLocale is the X-Locale sent when none is configured.
const DefaultLocale = "en-US"

// The request retry backoff: azcore's retry policy waits DefaultRetryDelay
// before the first retry, doubling with jitter up to DefaultMaxRetryDelay,
// when Partner Center sends no Retry-After; a Retry-After over
// DefaultMaxRetryDelay is waited out by attemptPolicy only when the call's
// deadline allows it. They are azcore's own defaults, set here so that the
// documentation can state them. The poll backoff of WaitForBatch is another
// loop (DefaultPollInitialDelay, DefaultPollMaxDelay).
const (
	DefaultRetryDelay    = 800 * time.Millisecond
	DefaultMaxRetryDelay = 60 * time.Second
)

// Options configure a Client.
type Options struct {
	// BaseURL is the API root without /v1, such as
	// https://api.partnercenter.microsoft.com. See ValidateBaseURL.
	BaseURL string
	// Credential signs every request; the pipeline caches its token until
	// shortly before expiry, so one Client acquires one token per lifetime.
	Credential azcore.TokenCredential
	// Scope is the token scope; DefaultScope when empty.
	Scope string
	// Locale is sent as X-Locale; DefaultLocale when empty.
	Locale string
	// UserAgent is sent as User-Agent on every request.
	UserAgent string
	// MaxRetries is how often a failed attempt is retried: after a
	// connection failure or timeout, or an answer of 408, 429, 500, 502,
	// 503 or 504. Zero means no retry.
	MaxRetries int
	// RequestTimeout bounds each attempt; zero means no bound but ctx's.
	RequestTimeout time.Duration
	// Log, when set, receives one message per attempt (see LogFunc), and
	// one when a part is refused as too large.
	Log LogFunc
	// PartSize is how many devices one upload or device policy update
	// carries at most, from 1 to MaxDevicesPerRequest; zero means
	// MaxDevicesPerRequest. A part Partner Center refuses as too large
	// makes it smaller for the rest of the Client's life (sendInParts).
	PartSize int
	// ClientOptions carries the transport and logging settings, and the
	// backoff of retries (Retry.RetryDelay and Retry.MaxRetryDelay); the
	// fields above replace the rest of Retry.
	ClientOptions policy.ClientOptions
}

// Client calls the Partner Center REST API. It is safe for concurrent use.
type Client struct {
	baseURL  string
	pipeline runtime.Pipeline
	partSize partSize
	log      LogFunc
}

// loggedHeaders are shown in azcore's request logs; every other header,
// Authorization first of all, is redacted there.
var loggedHeaders = []string{headerRequestID, headerCorrelationID, headerCV, "MS-Contract-Version", "X-Locale", "MS-ServerId"}

// NewClient builds a Client from options.
func NewClient(o Options) (*Client, error) {
	if err := ValidateBaseURL(o.BaseURL); err != nil {
		return nil, err
	}
	if o.Credential == nil {
		return nil, errors.New("a credential is required")
	}
	if o.PartSize < 0 || o.PartSize > MaxDevicesPerRequest {
		return nil, fmt.Errorf("a part size of %d devices: want 1 to %d, or 0 for %[2]d", o.PartSize, MaxDevicesPerRequest)
	}
	scope := o.Scope
	if scope == "" {
		scope = DefaultScope
	}
	locale := o.Locale
	if locale == "" {
		locale = DefaultLocale
	}
	base, _ := url.Parse(o.BaseURL) // validated above
	clientOptions := o.ClientOptions
	// The User-Agent is ours to set (see requestHeaders); azcore's telemetry
	// policy would overwrite it with the SDK's.
	clientOptions.Telemetry.Disabled = true
	clientOptions.Retry = retryOptions(o)
	if clientOptions.Retry.RetryDelay == 0 {
		clientOptions.Retry.RetryDelay = DefaultRetryDelay
	}
	if clientOptions.Retry.MaxRetryDelay == 0 {
		clientOptions.Retry.MaxRetryDelay = DefaultMaxRetryDelay
	}
	// A redirect reaches newResponseError as an answer.
	clientOptions.Transport = limitedTransport{next: withoutRedirects(clientOptions.Transport), limit: MaxResponseBytes, tooLarge: bodyTooLarge}
	maxRetryDelay := clientOptions.Retry.MaxRetryDelay
	credential := fetchMarkingCredential{TokenCredential: o.Credential}
	pipeline := runtime.NewPipeline("partnercenter", "", runtime.PipelineOptions{
		AllowedHeaders: loggedHeaders,
		PerCall:        []policy.Policy{requestHeaders{locale: locale, userAgent: o.UserAgent}},
		PerRetry: []policy.Policy{
			renewTokenPolicy{},
			attemptPolicy{maxRetries: max(o.MaxRetries, 0), maxRetryDelay: maxRetryDelay, log: o.Log},
			runtime.NewBearerTokenPolicy(credential, []string{scope}, &policy.BearerTokenOptions{
				// ValidateBaseURL admits http only to a loopback address.
				InsecureAllowCredentialWithHTTP: base.Scheme == "http",
			}),
		},
	}, &clientOptions)
	c := &Client{baseURL: strings.TrimRight(o.BaseURL, "/"), pipeline: pipeline, log: o.Log}
	c.partSize.n.Store(int64(cmp.Or(o.PartSize, MaxDevicesPerRequest)))
	return c, nil
}

// requestHeaders sets Partner Center's request headers. It runs once per call,
// before the retry policy, so every retry of a call carries the same
// MS-RequestId, which Partner Center uses to recognise a repeated request.
type requestHeaders struct {
	locale    string
	userAgent string
}

// Do implements policy.Policy.
func (p requestHeaders) Do(req *policy.Request) (*http.Response, error) {
	h := req.Raw().Header
	h.Set("Accept", "application/json")
	h.Set("MS-Contract-Version", "v1")
	h.Set("X-Locale", p.locale)
	h.Set(headerRequestID, uuid.NewString())
	h.Set(headerCorrelationID, uuid.NewString())
	if p.userAgent != "" {
		h.Set("User-Agent", p.userAgent)
	}
	return req.Next()
}
