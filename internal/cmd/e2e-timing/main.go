// Command e2e-timing times the device batch end to end through the Terraform
// CLI: a terraform plan with no changes, and a terraform apply adding one
// device, at each batch size, with the wall time, Terraform's CPU and the
// provider's CPU apart, so that partners know what a big batch costs and
// where the time goes.
//
// Usage:
//
//	e2e-timing [-terraform bin/terraform] [-provider bin/terraform-provider-partnercenter] [-emulator bin/partnercenter-emulator] [-devices 1000,5000,10000]
//
// For each size N, it starts the standalone emulator in -http mode, with
// uploads that take no time, writes a configuration of one
// partnercenter_device_batch of N devices, creates it with terraform apply,
// then times terraform plan -detailed-exitcode (which must find no changes)
// and terraform apply with N+1 devices. It prints a markdown table. make
// bench-e2e runs it.
//
// Linux only: the provider's CPU is read from /proc/PID/stat of each
// terraform-provider-partnercenter process Terraform starts, polled every
// pollEvery until it exits, so that up to one interval of each process's
// last CPU counts as Terraform's. Terraform's CPU is what wait4 reports for
// the terraform process, which includes the providers it waited for, less
// the providers'.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// pollEvery is how often the provider processes' CPU is read.
const pollEvery = 10 * time.Millisecond

// outputTail is how much of a failed command's output is shown, in bytes.
const outputTail = 4000

// clockTicks is the unit of utime and stime in /proc/PID/stat: USER_HZ,
// 100 on every Linux architecture Go supports.
const clockTicks = 100

// providerComm is the provider's command name as /proc/PID/stat gives it:
// the kernel keeps the first 15 bytes.
const providerComm = "terraform-provi"

// options are the command-line flags.
type options struct {
	terraform, provider, emulator string
	devices                       []int
}

func main() {
	var o options
	var devices string
	flag.StringVar(&o.terraform, "terraform", "bin/terraform", "the Terraform `binary`")
	flag.StringVar(&o.provider, "provider", "bin/terraform-provider-partnercenter", "the partnercenter provider `binary`")
	flag.StringVar(&o.emulator, "emulator", "bin/partnercenter-emulator", "the standalone emulator `binary`")
	flag.StringVar(&devices, "devices", "1000,5000,10000", "comma-separated batch `sizes`")
	flag.Parse()
	var err error
	if o.devices, err = parseSizes(devices); err == nil {
		err = run(context.Background(), o, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e-timing:", err)
		os.Exit(1)
	}
}

// parseSizes reads the comma-separated batch sizes, each at least 1.
func parseSizes(s string) ([]int, error) {
	var sizes []int
	for field := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-devices: %q is not a positive number", field)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

func run(ctx context.Context, o options, out io.Writer) error {
	work, err := os.MkdirTemp("", "e2e-timing")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	provider, err := filepath.Abs(o.provider)
	if err != nil {
		return err
	}
	cliConfig := filepath.Join(work, "cli.tfrc")
	overrides := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		"registry.terraform.io/seed-8b9b5c63/partnercenter", filepath.Dir(provider))
	if err := os.WriteFile(cliConfig, []byte(overrides), 0o600); err != nil {
		return err
	}

	fmt.Fprintln(out, "| devices | step | wall | Terraform CPU | provider CPU |")
	fmt.Fprintln(out, "|---:|---|---:|---:|---:|")
	for _, n := range o.devices {
		if err := measure(ctx, o, n, filepath.Join(work, strconv.Itoa(n)), cliConfig, out); err != nil {
			return err
		}
	}
	return nil
}

// measure prints the rows of n devices, measured in dir against an
// emulator of their own: the sizes share serial numbers, and Partner
// Center refuses a device another customer holds (808).
func measure(ctx context.Context, o options, n int, dir, cliConfig string, out io.Writer) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	env, stop, err := startEmulator(ctx, o.emulator, dir)
	if err != nil {
		return err
	}
	defer stop()
	env = append(env, "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	steps := []struct {
		name    string
		devices int
		args    []string
	}{
		{"apply (create)", n, []string{"apply", "-auto-approve"}},
		{"plan, no changes", n, []string{"plan", "-detailed-exitcode"}},
		{"apply, one device added", n + 1, []string{"apply", "-auto-approve"}},
	}
	for _, step := range steps {
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(configuration(n, step.devices)), 0o600); err != nil {
			return err
		}
		t, err := timeTerraform(ctx, o.terraform, dir, env, step.args)
		if err != nil {
			return fmt.Errorf("%d devices, %s: %w", n, step.name, err)
		}
		fmt.Fprintf(out, "| %d | %s | %s | %s | %s |\n", n, step.name, seconds(t.wall), seconds(t.terraformCPU), seconds(t.providerCPU))
	}
	return nil
}

// startEmulator starts the emulator over plain http on loopback with
// uploads that finish at once, and returns the provider's environment the
// env file gives, and how to stop it.
func startEmulator(ctx context.Context, binary, work string) (env []string, stop func(), err error) {
	envFile := filepath.Join(work, "emulator.env")
	cmd := exec.CommandContext(ctx, binary, "-http", "-addr", "127.0.0.1:0", "-env-file", envFile, //nolint:gosec // the binary the user names
		"-state-dir", filepath.Join(work, "state"), "-job-queued-for", "0", "-job-per-device", "0", "-poll-retry-after", "0")
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	stop = func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		content, err := os.ReadFile(envFile)
		if err == nil {
			return append(os.Environ(), parseEnvFile(string(content))...), stop, nil
		}
	}
	stop()
	return nil, nil, errors.New("the emulator wrote no env file within 30s")
}

