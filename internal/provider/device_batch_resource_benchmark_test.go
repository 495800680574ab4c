package provider

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// benchmarkSizesVariable lists the batch sizes the device batch benchmarks
// run, as sub-benchmarks devices=N, comma-separated: make bench sets it.
// Unset, they run the smallest alone, so that running every benchmark once
// (make test) stays cheap.
const benchmarkSizesVariable = "PARTNERCENTER_BENCH_DEVICES"

// benchmarkSmallestSize is the batch size the benchmarks run when
// benchmarkSizesVariable is unset: 10 pages of Partner Center's device list.
const benchmarkSmallestSize = 1000

// forEachSize runs f as a sub-benchmark devices=N for each batch size.
func forEachSize(b *testing.B, f func(b *testing.B, n int)) {
	sizes := []int{benchmarkSmallestSize}
	if list := os.Getenv(benchmarkSizesVariable); list != "" {
		sizes = sizes[:0]
		for field := range strings.SplitSeq(list, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(field))
			if err != nil || n <= 0 {
				b.Fatalf("%s=%q: %q is not a batch size", benchmarkSizesVariable, list, field)
			}
			sizes = append(sizes, n)
		}
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("devices=%d", n), func(b *testing.B) { f(b, n) })
	}
}

// forEachFramework runs f as sub-benchmarks framework=nested, the framework
// given devices as the map nested attribute Terraform sees, as before
// nestedDevicesServer, then framework=plain, the provider as it is served:
// make bench-compare sets them side by side, the first as the base.
func forEachFramework(b *testing.B, f func(b *testing.B, nested bool)) {
	for _, nested := range []bool{true, false} {
		name := "framework=plain"
		if nested {
			name = "framework=nested"
		}
		b.Run(name, func(b *testing.B) { f(b, nested) })
	}
}

// benchmarkHashBytes is the size of a real hardware hash, base64-encoded.
const benchmarkHashBytes = 4096

// benchmarkDeviceSet is the devices argument of a batch of n devices with
// random hardware hashes of the real size, keyed by serial number as
// autopilot_devices() keys them.
func benchmarkDeviceSet(b *testing.B, n int) []configuredDevice {
	b.Helper()
	values := make(map[string]attr.Value, n)
	raw := make([]byte, benchmarkHashBytes*3/4)
	for i := range n {
		_, _ = rand.Read(raw)
		serial := fmt.Sprintf("SN%08d", i)
		values[serial] = deviceValue(partnercenter.Device{HardwareHash: base64.StdEncoding.EncodeToString(raw), SerialNumber: serial})
	}
	devices, known := devicesOf(types.MapValueMust(deviceObjectType(), values))
	if !known || len(devices) != n {
		b.Fatalf("%d devices known: %v", len(devices), known)
	}
	return devices
}

// benchmarkEmulator is a new emulator whose uploads finish at once, and
// a user's token for it, as creating a batch needs.
type benchmarkEmulator struct {
	url, token string
	// devices is how many devices its batch "Benchmark" holds.
	devices int
}

// benchmarkClient is a client of a new benchmarkEmulator. Its device lists
// carry the hardware hashes and what was uploaded, nothing decoded: the
// heaviest of Partner Center's possible answers for the client, and the
// one the measurements before answers could vary used.
func benchmarkClient(b *testing.B) (*partnercenter.Client, benchmarkEmulator) {
	b.Helper()
	em := emulator.New()
	em.SetJobTiming(0, 0)
	em.SetAnswers(emulator.Answers{ListHardwareHashes: true, ListUploadedFieldsOnly: true})
	server := httptest.NewServer(em)
	b.Cleanup(server.Close)
	e := benchmarkEmulator{url: server.URL, token: em.NewUserAccessToken(emulator.DefaultTenantID, time.Hour)}
	return tokenClient(b, server.URL, e.token), e
}

// uploadedBenchmarkBatch uploads n devices as the batch "Benchmark" of a
// new benchmarkEmulator and waits for it, for the benchmarks that read it
// back.
func uploadedBenchmarkBatch(ctx context.Context, b *testing.B, n int) ([]configuredDevice, *partnercenter.Client, benchmarkEmulator) {
	b.Helper()
	devices := benchmarkDeviceSet(b, n)
	client, e := benchmarkClient(b)
	e.devices = n
	uploadBenchmarkBatch(ctx, b, client, devices)
	return devices, client, e
}

