package verdict

import (
	"math"
	"strings"
	"testing"

	"github.com/poc-harness/poc/internal/results"
)

// evidenceOf is evidence with an interval of the given method.
func evidenceOf(est, lo, hi, p float64, method string) Evidence {
	return Evidence{Estimate: est, Interval: results.Interval{Lo: results.Number(lo), Hi: results.Number(hi), Method: method},
		PValue: p, Candidate: math.NaN(), Baseline: math.NaN(), McNemarP: math.NaN()}
}

// wilsonOf is the evidence of a proportion of trials.
func wilsonOf(est, lo, hi, p float64, trials int) Evidence {
	ev := evidenceOf(est, lo, hi, p, "wilson")
	ev.Trials = trials
	return ev
}

// pairedOf is the evidence of a paired difference of two proportions.
func pairedOf(est, lo, hi, p float64, pairs, discordant, candidateOnly int) Evidence {
	ev := evidenceOf(est, lo, hi, p, "paired-bootstrap-percentile")
	ev.Pairs, ev.Discordant, ev.CandidateOnly = pairs, discordant, candidateOnly
	return ev
}

// positionsOf is a segment of n records.
func positionsOf(col, value string, from, n int) Segment {
	sg := Segment{Column: col, Value: value}
	for i := range n {
		sg.Positions = append(sg.Positions, from+i)
	}
	return sg
}

// adviceCase is a replay judged on fixed evidence, and the advice it should get.
type adviceCase struct {
	name     string
	criteria []Criterion
	ev       fixed
	records  int
	segments map[string][]Segment
	multi    string
	want     int
	method   string
}

