package exec

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

// The test binary doubles as the subprocess: with POC_EXEC_HELPER set,
// TestMain runs helper() instead of the tests. The behaviour for each
// request is chosen by the record's "mode" field:
//
//	(none)   answer label = record.label (default "1"), score = record.score
//	sleep    answer after record.ms milliseconds (answers come out of order)
//	hang     never answer
//	crash    write "boom" to stderr and exit 3
//	garbage  print a line that is not JSON
//	stray    answer, then print a line with an unknown id
//	error    answer with an error
//	env      answer text = $HELPER_GREETING + " " + working directory
//	scoreonly answer a score and no label
//	environ  answer fields = the process's whole environment
func TestMain(m *testing.M) {
	switch os.Getenv("POC_EXEC_HELPER") {
	case "":
		closeGrace = 300 * time.Millisecond
		startGrace = 50 * time.Millisecond
		warmup = 2 * time.Second
		os.Exit(m.Run())
	case "exit":
		fmt.Fprintln(os.Stderr, "model.py: no such file")
		os.Exit(2)
	case "ignore-eof":
		// Never exits by itself: Close must kill it.
		select {}
	default:
		helper()
		os.Exit(0)
	}
}

func helper() {
	var mu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	send := func(v any) {
		mu.Lock()
		defer mu.Unlock()
		b, _ := json.Marshal(v)
		out.Write(append(b, '\n'))
		out.Flush()
	}
	raw := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		out.WriteString(s + "\n")
		out.Flush()
	}
	sc := bufio.NewScanner(os.Stdin)
	var wg sync.WaitGroup
	for sc.Scan() {
		var req struct {
			ID     string         `json:"id"`
			Record map[string]any `json:"record"`
		}
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			fmt.Fprintln(os.Stderr, "bad request:", err)
			os.Exit(4)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := req.Record
			label := rec["label"]
			if label == nil {
				label = "1"
			}
			ans := map[string]any{"id": req.ID, "label": label}
			if sc, ok := rec["score"]; ok {
				ans["score"] = sc
			}
			switch rec["mode"] {
			case "sleep":
				time.Sleep(time.Duration(rec["ms"].(float64)) * time.Millisecond)
			case "hang":
				return
			case "crash":
				fmt.Fprintln(os.Stderr, "Traceback: boom")
				os.Exit(3)
			case "garbage":
				raw("this is not json")
				return
			case "stray":
				send(ans)
				time.Sleep(20 * time.Millisecond)
				raw(`{"id":"nobody","label":"1"}`)
				return
			case "error":
				ans = map[string]any{"id": req.ID, "error": "cannot score"}
			case "env":
				wd, _ := os.Getwd()
				ans["text"] = os.Getenv("HELPER_GREETING") + " " + wd
				ans["fields"] = map[string]any{"keys": len(rec)}
			case "scoreonly":
				delete(ans, "label")
			case "environ":
				vars := map[string]any{}
				for _, kv := range os.Environ() {
					k, v, _ := strings.Cut(kv, "=")
					vars[k] = v
				}
				ans["fields"] = vars
			case "numeric-id":
				var n float64
				fmt.Sscan(req.ID, &n)
				ans["id"] = n
			}
			send(ans)
		}()
	}
	wg.Wait()
}

func build(t *testing.T, s Spec, env pipeline.Env) *Pipeline {
	t.Helper()
	if s.Command == nil {
		s.Command = []string{os.Args[0]}
	}
	if s.Env == nil {
		s.Env = map[string]string{"POC_EXEC_HELPER": "1"}
	}
	// A race-enabled helper otherwise sleeps a second before exiting.
	s.Env["GORACE"] = "atexit_sleep_ms=0"
	p, err := s.Build(env)
	if err != nil {
		t.Fatal(err)
	}
	ep := p.(*Pipeline)
	t.Cleanup(func() { ep.Close() })
	return ep
}

func rec(seq int, fields map[string]any) datasets.Record {
	return datasets.Record{Seq: seq, Fields: fields}
}

func TestRegistered(t *testing.T) {
	f, ok := pipeline.Lookup("exec")
	if !ok {
		t.Fatal("exec not registered")
	}
	if _, ok := f().(*Spec); !ok {
		t.Fatal("factory does not return *Spec")
	}
}

func TestBuildErrors(t *testing.T) {
	env := pipeline.Env{Columns: []string{"amount"}}
	s := Spec{Fields: []string{"amount", "nope"}, Processes: -1, Timeout: -1, CostPerRecord: -1}
	_, err := s.Build(env)
	got := pipeline.AsFieldErrors(err)
	var fields []string
	for _, e := range got {
		fields = append(fields, e.Field)
	}
	if strings.Join(fields, ",") != "command,fields[1],processes,timeout,cost_per_record" {
		t.Errorf("fields = %v (%v)", fields, err)
	}
}

