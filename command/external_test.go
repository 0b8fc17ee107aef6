package command_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The external-module example of metrics/README.md builds, as a module of
// its own against this repository, a poc that has its metric: what a data
// scientist does to add a metric in Go without a fork.
func TestExternalModuleExample(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a separate module (-short)")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to build the external module with")
	}
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(repo, "metrics", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	files := regexp.MustCompile("(?s)<!-- external-module: (\\S+) -->\n```[a-z]*\n(.*?)```").FindAllSubmatch(readme, -1)
	if len(files) != 3 {
		t.Fatalf("metrics/README.md marks %d files of the external module, want go.mod, main.go and langmetric/langmetric.go", len(files))
	}
	mod := t.TempDir()
	for _, f := range files {
		path := filepath.Join(mod, string(f[1]))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, f[2], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum")) // the dependencies' hashes, from the module cache
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mod, "go.sum"), sum, 0o644); err != nil {
		t.Fatal(err)
	}
	goCmd := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(gobin, args...)
		cmd.Dir = mod
		// The dependencies are the repository's, in the module cache by now;
		// the go command may fetch one it lacks from the module proxy.
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	goCmd("mod", "edit", "-replace", "github.com/poc-harness/poc="+repo) // as the README says, until poc is published
	goCmd("build", "-o", "mypoc", ".")
	bin := filepath.Join(mod, "mypoc")

	out, err := exec.Command(bin, "metrics", "same_language").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "same_language: share of answers in the customer's language") || !strings.Contains(string(out), "column") {
		t.Errorf("mypoc metrics same_language: %v\n%s", err, out)
	}
	exp, err := os.ReadFile(filepath.Join(repo, "experiments", "card-fraud.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(repo, "experiments", "data", "card-transactions.parquet")
	withMetric := strings.Replace(strings.Replace(string(exp), "path: data/card-transactions.parquet", "path: "+data, 1),
		"  - cost_per_record\n", "  - cost_per_record\n  - {name: answered_in_language, type: same_language, column: country}\n", 1)
	if withMetric == string(exp) {
		t.Fatal("the example changed: the test adds no metric")
	}
	file := filepath.Join(mod, "exp.yaml")
	if err := os.WriteFile(file, []byte(withMetric), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = exec.Command(bin, "validate", file).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "valid — 4 pipelines (1 candidate), 9 metrics") {
		t.Errorf("mypoc validate with the new metric: %v\n%s", err, out)
	}
	out, _ = exec.Command(bin, "frobnicate").CombinedOutput()
	if !strings.Contains(string(out), `unknown command "frobnicate"`) {
		t.Errorf("mypoc is not poc's command line:\n%s", out)
	}
}
