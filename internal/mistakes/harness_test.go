package mistakes

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/poc-harness/poc/internal/cli"
)

// baseExperiment is the experiment every case starts from: a fraud model's
// recorded score against today's rule, judged on recall, AUC and a paired
// accuracy comparison. On the base data it gives GO.
const baseExperiment = `version: 1
name: corpus
use_case:
  question: Should the fraud model replace the amount rule?
  volume_per_year: 100000
dataset:
  path: data.csv
  id: id
  label: is_fraud
  time: created_at
pipelines:
  - name: model
    role: candidate
    type: column
    score: score
    threshold: 0.5
  - name: rule
    role: baseline
    type: rules
    rules:
      - {when: 'amount > 700', output: 1}
    default: 0
metrics: [accuracy, recall, roc_auc]
criteria:
  - {metric: recall, pipeline: model, at_least: 0.6, must: true}
  - {metric: roc_auc, pipeline: model, at_least: 0.8, must: true}
  - {metric: accuracy, pipeline: model, better_than: rule, must: true}
report:
  bootstrap: {resamples: 300, seed: 3}
`

// baseCriteria is the base experiment's criteria block, for cases that
// replace it.
const baseCriteria = `criteria:
  - {metric: recall, pipeline: model, at_least: 0.6, must: true}
  - {metric: roc_auc, pipeline: model, at_least: 0.8, must: true}
  - {metric: accuracy, pipeline: model, better_than: rule, must: true}
`

// table is a CSV file's rows, header first.
type table [][]string

// col returns the index of a column.
func (t table) col(name string) int {
	for i, c := range t[0] {
		if c == name {
			return i
		}
	}
	panic("no column " + name)
}

// add appends a column whose value in data row i is value(i, row).
func (t table) add(name string, value func(i int, row []string) string) {
	t[0] = append(t[0], name)
	for i := 1; i < len(t); i++ {
		t[i] = append(t[i], value(i-1, t[i]))
	}
}

// rows returns a table of t's header and its data rows from to to
// (0-based, after the header; to excluded).
func (t table) rows(from, to int) table { return append(table{t[0]}, t[1+from:1+to]...) }

// csv is the table as a CSV file.
func (t table) csv() string {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(t); err != nil {
		panic(err)
	}
	return buf.String()
}

// set sets column name of data row i (0-based, after the header).
func (t table) set(i int, name, value string) { t[i+1][t.col(name)] = value }

// baseData returns n records: a score that ranks frauds well above
// non-frauds (AUC about 0.95), an amount rule that catches some, a text,
// a channel, a split column and a time.
func baseData(n int) table {
	rng := rand.New(rand.NewPCG(11, 12))
	t := table{{"id", "text", "channel", "amount", "created_at", "score", "split", "is_fraud"}}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	texts := []string{"card payment online", "cash withdrawal", "transfer abroad", "grocery store", "fuel station"}
	for i := range n {
		fraud := rng.Float64() < 0.3
		mu := 0.25
		if fraud {
			mu = 0.75
		}
		score := math.Min(1, math.Max(0, mu+0.17*rng.NormFloat64()))
		amount := 100 + 400*rng.Float64()
		if fraud && rng.Float64() < 0.5 {
			amount += 400
		}
		split := "test"
		if i%2 == 0 {
			split = "train"
		}
		y := "0"
		if fraud {
			y = "1"
		}
		t = append(t, []string{fmt.Sprintf("T%04d", i), texts[i%len(texts)], []string{"web", "app", "branch"}[i%3],
			fmt.Sprintf("%.2f", amount), start.Add(time.Duration(i) * time.Hour).Format(time.RFC3339),
			fmt.Sprintf("%.4f", score), split, y})
	}
	return t
}

