package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// exampleSetup prepares an emulator and a copy of an example directory for
// `apply`, and returns the extra environment and -var arguments it needs.
type exampleSetup func(t *testing.T, em *testEmulator, dir string) (env, args []string)

// exampleSetups names every example directory; TestExamplesApply fails on a
// directory without one, so that every example is applied.
var exampleSetups = map[string]exampleSetup{
	"examples/data-sources/partnercenter_device_batch_status":    setupBatchStatusExamples,
	"examples/data-sources/partnercenter_device_batches":         setupContosoLaptops,
	"examples/data-sources/partnercenter_devices":                setupContosoLaptops,
	"examples/data-sources/partnercenter_configuration_policies": setupSalesProfile,
	"examples/data-sources/partnercenter_customers":              setupDemoCustomers,
	"examples/data-sources/partnercenter_customer":               setupDemoCustomers,
	"examples/multi-customer":                                    setupMultiCustomer,
	"examples/resources/partnercenter_device_batch":              setupUserSignIn,
	"examples/resources/partnercenter_configuration_policy":      setupClientSecretEnvironment,
	"examples/resources/partnercenter_device_policy_assignment":  setupProfileAndLaptops,
	"examples/functions/autopilot_devices":                       setupAutopilotDevicesFunction,
	"examples/autopilot":                                         setupAutopilot,
	"examples/demo":                                              setupDemo,
	"examples/existing-batches":                                  setupExistingBatches,
	"examples/pipeline":                                          setupPipeline,
	"examples/provider":                                          setupEverySignIn,
}

// TestExamplesApply applies every directory of examples/ with the
// configured Terraform (or OpenTofu) binary against an emulator in this
// process, which the CLI's provider reaches through PARTNERCENTER_* settings
// and trusts through the SSL_CERT_FILE that TestMain exported.
func TestExamplesApply(t *testing.T) {
	examples := newExampleRunner(t)
	for _, dir := range examples.dirs {
		name := examples.name(dir)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			setup, ok := exampleSetups[name]
			if !ok {
				t.Fatalf("no setup to apply %s with: add one to exampleSetups", name)
			}
			em := newExampleEmulator(t)
			work := copyExample(t, dir)
			env, args := setup(t, em, work)
			out, err := examples.run(t, work, append(credentialFreeEnvironment(), env...),
				append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, args...)...)
			if err != nil || !strings.Contains(out, "Apply complete!") {
				t.Fatalf("%s apply failed: %v\n%s", filepath.Base(examples.cli), err, out)
			}
			if n := len(em.Requests()); n == 0 {
				t.Errorf("the emulator got no request: the example read nothing\n%s", out)
			}
			if !managesResources(t, work) {
				// Data sources in check blocks are read again at every plan.
				return
			}
			// Applied, the example's resources are in step with Partner Center.
			out, err = examples.run(t, work, append(credentialFreeEnvironment(), env...),
				append([]string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}, args...)...)
			if err != nil || !strings.Contains(out, "No changes.") {
				t.Errorf("%s plan after apply: %v, want no changes\n%s", filepath.Base(examples.cli), err, out)
			}
		})
	}
}

// newExampleEmulator is newWaitingEmulator for a provider run as its own
// process, which polls at the default pace: the emulator asks it to come
// back after 1 s, so that the four polls take about 3 s, and the batch moves
// one step per read, so that a slow machine sees the same states.
func newExampleEmulator(t *testing.T) *testEmulator {
	t.Helper()
	em := newWaitingEmulator(t)
	em.SetPollRetryAfter(time.Second)
	return em
}

// copyExample copies the .tf files of dir, and the .csv files they read,
// into a new directory, so that state and override files stay out of
// examples/. The import example of a resource is left out: it would import
// the batch the example creates.
func copyExample(t *testing.T, dir string) string {
	t.Helper()
	work := t.TempDir()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && e.Name() == "csv" {
			// A folder of CSV files, such as one per customer.
			if err := os.CopyFS(filepath.Join(work, "csv"), os.DirFS(filepath.Join(dir, "csv"))); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") && !strings.HasSuffix(e.Name(), ".csv") || e.Name() == "import-by-string-id.tf" {
			continue
		}
		content, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(work, e.Name()), content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return work
}

