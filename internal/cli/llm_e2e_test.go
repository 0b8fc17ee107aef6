package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/pipeline/llm/llmtest"
)

const (
	triage = "../../experiments/support-triage.yaml"
	apiKey = "sk-test-DO-NOT-LEAK-4242"
)

// TestMain lets the test binary stand in for the poc binary: a subprocess
// started with POC_TEST_MAIN=1 runs poc itself, so a test can kill it.
func TestMain(m *testing.M) {
	if os.Getenv("POC_TEST_MAIN") == "1" {
		os.Exit(Main())
	}
	os.Exit(m.Run())
}

// router is a stand-in for a real model: it routes a ticket by the words of
// its last message, a little differently from the keyword rules.
func router(req openai.ChatCompletionRequest) string {
	text := strings.ToLower(req.Messages[len(req.Messages)-1].Content)
	switch {
	case strings.Contains(text, "cancel") && !strings.Contains(text, "refund"):
		return "cancellation"
	case strings.Contains(text, "refund") || strings.Contains(text, "invoice") || strings.Contains(text, "charge"):
		return "Billing."
	case strings.Contains(text, "parcel") || strings.Contains(text, "deliver") || strings.Contains(text, "tracking"):
		return "shipping"
	case strings.Contains(text, "password") || strings.Contains(text, "log in") || strings.Contains(text, "login"):
		return "account"
	case strings.Contains(text, "weather"):
		return "I am not sure."
	}
	return "technical"
}

func llmEnv(t *testing.T, srv *llmtest.Server) string {
	t.Helper()
	t.Setenv("POC_LLM_BASE_URL", srv.URL)
	t.Setenv("POC_LLM_API_KEY", apiKey)
	cache := t.TempDir()
	t.Setenv("POC_CACHE_DIR", cache)
	return cache
}

func runTriage(t *testing.T, args ...string) (code int, stdout, stderr, dir string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), append([]string{"run"}, args...), IO{Out: &out, Err: &errb})
	if m := regexp.MustCompile(`Run folder: (\S+)`).FindStringSubmatch(out.String()); m != nil {
		dir = m[1]
	}
	return code, out.String(), errb.String(), dir
}

// TestLLMRunIsCachedPrivateAndRepeatable replays the support-triage example
// against an in-process OpenAI-compatible server: the first run calls it
// once per ticket, a rerun calls it not at all and reaches the same verdict,
// no personal data from the tickets reaches the server, and the API key is
// in no file the runs wrote.
func TestLLMRunIsCachedPrivateAndRepeatable(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithResponder(router), llmtest.WithLatency(time.Millisecond))
	cache := llmEnv(t, srv)
	out := t.TempDir()

	code, stdout, stderr, first := runTriage(t, triage, "--out", out)
	if code != ExitOK || first == "" {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	calls := srv.Count()
	var firstMan results.Manifest
	readJSON(t, filepath.Join(first, results.ManifestFile), &firstMan)
	// Tickets whose pseudonymised request is the same as an earlier one's
	// are answered from the cache even in the first run.
	if calls+firstMan.Cache.Hits != 2000 || firstMan.Cache.Hits > 20 {
		t.Errorf("first run made %d calls and %d cache hits for 2,000 tickets", calls, firstMan.Cache.Hits)
	}

	code, stdout, stderr, second := runTriage(t, triage, "--out", out)
	if code != ExitOK {
		t.Fatalf("rerun: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if n := srv.Count() - calls; n != 0 {
		t.Errorf("the rerun made %d calls; a cached rerun makes none", n)
	}
	v1 := readVerdict(t, first)
	v2 := readVerdict(t, second)
	if v1 != v2 {
		t.Errorf("the cached rerun reached another verdict:\n%s\nvs\n%s", v1, v2)
	}
	var man results.Manifest
	readJSON(t, filepath.Join(second, results.ManifestFile), &man)
	if man.Cache.Hits != 2000 || man.Spent != 0 {
		t.Errorf("rerun manifest: %d cache hits, spent %v; want 2000 and 0", man.Cache.Hits, man.Spent)
	}
	if man.Privacy.Replaced["EMAIL"] == 0 || man.Privacy.Replaced["IBAN"] == 0 {
		t.Errorf("privacy counts %v: the tickets hold e-mails and IBANs", man.Privacy.Replaced)
	}

	// Nothing personal left the machine.
	personal := personalData(t)
	for _, r := range srv.Requests() {
		for _, p := range personal {
			if bytes.Contains(r.Body, []byte(p)) {
				t.Fatalf("the server received %q", p)
			}
		}
		if got := r.Header.Get("Authorization"); got != "Bearer "+apiKey {
			t.Fatalf("Authorization header %q", got)
		}
	}
	// The key is in no file of the runs nor of the cache.
	for _, root := range []string{out, cache} {
		filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, _ := os.ReadFile(path)
			if bytes.Contains(b, []byte(apiKey)) || bytes.Contains(b, []byte("DO-NOT-LEAK")) {
				t.Errorf("%s holds the API key", path)
			}
			return nil
		})
	}
	// Unparseable answers ("I am not sure.") are counted, not guessed.
	var mf results.Metrics
	readJSON(t, filepath.Join(first, results.MetricsFile), &mf)
	for _, p := range mf.Pipelines {
		if p.Name == "llm-router" && p.Failures != 0 {
			t.Errorf("llm-router failed on %d records", p.Failures)
		}
	}
}

