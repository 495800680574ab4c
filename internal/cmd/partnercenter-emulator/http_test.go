package main

import (
	"context"
	"io"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// With -http, the provider's client reads a batch and creates one (which
// takes an app+user sign-in) over plain http, signed in with the access
// token of the env file alone: no certificate authority, no Entra ID.
func TestRunHTTPServesTheClientWithTheEnvFilesAccessToken(t *testing.T) {
	dir := t.TempDir()
	envFile := filepath.Join(dir, "emulator.env")
	env, stdout := startRun(t, options{http: true, stateDir: filepath.Join(dir, "state"), envFile: envFile, jobQueuedFor: time.Second, jobPerDevice: time.Second})
	m := regexp.MustCompile(`^export PARTNERCENTER_BASE_URL=(http://127\.0\.0\.1:\d+)
export PARTNERCENTER_ACCESS_TOKEN=([A-Z2-7]{52})
$`).FindSubmatch(env)
	if m == nil {
		t.Fatalf("env file:\n%s", env)
	}
	baseURL, token := string(m[1]), string(m[2])
	if _, err := os.Stat(filepath.Join(dir, "state")); !os.IsNotExist(err) {
		t.Errorf("-http made the state directory (%v): it writes no certificate authority", err)
	}

	credential, err := partnercenter.NewCredential(partnercenter.CredentialOptions{AccessToken: token})
	if err != nil {
		t.Fatal(err)
	}
	client, err := partnercenter.NewClient(partnercenter.Options{BaseURL: baseURL, Credential: credential})
	if err != nil {
		t.Fatal(err)
	}
	status, err := client.GetBatchStatus(context.Background(), emulator.SeedCustomerID, emulator.SeedBatchTrackingID)
	if err != nil {
		t.Fatal(err)
	}
	if status.Status != partnercenter.StatusFinished || len(status.DevicesStatus) != 1 || status.DevicesStatus[0].ErrorCode != "808" {
		t.Errorf("seed batch: %+v", status)
	}
	uploads, err := client.UploadDevices(context.Background(), emulator.SeedCustomerID, "Contoso laptops", []partnercenter.Device{{ProductKey: "PK-HTTP-1"}}, true)
	if err != nil {
		t.Fatalf("creating a batch, which takes an app+user sign-in: %v", err)
	}
	if len(uploads) != 1 || !strings.HasPrefix(uploads[0].Job.Location, "/customers/"+emulator.SeedCustomerID+"/batchJobStatus/") {
		t.Errorf("uploads: %+v", uploads)
	}

	for _, want := range []string{
		"Partner Center emulator listening on " + baseURL + " (plain http, no Entra ID sign-in)\n\n  base URL        " + baseURL + "\n",
		"  access token    " + token + " (app+user, valid while the emulator runs)\n  env file        " + envFile + " (source it: . " + envFile + ")\n",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
	if strings.Contains(stdout.String(), "client secret") {
		t.Errorf("stdout offers Entra ID's sign-in:\n%s", stdout.String())
	}
}

// -http serves loopback only, and no refresh token.
func TestRunHTTPRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		o    options
		want string
	}{
		{options{http: true, addr: "0.0.0.0:8443"}, `-http with -addr "0.0.0.0:8443": plain http is served on a loopback address only`},
		{options{http: true, addr: "192.0.2.1:8443"}, `-http with -addr "192.0.2.1:8443": plain http is served on a loopback address only`},
		{options{http: true, addr: ":8443"}, `-http with -addr ":8443": plain http is served on a loopback address only`},
		{options{http: true, addr: "127.0.0.1"}, `-addr "127.0.0.1": address 127.0.0.1: missing port in address`},
		{options{http: true, addr: "127.0.0.1:0", refreshTokenFile: "rt"}, "-http with -refresh-token-file: a refresh token is exchanged at Entra ID, which needs TLS"},
	}
	for _, tt := range tests {
		err := run(context.Background(), tt.o, io.Discard, log.New(io.Discard, "", 0))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: error %v, want %q", tt.o, err, tt.want)
		}
	}
}

// -http is a flag, off by default.
func TestHTTPFlag(t *testing.T) {
	t.Parallel()
	o, err := parseOptions([]string{"-http", "-addr", "[::1]:0", "-env-file", "emulator.ps1"}, environment(nil), io.Discard)
	if err != nil || !o.http || o.addr != "[::1]:0" || o.envFile != "emulator.ps1" {
		t.Errorf("options %+v, error %v", o, err)
	}
}
