package report

import (
	"bytes"
	"context"
	"flag"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/poc-harness/poc/internal/results"
)

var update = flag.Bool("update", false, "rewrite golden files")

func num(f float64) *results.Number { n := results.Number(f); return &n }

// sampleRun is a synthetic run folder covering every kind of row the report
// prints: a pass, a fail, an inconclusive criterion with more records
// needed, an undefined one, a comparison, a currency and a latency metric,
// and names with pipes and line breaks.
func sampleRun() *results.Run {
	nan := results.NaN()
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)
	started := time.Date(2025, 6, 2, 9, 30, 0, 0, time.UTC)
	return &results.Run{
		Dir: "results/card-fraud/20250602-093000",
		Manifest: results.Manifest{
			SchemaVersion: results.SchemaVersion,
			Tool:          results.Tool{Name: "poc", Version: "0.3.0", Go: "go1.26.8"},
			RunID:         "20250602-093000",
			Status:        results.Complete,
			Experiment:    results.Experiment{Name: "card-fraud-screening", File: "experiments/card-fraud.yaml", SHA256: "aa11"},
			UseCase: results.UseCase{
				Question: "Should the shadow-mode fraud model replace rule set v12?", Owner: "Risk Operations",
				VolumePerYear: 12000000, Currency: "USD",
			},
			Dataset: results.Dataset{
				Path: "datasets/card-transactions.csv", Format: "csv", SHA256: "bb22", ID: "txn_id",
				Label: "is_fraud", Positive: "1", Time: "created_at", Filter: `channel != "test"`,
				Sample:   &results.Sample{Size: 2000, Seed: 7, Stratify: "is_fraud"},
				RowsRead: 2600, FilteredOut: 300, SampledOut: 288, Skipped: 12, Records: 2000,
				LabelCounts: map[string]int{"0": 1900, "1": 100},
				From:        &from, To: &to,
				Checks: []results.DataCheck{{Check: "duplicate_ids", Column: "txn_id", Count: 3, Records: 2000, Lines: []int{40, 41, 90},
					Severity: "warn", Message: `3 of 2000 records (0.1%) repeat an id an earlier record has in column "txn_id"`}},
			},
			Warnings: []results.Warning{{Where: "experiments/card-fraud.yaml:30:5", Field: "privacy.allow_urls",
				Message: "pipeline sends records out with no allow-list", Hint: "add privacy: {allow_urls: [...]}"}},
			Pipelines: []results.Pipeline{
				{Name: "rules-v12", Role: "baseline", Type: "rules", Description: "today's rule set"},
				{Name: "fraud|model-v3", Role: "candidate", Type: "llm", Description: "prompted model\nwith two lines"},
			},
			Settings: results.Settings{Confidence: 0.95, Resamples: 2000, Seed: 7, Concurrency: 8},
			Started:  started, Finished: started.Add(83 * time.Second), DurationSeconds: 83.25,
		},
		Metrics: results.Metrics{
			SchemaVersion: results.SchemaVersion, Confidence: 0.95, Records: 2000,
			Pipelines: []results.PipelineMetrics{
				{Name: "rules-v12", Role: "baseline", Records: 2000, Metrics: []results.Estimate{
					{Metric: "recall", Direction: "higher", Value: 0.41, N: 100, Interval: results.Interval{Lo: 0.318, Hi: 0.508, Method: "wilson"}},
					{Metric: "precision", Direction: "higher", Value: 0.2456, N: 167, Interval: results.Interval{Lo: 0.187, Hi: 0.316, Method: "wilson"}},
				}},
				{Name: "fraud|model-v3", Role: "candidate", Records: 2000, Failures: 4,
					FailureExamples: []results.Failure{
						{RecordID: "t-17", Error: "timeout after 5s"},
						{RecordID: "t-18", Error: "bad output | not a number\nline two"},
						{RecordID: "t-90", Error: "rate limited"},
						{RecordID: "t-91", Error: "rate limited again (not shown)"},
					},
					Metrics: []results.Estimate{
						{Metric: "recall", Direction: "higher", Value: 0.483, N: 100, Interval: results.Interval{Lo: 0.3876, Hi: 0.5797, Method: "wilson"}},
						{Metric: "precision", Direction: "higher", Value: 0.3102, N: 155, Interval: results.Interval{Lo: 0.2424, Hi: 0.3868, Method: "wilson"}},
						{Metric: "latency_p99", Direction: "lower", Unit: "ms", Value: 812.44, N: 2000, Interval: results.Interval{Lo: 774.1, Hi: 866.06, Method: "order-statistic"}},
						{Metric: "cost_per_record", Direction: "lower", Unit: "USD", Value: 0.0042137, N: 2000, Interval: results.Interval{Lo: 0.0039, Hi: 0.00455, Method: "bca"}},
						{Metric: "recall_night", Direction: "higher", Value: nan, N: 0, Interval: results.Interval{Lo: nan, Hi: nan, Method: "none"},
							Note: "undefined on these records (for example recall with no positive record)"},
					}},
			},
		},
		Verdict: results.Verdict{
			SchemaVersion: results.SchemaVersion, Experiment: "card-fraud-screening", RunID: "20250602-093000",
			Verdict: results.NoGo, Reason: "1 of 3 must-criteria failed: latency_p99 of fraud|model-v3 at most 500",
			Confidence: 0.95, Records: 2000,
			Criteria: []results.Judgement{
				{Name: "recall of fraud|model-v3 better than rules-v12", Metric: "recall", Pipeline: "fraud|model-v3", Kind: results.BetterThan,
					Baseline: "rules-v12", Must: true, Estimate: 0.073, Interval: results.Interval{Lo: 0.02, Hi: 0.13, Method: "paired-percentile"},
					Threshold: 0, Sense: ">=", Status: results.Pass, CandidateValue: num(0.483), BaselineValue: num(0.41),
					Explanation: "recall of fraud|model-v3 is 0.483 against 0.41 for rules-v12: a difference of 0.073; required >= 0",
					Test:        "passes when the lower bound of the 95% paired-percentile interval of the paired difference is >= 0",
					Why:         "catch more fraud than today"},
				{Name: "latency_p99 of fraud|model-v3 at most 500", Metric: "latency_p99", Pipeline: "fraud|model-v3", Kind: results.AtMost,
					Must: true, Estimate: 812.44, Interval: results.Interval{Lo: 774.1, Hi: 866.06, Method: "order-statistic"},
					Threshold: 500, Sense: "<=", Status: results.Fail, Unit: "ms",
					Explanation: "latency_p99 is 812.4 against a required <= 500: the whole interval is on the wrong side",
					Test:        "passes when the upper bound of the 95% order-statistic interval of the latency_p99 is <= 500"},
				{Name: "precision of fraud|model-v3 at least 0.3", Metric: "precision", Pipeline: "fraud|model-v3", Kind: results.AtLeast,
					Must: true, Estimate: 0.3102, Interval: results.Interval{Lo: 0.2424, Hi: 0.3868, Method: "wilson"},
					Threshold: 0.3, Sense: ">=", Status: results.Inconclusive, MoreRecords: 79400,
					Explanation: "precision is 0.3102 against a required >= 0.3: the interval straddles the threshold",
					Test:        "passes when the lower bound of the 95% wilson interval of the precision is >= 0.3"},
				{Name: "recall_night of fraud|model-v3 at least 0.4", Metric: "recall_night", Pipeline: "fraud|model-v3", Kind: results.AtLeast,
					Must: false, Estimate: nan, Interval: results.Interval{Lo: nan, Hi: nan, Method: "none"},
					Threshold: 0.4, Sense: ">=", Status: results.Undefined,
					Explanation: "recall_night could not be computed on these records, so the criterion cannot pass",
					Test:        "passes when the lower bound of the 95% none interval of the recall_night is >= 0.4"},
				{Name: "cost_per_record of fraud|model-v3 at most 0.01", Metric: "cost_per_record", Pipeline: "fraud|model-v3", Kind: results.AtMost,
					Must: false, Estimate: 0.0042137, Interval: results.Interval{Lo: 0.0039, Hi: 0.00455, Method: "bca"},
					Threshold: 0.01, Sense: "<=", Status: results.Pass, Unit: "USD",
					Explanation: "cost_per_record is 0.004214 against a required <= 0.01: the whole interval clears the threshold",
					Test:        "passes when the upper bound of the 95% bca interval of the cost_per_record is <= 0.01"},
			},
		},
	}
}