func TestLLMRunWithoutKeyStopsAtOnce(t *testing.T) {
	srv := llmtest.NewServer(t)
	llmEnv(t, srv)
	os.Unsetenv("POC_LLM_API_KEY")
	code, _, stderr, _ := runTriage(t, triage, "--out", t.TempDir())
	if code != ExitInvalid || !strings.Contains(stderr, "POC_LLM_API_KEY") {
		t.Fatalf("exit %d, stderr %q; want %d naming POC_LLM_API_KEY", code, stderr, ExitInvalid)
	}
	if srv.Count() != 0 {
		t.Errorf("%d calls without a key", srv.Count())
	}
	// Planning needs no key.
	var out bytes.Buffer
	if code := Run(context.Background(), []string{"plan", triage}, IO{Out: &out, Err: &out}); code != ExitOK ||
		!strings.Contains(out.String(), "llm-router") || !strings.Contains(out.String(), "EUR") {
		t.Fatalf("plan without a key: exit %d\n%s", code, out.String())
	}
}

func TestLLMBudgetStopsAndResumeFinishes(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithResponder(router))
	llmEnv(t, srv)
	out := t.TempDir()
	// 2,000 tickets cost about 0.17 EUR: a budget of 0.03 pays for a few hundred.
	code, _, stderr, _ := runTriage(t, triage, "--out", out, "--max-cost", "0.03")
	if code != ExitFailure || !strings.Contains(stderr, "max_cost") || !strings.Contains(stderr, "--resume") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	dirs, _ := filepath.Glob(filepath.Join(out, "support-triage", "*"))
	if len(dirs) != 1 {
		t.Fatalf("run folders: %v", dirs)
	}
	var man results.Manifest
	readJSON(t, filepath.Join(dirs[0], results.ManifestFile), &man)
	if man.Status != results.Interrupted || man.StopReason != "budget" || man.Spent > 0.03 {
		t.Fatalf("manifest: status %s, reason %s, spent %v", man.Status, man.StopReason, man.Spent)
	}
	before := srv.Count()
	code, stdout, stderr, _ := runTriage(t, "--resume", dirs[0], "--max-cost", "1")
	if code != ExitOK {
		t.Fatalf("resume: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// The resumed attempt calls the server only for what the first one
	// did not answer: answered calls come from the journal or the cache.
	if total := srv.Count(); total > 2000 {
		t.Errorf("%d calls in all (%d before the resume) for 2,000 tickets", total, before)
	}
	assertJournalComplete(t, dirs[0], 2000)
}

// TestKilledRunResumes kills a real poc process with SIGKILL in the middle
// of an LLM replay and resumes it without the cache: every ticket ends up
// in the journal exactly once, and only the unfinished ones are called again.
func TestKilledRunResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	srv := llmtest.NewServer(t, llmtest.WithResponder(router), llmtest.WithLatency(5*time.Millisecond))
	llmEnv(t, srv)
	out := t.TempDir()
	cmd := exec.Command(os.Args[0], "run", triage, "--out", out, "--no-cache")
	cmd.Env = append(os.Environ(), "POC_TEST_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for srv.Count() < 600 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if srv.Count() >= 2000 {
		t.Fatalf("the run finished before it was killed (%d calls); stderr: %s", srv.Count(), stderr.String())
	}
	dirs, _ := filepath.Glob(filepath.Join(out, "support-triage", "*"))
	if len(dirs) != 1 {
		t.Fatalf("run folders: %v", dirs)
	}
	j, _ := os.ReadFile(filepath.Join(dirs[0], results.JournalFile))
	finished := 0
	_ = results.ReadJournal(bytes.NewReader(j), func(e results.Entry) error {
		if e.Pipeline == "llm-router" {
			finished++
		}
		return nil
	})
	killedAt := srv.Count()

	code, stdout, errOut, _ := runTriage(t, "--resume", dirs[0], "--no-cache")
	if code != ExitOK {
		t.Fatalf("resume: exit %d\n%s\n%s", code, stdout, errOut)
	}
	// Two tickets share one pseudonymised request, which may be answered
	// once for both: hence the slack of 2 below.
	again := srv.Count() - killedAt
	if again > 2000-finished+1 || again < 2000-killedAt-2 {
		t.Errorf("resume made %d calls; %d tickets were journaled and %d calls made before the kill", again, finished, killedAt)
	}
	assertJournalComplete(t, dirs[0], 2000)
}

