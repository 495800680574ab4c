package main

import (
	"slices"
	"testing"
)

func TestParseStatCountsFieldsFromTheLastParenthesis(t *testing.T) {
	line := "4242 (terraform-provi) S 4200 4242 4200 0 -1 4194560 2500 0 0 0 137 25 0 0 20 0 12 0 9000 1000000 3000 18446744073709551615\n"
	got, ok := parseStat(line)
	if want := (stat{comm: providerComm, ppid: 4200, ticks: 162}); !ok || got != want {
		t.Errorf("parseStat = %+v, %v; want %+v, true", got, ok, want)
	}
	got, ok = parseStat("7 (a) b (c)) R 1 7 7 0 -1 0 0 0 0 0 3 4 0 0")
	if want := (stat{comm: "a) b (c)", ppid: 1, ticks: 7}); !ok || got != want {
		t.Errorf("parseStat of a comm with parentheses = %+v, %v; want %+v, true", got, ok, want)
	}
	if _, ok := parseStat("7 (short) R 1"); ok {
		t.Error("parseStat accepted a line without utime and stime")
	}
}

func TestParseEnvFileUnquotesTheEmulatorsExports(t *testing.T) {
	got := parseEnvFile("export PARTNERCENTER_BASE_URL=http://127.0.0.1:41234\nexport PARTNERCENTER_ACCESS_TOKEN='it'\\''s a token'\n")
	want := []string{"PARTNERCENTER_BASE_URL=http://127.0.0.1:41234", "PARTNERCENTER_ACCESS_TOKEN=it's a token"}
	if !slices.Equal(got, want) {
		t.Errorf("parseEnvFile = %q, want %q", got, want)
	}
}
