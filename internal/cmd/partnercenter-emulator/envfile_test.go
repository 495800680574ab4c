package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// The env file quotes every value as its shell reads it: PowerShell's
// single-quoted strings, in which only a single quote (the apostrophe or a
// typographic one) is special and is written twice, and POSIX shells'.
func TestEnvFileQuotesEveryValueForItsShell(t *testing.T) {
	t.Parallel()
	const caFile = `C:\Users\Zoë O'Brien\it’s "$HOME" ` + "`n" + `\ca.pem`
	tls := settings{baseURL: "https://127.0.0.1:8443", caFile: caFile}
	plain := settings{baseURL: "http://127.0.0.1:8443", accessToken: `a'b$c"d` + "`e f‘g’h‚i‛j"}
	tests := []struct {
		name string
		path string
		s    settings
		want string
	}{
		{"PowerShell with TLS", `C:\try dir\emulator.ps1`, tls, "\uFEFF" + `$env:PARTNERCENTER_ACCESS_TOKEN = $null
$env:PARTNERCENTER_BASE_URL = 'https://127.0.0.1:8443'
$env:PARTNERCENTER_AUTHORITY_HOST = 'https://127.0.0.1:8443/'
$env:PARTNERCENTER_TENANT_ID = '` + emulator.DefaultTenantID + `'
$env:PARTNERCENTER_CLIENT_ID = '` + emulator.DefaultClientID + `'
$env:PARTNERCENTER_CLIENT_SECRET = '` + emulator.DefaultClientSecret + `'
$env:SSL_CERT_FILE = 'C:\Users\Zoë O''Brien\it’’s "$HOME" ` + "`n" + `\ca.pem'
`},
		{"PowerShell with -http, the extension in capitals", "/tmp/emulator.PS1", plain, "\uFEFF" + `$env:PARTNERCENTER_BASE_URL = 'http://127.0.0.1:8443'
$env:PARTNERCENTER_ACCESS_TOKEN = 'a''b$c"d` + "`e f‘‘g’’h‚‚i‛‛j'\n"},
		{"POSIX shell with TLS", "/tmp/emulator.env", tls, `unset PARTNERCENTER_ACCESS_TOKEN
export PARTNERCENTER_BASE_URL=https://127.0.0.1:8443
export PARTNERCENTER_AUTHORITY_HOST=https://127.0.0.1:8443/
export PARTNERCENTER_TENANT_ID=` + emulator.DefaultTenantID + `
export PARTNERCENTER_CLIENT_ID=` + emulator.DefaultClientID + `
export PARTNERCENTER_CLIENT_SECRET=` + emulator.DefaultClientSecret + `
export SSL_CERT_FILE='C:\Users\Zoë O'\''Brien\it’s "$HOME" ` + "`n" + `\ca.pem'
`},
		{"POSIX shell with -http", "/tmp/emulator.sh", plain, `export PARTNERCENTER_BASE_URL=http://127.0.0.1:8443
export PARTNERCENTER_ACCESS_TOKEN='a'\''b$c"d` + "`e f‘g’h‚i‛j'\n"},
	}
	for _, tt := range tests {
		if got := envFileContent(tt.path, tt.s); got != tt.want {
			t.Errorf("%s:\n%s\nwant:\n%s", tt.name, got, tt.want)
		}
	}
}

// The file written is the content, whole, beside nothing else.
func TestWriteEnvFileForPowerShell(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "my $try dir")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "emulator.ps1")
	s := settings{baseURL: "http://127.0.0.1:8443", accessToken: "token"}
	if err := writeEnvFile(path, s); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "\uFEFF$env:PARTNERCENTER_BASE_URL = 'http://127.0.0.1:8443'\n$env:PARTNERCENTER_ACCESS_TOKEN = 'token'\n"; string(got) != want {
		t.Errorf("file:\n%q\nwant:\n%q", got, want)
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 1 {
		t.Errorf("directory holds %v, %v; want the env file alone", entries, err)
	}
}

func TestSourceCommand(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"/tmp/try/emulator.env":           ". /tmp/try/emulator.env",
		"/tmp/Bob's try/emulator.env":     `. '/tmp/Bob'\''s try/emulator.env'`,
		`C:\Users\Bob's try\emulator.ps1`: `. 'C:\Users\Bob''s try\emulator.ps1'`,
	}
	for path, want := range tests {
		if got := sourceCommand(path); got != want {
			t.Errorf("sourceCommand(%q) = %s, want %s", path, got, want)
		}
	}
}
