package provider

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestExamplesValidate runs `validate` of the configured Terraform (or
// OpenTofu) binary on every directory of examples/, against this provider
// built from source, so that documented examples never drift from the schema.
func TestExamplesValidate(t *testing.T) {
	examples := newExampleRunner(t)
	for _, dir := range examples.dirs {
		t.Run(examples.name(dir), func(t *testing.T) {
			t.Parallel()
			// TF_DATA_DIR keeps the CLI's working files out of examples/.
			out, err := examples.run(t, dir, os.Environ(), "validate", "-no-color")
			if err != nil || !strings.Contains(out, "The configuration is valid") {
				t.Errorf("%s validate failed: %v\n%s", filepath.Base(examples.cli), err, out)
			}
		})
	}
}

// TestEveryExampleHasAReadme fails when a directory of examples/ that holds
// .tf or .yml files lacks a README.md, or has one that does not say how to
// run the example against the emulator, pointing at the guide that sets it
// up, and against Partner Center; and when a relative link of a README.md
// leads nowhere.
func TestEveryExampleHasAReadme(t *testing.T) {
	t.Parallel()
	root, err := repositoryRoot()
	if err != nil {
		t.Fatal(err)
	}
	dirs := map[string]bool{}
	err = filepath.WalkDir(filepath.Join(root, "examples"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch filepath.Ext(path) {
		case ".tf", ".yml", ".yaml":
			if !d.IsDir() {
				dirs[filepath.Dir(path)] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 10 {
		t.Fatalf("found only %d example directories: %v", len(dirs), dirs)
	}
	link := regexp.MustCompile(`\]\(([^)#\s]+)(?:#[^)]*)?\)`)
	for dir := range dirs {
		name, _ := filepath.Rel(root, dir)
		content, err := os.ReadFile(filepath.Join(dir, "README.md")) //nolint:gosec // the repository's own files
		if err != nil {
			t.Errorf("%s has no README.md saying what it shows and how to run it: %v", filepath.ToSlash(name), err)
			continue
		}
		readme := string(content)
		for _, want := range []string{"# " + filepath.ToSlash(name) + "\n", "\n## Against the emulator\n", "\n## Against Partner Center\n", "docs/guides/emulator.md)"} {
			if !strings.Contains(readme, want) {
				t.Errorf("%s/README.md lacks %q", filepath.ToSlash(name), want)
			}
		}
		for _, m := range link.FindAllStringSubmatch(readme, -1) {
			if strings.Contains(m[1], "://") {
				continue
			}
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(m[1]))); err != nil {
				t.Errorf("%s/README.md links to %s, which does not exist", filepath.ToSlash(name), m[1])
			}
		}
	}
}

// exampleRunner runs the configured Terraform (or OpenTofu) binary on the
// directories of examples/ against this provider built from source.
type exampleRunner struct {
	cli, cliConfig, root string
	// provider is the provider binary built from source.
	provider string
	dirs     []string
}

func newExampleRunner(t *testing.T) *exampleRunner {
	t.Helper()
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || cli == "" {
		t.Skip("set TF_ACC=1 and TF_ACC_TERRAFORM_PATH to run the examples")
	}
	root, err := repositoryRoot()
	if err != nil {
		t.Fatal(err)
	}
	binary, err := builtProvider()
	if err != nil {
		t.Fatal(err)
	}
	cliConfig := filepath.Join(t.TempDir(), "cli.tfrc")
	if err := os.WriteFile(cliConfig, []byte(devOverrides(filepath.Dir(binary))), 0o600); err != nil {
		t.Fatal(err)
	}
	dirs := exampleDirectories(t, filepath.Join(root, "examples"))
	if len(dirs) < 3 {
		t.Fatalf("found only %d example directories: %v", len(dirs), dirs)
	}
	return &exampleRunner{cli: cli, cliConfig: cliConfig, root: root, provider: binary, dirs: dirs}
}

// repositoryRoot is the directory of the repository, two above this
// package's.
func repositoryRoot() (string, error) {
	return filepath.Abs(filepath.Join("..", ".."))
}

// providerDir holds the provider binary that builtProvider builds; runTests
// makes it and removes it once every test has run.
var providerDir string

// builtProvider builds the provider from source into providerDir once per
// test process and returns the binary's path: a build takes seconds, and
// every test that runs the CLI needs the same binary.
var builtProvider = sync.OnceValues(func() (string, error) {
	root, err := repositoryRoot()
	if err != nil {
		return "", err
	}
	binary := filepath.Join(providerDir, "terraform-provider-partnercenter")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the provider: %w\n%s", err, out)
	}
	return binary, nil
})

// name is dir relative to the repository, with forward slashes.
func (r *exampleRunner) name(dir string) string {
	rel, _ := filepath.Rel(r.root, dir)
	return filepath.ToSlash(rel)
}

// run runs the CLI in dir with env and args, returning its combined output.
func (r *exampleRunner) run(t *testing.T, dir string, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(r.cli, append([]string{"-chdir=" + dir}, args...)...) //nolint:gosec // the CLI the test runner names
	cmd.Env = append(env, "TF_CLI_CONFIG_FILE="+r.cliConfig, "TF_DATA_DIR="+t.TempDir(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.CombinedOutput()
	return string(out), err
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

// TestInstallIntoLocalMirror runs `make install` into a new home directory's
// local filesystem mirror, as the README tells users to, and `init` of a
// configuration that asks for the provider by its registry address and
// version: the CLI finds it there, with no CLI configuration.
func TestInstallIntoLocalMirror(t *testing.T) {
	examples := newExampleRunner(t)
	home := t.TempDir()
	install := exec.Command("make", "--no-print-directory", "install", "PLUGIN_DIR="+filepath.Join(home, ".terraform.d", "plugins")) //nolint:gosec // the repository's own make target
	install.Dir = examples.root
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	dir := t.TempDir()
	config := `terraform {
  required_providers {
    partnercenter = {
      source  = "seed-8b9b5c63/partnercenter"
      version = "~> 0.1.0"
    }
  }
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	init := exec.Command(examples.cli, "-chdir="+dir, "init", "-input=false", "-no-color") //nolint:gosec // the CLI the test runner names
	init.Env = append(credentialFreeEnvironment(), "HOME="+home, "TF_CLI_CONFIG_FILE="+filepath.Join(home, "no-cli-config"),
		"TF_DATA_DIR="+t.TempDir(), "CHECKPOINT_DISABLE=1")
	out, err := init.CombinedOutput()
	if err != nil || !regexp.MustCompile(`Installing seed-8b9b5c63/partnercenter v0\.1\.0`).Match(out) {
		t.Errorf("%s init: %v, want the provider installed from the local mirror\n%s", filepath.Base(examples.cli), err, out)
	}
}