// mistake is one case of the corpus.
type mistake struct {
	name string
	// edit holds pairs (old, new) applied in turn to the base experiment;
	// each old text must occur exactly once.
	edit []string
	// rows is the number of base records (400 when 0).
	rows int
	// data changes the base data.
	data func(table)
	// files are more files written beside the experiment.
	files map[string]string
	// link are symbolic links (name → target) made beside the experiment.
	link map[string]string
	// run makes the case `poc run` (with --out) instead of `poc validate`;
	// plan makes it `poc plan`.
	run, plan bool
	// args are more command-line arguments.
	args []string
	// code is the exit code expected.
	code int
	// want are texts the console output (stdout and stderr) must hold, such
	// as the position and the fix of an error; absent are texts it must
	// not hold.
	want, absent []string
	// verdict, for a run, is the verdict expected.
	verdict string
	// report are texts report.md must hold.
	report []string
	// clean marks a case that is no mistake (the base, a correct way of
	// doing something): only such a case may reach GO without a warning.
	clean bool
}

// play writes the case's files, runs the command and checks what it says.
func (m mistake) play(t *testing.T) {
	dir := t.TempDir()
	exp := baseExperiment
	for i := 0; i+1 < len(m.edit); i += 2 {
		if n := strings.Count(exp, m.edit[i]); n != 1 {
			t.Fatalf("edit %q occurs %d times in the base experiment, want once", m.edit[i], n)
		}
		exp = strings.Replace(exp, m.edit[i], m.edit[i+1], 1)
	}
	write(t, filepath.Join(dir, "experiment.yaml"), exp)
	n := m.rows
	if n == 0 {
		n = 400
	}
	data := baseData(n)
	if m.data != nil {
		m.data(data)
	}
	write(t, filepath.Join(dir, "data.csv"), data.csv())
	for name, content := range m.files {
		write(t, filepath.Join(dir, name), content)
	}
	for name, target := range m.link {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "results")
	args := []string{"validate"}
	switch {
	case m.run:
		args = []string{"run", "--out", out, "--cache-dir", filepath.Join(dir, "cache")}
	case m.plan:
		args = []string{"plan"}
	}
	args = append(append(args, m.args...), filepath.Join(dir, "experiment.yaml"))
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), args, cli.IO{Out: &stdout, Err: &stderr})
	console := strings.ReplaceAll(stdout.String()+stderr.String(), dir+string(filepath.Separator), "")
	if code != m.code {
		t.Errorf("exit code %d, want %d; console:\n%s", code, m.code, console)
	}
	for _, s := range m.want {
		if !strings.Contains(console, s) {
			t.Errorf("console lacks %q:\n%s", s, console)
		}
	}
	for _, s := range m.absent {
		if strings.Contains(console, s) {
			t.Errorf("console holds %q:\n%s", s, console)
		}
	}
	m.checkRun(t, out, console, code)
}

// checkRun checks a run's verdict and report, and that the run folder
// exists only when the run started.
func (m mistake) checkRun(t *testing.T, out, console string, code int) {
	if !m.run {
		return
	}
	reports, _ := filepath.Glob(filepath.Join(out, "corpus", "*", "report.md"))
	reports = slices.DeleteFunc(reports, func(r string) bool { return filepath.Base(filepath.Dir(r)) == cli.LatestLink }) // the run itself, not its link
	if code == cli.ExitInvalid {
		if folders, _ := filepath.Glob(filepath.Join(out, "corpus", "*")); len(folders) > 0 {
			t.Errorf("a run refused at the start left %v", folders)
		}
		return
	}
	if m.verdict != "" && !strings.Contains(console, "Verdict: "+m.verdict+" ") {
		t.Errorf("verdict is not %s:\n%s", m.verdict, console)
	}
	if strings.Contains(console, "Verdict: GO ") && !m.clean && !strings.Contains(console, "warning") {
		t.Errorf("a mistake reached GO without a warning:\n%s", console)
	}
	if len(m.report) == 0 {
		return
	}
	if len(reports) != 1 {
		t.Fatalf("want one report.md, found %v", reports)
	}
	b, err := os.ReadFile(reports[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range m.report {
		if !strings.Contains(string(b), s) {
			t.Errorf("report.md lacks %q", s)
		}
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
