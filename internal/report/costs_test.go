package report

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/poc-harness/poc/internal/results"
)

// peopleRun is a run with today's rules, the analysts' recorded decisions
// (a column without latency), a trivial floor and a model whose latency was
// logged in the data, each with recall and cost_per_record; the impact is
// left to each test.
func peopleRun() *results.Run {
	est := func(recall, cost float64) []results.Estimate {
		return []results.Estimate{
			{Metric: "recall", Direction: "higher", Value: results.Number(recall), N: 100},
			{Metric: "cost_per_record", Direction: "lower", Unit: "EUR", Value: results.Number(cost), N: 1000},
			{Metric: "latency_p99", Direction: "lower", Unit: "ms", Value: 0.003, N: 1000},
		}
	}
	return &results.Run{
		Manifest: results.Manifest{
			UseCase: results.UseCase{Currency: "EUR", VolumePerYear: 12_000_000},
			Pipelines: []results.Pipeline{
				{Name: "rules-v12", Role: "baseline", Type: "rules"},
				{Name: "analysts", Role: "baseline", Type: "column", Config: map[string]any{"column": "analyst_decision"}},
				{Name: "never-block", Role: "baseline", Type: "constant"},
				{Name: "model", Role: "candidate", Type: "column", Config: map[string]any{"score": "model_score", "latency": "model_latency_ms"}},
			},
		},
		Metrics: results.Metrics{Pipelines: []results.PipelineMetrics{
			{Name: "rules-v12", Role: "baseline", Metrics: est(0.08, 0)},
			{Name: "analysts", Role: "baseline", Metrics: est(0.46, 0)},
			{Name: "never-block", Role: "baseline", Metrics: est(0, 0)},
			{Name: "model", Role: "candidate", Metrics: est(0.25, 0.0004)},
		}},
	}
}

// peopleImpact prices the analysts' time: peopleCost a year on their row
// (none when 0) and, with minutes > 0, a workload of that many minutes per
// record at 48 EUR an hour.
func peopleImpact(currency string, peopleCost, minutes float64) *results.Impact {
	ij := &results.Impact{Currency: currency, VolumePerYear: 12_000_000}
	for _, n := range []string{"rules-v12", "analysts", "never-block", "model"} {
		ij.Pipelines = append(ij.Pipelines, results.PipelineImpact{Name: n})
	}
	if peopleCost > 0 {
		ij.Pipelines[1].PeopleCost = &results.Projection{Value: results.Number(peopleCost)}
	}
	if minutes > 0 {
		ij.Workload = &results.Workload{Baseline: "analysts", Candidates: []string{"model"},
			MinutesPerRecord: results.Projection{Value: results.Number(minutes)}, HourlyCost: 48}
	}
	return ij
}

// The people's baseline is drawn at the cost of their handling time per
// record, never at zero, whichever way impact.json prices it.
func TestQualityCostIncludesPeoplesTime(t *testing.T) {
	tests := []struct {
		name   string
		impact *results.Impact
		// want is each pipeline's cost per record on the plot.
		want map[string]float64
		// note is in the caption's note ("" for no note).
		note string
	}{
		{"people cost priced a year", peopleImpact("EUR", 6_143_419.35, 0.6399),
			map[string]float64{"rules-v12": 0, "analysts": 6_143_419.35 / 12_000_000, "never-block": 0, "model": 0.0004},
			"analysts: 0.512 EUR of people's time"},
		{"only the workload's minutes", peopleImpact("EUR", 0, 0.64),
			map[string]float64{"rules-v12": 0, "analysts": 0.64 * 48 / 60, "never-block": 0, "model": 0.0004},
			"analysts: 0.512 EUR of people's time"},
		{"no impact", nil,
			map[string]float64{"rules-v12": 0, "analysts": 0, "never-block": 0, "model": 0.0004}, ""},
		{"people's time in another currency is not added", peopleImpact("USD", 6_000_000, 0.6),
			map[string]float64{"rules-v12": 0, "analysts": 0, "never-block": 0, "model": 0.0004}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			run := peopleRun()
			run.Impact = tc.impact
			pts, _, _, _ := qualityCostPoints(run, "recall")
			if len(pts) != len(tc.want) {
				t.Fatalf("%d points, want %d", len(pts), len(tc.want))
			}
			for _, p := range pts {
				if want := tc.want[p.name]; math.Abs(p.cost-want) > 1e-9 {
					t.Errorf("%s at %v per record, want %v", p.name, p.cost, want)
				}
			}
			p, note, why := qualityCostFigure(run, newPalette(run))
			if p == nil {
				t.Fatalf("no figure: %s", why)
			}
			if tc.note == "" {
				if note != "" || strings.Contains(p.X.Label.Text, "people") {
					t.Errorf("note %q, axis %q: want neither to mention people", note, p.X.Label.Text)
				}
				return
			}
			if !strings.Contains(note, tc.note) {
				t.Errorf("note %q lacks %q", note, tc.note)
			}
			if !strings.Contains(p.X.Label.Text, "people's handling time included") {
				t.Errorf("axis %q does not say it includes people's time", p.X.Label.Text)
			}
		})
	}
}

