package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	fwdatasource "github.com/hashicorp/terraform-plugin-framework/datasource"
	fwfunction "github.com/hashicorp/terraform-plugin-framework/function"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// Schema descriptions are written from the constants that rule them
// (descriptions.go); the hand-written docs cannot be, so this test checks
// that each states the numbers as the constants say, and that no other
// wording of them is left.

// repositoryFile reads a file of the repository with its runs of
// whitespace, line breaks included, as one space, so that wrapped text
// matches a phrase.
func repositoryFile(t *testing.T, name string) string {
	t.Helper()
	content, err := os.ReadFile(filepath.Join("..", "..", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(content)), " ")
}

// minutes writes d as a timeouts block takes it: "5m".
func minutes(d time.Duration) string {
	return fmt.Sprintf("%dm", int(d/time.Minute))
}

func TestDocsStateTheConstants(t *testing.T) {
	const (
		readme      = "README.md"
		changelog   = "CHANGELOG.md"
		design      = "DESIGN.md"
		index       = "templates/index.md.tmpl"
		reliability = "templates/guides/reliability.md.tmpl"
		autopilot   = "templates/guides/autopilot-upload.md.tmpl"
		status      = "templates/data-sources/device_batch_status.md.tmpl"
		batch       = "templates/resources/device_batch.md.tmpl"
		assignment  = "templates/resources/device_policy_assignment.md.tmpl"
		policy      = "templates/resources/configuration_policy.md.tmpl"
		pipeline    = "examples/pipeline/main.tf"
		emulatorDoc = "templates/guides/emulator.md.tmpl"
	)
	requestBackoff := fmt.Sprintf("from %s, doubling with jitter, at most %s between attempts",
		describeDuration(partnercenter.DefaultRetryDelay), describeDuration(partnercenter.DefaultMaxRetryDelay))
	facts := []struct {
		phrase string
		files  []string
	}{
		// What a request is retried on, in one wording.
		{retriedFailures, []string{readme, changelog, design, index, reliability, status}},
		// The request retry backoff.
		{requestBackoff, []string{changelog, reliability}},
		{fmt.Sprintf("A `Retry-After` longer than %s is waited out too", describeDuration(partnercenter.DefaultMaxRetryDelay)), []string{reliability}},
		// The poll backoff.
		{fmt.Sprintf("the first polls come %s apart, then the delay doubles up to %s", describeDuration(partnercenter.DefaultPollInitialDelay),
			describeDuration(partnercenter.DefaultPollMaxDelay)), []string{status}},
		{fmt.Sprintf("(at least %s), else %s apart, doubling with jitter to %s", describeDuration(partnercenter.DefaultPollMinRetryAfter),
			describeDuration(partnercenter.DefaultPollInitialDelay), describeDuration(partnercenter.DefaultPollMaxDelay)), []string{reliability}},
		{fmt.Sprintf("(at least %s)", describeDuration(partnercenter.DefaultPollMinRetryAfter)), []string{status}},
		{fmt.Sprintf("(%d s doubling to %d s with jitter", partnercenter.DefaultPollInitialDelay/time.Second, partnercenter.DefaultPollMaxDelay/time.Second), []string{changelog}},
		// max_retries and request_timeout.
		{fmt.Sprintf("0 to %d, default `%d`", maxMaxRetries, partnercenter.DefaultMaxRetries), []string{readme}},
		{fmt.Sprintf("| `%d` | how often a failed request is retried, 0 to %d |", partnercenter.DefaultMaxRetries, maxMaxRetries), []string{reliability}},
		{fmt.Sprintf("`max_retries` (default %d)", partnercenter.DefaultMaxRetries), []string{changelog}},
		{"default `" + defaultRequestTimeout + "`", []string{readme, changelog}},
		{"| `" + defaultRequestTimeout + "` | one attempt of a request", []string{reliability}},
		// The timeouts blocks' defaults.
		{"(default `" + minutes(defaultReadTimeout) + "`)", []string{status}},
		{"| `" + minutes(defaultReadTimeout) + "` | the whole read", []string{reliability}},
		{"(default " + describeDuration(defaultReadTimeout) + ")", []string{changelog}},
		{"the default is " + describeDuration(defaultReadTimeout), []string{pipeline}},
		{"| `" + minutes(defaultUploadTimeout) + "` | the upload or profile update", []string{reliability}},
		{"(" + describeDuration(defaultUploadTimeout) + " by default)", []string{autopilot}},
		{"(default " + describeDuration(defaultUploadTimeout) + ")", []string{batch, assignment}},
		{"(default " + describeDuration(defaultUploadTimeout) + " each)", []string{batch}},
		{"| `create`, `update`, `delete` | `" + minutes(defaultPolicyTimeout) + "` |", []string{policy}},
		{"| `read` | `" + minutes(defaultReadTimeout) + "` | the refresh", []string{policy}},
		// A profile's deletion, tried again while devices change.
		{fmt.Sprintf("the deletion is tried again, %s apart at first, doubling to %s,", describeDuration(partnercenter.DefaultPollInitialDelay),
			describeDuration(partnercenter.DefaultPollMaxDelay)), []string{policy}},
		{fmt.Sprintf("a refused deletion waits up to %s for such a change to begin", describeDuration(deviceChangeGrace)), []string{policy}},
		// Limits.
		{fmt.Sprintf("a body over %d MiB", partnercenter.MaxResponseBytes>>20), []string{reliability}},
		{fmt.Sprintf("over %d MiB", partnercenter.MaxResponseBytes>>20), []string{changelog}},
		{fmt.Sprintf("the first %d, then", maxListedFailedDevices), []string{status, changelog}},
		// A listing's bounds.
		{fmt.Sprintf("%s pages and %s items in all", withCommas(partnercenter.MaxListPages), withCommas(partnercenter.MaxListItems)), []string{reliability}},
		{fmt.Sprintf("a list is read up to %s pages and %s items", withCommas(partnercenter.MaxListPages), withCommas(partnercenter.MaxListItems)), []string{changelog}},
		// Uploads and policy updates in parts.
		{fmt.Sprintf("One request carries at most %d devices: more go in parts", partnercenter.MaxDevicesPerRequest), []string{batch}},
		{fmt.Sprintf("(%d devices a request at most, more in parts)", partnercenter.MaxDevicesPerRequest), []string{assignment}},
		{fmt.Sprintf("an upload of more than %d devices goes in parts", partnercenter.MaxDevicesPerRequest), []string{changelog}},
		// upload_part_size.
		{fmt.Sprintf("1 to %d, default `%[1]d`; a part Partner Center refuses as too large", partnercenter.MaxDevicesPerRequest), []string{readme}},
		{fmt.Sprintf("| `%d` | devices one upload or device policy update carries, 1 to %[1]d;", partnercenter.MaxDevicesPerRequest), []string{reliability}},
		{fmt.Sprintf("(`PARTNERCENTER_UPLOAD_PART_SIZE`, 1 to %d, default %[1]d)", partnercenter.MaxDevicesPerRequest), []string{changelog}},
		// A profile's deletion waits while devices have it.
		{"until `timeouts { delete }` runs out (default " + describeDuration(defaultPolicyTimeout) + ")", []string{autopilot}},
		// The emulator command's job timing, as its banner prints it.
		{fmt.Sprintf("Uploads and policy updates are queued for %s, then take %s a device.", emulator.DefaultJobQueuedFor, emulator.DefaultJobPerDevice),
			[]string{emulatorDoc}},
		{fmt.Sprintf("the emulator queues each for %s, then takes %s a device", emulator.DefaultJobQueuedFor, emulator.DefaultJobPerDevice),
			[]string{emulatorDoc}},
		{fmt.Sprintf("`-job-queued-for` (%s) and `-job-per-device` (%s)", emulator.DefaultJobQueuedFor, emulator.DefaultJobPerDevice),
			[]string{emulatorDoc}},
	}
	for _, fact := range facts {
		for _, file := range fact.files {
			if !strings.Contains(repositoryFile(t, file), fact.phrase) {
				t.Errorf("%s does not say %q, as the constants do", file, fact.phrase)
			}
		}
	}

	// Other wordings of the retried statuses.
	stale := regexp.MustCompile(`\b5xx\b|408, 429, 500, 502, 503, 504\b`)
	for _, file := range []string{readme, changelog, design, index, reliability, autopilot, status, batch, assignment, policy} {
		if m := stale.FindString(repositoryFile(t, file)); m != "" {
			t.Errorf("%s says %q: write %q", file, m, retriedFailures)
		}
	}
}