// credentialFreeEnvironment is the test's environment without any sign-in
// setting, so that the runner's own credentials never reach an example.
func credentialFreeEnvironment() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !isSettingVariable(name) {
			env = append(env, kv)
		}
	}
	return env
}

func isSettingVariable(name string) bool {
	for _, s := range allSettings {
		for _, env := range s.env {
			if strings.EqualFold(env, name) {
				return true
			}
		}
	}
	return false
}

// endpointEnvironment points the provider at em.
func (e *testEmulator) endpointEnvironment() []string {
	return []string{"PARTNERCENTER_BASE_URL=" + e.URL, "PARTNERCENTER_AUTHORITY_HOST=" + e.URL + "/"}
}

// clientSecretEnvironment signs in with the registered client secret.
func (e *testEmulator) clientSecretEnvironment() []string {
	return append(e.endpointEnvironment(), "PARTNERCENTER_TENANT_ID="+emulator.DefaultTenantID,
		"PARTNERCENTER_CLIENT_ID="+emulator.DefaultClientID, "PARTNERCENTER_CLIENT_SECRET="+emulator.DefaultClientSecret)
}

func setupClientSecretEnvironment(_ *testing.T, em *testEmulator, _ string) (env, args []string) {
	return em.clientSecretEnvironment(), nil
}

// setupAutopilotDevicesFunction signs in as a user, with a refresh token
// and the registered client secret, as uploads need, and checks that the
// devices of the example's CSV file reached the batch.
func setupAutopilotDevicesFunction(t *testing.T, em *testEmulator, _ string) (env, args []string) {
	t.Helper()
	t.Cleanup(func() {
		if held, want := serialsOf(em, "Contoso laptops"), []string{"PF3ABC01", "PF3ABC02", "PF3ABC03"}; !slices.Equal(held, want) {
			t.Errorf("the batch holds %v, want the devices of devices.csv, %v", held, want)
		}
	})
	return em.userEnvironment(), nil
}

// setupAutopilot checks that the whole workflow ran: every device of
// devices.csv uploaded and given the profile.
func setupAutopilot(t *testing.T, em *testEmulator, _ string) (env, args []string) {
	t.Helper()
	t.Cleanup(func() {
		policies := em.Policies(emulator.SeedCustomerID)
		if len(policies) != 1 {
			t.Fatalf("%d policies, want the example's one", len(policies))
		}
		devices := em.Devices(emulator.SeedCustomerID, "Contoso sales laptops")
		if len(devices) != 3 {
			t.Errorf("%d devices uploaded, want the 3 of devices.csv", len(devices))
		}
		for _, d := range devices {
			if d.OOBEPolicyID() != policies[0].ID {
				t.Errorf("device %s has profile %q, want %q", d.SerialNumber, d.OOBEPolicyID(), policies[0].ID)
			}
		}
	})
	return em.userEnvironment(), nil
}

// cleanBatchTrackingID is the batch the examples that stop on failed
// devices read (postcondition.tf and wait.tf of the data source).
const cleanBatchTrackingID = "5d1e8f2a-7b3c-4d9e-a6f0-3c2b1a0e9d8f"

// batchWithFailuresWithoutDetails is a finished batch, as Microsoft's own
// example answer is, whose failed devices lack what Partner Center may leave
// out: a device failed by its status alone, without code, description or
// identification; one with a code but no description, known by its product
// key; one known only by its ID.
func batchWithFailuresWithoutDetails(trackingID string) []byte {
	return []byte(`{"batchTrackingId":"` + trackingID + `","status":"finished","startedTime":"2017-07-25T10:00:00",` +
		`"completedTime":"2017-07-25T10:10:00","devicesStatus":[` +
		`{"serialNumber":"1234567890","productKey":"12345-67890-09876-54321-13579","status":"finished"},` +
		`{"status":"finished_with_errors"},` +
		`{"productKey":"23456-78901-98765-43210-24680","status":"finished_with_errors","errorCode":"808"},` +
		`{"deviceId":"9993-8627-3608-6844-6369-4361-72","errorCode":"806","errorDescription":""}]}`)
}

