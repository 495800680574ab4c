package partnercenter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// MaxCredentialFileBytes caps a secret, certificate or token file: they
// are a few KiB.
const MaxCredentialFileBytes = 1 << 20

// readCredentialFile reads a secret, certificate or token file. It refuses
// what is not a regular file, such as a named pipe, whose reading would
// block until something writes to it, and a file over
// MaxCredentialFileBytes. Its errors name the file, never its content.
func readCredentialFile(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, errors.Unwrap(err))
	}
	if !info.Mode().IsRegular() {
		return nil, notRegular(path, info.Mode())
	}
	f, err := os.Open(path) //nolint:gosec // The user names the file to read.
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, errors.Unwrap(err))
	}
	defer f.Close()
	// The file may have been replaced since it was looked at.
	if opened, err := f.Stat(); err != nil || !opened.Mode().IsRegular() {
		return nil, notRegular(path, info.Mode())
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxCredentialFileBytes+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("reading %s: %w", path, errors.Unwrap(err))
	case len(data) > MaxCredentialFileBytes:
		return nil, fmt.Errorf("%s is larger than %d MiB, more than a secret, certificate or token file holds", path, MaxCredentialFileBytes>>20)
	}
	return data, nil
}

// notRegular is the error of a credential file that is not a regular file.
func notRegular(path string, mode os.FileMode) error {
	kind := "a special file"
	switch {
	case mode.IsDir():
		kind = "a directory"
	case mode&os.ModeNamedPipe != 0:
		kind = "a named pipe"
	case mode&os.ModeSocket != 0:
		kind = "a socket"
	case mode&os.ModeDevice != 0:
		kind = "a device"
	}
	return fmt.Errorf("%s is not a regular file but %s; a secret, certificate or token file must be one", path, kind)
}

// readSecretFile reads a secret from path, without surrounding white space.
// Its errors name the file, never its content.
func readSecretFile(path string) (string, error) {
	data, err := readCredentialFile(path)
	if err != nil {
		return "", err
	}
	secret := strings.TrimSpace(string(data))
	if secret == "" {
		return "", fmt.Errorf("%s is empty", path)
	}
	return secret, nil
}

// fileBacked is a credential built from a file's content, such as a rotated
// secret. It reads the file at every token request and builds a new
// credential when the content changed, so that a rotation needs no restart.
type fileBacked struct {
	path  string
	build func([]byte) (azcore.TokenCredential, error)

	mu      sync.Mutex
	content []byte
	cred    azcore.TokenCredential
}

// newFileBacked reads path once, so that a missing or unusable file fails
// when the credential is made.
func newFileBacked(path string, build func([]byte) (azcore.TokenCredential, error)) (*fileBacked, error) {
	f := &fileBacked{path: path, build: build}
	if _, err := f.current(); err != nil {
		return nil, err
	}
	return f, nil
}

// current returns the credential for the file's current content.
func (f *fileBacked) current() (azcore.TokenCredential, error) {
	data, err := readCredentialFile(f.path)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cred == nil || !bytes.Equal(data, f.content) {
		cred, err := f.build(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.path, err)
		}
		f.cred, f.content = cred, data
	}
	return f.cred, nil
}

// GetToken implements azcore.TokenCredential.
func (f *fileBacked) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	cred, err := f.current()
	if err != nil {
		return azcore.AccessToken{}, err
	}
	return cred.GetToken(ctx, opts)
}
