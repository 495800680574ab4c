package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// resourceWithConfigure supplies the Configure of every resource, embedded
// in it: the resource keeps the provider's data, and opens each call on
// Partner Center with data.startCall.
type resourceWithConfigure struct {
	data *providerData
}

// Configure implements resource.ResourceWithConfigure.
func (r *resourceWithConfigure) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredProviderData(req.ProviderData, &resp.Diagnostics)
}

// dataSourceWithConfigure is resourceWithConfigure for data sources.
type dataSourceWithConfigure struct {
	data *providerData
}

// Configure implements datasource.DataSourceWithConfigure.
func (d *dataSourceWithConfigure) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredProviderData(req.ProviderData, &resp.Diagnostics)
}
