package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/poc-harness/poc/internal/results"
)

// sampleImpact is an impact.json for sampleRun: error costs, people's time
// on the baseline, a saving and the workload absorbed.
func sampleImpact() *results.Impact {
	proj := func(v, lo, hi float64, assumption string) results.Projection {
		return results.Projection{Value: results.Number(v), Assumption: assumption,
			Interval: results.Interval{Lo: results.Number(lo), Hi: results.Number(hi), Method: "bootstrap-bca"}}
	}
	errCost := func(v, lo, hi float64) *results.Projection {
		p := proj(v, lo, hi, "12,000,000 records a year × errors measured on 2,000 records")
		return &p
	}
	people := proj(3_000_000, 2_800_000, 3_200_000, "12,000,000 records a year × 0.3125 minutes per record / 60 × 48 USD an hour")
	return &results.Impact{
		SchemaVersion: 1, Currency: "USD", VolumePerYear: 12_000_000, Records: 2000, Confidence: 0.95, Positive: "1",
		CostOfError: &results.CostOfError{MissedPositive: "amount", FalsePositive: "12"},
		Pipelines: []results.PipelineImpact{
			{Name: "rules-v12", Role: "baseline", RunningCost: proj(0, 0, 0, "zero"), ErrorCost: errCost(9_000_000, 8_000_000, 10_000_000),
				PeopleCost: &people, FalseNegatives: 59, FalsePositives: 126},
			{Name: "fraud|model-v3", Role: "candidate", RunningCost: proj(50_564, 46_800, 54_600, "cost"),
				ErrorCost: errCost(7_500_000, 6_500_000, 8_600_000), FalseNegatives: 52, FalsePositives: 107},
		},
		Savings: []results.Saving{{Candidate: "fraud|model-v3", Baseline: "rules-v12",
			Yearly:  proj(4_449_436, 2_100_000, 6_900_000, "the cost per record of rules-v12 minus that of fraud|model-v3 on the same 2,000 records"),
			Running: -50_564, Errors: 1_500_000, People: 3_000_000}},
		Workload: &results.Workload{Baseline: "rules-v12", Candidates: []string{"fraud|model-v3"},
			MinutesPerRecord: proj(0.3125, 0.29, 0.335, "mean minutes"),
			Hours:            proj(62_500, 58_000, 67_000, "12,000,000 records a year × 0.3125 minutes per record / 60"),
			Cost:             proj(3_000_000, 2_784_000, 3_216_000, "62,500 hours a year × 48 USD an hour"),
			FTE:              proj(37.2, 34.5, 39.9, "62,500 hours a year / 1,680 working hours of one full-time equivalent"),
			HourlyCost:       48, HoursPerFTE: 1680},
		Notes: []string{"The yearly figures assume that next year's records resemble the replayed ones."},
	}
}

