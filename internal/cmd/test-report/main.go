// Command test-report records `go test -json` runs and reports where their
// time went, so that the suite's cost is seen at the end of every make test
// rather than discovered when CI runs out of time.
//
// Usage:
//
//	go test -json ./... | test-report -record bin/test-times/terraform-v1.8.5.json
//	test-report -top 10 [-started UNIX-SECONDS] bin/test-times/*.json
//
// With -record it copies its standard input, go test's JSON events, to the
// file and prints each event's output, which is what go test -v prints, so
// that the log reads as usual. Otherwise it reads the files it is given, one
// a run (their names, less .json, label the runs), and prints the slowest
// tests of all of them, each run's wall time and the time of its acceptance
// tests' package, and with -started the time since the whole run began.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

const (
	// modulePrefix is left out of package names in the report.
	modulePrefix = "github.com/seed-8b9b5c63/terraform-provider-partnercenter/"
	// acceptancePackage is the package of the acceptance tests, whose time
	// the report gives for each run: the one that runs the Terraform CLI.
	acceptancePackage = modulePrefix + "internal/provider"
)

func main() {
	record := flag.String("record", "", "copy go test's JSON events from standard input to this `file`, printing their output")
	top := flag.Int("top", 10, "how many of the slowest tests to list")
	started := flag.Int64("started", 0, "when the whole run began, in Unix `seconds`, to report its time too")
	flag.Parse()
	var err error
	if *record != "" {
		err = recordRun(os.Stdin, os.Stdout, *record)
	} else {
		err = report(os.Stdout, *top, flag.Args())
		if err == nil && *started > 0 {
			fmt.Printf("All of it: %s\n", minutes(time.Since(time.Unix(*started, 0))))
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "test-report:", err)
		os.Exit(1)
	}
}

// event is the part of a go test -json event (go doc test2json) the report
// reads.
type event struct {
	Time    time.Time
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  *string
}

// recordRun copies in to the file named path and writes the output of each
// event to out; a line that is not an event is written as it is.
func recordRun(in io.Reader, out io.Writer, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	defer file.Close()
	saved := bufio.NewWriter(file)
	lines := bufio.NewReader(in)
	for {
		line, readErr := lines.ReadBytes('\n')
		if len(line) > 0 {
			if _, err := saved.Write(line); err != nil {
				return err
			}
			// Printed unbuffered: the log is read as the tests run.
			text := string(line)
			var e event
			if json.Unmarshal(line, &e) == nil && e.Action != "" {
				text = ""
				if e.Output != nil {
					text = *e.Output
				}
			}
			if _, err := io.WriteString(out, text); err != nil {
				return err
			}
		}
		if errors.Is(readErr, io.EOF) {
			break
		}
		if readErr != nil {
			return readErr
		}
	}
	if err := saved.Flush(); err != nil {
		return err
	}
	return file.Close()
}

// run is what one recorded file says of its go test run.
type run struct {
	label      string
	wall       time.Duration
	acceptance time.Duration
	tests      []testTime
}

// testTime is a test's (or subtest's) elapsed time in one run.
type testTime struct {
	run, pkg, name string
	elapsed        time.Duration
}

// readRun reads the events of the file at path.
func readRun(path string) (run, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return run{}, err
	}
	r := run{label: strings.TrimSuffix(filepath.Base(path), ".json")}
	var first, last time.Time
	for line := range bytes.Lines(data) {
		var e event
		if json.Unmarshal(line, &e) != nil || e.Action == "" {
			continue
		}
		if !e.Time.IsZero() {
			if first.IsZero() {
				first = e.Time
			}
			last = e.Time
		}
		if e.Action != "pass" && e.Action != "fail" {
			continue
		}
		elapsed := time.Duration(e.Elapsed * float64(time.Second))
		switch {
		case e.Test != "":
			r.tests = append(r.tests, testTime{run: r.label, pkg: e.Package, name: e.Test, elapsed: elapsed})
		case e.Package == acceptancePackage:
			r.acceptance = elapsed
		}
	}
	r.wall = last.Sub(first)
	return r, nil
}

// report prints the top slowest tests of the runs recorded in paths, then
// each run's wall time and acceptance package time.
func report(out io.Writer, top int, paths []string) error {
	if len(paths) == 0 {
		return errors.New("no recorded runs to report on")
	}
	var runs []run
	var tests []testTime
	for _, path := range paths {
		r, err := readRun(path)
		if err != nil {
			return err
		}
		runs = append(runs, r)
		tests = append(tests, r.tests...)
	}
	slices.SortStableFunc(tests, func(a, b testTime) int { return cmp.Compare(b.elapsed, a.elapsed) })
	tests = tests[:min(top, len(tests))]
	fmt.Fprintf(out, "The %d slowest tests:\n", len(tests))
	for _, t := range tests {
		fmt.Fprintf(out, "  %8s  %s  %s (%s)\n", seconds(t.elapsed), t.name, strings.TrimPrefix(t.pkg, modulePrefix), t.run)
	}
	fmt.Fprintln(out, "Each run (wall time, of which the acceptance tests' package):")
	for _, r := range runs {
		fmt.Fprintf(out, "  %-22s %8s  %8s\n", r.label, minutes(r.wall), minutes(r.acceptance))
	}
	return nil
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.1fs", d.Seconds()) }

func minutes(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}
