package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

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

// ValidateConfig implements datasource.DataSourceWithValidateConfig: the
// batch is named either by location or by both IDs. A value unknown at plan
// time may turn out null or set, so only what fails either way is reported
// then: a location known only after apply plans fine. Written out rather
// than with datasourcevalidator, whose validators walk the whole
// configuration for each attribute they look at: about a fifth of the
// provider's CPU per read.
func (d *deviceBatchStatusDataSource) ValidateConfig(_ context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var attributes map[string]tftypes.Value
	if err := req.Config.Raw.As(&attributes); err != nil {
		// A configuration unknown as a whole is checked again once known.
		return
	}
	set := func(name string) bool { return attributes[name].IsKnown() && !attributes[name].IsNull() }
	unset := func(name string) bool { return attributes[name].IsNull() }
	const ways = "location alone, or both customer_id and batch_tracking_id"
	if set("location") {
		for _, id := range []string{"customer_id", "batch_tracking_id"} {
			if set(id) {
				resp.Diagnostics.AddAttributeError(path.Root(id), "Conflicting batch arguments",
					fmt.Sprintf("location and %s both name the batch: name it in exactly one way, %s.", id, ways))
			}
		}
		return
	}
	for _, pair := range [][2]string{{"customer_id", "batch_tracking_id"}, {"batch_tracking_id", "customer_id"}} {
		// Whatever location turns out to be, one ID alone is wrong.
		if id, other := pair[0], pair[1]; set(id) && unset(other) {
			resp.Diagnostics.AddAttributeError(path.Root(id), "Missing "+other,
				fmt.Sprintf("%s is set without %s: set both, or location alone.", id, other))
			return
		}
	}
	if !unset("location") {
		return
	}
	if unset("customer_id") && unset("batch_tracking_id") {
		resp.Diagnostics.AddError("Missing batch arguments", "Name the batch in exactly one way: "+ways+".")
		return
	}
	for _, id := range []string{"customer_id", "batch_tracking_id"} {
		if unset(id) {
			// The other ID is unknown: set or not, this one is missing.
			resp.Diagnostics.AddAttributeError(path.Root(id), "Missing "+id, id+" is not set: name the batch with "+ways+".")
		}
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
