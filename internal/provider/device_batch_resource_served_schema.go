package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The framework's plan modification of a map nested attribute copies the
// whole map for each of its elements, twice (fwserver.mapElemObject calls
// basetypes.MapValue.Elements()): a plan of partnercenter_device_batch cost
// the square of its devices (10,000 devices: 25 s, 17.5 GB allocated). The
// framework is therefore given devices as a plain map of objects, which it
// walks once, while Terraform is served the map nested attribute that
// deviceBatchSchema defines, as before: the same type of value, the same
// documentation, and the same configurations (a nested attribute's
// arguments may be left out of an entry, an object's may not). None of the
// device's arguments has a validator, plan modifier or default that the
// plain map would skip. Everything here goes once the framework reads a map
// nested attribute's elements without copying the map (DESIGN.md, The
// provider).

// NewServer returns a constructor of the provider's protocol server, as
// tf6server.Serve wants.
func NewServer(version string) func() tfprotov6.ProviderServer {
	return protocolServer(New(version)())
}

// protocolServer serves p as providerserver does, with devices served as
// the nested attribute it is: every server of the provider, the tests' too,
// is built here.
func protocolServer(p provider.Provider) func() tfprotov6.ProviderServer {
	serve := providerserver.NewProtocol6(p)
	return func() tfprotov6.ProviderServer { return nestedDevicesServer{serve()} }
}

// nestedDevicesServer is the framework's server of the provider, but for
// the schema of partnercenter_device_batch, whose devices it serves as
// deviceBatchSchema defines them.
type nestedDevicesServer struct {
	tfprotov6.ProviderServer
}

// deviceBatchResourceType is the resource whose devices are served nested.
const deviceBatchResourceType = "partnercenter_device_batch"

// GetProviderSchema implements tfprotov6.ProviderServer.
func (s nestedDevicesServer) GetProviderSchema(ctx context.Context, req *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	resp, err := s.ProviderServer.GetProviderSchema(ctx, req)
	if err != nil || resp == nil {
		return resp, err
	}
	served, ok := resp.ResourceSchemas[deviceBatchResourceType]
	if !ok || served == nil || served.Block == nil {
		return resp, nil
	}
	i := slices.IndexFunc(served.Block.Attributes, func(a *tfprotov6.SchemaAttribute) bool { return a.Name == "devices" })
	if i < 0 {
		return resp, nil
	}
	// Copies, so that nothing the framework may keep is changed.
	block := *served.Block
	block.Attributes = slices.Clone(block.Attributes)
	block.Attributes[i] = nestedDevicesAttribute()
	schema := *served
	schema.Block = &block
	resp.ResourceSchemas = maps.Clone(resp.ResourceSchemas)
	resp.ResourceSchemas[deviceBatchResourceType] = &schema
	return resp, nil
}

// nestedDevicesAttribute is devices as the framework serves the map nested
// attribute deviceBatchSchema defines: asked of a server whose resource
// declares it so, that it be exactly what the framework would serve.
var nestedDevicesAttribute = sync.OnceValue(func() *tfprotov6.SchemaAttribute {
	resp, err := providerserver.NewProtocol6(&partnerCenterProvider{nestedDevices: true})().
		GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(resp.Diagnostics) > 0 {
		panic(fmt.Sprint("the provider's schema: ", err, resp.Diagnostics))
	}
	for _, a := range resp.ResourceSchemas[deviceBatchResourceType].Block.Attributes {
		if a.Name == "devices" {
			return a
		}
	}
	panic("partnercenter_device_batch has no devices")
})

// frameworkDeviceBatchSchema is the schema the framework is given for
// partnercenter_device_batch: deviceBatchSchema, with devices a plain map
// of its objects, with the same description, validators and requiredness.
var frameworkDeviceBatchSchema = cachedSchema(func() schema.Schema {
	s := deviceBatchSchema()
	nested := s.Attributes["devices"].(schema.MapNestedAttribute) //nolint:forcetypeassert // deviceBatchSchema defines it so
	s.Attributes = maps.Clone(s.Attributes)
	s.Attributes["devices"] = schema.MapAttribute{
		ElementType:         deviceObjectType(),
		MarkdownDescription: nested.MarkdownDescription,
		Required:            nested.Required,
		Validators:          nested.Validators,
	}
	return s
})
