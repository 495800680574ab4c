package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

func locationAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "The `Location` header Partner Center answered the upload with, " +
			"`/customers/{customer-id}/batchJobStatus/{batch-tracking-id}`, instead of `customer_id` and `batch_tracking_id`, " +
			"which are then read from it. Also accepted: the same with `/v1` in front or without the leading slash, and an " +
			"`https://` URL whose path ends that way (any host and path prefix; the request still goes to the provider's `base_url`), " +
			"each with a trailing slash, surrounding white space, and `customers`/`batchJobStatus` in any case. A query or fragment is refused.",
		Optional:   true,
		Validators: []validator.String{locationCheck},
	}
}

// ConfigValidators implements datasource.DataSourceWithConfigValidators:
// the batch is named either by location or by both IDs. The validators skip
// unknown values, so a location known only after apply plans fine.
func (d *deviceBatchStatusDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	location := path.MatchRoot("location")
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(location, path.MatchRoot("customer_id")),
		datasourcevalidator.ExactlyOneOf(location, path.MatchRoot("batch_tracking_id")),
		// Alone, the two above tell a user who set one ID to choose between
		// location and the other; this names the ID that is missing.
		datasourcevalidator.RequiredTogether(path.MatchRoot("customer_id"), path.MatchRoot("batch_tracking_id")),
	}
}

// batchIDs returns the IDs of the batch cfg names, from location when set.
func batchIDs(cfg deviceBatchStatusModel) (customerID, batchTrackingID string, diags diag.Diagnostics) {
	if cfg.Location.IsNull() {
		return cfg.CustomerID.ValueString(), cfg.BatchTrackingID.ValueString(), nil
	}
	customerID, batchTrackingID, err := partnercenter.ParseBatchLocation(cfg.Location.ValueString())
	if err != nil {
		// The location validator runs again once the value is known (at
		// apply when it was unknown at plan time), so Read should not get
		// here; if it does, it reports the error instead of reading a batch
		// of empty IDs.
		diags.AddAttributeError(path.Root("location"), "Invalid batch location", fmt.Sprintf("location: %s.", err))
	}
	return customerID, batchTrackingID, diags
}
