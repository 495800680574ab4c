package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBinaryLogsWhenTerraformKeepsThem applies examples/demo with the
// provider binary and TF_LOG_PROVIDER=TRACE: the binary turns its loggers
// off only when Terraform would drop their lines, so the framework's TRACE
// lines and the provider's INFO polls must reach Terraform's log.
func TestBinaryLogsWhenTerraformKeepsThem(t *testing.T) {
	t.Parallel()
	examples := newExampleRunner(t)
	em := newExampleEmulator(t)
	work := copyExample(t, filepath.Join(examples.root, "examples", "demo"))
	env, args := setupDemo(t, em, work)
	logFile := filepath.Join(t.TempDir(), "terraform.log")
	env = append(append(credentialFreeEnvironment(), env...), "TF_LOG_PROVIDER=TRACE", "TF_LOG_PATH="+logFile)
	out, err := examples.run(t, work, env, append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, args...)...)
	if err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"Calling provider defined DataSource Read", "Polled device batch status"} {
		if !strings.Contains(string(log), line) {
			t.Errorf("Terraform's log lacks %q", line)
		}
	}
}
