package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/poc-harness/poc/internal/results"
)

// startPoc starts the test binary as poc (see TestMain) with args.
func startPoc(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "POC_TEST_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stderr
}

// waitForAnalysis waits until a run under out has replayed every record
// (its predictions.parquet exists: the analysis has begun) and returns its
// folder.
func waitForAnalysis(t *testing.T, out string, cmd *exec.Cmd) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if m, _ := filepath.Glob(filepath.Join(out, "*", "*", results.PredictionsFile)); len(m) == 1 {
			return filepath.Dir(m[0])
		}
		time.Sleep(2 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	t.Fatal("the run never reached its analysis")
	return ""
}

// exitWithin waits for cmd and returns its exit code, failing the test
// when it takes longer than d.
func exitWithin(t *testing.T, cmd *exec.Cmd, d time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		return cmd.ProcessState.ExitCode()
	case <-time.After(d):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("still running %s after the signal", d)
		return -1
	}
}

// TestSignalDuringTheAnalysisStopsCleanly sends SIGTERM to a real poc
// process once the replay is over and the statistics are running: it stops
// promptly with exit 130, the manifest says it stopped in the analysis,
// and `poc report` finishes the analysis later.
func TestSignalDuringTheAnalysisStopsCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	out := t.TempDir()
	cmd, stderr := startPoc(t, "run", "../../experiments/card-fraud.yaml", "--out", out)
	dir := waitForAnalysis(t, out, cmd)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := exitWithin(t, cmd, 5*time.Second); code != ExitInterrupted {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, ExitInterrupted, stderr)
	}
	var man results.Manifest
	readJSON(t, filepath.Join(dir, results.ManifestFile), &man)
	if man.Status != results.Interrupted || man.StoppedIn != "analysis" {
		t.Fatalf("manifest: status %s, stopped in %q; want interrupted in the analysis", man.Status, man.StoppedIn)
	}
	if _, err := os.Stat(filepath.Join(dir, results.VerdictFile)); err == nil {
		t.Error("an interrupted analysis wrote a verdict")
	}
	var so, se bytes.Buffer
	if code := Run(context.Background(), []string{"report", dir}, IO{Out: &so, Err: &se}); code != ExitOK {
		t.Fatalf("poc report: exit %d\n%s\n%s", code, so.String(), se.String())
	}
	if _, err := os.Stat(filepath.Join(dir, results.VerdictFile)); err != nil {
		t.Errorf("poc report did not finish the analysis: %v", err)
	}
}

// TestSecondSignalQuitsAtOnce sends two SIGINTs: the second does not wait
// for the clean stop.
func TestSecondSignalQuitsAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	out := t.TempDir()
	cmd, stderr := startPoc(t, "run", "../../experiments/card-fraud.yaml", "--out", out)
	waitForAnalysis(t, out, cmd)
	_ = cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(20 * time.Millisecond)
	_ = cmd.Process.Signal(syscall.SIGINT)
	code := exitWithin(t, cmd, 5*time.Second)
	if code != ExitInterrupted || !strings.Contains(stderr.String(), "stopping cleanly") {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
}
