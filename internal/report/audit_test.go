package report

import (
	"html"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/metrics"
)

// auditSegments are the channels of auditRun's in_every criterion, and
// auditGroups the groups of its fairness metric: what an auditor and a
// risk officer must find in the page.
var (
	auditSegments = []string{"channel = web", "channel = app", "channel = moto", "channel = kiosk"}
	auditGroups   = []string{"25 and over", "under 25", "unknown"}
)

// auditRun is sampleRun, in a temporary folder with a predictions journal,
// as an auditor reads it: the projection against today's process, a
// criterion that must hold in every channel (three judged channels and one
// too small to judge), a fairness metric by age band on both pipelines,
// and names for the label's classes. Everything that would change from
// run to run (times, run id, folders) is fixed by sampleRun or relative.
func auditRun(t *testing.T) *results.Run {
	t.Helper()
	run := sampleRun()
	run.Dir = t.TempDir()
	run.Manifest.Dataset.LabelNames = map[string]string{"0": "legitimate", "1": "fraud"}
	run.Impact = sampleImpact()
	run.Impact.Incumbent = run.Impact.Savings[0].Baseline
	run.Verdict.Criteria = append(run.Verdict.Criteria, results.Judgement{
		Name: "precision of fraud|model-v3 at least 30.0% in every channel", Metric: "precision", Pipeline: "fraud|model-v3",
		Kind: results.AtLeast, Estimate: 0.3102, Interval: results.Interval{Lo: 0.2424, Hi: 0.3868, Method: "wilson"},
		Threshold: 0.3, Sense: ">=", Status: results.Inconclusive,
		Segments: []results.SegmentJudgement{
			segment("web", 1100, 0.36, 0.28, 0.45, results.Pass),
			segment("app", 800, 0.24, 0.15, 0.35, results.Inconclusive),
			segment("moto", 88, 0.33, 0.17, 0.54, results.Inconclusive),
			tooSmall("kiosk", 12),
		},
		Explanation: "precision of fraud|model-v3 is 31.0% (95% interval 24.2% to 38.7%) against a required >= 30.0%; " +
			"it must hold in every segment, and is not yet decided in channel=app, channel=moto; lacks the data to judge channel=kiosk (12 records)",
		Test: "passes when the lower bound of the 95% Wilson score interval of the precision is >= 30.0% (a one-sided test at 2.5%), " +
			"overall and in every segment of at least the minimum size",
		Why: "wrongly blocked customers must stay rare on every channel"})
	groups := func(sel ...int) metrics.GroupDetail {
		return metrics.GroupDetail{Groups: []metrics.GroupValue{
			{Group: "25 and over", N: 1700, SelectionRate: float64(sel[0]) / 1700, TPR: 0.5, FPR: 0.04, Selected: sel[0],
				Positives: 84, TruePositives: 42, Negatives: 1616, FalsePositives: 65, Compared: true},
			{Group: "under 25", N: 290, SelectionRate: float64(sel[1]) / 290, TPR: 0.43, FPR: 0.06, Selected: sel[1],
				Positives: 14, TruePositives: 6, Negatives: 276, FalsePositives: 17, Compared: true},
			{Group: "unknown", N: 10, SelectionRate: float64(sel[2]) / 10, TPR: metrics.Rate(results.NaN()), FPR: 0.1, Selected: sel[2],
				Negatives: 10, FalsePositives: 1, Compared: false},
		}}
	}
	fair := func(v, lo, hi float64, d metrics.GroupDetail) results.Estimate {
		return results.Estimate{Metric: "four_fifths_age", Direction: "higher", Value: results.Number(v), N: 2000,
			Interval: results.Interval{Lo: results.Number(lo), Hi: results.Number(hi), Method: "bootstrap-bca"}, Detail: d}
	}
	run.Metrics.Pipelines[0].Metrics = append(run.Metrics.Pipelines[0].Metrics, fair(0.91, 0.72, 1, groups(107, 23, 1)))
	run.Metrics.Pipelines[1].Metrics = append(run.Metrics.Pipelines[1].Metrics, fair(0.74, 0.58, 0.93, groups(107, 23, 1)))
	for i, pm := range run.Metrics.Pipelines {
		if pm.Role == "candidate" {
			run.Metrics.Pipelines[i].OperatingPoint = sampleOperatingPoint(pm.Name, run.Verdict.Criteria)
		}
	}
	writeJournal(t, run.Dir)
	return run
}

