package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/runner"
	"github.com/poc-harness/poc/pipeline/llm/llmtest"
)

// billed is what the fake provider charged at most: every request it
// received, answered or not, at the experiment's price.
func billed(srv *llmtest.Server) float64 {
	total := 0.0
	for _, r := range srv.Requests() {
		in, out := llmtest.PromptTokens(r.Req), llmtest.CompletionTokens(router(r.Req))
		total += float64(in)/1e6*0.15 + float64(out)/1e6*0.60
	}
	return total
}

func onlyRunDir(t *testing.T, out string) string {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(out, "support-triage", "*"))
	if len(dirs) != 1 {
		t.Fatalf("run folders: %v", dirs)
	}
	return dirs[0]
}

// TestBudgetHoldsAcrossKills starts a paid run with --max-cost, kills it
// twice with SIGKILL and resumes it each time without repeating the flag:
// the cap holds over all the attempts together (what the provider received
// stays within it), the manifest counts every attempt and at least what
// was charged, and the resume keeps the cap the run started with.
func TestBudgetHoldsAcrossKills(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	const limit = 0.04
	srv := llmtest.NewServer(t, llmtest.WithResponder(router), llmtest.WithLatency(3*time.Millisecond))
	llmEnv(t, srv)
	out := t.TempDir()
	args := []string{"run", triage, "--out", out, "--max-cost", "0.04", "--no-cache"}
	for kill := 0; kill < 2; kill++ {
		cmd, stderr := startPoc(t, args...)
		target := srv.Count() + 150
		deadline := time.Now().Add(30 * time.Second)
		for srv.Count() < target && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		if srv.Count() < target {
			t.Fatalf("attempt %d made only %d calls; stderr: %s", kill+1, srv.Count(), stderr)
		}
		args = []string{"run", "--resume", onlyRunDir(t, out)} // no --max-cost: the run's own is kept
	}
	code, _, stderr, _ := runTriage(t, args[1:]...)
	if code != ExitFailure || !strings.Contains(stderr, "max_cost") {
		t.Fatalf("last resume: exit %d, stderr %q; want the budget stop", code, stderr)
	}
	dir := onlyRunDir(t, out)
	var man results.Manifest
	readJSON(t, filepath.Join(dir, results.ManifestFile), &man)
	charged := billed(srv)
	if charged > limit {
		t.Errorf("the provider received requests worth %.4f over all attempts, beyond --max-cost %.2f", charged, limit)
	}
	if man.Attempts != 3 || man.Spent < charged-1e-9 || man.Spent > limit || man.Flags.MaxCost != limit {
		t.Errorf("manifest: %d attempts, spent %.4f (charged %.4f), --max-cost %v; want 3 attempts, spent ≥ charged and ≤ %.2f, the flag kept",
			man.Attempts, man.Spent, charged, man.Flags.MaxCost, limit)
	}
	if !slices.Contains(man.Flags.Kept, "--max-cost") || !slices.Contains(man.Flags.Kept, "--no-cache") {
		t.Errorf("flags kept on resume: %v", man.Flags.Kept)
	}
}

// TestResumeRetriesFailures stops a run on its error budget against a
// failing server, then resumes it against a healthy one: the resume makes
// the failed calls again and completes, every ticket once in the journal,
// none failed.
func TestResumeRetriesFailures(t *testing.T) {
	var broken atomic.Bool
	broken.Store(true)
	srv := llmtest.NewServer(t, llmtest.WithResponder(router), llmtest.WithFaults(func(int, openai.ChatCompletionRequest) llmtest.Fault {
		if broken.Load() {
			return llmtest.Fault{Status: 400} // not retried: fails at once
		}
		return llmtest.Fault{}
	}))
	llmEnv(t, srv)
	out := t.TempDir()
	code, _, stderr, _ := runTriage(t, triage, "--out", out)
	if code != ExitFailure || !strings.Contains(stderr, "max_error_rate") {
		t.Fatalf("exit %d, stderr %q; want the error-budget stop", code, stderr)
	}
	dir := onlyRunDir(t, out)
	broken.Store(false)
	code, stdout, stderr, _ := runTriage(t, "--resume", dir)
	if code != ExitOK {
		t.Fatalf("resume against a healthy server: exit %d\n%s\n%s", code, stdout, stderr)
	}
	assertJournalComplete(t, dir, 2000)
	var mf results.Metrics
	readJSON(t, filepath.Join(dir, results.MetricsFile), &mf)
	for _, p := range mf.Pipelines {
		if p.Name == "llm-router" && p.Failures != 0 {
			t.Errorf("llm-router failed on %d records after the resume", p.Failures)
		}
	}
	var man results.Manifest
	readJSON(t, filepath.Join(dir, results.ManifestFile), &man)
	if man.Retried == 0 || man.Attempts != 2 {
		t.Errorf("manifest: %d predictions retried in %d attempts", man.Retried, man.Attempts)
	}
}

