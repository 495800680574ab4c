//go:build unix

package partnercenter_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCredentialFilesNamedPipe: a named pipe in place of a secret,
// certificate or token file is refused at once: reading one blocks until
// something writes to it, which would hang Terraform.
func TestCredentialFilesNamedPipe(t *testing.T) {
	for name, configure := range fileOptions {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "pipe")
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Skip("no named pipes here:", err)
			}
			// Whatever happens, a writer opening the pipe unblocks a
			// reader stuck in open.
			t.Cleanup(func() {
				if f, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
					_ = f.Close()
				}
			})
			done := make(chan error, 1)
			go func() { done <- signInWith(t, configure, path) }()
			select {
			case err := <-done:
				want := path + " is not a regular file but a named pipe"
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("error %v, want %q", err, want)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("reading the named pipe hangs")
			}
		})
	}
}
