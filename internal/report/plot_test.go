package report

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/poc-harness/poc/internal/results"
)

func TestWrapLabel(t *testing.T) {
	tests := []struct {
		name         string
		in           string
		width, lines int
		want         []string
	}{
		{"fits on one line", "recall at least 30%", 38, 3, []string{"recall at least 30%"}},
		{"wraps at spaces", "recall of fraud-model-v3 better than rules-v12 by 5.0 pp · MUST", 38, 3,
			[]string{"recall of fraud-model-v3 better than", "rules-v12 by 5.0 pp · MUST"}},
		{"keeps the end of a long name", "precision of fraud-model-v3 at least 30.0% in every channel · should", 26, 3,
			[]string{"precision of", "fraud-model-v3 at least", "30.0% in every channel…"}},
		{"ellipsis past the last line", "one two three four five six seven", 9, 2, []string{"one two", "three…"}},
		{"cuts a word longer than a line", "abcdefghijkl mn", 5, 4, []string{"abcde", "fghij", "kl mn"}},
		{"blank", "   ", 10, 2, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := wrapLabel(tc.in, tc.width, tc.lines)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("wrapLabel(%q, %d, %d) = %q, want %q", tc.in, tc.width, tc.lines, got, tc.want)
			}
			for _, l := range got {
				if n := len([]rune(l)); n > tc.width {
					t.Errorf("line %q has %d runes, more than %d", l, n, tc.width)
				}
			}
		})
	}
}

func TestUnitTicks(t *testing.T) {
	tests := []struct {
		name   string
		ticks  unitTicks
		lo, hi float64
		want   []string
	}{
		{"percent", unitTicks{suffix: "%"}, 0, 52, []string{"0%", "10%", "20%", "30%", "40%", "50%"}},
		{"one decimal for every tick", unitTicks{suffix: "%"}, 0, 1.3, []string{"0.0%", "0.2%", "0.4%", "0.6%", "0.8%", "1.0%", "1.2%"}},
		{"negative differences", unitTicks{suffix: " pp"}, -26, 24, []string{"−20 pp", "−10 pp", "0 pp", "10 pp", "20 pp"}},
		{"millions", unitTicks{suffix: "M", scale: 1e6}, -65e6, 70e6, []string{"−60M", "−40M", "−20M", "0", "20M", "40M", "60M"}},
		{"quarter steps", unitTicks{suffix: " ms", n: 3}, 0, 1, []string{"0.00 ms", "0.25 ms", "0.50 ms", "0.75 ms", "1.00 ms"}},
		{"empty range", unitTicks{}, 1, 1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, tk := range tc.ticks.Ticks(tc.lo, tc.hi) {
				got = append(got, tk.Label)
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("ticks on [%g, %g] = %q, want %q", tc.lo, tc.hi, got, tc.want)
			}
		})
	}
}

func TestCriteriaPanels(t *testing.T) {
	js := []results.Judgement{
		{Name: "a", Metric: "recall", Kind: results.BetterThan},
		{Name: "b", Metric: "precision", Kind: results.AtLeast},
		{Name: "c", Metric: "latency_p99", Kind: results.AtMost, Unit: "ms"},
		{Name: "d", Metric: "money_caught", Kind: results.NoWorseThan},
		{Name: "e", Metric: "precision", Kind: results.AtLeast},
		{Name: "f", Metric: "cost", Kind: results.BetterThan, Relative: true},
	}
	type panel struct {
		axis string
		rows []int
	}
	want := []panel{
		{"difference in recall and money_caught, candidate − baseline (percentage points)", []int{0, 3}},
		{"precision (%)", []int{1, 4}},
		{"latency_p99 (ms)", []int{2}},
		{"relative difference in cost, candidate − baseline (%)", []int{5}},
	}
	got := criteriaPanels(js)
	if len(got) != len(want) {
		t.Fatalf("%d panels, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].axis != w.axis || len(got[i].rows) != len(w.rows) {
			t.Errorf("panel %d: axis %q rows %v, want %q %v", i, got[i].axis, got[i].rows, w.axis, w.rows)
			continue
		}
		for k := range w.rows {
			if got[i].rows[k] != w.rows[k] {
				t.Errorf("panel %d: rows %v, want %v", i, got[i].rows, w.rows)
			}
		}
	}
}

