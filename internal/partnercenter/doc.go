// Package partnercenter is a small Go client for Microsoft Partner Center's
// device deployment API. It knows HTTP, Entra ID credentials, Partner Center's
// JSON and its errors, and nothing of Terraform: the provider maps its types to
// schema values and its errors to diagnostics.
//
// Requests go through an azcore pipeline, which brings retries with
// Retry-After, bearer-token caching and logging with header redaction.
package partnercenter