func TestImpactSections(t *testing.T) {
	run := sampleRun()
	run.Impact = sampleImpact()
	var md bytes.Buffer
	if err := WriteMarkdown(&md, run); err != nil {
		t.Fatal(err)
	}
	run.Dir = t.TempDir()
	writeJournal(t, run.Dir)
	page := writeRun(t, run)
	for _, want := range []string{
		"Projected yearly for fraud|model-v3: a saving of 4.4M USD against rules-v12 (95% interval of the saving 2.1M USD to 6.9M USD).",
		"Cost of errors", "9,000,000 USD", "59 missed, 126 false positives",
		"Cost of the people's handling time", "3,000,000 USD",
		"4,449,436 USD", "2,100,000 USD to 6,900,000 USD", "running cost -50,564 USD, errors +1,500,000 USD, people +3,000,000 USD",
		"Workload absorbed", "37.2 full-time equivalents", "34.5 to 39.9", "62,500 hours a year",
		"Assumes 62,500 hours a year / 1,680 working hours of one full-time equivalent.",
		"Assumes the cost per record of rules-v12 minus that of fraud|model-v3 on the same 2,000 records.",
		// the people's baseline is compared with its people's time, never as free
		"2,949,436 USD a year less than rules-v12 with the people's handling time",
		"the people's handling time (3,000,000 USD a year, 0.25 USD per record) is not in this running cost",
	} {
		if !strings.Contains(md.String(), strings.ReplaceAll(want, "|", `\|`)) && !strings.Contains(md.String(), want) {
			t.Errorf("report.md lacks %q", want)
		}
		if !strings.Contains(page, want) && !strings.Contains(page, htmlText(want)) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	// The summary line sits on page one, before the criteria.
	if i, j := strings.Index(page, `id="headline"`), strings.Index(page, `id="criteria"`); i < 0 || i > j {
		t.Errorf("headline at %d, criteria at %d: want the headline first", i, j)
	}
	if _, err := os.Stat(filepath.Join(run.Dir, "plots", figSavings+".png")); err != nil {
		t.Errorf("savings plot: %v", err)
	}
	if !strings.Contains(page, `id="fig-savings"`) {
		t.Error("the savings plot is not embedded")
	}
}

// htmlText escapes s as html/template prints text.
func htmlText(s string) string {
	return strings.NewReplacer("'", "&#39;", "&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "+", "&#43;").Replace(s)
}

// Without impact.json the section says what to add to the experiment.
func TestImpactWithoutProjection(t *testing.T) {
	var md bytes.Buffer
	if err := WriteMarkdown(&md, sampleRun()); err != nil {
		t.Fatal(err)
	}
	want := "Savings from errors (the amount of a missed fraud, the cost of a wrongly blocked customer) and from human handling time " +
		"(minutes per case, hourly cost) are not projected: add `cost_of_error:` and `people:` under `use_case:`."
	if !strings.Contains(md.String(), want) {
		t.Errorf("report.md lacks %q", want)
	}
	if strings.Contains(md.String(), "Projected yearly saving") {
		t.Error("report.md projects a saving without impact.json")
	}
}

// addRecordContext gives every journal line a time (January to March
// 2024) and segment values, as the engine writes them.
func addRecordContext(t *testing.T, dir string) {
	t.Helper()
	path := filepath.Join(dir, results.JournalFile)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e map[string]any
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		seq := int(e["seq"].(float64))
		e["time"] = fmt.Sprintf("2024-%02d-%02dT10:00:00Z", 1+seq%3, 1+seq%28)
		e["segments"] = map[string]string{"channel": []string{"web", "app", "moto"}[seq%3], "country": fmt.Sprintf("C%02d", seq%25)}
		b, _ := json.Marshal(e)
		out.Write(append(b, '\n'))
	}
	f.Close()
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestTimeAndSegmentPlots(t *testing.T) {
	for _, withContext := range []bool{true, false} {
		t.Run(fmt.Sprint("context=", withContext), func(t *testing.T) {
			run := sampleRun()
			run.Manifest.Dataset.Segments = nil
			run.Dir = t.TempDir()
			writeJournal(t, run.Dir)
			if withContext {
				addRecordContext(t, run.Dir)
			}
			page := writeRun(t, run)
			md, err := os.ReadFile(filepath.Join(run.Dir, results.MarkdownFile))
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{figTime, figSegments} {
				_, statErr := os.Stat(filepath.Join(run.Dir, "plots", name+".png"))
				embedded := strings.Contains(page, `id="fig-`+name+`"`)
				listed := strings.Contains(string(md), "(plots/"+name+".png)")
				if withContext != (statErr == nil) || withContext != embedded || withContext != listed {
					t.Errorf("%s: file %v, embedded %v, listed in report.md %v; want all %v", name, statErr == nil, embedded, listed, withContext)
				}
			}
			if withContext {
				checkSelfContained(t, page)
				if !strings.Contains(page, "Only the 20 values with the most records are shown.") {
					t.Error("the segment plot does not say it shows 20 of the 25 countries")
				}
				return
			}
			for _, want := range []string{"the records have no time", "the records have no segment values"} {
				if !strings.Contains(page, want) || !strings.Contains(string(md), want) {
					t.Errorf("the reports do not say why a plot is missing: %q", want)
				}
			}
		})
	}
}

// A projection that prices nothing says so instead of "a saving of 0".
func TestHeadlineWhenNothingIsPriced(t *testing.T) {
	zero := results.Projection{Value: 0, Interval: results.Interval{Lo: 0, Hi: 0, Method: "paired-bootstrap-percentile"}}
	ij := &results.Impact{Currency: "USD", Savings: []results.Saving{{Candidate: "model", Baseline: "rules", Yearly: zero}}}
	got := headline(ij, "95%", results.Go)
	if !strings.Contains(got, "No yearly saving is projected for model") || strings.Contains(got, "a saving of 0") {
		t.Errorf("headline = %q", got)
	}
	// No chart of zero bars either: the plot is skipped, saying why.
	run := &results.Run{Impact: ij}
	if p, _, why := savingsFigure(run, newPalette(run)); p != nil || !strings.Contains(why, "states no costs") {
		t.Errorf("savings figure of an unpriced projection: plot %v, why %q", p != nil, why)
	}
	ij.Incumbent = "rules" // today's process, still priced at nothing
	if got := headline(ij, "95%", results.Go); !strings.Contains(got, "No yearly saving is projected for model") {
		t.Errorf("headline against an unpriced incumbent = %q", got)
	}
}

// Against the incumbent the headline is one sentence: the verdict, the net
// yearly value with its interval stated in the same sense, the running
// cost; conditional unless GO; no other baseline in it.
func TestHeadlineAgainstTheIncumbent(t *testing.T) {
	proj := func(v, lo, hi float64) results.Projection {
		return results.Projection{Value: results.Number(v), Interval: results.Interval{Lo: results.Number(lo), Hi: results.Number(hi)}}
	}
	ij := &results.Impact{Currency: "EUR", Incumbent: "rules-v12",
		Pipelines: []results.PipelineImpact{{Name: "model", Role: "candidate", RunningCost: proj(4800, 4800, 4800)}},
		Savings: []results.Saving{
			{Candidate: "model", Baseline: "never-block", Yearly: proj(55.6e6, 50e6, 60e6)},
			{Candidate: "model", Baseline: "rules-v12", Yearly: proj(12.3e6, 8.1e6, 16e6)},
			{Candidate: "model", Baseline: "analysts", Yearly: proj(-47.4e6, -64.2e6, -31.1e6)},
		}}
	tests := []struct {
		verdict   results.Decision
		incumbent string
		want      string
	}{
		{results.Go, "rules-v12", "GO: against rules-v12 (today's process), model would save 12.3M EUR a year (95% interval 8.1M to 16.0M EUR), for a running cost of 4,800 EUR a year."},
		{results.NoGo, "analysts", "NO-GO: if model went to production, against analysts (today's process) it would cost 47.4M EUR more a year (95% interval 31.1M to 64.2M EUR), for a running cost of 4,800 EUR a year."},
		{results.Undecided, "rules-v12", "INCONCLUSIVE: if model went to production, against rules-v12 (today's process) it would save 12.3M EUR a year (95% interval 8.1M to 16.0M EUR), for a running cost of 4,800 EUR a year."},
	}
	for _, tt := range tests {
		ij.Incumbent = tt.incumbent
		if got := headline(ij, "95%", tt.verdict); got != tt.want {
			t.Errorf("headline (%s against %s) =\n%s\nwant\n%s", tt.verdict, tt.incumbent, got, tt.want)
		}
	}
}

// An INCONCLUSIVE run's advice says how many more records it needs and,
// with a yearly volume, how much history that is.
func TestUndecidedAdviceGivesTheHistoryNeeded(t *testing.T) {
	run := &results.Run{
		Verdict:  results.Verdict{Verdict: results.Undecided, Records: 2000, Criteria: []results.Judgement{{Must: true, Status: results.Inconclusive, MoreRecords: 3300}}},
		Manifest: results.Manifest{UseCase: results.UseCase{VolumePerYear: 240_000}},
	}
	got := undecidedAdvice(run, 1, 3300)
	want := "Replay about 3,300 more records (about 5,300 in all: about 5 days of history at 240,000 records a year) and run again."
	if !strings.Contains(got, want) {
		t.Errorf("advice = %q, want it to contain %q", got, want)
	}
	run.Manifest.UseCase.VolumePerYear = 0
	if got := undecidedAdvice(run, 1, 3300); strings.Contains(got, "history") {
		t.Errorf("advice without a volume = %q", got)
	}
}

// After a GO the reports say what to watch once live: each must-criterion
// as an alert, and drift; nothing after another verdict.
func TestMonitoringAfterAGo(t *testing.T) {
	run := &results.Run{
		Verdict: results.Verdict{Verdict: results.Go, Confidence: 0.95, Criteria: []results.Judgement{
			{Name: "recall of model at least 30.0%", Must: true, Status: results.Pass, Kind: results.AtLeast,
				Estimate: 0.8, Threshold: 0.3, Unit: "share", Interval: results.Interval{Lo: 0.7, Hi: 0.85}},
			{Name: "latency of model at most 50 ms", Status: results.Inconclusive},
		}},
	}
	got := monitoring(run)
	if len(got) != 2 || !strings.Contains(got[0], "recall of model at least 30.0%: alert when it no longer holds") ||
		!strings.Contains(got[1], "add a psi metric") {
		t.Errorf("monitoring = %q", got)
	}
	run.Verdict.Verdict = results.NoGo
	if got := monitoring(run); got != nil {
		t.Errorf("monitoring after NO-GO = %q", got)
	}
}

// The reports name local files without the folders of the machine that
// ran them: the experiment by its name, the dataset relative to it.
func TestReportPathsCarryNoLocalFolder(t *testing.T) {
	tests := []struct {
		exp, data        string
		wantExp, wantDat string
	}{
		{"/home/ana/poc/experiments/card-fraud.yaml", "/home/ana/poc/experiments/data/tx.parquet", "card-fraud.yaml", "data/tx.parquet"},
		{"/home/ana/poc/experiments/card-fraud.yaml", "/mnt/share/tx.parquet", "card-fraud.yaml", "tx.parquet"},
		{"experiments/card-fraud.yaml", "datasets/tx.csv", "experiments/card-fraud.yaml", "datasets/tx.csv"},
	}
	for _, tt := range tests {
		mf := results.Manifest{Experiment: results.Experiment{File: tt.exp}, Dataset: results.Dataset{Path: tt.data}}
		if got := experimentPath(mf); got != tt.wantExp {
			t.Errorf("experimentPath(%s) = %q, want %q", tt.exp, got, tt.wantExp)
		}
		if got := datasetPath(mf); got != tt.wantDat {
			t.Errorf("datasetPath(%s) = %q, want %q", tt.data, got, tt.wantDat)
		}
	}
}

// A confusion matrix of more than 12 labels is not drawn: its most
// frequent errors are listed instead, most first, in both reports.
func TestTopConfusionsReplaceALargeMatrix(t *testing.T) {
	n := 14
	cm := &results.Confusion{Source: "journal"}
	for i := range n {
		cm.Labels = append(cm.Labels, fmt.Sprintf("intent_%02d", i))
		row := make([]int, n)
		row[i] = 100
		row[(i+1)%n] = i // intent_i decided as intent_i+1, i times
		cm.Counts = append(cm.Counts, row)
	}
	rows := topConfusions(cm, nil)
	if len(rows) != maxConfusionRows || rows[0].Truth != "intent_13" || rows[0].Decided != "intent_00" || rows[0].Count != "13" {
		t.Fatalf("top confusions = %+v", rows)
	}
	if topConfusions(&results.Confusion{Labels: []string{"a", "b"}, Counts: [][]int{{1, 2}, {3, 4}}}, nil) != nil {
		t.Error("a drawable matrix got a table")
	}
	mt := metricTableOf(results.PipelineMetrics{Name: "m", Role: "candidate", Confusion: cm})
	if len(mt.Confusions) != maxConfusionRows {
		t.Errorf("metric table confusions = %d", len(mt.Confusions))
	}
}

// A fairness metric gets a table by group, read from metrics.json's
// detail: each rate with its Wilson interval, the reference group the one
// with the highest selection rate among those compared.
func TestFairnessTablesByGroup(t *testing.T) {
	detail := map[string]any{"groups": []any{
		map[string]any{"group": "25 and over", "n": 851.0, "selection_rate": 0.382, "compared": true,
			"selected": 325.0, "positives": 205.0, "true_positives": 139.0, "negatives": 646.0, "false_positives": 172.0},
		map[string]any{"group": "under 25", "n": 149.0, "selection_rate": 0.510, "compared": true,
			"selected": 76.0, "positives": 61.0, "true_positives": 42.0, "negatives": 88.0, "false_positives": 34.0},
		map[string]any{"group": "unknown", "n": 3.0, "selection_rate": 1.0, "compared": false,
			"selected": 3.0, "positives": 0.0, "true_positives": 0.0, "negatives": 3.0, "false_positives": 3.0},
	}}
	p := results.PipelineMetrics{Name: "logistic", Metrics: []results.Estimate{
		{Metric: "four_fifths_age", Detail: detail}, {Metric: "accuracy", Value: 0.7}}}
	ts := fairnessTables(p, 0.95)
	if len(ts) != 1 || ts[0].Reference != "under 25" || len(ts[0].Rows) != 3 {
		t.Fatalf("tables = %+v", ts)
	}
	// The Wilson score interval of 76 of 149 at 95% is (0.4306, 0.5891) by its
	// formula; stats.Wilson is checked against statsmodels in its own tests.
	if r := ts[0].Rows[1]; r.Selection != "51.0%" || r.SelectionIv != "[43.1%, 58.9%]" || !r.IsReference {
		t.Errorf("under 25: %+v", r)
	}
	if r := ts[0].Rows[2]; r.TPR != "no records" || r.Compared {
		t.Errorf("a group without positives: %+v", r)
	}
}

// A candidate's running cost compared with each baseline's reads as
// English whichever way it goes: more than, less than, the same as.
func TestCostDiffPhrase(t *testing.T) {
	yearly := map[string]float64{"eligibility-rules": 1200, "cheap": 200, "dear": 5000}
	tests := []struct {
		baseline string
		want     string
	}{
		{"eligibility-rules", "0 USD a year the same as eligibility-rules"},
		{"cheap", "1,000 USD a year more than cheap"},
		{"dear", "3,800 USD a year less than dear"},
	}
	for _, tt := range tests {
		t.Run(tt.baseline, func(t *testing.T) {
			diffs := costDiffs(1200, yearly, nil, []string{tt.baseline}, "USD")
			if len(diffs) != 1 || diffs[0].Phrase() != tt.want {
				t.Errorf("costDiffs = %+v, want one that reads %q", diffs, tt.want)
			}
		})
	}
}
