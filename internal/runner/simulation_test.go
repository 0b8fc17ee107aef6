package runner

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/stats"
)

// The simulations of this file replay generated data through Run, as a
// user's experiment would be: the figures they print are those recorded in
// internal/stats/REFERENCES.md ("Decisions: false GO at the margin, and the
// sample-size advice"), reproduced with
//
//	go test ./internal/runner/ -run Simulated -sim.large -v -count=1
//
// -short runs a handful of replays of each (a smoke test of the path);
// the default 100.
var simLarge = flag.Bool("sim.large", false, "run the simulations at the sizes recorded in internal/stats/REFERENCES.md")

// replays is the number of replays of a simulation: short under -short,
// large with -sim.large, normal otherwise.
func replays(short, normal, large int) int {
	switch {
	case *simLarge:
		return large
	case testing.Short():
		return short
	}
	return normal
}

// rows writes a dataset of n records as CSV, header first.
type rows func(buf *bytes.Buffer, rng *rand.Rand, n int)

// simulator replays generated datasets through one experiment file, each
// into its own run folder, removed once read.
type simulator struct {
	t   *testing.T
	dir string
}

func newSimulator(t *testing.T, experiment string) *simulator {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"exp.yaml": experiment})
	return &simulator{t: t, dir: dir}
}

// run replays the dataset csv and returns the run's verdict.
func (s *simulator) run(csv []byte) results.Verdict {
	v, _ := s.runFolder(csv)
	return v
}

// runFolder replays the dataset csv and returns the run's verdict and
// metrics.
func (s *simulator) runFolder(csv []byte) (results.Verdict, results.Metrics) {
	s.t.Helper()
	if err := os.WriteFile(filepath.Join(s.dir, "data.csv"), csv, 0o644); err != nil {
		s.t.Fatal(err)
	}
	exp, err := Load(filepath.Join(s.dir, "exp.yaml"))
	if err != nil {
		s.t.Fatal(err)
	}
	out, err := Run(context.Background(), exp, Options{Out: filepath.Join(s.dir, "results"), SkipReports: true, Concurrency: 1})
	if err != nil {
		s.t.Fatal(err)
	}
	if err := os.RemoveAll(out.Dir); err != nil {
		s.t.Fatal(err)
	}
	return out.Run.Verdict, out.Run.Metrics
}

// generate replays `count` datasets of n records drawn by gen (seeded) and
// calls judge with each verdict.
func (s *simulator) generate(count, n int, seed uint64, gen rows, judge func(results.Verdict)) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var buf bytes.Buffer
	for range count {
		buf.Reset()
		gen(&buf, rng, n)
		judge(s.run(buf.Bytes()))
	}
}

// maxCount is the largest number of events of probability p in n trials
// that a test accepts: the 99.9% quantile of Binomial(n, p), so that a rate
// exactly at p fails the test one time in a thousand at most.
func maxCount(n int, p float64) int {
	b := distuv.Binomial{N: float64(n), P: p}
	k := 0
	for b.CDF(float64(k)) < 0.999 {
		k++
	}
	return k
}

// minCount is the smallest number of events of probability p in n trials
// that a test accepts: the 0.1% quantile of Binomial(n, p).
func minCount(n int, p float64) int {
	b := distuv.Binomial{N: float64(n), P: p}
	k := 0
	for b.CDF(float64(k)) <= 0.001 {
		k++
	}
	return k
}

// positive says whether record i is a positive: every other record, so
// that a share of positives is exact.
func positive(i int) bool { return i%2 == 0 }

// decisionRows draws records of which the positives are caught (d = 1)
// with probability recall: the recall of `column: d` is a proportion.
func decisionRows(recall float64) rows { return flagRows(recall, 0) }