// batchWithoutFailures is a finished batch whose device uploaded.
func batchWithoutFailures(trackingID string) []byte {
	return []byte(`{"batchTrackingId":"` + trackingID + `","status":"finished","startedTime":"2017-07-25T10:00:00",` +
		`"completedTime":"2017-07-25T10:10:00","devicesStatus":[{"serialNumber":"1234567890","status":"finished"}]}`)
}

// setupBatchStatusExamples serves the batch that data-source.tf and
// check.tf read with failed devices lacking descriptions, serial numbers and
// product keys, so that their outputs and messages must cope with nulls;
// and the batch that postcondition.tf and wait.tf read without failures, so
// that they let the apply through (TestExamplesStopOnFailedDevicesWithoutDetails
// shows them stopping).
func setupBatchStatusExamples(t *testing.T, em *testEmulator, _ string) (env, args []string) {
	t.Helper()
	if err := em.PutBatch(emulator.SeedCustomerID, batchWithFailuresWithoutDetails(emulator.SeedBatchTrackingID)); err != nil {
		t.Fatal(err)
	}
	if err := em.PutBatch(emulator.SeedCustomerID, batchWithoutFailures(cleanBatchTrackingID)); err != nil {
		t.Fatal(err)
	}
	return em.clientSecretEnvironment(), nil
}

// scheduleWithFailuresWithoutDetails is the emulator's scheduled batch,
// whose failed devices lack descriptions, serial numbers or product keys.
func scheduleWithFailuresWithoutDetails() emulator.BatchSchedule {
	s := emulator.DemoBatchSchedule(time.Second, 500*time.Millisecond)
	s.Devices = []emulator.ScheduledDevice{
		{SerialNumber: "SCHED-0001", ProductKey: "40001-40001-40001-40001-40001"},
		{ProductKey: "40002-40002-40002-40002-40002", ErrorCode: emulator.ErrorCodeDeviceAlreadyAssigned},
		{SerialNumber: "SCHED-0003"},
		{SerialNumber: "SCHED-0004", ErrorCode: emulator.ErrorCodeDeviceAssignedToOtherTenant},
		{ErrorCode: emulator.ErrorCodeDeviceAssignedToOtherTenant, ErrorDescription: emulator.ErrorDescriptionDeviceAssignedToOtherTenant},
	}
	return s
}

// setupDemo serves the demo's scheduled batch with failed devices that lack
// descriptions, serial numbers or product keys.
func setupDemo(t *testing.T, em *testEmulator, _ string) (env, args []string) {
	t.Helper()
	if err := em.ScheduleBatch(emulator.SeedCustomerID, scheduleWithFailuresWithoutDetails()); err != nil {
		t.Fatal(err)
	}
	return em.clientSecretEnvironment(), nil
}

// managesResources reports whether the example in dir declares a resource
// of this provider.
func managesResources(t *testing.T, dir string) bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		content, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(content), `resource "partnercenter_`) {
			return true
		}
	}
	return false
}

// userEnvironment signs in as a user, as creating a batch needs.
func (e *testEmulator) userEnvironment() []string {
	return append(e.clientSecretEnvironment(), "PARTNERCENTER_REFRESH_TOKEN="+e.NewRefreshToken(emulator.DefaultTenantID, emulator.DefaultClientID))
}

func setupUserSignIn(_ *testing.T, em *testEmulator, _ string) (env, args []string) {
	return em.userEnvironment(), nil
}

// setupDemoCustomers serves the standalone emulator's customers, which the
// customer examples look up.
func setupDemoCustomers(t *testing.T, em *testEmulator, _ string) (env, args []string) {
	t.Helper()
	if err := em.AddCustomers(emulator.DemoCustomers()...); err != nil {
		t.Fatal(err)
	}
	return em.userEnvironment(), nil
}