func TestWriteMarkdownGolden(t *testing.T) {
	var buf bytes.Buffer
	run := sampleRun()
	run.Impact = sampleImpact()
	if err := WriteMarkdown(&buf, run); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "report.golden.md")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got := buf.String(); got != string(want) {
		t.Errorf("report.md differs from %s (run go test -update after checking the change):\n%s", golden, diffLines(string(want), got))
	}
}

// diffLines lists the first lines that differ, enough to see a change.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("line " + itoa(i+1) + ":\n- " + wl + "\n+ " + gl + "\n")
			shown++
		}
	}
	return b.String()
}

func itoa(i int) string { return group(int64(i)) }

// TestMarkdownContent checks what the executive and the auditor look for,
// independently of the golden file.
func TestMarkdownContent(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, sampleRun()); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{
		"# card-fraud-screening",
		"**Verdict: NO-GO**",
		"![Criteria](plots/criteria.png)",
		"48.3%",
		"812.4 ms",
		"0.004214 USD",
		"≤ 500.0 ms",
		"about 79,400 more records",
		"UNDEFINED",
		"| undefined | no interval | — |", // an undefined metric: no number that looks measured
		"95% Wilson score interval",
		"≥ 0.3",
		`fraud\|model-v3`,
		"+7.3 pp (48.3% vs 41.0%)",
		"12,000,000",
		"rate limited",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	if strings.Contains(md, "not shown") {
		t.Error("report.md lists more than 3 failure examples")
	}
	// Every table row has as many unescaped pipes as its header.
	var cols int
	for i, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			cols = 0
			continue
		}
		n := strings.Count(line, "|") - strings.Count(line, `\|`)
		if cols == 0 {
			cols = n
		} else if n != cols {
			t.Errorf("line %d has %d cell borders, its table %d: %s", i+1, n, cols, line)
		}
	}
}