// flagRows draws records whose positives are flagged (d = 1) with
// probability recall and whose negatives with probability fpr.
func flagRows(recall, fpr float64) rows {
	return func(buf *bytes.Buffer, rng *rand.Rand, n int) {
		buf.WriteString("y,d\n")
		for i := range n {
			y, p := 0, fpr
			if positive(i) {
				y, p = 1, recall
			}
			d := 0
			if rng.Float64() < p {
				d = 1
			}
			fmt.Fprintf(buf, "%d,%d\n", y, d)
		}
	}
}

// pairedRows draws, for each positive, whether the candidate (c) and the
// baseline (b) catch it: both with probability p11, the candidate alone
// with p10, the baseline alone with p01.
func pairedRows(p11, p10, p01 float64) rows {
	return func(buf *bytes.Buffer, rng *rand.Rand, n int) {
		buf.WriteString("y,c,b\n")
		for i := range n {
			y, c, b := 0, 0, 0
			if positive(i) {
				y = 1
				switch u := rng.Float64(); {
				case u < p11:
					c, b = 1, 1
				case u < p11+p10:
					c = 1
				case u < p11+p10+p01:
					b = 1
				}
			}
			fmt.Fprintf(buf, "%d,%d,%d\n", y, c, b)
		}
	}
}

// scoreRows draws binormal scores: N(0, 1) for negatives, N(mu, 1) for
// positives, whose ROC AUC is Φ(mu/√2).
func scoreRows(mu float64) rows {
	return func(buf *bytes.Buffer, rng *rand.Rand, n int) {
		buf.WriteString("y,s\n")
		for i := range n {
			y, s := 0, rng.NormFloat64()
			if positive(i) {
				y, s = 1, s+mu
			}
			fmt.Fprintf(buf, "%d,%.6f\n", y, s)
		}
	}
}

// muForAUC is the binormal shift whose AUC is auc.
func muForAUC(auc float64) float64 { return math.Sqrt2 * distuv.UnitNormal.Quantile(auc) }

// simExperiment is the experiment file of a simulation.
func simExperiment(pipelines, metrics, criteria, report string) string {
	return "version: 1\nname: sim\nuse_case: {question: Does it hold}\ndataset: {path: data.csv, label: y}\n" +
		"pipelines:\n" + pipelines + "metrics: " + metrics + "\ncriteria:\n" + criteria + "report: " + report + "\n"
}

const (
	decisionPipeline = "  - {name: model, role: candidate, type: column, column: d}\n"
	pairedPipelines  = "  - {name: model, role: candidate, type: column, column: c}\n  - {name: rules, role: baseline, type: column, column: b}\n"
	scorePipeline    = "  - {name: model, role: candidate, type: column, score: s, threshold: 0}\n"
)