// setupMultiCustomer serves the demo customers, two of which have a file in
// the example's csv/, and checks after the test that each got its devices.
func setupMultiCustomer(t *testing.T, em *testEmulator, dir string) (env, args []string) {
	t.Helper()
	env, args = setupDemoCustomers(t, em, dir)
	t.Cleanup(func() {
		for id, want := range map[string]int{emulator.SeedCustomerID: 3, emulator.FabrikamCustomerID: 2, emulator.NorthwindCustomerID: 0} {
			if got := len(em.Devices(id, "Autopilot laptops")); got != want {
				t.Errorf("customer %s holds %d devices, want %d", id, got, want)
			}
		}
	})
	return env, args
}

// setupContosoLaptops puts the batch the data source examples read in place.
func setupContosoLaptops(t *testing.T, em *testEmulator, _ string) (env, args []string) {
	t.Helper()
	if _, err := em.AddDevices(emulator.SeedCustomerID, "Contoso laptops", emulatorDevice("PF3X0001"), emulatorDevice("PF3X0002")); err != nil {
		t.Fatal(err)
	}
	return em.clientSecretEnvironment(), nil
}

// setupSalesProfile puts the profile the data source example looks up in
// place.
func setupSalesProfile(_ *testing.T, em *testEmulator, _ string) (env, args []string) {
	em.PutPolicy(emulator.SeedCustomerID, emulator.ConfigurationPolicy{Name: "Contoso sales laptops", Category: "o_o_b_e", PolicySettings: []string{"skip_eula"}})
	return em.clientSecretEnvironment(), nil
}

// setupProfileAndLaptops puts the two profiles the assignment example gives,
// and the batch it does not manage, in place; the example creates its own
// batch, which needs a user's sign-in.
func setupProfileAndLaptops(t *testing.T, em *testEmulator, _ string) (env, args []string) {
	t.Helper()
	if _, err := em.AddDevices(emulator.SeedCustomerID, "Contoso fleet", emulatorDevice("FLEET-1")); err != nil {
		t.Fatal(err)
	}
	sales := em.PutPolicy(emulator.SeedCustomerID, emulator.ConfigurationPolicy{Name: "Contoso sales laptops", Category: "o_o_b_e", PolicySettings: []string{"skip_eula"}})
	kiosk := em.PutPolicy(emulator.SeedCustomerID, emulator.ConfigurationPolicy{Name: "Contoso kiosks", Category: "o_o_b_e", PolicySettings: []string{}})
	return em.userEnvironment(), []string{"-var", "profile_id=" + sales, "-var", "kiosk_profile_id=" + kiosk}
}

// setupPipeline waits for a scheduled batch whose devices all upload, as the
// pipeline's postcondition requires.
func setupPipeline(t *testing.T, em *testEmulator, _ string) (env, args []string) {
	t.Helper()
	schedule := emulator.DemoBatchSchedule(time.Second, 500*time.Millisecond)
	for i := range schedule.Devices {
		schedule.Devices[i].ErrorCode, schedule.Devices[i].ErrorDescription = "", ""
	}
	if err := em.ScheduleBatch(emulator.SeedCustomerID, schedule); err != nil {
		t.Fatal(err)
	}
	location := "/customers/" + emulator.SeedCustomerID + "/batchJobStatus/" + emulator.ScheduledBatchTrackingID
	return em.clientSecretEnvironment(), []string{"-var", "upload_location=" + location}
}

