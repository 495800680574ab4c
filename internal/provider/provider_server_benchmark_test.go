package provider

import (
	"context"
	"maps"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// objectValue is an object of typ with the attributes of set and every
// other attribute null, as Terraform sends a configuration. It panics when
// set names an attribute typ does not have.
func objectValue(typ tftypes.Type, set map[string]tftypes.Value) tftypes.Value {
	object, ok := typ.(tftypes.Object)
	if !ok {
		panic("objectValue of a type that is not an object")
	}
	values := maps.Clone(set)
	if values == nil {
		values = make(map[string]tftypes.Value, len(object.AttributeTypes))
	}
	for name, t := range object.AttributeTypes {
		if _, ok := values[name]; !ok {
			values[name] = tftypes.NewValue(t, nil)
		}
	}
	return tftypes.NewValue(typ, values)
}

// dynamicValue encodes v as Terraform sends it to a provider.
func dynamicValue(b testing.TB, typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		b.Fatal(err)
	}
	return &dv
}

// BenchmarkDeviceBatchStatusProviderProcess is what one provider process
// costs for one read of a batch of 20 devices: the calls Terraform makes of
// a provider it starts to plan a data source (schema, validation of the
// provider and data source configurations, configure, read), through the
// provider server, against an emulator in this process. Profile it with
// -cpuprofile to see where a read's time goes without Terraform.
func BenchmarkDeviceBatchStatusProviderProcess(b *testing.B) {
	ctx := context.Background()
	em := emulator.New()
	if err := em.PutBatch(emulator.SeedCustomerID, largeBatch(20)); err != nil {
		b.Fatal(err)
	}
	server := httptest.NewServer(em)
	defer server.Close()
	token := em.NewAccessToken(emulator.DefaultTenantID, time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		p := NewServer("bench")()
		schema, err := p.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
		if err != nil || len(schema.Diagnostics) > 0 {
			b.Fatal(err, schema.Diagnostics)
		}
		providerType := schema.Provider.ValueType()
		dataSourceType := schema.DataSourceSchemas["partnercenter_device_batch_status"].ValueType()
		providerConfig := dynamicValue(b, providerType, objectValue(providerType, map[string]tftypes.Value{
			"base_url":     tftypes.NewValue(tftypes.String, server.URL),
			"access_token": tftypes.NewValue(tftypes.String, token),
		}))
		config := dynamicValue(b, dataSourceType, objectValue(dataSourceType, map[string]tftypes.Value{
			"customer_id":       tftypes.NewValue(tftypes.String, emulator.SeedCustomerID),
			"batch_tracking_id": tftypes.NewValue(tftypes.String, benchmarkTrackingID),
		}))
		validated, err := p.ValidateProviderConfig(ctx, &tfprotov6.ValidateProviderConfigRequest{Config: providerConfig})
		if err != nil || len(validated.Diagnostics) > 0 {
			b.Fatal(err, validated.Diagnostics)
		}
		checked, err := p.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: "partnercenter_device_batch_status", Config: config})
		if err != nil || len(checked.Diagnostics) > 0 {
			b.Fatal(err, checked.Diagnostics)
		}
		configured, err := p.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.8.5", Config: providerConfig})
		if err != nil || len(configured.Diagnostics) > 0 {
			b.Fatal(err, configured.Diagnostics)
		}
		read, err := p.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "partnercenter_device_batch_status", Config: config})
		if err != nil || len(read.Diagnostics) > 0 || read.State == nil {
			b.Fatal(err, read.Diagnostics)
		}
	}
}
