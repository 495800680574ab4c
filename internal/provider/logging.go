package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// logAttempt writes the client's per-attempt messages to Terraform's log at
// DEBUG: request and correlation IDs, attempt number and outcome, so that
// TF_LOG=DEBUG shows what a support request to Microsoft needs.
func logAttempt(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(ctx, msg, fields)
}

// logSignIn writes which sign-in source got the run's first token to
// Terraform's log at INFO, so that TF_LOG=INFO shows which identity the run
// acts as. The client passes the source's name only, never a secret.
func logSignIn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Info(ctx, msg, fields)
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
