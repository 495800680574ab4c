package provider

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// testAccProtoV6ProviderFactories runs the provider in the test process, so
// the emulators below are reachable and trusted.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"partnercenter": providerserver.NewProtocol6WithError(New("test")()),
}

// testCA signs every emulator's certificate. Go reads SSL_CERT_FILE once per
// process, so one authority serves all tests.
var testCA *emulator.CertificateAuthority

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "partnercenter-test-ca")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if testCA, err = emulator.NewCertificateAuthority(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, testCA.CertificatePEM(), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// azidentity talks to the emulator's Entra ID over https only.
	if err := os.Setenv("SSL_CERT_FILE", caFile); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// testEmulator is one test's own Partner Center and Entra ID.
type testEmulator struct {
	*emulator.Emulator
	// URL is the https root serving both Partner Center and Entra ID.
	URL string
	// PlainURL serves the same emulator over http on loopback.
	PlainURL string
}

func newTestEmulator(t *testing.T) *testEmulator {
	t.Helper()
	em := emulator.New()
	tlsConfig, err := testCA.ServerTLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	secure := httptest.NewUnstartedServer(em)
	secure.TLS = tlsConfig
	secure.StartTLS()
	t.Cleanup(secure.Close)
	plain := httptest.NewServer(em)
	t.Cleanup(plain.Close)
	return &testEmulator{Emulator: em, URL: secure.URL, PlainURL: plain.URL}
}

// providerConfig signs in to the emulator with its registered client secret.
func (e *testEmulator) providerConfig() string {
	return fmt.Sprintf(`
provider "partnercenter" {
  base_url       = %q
  authority_host = "%s/"
  tenant_id      = %q
  client_id      = %q
  client_secret  = %q
}
`, e.URL, e.URL, emulator.DefaultTenantID, emulator.DefaultClientID, emulator.DefaultClientSecret)
}

// unsetCredentialEnv keeps the runner's own environment out of a test.
func unsetCredentialEnv(t *testing.T) {
	for _, s := range allSettings {
		for _, name := range s.env {
			t.Setenv(name, "")
		}
	}
}
