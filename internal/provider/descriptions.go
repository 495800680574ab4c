package provider

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// Schema descriptions and docs state numbers the code enforces; they are
// written from the constants that rule them, so that they cannot drift.

// describeDuration writes d as a person would: "2 seconds", "5 minutes".
func describeDuration(d time.Duration) string {
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