// adviceCases are the cases of TestAdvice.
func adviceCases() []adviceCase {
	atLeast := func(name string, thr float64, must bool) Criterion {
		return Criterion{Name: name, Metric: "m", Pipeline: "p", Kind: results.AtLeast, Threshold: thr, Must: must}
	}
	better := Criterion{Name: "a", Metric: "m", Pipeline: "p", Kind: results.BetterThan, Baseline: "b", Margin: 0.25, Must: true}
	p99 := Criterion{Name: "a", Metric: "m", Pipeline: "p", Kind: results.AtMost, Threshold: 50, Must: true}
	inEvery := atLeast("a", 0.5, true)
	inEvery.InEvery = []string{"c"}
	quantile := evidenceOf(45, math.NaN(), math.NaN(), math.NaN(), "order-statistic")
	quantile.Trials, quantile.NeedRecords = 200, 368
	degenerate := evidenceOf(0.9, 0.9, 0.9, 0, "bootstrap-bca")
	degenerate.Degenerate = true
	proportion := wilsonOf(0.56, 0.4907167533465867, 0.6270218074881414, 0.04484301088518217, 200)
	segment := wilsonOf(160.0/300, 0.47681490758540607, 0.5890088943329576, 0.12410653949496181, 300)
	strong := wilsonOf(0.6, 0.57, 0.63, 1e-9, 1000)
	two := map[string][]Segment{"c": {positionsOf("c", "x", 0, 300), positionsOf("c", "y", 300, 300)}}
	return []adviceCase{
		{"bootstrap interval: the normal approximation from its standard error", []Criterion{atLeast("a", 0.30, true)},
			fixed{"a": evidenceOf(0.32, 0.28, 0.36, 0.16, "bootstrap-bca")}, 1000, nil, "", 7173, "standard error of the 95% bootstrap interval (BCa), at 80% power"},
		{"bootstrap on 60 records: never a trivial number (the interval's reach as 1/√n said 3)", []Criterion{atLeast("a", 0.75, true)},
			fixed{"a": evidenceOf(0.80, 0.749, 0.85, 0.03, "bootstrap-bca")}, 60, nil, "", 66, "standard error"},
		{"a lopsided interval (a bound pressing): its threshold-side half", []Criterion{atLeast("a", 0.92, true)},
			fixed{"a": evidenceOf(0.96, 0.90, 0.965, 0.04, "bootstrap-bca")}, 500, nil, "", 1799, "standard error"},
		{"estimate on the threshold: no amount settles it", []Criterion{atLeast("a", 0.32, true)},
			fixed{"a": evidenceOf(0.32, 0.28, 0.36, 0.5, "bootstrap-bca")}, 1000, nil, "", 0, ""},
		{"estimate on the wrong side", []Criterion{atLeast("a", 0.33, true)},
			fixed{"a": evidenceOf(0.32, 0.28, 0.36, 0.7, "bootstrap-bca")}, 1000, nil, "", 0, ""},
		{"proportion: the score test's sample size, in trials scaled to records", []Criterion{atLeast("a", 0.5, true)},
			fixed{"a": proportion}, 400, nil, "", 686, "one proportion against 50.0% (score test), at 80% power"},
		{"paired proportions: the difference's own variance", []Criterion{better},
			fixed{"a": pairedOf(0.30, 0.23, 0.37, 0.08, 200, 80, 70)}, 400, nil, "", 1547, "40% of pairs discordant, at 80% power"},
		{"paired counts that do not make the difference (precision): its interval", []Criterion{better},
			fixed{"a": pairedOf(0.32, 0.22, 0.42, 0.09, 200, 80, 70)}, 400, nil, "", 1268, "standard error of the 95% paired bootstrap percentile interval"},
		{"p99 latency: the order-statistic interval's width", []Criterion{p99},
			fixed{"a": evidenceOf(47.9283, 46.47, 50.03, 0.0254, "order-statistic")}, 19840, nil, "", 10086, "standard error of the 95% order-statistic interval"},
		{"quantile short of a distribution-free bound", []Criterion{p99}, fixed{"a": quantile}, 200, nil, "", 168, "distribution-free bound"},
		{"zero-width interval: nothing to extrapolate", []Criterion{atLeast("a", 0.5, true)}, fixed{"a": degenerate}, 1000, nil, "", 0, ""},
		{"Holm, two open must-tests: the first is tested at α/2", []Criterion{atLeast("a", 0.5, true), atLeast("b", 0.5, true)},
			fixed{"a": proportion, "b": proportion}, 400, nil, "holm", 915, "one-sided level 1.25% that Holm's correction sets the first of the 2 must-tests not yet passed"},
		{"Holm, the other must-test passes: α itself", []Criterion{atLeast("a", 0.5, true), atLeast("b", 0.5, true)},
			fixed{"a": proportion, "b": strong}, 400, nil, "holm", 686, "one proportion against 50.0% (score test), at 80% power"},
		{"a should-criterion is not corrected", []Criterion{atLeast("a", 0.5, false), atLeast("b", 0.5, true)},
			fixed{"a": proportion, "b": proportion}, 400, nil, "holm", 686, "at 80% power"},
		{"segments: one open segment at 80%", []Criterion{inEvery},
			fixed{"a": strong, "a/x": segment, "a/y": strong}, 1000, two, "none", 4879, "at 80% power"},
		{"segments: two open segments, each at √0.8", []Criterion{inEvery},
			fixed{"a": strong, "a/x": segment, "a/y": segment}, 1000, two, "none", 6717, "at 89% power for each of the 2 undecided tests"},
		{"segments: one too small to judge", []Criterion{inEvery}, fixed{"a": strong, "a/x": strong}, 1000,
			map[string][]Segment{"c": {positionsOf("c", "x", 0, 980), positionsOf("c", "y", 980, 20)}}, "none", 500, "the minimum of 30 records a segment"},
	}
}

// The advice, judged end to end on fixed evidence. Expected values: the "advice …" lines of
// internal/stats/testdata/reference.py (the sample-size formulas with scipy.stats.norm.ppf,
// then ceil(need · records / units) − records).
func TestAdvice(t *testing.T) {
	tests := adviceCases()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := Input{Metrics: map[string]Metric{"m": {Name: "m"}}, Records: tc.records, Segments: tc.segments, Tester: tc.ev}
			j := Judge(tc.criteria, in, Settings{Confidence: 0.95, MinSegmentSize: 30, Multiplicity: tc.multi}).Criteria[0]
			if j.Status != results.Inconclusive {
				t.Fatalf("status %s, want inconclusive: %s", j.Status, j.Explanation)
			}
			if j.MoreRecords != tc.want || !strings.Contains(j.SampleSizeMethod, tc.method) {
				t.Errorf("about %d more records (%q), want %d (%q)", j.MoreRecords, j.SampleSizeMethod, tc.want, tc.method)
			}
		})
	}
}