// uploadBenchmarkBatch creates the batch "Benchmark" with devices, in
// parts, and waits for every part.
func uploadBenchmarkBatch(ctx context.Context, b *testing.B, client *partnercenter.Client, devices []configuredDevice) {
	b.Helper()
	uploads, err := client.UploadDevices(ctx, emulator.SeedCustomerID, "Benchmark", plainDevices(devices), true)
	if err != nil {
		b.Fatal(err)
	}
	for _, u := range uploads {
		if _, err := client.WaitForBatch(ctx, u.Job.CustomerID, u.Job.TrackingID, fastPolling); err != nil {
			b.Fatal(err)
		}
	}
}

// timeRawDevices is how long rawDevices takes to fetch the whole batch.
func (e benchmarkEmulator) timeRawDevices(b *testing.B) time.Duration {
	b.Helper()
	begin := time.Now()
	if n := e.rawDevices(b); n != e.devices {
		b.Fatalf("%d devices fetched raw", n)
	}
	return time.Since(begin)
}

// rawDevices fetches and decodes the pages of the benchmark batch's device
// list with nothing but net/http and encoding/json: the yardstick of a
// refresh's cost.
func (e benchmarkEmulator) rawDevices(b *testing.B) int {
	b.Helper()
	type page struct {
		Items []struct {
			ID, SerialNumber, ProductKey, HardwareHash, ModelName, OemManufacturerName, UploadedDate string
		} `json:"items"`
		ContinuationToken string `json:"continuationToken"`
	}
	n, token := 0, ""
	for {
		req, err := http.NewRequest(http.MethodGet, e.url+"/v1/customers/"+emulator.SeedCustomerID+"/deviceBatches/Benchmark/devices", nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+e.token)
		if token != "" {
			req.Header.Set("MS-ContinuationToken", token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var p page
		err = json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		n += len(p.Items)
		if token = p.ContinuationToken; token == "" {
			return n
		}
	}
}

// BenchmarkDeviceBatchCreate measures the client path of the resource's
// create: the devices argument read, the batch created and filled in parts,
// each part waited for, and the pages of the device list (one per 100
// devices) read back into state. The emulator's own work is part of it.
func BenchmarkDeviceBatchCreate(b *testing.B) {
	forEachSize(b, func(b *testing.B, n int) {
		ctx := context.Background()
		devices := benchmarkDeviceSet(b, n)
		b.ReportAllocs()
		var m measured
		for b.Loop() {
			b.StopTimer()
			client, _ := benchmarkClient(b)
			m.start()
			b.StartTimer()
			uploadBenchmarkBatch(ctx, b, client, devices)
			readBack(ctx, b, client, devices)
			b.StopTimer()
			m.stop()
			b.StartTimer()
		}
		m.report(b, n)
	})
}

// BenchmarkDeviceBatchRead measures the client path of a refresh: the batch
// list, the pages of the device list, and the state's devices matched to
// them by identification. It reports the ratio to fetching and decoding the
// same pages with net/http and encoding/json alone, timed in the same run
// (x-raw-pages), whose goal is at most 3.
func BenchmarkDeviceBatchRead(b *testing.B) {
	forEachSize(b, func(b *testing.B, n int) {
		ctx := context.Background()
		devices, client, e := uploadedBenchmarkBatch(ctx, b, n)
		timeAgainstRawPages(b, n, e, func() { readBack(ctx, b, client, devices) }, nil)
	})
}

// timeAgainstRawPages times op in b's loop, with its heap and time a device
// (measured), and reports its ratio to fetching and decoding e's n-device
// batch with net/http and encoding/json alone, timed in the same run
// (x-raw-pages). check, when set, runs untimed after each op.
func timeAgainstRawPages(b *testing.B, n int, e benchmarkEmulator, op, check func()) {
	b.ReportAllocs()
	var m measured
	var raw time.Duration
	for b.Loop() {
		b.StopTimer()
		m.start()
		b.StartTimer()
		op()
		b.StopTimer()
		m.stop()
		if check != nil {
			check()
		}
		raw += e.timeRawDevices(b)
		b.StartTimer()
	}
	m.report(b, n)
	b.ReportMetric(float64(b.Elapsed())/float64(raw), "x-raw-pages")
}

// readBack is the resource's read of the batch into state.
func readBack(ctx context.Context, b *testing.B, client *partnercenter.Client, devices []configuredDevice) {
	batch, held, err := readBatchAndDevices(ctx, client, emulator.SeedCustomerID, "Benchmark")
	if err != nil || batch == nil || len(held) != len(devices) {
		b.Fatalf("read %v with %d devices: %v", batch, len(held), err)
	}
	var m deviceBatchModel
	entries, ids, _ := reconcile(devices, nil, held)
	m.Devices, m.DeviceIDs = devicesMap(entries), deviceIDsMap(ids)
	setBatchComputed(&m, batch)
	if n := len(m.Devices.Elements()); n != len(devices) || len(ids) != len(devices) {
		b.Fatalf("%d devices in state, %d IDs, want %d", n, len(ids), len(devices))
	}
}

// measured counts the allocations of the timed parts of a benchmark and
// samples its peak heap; the emulator, which serves from the same process,
// is counted too.
type measured struct {
	mallocs     uint64
	bytes       uint64
	peak        uint64
	before      uint64
	allocBefore uint64
	sampling    chan struct{}
	done        chan uint64
}

// heapObjects is the bytes of live and not yet swept heap objects.
func heapObjects() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}

// start begins a timed part: it collects garbage, so that the peak is the
// part's own, and samples the heap every millisecond until stop.
func (m *measured) start() {
	runtime.GC()
	var s runtime.MemStats
	runtime.ReadMemStats(&s)
	m.before, m.allocBefore = s.Mallocs, s.TotalAlloc
	m.sampling, m.done = make(chan struct{}), make(chan uint64)
	go func() {
		peak := heapObjects()
		ticker := time.NewTicker(time.Millisecond)
		defer ticker.Stop()
		for {
			select {
			case <-m.sampling:
				m.done <- max(peak, heapObjects())
				return
			case <-ticker.C:
				peak = max(peak, heapObjects())
			}
		}
	}()
}

// stop ends a timed part.
func (m *measured) stop() {
	close(m.sampling)
	m.peak = max(m.peak, <-m.done)
	var s runtime.MemStats
	runtime.ReadMemStats(&s)
	m.mallocs += s.Mallocs - m.before
	m.bytes += s.TotalAlloc - m.allocBefore
}

// report adds the time, bytes and allocations per device of n devices and
// the peak heap.
func (m *measured) report(b *testing.B, n int) {
	if b.N == 0 {
		return
	}
	perDevice := float64(b.N) * float64(n)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/perDevice, "ns/device")
	b.ReportMetric(float64(m.bytes)/perDevice, "B/device")
	b.ReportMetric(float64(m.mallocs)/perDevice, "allocs/device")
	b.ReportMetric(float64(m.peak)/(1<<20), "peak-heap-MiB")
}

