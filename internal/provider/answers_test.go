package provider

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// Where Microsoft's sources are silent, the emulator gives either plausible
// answer (emulator.Answers), and every resource's lifecycle runs under each
// answer of each question that touches it: the proof that the provider
// converges whatever Partner Center answers.

// otherAnswers holds, for each of the emulator's switches by name, its
// answer other than the default.
var otherAnswers = map[string]func(*emulator.Answers){
	"list-hardware-hashes":            func(a *emulator.Answers) { a.ListHardwareHashes = true },
	"list-uploaded-fields-only":       func(a *emulator.Answers) { a.ListUploadedFieldsOnly = true },
	"status-ids-only":                 func(a *emulator.Answers) { a.StatusIDsOnly = true },
	"failed-jobs-without-results":     func(a *emulator.Answers) { a.FailedJobsWithoutResults = true },
	"policy-update-keeps-description": func(a *emulator.Answers) { a.PolicyUpdateKeepsDescription = true },
	"empty-settings-read-as-none":     func(a *emulator.Answers) { a.EmptySettingsReadAsNone = true },
	"delete-assigned-policy":          func(a *emulator.Answers) { a.DeleteAssignedPolicy = true },
	"total-count-per-page":            func(a *emulator.Answers) { a.TotalCountPerPage = true },
	"pascal-case-enums":               func(a *emulator.Answers) { a.PascalCaseEnums = true },
	"bare-array-lists":                func(a *emulator.Answers) { a.BareArrayLists = true },
	"case-sensitive-batch-names":      func(a *emulator.Answers) { a.CaseSensitiveBatchNames = true },
	// A cap below the parts the provider sends, and below the devices of
	// the lifecycles' uploads: a part over it is refused, and goes again
	// in halves (smallCap).
	"max-devices-per-upload": func(a *emulator.Answers) { a.MaxDevicesPerUpload = smallCap },
	// Long enough for every wait of a test to read its job's status.
	"status-expiry": func(a *emulator.Answers) { a.StatusExpiry = time.Minute },
}

// smallCap is max-devices-per-upload's answer in the lifecycles: fewer
// devices a request than their uploads of 3 and 4 devices carry.
const smallCap = 2

// Which switches touch which resource: the questions whose answer the
// resource's calls read or send.
var (
	deviceBatchSwitches = []string{"list-hardware-hashes", "list-uploaded-fields-only", "status-ids-only", "failed-jobs-without-results",
		"total-count-per-page", "pascal-case-enums", "bare-array-lists", "case-sensitive-batch-names", "max-devices-per-upload", "status-expiry"}
	configurationPolicySwitches = []string{"policy-update-keeps-description", "empty-settings-read-as-none", "delete-assigned-policy",
		"pascal-case-enums"}
	devicePolicyAssignmentSwitches = []string{"list-hardware-hashes", "list-uploaded-fields-only", "status-ids-only",
		"failed-jobs-without-results", "total-count-per-page", "pascal-case-enums", "bare-array-lists", "case-sensitive-batch-names",
		"max-devices-per-upload", "status-expiry", "delete-assigned-policy"}
)

// TestEveryAnswerIsTried fails when the emulator has a switch that no
// resource's lifecycle runs under, or a resource names a switch it lacks.
func TestEveryAnswerIsTried(t *testing.T) {
	tried := map[string]bool{}
	for _, name := range slices.Concat(deviceBatchSwitches, configurationPolicySwitches, devicePolicyAssignmentSwitches) {
		if otherAnswers[name] == nil {
			t.Errorf("switch %q has no other answer in otherAnswers", name)
		}
		tried[name] = true
	}
	for _, s := range emulator.AnswerSwitches {
		if !tried[s.Name] {
			t.Errorf("no resource's lifecycle runs under the emulator's switch -%s", s.Name)
		}
	}
	if len(otherAnswers) != len(emulator.AnswerSwitches) {
		t.Errorf("otherAnswers names %d switches, the emulator has %d", len(otherAnswers), len(emulator.AnswerSwitches))
	}
}

// answersVariable picks which answers underEveryAnswer runs a lifecycle
// under: unset or "every", the defaults and the other answer of each switch;
// "defaults", the defaults alone. make test runs every answer under one CLI
// and the defaults under the others, so that each pair of answer and
// resource and each pair of CLI and lifecycle runs once; make test-all runs
// every answer under every CLI.
const answersVariable = "PARTNERCENTER_ACC_ANSWERS"

// underEveryAnswer runs lifecycle, which makes its own emulator with the
// answers it is given, as a parallel subtest under the default answers and,
// unless answersVariable says "defaults", under the other answer of each of
// switches; a subtest not run is skipped, saying why.
func underEveryAnswer(t *testing.T, switches []string, lifecycle func(t *testing.T, answers emulator.Answers)) {
	every, err := everyAnswer(os.Getenv(answersVariable))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("defaults", func(t *testing.T) { lifecycle(t, emulator.Answers{}) })
	for _, name := range switches {
		t.Run(name, func(t *testing.T) {
			if !every {
				t.Skipf("%s=defaults: this answer runs under make test's first CLI and make test-all", answersVariable)
			}
			var answers emulator.Answers
			otherAnswers[name](&answers)
			lifecycle(t, answers)
		})
	}
}