// setupEverySignIn applies examples/provider, one aliased provider block per
// sign-in method, with a batch read through each. What the test machine
// lacks is supplied as a CI system or Azure host would: the OIDC request
// variables, an az on PATH, a certificate file; an override file replaces
// only the absolute paths and the instance metadata endpoint, which a test
// cannot provide where the examples put them.
func setupEverySignIn(t *testing.T, em *testEmulator, dir string) (env, args []string) {
	t.Helper()
	const identity = "6a1f0e2d-3c4b-4a59-8d7e-1f2a3b4c5d6e"
	em.RegisterManagedIdentity(emulator.DefaultTenantID, identity)
	em.RegisterFederatedCredential(emulator.DefaultTenantID, emulator.DefaultClientID, federatedSubject)
	pfx := registerTestCertificate(t, em)
	if err := os.WriteFile(filepath.Join(dir, "partner-center.pfx"), pfx, 0o600); err != nil {
		t.Fatal(err)
	}
	azDir, _ := fakeAzureCLI(t, em.NewAccessToken(emulator.DefaultTenantID, time.Hour))

	secretFile := writeFile(t, "client-secret", []byte(emulator.DefaultClientSecret))
	tokenFile := writeFile(t, "azure-identity-token", []byte(em.IssueFederatedToken(federatedSubject, time.Hour)))
	override := fmt.Sprintf(`
provider "partnercenter" {
  alias                   = "secret_file"
  client_secret_file_path = %q
}

provider "partnercenter" {
  alias                = "federated_file"
  oidc_token_file_path = %q
}

provider "partnercenter" {
  alias        = "managed_identity"
  msi_endpoint = "%s/metadata/identity/oauth2/token"
}
`, secretFile, tokenFile, em.PlainURL)
	if err := os.WriteFile(filepath.Join(dir, "emulator_override.tf"), []byte(override), 0o600); err != nil {
		t.Fatal(err)
	}
	aliases := providerAliases(t, dir)
	t.Cleanup(func() { checkEverySignInUsed(t, em, len(aliases)) })
	var reads strings.Builder
	for _, alias := range aliases {
		ref := "partnercenter"
		if alias != "" {
			ref += "." + alias
		}
		fmt.Fprintf(&reads, "data \"partnercenter_device_batch_status\" \"via_%s\" {\n  provider          = %s\n  customer_id       = %q\n  batch_tracking_id = %q\n}\n\n",
			strings.NewReplacer(".", "_").Replace(ref), ref, emulator.SeedCustomerID, emulator.SeedBatchTrackingID)
	}
	if err := os.WriteFile(filepath.Join(dir, "reads.tf"), []byte(reads.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	env = append(em.endpointEnvironment(),
		"ACTIONS_ID_TOKEN_REQUEST_URL="+em.URL+"/oidc/token",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN="+em.NewOIDCRequestToken(federatedSubject),
		"PATH="+azDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	vars := map[string]string{
		"tenant_id":                  emulator.DefaultTenantID,
		"client_id":                  emulator.DefaultClientID,
		"client_secret":              emulator.DefaultClientSecret,
		"partner_center_token":       em.NewAccessToken(emulator.DefaultTenantID, time.Hour),
		"certificate_password":       testPFXPassword,
		"managed_identity_client_id": identity,
		"service_connection_id":      "c0ffee00-0000-4000-8000-000000000001",
		"refresh_token":              em.NewRefreshToken(emulator.DefaultTenantID, emulator.DefaultClientID),
	}
	for name, value := range vars {
		args = append(args, "-var", name+"="+value)
	}
	return env, args
}

// providerAliases lists the aliases of the provider blocks in dir's .tf
// files, "" for the default one.
func providerAliases(t *testing.T, dir string) []string {
	t.Helper()
	var aliases []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".tf") || strings.HasSuffix(path, "_override.tf") {
			return err
		}
		content, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, block := range strings.Split(string(content), "provider \"partnercenter\" {")[1:] {
			block, _, _ = strings.Cut(block, "\n}")
			alias := ""
			for _, line := range strings.Split(block, "\n") {
				if name, value, ok := strings.Cut(strings.TrimSpace(line), "="); ok && strings.TrimSpace(name) == "alias" {
					alias = strings.Trim(strings.TrimSpace(value), `"`)
				}
			}
			aliases = append(aliases, alias)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(aliases) < 10 {
		t.Fatalf("found %d provider blocks in %s, want one per sign-in method", len(aliases), dir)
	}
	return aliases
}

// checkEverySignInUsed checks that the emulator saw every sign-in method of
// examples/provider at work, and one bearer token per provider block.
func checkEverySignInUsed(t *testing.T, em *testEmulator, providers int) {
	t.Helper()
	tokens := map[string]bool{}
	seen := map[string]bool{}
	for _, r := range em.Requests() {
		switch {
		case strings.HasPrefix(r.Path, "/v1/"):
			tokens[r.Header.Get("Authorization")] = true
		case r.Path == "/metadata/identity/oauth2/token":
			seen["managed identity"] = true
		case r.Path == "/oidc/token" && r.Method == "GET":
			seen["GitHub Actions OIDC request"] = true
		case r.Path == "/oidc/token" && r.Method == "POST" && strings.Contains(r.RawQuery, "serviceConnectionId="):
			seen["Azure DevOps OIDC request"] = true
		case r.Form != nil:
			seen["grant "+r.Form.Get("grant_type")] = true
			if r.Form.Get("client_assertion") != "" {
				seen["client assertion"] = true
			}
		}
	}
	if len(tokens) < providers {
		t.Errorf("Partner Center saw %d distinct tokens, want one per provider block (%d)", len(tokens), providers)
	}
	for _, want := range []string{"managed identity", "GitHub Actions OIDC request", "Azure DevOps OIDC request",
		"grant client_credentials", "grant refresh_token", "client assertion"} {
		if !seen[want] {
			t.Errorf("no %s reached the emulator", want)
		}
	}
}

// TestExamplesPipelineStopsOnFailedDevices applies examples/pipeline to a
// scheduled batch three of whose five devices fail, lacking descriptions,
// serial numbers or product keys: the postcondition stops the run and names
// them; with stop_on_failed_devices = false the run completes, the check
// block warns and the outputs list them, as examples/ci publishes them.
func TestExamplesPipelineStopsOnFailedDevices(t *testing.T) {
	examples := newExampleRunner(t)
	em := newExampleEmulator(t)
	if err := em.ScheduleBatch(emulator.SeedCustomerID, scheduleWithFailuresWithoutDetails()); err != nil {
		t.Fatal(err)
	}
	location := "/customers/" + emulator.SeedCustomerID + "/batchJobStatus/" + emulator.ScheduledBatchTrackingID
	work := copyExample(t, filepath.Join(examples.root, "examples", "pipeline"))
	env := append(credentialFreeEnvironment(), em.clientSecretEnvironment()...)
	out, err := examples.run(t, work, env,
		"apply", "-auto-approve", "-input=false", "-no-color", "-var", "upload_location="+location)
	want := errorPattern(`Resource postcondition failed.*3 of 5 devices of batch ` + emulator.ScheduledBatchTrackingID +
		` failed to upload: 40002-40002-40002-40002-40002 \(error 806\), SCHED-0004 \(error 808\), unidentified device \(error 808\)\.`)
	if err == nil || !want.MatchString(out) {
		t.Errorf("apply: %v, want the postcondition to fail with %s\n%s", err, want, out)
	}

	out, err = examples.run(t, work, env, "apply", "-auto-approve", "-input=false", "-no-color",
		"-var", "upload_location="+location, "-var", "stop_on_failed_devices=false")
	if err != nil || !strings.Contains(out, "Apply complete!") {
		t.Fatalf("apply with stop_on_failed_devices=false: %v\n%s", err, out)
	}
	want = errorPattern(`Warning: Check block assertion failed.*Devices failed to upload: 40002-40002-40002-40002-40002 \(error 806: no description\), ` +
		`SCHED-0004 \(error 808: no description\), unidentified device \(error 808: ZtdDeviceAssignedToOtherTenant\)\.`)
	if !want.MatchString(out) {
		t.Errorf("apply with stop_on_failed_devices=false: want %s\n%s", want, out)
	}

	// What examples/ci publishes, and what fails the job.
	out, err = examples.run(t, work, env, "output", "-json", "failed_devices")
	if err != nil {
		t.Fatalf("output -json failed_devices: %v\n%s", err, out)
	}
	var published []map[string]any
	if err := json.Unmarshal([]byte(out), &published); err != nil {
		t.Fatalf("failed_devices is not a JSON list: %v\n%s", err, out)
	}
	var names []string
	for _, d := range published {
		names = append(names, fmt.Sprint(d["name"], " ", d["error_code"], " ", d["error_description"]))
	}
	if want := []string{"40002-40002-40002-40002-40002 806 <nil>", "SCHED-0004 808 <nil>", "unidentified device 808 ZtdDeviceAssignedToOtherTenant"}; !slices.Equal(names, want) {
		t.Errorf("failed_devices %v, want %v", names, want)
	}
	if out, err := examples.run(t, work, env, "output", "-raw", "failed_device_count"); err != nil || out != "3" {
		t.Errorf("output -raw failed_device_count: %q, %v; want 3", out, err)
	}
}

// TestExamplesStopOnFailedDevicesWithoutDetails applies each example of the
// data source that stops the run on failed devices to a batch whose failed
// devices lack descriptions, serial numbers and product keys: the run stops
// with the example's own message, never a template error.
func TestExamplesStopOnFailedDevicesWithoutDetails(t *testing.T) {
	examples := newExampleRunner(t)
	dir := filepath.Join(examples.root, "examples", "data-sources", "partnercenter_device_batch_status")
	for file, want := range map[string]*regexp.Regexp{
		"postcondition.tf": errorPattern(`Resource postcondition failed.*Batch ` + cleanBatchTrackingID + ` is finished with 3 failed device\(s\)\.`),
		"wait.tf": errorPattern(`Devices failed to upload.*is finished: 3 of 4 device\(s\) failed to upload\.\s+` +
			`- a device Partner Center did not identify: status finished_with_errors\s+- product key 23456-78901-98765-43210-24680: error 808\s+` +
			`- device 9993-8627-3608-6844-6369-4361-72: error 806`),
	} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			em := newExampleEmulator(t)
			if err := em.PutBatch(emulator.SeedCustomerID, batchWithFailuresWithoutDetails(cleanBatchTrackingID)); err != nil {
				t.Fatal(err)
			}
			work := t.TempDir()
			content, err := os.ReadFile(filepath.Join(dir, file))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(work, file), content, 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := examples.run(t, work, append(credentialFreeEnvironment(), em.clientSecretEnvironment()...),
				"apply", "-auto-approve", "-input=false", "-no-color")
			if err == nil || !want.MatchString(out) {
				t.Errorf("apply: %v, want it to stop with %s\n%s", err, want, out)
			}
			if strings.Contains(out, "Invalid template interpolation value") || strings.Contains(out, "Error in function call") {
				t.Errorf("the example's own expressions failed:\n%s", out)
			}
		})
	}
}