// TestSimulatedFalseGoAtTheMargin replays data whose truth is exactly on
// the threshold: every GO is a false one, and the one-sided test at 2.5%
// (the lower bound of a 95% interval) must keep them at 2.5% or fewer. The
// test accepts up to the 99.9% quantile of Binomial(replays, 2.5%) GOs:
// a true rate of 2.5% fails it once in a thousand, and a rate of 5% (what
// the issue found for 10+10 AUC records) fails it at the large size.
func TestSimulatedFalseGoAtTheMargin(t *testing.T) {
	tests := []struct {
		name               string
		pipelines, metric  string
		criterion, report  string
		records            int
		gen                rows
		short, normal, big int
		// exact is the exact false GO rate where there is one (NaN otherwise):
		// "false go" in internal/stats/testdata/reference.py.
		exact float64
	}{
		{"recall 0.6 of 10 positives", decisionPipeline, "[recall]", "  - {metric: recall, pipeline: model, at_least: 0.6, must: true}\n",
			"{min_records: 20}", 20, decisionRows(0.6), 20, 100, 4000, 0.006046617599999997},
		{"recall 0.6 of 300 positives", decisionPipeline, "[recall]", "  - {metric: recall, pipeline: model, at_least: 0.6, must: true}\n",
			"{}", 600, decisionRows(0.6), 20, 100, 4000, 0.025155016092289373},
		{"paired recall, by 0.05 on 10 positives", pairedPipelines, "[recall]",
			"  - {metric: recall, pipeline: model, better_than: rules, by: 0.05, must: true}\n",
			"{min_records: 20, bootstrap: {resamples: 400}}", 20, pairedRows(0.45, 0.10, 0.05), 20, 100, 2000, math.NaN()},
		{"paired recall, by 0.05 on 400 positives", pairedPipelines, "[recall]",
			"  - {metric: recall, pipeline: model, better_than: rules, by: 0.05, must: true}\n",
			"{bootstrap: {resamples: 400}}", 800, pairedRows(0.45, 0.10, 0.05), 20, 100, 2000, math.NaN()},
		{"roc_auc 0.75 on 10+10", scorePipeline, "[roc_auc]", "  - {metric: roc_auc, pipeline: model, at_least: 0.75, must: true}\n",
			"{min_records: 20, bootstrap: {resamples: 400}}", 20, scoreRows(muForAUC(0.75)), 20, 100, 2000, math.NaN()},
		{"roc_auc 0.75 on 100+100", scorePipeline, "[roc_auc]", "  - {metric: roc_auc, pipeline: model, at_least: 0.75, must: true}\n",
			"{bootstrap: {resamples: 400}}", 200, scoreRows(muForAUC(0.75)), 20, 100, 2000, math.NaN()},
	}
	for k, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sim := newSimulator(t, simExperiment(tc.pipelines, tc.metric, tc.criterion, tc.report))
			count, gos := replays(tc.short, tc.normal, tc.big), 0
			sim.generate(count, tc.records, uint64(100+k), tc.gen, func(v results.Verdict) {
				if v.Verdict == results.Go {
					gos++
				}
			})
			t.Logf("false GO: %d of %d replays (%.2f%%)", gos, count, 100*float64(gos)/float64(count))
			if limit := maxCount(count, 0.025); gos > limit {
				t.Errorf("%d false GOs in %d replays, more than the %d a rate of 2.5%% gives at most (99.9%%)", gos, count, limit)
			}
			if lo, hi := minCount(count, tc.exact), maxCount(count, tc.exact); !math.IsNaN(tc.exact) && (gos < lo || gos > hi) {
				t.Errorf("%d false GOs in %d replays, where the exact rate %.4f gives %d to %d (99.9%%)", gos, count, tc.exact, lo, hi)
			}
		})
	}
}

// exactDecisions is a first look whose recall is exactly k of the n/2
// positives.
func exactDecisions(n, k int) []byte { return exactFlags(n, k, 0) }

// exactFlags is a first look of n records whose n/2 positives are flagged
// k times and whose negatives f times.
func exactFlags(n, k, f int) []byte {
	var buf bytes.Buffer
	buf.WriteString("y,d\n")
	for i := range n {
		switch j := i / 2; {
		case positive(i) && j < k:
			buf.WriteString("1,1\n")
		case positive(i):
			buf.WriteString("1,0\n")
		case j < f:
			buf.WriteString("0,1\n")
		default:
			buf.WriteString("0,0\n")
		}
	}
	return buf.Bytes()
}

// exactPairs is a first look of n records whose n/2 positives are caught
// by both pipelines (n11 of them), by the candidate alone (n10) or by the
// baseline alone (n01).
func exactPairs(n, n11, n10, n01 int) []byte {
	var buf bytes.Buffer
	buf.WriteString("y,c,b\n")
	for i := range n {
		switch j := i / 2; {
		case !positive(i):
			buf.WriteString("0,0,0\n")
		case j < n11:
			buf.WriteString("1,1,1\n")
		case j < n11+n10:
			buf.WriteString("1,1,0\n")
		case j < n11+n10+n01:
			buf.WriteString("1,0,1\n")
		default:
			buf.WriteString("1,0,0\n")
		}
	}
	return buf.Bytes()
}