// sampleOperatingPoint is an operating-point analysis that found a
// threshold passing on the confirmation half.
func sampleOperatingPoint(name string, js []results.Judgement) *results.OperatingPoint {
	at := func(t, tpr, fpr, prec, flagged, saving float64) results.ThresholdPoint {
		return results.ThresholdPoint{Threshold: results.Number(t), TPR: results.Number(tpr), FPR: results.Number(fpr),
			Precision: results.Number(prec), Flagged: results.Number(flagged), Saving: results.Number(saving)}
	}
	suggested := at(0.31, 0.58, 0.021, 0.41, 0.034, 2_350_000)
	money := func(v, lo, hi float64) *results.Projection {
		return &results.Projection{Value: results.Number(v), Interval: results.Interval{Lo: results.Number(lo), Hi: results.Number(hi), Method: "bootstrap-percentile"}}
	}
	return &results.OperatingPoint{Pipeline: name, SelectRecords: 1000, ConfirmRecords: 1000, Currency: "USD", Incumbent: "rules-v12",
		Current:  at(0.62, 0.25, 0.0016, 0.79, 0.0076, math.NaN()),
		Sweep:    []results.ThresholdPoint{at(0.35, 0.52, 0.015, 0.45, 0.03, 2_100_000), suggested, at(0.25, 0.63, 0.04, 0.29, 0.05, 2_400_000)},
		Feasible: []results.ThresholdRange{{Low: 0.29, High: 0.35}}, Suggested: &suggested,
		SuggestedBy: "of the thresholds whose must-criteria all passed their tests on the selection half at 99.5% confidence, it has the largest yearly saving against rules-v12 there",
		Confirm: &results.Confirmation{Verdict: results.Go, Reason: "all 2 must-criteria passed", CurrentVerdict: results.NoGo, Criteria: js[:1],
			Saving: money(2_210_000, 1_480_000, 2_990_000), CurrentSaving: money(950_000, 420_000, 1_510_000)}}
}

var (
	dropElements = regexp.MustCompile(`(?is)<(style|script|head)\b.*?</(style|script|head)>`)
	blockTags    = regexp.MustCompile(`(?i)<(/?(p|div|h[1-6]|tr|li|ul|ol|table|thead|tbody|section|figure|figcaption|dl|dt|dd|main|pre)\b[^>]*|br\s*/?)>`)
	cellTags     = regexp.MustCompile(`(?i)<t[dh]\b[^>]*>`)
	anyTag       = regexp.MustCompile(`(?s)<[^>]+>`)
	spaces       = regexp.MustCompile(`[ \t\r\f\v\x{a0}]+`)
)

// pageText is the text a person reads in report.html, one block a line:
// styles and scripts dropped, white space collapsed, tags stripped (a table cell set off by " | "),
// entities decoded, empty lines dropped.
func pageText(page string) string {
	s := dropElements.ReplaceAllString(page, "")
	s = strings.Join(strings.Fields(s), " ") // a line break in the source is a space
	s = blockTags.ReplaceAllString(s, "\n")
	s = cellTags.ReplaceAllString(s, " | ")
	s = html.UnescapeString(anyTag.ReplaceAllString(s, ""))
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(spaces.ReplaceAllString(l, " "))
		l = strings.TrimSpace(strings.TrimPrefix(l, "|"))
		if l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// pageGolden is the text of auditRun's report.html, which guards its
// wording: refresh it with go test -run TestHTMLTextGolden -update and
// read the diff as a reader would.
var pageGolden = filepath.Join("testdata", "report.golden.txt")

// TestHTMLTextGolden renders auditRun's report.html and compares its text
// with the golden file.
func TestHTMLTextGolden(t *testing.T) {
	run := auditRun(t)
	got := pageText(writeRun(t, run))
	if strings.Contains(got, run.Dir) || strings.Contains(got, os.TempDir()) {
		t.Fatalf("the page names a local folder; the golden must not depend on where the test runs")
	}
	if *update {
		if err := os.WriteFile(pageGolden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(pageGolden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestHTMLTextGolden -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("report.html's text differs from %s (run go test -update after checking the change):\n%s", pageGolden, diffLines(string(want), got))
	}
}

func TestPageText(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<head><title>x</title><style>p{}</style></head><body><h1>A &amp; B</h1><p>one
		   two</p></body>`, "A & B\none two\n"},
		{`<table><tr><th>Metric</th><th>Value</th></tr><tr><td>recall</td><td class="num">48.3%</td></tr></table>`,
			"Metric | Value\nrecall | 48.3%\n"},
		{`<p>x<br>y</p><img src="data:image/png;base64,AAAA" alt="a plot">`, "x\ny\n"},
	}
	for _, tc := range tests {
		if got := pageText(tc.in); got != tc.want {
			t.Errorf("pageText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
