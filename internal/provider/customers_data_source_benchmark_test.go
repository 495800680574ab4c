package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// benchmarkCustomers is the size of the customer list the benchmark reads:
// 50 pages of partnercenter.CustomersPageSize.
const benchmarkCustomers = 50 * partnercenter.CustomersPageSize

// BenchmarkCustomersRead5000 reads partnercenter_customers of a partner
// with 5,000 customers, every page, through the provider server as
// Terraform calls it, and reports time, allocations per customer and the
// peak heap: allocations per customer stay flat as the list grows (see
// the 500-customer run beside it), so memory is the answer's size, not
// quadratic in it.
func BenchmarkCustomersRead5000(b *testing.B) {
	for _, n := range []int{benchmarkCustomers / 10, benchmarkCustomers} {
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			benchmarkCustomersRead(b, n)
		})
	}
}

func benchmarkCustomersRead(b *testing.B, n int) {
	ctx := context.Background()
	em := emulator.New()
	customers := make([]emulator.Customer, n)
	for i := range customers {
		customers[i] = emulator.Customer{ID: fmt.Sprintf("c0000000-0000-4000-8000-%012d", i), CompanyName: fmt.Sprintf("Customer %05d", i),
			Domain: fmt.Sprintf("customer%05d.onmicrosoft.com", i), RelationshipToPartner: "reseller"}
	}
	if err := em.AddCustomers(customers...); err != nil {
		b.Fatal(err)
	}
	server := httptest.NewServer(em)
	b.Cleanup(server.Close)
	p := NewServer("bench")()
	schema, err := p.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schema.Diagnostics) > 0 {
		b.Fatal(err, schema.Diagnostics)
	}
	providerType := schema.Provider.ValueType()
	dataSourceType := schema.DataSourceSchemas["partnercenter_customers"].ValueType()
	providerConfig := dynamicValue(b, providerType, objectValue(providerType, map[string]tftypes.Value{
		"base_url":     tftypes.NewValue(tftypes.String, server.URL),
		"access_token": tftypes.NewValue(tftypes.String, em.NewAccessToken(emulator.DefaultTenantID, time.Hour)),
	}))
	configured, err := p.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.8.5", Config: providerConfig})
	if err != nil || len(configured.Diagnostics) > 0 {
		b.Fatal(err, configured.Diagnostics)
	}
	config := dynamicValue(b, dataSourceType, objectValue(dataSourceType, nil))
	b.ReportAllocs()
	var m measured
	for b.Loop() {
		b.StopTimer()
		m.start()
		b.StartTimer()
		read, err := p.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "partnercenter_customers", Config: config})
		b.StopTimer()
		m.stop()
		if err != nil || len(read.Diagnostics) > 0 || read.State == nil {
			b.Fatal(err, read.Diagnostics)
		}
		b.StartTimer()
	}
	perCustomer := float64(b.N) * float64(n)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/perCustomer, "ns/customer")
	b.ReportMetric(float64(m.mallocs)/perCustomer, "allocs/customer")
	b.ReportMetric(float64(m.peak)/(1<<20), "peak-heap-MiB")
}
