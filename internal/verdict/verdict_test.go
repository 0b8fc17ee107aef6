package verdict

import (
	"math"
	"strings"
	"testing"

	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
)

func TestDecide(t *testing.T) {
	nan := NaN()
	tests := []struct {
		name   string
		est    Number
		lo, hi Number
		thr    Number
		sense  string
		want   Status
	}{
		{"at least, clear", 0.40, 0.35, 0.45, 0.30, ">=", Pass},
		{"at least, bound on threshold passes", 0.40, 0.30, 0.45, 0.30, ">=", Pass},
		{"at least, straddles", 0.32, 0.28, 0.36, 0.30, ">=", Inconclusive},
		{"at least, below", 0.20, 0.15, 0.25, 0.30, ">=", Fail},
		{"at most, clear", 30, 25, 40, 50, "<=", Pass},
		{"at most, straddles", 48, 44, 55, 50, "<=", Inconclusive},
		{"at most, above", 70, 60, 80, 50, "<=", Fail},
		{"undefined estimate never passes", nan, 0, 1, 0.3, ">=", Undefined},
		{"no interval never passes", 0.9, nan, nan, 0.3, ">=", Undefined},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := decide(tc.est, Interval{Lo: tc.lo, Hi: tc.hi}, tc.thr, tc.sense); got != tc.want {
				t.Errorf("decide = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestConclude(t *testing.T) {
	j := func(must bool, s Status) Judgement { return Judgement{Name: string(s), Must: must, Status: s} }
	tests := []struct {
		name string
		js   []Judgement
		want Decision
	}{
		{"all musts pass", []Judgement{j(true, Pass), j(true, Pass), j(false, Fail)}, Go},
		{"one must fails", []Judgement{j(true, Pass), j(true, Fail), j(true, Inconclusive)}, NoGo},
		{"one must open", []Judgement{j(true, Pass), j(true, Inconclusive)}, Undecided},
		{"undefined must is not a pass", []Judgement{j(true, Pass), j(true, Undefined)}, Undecided},
		{"no must at all", []Judgement{j(false, Pass)}, Undecided},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, why := conclude(tc.js); got != tc.want {
				t.Errorf("verdict = %s (%s), want %s", got, why, tc.want)
			}
		})
	}
}

func TestMoreRecordsFromTheIntervalsReach(t *testing.T) {
	// A bootstrap-only metric: the reach from the estimate to the lower
	// bound (0.04) must shrink to the gap (0.02), which takes 4× the
	// records at 1/√n, so 3000 more.
	j := &judge{in: Input{Records: 1000}, s: Settings{Confidence: 0.95}}
	jd := &Judgement{Kind: AtLeast, Estimate: 0.32, Threshold: 0.30, Sense: ">=", Interval: Interval{Lo: 0.28, Hi: 0.36, Method: "bootstrap-bca"}}
	if got, _ := j.moreRecords(jd); got != 3000 {
		t.Errorf("more records = %d, want 3000", got)
	}
	jd.Estimate = 0.30
	if got, _ := j.moreRecords(jd); got != 0 {
		t.Errorf("estimate on the threshold: more records = %d, want 0 (no amount settles it)", got)
	}
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
	s := Settings{Confidence: 0.95, Resamples: 2000, Seed: 1, Multiplicity: "none"}
	est := Estimates(mets, acc, s)
	if est[0][0].Interval.Method != "wilson" {
		t.Errorf("recall interval method = %q, want wilson", est[0][0].Interval.Method)
	}
	criteria := []Criterion{
		{Metric: "recall", Pipeline: "model", Kind: BetterThan, Baseline: "rules", Margin: 0.2, Must: true},
		{Metric: "recall", Pipeline: "model", Kind: BetterThan, Baseline: "rules", Margin: 0.5, Must: true},
		{Metric: "recall", Pipeline: "rules", Kind: NoWorseThan, Baseline: "model", Margin: 0.05},
		{Metric: "recall", Pipeline: "model", Kind: AtLeast, Threshold: 0.7, Must: true},
	}
	sum := Judge(criteria, Input{Pipelines: []string{"model", "rules"}, Metrics: mets, Estimates: est, Records: 400}, s)
	wantStatus := []Status{Pass, Fail, Fail, Pass}
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
	if sum.Verdict != NoGo {
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
	s := Settings{Confidence: 0.95, Resamples: 1000, Seed: 3}
	est := Estimates([]metrics.Metric{m}, acc, s)
	sum := Judge([]Criterion{{Metric: "error_rate", Pipeline: "c", Kind: BetterThan, Baseline: "b", Margin: 0.05, Must: true}},
		Input{Pipelines: []string{"c", "b"}, Metrics: []metrics.Metric{m}, Estimates: est, Records: 200}, s)
	j := sum.Criteria[0]
	if j.Sense != "<=" || j.Threshold != -0.05 || j.Status != Pass || sum.Verdict != Go {
		t.Errorf("got sense %s threshold %v status %s verdict %s; want <= -0.05 pass GO", j.Sense, j.Threshold, j.Status, sum.Verdict)
	}
}

func TestWidenAddsTheExtraVariance(t *testing.T) {
	// A 95% interval of ±0.0392 around 0.5 is a standard error of 0.02;
	// an extra variance of 0.0003 makes it √(0.0004 + 0.0003) = 0.02646,
	// so each side stretches by √(1 + 0.0003/0.0004) = 1.3229.
	z := 1.959963984540054
	iv := Interval{Lo: Number(0.5 - z*0.02), Hi: Number(0.5 + z*0.02), Method: "bootstrap-bca"}
	got := widen(iv, 0.5, 0.0003, 0.95)
	want := z * math.Sqrt(0.0007)
	if math.Abs(float64(got.Hi)-0.5-want) > 1e-12 || math.Abs(0.5-float64(got.Lo)-want) > 1e-12 {
		t.Errorf("widened to [%v, %v], want ±%v", got.Lo, got.Hi, want)
	}
	if same := widen(iv, 0.5, 0, 0.95); same != iv {
		t.Errorf("no extra variance changed the interval: %+v", same)
	}
}
