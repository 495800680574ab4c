package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// batchStatusErrorDiagnostic is the one place a failed batch status read
// becomes a diagnostic: what failed, for which IDs, and everything Microsoft
// support asks for.
func batchStatusErrorDiagnostic(err error, customerID, batchTrackingID string) diag.Diagnostic {
	var signIn *partnercenter.SignInError
	if errors.As(err, &signIn) {
		return diag.NewErrorDiagnostic("Failed to sign in to Partner Center",
			fmt.Sprintf("Reading batch %s of customer %s needs a Partner Center token.\n\n%s", batchTrackingID, customerID, describeSignInError(signIn)))
	}
	var respErr *partnercenter.ResponseError
	if !errors.As(err, &respErr) {
		return diag.NewErrorDiagnostic("Failed to read device batch status",
			fmt.Sprintf("Reading batch %s of customer %s failed: %s", batchTrackingID, customerID, err))
	}
	if respErr.NotFound() {
		return diag.NewErrorDiagnostic("Device batch not found",
			fmt.Sprintf("Partner Center has no device batch with tracking ID %s for customer %s. "+
				"Check both IDs: the tracking ID is the last segment of the Location header returned by the upload.\n\n%s",
				batchTrackingID, customerID, describeResponseError(respErr)))
	}
	return diag.NewErrorDiagnostic("Failed to read device batch status",
		fmt.Sprintf("Reading batch %s of customer %s failed.\n\n%s", batchTrackingID, customerID, describeResponseError(respErr)))
}

// describeResponseError lists a Partner Center failure one fact per line.
func describeResponseError(e *partnercenter.ResponseError) string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP status: %s\n", e.Status())
	if e.Code != "" {
		fmt.Fprintf(&b, "Partner Center code: %s\n", e.Code)
	}
	if e.Description != "" {
		fmt.Fprintf(&b, "Description: %s\n", e.Description)
	}
	fmt.Fprintf(&b, "MS-RequestId: %s\nMS-CorrelationId: %s", e.RequestID, e.CorrelationID)
	return b.String()
}
