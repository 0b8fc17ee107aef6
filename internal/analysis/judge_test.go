package analysis

import (
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/stats"
	"github.com/poc-harness/poc/internal/verdict"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
)

var large = flag.Bool("verdict.large", false, "run the verdict simulations at full size")

func recallMetric(t testing.TB) metrics.Metric {
	f, _ := metrics.Lookup("recall")
	m, err := f().Build(metrics.Env{Name: "recall", Positive: "1"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// recallAcc holds n positives of which the first k were caught.
func recallAcc(m metrics.Metric, caught []bool) metrics.Accumulator {
	acc := m.New()
	for i, c := range caught {
		label := "0"
		if c {
			label = "1"
		}
		acc.Add(metrics.Observation{Truth: "1", Pred: pipeline.Prediction{Seq: i, Output: pipeline.Output{Label: label}}})
	}
	return acc
}

func firstK(n, k int) []bool {
	out := make([]bool, n)
	for i := range k {
		out[i] = true
	}
	return out
}

// opts are the analysis and judging settings of a test, in one struct.
type opts struct {
	Confidence     float64
	Resamples      int
	Seed           uint64
	Multiplicity   string
	MinSegmentSize int
}

// judgeAll analyses the accumulators and judges the criteria on them, as
// the runner does; it also returns the estimates of metrics.json.
func judgeAll(t testing.TB, mets []metrics.Metric, accs [][]metrics.Accumulator, names []string, segs map[string][]verdict.Segment,
	criteria []verdict.Criterion, o opts) (verdict.Summary, [][]results.Estimate) {
	t.Helper()
	a, err := New(names, mets, accs, Settings{Confidence: o.Confidence, Resamples: o.Resamples, Seed: o.Seed})
	if err != nil {
		t.Fatal(err)
	}
	records := accs[0][0].Result().N
	if r, ok := accs[0][0].(metrics.Resampler); ok {
		records = r.Len()
	}
	sum := verdict.Judge(criteria, a.Input(records, segs),
		verdict.Settings{Confidence: o.Confidence, MinSegmentSize: o.MinSegmentSize, Multiplicity: o.Multiplicity})
	est, err := a.Estimates()
	if err != nil {
		t.Fatal(err)
	}
	return sum, est
}

func judgeOne(t testing.TB, criteria []verdict.Criterion, accs [][]metrics.Accumulator, names []string, segs map[string][]verdict.Segment, s opts) verdict.Summary {
	sum, _ := judgeAll(t, []metrics.Metric{recallMetric(t)}, accs, names, segs, criteria, s)
	return sum
}

func TestHolmCorrectsMarginalPasses(t *testing.T) {
	// 220 of 400 against 50%: the score test gives p ≈ 0.0228, under the
	// one-sided 2.5% on its own; two such must-tests need p ≤ 1.25% for the
	// smaller under Holm, so both become inconclusive.
	m := recallMetric(t)
	acc := [][]metrics.Accumulator{{recallAcc(m, firstK(400, 220))}}
	crit := []verdict.Criterion{
		{Name: "a", Metric: "recall", Pipeline: "model", Kind: results.AtLeast, Threshold: 0.5, Must: true},
		{Name: "b", Metric: "recall", Pipeline: "model", Kind: results.AtLeast, Threshold: 0.5, Must: true},
	}
	for _, tc := range []struct {
		multiplicity string
		want         results.CriterionStatus
		verdict      results.Decision
	}{{"none", results.Pass, results.Go}, {"holm", results.Inconclusive, results.Undecided}} {
		s := opts{Confidence: 0.95, Resamples: 500, Seed: 1, Multiplicity: tc.multiplicity}
		sum := judgeOne(t, crit, acc, []string{"model"}, nil, s)
		for _, j := range sum.Criteria {
			if j.Status != tc.want {
				t.Errorf("%s: %s is %s, want %s (p %v, adjusted %v)", tc.multiplicity, j.Name, j.Status, tc.want, j.PValue, j.AdjustedP)
			}
		}
		if sum.Verdict != tc.verdict || sum.Multiplicity != tc.multiplicity {
			t.Errorf("%s: verdict %s (multiplicity %q), want %s", tc.multiplicity, sum.Verdict, sum.Multiplicity, tc.verdict)
		}
		if want := stats.WilsonPValue(220, 400, 0.5, true); math.Abs(float64(sum.Criteria[0].PValue)-want) > 1e-12 {
			t.Errorf("p-value %v, want the score test's %v", sum.Criteria[0].PValue, want)
		}
	}
	if j := judgeOne(t, crit, acc, []string{"model"}, nil, opts{Confidence: 0.95, Resamples: 500, Multiplicity: "holm"}).Criteria[0]; !strings.Contains(j.Test, "Holm–Bonferroni across the 2 tests") ||
		!strings.Contains(j.Explanation, "corrected for the number of must-criteria") {
		t.Errorf("the report does not name the correction: %q / %q", j.Test, j.Explanation)
	}
}

func TestSegmentsMustEachHold(t *testing.T) {
	m := recallMetric(t)
	// Records 0–299 in A (240 caught), 300–599 in B (90 caught), 600–609 in C.
	caught := append(append(firstK(300, 240), firstK(300, 90)...), firstK(10, 10)...)
	acc := [][]metrics.Accumulator{{recallAcc(m, caught)}}
	seg := func(v string, from, to int) verdict.Segment {
		s := verdict.Segment{Column: "country", Value: v}
		for i := from; i < to; i++ {
			s.Positions = append(s.Positions, i)
		}
		return s
	}
	crit := []verdict.Criterion{{Metric: "recall", Pipeline: "model", Kind: results.AtLeast, Threshold: 0.5, InEvery: []string{"country"}, Must: true}}
	s := opts{Confidence: 0.95, Resamples: 500, Seed: 1, MinSegmentSize: 30, Multiplicity: "none"}

	all := map[string][]verdict.Segment{"country": {seg("B", 300, 600), seg("A", 0, 300), seg("C", 600, 610)}}
	j := judgeOne(t, crit, acc, []string{"model"}, all, s).Criteria[0]
	want := map[string]results.CriterionStatus{"A": results.Pass, "B": results.Fail, "C": results.TooSmall}
	for _, sg := range j.Segments {
		if sg.Status != want[sg.Value] {
			t.Errorf("segment %s: %s, want %s", sg.Value, sg.Status, want[sg.Value])
		}
	}
	if j.Status != results.Fail || !strings.Contains(j.Explanation, "fails in country=B") || !strings.Contains(j.Explanation, "country=C (10 records)") {
		t.Errorf("criterion %s: %s", j.Status, j.Explanation)
	}
	// Without B, the small segment C keeps the criterion from passing.
	noB := map[string][]verdict.Segment{"country": {seg("A", 0, 300), seg("C", 600, 610)}}
	if j := judgeOne(t, crit, acc, []string{"model"}, noB, s).Criteria[0]; j.Status != results.Inconclusive {
		t.Errorf("with a too-small segment: %s, want inconclusive", j.Status)
	}
}

func TestRelativeMarginsAndMcNemar(t *testing.T) {
	m := recallMetric(t)
	// 500 positives: the baseline catches the first 250, the candidate the
	// first 300 — a relative gain of 20%, with 50 discordant records.
	acc := [][]metrics.Accumulator{{recallAcc(m, firstK(500, 300))}, {recallAcc(m, firstK(500, 250))}}
	s := opts{Confidence: 0.95, Resamples: 1000, Seed: 2, Multiplicity: "none"}
	crit := []verdict.Criterion{
		{Metric: "recall", Pipeline: "c", Kind: results.BetterThan, Baseline: "b", Margin: 0.10, Relative: true, Must: true},
		{Metric: "recall", Pipeline: "c", Kind: results.BetterThan, Baseline: "b", Margin: 0.40, Relative: true, Must: true},
	}
	sum := judgeOne(t, crit, acc, []string{"c", "b"}, nil, s)
	if j := sum.Criteria[0]; math.Abs(float64(j.Estimate)-0.2) > 1e-12 || j.Status != results.Pass || !strings.Contains(j.Explanation, "+20.0%") {
		t.Errorf("relative 10%%: estimate %v, %s: %s", j.Estimate, j.Status, j.Explanation)
	}
	if j := sum.Criteria[1]; j.Status != results.Fail {
		t.Errorf("relative 40%%: %s, want fail (%s)", j.Status, j.Explanation)
	}
	// McNemar on b = 50, c = 0 (statsmodels mcnemar([[250, 50], [0, 200]], exact=True)).
	if j := sum.Criteria[0]; j.McNemarP == nil || math.Abs(float64(*j.McNemarP)-stats.McNemarExact(50, 0)) > 1e-15 {
		t.Errorf("McNemar p = %v", j.McNemarP)
	}
}

// simulate draws n positives caught with probability p.
func simulate(rng *rand.Rand, n int, p float64) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = rng.Float64() < p
	}
	return out
}

func TestFalseGoAtTheMargin(t *testing.T) {
	// The true recall is exactly the threshold: a GO is a false GO, which
	// the one-sided test at 2.5% must keep rare.
	sims := 400
	if *large {
		sims = 4000
	}
	m := recallMetric(t)
	rng := rand.New(rand.NewPCG(11, 12))
	crit := []verdict.Criterion{{Metric: "recall", Pipeline: "model", Kind: results.AtLeast, Threshold: 0.6, Must: true}}
	gos := 0
	for range sims {
		acc := [][]metrics.Accumulator{{recallAcc(m, simulate(rng, 300, 0.6))}}
		if judgeOne(t, crit, acc, []string{"model"}, nil, opts{Confidence: 0.95, Resamples: 200}).Verdict == results.Go {
			gos++
		}
	}
	rate := float64(gos) / float64(sims)
	t.Logf("false GO at the margin: %d of %d (%.2f%%)", gos, sims, 100*rate)
	if rate > 0.05 {
		t.Errorf("false GO rate %.3f at the margin, want ≤ 0.05", rate)
	}
}

func TestFalseGoAtTheMarginPaired(t *testing.T) {
	// Candidate better than the baseline by exactly the margin (0.05).
	sims := 150
	if *large {
		sims = 2000
	}
	m := recallMetric(t)
	rng := rand.New(rand.NewPCG(21, 22))
	crit := []verdict.Criterion{{Metric: "recall", Pipeline: "c", Kind: results.BetterThan, Baseline: "b", Margin: 0.05, Must: true}}
	gos := 0
	for range sims {
		base := simulate(rng, 400, 0.5)
		cand := make([]bool, len(base))
		for i, b := range base { // correlated: the candidate keeps 90% of the baseline's catches
			switch {
			case b:
				cand[i] = rng.Float64() < 0.9
			default:
				cand[i] = rng.Float64() < 0.2
			}
		}
		// True recalls: 0.5·0.9 + 0.5·0.2 = 0.55 against 0.5: a difference of exactly 0.05.
		acc := [][]metrics.Accumulator{{recallAcc(m, cand)}, {recallAcc(m, base)}}
		if judgeOne(t, crit, acc, []string{"c", "b"}, nil, opts{Confidence: 0.95, Resamples: 400, Seed: uint64(gos + 1)}).Verdict == results.Go {
			gos++
		}
	}
	rate := float64(gos) / float64(sims)
	t.Logf("false GO at the paired margin: %d of %d (%.2f%%)", gos, sims, 100*rate)
	if rate > 0.06 {
		t.Errorf("false GO rate %.3f at the paired margin, want about ≤ 0.05", rate)
	}
}

func TestSampleSizeAdviceDeliversThePower(t *testing.T) {
	// True recall 0.56 against a threshold of 0.50: 200 positives leave the
	// criterion undecided; the advice, followed, should decide it (pass)
	// about 80% of the time.
	m := recallMetric(t)
	rng := rand.New(rand.NewPCG(31, 32))
	crit := []verdict.Criterion{{Metric: "recall", Pipeline: "model", Kind: results.AtLeast, Threshold: 0.5, Must: true}}
	s := opts{Confidence: 0.95, Resamples: 200}
	first := judgeOne(t, crit, [][]metrics.Accumulator{{recallAcc(m, firstK(200, 112))}}, []string{"model"}, nil, s).Criteria[0]
	if first.Status != results.Inconclusive || first.MoreRecords == 0 || !strings.Contains(first.SampleSizeMethod, "power analysis") {
		t.Fatalf("first look: %s, %d more records (%s)", first.Status, first.MoreRecords, first.SampleSizeMethod)
	}
	n := 200 + first.MoreRecords
	sims := 300
	if *large {
		sims = 3000
	}
	passes := 0
	for range sims {
		acc := [][]metrics.Accumulator{{recallAcc(m, simulate(rng, n, 0.56))}}
		if judgeOne(t, crit, acc, []string{"model"}, nil, s).Criteria[0].Status == results.Pass {
			passes++
		}
	}
	power := float64(passes) / float64(sims)
	t.Logf("advice: %d records in all; power when followed: %.3f", n, power)
	if power < 0.72 || power > 0.88 {
		t.Errorf("power %.3f when the advice (%d records) is followed, want about 0.80", power, n)
	}
}

func TestAUCComparisonsUseDeLong(t *testing.T) {
	// The pROC aSAH fixture (internal/stats/testdata/asah.csv): wfns against
	// s100b, whose DeLong test pROC gives as Z = 2.20898359144091 with the
	// 95% interval [0.0104061769564846, 0.174214419249478] of ΔAUC.
	rows := readASAH(t)
	f, _ := metrics.Lookup("roc_auc")
	m, err := f().Build(metrics.Env{Name: "roc_auc", Positive: "Poor"})
	if err != nil {
		t.Fatal(err)
	}
	wfns, s100b := m.New(), m.New()
	for i, r := range rows {
		wfns.Add(metrics.Observation{Truth: r.outcome, Pred: pipeline.Prediction{Seq: i, Output: pipeline.Output{Score: r.wfns, HasScore: true}}})
		s100b.Add(metrics.Observation{Truth: r.outcome, Pred: pipeline.Prediction{Seq: i, Output: pipeline.Output{Score: r.s100b, HasScore: true}}})
	}
	s := opts{Confidence: 0.95, Resamples: 200, Multiplicity: "none"}
	mets := []metrics.Metric{m}
	sum, _ := judgeAll(t, mets, [][]metrics.Accumulator{{wfns}, {s100b}}, []string{"wfns", "s100b"}, nil,
		[]verdict.Criterion{{Metric: "roc_auc", Pipeline: "wfns", Kind: results.BetterThan, Baseline: "s100b", Must: true}}, s)
	j := sum.Criteria[0]
	if j.Interval.Method != "delong" || math.Abs(float64(j.Interval.Lo)-0.0104061769564846) > 1e-9 ||
		math.Abs(float64(j.Interval.Hi)-0.174214419249478) > 1e-9 || j.Status != results.Pass {
		t.Errorf("judgement %+v", j)
	}
	// One-sided p of Z = 2.20898359144091: half pROC's two-sided 0.0271757822291882.
	if math.Abs(float64(j.PValue)-0.0271757822291882/2) > 1e-9 {
		t.Errorf("p = %v, want %v", j.PValue, 0.0271757822291882/2)
	}
}

type asahRow struct {
	outcome     string
	wfns, s100b float64
}

func readASAH(t *testing.T) []asahRow {
	t.Helper()
	b, err := os.ReadFile("../stats/testdata/asah.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	header := strings.Split(lines[0], ",")
	col := map[string]int{}
	for i, h := range header {
		col[strings.Trim(h, `"`)] = i
	}
	var out []asahRow
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		w, _ := strconv.ParseFloat(strings.Trim(f[col["wfns"]], `"`), 64)
		s, _ := strconv.ParseFloat(strings.Trim(f[col["s100b"]], `"`), 64)
		out = append(out, asahRow{outcome: strings.Trim(f[col["outcome"]], `"`), wfns: w, s100b: s})
	}
	return out
}

// obs builds observations of a binary decision: truth and predictions as
// strings of 0 and 1.
func accumulate(t *testing.T, typ string, truth, pred string) metrics.Accumulator {
	t.Helper()
	f, _ := metrics.Lookup(typ)
	m, err := f().Build(metrics.Env{Name: typ, Positive: "1"})
	if err != nil {
		t.Fatal(err)
	}
	acc := m.New()
	for i := range truth {
		acc.Add(metrics.Observation{Truth: truth[i : i+1], Pred: pipeline.Prediction{Seq: i, Output: pipeline.Output{Label: pred[i : i+1]}}})
	}
	return acc
}

func TestJudgeComparisonsUseThePairedDifference(t *testing.T) {
	// 400 records, 100 positives. The candidate flags 80 of them, the
	// baseline 50, both with no false positives.
	truth := strings.Repeat("1", 100) + strings.Repeat("0", 300)
	cand := strings.Repeat("1", 80) + strings.Repeat("0", 320)
	base := strings.Repeat("1", 50) + strings.Repeat("0", 350)
	f, _ := metrics.Lookup("recall")
	recall, _ := f().Build(metrics.Env{Name: "recall", Positive: "1"})
	mets := []metrics.Metric{recall}
	acc := [][]metrics.Accumulator{{accumulate(t, "recall", truth, cand)}, {accumulate(t, "recall", truth, base)}}
	s := opts{Confidence: 0.95, Resamples: 2000, Seed: 1, Multiplicity: "none"}
	criteria := []verdict.Criterion{
		{Metric: "recall", Pipeline: "model", Kind: results.BetterThan, Baseline: "rules", Margin: 0.2, Must: true},
		{Metric: "recall", Pipeline: "model", Kind: results.BetterThan, Baseline: "rules", Margin: 0.5, Must: true},
		{Metric: "recall", Pipeline: "rules", Kind: results.NoWorseThan, Baseline: "model", Margin: 0.05},
		{Metric: "recall", Pipeline: "model", Kind: results.AtLeast, Threshold: 0.7, Must: true},
	}
	sum, est := judgeAll(t, mets, acc, []string{"model", "rules"}, nil, criteria, s)
	if est[0][0].Interval.Method != "wilson" {
		t.Errorf("recall interval method = %q, want wilson", est[0][0].Interval.Method)
	}
	wantStatus := []results.CriterionStatus{results.Pass, results.Fail, results.Fail, results.Pass}
	for i, j := range sum.Criteria {
		if j.Status != wantStatus[i] {
			t.Errorf("criterion %d (%s): status %s, want %s; %s", i, j.Name, j.Status, wantStatus[i], j.Explanation)
		}
	}
	// The paired difference is exactly 0.30: the baseline's catches are a
	// subset of the candidate's, so every resample differs by the share of
	// the 30 extra catches among the positives drawn.
	if d := sum.Criteria[0].Estimate; math.Abs(float64(d)-0.30) > 1e-12 {
		t.Errorf("difference = %v, want 0.30", d)
	}
	if sum.Verdict != results.NoGo {
		t.Errorf("verdict = %s, want NO-GO (a must criterion failed)", sum.Verdict)
	}
	if !strings.Contains(sum.Criteria[0].Test, "paired") {
		t.Errorf("test description %q does not name the paired method", sum.Criteria[0].Test)
	}
}

func TestLowerIsBetterComparison(t *testing.T) {
	// error_rate is lower-is-better: "better than by 0.05" means the
	// candidate's rate is at least 0.05 below the baseline's.
	truth := strings.Repeat("1", 200)
	f, _ := metrics.Lookup("error_rate")
	m, _ := f().Build(metrics.Env{Name: "error_rate"})
	mk := func(failEvery int) metrics.Accumulator {
		acc := m.New()
		for i := range truth {
			p := pipeline.Prediction{Seq: i, Output: pipeline.Output{Label: "1"}}
			if i%failEvery == 0 {
				p.Err = "boom"
			}
			acc.Add(metrics.Observation{Truth: "1", Pred: p})
		}
		return acc
	}
	acc := [][]metrics.Accumulator{{mk(100)}, {mk(2)}} // 1% vs 50%
	s := opts{Confidence: 0.95, Resamples: 1000, Seed: 3}
	sum, _ := judgeAll(t, []metrics.Metric{m}, acc, []string{"c", "b"}, nil,
		[]verdict.Criterion{{Metric: "error_rate", Pipeline: "c", Kind: results.BetterThan, Baseline: "b", Margin: 0.05, Must: true}}, s)
	j := sum.Criteria[0]
	if j.Sense != "<=" || j.Threshold != -0.05 || j.Status != results.Pass || sum.Verdict != results.Go {
		t.Errorf("got sense %s threshold %v status %s verdict %s; want <= -0.05 pass GO", j.Sense, j.Threshold, j.Status, sum.Verdict)
	}
}
