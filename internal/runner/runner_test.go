package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/results"
)

const example = "../../experiments/card-fraud.yaml"

// TestExampleRunIsCompleteAndRepeatable runs the shipped example twice, at
// different concurrency, and checks that the run folder is complete and that
// everything but the run id and timings is identical.
func TestExampleRunIsCompleteAndRepeatable(t *testing.T) {
	exp, err := Load(example)
	if err != nil {
		t.Fatal(err)
	}
	var runs []*results.Run
	for _, workers := range []int{1, 2} {
		out, err := Run(context.Background(), exp, Options{Out: t.TempDir(), Concurrency: workers})
		if err != nil {
			t.Fatal(err)
		}
		run, err := results.Load(out.Dir)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run)
	}
	a, b := runs[0], runs[1]

	d := a.Manifest.Dataset
	// The shipped file holds 20,000 payments of which 160 are QA test
	// vectors (channel "test"), filtered out by the experiment.
	if d.RowsRead != 20000 || d.FilteredOut != 160 || d.Records != 19840 {
		t.Errorf("dataset counts: read %d, filtered out %d, replayed %d", d.RowsRead, d.FilteredOut, d.Records)
	}
	if d.From == nil || d.From.Year() != 2026 || d.To.Month() != time.June {
		t.Errorf("time range %v – %v, want within the first half of 2026", d.From, d.To)
	}
	if d.LabelCounts["1"]+d.LabelCounts["0"] != d.Records {
		t.Errorf("label counts %v do not add up to %d", d.LabelCounts, d.Records)
	}

	// The audit trail has one row per record and pipeline.
	s, err := datasets.Open(filepath.Join(a.Dir, results.PredictionsFile), datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for {
		if _, err := s.Next(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		rows++
	}
	s.Close()
	if want := d.Records * len(a.Manifest.Pipelines); rows != want {
		t.Errorf("predictions.parquet has %d rows, want %d", rows, want)
	}

	// Repeatable: the same verdict and metrics, whatever the concurrency.
	if a.Verdict.Verdict != b.Verdict.Verdict {
		t.Errorf("verdicts differ: %s vs %s", a.Verdict.Verdict, b.Verdict.Verdict)
	}
	for _, f := range []string{results.MetricsFile, results.VerdictFile} {
		x := readWithout(t, filepath.Join(a.Dir, f), a.Manifest.RunID)
		y := readWithout(t, filepath.Join(b.Dir, f), b.Manifest.RunID)
		if f == results.MetricsFile {
			// Rules run in microseconds: their measured latencies differ from
			// run to run. (The model's recorded latency is judged in
			// verdict.json, which is compared whole.)
			x, y = dropLatency(t, x), dropLatency(t, y)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs of the same experiment", f)
		}
	}
}

func readWithout(t *testing.T, path, runID string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.ReplaceAll(b, []byte(runID), nil)
}

// dropLatency removes the metrics in milliseconds from a metrics.json.
func dropLatency(t *testing.T, b []byte) []byte {
	var m results.Metrics
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for i, p := range m.Pipelines {
		var keep []results.Estimate
		for _, e := range p.Metrics {
			if e.Unit != "ms" {
				keep = append(keep, e)
			}
		}
		m.Pipelines[i].Metrics = keep
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestResumeAfterACrash cuts a finished run's journal in the middle of a
// record, as SIGKILL would, marks the run as running, and resumes it: the
// resumed run must hold every record exactly once and reach the same
// verdict as the run that was never interrupted.
func TestResumeAfterACrash(t *testing.T) {
	exp, err := Load(example)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Run(context.Background(), exp, Options{Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(out.Dir, results.VerdictFile))
	if err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(out.Dir, results.JournalFile)
	b, err := os.ReadFile(journal)
	if err != nil {
		t.Fatal(err)
	}
	// Keep 1,000 records and a half of the next line.
	lines := bytes.SplitAfter(b, []byte("\n"))
	keep := 1000*len(exp.Pipelines) + 2
	cut := append(bytes.Join(lines[:keep], nil), lines[keep][:len(lines[keep])/2]...)
	if err := os.WriteFile(journal, cut, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{results.VerdictFile, results.MetricsFile, results.PredictionsFile} {
		os.Remove(filepath.Join(out.Dir, f))
	}
	var man results.Manifest
	mb, _ := os.ReadFile(filepath.Join(out.Dir, results.ManifestFile))
	if err := json.Unmarshal(mb, &man); err != nil {
		t.Fatal(err)
	}
	man.Status = results.Running
	if err := results.WriteJSON(out.Dir, results.ManifestFile, man); err != nil {
		t.Fatal(err)
	}

	_, resumed, err := Resume(context.Background(), out.Dir, Load, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := resumed.Run.Manifest; got.Resumed != 1000 || got.Attempts != 2 || got.Status != results.Complete {
		t.Errorf("manifest: resumed %d records in attempt %d, status %s; want 1000, 2, complete", got.Resumed, got.Attempts, got.Status)
	}
	// Every record exactly once per pipeline, in order.
	seen := map[string]int{}
	f, err := os.Open(journal)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	next := 0
	err = results.ReadJournal(f, func(e results.Entry) error {
		seen[e.Pipeline]++
		if e.Seq != next/len(exp.Pipelines) {
			return fmt.Errorf("journal entry %d has seq %d", next, e.Seq)
		}
		next++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range exp.Pipelines {
		if seen[p.Name] != resumed.Run.Manifest.Dataset.Records {
			t.Errorf("pipeline %s has %d journal entries for %d records", p.Name, seen[p.Name], resumed.Run.Manifest.Dataset.Records)
		}
	}
	got, _ := os.ReadFile(filepath.Join(out.Dir, results.VerdictFile))
	if !bytes.Equal(got, want) {
		t.Errorf("the resumed run's verdict.json differs from the uninterrupted run's:\n%s\nvs\n%s", got, want)
	}

	// A complete run cannot be resumed, and a changed experiment refuses.
	if _, _, err := Resume(context.Background(), out.Dir, Load, Options{}); err == nil || !strings.Contains(err.Error(), "complete") {
		t.Errorf("resuming a complete run: %v", err)
	}
}

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestExampleGolden pins verdict.json, metrics.json and impact.json of the shipped
// example (measured latencies, which vary from run to run, left out): a
// change in any number of the example's verdict shows up in review.
// Refresh with: go test ./internal/runner/ -run Golden -update
func TestExampleGolden(t *testing.T) {
	exp, err := Load(example)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Run(context.Background(), exp, Options{Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct{ file, golden string }{
		{results.VerdictFile, "testdata/card-fraud.verdict.golden.json"},
		{results.MetricsFile, "testdata/card-fraud.metrics.golden.json"},
		{results.ImpactFile, "testdata/card-fraud.impact.golden.json"},
	} {
		got := readWithout(t, filepath.Join(out.Dir, f.file), out.Run.Manifest.RunID)
		if f.file == results.MetricsFile {
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, dropLatency(t, got), "", "  "); err != nil {
				t.Fatal(err)
			}
			got = append(pretty.Bytes(), '\n')
		}
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(f.golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(f.golden)
		if err != nil {
			t.Fatalf("%v (create it with -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s; if the change is intended, run go test ./internal/runner/ -run Golden -update and review the diff", f.file, f.golden)
		}
	}
}

// Thin evidence never passes: a handful of records, or resamples that all
// give the same value, leave a criterion inconclusive, whatever the metric.
func TestThinEvidenceNeverPasses(t *testing.T) {
	repeat := func(row string, n int) string { return strings.Repeat(row, n) }
	tests := []struct {
		name, csv, pipeline, metric, criterion string
	}{
		{"four separated scores", "y,s\n1,0.9\n1,0.8\n0,0.2\n0,0.1\n",
			"{name: model, role: candidate, type: column, score: s, threshold: 0.5}", "roc_auc", "{metric: roc_auc, pipeline: model, at_least: 0.9, must: true}"},
		{"five identical scores", "y,s\n" + repeat("1,0.9\n", 5),
			"{name: model, role: candidate, type: column, score: s, threshold: 0.5}", "brier_score", "{metric: brier_score, pipeline: model, at_most: 0.05, must: true}"},
		{"two regression rows", "y,p\n1,1.2\n2,2.1\n",
			"{name: model, role: candidate, type: column, column: p}", "mae", "{metric: mae, pipeline: model, at_most: 1, must: true}"},
		{"forty identical scores", "y,s\n" + repeat("1,0.9\n", 40),
			"{name: model, role: candidate, type: column, score: s, threshold: 0.5}", "brier_score", "{metric: brier_score, pipeline: model, at_most: 0.05, must: true}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			exp := fmt.Sprintf("version: 1\nname: thin\nuse_case: {question: Good enough}\ndataset: {path: data.csv, label: y}\n"+
				"pipelines:\n  - %s\nmetrics: [%s]\ncriteria:\n  - %s\n", tc.pipeline, tc.metric, tc.criterion)
			writeFiles(t, dir, map[string]string{"data.csv": tc.csv, "exp.yaml": exp})
			e, err := Load(filepath.Join(dir, "exp.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			out, err := Run(context.Background(), e, Options{Out: filepath.Join(dir, "results")})
			if err != nil {
				t.Fatal(err)
			}
			j := out.Run.Verdict.Criteria[0]
			if out.Run.Verdict.Verdict == results.Go || j.Status == results.Pass {
				t.Errorf("verdict %s, criterion %s: %s", out.Run.Verdict.Verdict, j.Status, j.Explanation)
			}
			if j.Status == results.Inconclusive && !strings.Contains(j.Explanation, "not decided") {
				t.Errorf("the explanation does not say why: %s", j.Explanation)
			}
		})
	}
}

// A pipeline that fails on more records than report.max_failure_rate is not
// judged: a baseline whose rule breaks on every record cannot hand the
// candidate a GO, and a candidate's failures stand beside its criteria.
func TestFailingPipelinesAreNotJudged(t *testing.T) {
	var csv strings.Builder
	csv.WriteString("id,amount,note,score,y\n")
	for i := range 200 {
		y := 0
		if i%4 == 0 {
			y = 1
		}
		score := 0.1 + 0.8*float64(y)
		if i == 7 {
			score = -1 // the candidate's one failure: its rule then compares text with a number
		}
		fmt.Fprintf(&csv, "%d,%d,n%d,%.2f,%d\n", i, 10*i, i, score, y)
	}
	exp := `version: 1
name: failing
use_case: {question: Does the model beat the rule}
dataset: {path: data.csv, id: id, label: y}
pipelines:
  - {name: model, role: candidate, type: rules, rules: [{when: "score < 0 ? note > amount : score >= 0.5", output: 1}], default: 0}
  - {name: broken-rule, role: baseline, type: rules, rules: [{when: "note > amount", output: 1}], default: 0}
metrics: [recall, accuracy]
criteria:
  - {metric: recall, pipeline: model, better_than: broken-rule, must: true}
  - {metric: accuracy, pipeline: model, at_least: 0.9, must: true}
report: {max_failure_rate: 1%}
`
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"data.csv": csv.String(), "exp.yaml": exp})
	e, err := Load(filepath.Join(dir, "exp.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Run(context.Background(), e, Options{Out: filepath.Join(dir, "results")})
	if err != nil {
		t.Fatal(err)
	}
	v := out.Run.Verdict
	cmp, abs := v.Criteria[0], v.Criteria[1]
	if v.Verdict == results.Go || cmp.Status != results.Undefined || !strings.Contains(cmp.Explanation, `"broken-rule" failed on 200 of 200`) {
		t.Errorf("verdict %s; comparison with the broken baseline %s: %s", v.Verdict, cmp.Status, cmp.Explanation)
	}
	if abs.Status != results.Pass || abs.Failures != 1 || !strings.Contains(abs.Explanation, "model failed on 1 of 200 records") {
		t.Errorf("accuracy of the candidate, 1 failure in 200 (0.5%%): %s, failures %d: %s", abs.Status, abs.Failures, abs.Explanation)
	}
}

// A run that fails before its first record leaves no run folder claiming
// to be running; a training file that cannot be opened is found by Load.
func TestARunThatCannotStartLeavesNoFolder(t *testing.T) {
	dir := t.TempDir()
	data := "x,y\n1,1\n2,0\n3,1\n4,0\n"
	exp := func(train string) string {
		return "version: 1\nname: nostart\nuse_case: {question: Does it learn}\n" +
			"dataset: {path: data.csv, label: y}\n" +
			"pipelines:\n  - {name: m, role: candidate, type: learn, features: [x], train: {file: " + train + "}}\n" +
			"metrics: [accuracy]\ncriteria:\n  - {metric: accuracy, pipeline: m, at_least: 0.5, must: true}\n"
	}
	files := map[string]string{"data.csv": data, "unlabelled.csv": "x,y\n1,\n2,\n",
		"missing.yaml": exp("nowhere.csv"), "bad.yaml": exp("unlabelled.csv")}
	writeFiles(t, dir, files)
	if _, err := Load(filepath.Join(dir, "missing.yaml")); err == nil || !strings.Contains(err.Error(), `train.file: cannot open the training file "nowhere.csv"`) {
		t.Errorf("Load with a missing training file: %v", err)
	}
	e, err := Load(filepath.Join(dir, "bad.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Run(context.Background(), e, Options{Out: filepath.Join(dir, "results")})
	if err == nil || !strings.Contains(err.Error(), "no labelled records") {
		t.Fatalf("Run = %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "results", "nostart"))
	if len(entries) != 0 || out.Dir != "" {
		t.Errorf("a run that never started left %d folders (%q)", len(entries), out.Dir)
	}
}

// Ctrl-C during the analysis stops it: no verdict is written, the manifest
// says interrupted, and --resume analyses the journaled records again.
func TestInterruptDuringTheAnalysis(t *testing.T) {
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("x,y\n")
	for i := range 3000 {
		fmt.Fprintf(&csv, "%d,%d\n", i%7, (i%7)%2)
	}
	exp := "version: 1\nname: interrupt\nuse_case: {question: Does the rule hold}\n" +
		"dataset: {path: data.csv, label: y}\n" +
		"pipelines:\n  - {name: r, role: candidate, type: rules, rules: [{when: x > 3, output: 1}], default: 0}\n" +
		"metrics: [f1]\ncriteria:\n  - {metric: f1, pipeline: r, at_least: 0.2, must: true}\n" +
		"report: {bootstrap: {resamples: 100000}}\n"
	writeFiles(t, dir, map[string]string{"data.csv": csv.String(), "exp.yaml": exp})
	e, err := Load(filepath.Join(dir, "exp.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // once the replay is over and its predictions written, interrupt the analysis
		for ctx.Err() == nil {
			if m, _ := filepath.Glob(filepath.Join(dir, "results", "interrupt", "*", results.PredictionsFile)); len(m) > 0 {
				cancel()
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	started := time.Now()
	out, err := Run(ctx, e, Options{Out: filepath.Join(dir, "results")})
	if !errors.Is(err, ErrInterrupted) || !strings.Contains(err.Error(), "during the analysis") {
		t.Fatalf("Run = %v", err)
	}
	if d := time.Since(started); d > 20*time.Second {
		t.Errorf("the interrupted analysis took %v to stop", d)
	}
	var man results.Manifest
	b, _ := os.ReadFile(filepath.Join(out.Dir, results.ManifestFile))
	if err := json.Unmarshal(b, &man); err != nil || man.Status != results.Interrupted {
		t.Errorf("manifest status %q (%v)", man.Status, err)
	}
	if _, err := os.Stat(filepath.Join(out.Dir, results.VerdictFile)); !os.IsNotExist(err) {
		t.Errorf("an interrupted analysis wrote verdict.json (%v)", err)
	}
	_, res, err := Resume(context.Background(), out.Dir, Load, Options{})
	if err != nil || res.Run == nil || res.Run.Verdict.Verdict == "" {
		t.Fatalf("Resume = %v", err)
	}
}

// Ctrl-C while a learner trains stops the run before the replay: the
// message names the training, not a context error; the manifest says
// where it stopped, and --resume starts the run.
func TestInterruptDuringTraining(t *testing.T) {
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("x,z,y\n")
	for i := range 60000 {
		fmt.Fprintf(&csv, "%d,%d,%d\n", i%7, i%13, (i%7+i%3)%2)
	}
	exp := "version: 1\nname: train-stop\nuse_case: {question: Does the model hold}\n" +
		"dataset: {path: data.csv, label: y, positive: 1, columns: {x: number, z: number}}\n" +
		"pipelines:\n  - {name: m, role: candidate, type: learn, model: logistic, features: [x, z], train: {folds: 10}}\n" +
		"metrics: [f1]\ncriteria:\n  - {metric: f1, pipeline: m, at_least: 0.2, must: true}\n"
	writeFiles(t, dir, map[string]string{"data.csv": csv.String(), "exp.yaml": exp})
	e, err := Load(filepath.Join(dir, "exp.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // once the run folder exists, interrupt: the learner is training then
		for ctx.Err() == nil {
			if m, _ := filepath.Glob(filepath.Join(dir, "results", "train-stop", "*", results.ManifestFile)); len(m) > 0 {
				cancel()
			}
			time.Sleep(time.Millisecond)
		}
	}()
	out, err := Run(ctx, e, Options{Out: filepath.Join(dir, "results")})
	if !errors.Is(err, ErrInterrupted) || !strings.Contains(err.Error(), `before the replay, while training "m"`) ||
		strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("Run = %v", err)
	}
	var man results.Manifest
	b, _ := os.ReadFile(filepath.Join(out.Dir, results.ManifestFile))
	if err := json.Unmarshal(b, &man); err != nil || man.Status != results.Interrupted || man.StoppedIn != "prepare" {
		t.Errorf("manifest status %q, stopped in %q (%v)", man.Status, man.StoppedIn, err)
	}
	_, res, err := Resume(context.Background(), out.Dir, Load, Options{})
	if err != nil || res.Run == nil || res.Run.Verdict.Records != 60000 {
		t.Fatalf("Resume = %v", err)
	}
}

// writeFiles writes an experiment's files (name → content) into dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
