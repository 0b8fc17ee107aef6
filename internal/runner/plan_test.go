package runner

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// planRows is a dataset of n records, every other one a positive, with a
// feature x, a candidate's decision c and a baseline's b (the positives
// caught by both, by c alone, by b alone: n11, n10, n01 of them), a latency
// lat in milliseconds and a segment g ("a" for the first share of the
// records, "b" after).
func planRows(n, n11, n10, n01 int, shareA float64) string {
	var buf bytes.Buffer
	buf.WriteString("x,y,c,b,lat,g\n")
	for i := range n {
		y, c, b := 0, 0, 0
		if positive(i) {
			y = 1
			switch j := i / 2; {
			case j < n11:
				c, b = 1, 1
			case j < n11+n10:
				c = 1
			case j < n11+n10+n01:
				b = 1
			}
		}
		g := "a"
		if float64(i) >= shareA*float64(n) {
			g = "b"
		}
		fmt.Fprintf(&buf, "%d,%d,%d,%d,%d,%s\n", i%7, y, c, b, 20+i%13, g)
	}
	return buf.String()
}

const (
	planCandidate = "  - {name: model, role: candidate, type: column, column: c, latency: lat}\n"
	planBaseline  = "  - {name: rules, role: baseline, type: column, column: b}\n"
	planLearner   = "  - {name: model, role: candidate, type: learn, features: [x], train: {folds: 5}}\n"
)

// planCase is an experiment whose plan TestPlanWarnings checks.
type planCase struct {
	name, data, pipelines, metrics, criteria string
	segments                                 string   // dataset.segments, when any
	want                                     []string // in the warnings; none expected when empty
}

// planCases are the experiments of TestPlanWarnings.
func planCases() []planCase {
	return []planCase{
		{"paired, measured, within reach of the margin", planRows(400, 80, 50, 20, 1), planCandidate + planBaseline, "[recall]",
			"{metric: recall, pipeline: model, better_than: rules, by: 0.10, must: true}", "",
			[]string{"on 35.0% of which model and rules disagree", "±7.9 points", "about 11.3 points clear", "+15.0 points, 5.0 points from the threshold +10.0",
				"replay about 1657 more records"}},
		{"paired, measured, clear of the margin", planRows(400, 80, 50, 20, 1), planCandidate + planBaseline, "[recall]",
			"{metric: recall, pipeline: model, better_than: rules, by: 0.02, must: true}", "", nil},
		{"paired, measured, on the wrong side", planRows(400, 80, 50, 20, 1), planCandidate + planBaseline, "[recall]",
			"{metric: recall, pipeline: model, better_than: rules, by: 0.20, must: true}", "",
			[]string{"5.0 points from the threshold +20.0, on its wrong side: expect INCONCLUSIVE or NO-GO"}},
		{"paired, assumed: the candidate cannot run before the replay", planRows(400, 80, 50, 20, 1), planLearner + planBaseline, "[recall]",
			"{metric: recall, pipeline: model, better_than: rules, by: 0.05, must: true}", "",
			[]string{"with 200 positives", "only about 14.0 points clear", "the plan cannot run both pipelines", "at most 6.4% of them"}},
		{"paired, assumed: f1 gives no record outcomes", planRows(400, 80, 50, 20, 1), planCandidate + planBaseline, "[f1]",
			"{metric: f1, pipeline: model, better_than: rules, by: 0.05, must: true}", "",
			[]string{"only about 14.0 points clear", "the metric gives no record outcomes to pair"}},
		{"p99 on too few records", planRows(200, 80, 10, 10, 1), planCandidate, "[latency_p99]",
			"{metric: latency_p99, pipeline: model, at_most: 50, must: true}", "",
			[]string{"needs at least 368 records at 95% confidence, and the run would replay 200", "at least 168 more records"}},
		{"p99 in every segment, one too small", planRows(800, 80, 10, 10, 0.75), planCandidate, "[latency_p99]",
			"{metric: latency_p99, pipeline: model, at_most: 50, in_every: [g], must: true}", "[g]",
			[]string{"in every segment, and fewer are in g=b (200)"}},
		{"p99 on enough records", planRows(400, 80, 10, 10, 1), planCandidate, "[latency_p99]",
			"{metric: latency_p99, pipeline: model, at_most: 50, must: true}", "", nil},
	}
}

// TestPlanWarnings checks poc plan's warnings: a paired comparison judged
// with the discordance measured on the plan's records (both pipelines run
// for free) or assumed (the worst case), and a quantile with fewer records
// than a distribution-free bound needs (368 for a p99 at 95%). The numbers
// are the "plan …" lines of internal/stats/testdata/reference.py; the whole
// text is in testdata/plan-warnings.golden (go test ./internal/runner/ -run
// PlanWarnings -update rewrites it).
func TestPlanWarnings(t *testing.T) {
	tests := planCases()
	var golden strings.Builder
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			segments := ""
			if tc.segments != "" {
				segments = ", segments: " + tc.segments
			}
			exp := "version: 1\nname: plan\nuse_case: {question: Is it worth replaying}\ndataset: {path: data.csv, label: y" + segments + "}\n" +
				"pipelines:\n" + tc.pipelines + "metrics: " + tc.metrics + "\ncriteria:\n  - " + tc.criteria + "\n"
			writeFiles(t, dir, map[string]string{"data.csv": tc.data, "exp.yaml": exp})
			e, err := Load(filepath.Join(dir, "exp.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			plan, err := MakePlan(e)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&golden, "## %s\n%s\n", tc.name, strings.Join(plan.Warnings, "\n"))
			text := strings.Join(plan.Warnings, "\n")
			if len(tc.want) == 0 && len(plan.Warnings) > 0 || len(tc.want) > 0 && len(plan.Warnings) != 1 {
				t.Fatalf("warnings %q, want %d", plan.Warnings, min(1, len(tc.want)))
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("warning %q lacks %q", text, w)
				}
			}
		})
	}
	checkGolden(t, "testdata/plan-warnings.golden", []byte(golden.String()))
}

// checkGolden compares got with the golden file, or rewrites it with -update.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the warnings differ from %s; if the change is intended, run go test ./internal/runner/ -run PlanWarnings -update and review the diff:\n%s", path, got)
	}
}
