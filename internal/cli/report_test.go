package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/poc-harness/poc/internal/results"
)

func TestReportCmdNotARun(t *testing.T) {
	for name, dir := range map[string]string{"missing": filepath.Join(t.TempDir(), "nope"), "empty": t.TempDir()} {
		t.Run(name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := Run(context.Background(), []string{"report", dir}, IO{Out: &out, Err: &errOut})
			if code != ExitInvalid {
				t.Errorf("exit code %d, want %d", code, ExitInvalid)
			}
			if !strings.Contains(errOut.String(), "not a") || !strings.Contains(errOut.String(), "run folder") {
				t.Errorf("message %q does not say the folder is not a run folder", errOut.String())
			}
			if _, err := os.Stat(filepath.Join(dir, "report.html")); err == nil {
				t.Error("report.html written into a folder that is not a run")
			}
		})
	}
}

func TestReportCmdArgs(t *testing.T) {
	var got *ReportOptions
	cmd := newReportCmd(IO{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}, func(o *ReportOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"results/x/1"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Dir != "results/x/1" {
		t.Errorf("options %+v", got)
	}
}

// interruptedAnalysis runs a small experiment whose analysis is slow (many
// resamples) and interrupts it once its predictions are written, leaving a
// run folder interrupted during the analysis; it returns the folder.
func interruptedAnalysis(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	var data strings.Builder
	data.WriteString("x,y\n")
	for i := range 3000 {
		fmt.Fprintf(&data, "%d,%d\n", i%7, (i%7)%2)
	}
	files := map[string]string{"data.csv": data.String(), "exp.yaml": "version: 1\nname: interrupt\nuse_case: {question: Does the rule hold}\n" +
		"dataset: {path: data.csv, label: y}\n" +
		"pipelines:\n  - {name: r, role: candidate, type: rules, rules: [{when: x > 3, output: 1}], default: 0}\n" +
		"metrics: [f1]\ncriteria:\n  - {metric: f1, pipeline: r, at_least: 0.2, must: true}\n" +
		"report: {bootstrap: {resamples: 100000}}\n"}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := filepath.Join(dir, "results")
	go func() {
		for ctx.Err() == nil {
			if m, _ := filepath.Glob(filepath.Join(out, "interrupt", "*", results.PredictionsFile)); len(m) > 0 {
				cancel()
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	code, _, stderr := runCLI(t, ctx, "run", filepath.Join(dir, "exp.yaml"), "--out", out)
	runs, _ := filepath.Glob(filepath.Join(out, "interrupt", "*"))
	if code != ExitInterrupted || len(runs) != 1 || !strings.Contains(stderr, "during the analysis") {
		t.Fatalf("run: exit %d, %d run folders, stderr:\n%s", code, len(runs), stderr)
	}
	return runs[0]
}

// `poc report` finishes the analysis of a run interrupted during it, and
// keeps refusing a run interrupted during the replay, pointing at
// `poc run --resume`.
func TestReportFinishesAnInterruptedAnalysis(t *testing.T) {
	run := interruptedAnalysis(t)
	t.Run("during the replay", func(t *testing.T) {
		// The same folder, as if the replay had stopped: report refuses it.
		copyDir := t.TempDir()
		for _, name := range []string{results.ManifestFile, results.JournalFile} {
			b, err := os.ReadFile(filepath.Join(run, name))
			if err != nil {
				t.Fatal(err)
			}
			if name == results.ManifestFile {
				b = bytes.ReplaceAll(b, []byte("interrupted during the analysis"), []byte("interrupted after 120 records"))
				b = bytes.ReplaceAll(b, []byte(`"stopped_in": "analysis"`), []byte(`"stopped_in": "replay"`))
			}
			if err := os.WriteFile(filepath.Join(copyDir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		code, _, stderr := runCLI(t, context.Background(), "report", copyDir)
		if code != ExitInvalid || !strings.Contains(stderr, "poc run --resume "+copyDir) {
			t.Fatalf("exit %d, stderr:\n%s", code, stderr)
		}
		if _, err := os.Stat(filepath.Join(copyDir, results.VerdictFile)); err == nil {
			t.Error("report wrote a verdict for a run whose replay did not end")
		}
	})
	t.Run("during the analysis", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, context.Background(), "report", run)
		if code != ExitOK || !strings.Contains(stdout, "Finished the analysis of the 3,000 records") {
			t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
		for _, name := range []string{results.VerdictFile, results.MetricsFile, results.MarkdownFile, "report.html"} {
			if _, err := os.Stat(filepath.Join(run, name)); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
		man, err := readManifest(run)
		if err != nil || man.Status != results.Complete {
			t.Errorf("manifest status %q (%v)", man.Status, err)
		}
	})
}