// servedBatch is a batch of devices uploaded to a new benchmarkEmulator and
// imported and refreshed once through a provider server, as Terraform calls
// it, for the benchmarks of a refresh and a plan.
type servedBatch struct {
	server       tfprotov6.ProviderServer
	resourceType tftypes.Type
	// config is the resource's configuration, naming the batch's devices.
	config tftypes.Value
	// prior is the refreshed state of the import.
	prior *tfprotov6.DynamicValue
	e     benchmarkEmulator
}

// newServedBatch uploads n devices and imports them through a provider
// server that gives the framework devices nested or as a plain map.
func newServedBatch(ctx context.Context, b *testing.B, n int, nested bool) servedBatch {
	b.Helper()
	devices, _, e := uploadedBenchmarkBatch(ctx, b, n)
	p := protocolServer(&partnerCenterProvider{version: "bench", env: mapEnvironment(nil), nestedDevices: nested})()
	schema, err := p.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	providerType := schema.Provider.ValueType()
	configured, err := p.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: dynamicValue(b, providerType, objectValue(providerType, map[string]tftypes.Value{
		"base_url": tftypes.NewValue(tftypes.String, e.url), "access_token": tftypes.NewValue(tftypes.String, e.token),
	}))})
	if err != nil || len(configured.Diagnostics) > 0 {
		b.Fatal(err, configured.Diagnostics)
	}
	resourceType := schema.ResourceSchemas[deviceBatchResourceType].ValueType()
	devicesValue, err := devicesMap(devices).ToTerraformValue(ctx)
	if err != nil {
		b.Fatal(err)
	}
	// The state an import leaves, refreshed once, as the prior state.
	imported := objectValue(resourceType, map[string]tftypes.Value{
		"id":                    tftypes.NewValue(tftypes.String, emulator.SeedCustomerID+"/Benchmark"),
		"customer_id":           tftypes.NewValue(tftypes.String, emulator.SeedCustomerID),
		"batch_id":              tftypes.NewValue(tftypes.String, "Benchmark"),
		"fail_on_device_errors": tftypes.NewValue(tftypes.Bool, true),
		"devices":               devicesValue,
	})
	read, err := p.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: deviceBatchResourceType, CurrentState: dynamicValue(b, resourceType, imported)})
	if err != nil || len(read.Diagnostics) > 0 {
		b.Fatal(err, read.Diagnostics)
	}
	return servedBatch{server: p, resourceType: resourceType, prior: read.NewState, e: e,
		config: objectValue(resourceType, map[string]tftypes.Value{
			"customer_id": tftypes.NewValue(tftypes.String, emulator.SeedCustomerID),
			"batch_id":    tftypes.NewValue(tftypes.String, "Benchmark"),
			"devices":     devicesValue,
		})}
}

