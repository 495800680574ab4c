package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// The CI examples of examples/ci: a GitHub Actions workflow and an Azure
// DevOps pipeline that run examples/pipeline, signed in with OIDC, publish
// the failed devices as an artifact and still fail the job.

// ciStep is a step of a CI job as far as the tests need it.
type ciStep struct {
	name string
	// script is the shell script of a run (GitHub) or script (Azure
	// DevOps) step; action the action (uses) or task of the others, with
	// its inputs.
	script, action string
	inputs         map[string]string
	env            map[string]string
	// dir is the working directory, relative to the checked-out
	// repository.
	dir string
	// condition is the step's if (GitHub) or condition (Azure DevOps).
	condition string
}

// ciJob is a CI file's one job: its environment and its steps in order.
type ciJob struct {
	file  string
	env   map[string]string
	steps []ciStep
	// expand replaces the CI system's expressions, such as
	// ${{ vars.X }} or $(X), in an environment value or input.
	expand func(t *testing.T, value string, values map[string]string) string
}

// ciFiles are the CI examples.
var ciFiles = []string{"examples/ci/github-actions.yml", "examples/ci/azure-pipelines.yml"}

// installSteps build what a runner lacks: the tests supply it instead.
var installSteps = []string{"Install Go", "Install the provider", "Install Terraform"}

func readCIJob(t *testing.T, root, file string) ciJob {
	t.Helper()
	content, err := os.ReadFile(filepath.Join(root, file))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(file, "github") {
		return readGitHubWorkflow(t, file, content)
	}
	return readAzurePipeline(t, file, content)
}

