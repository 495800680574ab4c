package provider

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestExamplesValidate runs `validate` of the configured Terraform (or
// OpenTofu) binary on every directory of examples/, against this provider
// built from source, so that documented examples never drift from the schema.
func TestExamplesValidate(t *testing.T) {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || cli == "" {
		t.Skip("set TF_ACC=1 and TF_ACC_TERRAFORM_PATH to validate the examples")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	pluginDir := t.TempDir()
	binary := filepath.Join(pluginDir, "terraform-provider-partnercenter")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	cliConfig := filepath.Join(t.TempDir(), "cli.tfrc")
	if err := os.WriteFile(cliConfig, []byte(devOverrides(pluginDir)), 0o600); err != nil {
		t.Fatal(err)
	}

	dirs := exampleDirectories(t, filepath.Join(root, "examples"))
	if len(dirs) < 3 {
		t.Fatalf("found only %d example directories: %v", len(dirs), dirs)
	}
	for _, dir := range dirs {
		rel, _ := filepath.Rel(root, dir)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			// TF_DATA_DIR keeps the CLI's working files out of examples/.
			cmd := exec.Command(cli, "-chdir="+dir, "validate", "-no-color")
			cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "TF_DATA_DIR="+t.TempDir(), "CHECKPOINT_DISABLE=1")
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "The configuration is valid") {
				t.Errorf("%s validate failed: %v\n%s", filepath.Base(cli), err, out)
			}
		})
	}
}

// devOverrides points Terraform and OpenTofu at the provider in dir, under
// every address an example may resolve it to: the examples that declare no
// required_providers get the default namespace of each registry.
func devOverrides(dir string) string {
	var b strings.Builder
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		for _, namespace := range []string{"seed-8b9b5c63", "hashicorp"} {
			fmt.Fprintf(&b, "    %q = %q\n", host+"/"+namespace+"/partnercenter", dir)
		}
	}
	b.WriteString("  }\n  direct {}\n}\n")
	return b.String()
}

// exampleDirectories lists the directories below root that hold .tf files.
func exampleDirectories(t *testing.T, root string) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".tf") && !slices.Contains(dirs, filepath.Dir(path)) {
			dirs = append(dirs, filepath.Dir(path))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}
