package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

const benchmarkTrackingID = "6d1f0b3e-9c2a-4e7b-8f5d-3a1c2b4d6e8f"

// largeBatch is a finished batch of n devices, one in ten failed with 808.
func largeBatch(n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `{"batchTrackingId":%q,"status":"finished_with_errors","startedTime":"2017-07-25T10:00:00","completedTime":"2017-07-25T10:10:00.1234567","devicesStatus":[`, benchmarkTrackingID)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		if i%10 == 0 {
			fmt.Fprintf(&b, `{"deviceId":"device-%06d","serialNumber":"SN%08d","productKey":"12345-67890-09876-54321-%05d","status":"finished_with_errors","errorCode":"808","errorDescription":"ZtdDeviceAssignedToOtherTenant","attributes":{"objectType":"DeviceUploadDetails"}}`, i, i, i%100000)
		} else {
			fmt.Fprintf(&b, `{"deviceId":"device-%06d","serialNumber":"SN%08d","productKey":"12345-67890-09876-54321-%05d","status":"finished","attributes":{"objectType":"DeviceUploadDetails"}}`, i, i, i%100000)
		}
	}
	b.WriteString(`],"attributes":{"objectType":"BatchUploadDetails"}}`)
	return []byte(b.String())
}

// BenchmarkReadBatchStatus10000Devices measures what a read of a large batch
// costs: the HTTP call to the emulator, decoding, and setting Terraform state.
func BenchmarkReadBatchStatus10000Devices(b *testing.B) {
	const devices = 10000
	ctx := context.Background()
	em := emulator.New()
	if err := em.PutBatch(emulator.SeedCustomerID, largeBatch(devices)); err != nil {
		b.Fatal(err)
	}
	server := httptest.NewServer(em)
	defer server.Close()
	credential, err := partnercenter.NewCredential(partnercenter.CredentialOptions{AccessToken: em.NewAccessToken(emulator.DefaultTenantID, time.Hour)})
	if err != nil {
		b.Fatal(err)
	}
	client, err := partnercenter.NewClient(partnercenter.Options{BaseURL: server.URL, Credential: credential})
	if err != nil {
		b.Fatal(err)
	}
	var schemaResp datasource.SchemaResponse
	newDeviceBatchStatusDataSource().Schema(ctx, datasource.SchemaRequest{}, &schemaResp)
	stateType := schemaResp.Schema.Type().TerraformType(ctx)

	b.ReportAllocs()
	for b.Loop() {
		details, err := client.GetBatchStatus(ctx, emulator.SeedCustomerID, benchmarkTrackingID)
		if err != nil {
			b.Fatal(err)
		}
		model := newDeviceBatchStatusModel(emulator.SeedCustomerID, benchmarkTrackingID, details, countDeviceResults(details, nil))
		// Read copies the timeouts block and accepted_error_codes from the
		// configuration: none here.
		model.Timeouts = timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"read": types.StringType})}
		model.AcceptedErrorCodes = types.SetNull(types.StringType)
		state := tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(stateType, nil)}
		if diags := state.Set(ctx, &model); diags.HasError() {
			b.Fatal(diags)
		}
		if model.DeviceCount.ValueInt64() != devices || model.FailedDeviceCount.ValueInt64() != devices/10 {
			b.Fatalf("read %d devices, %d failed", model.DeviceCount.ValueInt64(), model.FailedDeviceCount.ValueInt64())
		}
	}
}