func readGitHubWorkflow(t *testing.T, file string, content []byte) ciJob {
	t.Helper()
	var workflow struct {
		Name        string            `yaml:"name"`
		On          map[string]any    `yaml:"on"`
		Permissions map[string]string `yaml:"permissions"`
		Jobs        map[string]struct {
			RunsOn      string `yaml:"runs-on"`
			Environment string `yaml:"environment"`
			Defaults    struct {
				Run struct {
					WorkingDirectory string `yaml:"working-directory"`
				} `yaml:"run"`
			} `yaml:"defaults"`
			Env   map[string]string `yaml:"env"`
			Steps []struct {
				Name             string            `yaml:"name"`
				Uses             string            `yaml:"uses"`
				Run              string            `yaml:"run"`
				If               string            `yaml:"if"`
				With             map[string]string `yaml:"with"`
				Env              map[string]string `yaml:"env"`
				WorkingDirectory string            `yaml:"working-directory"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	decodeStrictly(t, file, content, &workflow)
	if got := workflow.Permissions["id-token"]; got != "write" {
		t.Errorf("%s: permissions id-token is %q, want write: the job signs in with GitHub's OIDC token", file, got)
	}
	if len(workflow.Jobs) != 1 {
		t.Fatalf("%s: %d jobs, want one", file, len(workflow.Jobs))
	}
	job := ciJob{file: file, expand: expandGitHub}
	for _, j := range workflow.Jobs {
		// The federated credential's subject the docs give names it.
		if j.Environment != "partner-center" {
			t.Errorf("%s: the job's environment is %q, want partner-center", file, j.Environment)
		}
		job.env = j.Env
		for _, s := range j.Steps {
			dir := s.WorkingDirectory
			if dir == "" {
				dir = j.Defaults.Run.WorkingDirectory
			}
			if s.Uses != "" {
				dir = "." // actions run in the workspace
			}
			job.steps = append(job.steps, ciStep{name: s.Name, script: s.Run, action: s.Uses, inputs: s.With, env: s.Env, dir: dir, condition: s.If})
		}
	}
	return job
}

func readAzurePipeline(t *testing.T, file string, content []byte) ciJob {
	t.Helper()
	var pipeline struct {
		Trigger    string `yaml:"trigger"`
		Parameters []struct {
			Name        string `yaml:"name"`
			DisplayName string `yaml:"displayName"`
			Type        string `yaml:"type"`
		} `yaml:"parameters"`
		Pool struct {
			VMImage string `yaml:"vmImage"`
		} `yaml:"pool"`
		Steps []struct {
			Checkout         string            `yaml:"checkout"`
			Script           string            `yaml:"script"`
			Task             string            `yaml:"task"`
			DisplayName      string            `yaml:"displayName"`
			Condition        string            `yaml:"condition"`
			Inputs           map[string]string `yaml:"inputs"`
			Env              map[string]string `yaml:"env"`
			WorkingDirectory string            `yaml:"workingDirectory"`
		} `yaml:"steps"`
	}
	decodeStrictly(t, file, content, &pipeline)
	job := ciJob{file: file, expand: expandAzureDevOps}
	for _, s := range pipeline.Steps {
		action := s.Task
		if s.Checkout != "" {
			action = "checkout"
		}
		dir := s.WorkingDirectory
		if dir == "" {
			dir = "."
		}
		job.steps = append(job.steps, ciStep{name: s.DisplayName, script: s.Script, action: action, inputs: s.Inputs, env: s.Env, dir: dir, condition: s.Condition})
	}
	return job
}

// decodeStrictly decodes content into v, refusing fields v does not know, so
// that a misspelt key fails the test rather than being ignored.
func decodeStrictly(t *testing.T, file string, content []byte, v any) {
	t.Helper()
	decoder := yaml.NewDecoder(strings.NewReader(string(content)))
	decoder.KnownFields(true)
	if err := decoder.Decode(v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

var (
	gitHubExpression     = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)
	azureDevOpsMacro     = regexp.MustCompile(`\$\(([A-Za-z_.]+)\)`)
	azureDevOpsParameter = regexp.MustCompile(`\$\{\{\s*parameters\.([A-Za-z_]+)\s*\}\}`)
)

func expandGitHub(t *testing.T, value string, values map[string]string) string {
	t.Helper()
	return gitHubExpression.ReplaceAllStringFunc(value, func(m string) string {
		name := gitHubExpression.FindStringSubmatch(m)[1]
		v, ok := values[name]
		if !ok {
			t.Fatalf("no value for the expression %s", m)
		}
		return v
	})
}

func expandAzureDevOps(t *testing.T, value string, values map[string]string) string {
	t.Helper()
	value = azureDevOpsParameter.ReplaceAllStringFunc(value, func(m string) string {
		name := "parameters." + azureDevOpsParameter.FindStringSubmatch(m)[1]
		v, ok := values[name]
		if !ok {
			t.Fatalf("no value for the template expression %s", m)
		}
		return v
	})
	return azureDevOpsMacro.ReplaceAllStringFunc(value, func(m string) string {
		name := azureDevOpsMacro.FindStringSubmatch(m)[1]
		v, ok := values[name]
		if !ok {
			t.Fatalf("no value for the variable %s", m)
		}
		return v
	})
}

// step returns the step named name.
func (j ciJob) step(t *testing.T, name string) (int, ciStep) {
	t.Helper()
	for i, s := range j.steps {
		if s.name == name {
			return i, s
		}
	}
	t.Fatalf("%s has no step named %q", j.file, name)
	return 0, ciStep{}
}

// stepEnv is the environment of s: the job's, then the step's own.
func (j ciJob) stepEnv(s ciStep) map[string]string {
	env := map[string]string{}
	for k, v := range j.env {
		env[k] = v
	}
	for k, v := range s.env {
		env[k] = v
	}
	return env
}

// runsAfterFailure reports whether s runs after an earlier step failed.
func (s ciStep) runsAfterFailure(t *testing.T) bool {
	t.Helper()
	switch strings.ReplaceAll(s.condition, " ", "") {
	case "":
		return false
	case "always()", "succeededOrFailed()":
		return true
	}
	t.Fatalf("step %q: the test does not know the condition %q", s.name, s.condition)
	return false
}

// makefileVariable reads a variable's value from the GNUmakefile.
func makefileVariable(t *testing.T, root, name string) string {
	t.Helper()
	content, err := os.ReadFile(filepath.Join(root, "GNUmakefile"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^` + name + ` := (\S+)$`).FindSubmatch(content)
	if m == nil {
		t.Fatalf("GNUmakefile sets no %s", name)
	}
	return string(m[1])
}

// TestCIExamplesSignInWithOIDCPublishAndFail reads the CI examples: each
// installs the provider and the Terraform version the tests use, applies
// examples/pipeline signed in with OIDC and with stop_on_failed_devices =
// false, writes the failed devices to a file, publishes it as an artifact
// whatever happened before, and fails last when a device failed. No secret
// is referenced.
func TestCIExamplesSignInWithOIDCPublishAndFail(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	terraformVersion := makefileVariable(t, root, "TERRAFORM_VERSION")
	goMod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goVersion := string(regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(goMod)[1])
	for _, file := range ciFiles {
		t.Run(filepath.Base(file), func(t *testing.T) {
			job := readCIJob(t, root, file)
			content, err := os.ReadFile(filepath.Join(root, file))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(content), "secrets.") || strings.Contains(strings.ToLower(string(content)), "client_secret") {
				t.Errorf("%s refers to a secret: it signs in with OIDC", file)
			}
			if !strings.Contains(string(content), terraformVersion) {
				t.Errorf("%s does not install Terraform %s, the version the tests use", file, terraformVersion)
			}
			for _, name := range installSteps {
				job.step(t, name)
			}
			if _, s := job.step(t, "Install the provider"); strings.TrimSpace(s.script) != "make install" {
				t.Errorf("the provider is installed with %q, want make install", s.script)
			}
			if _, s := job.step(t, "Install Go"); s.inputs["version"] != goVersion && s.inputs["go-version-file"] != "go.mod" {
				t.Errorf("Go is installed with %v, want go.mod's %s", s.inputs, goVersion)
			}

			apply, s := job.step(t, "Wait for the upload")
			env := job.stepEnv(s)
			if s.dir != "examples/pipeline" || !strings.Contains(s.script, "terraform apply") || !strings.Contains(s.script, "stop_on_failed_devices=false") {
				t.Errorf("step %q runs %q in %q, want terraform apply of examples/pipeline with stop_on_failed_devices=false", s.name, s.script, s.dir)
			}
			if env["ARM_USE_OIDC"] != "true" || env["ARM_TENANT_ID"] == "" || env["ARM_CLIENT_ID"] == "" {
				t.Errorf("step %q: environment %v, want ARM_USE_OIDC=true, ARM_TENANT_ID and ARM_CLIENT_ID", s.name, env)
			}
			if strings.Contains(file, "azure") && (env["ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID"] == "" || env["SYSTEM_ACCESSTOKEN"] != "$(System.AccessToken)") {
				t.Errorf("step %q: environment %v, want the service connection's ID and SYSTEM_ACCESSTOKEN mapped", s.name, env)
			}

			write, s := job.step(t, "Write the failed devices")
			if !strings.Contains(s.script, "terraform output -json failed_devices >") || s.dir != "examples/pipeline" {
				t.Errorf("step %q runs %q in %q, want terraform output -json failed_devices into a file", s.name, s.script, s.dir)
			}
			publish, s := job.step(t, "Publish the failed devices")
			if !s.runsAfterFailure(t) || !slices.Contains([]string{"actions/upload-artifact@v4", "PublishPipelineArtifact@1"}, s.action) {
				t.Errorf("step %q: %s if %q, want an artifact published whatever happened before", s.name, s.action, s.condition)
			}
			fail, s := job.step(t, "Fail on failed devices")
			if !strings.Contains(s.script, "terraform output -raw failed_device_count") || !strings.Contains(s.script, "exit 1") || s.runsAfterFailure(t) {
				t.Errorf("step %q runs %q, want it to fail when failed_device_count is not 0", s.name, s.script)
			}
			if inOrder := apply < write && write < publish && publish < fail && fail == len(job.steps)-1; !inOrder {
				t.Errorf("steps in the order %d, %d, %d, %d of %d: want apply, write, publish, and failing last", apply, write, publish, fail, len(job.steps))
			}
		})
	}
}

// TestCIExamplesRunAgainstTheEmulator runs the CI examples' steps as their
// runners would, against the emulator, with the provider in Terraform's
// local mirror in place of the install steps, signed in with the CI
// system's OIDC token: with failed devices the job publishes them and
// fails at its last step; without, it publishes an empty list and passes.
func TestCIExamplesRunAgainstTheEmulator(t *testing.T) {
	examples := newExampleRunner(t)
	home := t.TempDir()
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		dir := filepath.Join(home, ".terraform.d", "plugins", host, "seed-8b9b5c63", "partnercenter", "0.1.0", runtime.GOOS+"_"+runtime.GOARCH)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		binary, err := os.ReadFile(examples.provider)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "terraform-provider-partnercenter_v0.1.0"), binary, 0o755); err != nil { //nolint:gosec // an executable
			t.Fatal(err)
		}
	}
	// The scripts call terraform: the CLI under test, by that name.
	bin := t.TempDir()
	if err := os.Symlink(examples.cli, filepath.Join(bin, "terraform")); err != nil {
		t.Fatal(err)
	}
	for _, file := range ciFiles {
		for _, failures := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/failures=%t", filepath.Base(file), failures), func(t *testing.T) {
				t.Parallel()
				runCIJob(t, examples, readCIJob(t, examples.root, file), home, bin, failures)
			})
		}
	}
}