func TestPredict(t *testing.T) {
	p := build(t, Spec{CostPerRecord: 0.5}, pipeline.Env{})
	if err := p.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	out, err := p.Predict(context.Background(), rec(1, map[string]any{"label": "billing", "score": 0.25}))
	if err != nil {
		t.Fatal(err)
	}
	if out.Label != "billing" || !out.HasScore || out.Score != 0.25 || out.Cost != 0.5 || !strings.Contains(out.Raw, `"id":"1"`) {
		t.Errorf("out = %+v", out)
	}
	// Numeric labels are canonical; numeric ids are accepted.
	out, err = p.Predict(context.Background(), rec(2, map[string]any{"label": 1.0, "mode": "numeric-id"}))
	if err != nil || out.Label != "1" {
		t.Errorf("numeric: %+v, %v", out, err)
	}
	est, _ := p.Estimate(datasets.Record{})
	if est.Cost != 0.5 {
		t.Errorf("estimate = %+v", est)
	}
}

func TestFieldsEnvDirAndRelativeCommand(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(os.Args[0], filepath.Join(dir, "bin", "model")); err != nil {
		t.Skip("no symlinks:", err)
	}
	p := build(t, Spec{
		Command: []string{"bin/model"},
		Fields:  []string{"mode", "missing"},
		Env:     map[string]string{"POC_EXEC_HELPER": "1", "HELPER_GREETING": "hello"},
	}, pipeline.Env{Dir: dir})
	out, err := p.Predict(context.Background(), rec(0, map[string]any{"mode": "env", "secret": "x"}))
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := filepath.EvalSymlinks(dir)
	if out.Text != "hello "+dir && out.Text != "hello "+wd {
		t.Errorf("text = %q, want hello %s", out.Text, dir)
	}
	if out.Fields["keys"] != 2.0 { // mode and missing (null); not secret
		t.Errorf("fields sent = %v", out.Fields)
	}
}

func TestThreshold(t *testing.T) {
	th := 0.5
	cases := []struct {
		env   pipeline.Env
		score float64
		want  string
	}{
		{pipeline.Env{Positive: "fraud"}, 0.7, "fraud"},
		{pipeline.Env{Positive: "fraud"}, 0.5, "fraud"},
		{pipeline.Env{Positive: "fraud"}, 0.2, "0"},
		// Below the threshold is the other class of a two-class label.
		{pipeline.Env{Positive: "yes", Labels: []string{"no", "yes"}}, 0.2, "no"},
		{pipeline.Env{Positive: "yes", Labels: []string{"no", "yes"}}, 0.9, "yes"},
	}
	for _, c := range cases {
		p := build(t, Spec{Threshold: &th}, c.env)
		out, err := p.Predict(context.Background(), rec(0, map[string]any{"mode": "scoreonly", "score": c.score}))
		if err != nil || out.Label != c.want {
			t.Errorf("labels %v, score %v: %+v, %v", c.env.Labels, c.score, out, err)
		}
	}
}

func TestErrorAnswer(t *testing.T) {
	p := build(t, Spec{}, pipeline.Env{})
	_, err := p.Predict(context.Background(), rec(5, map[string]any{"mode": "error"}))
	if err == nil || !strings.Contains(err.Error(), "cannot score") {
		t.Fatalf("err = %v", err)
	}
}

func TestOutOfOrderAndConcurrent(t *testing.T) {
	p := build(t, Spec{Processes: 3}, pipeline.Env{})
	var wg sync.WaitGroup
	for i := 0; i < 60; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			label := fmt.Sprintf("L%d", i)
			out, err := p.Predict(context.Background(), rec(i, map[string]any{"mode": "sleep", "ms": float64((60 - i) % 7 * 5), "label": label}))
			if err != nil || out.Label != label {
				t.Errorf("record %d: %+v, %v", i, out, err)
			}
		}()
	}
	wg.Wait()
	// Duplicate Seqs in flight at once still get their own answers.
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			label := fmt.Sprintf("D%d", i)
			out, err := p.Predict(context.Background(), rec(7, map[string]any{"mode": "sleep", "ms": float64(i * 3), "label": label}))
			if err != nil || out.Label != label {
				t.Errorf("dup %d: %+v, %v", i, out, err)
			}
		}()
	}
	wg.Wait()
}

func TestCrashRestarts(t *testing.T) {
	p := build(t, Spec{}, pipeline.Env{})
	ctx := context.Background()
	// A slow request in flight when another one crashes the process fails too.
	slow := make(chan error, 1)
	go func() {
		_, err := p.Predict(ctx, rec(1, map[string]any{"mode": "sleep", "ms": 2000.0}))
		slow <- err
	}()
	time.Sleep(50 * time.Millisecond)
	_, err := p.Predict(ctx, rec(2, map[string]any{"mode": "crash"}))
	if err == nil || !strings.Contains(err.Error(), "exit status 3") || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("crash err = %v", err)
	}
	if err := <-slow; err == nil || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("in-flight err = %v", err)
	}
	out, err := p.Predict(ctx, rec(3, map[string]any{"label": "ok"}))
	if err != nil || out.Label != "ok" {
		t.Errorf("after restart: %+v, %v", out, err)
	}
}

