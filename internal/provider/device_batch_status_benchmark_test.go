package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
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
// costs the provider: the HTTP call to the emulator, decoding, and the
// data source's state. It reports the ratio to a plain encoding/json decode
// of the same body into Go structs (emulator.BatchUploadDetails, which has
// no JSON methods of its own), timed in the same run
// (x-plain-decode), whose goal is at most 4.
func BenchmarkReadBatchStatus10000Devices(b *testing.B) {
	const devices = 10000
	ctx := context.Background()
	body := largeBatch(devices)
	em := emulator.New()
	if err := em.PutBatch(emulator.SeedCustomerID, body); err != nil {
		b.Fatal(err)
	}
	server := httptest.NewServer(em)
	defer server.Close()
	client := tokenClient(b, server.URL, em.NewAccessToken(emulator.DefaultTenantID, time.Hour))
	typ := deviceBatchStatusStateType()
	config := tfsdk.Config{Schema: deviceBatchStatusSchema(), Raw: objectValue(typ, map[string]tftypes.Value{
		"customer_id":       tftypes.NewValue(tftypes.String, emulator.SeedCustomerID),
		"batch_tracking_id": tftypes.NewValue(tftypes.String, benchmarkTrackingID),
	})}

	var plain time.Duration
	b.ReportAllocs()
	for b.Loop() {
		details, err := client.GetBatchStatus(ctx, emulator.SeedCustomerID, benchmarkTrackingID)
		if err != nil {
			b.Fatal(err)
		}
		state, err := deviceBatchStatusState(config, emulator.SeedCustomerID, benchmarkTrackingID, details, countDeviceResults(details, nil))
		if err != nil {
			b.Fatal(err)
		}
		var fields map[string]tftypes.Value
		if err := state.As(&fields); err != nil || !fields["failed_device_count"].Equal(numberValue(devices/10)) {
			b.Fatalf("state %v: %v", fields["failed_device_count"], err)
		}

		b.StopTimer()
		start := time.Now()
		var yardstick emulator.BatchUploadDetails
		if err := json.Unmarshal(body, &yardstick); err != nil || len(yardstick.DevicesStatus) != devices {
			b.Fatal(err)
		}
		plain += time.Since(start)
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed())/float64(plain), "x-plain-decode")
}
