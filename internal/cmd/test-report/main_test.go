package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goTestJSON is what go test -json prints for a package of two tests, one
// with a subtest, and the acceptance package.
const goTestJSON = `{"Time":"2026-12-07T10:00:00Z","Action":"start","Package":"example.com/m/internal/partnercenter"}
{"Time":"2026-12-07T10:00:00.1Z","Action":"run","Package":"example.com/m/internal/partnercenter","Test":"TestQuick"}
{"Time":"2026-12-07T10:00:00.1Z","Action":"output","Package":"example.com/m/internal/partnercenter","Test":"TestQuick","Output":"=== RUN   TestQuick\n"}
{"Time":"2026-12-07T10:00:00.2Z","Action":"output","Package":"example.com/m/internal/partnercenter","Test":"TestQuick","Output":"--- PASS: TestQuick (0.10s)\n"}
{"Time":"2026-12-07T10:00:00.2Z","Action":"pass","Package":"example.com/m/internal/partnercenter","Test":"TestQuick","Elapsed":0.1}
{"Time":"2026-12-07T10:00:01Z","Action":"pass","Package":"example.com/m/internal/partnercenter","Elapsed":1}
{"Time":"2026-12-07T10:00:01Z","Action":"pass","Package":"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/provider","Test":"TestAccSlow","Elapsed":95.5}
{"Time":"2026-12-07T10:00:01Z","Action":"pass","Package":"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/provider","Test":"TestAccSlow/defaults","Elapsed":40.25}
{"Time":"2026-12-07T10:00:01Z","Action":"fail","Package":"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/provider","Test":"TestAccFailed","Elapsed":3}
{"Time":"2026-12-07T10:02:05Z","Action":"output","Package":"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/provider","Output":"FAIL\n"}
{"Time":"2026-12-07T10:02:05Z","Action":"fail","Package":"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/provider","Elapsed":124.4}
`

func TestRecordPrintsTheOutputAndKeepsTheEvents(t *testing.T) {
	path := filepath.Join(t.TempDir(), "times", "terraform-v1.8.5.json")
	var printed strings.Builder
	in := goTestJSON + "go: downloading example.com/x v1.0.0\n"
	if err := recordRun(strings.NewReader(in), &printed, path); err != nil {
		t.Fatal(err)
	}
	want := "=== RUN   TestQuick\n--- PASS: TestQuick (0.10s)\nFAIL\ngo: downloading example.com/x v1.0.0\n"
	if printed.String() != want {
		t.Errorf("printed %q, want %q", printed.String(), want)
	}
	saved, err := os.ReadFile(path)
	if err != nil || string(saved) != in {
		t.Errorf("saved %q (%v), want the input as it came", saved, err)
	}
}

func TestReportListsTheSlowestAndEachRun(t *testing.T) {
	dir := t.TempDir()
	terraform := filepath.Join(dir, "terraform-v1.8.5.json")
	tofu := filepath.Join(dir, "opentofu-v1.12.6.json")
	if err := os.WriteFile(terraform, []byte(goTestJSON), 0o600); err != nil {
		t.Fatal(err)
	}
	faster := strings.ReplaceAll(strings.ReplaceAll(goTestJSON, `"Elapsed":95.5`, `"Elapsed":50`), "10:02:05", "10:01:00")
	if err := os.WriteFile(tofu, []byte(faster), 0o600); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := report(&out, 3, []string{terraform, tofu}); err != nil {
		t.Fatal(err)
	}
	want := `The 3 slowest tests:
     95.5s  TestAccSlow  internal/provider (terraform-v1.8.5)
     50.0s  TestAccSlow  internal/provider (opentofu-v1.12.6)
     40.2s  TestAccSlow/defaults  internal/provider (terraform-v1.8.5)
Each run (wall time, of which the acceptance tests' package):
  terraform-v1.8.5          2m05s     2m04s
  opentofu-v1.12.6          1m00s     2m04s
`
	if out.String() != want {
		t.Errorf("report:\n%s\nwant:\n%s", out.String(), want)
	}
	if err := report(&out, 3, nil); err == nil || err.Error() != "no recorded runs to report on" {
		t.Errorf("report of no runs: %v", err)
	}
}
