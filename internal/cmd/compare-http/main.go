// Command compare-http times the provider against the generic http data
// source reading the same answers, as a Terraform user's alternative to the
// provider is data "http" with jsondecode and a token made by hand.
//
// Usage:
//
//	compare-http -terraform bin/terraform -provider bin/terraform-provider-partnercenter -http bin/terraform-provider-http [-reads 50] [-devices 20] [-runs 5]
//
// It serves -reads batches of -devices devices each from an emulator in this
// process, over http on loopback, writes two configurations that read all of
// them in one terraform apply (one with partnercenter_device_batch_status,
// one with data "http" and jsondecode), applies them in turn -runs times
// each, alternating, and prints the median wall time of each and their
// ratio. make bench runs it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// options are the command-line flags.
type options struct {
	terraform, provider, http string
	reads, devices, runs      int
}

func main() {
	var o options
	flag.StringVar(&o.terraform, "terraform", "bin/terraform", "the Terraform `binary` to apply with")
	flag.StringVar(&o.provider, "provider", "bin/terraform-provider-partnercenter", "the partnercenter provider `binary`")
	flag.StringVar(&o.http, "http", "bin/terraform-provider-http", "the http provider `binary`")
	flag.IntVar(&o.reads, "reads", 50, "`number` of batches each apply reads")
	flag.IntVar(&o.devices, "devices", 20, "`number` of devices of each batch")
	flag.IntVar(&o.runs, "runs", 5, "`number` of applies of each configuration")
	flag.Parse()
	if err := run(context.Background(), o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "compare-http:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options, out io.Writer) error {
	if o.reads < 1 || o.devices < 0 || o.runs < 1 {
		return errors.New("-reads and -runs must be positive, -devices not negative")
	}
	em := emulator.New()
	trackingIDs, err := putBatches(em, o.reads, o.devices)
	if err != nil {
		return err
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	server := &http.Server{Handler: em, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = server.Serve(listener) }()
	defer server.Close()
	baseURL := "http://" + listener.Addr().String()
	token := em.NewAccessToken(emulator.DefaultTenantID, time.Hour)

	work, err := os.MkdirTemp("", "compare-http")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	cliConfig, err := writeCLIConfig(work, o)
	if err != nil {
		return err
	}
	configs := map[string]string{
		"partnercenter": providerConfig(baseURL, token, trackingIDs),
		"http":          httpConfig(baseURL, token, trackingIDs),
	}
	times, cpu := map[string][]time.Duration{}, map[string][]time.Duration{}
	for run := range o.runs {
		for _, name := range []string{"partnercenter", "http"} {
			dir := filepath.Join(work, fmt.Sprintf("%s-%d", name, run))
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(configs[name]), 0o600); err != nil {
				return err
			}
			elapsed, used, err := apply(ctx, o.terraform, dir, cliConfig)
			if err != nil {
				return fmt.Errorf("%s apply: %w", name, err)
			}
			times[name] = append(times[name], elapsed)
			cpu[name] = append(cpu[name], used)
		}
	}
	provider, generic := median(times["partnercenter"]), median(times["http"])
	fmt.Fprintf(out, "%d reads of %d devices each in one terraform apply, median of %d alternating runs:\n", o.reads, o.devices, o.runs)
	fmt.Fprintf(out, "                                      wall time   CPU time (Terraform and providers)\n")
	fmt.Fprintf(out, "  partnercenter_device_batch_status   %-11s %s\n", provider.Round(time.Millisecond), median(cpu["partnercenter"]).Round(time.Millisecond))
	fmt.Fprintf(out, "  data \"http\" with jsondecode         %-11s %s\n", generic.Round(time.Millisecond), median(cpu["http"]).Round(time.Millisecond))
	fmt.Fprintf(out, "  ratio                               %.2f\n", float64(provider)/float64(generic))
	return nil
}

// putBatches stores n finished batches of devices devices each, one in ten
// failed, and returns their tracking IDs.
func putBatches(em *emulator.Emulator, n, devices int) ([]string, error) {
	ids := make([]string, n)
	for i := range n {
		ids[i] = fmt.Sprintf("%08x-0000-4000-8000-%012x", i+1, i+1)
		var b strings.Builder
		fmt.Fprintf(&b, `{"batchTrackingId":%q,"status":"finished","startedTime":"2026-11-30T10:00:00","completedTime":"2026-11-30T10:10:00","devicesStatus":[`, ids[i])
		for d := range devices {
			if d > 0 {
				b.WriteByte(',')
			}
			status, code := "finished", ""
			if d%10 == 0 {
				status, code = "finished_with_errors", `,"errorCode":"808","errorDescription":"ZtdDeviceAssignedToOtherTenant"`
			}
			fmt.Fprintf(&b, `{"deviceId":"device-%d-%d","serialNumber":"SN%06d","productKey":"12345-67890-09876-54321-%05d","status":%q%s}`, i, d, d, d, status, code)
		}
		b.WriteString(`],"attributes":{"objectType":"BatchUploadDetails"}}`)
		if err := em.PutBatch(emulator.SeedCustomerID, []byte(b.String())); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// writeCLIConfig points Terraform at both providers' binaries.
func writeCLIConfig(work string, o options) (string, error) {
	dirs := map[string]string{}
	for name, binary := range map[string]string{"partnercenter": o.provider, "http": o.http} {
		abs, err := filepath.Abs(binary)
		if err != nil {
			return "", err
		}
		if _, err := os.Stat(abs); err != nil {
			return "", err
		}
		dirs[name] = filepath.Dir(abs)
	}
	config := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/seed-8b9b5c63/partnercenter" = %q
    "registry.terraform.io/hashicorp/http" = %q
  }
  direct {}
}
`, dirs["partnercenter"], dirs["http"])
	path := filepath.Join(work, "cli.tfrc")
	return path, os.WriteFile(path, []byte(config), 0o600)
}

// providerConfig reads every batch with the provider and sums their failed
// devices.
func providerConfig(baseURL, token string, ids []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "terraform {\n  required_providers {\n    partnercenter = { source = \"seed-8b9b5c63/partnercenter\" }\n  }\n}\n\n")
	fmt.Fprintf(&b, "provider \"partnercenter\" {\n  base_url     = %q\n  access_token = %q\n}\n\n", baseURL, token)
	for i, id := range ids {
		fmt.Fprintf(&b, "data \"partnercenter_device_batch_status\" \"b%d\" {\n  customer_id       = %q\n  batch_tracking_id = %q\n}\n\n", i, emulator.SeedCustomerID, id)
	}
	b.WriteString("output \"failed\" {\n  value = sum([")
	for i := range ids {
		fmt.Fprintf(&b, "data.partnercenter_device_batch_status.b%d.failed_device_count, ", i)
	}
	b.WriteString("])\n}\n")
	return b.String()
}

// httpConfig reads every batch with data "http", decodes it and sums its
// failed devices, as a user would without the provider.
func httpConfig(baseURL, token string, ids []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "terraform {\n  required_providers {\n    http = { source = \"hashicorp/http\" }\n  }\n}\n\n")
	for i, id := range ids {
		fmt.Fprintf(&b, "data \"http\" \"b%d\" {\n  url = \"%s/v1/customers/%s/batchJobStatus/%s\"\n  request_headers = {\n    Accept        = \"application/json\"\n    Authorization = \"Bearer %s\"\n  }\n}\n\n",
			i, baseURL, emulator.SeedCustomerID, id, token)
	}
	b.WriteString("locals {\n  batches = [")
	for i := range ids {
		fmt.Fprintf(&b, "jsondecode(data.http.b%d.body), ", i)
	}
	b.WriteString("]\n}\n\noutput \"failed\" {\n  value = sum([for batch in local.batches : length([for device in batch.devicesStatus : device if device.status == \"finished_with_errors\"])])\n}\n")
	return b.String()
}

// apply times terraform apply in dir, and the CPU time it took, that of the
// provider processes Terraform started and waited for included.
func apply(ctx context.Context, terraform, dir, cliConfig string) (elapsed, cpu time.Duration, err error) {
	cmd := exec.CommandContext(ctx, terraform, "-chdir="+dir, "apply", "-auto-approve", "-input=false", "-no-color") //nolint:gosec // the binary the user names
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	elapsed = time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("%w\n%s", err, out)
	}
	return elapsed, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}

// median is the middle of times.
func median(times []time.Duration) time.Duration {
	sorted := slices.Clone(times)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}