// everyAnswer reads answersVariable's value.
func everyAnswer(value string) (bool, error) {
	switch value {
	case "", "every":
		return true, nil
	case "defaults":
		return false, nil
	}
	return false, fmt.Errorf("%s=%q: want every (the default) or defaults", answersVariable, value)
}

// forgetStep removes addresses from the state without touching Partner
// Center, with removed blocks (Terraform 1.7, OpenTofu 1.7), so that the
// next step imports them again; hcl is the configuration without them.
func forgetStep(hcl string, addresses ...string) resource.TestStep {
	var b strings.Builder
	b.WriteString(hcl)
	for _, address := range addresses {
		fmt.Fprintf(&b, "\nremoved {\n  from = %s\n  lifecycle {\n    destroy = false\n  }\n}\n", address)
	}
	return resource.TestStep{Config: b.String()}
}

// importBlock is an import block of id into address.
func importBlock(address, id string) string {
	return fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", address, id)
}

// importBlockStep is a step of the configuration hcl with an import block
// for each address of ids, whose ID is known only once the step runs, such
// as that of a policy an earlier step created: each function of ids is
// called then, and the configuration written to a file the step reads. The
// plan must import each without a change. A step reading a file with a
// provider block must name its providers itself, not its test case: see
// withProviders.
func importBlockStep(t *testing.T, hcl string, ids map[string]func() string) resource.TestStep {
	file := filepath.Join(t.TempDir(), "main.tf")
	// The test checks the file exists before any step runs.
	if err := os.WriteFile(file, []byte(hcl), 0o600); err != nil {
		t.Fatal(err)
	}
	var noChange []plancheck.PlanCheck
	for _, address := range slices.Sorted(maps.Keys(ids)) {
		noChange = append(noChange, plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop))
	}
	return resource.TestStep{
		PreConfig: func() {
			blocks := hcl
			for address, id := range ids {
				blocks += importBlock(address, id())
			}
			if err := os.WriteFile(file, []byte(blocks), 0o600); err != nil {
				t.Fatal(err)
			}
		},
		ConfigFile:       func(config.TestStepConfigRequest) string { return file },
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: noChange},
	}
}

// withProviders gives every step of a test case the providers of factories,
// for a test case that has a step of importBlockStep.
func withProviders(factories map[string]func() (tfprotov6.ProviderServer, error), steps ...resource.TestStep) []resource.TestStep {
	for i := range steps {
		steps[i].ProtoV6ProviderFactories = factories
	}
	return steps
}

func TestAnswersVariable(t *testing.T) {
	for value, want := range map[string]bool{"": true, "every": true, "defaults": false} {
		if every, err := everyAnswer(value); err != nil || every != want {
			t.Errorf("%s=%q: every answer %v (%v), want %v", answersVariable, value, every, err, want)
		}
	}
	if _, err := everyAnswer("all"); err == nil || err.Error() != `PARTNERCENTER_ACC_ANSWERS="all": want every (the default) or defaults` {
		t.Errorf("an unknown value: %v", err)
	}
}

// TestOtherCLIsRunEveryLifecycle fails when make test's pattern of the
// tests run under the CLIs other than the first (OTHER_CLI_TESTS in the
// GNUmakefile) leaves out a resource's lifecycle, the examples applied, or
// the function's tests, or names a lifecycle that no test declares: each
// pair of CLI and lifecycle must run.
func TestOtherCLIsRunEveryLifecycle(t *testing.T) {
	makefile, err := os.ReadFile(filepath.Join("..", "..", "GNUmakefile"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, found := strings.Cut(string(makefile), "\nOTHER_CLI_TESTS := ")
	if !found {
		t.Fatal("the GNUmakefile sets no OTHER_CLI_TESTS")
	}
	line, _, _ := strings.Cut(rest, "\n")
	pattern, err := regexp.Compile(line)
	if err != nil {
		t.Fatalf("OTHER_CLI_TESTS %q: %v", line, err)
	}
	tests := []string{"TestExamplesApply", "TestAccAutopilotDevices_function"}
	p := New("test")()
	for _, newResource := range p.Resources(t.Context()) {
		var resp fwresource.MetadataResponse
		newResource().Metadata(t.Context(), fwresource.MetadataRequest{ProviderTypeName: "partnercenter"}, &resp)
		var name strings.Builder
		for word := range strings.SplitSeq(strings.TrimPrefix(resp.TypeName, "partnercenter_"), "_") {
			name.WriteString(strings.ToUpper(word[:1]) + word[1:])
		}
		tests = append(tests, "TestAcc"+name.String()+"_lifecycleUnderEveryAnswer")
	}
	sources, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	var declared strings.Builder
	for _, source := range sources {
		content, err := os.ReadFile(source) //nolint:gosec // the package's own files
		if err != nil {
			t.Fatal(err)
		}
		declared.Write(content)
	}
	for _, test := range tests {
		if !strings.Contains(declared.String(), "\nfunc "+test+"(t *testing.T) {") {
			t.Errorf("no test %s: each resource's lifecycle runs under every answer as TestAcc<Resource>_lifecycleUnderEveryAnswer", test)
		}
		if !pattern.MatchString(test) {
			t.Errorf("OTHER_CLI_TESTS %q leaves out %s: it would run under one CLI alone", line, test)
		}
	}
}
