package provider

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// Schema descriptions and docs state numbers the code enforces; they are
// written from the constants that rule them, so that they cannot drift.

// describeDuration writes d as a person would: "2 seconds", "5 minutes",
// "0.8 seconds".
func describeDuration(d time.Duration) string {
	if d%time.Second != 0 {
		return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + " seconds"
	}
	n, unit := int64(d/time.Second), "second"
	if d >= time.Minute && d%time.Minute == 0 {
		n, unit = int64(d/time.Minute), "minute"
	}
	if n != 1 {
		unit += "s"
	}
	return strconv.FormatInt(n, 10) + " " + unit
}

// retriedStatuses lists the HTTP statuses a request is retried on, such as
// "408, 429, 500, 502, 503 or 504".
var retriedStatuses = func() string {
	codes := partnercenter.RetriedStatuses()
	words := make([]string, len(codes))
	for i, code := range codes {
		words[i] = strconv.Itoa(code)
	}
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}()

// defaultRequestTimeout is request_timeout's default as the attribute takes it.
var defaultRequestTimeout = fmt.Sprintf("%ds", int(partnercenter.DefaultRequestTimeout/time.Second))

// retriedFailures is the one wording of what a request is retried on, in
// schema descriptions and the docs alike (TestDocsStateTheConstants).
var retriedFailures = retriedStatuses + ", dropped connections and attempts that outlast `request_timeout`"

// requestRetryBackoff says how the request retry backoff waits between
// attempts of one request; the poll backoff (pollPacing) is another loop.
var requestRetryBackoff = fmt.Sprintf("waiting as `Retry-After` asks, otherwise from %s, doubling with jitter, at most %s between attempts",
	describeDuration(partnercenter.DefaultRetryDelay), describeDuration(partnercenter.DefaultMaxRetryDelay))

// uploadPartSizeDescription is upload_part_size's description.
var uploadPartSizeDescription = fmt.Sprintf("How many devices one upload or device policy update carries at most, from 1 to %d; "+
	"more go in parts, each a batch job of its own. Defaults to `%[1]d`. Microsoft documents no limit; a part Partner Center "+
	"refuses as too large goes again in halves, and the smaller size is kept for the rest of the run. Set it when Partner Center "+
	"takes fewer devices a request, to spare every run those refusals.", partnercenter.MaxDevicesPerRequest)

// deprecatedEnvironments are the clouds of `environment` that Microsoft has
// closed, with why, for the attribute's description and the warning a plan
// gives.
var deprecatedEnvironments = map[string]string{
	"germany": "Microsoft Cloud Germany closed in October 2021 and its customers moved to Microsoft's global cloud, which `public` reaches",
}

// describeDeprecatedEnvironments is the sentence of environment's
// description on the deprecated clouds.
func describeDeprecatedEnvironments() string {
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(deprecatedEnvironments)) {
		fmt.Fprintf(&b, " `%s` is deprecated: %s; a plan that uses it warns.", name, deprecatedEnvironments[name])
	}
	return b.String()
}