// TestOneProcessPerRunFolder resumes a run folder while another process
// resumes it: the second is refused at once, naming the first.
func TestOneProcessPerRunFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	srv := llmtest.NewServer(t, llmtest.WithResponder(router), llmtest.WithLatency(20*time.Millisecond))
	llmEnv(t, srv)
	out := t.TempDir()
	// A first run stopped by its budget leaves a folder to resume.
	if code, _, stderr, _ := runTriage(t, triage, "--out", out, "--max-cost", "0.01"); code != ExitFailure {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	dir := onlyRunDir(t, out)
	cmd, stderr := startPoc(t, "run", "--resume", dir, "--max-cost", "1", "--no-cache")
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	before := srv.Count()
	deadline := time.Now().Add(30 * time.Second)
	for srv.Count() < before+20 && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
	var so, se bytes.Buffer
	code := Run(context.Background(), []string{"run", "--resume", dir, "--max-cost", "1"}, IO{Out: &so, Err: &se})
	if code == ExitOK || !strings.Contains(se.String(), "in use") || !strings.Contains(se.String(), "pid") {
		t.Fatalf("second resume: exit %d, stderr %q; first: %s", code, se.String(), stderr)
	}
	_, _, err := runner.Resume(context.Background(), dir, nil, runner.Options{})
	if !errors.Is(err, runner.ErrLocked) {
		t.Errorf("runner.Resume = %v, want ErrLocked", err)
	}
	if _, err := os.Stat(filepath.Join(dir, results.LockFile)); err != nil {
		t.Error(err)
	}
}

// TestAKeyHandedToAProgramIsWarned: an exec pipeline whose pass_env names
// the variable holding the llm pipeline's key is warned about at validate,
// at the exec pipeline's line.
func TestAKeyHandedToAProgramIsWarned(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TRIAL_KEY", "sk-trial-0123456789")
	files := map[string]string{
		"data.csv": "text,y\nhello,a\nworld,b\n",
		"exp.yaml": `version: 1
name: keys
use_case: {question: Does the key stay with poc}
dataset: {path: data.csv, label: y, positive: b}
privacy: {allow_urls: ["http://127.0.0.1:9/v1"]}
pipelines:
  - {name: model, role: candidate, type: llm, base_url: "http://127.0.0.1:9/v1", api_key_env: TRIAL_KEY, model: m, prompt: "{{.text}}", output: {labels: [a, b]}, max_tokens: 2}
  - {name: script, role: baseline, type: exec, command: [sh, run.sh], pass_env: [TRIAL_KEY]}
metrics: [accuracy]
`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := runCLI(t, context.Background(), "validate", filepath.Join(dir, "exp.yaml"))
	all := stdout + stderr
	if code != ExitOK || !strings.Contains(all, "exp.yaml:8:") || !strings.Contains(all, `pipeline "script" gets TRIAL_KEY, which holds an API key`) {
		t.Fatalf("exit %d:\n%s", code, all)
	}
	if strings.Contains(all, "sk-trial-0123456789") {
		t.Error("the warning printed the key")
	}
}

// TestACacheThatCannotStoreIsWarnedOnce runs against a cache folder where
// no answer can be stored (every shard folder is a file, as a full disk
// fails every write): the run completes, and says once how many answers
// it could not cache; the manifest counts them.
func TestACacheThatCannotStoreIsWarnedOnce(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithResponder(router))
	llmEnv(t, srv)
	cache := t.TempDir()
	for i := range 256 {
		if err := os.WriteFile(filepath.Join(cache, fmt.Sprintf("%02x", i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("POC_CACHE_DIR", cache)
	out := t.TempDir()
	code, _, stderr, dir := runTriage(t, triage, "--out", out)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := strings.Count(stderr, "could not be stored in the response cache"); n != 1 {
		t.Errorf("the warning appears %d times in stderr:\n%s", n, stderr)
	}
	var man results.Manifest
	readJSON(t, filepath.Join(dir, results.ManifestFile), &man)
	if man.Cache.PutErrors < 1900 || man.Cache.FirstPutError == "" {
		t.Errorf("manifest cache: %+v", man.Cache)
	}
}
