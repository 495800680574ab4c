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
	caFile  string
}

// writeEnvFile writes shell exports pointing the provider at the emulator.
// It writes a temporary file and renames it, so that a script polling for
// path never reads half of it.
func writeEnvFile(path string, s settings) error {
	var b strings.Builder
	for _, v := range [][2]string{
		{"PARTNERCENTER_BASE_URL", s.baseURL},
		{"PARTNERCENTER_AUTHORITY_HOST", s.baseURL + "/"},
		{"PARTNERCENTER_TENANT_ID", emulator.DefaultTenantID},
		{"PARTNERCENTER_CLIENT_ID", emulator.DefaultClientID},
		{"PARTNERCENTER_CLIENT_SECRET", emulator.DefaultClientSecret},
		{"SSL_CERT_FILE", s.caFile},
	} {
		fmt.Fprintf(&b, "export %s=%s\n", v[0], shellQuote(v[1]))
	}

	// Created beside path, as rename only replaces atomically within a
	// file system; CreateTemp's mode 0600 suits a file holding a secret.
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("writing the env file: %w", err)
	}
	_, err = f.WriteString(b.String())
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
