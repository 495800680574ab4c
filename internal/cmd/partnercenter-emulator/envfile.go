package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// settings is what a client needs to reach a running emulator.
type settings struct {
	baseURL string
	// caFile is the certificate authority's file, empty with -http.
	caFile string
	// accessToken is the app+user token -http hands out, empty otherwise.
	accessToken string
}

// accessTokenVariable is the provider's access token setting, which takes
// precedence over every other sign-in.
const accessTokenVariable = "PARTNERCENTER_ACCESS_TOKEN"

// powerShellExtension is the extension of an env file written for
// PowerShell; any other gets POSIX shell lines.
const powerShellExtension = ".ps1"

// utf8BOM starts a PowerShell env file: Windows PowerShell 5.1 reads a
// script without one in the ANSI code page, which garbles a path outside
// ASCII; PowerShell 7 reads it either way.
const utf8BOM = "\uFEFF"

// envVariable is one line of the env file: a variable set, or unset when
// unset is true.
type envVariable struct {
	name, value string
	unset       bool
}

// variables are the settings of s as the provider's environment variables.
// With a certificate authority, the app-only sign-in at the emulator's Entra
// ID, and the access token unset, which would take precedence over it: one
// left from an emulator in -http mode is refused once that emulator stops.
// With -http, the base URL and the access token, which wins over anything
// else the shell holds.
func (s settings) variables() []envVariable {
	if s.accessToken != "" {
		return []envVariable{
			{name: "PARTNERCENTER_BASE_URL", value: s.baseURL},
			{name: accessTokenVariable, value: s.accessToken},
		}
	}
	return []envVariable{
		{name: accessTokenVariable, unset: true},
		{name: "PARTNERCENTER_BASE_URL", value: s.baseURL},
		{name: "PARTNERCENTER_AUTHORITY_HOST", value: s.baseURL + "/"},
		{name: "PARTNERCENTER_TENANT_ID", value: emulator.DefaultTenantID},
		{name: "PARTNERCENTER_CLIENT_ID", value: emulator.DefaultClientID},
		{name: "PARTNERCENTER_CLIENT_SECRET", value: emulator.DefaultClientSecret},
		{name: "SSL_CERT_FILE", value: s.caFile},
	}
}

// forPowerShell tells whether the env file at path is PowerShell's, by its
// extension, in any case.
func forPowerShell(path string) bool {
	return strings.EqualFold(filepath.Ext(path), powerShellExtension)
}

// envFileContent is what the env file at path holds for s: PowerShell
// assignments for a .ps1 file, POSIX shell exports otherwise.
func envFileContent(path string, s settings) string {
	var b strings.Builder
	powerShell := forPowerShell(path)
	if powerShell {
		b.WriteString(utf8BOM)
	}
	for _, v := range s.variables() {
		switch {
		case powerShell && v.unset:
			// Assigning $null removes the variable, with no error when
			// it is not set (Remove-Item would need -ErrorAction).
			fmt.Fprintf(&b, "$env:%s = $null\n", v.name)
		case powerShell:
			fmt.Fprintf(&b, "$env:%s = %s\n", v.name, powerShellQuote(v.value))
		case v.unset:
			fmt.Fprintf(&b, "unset %s\n", v.name)
		default:
			fmt.Fprintf(&b, "export %s=%s\n", v.name, shellQuote(v.value))
		}
	}
	return b.String()
}

// writeEnvFile writes the lines pointing the provider at the emulator, in
// the shell path's extension chooses. It writes a temporary file and
// renames it, so that a script polling for path never reads half of it.
func writeEnvFile(path string, s settings) error {
	// Created beside path, as rename only replaces atomically within a
	// file system; CreateTemp's mode 0600 suits a file holding a secret.
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("writing the env file: %w", err)
	}
	_, err = f.WriteString(envFileContent(path, s))
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("writing the env file: %w", err)
	}
	return nil
}

// sourceCommand is the command that reads the env file at path into the
// shell it was written for: the dot, in POSIX shells and PowerShell alike.
func sourceCommand(path string) string {
	if forPowerShell(path) {
		return ". " + powerShellQuote(path)
	}
	return ". " + shellQuote(path)
}

// shellQuote returns s as one shell word: unchanged when it holds no
// character special to the shell, single-quoted otherwise.
func shellQuote(s string) string {
	safe := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && !strings.ContainsRune("_-+.,/:@%=", r)
	}) < 0
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// powerShellSingleQuotes are the characters PowerShell ends a single-quoted
// string at: the apostrophe and the typographic single quotes, which it
// takes for the same.
const powerShellSingleQuotes = "'\u2018\u2019\u201A\u201B"

// powerShellQuote returns s as a PowerShell single-quoted string, in which
// nothing is special ($, backticks and double quotes stay as they are) but
// a single quote, written twice.
func powerShellQuote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		if strings.ContainsRune(powerShellSingleQuotes, r) {
			b.WriteRune(r)
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
	return b.String()
}