// gridScores is a first look of n binormal scores at the quantiles
// (i + ½)/(n/2) of each class, and its AUC: the truth of the replays.
func gridScores(n int, mu float64) ([]byte, float64) {
	m := n / 2
	var buf bytes.Buffer
	buf.WriteString("y,s\n")
	var pos, neg []float64
	for i := range m {
		z := distuv.UnitNormal.Quantile((float64(i) + 0.5) / float64(m))
		pos, neg = append(pos, mu+z), append(neg, z)
		fmt.Fprintf(&buf, "1,%.6f\n0,%.6f\n", mu+z, z)
	}
	return buf.Bytes(), stats.AUC(pos, neg)
}

// TestSimulatedAdviceDeliversItsPower takes a first look whose estimates
// equal the truth and leave the criterion undecided, follows the advice
// (the first look's records plus the "about N more"), and replays that
// many records drawn from the same truth: the criterion must pass in
// 80% ± 5% of the replays, the power the advice promises. The test accepts
// a count of passes that a power of 0.75 or 0.85 gives with probability
// 99.9%: at the large size (2,000 to 3,000 replays) that is 0.72 to 0.87,
// and the figures recorded in REFERENCES.md are within 0.75 to 0.85.
func TestSimulatedAdviceDeliversItsPower(t *testing.T) {
	auc, aucTruth := gridScores(200, muForAUC(0.80))
	tests := []struct {
		name               string
		pipelines, metric  string
		criterion, report  string
		first              []byte
		gen                rows
		short, normal, big int
		method             string
		// exact is the exact power at the advised size where there is one
		// (NaN otherwise): "advice power" in internal/stats/testdata/reference.py.
		exact float64
	}{
		{"recall 0.56 against 0.50", decisionPipeline, "[recall]", "  - {metric: recall, pipeline: model, at_least: 0.5, must: true}\n",
			"{}", exactDecisions(400, 112), decisionRows(0.56), 20, 100, 3000, "one proportion", 0.7963699468774793},
		{"paired recall 0.70 against 0.40 by 0.25", pairedPipelines, "[recall]",
			"  - {metric: recall, pipeline: model, better_than: rules, by: 0.25, must: true}\n",
			"{bootstrap: {resamples: 400}}", exactPairs(400, 70, 70, 10), pairedRows(0.35, 0.35, 0.05), 20, 100, 2000, "paired power analysis", math.NaN()},
		{"recall 0.56 against 0.50 twice, Holm", decisionPipeline, "[recall]",
			"  - {name: first, metric: recall, pipeline: model, at_least: 0.5, must: true}\n  - {name: second, metric: recall, pipeline: model, at_least: 0.5, must: true}\n",
			"{}", exactDecisions(400, 112), decisionRows(0.56), 20, 100, 3000, "level 1.25% that Holm's correction", 0.80584832903013},
		{"roc_auc 0.80 against 0.75", scorePipeline, "[roc_auc]", "  - {metric: roc_auc, pipeline: model, at_least: 0.75, must: true}\n",
			"{bootstrap: {resamples: 400}}", auc, scoreRows(muForAUC(aucTruth)), 20, 100, 2000, "standard error", math.NaN()},
		{"f1 0.737 against 0.70", decisionPipeline, "[f1]", "  - {metric: f1, pipeline: model, at_least: 0.70, must: true}\n",
			"{bootstrap: {resamples: 400}}", exactFlags(400, 140, 40), flagRows(0.7, 0.2), 20, 100, 2000, "standard error", math.NaN()},
	}
	for k, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sim := newSimulator(t, simExperiment(tc.pipelines, tc.metric, tc.criterion, tc.report))
			first := sim.run(tc.first).Criteria[0]
			n0 := bytes.Count(tc.first, []byte("\n")) - 1
			// An undecided test has its estimate within z·se of the threshold,
			// so the advice at 80% power at least doubles the records.
			if first.Status != results.Inconclusive || first.MoreRecords < n0 || !strings.Contains(first.SampleSizeMethod, tc.method) {
				t.Fatalf("first look: %s, %d more records (%s), want at least %d by %q: %s",
					first.Status, first.MoreRecords, first.SampleSizeMethod, n0, tc.method, first.Explanation)
			}
			records := first.MoreRecords + n0
			count, passes := replays(tc.short, tc.normal, tc.big), 0
			sim.generate(count, records, uint64(200+k), tc.gen, func(v results.Verdict) {
				if v.Criteria[0].Status == results.Pass {
					passes++
				}
			})
			t.Logf("first look %.4f [%.4f, %.4f]: about %d more records (%s); %d in all pass in %d of %d replays: power %.3f",
				first.Estimate, first.Interval.Lo, first.Interval.Hi, first.MoreRecords, first.SampleSizeMethod, records, passes, count,
				float64(passes)/float64(count))
			if lo, hi := minCount(count, 0.75), maxCount(count, 0.85); passes < lo || passes > hi {
				t.Errorf("%d passes in %d replays: a power outside 0.80 ± 0.05 (%d to %d passes at 99.9%%)", passes, count, lo, hi)
			}
			if lo, hi := minCount(count, tc.exact), maxCount(count, tc.exact); !math.IsNaN(tc.exact) && (passes < lo || passes > hi) {
				t.Errorf("%d passes in %d replays, where the exact power %.4f gives %d to %d (99.9%%)", passes, count, tc.exact, lo, hi)
			}
		})
	}
}

