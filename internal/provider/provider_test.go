package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

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
	if providerDir, err = os.MkdirTemp("", "partnercenter-test-provider"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(providerDir)
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

// fastPolling is how the tests' provider waits for a batch job: every few
// milliseconds, so that waiting through a batch's states takes no real
// time. partnercenter's unit tests cover the default pacing, and
// TestExamplesApply runs the real binary at that pacing.
var fastPolling = partnercenter.WaitOptions{InitialDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MinRetryAfter: time.Millisecond}

// testChangeGrace is how long the tests' provider lets a profile's
// deletion, refused because devices have the profile, wait for a change of
// those devices to begin (deviceChangeGrace, 2 s for users): Terraform
// sends the change with the deletion, and a loaded machine may take longer
// than 2 s to begin it. A deletion only waits it out when no change begins,
// which a test that wants it to fail at once says with a stepGrace.
const testChangeGrace = time.Minute

// providerFactories runs a provider in the test process, so that the
// emulators below are reachable and trusted. It reads env (nil for none)
// where the real provider reads the process's environment, so that no test
// changes the process and tests run in parallel.
func providerFactories(env map[string]string) map[string]func() (tfprotov6.ProviderServer, error) {
	return testProviderFactories(env, func() time.Duration { return testChangeGrace })
}

// testProviderFactories is providerFactories whose refused deletions of a
// profile wait grace() for a change of its devices to begin, as grace
// answers when a Terraform command configures the provider.
func testProviderFactories(env map[string]string, grace func() time.Duration) map[string]func() (tfprotov6.ProviderServer, error) {
	p := &partnerCenterProvider{version: "test", env: mapEnvironment(env), wait: fastPolling, changeGrace: grace}
	return map[string]func() (tfprotov6.ProviderServer, error){
		"partnercenter": func() (tfprotov6.ProviderServer, error) { return protocolServer(p)(), nil },
	}
}

// stepGrace is the grace of a test's provider, testChangeGrace until the
// test sets another for the steps that follow, such as noGrace for a step
// whose refused deletion of a profile must fail at once.
type stepGrace struct{ grace atomic.Int64 }

func newStepGrace() *stepGrace {
	g := &stepGrace{}
	g.set(testChangeGrace)
	return g
}

// set gives the Terraform commands from now on grace.
func (g *stepGrace) set(grace time.Duration) {
	g.grace.Store(int64(grace))
}

// factories are providerFactories(env) with this grace.
func (g *stepGrace) factories(env map[string]string) map[string]func() (tfprotov6.ProviderServer, error) {
	return testProviderFactories(env, func() time.Duration { return time.Duration(g.grace.Load()) })
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
	return newTestEmulatorBehind(t, func(em http.Handler) http.Handler { return em })
}

// newTestEmulatorBehind is newTestEmulator served through front, which
// sees every request before the emulator does and may hold it, so that a
// test can order requests that the provider sends concurrently.
func newTestEmulatorBehind(t *testing.T, front func(em http.Handler) http.Handler) *testEmulator {
	t.Helper()
	em := emulator.New()
	tlsConfig, err := testCA.ServerTLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	handler := front(em)
	secure := httptest.NewUnstartedServer(handler)
	secure.TLS = tlsConfig
	secure.StartTLS()
	t.Cleanup(secure.Close)
	plain := httptest.NewServer(handler)
	t.Cleanup(plain.Close)
	return &testEmulator{Emulator: em, URL: secure.URL, PlainURL: plain.URL}
}

// attrs are the attributes of a provider block. A string value is written
// quoted, an expr as is, any other value with %v; nil leaves the attribute
// out, so that an override can remove one.
type attrs map[string]any

// expr is an HCL expression written as is, such as terraform_data.x.output.
type expr string

// providerBlock writes a provider "partnercenter" block with every attribute
// of the attrs in order, a later one replacing an earlier one of the same
// name.
func providerBlock(all ...attrs) string {
	merged := attrs{}
	for _, a := range all {
		for name, value := range a {
			merged[name] = value
		}
	}
	var b strings.Builder
	b.WriteString("provider \"partnercenter\" {\n")
	names := make([]string, 0, len(merged))
	for name := range merged {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		switch v := merged[name].(type) {
		case nil:
		case string:
			fmt.Fprintf(&b, "  %s = %q\n", name, v)
		case expr:
			fmt.Fprintf(&b, "  %s = %s\n", name, v)
		default:
			fmt.Fprintf(&b, "  %s = %v\n", name, v)
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// endpoints point the provider at e and name the registered application,
// with no credential.
func (e *testEmulator) endpoints() attrs {
	return attrs{"base_url": e.URL, "authority_host": e.URL + "/", "tenant_id": emulator.DefaultTenantID, "client_id": emulator.DefaultClientID}
}

// providerConfig signs in to e with its registered client secret, with
// overrides applied in order.
func (e *testEmulator) providerConfig(overrides ...attrs) string {
	return providerBlock(append([]attrs{e.endpoints(), {"client_secret": emulator.DefaultClientSecret}}, overrides...)...)
}