// TestExamplesSurviveAnImportedBatch imports the batch of each example that
// uploads devices, as a partner taking over a batch made by hand would,
// then applies the example: its outputs read last_upload, which is null
// until the resource uploads, without failing, and the plan after shows no
// change. The batch holds the devices of the example already.
func TestExamplesSurviveAnImportedBatch(t *testing.T) {
	examples := newExampleRunner(t)
	for _, tc := range []struct{ example, batch string }{
		{"autopilot", "Contoso sales laptops"},
		{"resources/partnercenter_device_batch", "Contoso laptops"},
		{"functions/autopilot_devices", "Contoso laptops"},
	} {
		t.Run(tc.example, func(t *testing.T) {
			t.Parallel()
			em := newExampleEmulator(t)
			work := copyExample(t, filepath.Join(examples.root, "examples", tc.example))
			if _, err := em.AddDevices(emulator.SeedCustomerID, tc.batch, exampleDevices(t, work)...); err != nil {
				t.Fatal(err)
			}
			env := append(credentialFreeEnvironment(), em.userEnvironment()...)
			run := func(args ...string) string {
				t.Helper()
				out, err := examples.run(t, work, env, args...)
				if err != nil {
					t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
				}
				return out
			}
			run("import", "-input=false", "-no-color", "partnercenter_device_batch.laptops", emulator.SeedCustomerID+"/"+tc.batch)
			if out := run("apply", "-auto-approve", "-input=false", "-no-color"); !strings.Contains(out, "Apply complete!") {
				t.Fatalf("apply after the import:\n%s", out)
			}
			if out := run("plan", "-input=false", "-no-color", "-detailed-exitcode"); !strings.Contains(out, "No changes.") {
				t.Errorf("plan after the apply, want no changes:\n%s", out)
			}
			for _, r := range partnerCenterRequests(em.Emulator) {
				if r.Method == http.MethodPost && strings.Contains(r.Path, "/deviceBatches") || r.Method == http.MethodDelete {
					t.Errorf("%s %s after an import of the devices the example names", r.Method, r.Path)
				}
			}
		})
	}
}