// TestSimulatedIntervalsIgnoreMetricOrder runs the same data with the same
// metrics listed alone, after others and in reverse: every bootstrapped
// interval (in metrics.json and in the verdict) must be the same, bit for
// bit, wherever its metric is listed — the resampling seed comes from the
// metric's name, not its position.
func TestSimulatedIntervalsIgnoreMetricOrder(t *testing.T) {
	var buf bytes.Buffer
	scoreRows(muForAUC(0.8))(&buf, rand.New(rand.NewPCG(7, 8)), 300)
	criteria := "  - {metric: roc_auc, pipeline: model, at_least: 0.75, must: true}\n  - {metric: f1, pipeline: model, at_least: 0.6, must: true}\n"
	intervals := func(metrics string) map[string]results.Interval {
		sim := newSimulator(t, simExperiment(scorePipeline, metrics, criteria, "{bootstrap: {resamples: 500}}"))
		out := map[string]results.Interval{}
		v, m := sim.runFolder(buf.Bytes())
		for _, e := range m.Pipelines[0].Metrics {
			out["metrics.json "+e.Metric] = e.Interval
		}
		for _, j := range v.Criteria {
			out["verdict.json "+j.Metric] = j.Interval
		}
		return out
	}
	want := intervals("[roc_auc, f1]")
	for _, order := range []string{"[f1, roc_auc]", "[accuracy, precision, brier_score, f1, roc_auc]", "[roc_auc, log_loss, f1, recall]"} {
		got := intervals(order)
		for name, iv := range want {
			if g := got[name]; math.Float64bits(float64(g.Lo)) != math.Float64bits(float64(iv.Lo)) ||
				math.Float64bits(float64(g.Hi)) != math.Float64bits(float64(iv.Hi)) || g.Method != iv.Method {
				t.Errorf("metrics %s: %s interval %v, listed as [roc_auc, f1] %v", order, name, g, iv)
			}
		}
	}
	if iv := want["metrics.json roc_auc"]; !strings.HasPrefix(iv.Method, "bootstrap") || !(iv.Hi > iv.Lo) {
		t.Errorf("roc_auc interval %v: want a bootstrap interval of positive width", iv)
	}
}