// latencyJournal journals n latencies for every pipeline of peopleRun: the
// in-process ones in nanoseconds, the model in tens of milliseconds.
func latencyJournal() *journal {
	j := &journal{byName: map[string]*pipeJournal{}}
	for _, n := range []string{"rules-v12", "analysts", "never-block", "model"} {
		pj := &pipeJournal{name: n}
		for i := range 50 {
			v := 0.0001 * float64(i+1)
			if n == "model" {
				v = 10 + float64(i)
			}
			pj.latencies = append(pj.latencies, v)
		}
		j.pipes = append(j.pipes, pj)
		j.byName[n] = pj
	}
	return j
}

// The latency figure draws only latencies measured on a real call or
// recorded in the data, and names the others as not measured.
func TestLatencyFigureLeavesOutInProcess(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*results.Run)
		drawn   int
		note    []string
		notNote []string
		skipped string
	}{
		{"in-process pipelines left out", func(r *results.Run) {},
			1, []string{"Not measured: rules-v12, analysts and never-block are evaluated in-process"}, []string{"model", "minutes"}, ""},
		{"the people's minutes per record", func(r *results.Run) { r.Impact = peopleImpact("EUR", 0, 0.6399) },
			1, []string{"never-block are evaluated in-process", "The people behind analysts take 0.64 minutes per record"}, nil, ""},
		{"a remote pipeline is measured", func(r *results.Run) { r.Manifest.Pipelines[0].Type = "llm" },
			2, []string{"Not measured: analysts and never-block are evaluated"}, []string{"rules-v12"}, ""},
		{"a type the report does not know is measured", func(r *results.Run) { r.Manifest.Pipelines[2].Type = "plugin" },
			2, []string{"Not measured: rules-v12 and analysts are evaluated"}, []string{"never-block"}, ""},
		{"nothing measured", func(r *results.Run) { delete(r.Manifest.Pipelines[3].Config, "latency") },
			0, []string{"rules-v12, analysts, never-block and model are evaluated in-process"}, nil, "no pipeline's latency was measured on a real call"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			run := peopleRun()
			tc.edit(run)
			p, n, note, why := latencyFigure(run, latencyJournal(), newPalette(run))
			if n != tc.drawn {
				t.Errorf("%d curves, want %d", n, tc.drawn)
			}
			if tc.skipped != "" {
				if p != nil || !strings.Contains(why, tc.skipped) {
					t.Errorf("figure drawn or reason %q lacks %q", why, tc.skipped)
				}
			} else if p == nil {
				t.Fatalf("no figure: %s", why)
			}
			for _, s := range tc.note {
				if !strings.Contains(note, s) {
					t.Errorf("note %q lacks %q", note, s)
				}
			}
			for _, s := range tc.notNote {
				if strings.Contains(note, s) {
					t.Errorf("note %q names %q", note, s)
				}
			}
		})
	}
}

// The metrics tables say an in-process pipeline's latency was not measured
// and keep the harness's time only in the note; other rows stay as they are.
func TestMarkUnmeasured(t *testing.T) {
	run := peopleRun()
	tests := []struct {
		pipeline string
		want     string
	}{
		{"rules-v12", notMeasured},
		{"analysts", notMeasured},
		{"model", "0.0 ms"},
	}
	for _, tc := range tests {
		t.Run(tc.pipeline, func(t *testing.T) {
			var pm results.PipelineMetrics
			for _, p := range run.Metrics.Pipelines {
				if p.Name == tc.pipeline {
					pm = p
				}
			}
			mt := markUnmeasured(run, pm, metricTableOf(pm))
			for _, r := range mt.Rows {
				switch r.Metric {
				case "latency p99":
					if r.Value != tc.want {
						t.Errorf("latency_p99 shown as %q, want %q", r.Value, tc.want)
					}
					if tc.want == notMeasured && !strings.Contains(r.Note, "harness's own time") {
						t.Errorf("note %q does not say it is the harness's time", r.Note)
					}
				case "cost per record":
					if r.Value == notMeasured {
						t.Error("cost_per_record marked as not measured")
					}
				}
			}
		})
	}
}

// report.md shows the mark, and metrics.json's value only in the note.
func TestMarkdownSaysLatencyNotMeasured(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, peopleRun()); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	if n := strings.Count(md, "| latency p99 | "+notMeasured+" |"); n != 3 {
		t.Errorf("%d in-process latency rows marked not measured, want 3:\n%s", n, md)
	}
	if !strings.Contains(md, "| latency p99 | 0.0 ms |") {
		t.Error("the model's recorded latency is not shown as measured")
	}
}