// TestDesignNamesExistingTests checks that every test, benchmark and fuzz
// target DESIGN.md names exists, so that its list of faults and tests does
// not rot.
func TestDesignNamesExistingTests(t *testing.T) {
	design := repositoryFile(t, "DESIGN.md")
	names := regexp.MustCompile("`((?:Test|Fuzz|Benchmark)[A-Za-z0-9_]+)`").FindAllStringSubmatch(design, -1)
	if len(names) < 20 {
		t.Fatalf("DESIGN.md names %d tests, want its list of faults and tests", len(names))
	}
	var sources strings.Builder
	err := filepath.WalkDir(filepath.Join("..", ".."), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return err
		}
		content, err := os.ReadFile(path) //nolint:gosec // the repository's own files
		sources.Write(content)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if !strings.Contains(sources.String(), "func "+name[1]+"(") {
			t.Errorf("DESIGN.md names %s, which no test file defines", name[1])
		}
	}
}

// withCommas writes n as the docs do, its thousands apart: 200,000.
func withCommas(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// TestReadmeListsWhatTheProviderServes checks that README's "What it does"
// names every resource, data source and function the provider serves, each
// under its kind, and nothing it does not serve, so that a new data source
// is not left out of the first page a user reads.
func TestReadmeListsWhatTheProviderServes(t *testing.T) {
	p := New("test")()
	served := map[string][]string{}
	for _, newResource := range p.Resources(t.Context()) {
		var resp fwresource.MetadataResponse
		newResource().Metadata(t.Context(), fwresource.MetadataRequest{ProviderTypeName: "partnercenter"}, &resp)
		served["resource"] = append(served["resource"], resp.TypeName)
	}
	for _, newDataSource := range p.DataSources(t.Context()) {
		var resp fwdatasource.MetadataResponse
		newDataSource().Metadata(t.Context(), fwdatasource.MetadataRequest{ProviderTypeName: "partnercenter"}, &resp)
		served["data source"] = append(served["data source"], resp.TypeName)
	}
	withFunctions, ok := p.(fwprovider.ProviderWithFunctions)
	if !ok {
		t.Fatal("the provider serves no functions")
	}
	for _, newFunction := range withFunctions.Functions(t.Context()) {
		var resp fwfunction.MetadataResponse
		newFunction().Metadata(t.Context(), fwfunction.MetadataRequest{}, &resp)
		served["function"] = append(served["function"], "provider::partnercenter::"+resp.Name)
	}

	_, section, found := strings.Cut(repositoryFile(t, "README.md"), "## What it does ")
	if !found {
		t.Fatal(`README.md has no "## What it does" section`)
	}
	section, _, _ = strings.Cut(section, " ## ")
	// Each row's first cell: its names in backquotes, then their kind,
	// "(resource)" or "(data sources)".
	row := regexp.MustCompile("\\| ((?:`[^`]+`(?:, )?)+) \\((resource|data source|function)s?\\) \\|")
	name := regexp.MustCompile("`([^`]+)`")
	listed := map[string][]string{}
	for _, cells := range row.FindAllStringSubmatch(section, -1) {
		for _, n := range name.FindAllStringSubmatch(cells[1], -1) {
			listed[cells[2]] = append(listed[cells[2]], n[1])
		}
	}
	for _, kind := range []string{"resource", "data source", "function"} {
		slices.Sort(served[kind])
		slices.Sort(listed[kind])
		if !slices.Equal(listed[kind], served[kind]) {
			t.Errorf("README.md's \"What it does\" lists the %ss %q, the provider serves %q", kind, listed[kind], served[kind])
		}
	}
	// A name outside a row's first cell, or under a kind it is not, is not
	// one the provider serves as such.
	everyServed := slices.Concat(served["resource"], served["data source"], served["function"])
	for _, mention := range regexp.MustCompile(`\bpartnercenter_[a-z_]+`).FindAllString(section, -1) {
		if !slices.Contains(everyServed, mention) {
			t.Errorf("README.md's \"What it does\" names %s, which the provider does not serve", mention)
		}
	}
}
