package provider

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// maxMaxRetries bounds max_retries: with exponential backoff, ten retries
// already wait minutes, and timeouts.read bounds a read by time.
const maxMaxRetries = 10

var (
	settingMaxRetries     = setting{"max_retries", []string{"PARTNERCENTER_MAX_RETRIES"}}
	settingRequestTimeout = setting{"request_timeout", []string{"PARTNERCENTER_REQUEST_TIMEOUT"}}
)

// retrySettings resolves max_retries and request_timeout against the
// environment. A value that is set but invalid is reported through invalid.
func retrySettings(cfg providerModel, invalid func(setting, string, error)) (maxRetries int, requestTimeout time.Duration) {
	maxRetries = partnercenter.DefaultMaxRetries
	if !cfg.MaxRetries.IsNull() && !cfg.MaxRetries.IsUnknown() {
		maxRetries = int(cfg.MaxRetries.ValueInt64())
	} else if raw, source := settingMaxRetries.resolve(types.StringNull()); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 0 || n > maxMaxRetries {
			invalid(settingMaxRetries, source, fmt.Errorf("%q is not a whole number from 0 to %d", raw, maxMaxRetries))
		}
		maxRetries = n
	}

	requestTimeout = partnercenter.DefaultRequestTimeout
	raw, source := settingRequestTimeout.resolve(cfg.RequestTimeout.StringValue)
	if raw == "" {
		return maxRetries, requestTimeout
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d <= 0 {
		invalid(settingRequestTimeout, source, fmt.Errorf("%q is not a positive duration such as 60s or 2m", raw))
	}
	return maxRetries, d
}

// positiveDuration accepts a Go duration string greater than zero; the
// attribute's type already refuses what does not parse.
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
func (v positiveDuration) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if d, err := time.ParseDuration(req.ConfigValue.ValueString()); err == nil && d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%s is %q; the %s", req.Path, req.ConfigValue.ValueString(), v.Description(ctx)))
	}
}

// requestTimeoutType is request_timeout's type: a Go duration string,
// checked at plan time.
var requestTimeoutType = timetypes.GoDurationType{}

// logAttempt writes the client's per-attempt messages to Terraform's log at
// DEBUG: request and correlation IDs, attempt number and outcome, so that
// TF_LOG=DEBUG shows what a support request to Microsoft needs.
func logAttempt(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(ctx, msg, fields)
}

// routeSDKLogs sends the Azure SDK's request, response and retry messages to
// Terraform's log at TRACE, headers redacted but the request IDs. The SDK's
// log is process-wide and carries no context, so the messages go to the
// logger of the latest Configure: one process serves every configuration of
// the provider, and all of them log to the same place. The lines therefore
// carry that Configure's tf_rpc and tf_req_id; the request IDs in them name
// the call.
func routeSDKLogs(ctx context.Context) {
	partnercenter.SetSDKLog(func(event, message string) {
		tflog.Trace(ctx, message, map[string]any{"azure_sdk_event": event})
	})
}