func assertJournalComplete(t *testing.T, dir string, records int) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, results.JournalFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]map[int]bool{}
	err = results.ReadJournal(f, func(e results.Entry) error {
		if seen[e.Pipeline] == nil {
			seen[e.Pipeline] = map[int]bool{}
		}
		if seen[e.Pipeline][e.Seq] {
			t.Errorf("%s: record %d twice in the journal", e.Pipeline, e.Seq)
		}
		seen[e.Pipeline][e.Seq] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for p, s := range seen {
		if len(s) != records {
			t.Errorf("%s: %d records in the journal, want %d", p, len(s), records)
		}
	}
	if len(seen) != 4 {
		t.Errorf("journal has %d pipelines, want 4", len(seen))
	}
}

// personalData extracts the e-mail addresses, IBANs and card numbers of
// the shipped tickets.
func personalData(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../experiments/data/support-tickets.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, re := range []string{`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}`, `\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}`} {
		for _, m := range regexp.MustCompile(re).FindAllString(string(b), -1) {
			out = append(out, m)
		}
	}
	if len(out) < 50 {
		t.Fatalf("found only %d personal values in the tickets", len(out))
	}
	return out
}

func readVerdict(t *testing.T, dir string) string {
	t.Helper()
	var v map[string]any
	readJSON(t, filepath.Join(dir, results.VerdictFile), &v)
	delete(v, "run_id")
	b, _ := json.Marshal(v)
	return string(b)
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

// TestLLMJudgeFromAnExperimentFile grades recorded answers with an LLM
// judge, as a user writes it in a file: the judge's agreement with the
// human ratings is reported, a rerun is free, and the criterion is judged.
func TestLLMJudgeFromAnExperimentFile(t *testing.T) {
	grade := func(req openai.ChatCompletionRequest) string {
		text := req.Messages[len(req.Messages)-1].Content
		if strings.Contains(text, "Please contact us later") {
			return "1"
		}
		return "5"
	}
	srv := llmtest.NewServer(t, llmtest.WithResponder(grade))
	llmEnv(t, srv)
	out := t.TempDir()
	code, stdout, stderr, dir := runTriage(t, "testdata/judge.yaml", "--out", out)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	// 40 answers, but only 10 distinct (question, answer, reference)
	// triples: identical requests are answered from the cache.
	if srv.Count() != 10 {
		t.Errorf("the judge was called %d times for 10 distinct answers", srv.Count())
	}
	var mf struct {
		Pipelines []struct {
			Metrics []struct {
				Metric string  `json:"metric"`
				Value  float64 `json:"value"`
				Detail struct {
					Agreement struct {
						N      int     `json:"n"`
						Kappa  float64 `json:"kappa"`
						Counts bool    `json:"counts"`
					} `json:"agreement"`
				} `json:"detail"`
			} `json:"metrics"`
		} `json:"pipelines"`
	}
	readJSON(t, filepath.Join(dir, results.MetricsFile), &mf)
	m := mf.Pipelines[0].Metrics[0]
	if m.Metric != "answer_quality" || m.Value <= 0 || m.Value >= 1 || m.Detail.Agreement.N < 20 || !m.Detail.Agreement.Counts || m.Detail.Agreement.Kappa < 0.5 {
		t.Errorf("judge metric %+v", m)
	}
	if !strings.Contains(stdout, "answer quality of assistant at least 50.0%") {
		t.Errorf("summary:\n%s", stdout)
	}
	before := srv.Count()
	if code, _, _, _ := runTriage(t, "testdata/judge.yaml", "--out", out); code != ExitOK || srv.Count() != before {
		t.Errorf("rerun: exit %d, %d more judge calls; a cached rerun makes none", code, srv.Count()-before)
	}
}
