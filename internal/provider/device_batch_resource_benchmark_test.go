package provider

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// benchmarkDevices is the size of the batch the resource benchmarks upload:
// 50 pages of Partner Center's device list.
const benchmarkDevices = 5000

// benchmarkHashBytes is the size of a real hardware hash, base64-encoded.
const benchmarkHashBytes = 4096

// benchmarkDeviceSet is the devices argument of a batch of n devices with
// random hardware hashes of the real size.
func benchmarkDeviceSet(b *testing.B, n int) []configuredDevice {
	b.Helper()
	values := make([]attr.Value, n)
	raw := make([]byte, benchmarkHashBytes*3/4)
	for i := range values {
		_, _ = rand.Read(raw)
		values[i] = deviceValue(partnercenter.Device{HardwareHash: base64.StdEncoding.EncodeToString(raw), SerialNumber: fmt.Sprintf("SN%08d", i)})
	}
	devices, known := devicesOf(devicesSet(values))
	if !known || len(devices) != n {
		b.Fatalf("%d devices known: %v", len(devices), known)
	}
	return devices
}

// benchmarkClient is a client of a new emulator whose uploads finish at
// once, signed in as a user, as creating a batch needs.
func benchmarkClient(b *testing.B) *partnercenter.Client {
	b.Helper()
	em := emulator.New()
	em.SetJobTiming(0, 0)
	server := httptest.NewServer(em)
	b.Cleanup(server.Close)
	credential, err := partnercenter.NewCredential(partnercenter.CredentialOptions{AccessToken: em.NewUserAccessToken(emulator.DefaultTenantID, time.Hour)})
	if err != nil {
		b.Fatal(err)
	}
	client, err := partnercenter.NewClient(partnercenter.Options{BaseURL: server.URL, Credential: credential})
	if err != nil {
		b.Fatal(err)
	}
	return client
}

// BenchmarkDeviceBatchCreate5000Devices measures the client path of the
// resource's create: the devices argument read, the batch created with one
// encoded request, the upload waited for, and the 50 pages of the device
// list read back into state. The emulator's own work is part of it.
func BenchmarkDeviceBatchCreate5000Devices(b *testing.B) {
	ctx := context.Background()
	devices := benchmarkDeviceSet(b, benchmarkDevices)
	b.ReportAllocs()
	start := memStats()
	for b.Loop() {
		b.StopTimer()
		client := benchmarkClient(b)
		b.StartTimer()
		job, err := client.CreateDeviceBatch(ctx, emulator.SeedCustomerID, "Benchmark", plainDevices(devices))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := client.WaitForBatch(ctx, job.CustomerID, job.TrackingID, fastPolling); err != nil {
			b.Fatal(err)
		}
		readBack(ctx, b, client, devices)
	}
	reportPerDevice(b, start)
}

// BenchmarkDeviceBatchRead5000Devices measures a refresh of a batch of 5,000
// devices: the batch list, the 50 pages of the device list, and the state's
// devices matched to them by identification.
func BenchmarkDeviceBatchRead5000Devices(b *testing.B) {
	ctx := context.Background()
	devices := benchmarkDeviceSet(b, benchmarkDevices)
	client := benchmarkClient(b)
	job, err := client.CreateDeviceBatch(ctx, emulator.SeedCustomerID, "Benchmark", plainDevices(devices))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := client.WaitForBatch(ctx, job.CustomerID, job.TrackingID, fastPolling); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	start := memStats()
	for b.Loop() {
		readBack(ctx, b, client, devices)
	}
	reportPerDevice(b, start)
}

// readBack is the resource's read of the batch into state.
func readBack(ctx context.Context, b *testing.B, client *partnercenter.Client, devices []configuredDevice) {
	batch, held, err := readBatchAndDevices(ctx, client, emulator.SeedCustomerID, "Benchmark")
	if err != nil || batch == nil || len(held) != len(devices) {
		b.Fatalf("read %v with %d devices: %v", batch, len(held), err)
	}
	var m deviceBatchModel
	m.Devices = reconcileDevices(devices, held)
	setBatchComputed(&m, batch, held)
	if n := len(m.Devices.Elements()); n != len(devices) {
		b.Fatalf("%d devices in state, want %d", n, len(devices))
	}
}

// memStats reads the process's memory statistics.
func memStats() runtime.MemStats {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m
}

// reportPerDevice adds the time and allocations per device, counted since
// start; they include the emulator's, which serves from the same process.
func reportPerDevice(b *testing.B, start runtime.MemStats) {
	end := memStats()
	if b.N == 0 {
		return
	}
	perDevice := float64(b.N) * benchmarkDevices
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/perDevice, "ns/device")
	b.ReportMetric(float64(end.Mallocs-start.Mallocs)/perDevice, "allocs/device")
}