func TestHangTimesOutAndRestarts(t *testing.T) {
	p := build(t, Spec{Timeout: 200 * time.Millisecond}, pipeline.Env{})
	ctx := context.Background()
	if _, err := p.Predict(ctx, rec(0, nil)); err != nil { // warm the process up
		t.Fatal(err)
	}
	start := time.Now()
	_, err := p.Predict(ctx, rec(1, map[string]any{"mode": "hang"}))
	if err == nil || !strings.Contains(err.Error(), "no answer within 200ms") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s", d)
	}
	first := p.slots[0]
	first.mu.Lock()
	cur := first.cur
	first.mu.Unlock()
	if cur != nil {
		t.Error("hung process still in the slot")
	}
	out, err := p.Predict(ctx, rec(2, map[string]any{"label": "ok"}))
	if err != nil || out.Label != "ok" {
		t.Errorf("after restart: %+v, %v", out, err)
	}
}

func TestGarbageAttributed(t *testing.T) {
	p := build(t, Spec{Timeout: 2 * time.Second}, pipeline.Env{})
	_, err := p.Predict(context.Background(), rec(1, map[string]any{"mode": "garbage"}))
	if err == nil || !strings.Contains(err.Error(), "not JSON") || !strings.Contains(err.Error(), "this is not json") {
		t.Fatalf("err = %v", err)
	}
	out, err := p.Predict(context.Background(), rec(2, nil))
	if err != nil || out.Label != "1" {
		t.Errorf("next: %+v, %v", out, err)
	}
}

func TestStrayLineCountedAndRestarted(t *testing.T) {
	p := build(t, Spec{}, pipeline.Env{})
	out, err := p.Predict(context.Background(), rec(1, map[string]any{"mode": "stray", "label": "x"}))
	if err != nil || out.Label != "x" {
		t.Fatalf("%+v, %v", out, err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for p.ProtocolErrors() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("ProtocolErrors = %d", p.ProtocolErrors())
		}
		time.Sleep(5 * time.Millisecond)
	}
	out, err = p.Predict(context.Background(), rec(2, map[string]any{"label": "y"}))
	if err != nil || out.Label != "y" {
		t.Errorf("after restart: %+v, %v", out, err)
	}
}

func TestCheckFailures(t *testing.T) {
	s := Spec{Command: []string{"/nonexistent/model-binary", "model.py"}}
	p, err := s.Build(pipeline.Env{})
	if err != nil {
		t.Fatal(err)
	}
	err = p.(*Pipeline).Check(context.Background())
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/model-binary model.py") {
		t.Errorf("start failure = %v", err)
	}
	_, err = p.Predict(context.Background(), rec(0, nil))
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/model-binary") {
		t.Errorf("predict after start failure = %v", err)
	}

	old := startGrace
	startGrace = 5 * time.Second
	defer func() { startGrace = old }()
	ep := build(t, Spec{Env: map[string]string{"POC_EXEC_HELPER": "exit"}}, pipeline.Env{})
	err = ep.Check(context.Background())
	if err == nil || !strings.Contains(err.Error(), "exit status 2") || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("early exit = %v", err)
	}
}

func TestClose(t *testing.T) {
	p := build(t, Spec{Processes: 2}, pipeline.Env{})
	if err := p.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Predict(context.Background(), rec(0, nil)); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("predict after close = %v", err)
	}

	// A process that ignores the closed stdin is killed after the grace period.
	stubborn := build(t, Spec{Env: map[string]string{"POC_EXEC_HELPER": "ignore-eof"}}, pipeline.Env{})
	if err := stubborn.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	pr := stubborn.slots[0].cur
	start := time.Now()
	stubborn.Close()
	if d := time.Since(start); d < closeGrace || d > closeGrace+2*time.Second {
		t.Errorf("close took %s", d)
	}
	select {
	case <-pr.done:
	default:
		t.Error("process not reaped")
	}
}

func TestContextCancel(t *testing.T) {
	p := build(t, Spec{}, pipeline.Env{})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := p.Predict(ctx, rec(0, map[string]any{"mode": "hang"}))
	if err != context.DeadlineExceeded {
		t.Errorf("err = %v", err)
	}
}

// TestTheLabelIsNeverSent: a program gets every column but the label when
// the file names no fields, and naming the label is refused at build.
func TestTheLabelIsNeverSent(t *testing.T) {
	p := build(t, Spec{Env: map[string]string{"POC_EXEC_HELPER": "1", "HELPER_GREETING": "hi"}}, pipeline.Env{Label: "truth"})
	out, err := p.Predict(context.Background(), rec(0, map[string]any{"mode": "env", "truth": "1", "amount": 3.0}))
	if err != nil {
		t.Fatal(err)
	}
	if out.Fields["keys"] != 2.0 { // mode and amount; not truth
		t.Errorf("fields sent = %v, want 2 without the label", out.Fields)
	}
	s := Spec{Command: []string{"model"}, Fields: []string{"amount", "truth"}}
	_, err = s.Build(pipeline.Env{Label: "truth", Columns: []string{"amount", "truth"}})
	if fe := pipeline.AsFieldErrors(err); len(fe) != 1 || fe[0].Field != "fields[1]" || !strings.Contains(fe[0].Msg, `label column "truth"`) {
		t.Errorf("Build with the label in fields = %v", err)
	}
}