// setupExistingBatches gives the customer of examples/existing-batches
// batches uploaded outside Terraform: devices identified by hash and serial
// number, by product key, by serial number with manufacturer and model
// (one that starts with a digit), by hash alone, and an empty batch; and
// checks after the test that nothing was uploaded or deleted.
func setupExistingBatches(t *testing.T, em *testEmulator, _ string) (env, args []string) {
	t.Helper()
	for batch, devices := range map[string][]emulator.Device{
		"Contoso laptops": {emulatorDevice("PF3X0001"), {ProductKey: "PK-0002"}, {SerialNumber: "0123456789", OemManufacturerName: "Contoso", ModelName: "Laptop 7"}},
		"Contoso kiosks":  {{HardwareHash: hardwareHash("kiosk 1")}, {HardwareHash: hardwareHash("kiosk 2")}},
		"Left empty":      {emulatorDevice("PF3X0009")},
	} {
		ids, err := em.AddDevices(emulator.SeedCustomerID, batch, devices...)
		if err != nil {
			t.Fatal(err)
		}
		if batch == "Left empty" {
			if err := em.DeleteDevice(emulator.SeedCustomerID, batch, ids[0]); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Cleanup(func() {
		for _, r := range partnerCenterRequests(em.Emulator) {
			if r.Method != http.MethodGet {
				t.Errorf("%s %s: importing the batches changed Partner Center", r.Method, r.Path)
			}
		}
	})
	return em.clientSecretEnvironment(), nil
}

// TestExamplesImportEveryBatchUnderEveryAnswer applies
// examples/existing-batches under each answer of the device list
// (hashes listed or not, decoded fields or only what was uploaded): every
// batch that holds devices is imported, nothing else, and the plan after
// shows no change.
func TestExamplesImportEveryBatchUnderEveryAnswer(t *testing.T) {
	examples := newExampleRunner(t)
	for name, answers := range map[string]emulator.Answers{
		"list-hardware-hashes":      {ListHardwareHashes: true},
		"list-uploaded-fields-only": {ListUploadedFieldsOnly: true},
		"both":                      {ListHardwareHashes: true, ListUploadedFieldsOnly: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			em := newExampleEmulator(t)
			em.SetAnswers(answers)
			env, _ := setupExistingBatches(t, em, "")
			env = append(credentialFreeEnvironment(), env...)
			work := copyExample(t, filepath.Join(examples.root, "examples", "existing-batches"))
			out, err := examples.run(t, work, env, "apply", "-auto-approve", "-input=false", "-no-color")
			if err != nil || !strings.Contains(out, "Resources: 2 imported, 0 added, 0 changed, 0 destroyed.") {
				t.Fatalf("apply, want the two batches that hold devices imported and nothing changed: %v\n%s", err, out)
			}
			if out, err := examples.run(t, work, env, "plan", "-input=false", "-no-color", "-detailed-exitcode"); err != nil {
				t.Errorf("plan after the import, want no changes: %v\n%s", err, out)
			}
		})
	}
}

// exampleDevices are the devices an example in work uploads: those of its
// CSV file, or of its configuration's hardware hashes, which are
// hardwareHash of the serial number.
func exampleDevices(t *testing.T, work string) []emulator.Device {
	t.Helper()
	if content, err := os.ReadFile(filepath.Join(work, "devices.csv")); err == nil {
		parsed, err := partnercenter.ParseAutopilotCSV(bytes.NewReader(content))
		if err != nil {
			t.Fatal(err)
		}
		devices := make([]emulator.Device, len(parsed))
		for i, d := range parsed {
			devices[i] = emulator.Device{HardwareHash: d.HardwareHash, SerialNumber: d.SerialNumber, ProductKey: d.ProductKey,
				OemManufacturerName: d.OEMManufacturerName, ModelName: d.ModelName}
		}
		return devices
	}
	return []emulator.Device{emulatorDevice("PF3X0001"), emulatorDevice("PF3X0002"),
		{SerialNumber: "PF3X0003", OemManufacturerName: "Contoso", ModelName: "Laptop 7"}}
}