// A pipeline without a value stays on its metric's panel, its row saying
// why, instead of being dropped.
func TestMetricRowsKeepEveryPipeline(t *testing.T) {
	est := func(metric, unit string, v float64) results.Estimate {
		return results.Estimate{Metric: metric, Unit: unit, Value: results.Number(v),
			Interval: results.Interval{Lo: results.Number(v * 0.9), Hi: results.Number(v * 1.1)}}
	}
	run := sampleRun()
	run.Manifest.Pipelines = []results.Pipeline{
		{Name: "never-block", Role: "baseline", Type: "constant"},
		{Name: "rules", Role: "baseline", Type: "rules"},
		{Name: "model", Role: "candidate", Type: "llm"},
	}
	ps := []results.PipelineMetrics{
		{Name: "never-block", Role: "baseline", Metrics: []results.Estimate{est("precision", "", math.NaN()), est("latency_p99", "ms", 0.0002)}},
		{Name: "rules", Role: "baseline", Metrics: []results.Estimate{est("precision", "", 0.3), est("latency_p99", "ms", 0.0003)}},
		{Name: "model", Role: "candidate", Metrics: []results.Estimate{est("precision", "", 0.8), est("latency_p99", "ms", 48)}},
	}
	tests := []struct {
		metric string
		// want is each pipeline's value on the axis, or the note on its row.
		want []string
	}{
		{"precision", []string{noteUndefined, "30", "80"}},
		{"latency_p99", []string{noteNotMeasured, noteNotMeasured, "48"}},
		{"recall", []string{noteNotComputed, noteNotComputed, noteNotComputed}},
	}
	for _, tc := range tests {
		t.Run(tc.metric, func(t *testing.T) {
			rows, _, _ := metricRows(run, tc.metric, ps, newPalette(run))
			if len(rows) != len(ps) {
				t.Fatalf("%d rows for %d pipelines", len(rows), len(ps))
			}
			for i, r := range rows {
				got := r.note
				if finite(r.v) {
					got = strconv.FormatFloat(r.v, 'f', -1, 64)
				}
				if got != tc.want[i] {
					t.Errorf("%s: row %q, want %q", ps[i].Name, got, tc.want[i])
				}
				if want := float64(len(ps) - 1 - i); r.y != want {
					t.Errorf("%s: at y %g, want %g (the first pipeline on top)", ps[i].Name, r.y, want)
				}
			}
		})
	}
}

// The savings plot has ticks in millions or thousands of the currency and a
// value label at every bar.
func TestSavingsTicksAndLabels(t *testing.T) {
	saving := func(base string, v, lo, hi float64) results.Saving {
		return results.Saving{Candidate: "model", Baseline: base, Yearly: results.Projection{Value: results.Number(v),
			Interval: results.Interval{Lo: results.Number(lo), Hi: results.Number(hi)}}}
	}
	tests := []struct {
		name    string
		savings []results.Saving
		// ticks are the labelled ticks on the plot's range; values the
		// bars' labels, top first.
		ticks, values []string
	}{
		{"millions", []results.Saving{saving("rules", 19.4e6, 10e6, 29.6e6), saving("analysts", -47.4e6, -64.2e6, -31.1e6)},
			[]string{"−80M", "−60M", "−40M", "−20M", "0", "20M", "40M"}, []string{"+19.4M EUR", "−47.4M EUR"}},
		{"thousands", []results.Saving{saving("rules", 52e3, 40e3, 61e3)},
			[]string{"0", "10k", "20k", "30k", "40k", "50k", "60k", "70k"}, []string{"+52k EUR"}},
		{"small amounts", []results.Saving{saving("rules", 850, 700, 990)},
			[]string{"0", "200", "400", "600", "800", "1000"}, []string{"+850 EUR"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ij := &results.Impact{Currency: "EUR", Savings: tc.savings}
			rows, names, values := savingRows(ij, palette{})
			if len(rows) != len(tc.savings) || len(names) != len(rows) {
				t.Fatalf("%d rows and %d names for %d savings", len(rows), len(names), len(tc.savings))
			}
			if strings.Join(values, "|") != strings.Join(tc.values, "|") {
				t.Errorf("value labels %q, want %q", values, tc.values)
			}
			bars := savingBars{rows: rows, labels: values}
			lo, hi, _, _ := bars.DataRange()
			maxAbs := 0.0
			for _, r := range rows {
				maxAbs = math.Max(maxAbs, math.Max(math.Abs(r.lo), math.Abs(r.hi)))
			}
			var got []string
			for _, tk := range moneyTicks(maxAbs).Ticks(lo, hi) {
				got = append(got, tk.Label)
			}
			if strings.Join(got, "|") != strings.Join(tc.ticks, "|") {
				t.Errorf("ticks on [%g, %g]: %q, want %q", lo, hi, got, tc.ticks)
			}
		})
	}
}

// In print, a figure never splits across pages, keeps its caption, and is
// kept short.
func TestPrintStylesheetKeepsFiguresWhole(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, sampleRun(), nil, nil); err != nil {
		t.Fatal(err)
	}
	css := section(t, buf.String(), "@media print {", "\n}\n")
	for _, rule := range []struct{ selector, want string }{
		{"  figure {", "break-inside: avoid"},
		{"  figure img {", "max-height: 92mm"},
		{"  figure.narrow img {", "max-height: 70mm"},
		{"  figcaption {", "break-before: avoid"},
	} {
		i := strings.Index(css, rule.selector)
		if i < 0 {
			t.Errorf("the print stylesheet has no rule %q", rule.selector)
			continue
		}
		decl := css[i:]
		decl = decl[:strings.Index(decl, "}")]
		if !strings.Contains(decl, rule.want) {
			t.Errorf("print rule %q lacks %q: %s", rule.selector, rule.want, decl)
		}
	}
}