// runCIJob runs job's steps against a new emulator whose scheduled batch
// has failed devices or not, and checks the artifact and the job's outcome.
func runCIJob(t *testing.T, examples *exampleRunner, job ciJob, home, bin string, failures bool) {
	t.Helper()
	em := newExampleEmulator(t)
	schedule := scheduleWithFailuresWithoutDetails()
	if !failures {
		for i := range schedule.Devices {
			schedule.Devices[i].ErrorCode, schedule.Devices[i].ErrorDescription = "", ""
		}
	}
	if err := em.ScheduleBatch(emulator.SeedCustomerID, schedule); err != nil {
		t.Fatal(err)
	}
	const subject = "repo:contoso/autopilot:environment:partner-center"
	em.RegisterFederatedCredential(emulator.DefaultTenantID, emulator.DefaultClientID, subject)
	workspace := t.TempDir()
	pipeline := filepath.Join(workspace, "examples", "pipeline")
	if err := os.MkdirAll(pipeline, 0o755); err != nil {
		t.Fatal(err)
	}
	main, err := os.ReadFile(filepath.Join(examples.root, "examples", "pipeline", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pipeline, "main.tf"), main, 0o600); err != nil {
		t.Fatal(err)
	}
	staging := t.TempDir()
	values := map[string]string{
		// GitHub Actions
		"vars.PARTNERCENTER_TENANT_ID": emulator.DefaultTenantID,
		"vars.PARTNERCENTER_CLIENT_ID": emulator.DefaultClientID,
		"inputs.upload_location":       "/customers/" + emulator.SeedCustomerID + "/batchJobStatus/" + emulator.ScheduledBatchTrackingID,
		// Azure DevOps
		"parameters.uploadLocation":      "/customers/" + emulator.SeedCustomerID + "/batchJobStatus/" + emulator.ScheduledBatchTrackingID,
		"tenantId":                       emulator.DefaultTenantID,
		"clientId":                       emulator.DefaultClientID,
		"serviceConnectionId":            "c0ffee00-0000-4000-8000-000000000001",
		"System.AccessToken":             em.NewOIDCRequestToken(subject),
		"Build.ArtifactStagingDirectory": staging,
	}
	// What the runner itself provides: its OIDC request URL and token, the
	// artifact directory; and the emulator's address in place of Partner
	// Center's.
	runner := append(credentialFreeEnvironment(), em.endpointEnvironment()...)
	// An empty CLI configuration: the local mirror in HOME is where the
	// provider comes from, and no warning about a missing file reaches
	// the scripts' output.
	cliConfig := filepath.Join(t.TempDir(), "cli.tfrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	runner = append(runner, "HOME="+home, "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1",
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	oidcRequest := http.MethodGet
	if strings.Contains(job.file, "github") {
		runner = append(runner, "ACTIONS_ID_TOKEN_REQUEST_URL="+em.URL+"/oidc/token", "ACTIONS_ID_TOKEN_REQUEST_TOKEN="+em.NewOIDCRequestToken(subject))
	} else {
		oidcRequest = http.MethodPost
		runner = append(runner, "SYSTEM_OIDCREQUESTURI="+em.URL+"/oidc/token", "BUILD_ARTIFACTSTAGINGDIRECTORY="+staging, "AGENT_TOOLSDIRECTORY="+t.TempDir())
	}

	var log strings.Builder
	var published []byte
	failedStep := ""
	for _, s := range job.steps {
		if slices.Contains(installSteps, s.name) || s.script == "" && !strings.Contains(s.name, "Publish") {
			continue // supplied by the test: the mirror, the CLI, the checkout
		}
		if failedStep != "" && !s.runsAfterFailure(t) {
			continue
		}
		if s.script == "" {
			// The artifact upload: what the step would publish.
			path := s.inputs["path"]
			if path == "" {
				path = s.inputs["targetPath"]
			}
			path = job.expand(t, path, values)
			if !filepath.IsAbs(path) {
				path = filepath.Join(workspace, path)
			}
			if published, err = os.ReadFile(path); err != nil {
				t.Fatalf("step %q publishes nothing: %v\n%s", s.name, err, log.String())
			}
			continue
		}
		env := slices.Clone(runner)
		for k, v := range job.stepEnv(s) {
			env = append(env, k+"="+job.expand(t, v, values))
		}
		cmd := exec.Command("bash", "-eo", "pipefail", "-c", s.script) //nolint:gosec // the CI example's own script
		cmd.Dir = filepath.Join(workspace, s.dir)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		fmt.Fprintf(&log, "== %s\n%s\n", s.name, out)
		if err != nil {
			failedStep = s.name
		}
	}

	var devices []map[string]any
	if err := json.Unmarshal(published, &devices); err != nil {
		t.Fatalf("the artifact is not a JSON list: %v\n%s", err, log.String())
	}
	if failures {
		if failedStep != "Fail on failed devices" || len(devices) != 3 || !strings.Contains(log.String(), "3 device(s) failed to upload") {
			t.Errorf("failed step %q, %d devices published; want the last step to fail after 3 devices were published\n%s", failedStep, len(devices), log.String())
		}
	} else if failedStep != "" || len(devices) != 0 {
		t.Errorf("failed step %q, %d devices published; want the job to pass and publish an empty list\n%s", failedStep, len(devices), log.String())
	}
	// Signed in with the CI system's federated token, requested as that
	// system's runners do.
	var requested, assertions int
	for _, r := range em.Requests() {
		if r.Path == "/oidc/token" && r.Method == oidcRequest {
			requested++
		}
		if r.Form != nil && r.Form.Get("client_assertion") != "" {
			assertions++
		}
	}
	if requested == 0 || assertions == 0 {
		t.Errorf("%d %s requests of a federated token, %d federated tokens sent to Entra ID; want both\n%s", requested, oidcRequest, assertions, log.String())
	}
}