// refresh is ReadResource of the batch's prior state.
func (s servedBatch) refresh(ctx context.Context, b *testing.B) *tfprotov6.DynamicValue {
	refreshed, err := s.server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: deviceBatchResourceType, CurrentState: s.prior})
	if err != nil || len(refreshed.Diagnostics) > 0 {
		b.Fatal(err, refreshed.Diagnostics)
	}
	return refreshed.NewState
}

// BenchmarkDeviceBatchRefresh measures a refresh of a batch through the
// provider server, as Terraform calls it: ReadResource (the batch list, the
// pages of devices, matched to the state by identification, and the state
// encoded for Terraform). It reports the ratio to fetching and decoding the
// same pages with net/http and encoding/json alone, timed in the same run
// (x-raw-pages).
func BenchmarkDeviceBatchRefresh(b *testing.B) {
	benchmarkServedBatch(b, "refresh", func(ctx context.Context, b *testing.B, s servedBatch) (got, want *tfprotov6.DynamicValue) {
		return s.refresh(ctx, b), s.prior
	})
}

// BenchmarkDeviceBatchPlan measures what a no-change terraform plan of a
// batch costs the provider, through the provider server as Terraform calls
// it: the refresh (ReadResource, as BenchmarkDeviceBatchRefresh) and the
// plan (PlanResourceChange, which finds the configuration's devices the same
// as the state's). It reports the ratio to fetching and decoding the same
// pages with net/http and encoding/json alone, timed in the same run
// (x-raw-pages), whose goal is at most 3.
func BenchmarkDeviceBatchPlan(b *testing.B) {
	benchmarkServedBatch(b, "plan", func(ctx context.Context, b *testing.B, s servedBatch) (got, want *tfprotov6.DynamicValue) {
		refreshed := s.refresh(ctx, b)
		planned, err := s.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
			TypeName: deviceBatchResourceType, PriorState: refreshed, ProposedNewState: refreshed,
			Config: dynamicValue(b, s.resourceType, s.config),
		})
		if err != nil || len(planned.Diagnostics) > 0 || len(planned.RequiresReplace) > 0 {
			b.Fatal(err, planned.Diagnostics)
		}
		return planned.PlannedState, refreshed
	})
}

// benchmarkServedBatch times call, what a Terraform call (named what) does
// to a batch served through the provider server, at each size and in each
// form of devices, measured (see measured) and set beside fetching the
// same pages raw. call returns the value it got and the one it must equal:
// the batch does not change.
func benchmarkServedBatch(b *testing.B, what string, call func(ctx context.Context, b *testing.B, s servedBatch) (got, want *tfprotov6.DynamicValue)) {
	forEachSize(b, func(b *testing.B, n int) {
		forEachFramework(b, func(b *testing.B, nested bool) {
			ctx := context.Background()
			s := newServedBatch(ctx, b, n, nested)
			var got, want *tfprotov6.DynamicValue
			timeAgainstRawPages(b, n, s.e, func() { got, want = call(ctx, b, s) }, func() {
				if err := sameValue(s.resourceType, got, want); err != nil {
					b.Fatal("the "+what+" changes the batch: ", err)
				}
			})
		})
	})
}

// sameValue says how two encoded values of typ differ, or returns nil. Their
// bytes may differ for the same value: maps are encoded in any order.
func sameValue(typ tftypes.Type, a, b *tfprotov6.DynamicValue) error {
	if a == nil || b == nil {
		return fmt.Errorf("a value is missing: %v, %v", a, b)
	}
	va, err := a.Unmarshal(typ)
	if err != nil {
		return err
	}
	vb, err := b.Unmarshal(typ)
	if err != nil {
		return err
	}
	if diffs, err := va.Diff(vb); err != nil || len(diffs) > 0 {
		return fmt.Errorf("%d differences: %v %w", len(diffs), diffs, err)
	}
	return nil
}