func TestFormatValue(t *testing.T) {
	tests := []struct {
		v    float64
		unit string
		want string
	}{
		{0.4834, "", "48.3%"},
		{-0.0001, "", "0.0%"},
		{812.44, "ms", "812.4 ms"},
		{0.0042137, "USD", "0.004214 USD"},
		{0.5, "EUR", "0.50 EUR"},
		{12.3456, "USD", "12.35 USD"},
		{3, "USD", "3.0 USD"},
		{1234567.8, "USD", "1,234,568 USD"},
		{42, "records", "42 records"},
		{math.NaN(), "", "n/a"},
		{math.Inf(1), "ms", "n/a"},
	}
	for _, tc := range tests {
		if got := formatValue(results.Number(tc.v), tc.unit); got != tc.want {
			t.Errorf("formatValue(%v, %q) = %q, want %q", tc.v, tc.unit, got, tc.want)
		}
	}
	diffs := []struct {
		v    float64
		unit string
		want string
	}{
		{0.073, "", "+7.3 pp"},
		{-0.02, "", "-2.0 pp"},
		{0, "", "0.0 pp"},
		{-12.5, "ms", "-12.5 ms"},
		{0.0012, "USD", "+0.0012 USD"},
		{math.NaN(), "", "n/a"},
	}
	for _, tc := range diffs {
		if got := formatDiff(results.Number(tc.v), tc.unit); got != tc.want {
			t.Errorf("formatDiff(%v, %q) = %q, want %q", tc.v, tc.unit, got, tc.want)
		}
	}
}

func TestCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a|b", `a\|b`},
		{"two\nlines\r\nthree", "two lines three"},
		{"  pad  ", "pad"},
	}
	for _, tc := range tests {
		if got := cell(tc.in); got != tc.want {
			t.Errorf("cell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWriteCriteriaPlot(t *testing.T) {
	nanRun := sampleRun()
	nanRun.Verdict.Criteria = nanRun.Verdict.Criteria[2:4] // inconclusive and undefined (NaN)
	nanRun.Verdict.Criteria[0].Interval = results.Interval{Lo: results.NaN(), Hi: 0.4, Method: "half"}
	empty := sampleRun()
	empty.Verdict.Criteria = nil
	tests := []struct {
		name     string
		run      *results.Run
		criteria int
	}{
		{"all statuses", sampleRun(), 5},
		{"NaN estimate and bound", nanRun, 2},
		{"no criteria", empty, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "criteria.png")
			if err := WriteCriteriaPlot(path, tc.run); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			img, err := png.Decode(f)
			if err != nil {
				t.Fatalf("decode PNG: %v", err)
			}
			b := img.Bounds()
			if b.Dx() != 8*plotDPI {
				t.Errorf("width %d px, want %d (8 in at %d dpi)", b.Dx(), 8*plotDPI, plotDPI)
			}
			if b.Dy() < plotDPI || b.Dy() > plotDPI*(2+tc.criteria) {
				t.Errorf("height %d px for %d criteria", b.Dy(), tc.criteria)
			}
			if n := distinctColours(img); n < 5 {
				t.Errorf("%d distinct colours: the plot looks blank", n)
			}
			svg, err := os.ReadFile(filepath.Join(dir, "criteria.svg"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(svg, []byte("<svg")) {
				t.Error("criteria.svg is not SVG")
			}
		})
	}
}

func distinctColours(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}

func TestWrite(t *testing.T) {
	run := sampleRun()
	run.Dir = t.TempDir()
	if err := Write(context.Background(), run); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{results.MarkdownFile, "plots/criteria.png", "plots/criteria.svg"} {
		if fi, err := os.Stat(filepath.Join(run.Dir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v (size %v)", name, err, fi)
		}
	}
}

// The report rebuilt from the run folder's JSON (NaN written as null) reads
// the same as the report of the run in memory.
func TestMarkdownAfterJSONRoundTrip(t *testing.T) {
	run := sampleRun()
	dir := t.TempDir()
	run.Impact = sampleImpact()
	for name, v := range map[string]any{results.ManifestFile: run.Manifest, results.MetricsFile: run.Metrics,
		results.VerdictFile: run.Verdict, results.ImpactFile: run.Impact} {
		if err := results.WriteJSON(dir, name, v); err != nil {
			t.Fatal(err)
		}
	}
	back, err := results.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var want, got bytes.Buffer
	if err := WriteMarkdown(&want, run); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(&got, back); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("report after a JSON round trip differs:\n%s", diffLines(want.String(), got.String()))
	}
}

func TestLabelWarning(t *testing.T) {
	tests := []struct {
		name string
		d    results.Dataset
		want []string
	}{
		{"nothing to say", results.Dataset{Records: 10, LabelCounts: map[string]int{"0": 6, "1": 4}}, nil},
		{"selective labels", results.Dataset{Records: 10, SelectiveLabels: "Declined applicants have no outcome."},
			[]string{"selective labels — Declined applicants have no outcome. The metrics describe only"}},
		{"unlabelled records", results.Dataset{Records: 10, LabelCounts: map[string]int{"": 3, "1": 7}},
			[]string{"3 of the 10 records replayed have no label"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := labelWarning(tc.d)
			if tc.want == nil && got != "" {
				t.Errorf("warning %q, want none", got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("warning %q lacks %q", got, w)
				}
			}
		})
	}
}
