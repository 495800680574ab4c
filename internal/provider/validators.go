package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// guidValidator accepts a GUID such as 47021739-3426-40bf-9601-61b4b6d7c793,
// by the client's check, so that plan time and the client agree. Braces are
// refused rather than rewritten, so that the value a user writes is the
// value in state.
type guidValidator struct {
	// domainHint, when set, says what to write instead of a value that
	// looks like a domain name, as a customer's default domain written
	// where its tenant ID belongs.
	domainHint func(domain string) string
}

var _ validator.String = guidValidator{}

// customerIDValidator is guidValidator for the customer_id a resource or
// data source takes, pointing a domain at the data source that finds the
// customer's ID.
var customerIDValidator = guidValidator{domainHint: func(domain string) string {
	return fmt.Sprintf("the partnercenter_customer data source finds the ID of the customer whose default domain it is: "+
		"data \"partnercenter_customer\" \"this\" { domain = %q }, then customer_id = data.partnercenter_customer.this.customer_id.", domain)
}}

// domainName is a value with the shape of a domain name, such as
// contoso.onmicrosoft.com: labels of letters, digits and hyphens, dotted.
var domainName = regexp.MustCompile(`^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)

// Description implements validator.Describer.
func (guidValidator) Description(context.Context) string {
	return "value must be a GUID such as 47021739-3426-40bf-9601-61b4b6d7c793"
}

// MarkdownDescription implements validator.Describer.
func (v guidValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateString implements validator.String; unknown values wait for apply.
func (v guidValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	switch {
	case partnercenter.IsGUID(value):
	case strings.HasPrefix(value, "{") && strings.HasSuffix(value, "}") && partnercenter.IsGUID(value[1:len(value)-1]):
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid GUID",
			fmt.Sprintf("%s is %q; write the GUID without braces: %q.", req.Path, value, value[1:len(value)-1]))
	case v.domainHint != nil && domainName.MatchString(value):
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid GUID",
			fmt.Sprintf("%s is %q; the %s. It looks like a domain: %s", req.Path, value, v.Description(ctx), v.domainHint(value)))
	default:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid GUID",
			fmt.Sprintf("%s is %q; the %s.", req.Path, value, v.Description(ctx)))
	}
}

// clientCheck applies one of the client's checks of a string at plan time,
// so that plan time and the client agree and the rule lives in one place.
type clientCheck struct {
	check func(string) error
	// summary heads the error; description says what check accepts.
	summary, description string
}

var _ validator.String = clientCheck{}

// endpointCheck is clientCheck for the client's URL checks of an endpoint
// that receives credentials.
func endpointCheck(check func(string) error) clientCheck {
	return clientCheck{check: check, summary: "Invalid URL",
		description: "value must be an absolute https URL without query, fragment or user information"}
}

// oidcRequestURLCheck is clientCheck for oidc_request_url, which may carry a
// query.
var oidcRequestURLCheck = clientCheck{check: partnercenter.ValidateOIDCRequestURL, summary: "Invalid URL",
	description: "value must be an absolute https URL (http only to a loopback address) without fragment or user information"}

// locationCheck is clientCheck for location, with the parser Read uses.
var locationCheck = clientCheck{
	check: func(location string) error {
		_, _, err := partnercenter.ParseBatchLocation(location)
		return err
	},
	summary:     "Invalid batch location",
	description: "value must be a Location header such as /customers/{customer-id}/batchJobStatus/{batch-tracking-id}",
}

// Description implements validator.Describer.
func (v clientCheck) Description(context.Context) string {
	return v.description
}

// MarkdownDescription implements validator.Describer.
func (v clientCheck) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateString implements validator.String; unknown values wait for apply.
func (v clientCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, fmt.Sprintf("%s: %s.", req.Path, err))
	}
}

// localePattern is a BCP 47 language tag of the kind X-Locale takes (en-US, fr-FR, zh-Hans-CN).
var localePattern = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

var localeValidator = stringvalidator.RegexMatches(localePattern, "must be a locale such as en-US")

// positiveDuration accepts a Go duration string greater than zero, such
// as request_timeout takes.
type positiveDuration struct{}

var _ validator.String = positiveDuration{}

// Description implements validator.Describer.
func (positiveDuration) Description(context.Context) string {
	return "value must be a positive duration such as 60s or 2m"
}

// MarkdownDescription implements validator.Describer.
func (v positiveDuration) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateString implements validator.String; unknown values wait for apply.
func (v positiveDuration) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parsePositiveDuration(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration", fmt.Sprintf("%s: %s.", req.Path, err))
	}
}

// bareNumber is a duration written without its unit, such as "30".
var bareNumber = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// parsePositiveDuration parses a Go duration string greater than zero. Its
// error says what to write instead, the unit a bare number lacks above all.
func parsePositiveDuration(raw string) (time.Duration, error) {
	d, err := time.ParseDuration(raw)
	switch {
	case err != nil && bareNumber.MatchString(raw):
		return 0, fmt.Errorf("%q is not a duration: write it with a unit, such as %q", raw, raw+"s")
	case err != nil:
		return 0, fmt.Errorf("%q is not a duration: write it as a number and a unit, such as \"60s\" or \"2m\"", raw)
	case d <= 0:
		return 0, fmt.Errorf("%q is not a positive duration such as \"60s\" or \"2m\"", raw)
	}
	return d, nil
}

// oneOfSuggesting accepts one of choices, as stringvalidator.OneOf does and
// in its words, and suggests the choice a refused value is closest to, such
// as "o_o_b_e" for "oobe": Partner Center's spelling of some values is not
// the one a user guesses.
type oneOfSuggesting []string

var _ validator.String = oneOfSuggesting{}

// Description implements validator.Describer.
func (v oneOfSuggesting) Description(context.Context) string {
	return fmt.Sprintf("value must be one of: %q", []string(v))
}

// MarkdownDescription implements validator.Describer.
func (v oneOfSuggesting) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateString implements validator.String; unknown values wait for apply.
func (v oneOfSuggesting) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	value := req.ConfigValue.ValueString()
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || slices.Contains(v, value) {
		return
	}
	detail := fmt.Sprintf("Attribute %s %s, got: %q.", req.Path, v.Description(ctx), value)
	if closest, ok := closestChoice(value, v); ok {
		detail += fmt.Sprintf(" Did you mean %q?", closest)
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value Match", detail)
}