// parseEnvFile turns the emulator's shell lines `export NAME=VALUE`, the
// value quoted in single quotes when needed, into NAME=VALUE pairs.
func parseEnvFile(content string) []string {
	var env []string
	for line := range strings.SplitSeq(content, "\n") {
		assignment, ok := strings.CutPrefix(line, "export ")
		if !ok {
			continue
		}
		name, value, _ := strings.Cut(assignment, "=")
		if len(value) >= 2 && value[0] == '\'' && value[len(value)-1] == '\'' {
			value = strings.ReplaceAll(value[1:len(value)-1], `'\''`, "'")
		}
		env = append(env, name+"="+value)
	}
	return env
}

// configuration is one device batch of devices devices, named after size,
// the batch's size when created, so that adding a device keeps its name.
// Terraform's range() gives at most 1,024 numbers, so the device numbers
// are thousands of ranges of 1,000.
func configuration(size, devices int) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    partnercenter = { source = "seed-8b9b5c63/partnercenter" }
  }
}

locals {
  devices = %d
  numbers = [for n in flatten([for k in range(ceil(local.devices / 1000)) : [for j in range(1000) : k * 1000 + j]]) : n if n < local.devices]
}

resource "partnercenter_device_batch" "batch" {
  customer_id = %q
  batch_id    = "e2e-timing %d"
  devices = { for n in local.numbers : format("SN-%%06d", n) => {
    hardware_hash = base64encode("hardware hash of ${format("SN-%%06d", n)}")
    serial_number = format("SN-%%06d", n)
  } }
}
`, devices, emulator.SeedCustomerID, size)
}

// timing is one Terraform command's cost.
type timing struct {
	wall, terraformCPU, providerCPU time.Duration
}

// timeTerraform runs terraform with args in dir and measures it. A plan
// with -detailed-exitcode must exit 0: no changes.
func timeTerraform(ctx context.Context, terraform, dir string, env, args []string) (timing, error) {
	args = append([]string{"-chdir=" + dir}, append(args, "-input=false", "-no-color")...)
	cmd := exec.CommandContext(ctx, terraform, args...) //nolint:gosec // the binary the user names
	cmd.Env = env
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return timing{}, err
	}
	providers := newProviderWatch(cmd.Process.Pid)
	err := cmd.Wait()
	wall := time.Since(start)
	providerCPU := providers.stop()
	if err != nil {
		// The end of the output holds the error; the plan before it
		// lists every device.
		tail := output.Bytes()[max(output.Len()-outputTail, 0):]
		return timing{}, fmt.Errorf("%w\n...%s", err, tail)
	}
	total := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return timing{wall: wall, terraformCPU: total - providerCPU, providerCPU: providerCPU}, nil
}

// providerWatch polls the CPU of the provider processes of one terraform
// process, as Terraform starts one for each phase of a command.
type providerWatch struct {
	parent int
	done   chan struct{}
	wg     sync.WaitGroup
	// ticks is the last utime+stime seen of each provider, by PID.
	ticks map[int]int64
}

func newProviderWatch(parent int) *providerWatch {
	w := &providerWatch{parent: parent, done: make(chan struct{}), ticks: map[int]int64{}}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		ticker := time.NewTicker(pollEvery)
		defer ticker.Stop()
		for {
			w.poll()
			select {
			case <-w.done:
				return
			case <-ticker.C:
			}
		}
	}()
	return w
}

// poll reads every process's stat and keeps the CPU of the parent's
// provider children.
func (w *providerWatch) poll() {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		content, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		if s, ok := parseStat(string(content)); ok && s.ppid == w.parent && s.comm == providerComm {
			w.ticks[pid] = s.ticks
		}
	}
}

// stop ends the polling and returns the providers' CPU.
func (w *providerWatch) stop() time.Duration {
	close(w.done)
	w.wg.Wait()
	var sum int64
	for _, t := range w.ticks {
		sum += t
	}
	return time.Duration(sum) * time.Second / clockTicks
}

// stat is what e2e-timing reads of /proc/PID/stat.
type stat struct {
	comm string
	ppid int
	// ticks is utime+stime, in clockTicks a second.
	ticks int64
}

// parseStat reads a /proc/PID/stat line: "pid (comm) state ppid ...", utime
// and stime the 14th and 15th fields. comm may hold spaces and parentheses,
// so the fields after it are counted from its last ')'.
func parseStat(line string) (stat, bool) {
	open, end := strings.IndexByte(line, '('), strings.LastIndexByte(line, ')')
	if open < 0 || end < open {
		return stat{}, false
	}
	fields := strings.Fields(line[end+1:])
	// fields[0] is the state, the 3rd field; utime is the 14th.
	if len(fields) < 13 {
		return stat{}, false
	}
	ppid, err1 := strconv.Atoi(fields[1])
	utime, err2 := strconv.ParseInt(fields[11], 10, 64)
	stime, err3 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return stat{}, false
	}
	return stat{comm: line[open+1 : end], ppid: ppid, ticks: utime + stime}, true
}

// seconds prints d in seconds, to a hundredth.
func seconds(d time.Duration) string {
	return fmt.Sprintf("%.2f s", d.Seconds())
}
