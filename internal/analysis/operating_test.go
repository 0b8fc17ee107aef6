package analysis

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/verdict"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
)

// opFixture is a replay of a scored candidate and a rule baseline: P
// positives with scores spread evenly over [0.3, 1] and N negatives over
// [0, 0.7]; the candidate flags scores of at least 0.9, the rules flag
// every third record.
type opFixture struct {
	truths, labels, rules []string
	scores                []float64
	mets                  []metrics.Metric
}

func newOpFixture(t *testing.T, P, N int) *opFixture {
	t.Helper()
	f := &opFixture{}
	for i := range P {
		f.truths = append(f.truths, "1")
		f.scores = append(f.scores, 0.3+0.7*float64(i)/float64(P-1))
	}
	for i := range N {
		f.truths = append(f.truths, "0")
		f.scores = append(f.scores, 0.7*float64(i)/float64(N-1))
	}
	for i, s := range f.scores {
		f.labels = append(f.labels, flagged(s >= 0.9))
		f.rules = append(f.rules, flagged(i%3 == 0))
	}
	for _, typ := range []string{"recall", "precision"} {
		mk, _ := metrics.Lookup(typ)
		m, err := mk().Build(metrics.Env{Name: typ, Positive: "1"})
		if err != nil {
			t.Fatal(err)
		}
		f.mets = append(f.mets, m)
	}
	return f
}

func flagged(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func (f *opFixture) obs(i int, label string) metrics.Observation {
	return metrics.Observation{Record: datasets.Record{Seq: i}, Truth: f.truths[i],
		Pred: pipeline.Prediction{Seq: i, Output: pipeline.Output{Label: label, Score: f.scores[i], HasScore: true}}}
}

// input is the operating-point input of the fixture with criteria cs.
func (f *opFixture) input(cs ...verdict.Criterion) OperatingInput {
	n := len(f.truths)
	acc := [][]metrics.Accumulator{make([]metrics.Accumulator, len(f.mets)), make([]metrics.Accumulator, len(f.mets))}
	for m, met := range f.mets {
		acc[0][m], acc[1][m] = met.New(), met.New()
		for i := range n {
			acc[0][m].Add(f.obs(i, f.labels[i]))
			acc[1][m].Add(metrics.Observation{Record: datasets.Record{Seq: i}, Truth: f.truths[i],
				Pred: pipeline.Prediction{Seq: i, Output: pipeline.Output{Label: f.rules[i]}}})
		}
	}
	return OperatingInput{
		Candidate: "model", Pipelines: []string{"model", "rules"}, Metrics: f.mets, Accumulators: acc, Criteria: cs,
		Failures: []int{0, 0}, Records: n, Truth: func(i int) string { return f.truths[i] }, Positive: "1", Negative: "0", Label: func(i int) string { return f.labels[i] }, Scores: f.scores,
		HasScore: slices.Repeat([]bool{true}, n), Failed: make([]bool, n), Threshold: 0.9,
		Replay: func(want []bool, visit func(metrics.Observation) error) error {
			for i := range n {
				if want != nil && !want[i] {
					continue
				}
				if err := visit(f.obs(i, f.labels[i])); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// counts are the confusion counts of deciding at threshold t on the
// records at pos, counted directly.
func (f *opFixture) counts(pos []int, t float64) (tp, fp, fn int) {
	for _, i := range pos {
		flagged := f.scores[i] >= t
		switch {
		case f.truths[i] == "1" && flagged:
			tp++
		case f.truths[i] == "1":
			fn++
		case flagged:
			fp++
		}
	}
	return tp, fp, fn
}

// price prices in's errors — a missed positive 100 EUR, a false positive
// 5 EUR, a million records a year — against the rules as the incumbent.
func (f *opFixture) price(in *OperatingInput) {
	n := len(f.truths)
	im := &ImpactInput{Currency: "EUR", Volume: 1_000_000, Positive: "1", Records: n,
		MissedPositive: &PerRecord{Value: 100}, FalsePositive: &PerRecord{Value: 5}}
	for name, labels := range map[string][]string{"model": f.labels, "rules": f.rules} {
		p := ImpactPipeline{Name: name, Cost: make([]float64, n), Outcomes: make([]metrics.Outcome, n)}
		for i := range n {
			p.Outcomes[i] = metrics.Classify(f.truths[i], labels[i], false, "1")
		}
		im.Pipelines = append(im.Pipelines, p)
	}
	in.Impact, in.Incumbent = im, "rules"
}

func opSettings() (Settings, verdict.Settings) {
	return Settings{Confidence: 0.95, Resamples: 400, Seed: 11},
		verdict.Settings{Confidence: 0.95, MinSegmentSize: 30, Multiplicity: "holm"}
}

func atLeast(metric string, thr float64) verdict.Criterion {
	return verdict.Criterion{Name: metric + " at least", Metric: metric, Pipeline: "model", Kind: results.AtLeast, Threshold: thr, Must: true}
}

// TestOperatingPointSweepAgreesWithDirectCounts checks every threshold of
// the sweep against recall and precision counted directly on the
// selection half, the passing ranges against them, and the confirmation's
// Wilson interval of precision against the closed form (Wilson 1927).
func TestOperatingPointSweepAgreesWithDirectCounts(t *testing.T) {
	f := newOpFixture(t, 600, 2400)
	s, vs := opSettings()
	op, err := OperatingPoint(f.input(atLeast("recall", 0.5), atLeast("precision", 0.4)), s, vs)
	if err != nil {
		t.Fatal(err)
	}
	if op.Note != "" {
		t.Fatalf("note %q", op.Note)
	}
	var posA, posB []int
	positivesA := 0
	o, _ := newOperating(f.input(atLeast("recall", 0.5)), s, vs) // the same seed draws the same halves
	for i, a := range o.selA {
		if a {
			posA = append(posA, i)
			if f.truths[i] == "1" {
				positivesA++
			}
		} else {
			posB = append(posB, i)
		}
	}
	if positivesA != 300 || len(posA) != 1500 || op.SelectRecords != 1500 || op.ConfirmRecords != 1500 {
		t.Fatalf("split: %d positives of %d selected (%d/%d), want 300 of 1500", positivesA, len(posA), op.SelectRecords, op.ConfirmRecords)
	}
	if len(op.Sweep) < 50 {
		t.Fatalf("only %d thresholds tried", len(op.Sweep))
	}
	var lastPass float64
	for _, p := range op.Sweep {
		th := float64(p.Threshold)
		tp, fp, fn := f.counts(posA, th)
		recall, precision := float64(tp)/float64(tp+fn), float64(tp)/float64(tp+fp)
		if math.Abs(float64(p.TPR)-recall) > 1e-12 || math.Abs(float64(p.Precision)-precision) > 1e-12 {
			t.Errorf("threshold %g: tpr %v precision %v, counted %v %v", th, p.TPR, p.Precision, recall, precision)
		}
		if want := recall >= 0.5 && precision >= 0.4; p.Pass != want {
			t.Errorf("threshold %g: pass %v, counted recall %.4f precision %.4f", th, p.Pass, recall, precision)
		}
		if p.Pass {
			lastPass = th
		}
	}
	if len(op.Feasible) != 1 || float64(op.Feasible[0].Low) != lastPass {
		t.Fatalf("feasible %v, want one range down to %g", op.Feasible, lastPass)
	}
	if op.Suggested == nil || op.Confirm == nil {
		t.Fatal("no suggestion")
	}
	th := float64(op.Suggested.Threshold)
	if th < float64(op.Feasible[0].Low) || th > float64(op.Feasible[0].High) {
		t.Errorf("suggested %g outside %v", th, op.Feasible[0])
	}
	if op.Confirm.Verdict != results.Go || op.Confirm.CurrentVerdict != results.NoGo {
		t.Errorf("confirmation %s (today %s), want GO where today is NO-GO (recall at 0.9 is 1/7)", op.Confirm.Verdict, op.Confirm.CurrentVerdict)
	}
	tp, fp, _ := f.counts(posB, th)
	lo, hi := wilsonClosedForm(tp, tp+fp, 1.959963984540054)
	for _, j := range op.Confirm.Criteria {
		if j.Metric != "precision" {
			continue
		}
		if j.Pipeline != "model" || j.Name != "precision at least" {
			t.Errorf("judgement named %q of %q, want the criterion's own name and pipeline", j.Name, j.Pipeline)
		}
		if math.Abs(float64(j.Interval.Lo)-lo) > 1e-9 || math.Abs(float64(j.Interval.Hi)-hi) > 1e-9 {
			t.Errorf("precision interval [%v, %v] on the confirmation half, Wilson's closed form [%v, %v] (k=%d, n=%d)",
				j.Interval.Lo, j.Interval.Hi, lo, hi, tp, tp+fp)
		}
	}
	if got := float64(op.Current.Threshold); got != 0.9 {
		t.Errorf("current threshold %g, want the configured 0.9", got)
	}
}

// wilsonClosedForm is Wilson's score interval for k successes of n.
func wilsonClosedForm(k, n int, z float64) (lo, hi float64) {
	p, nn := float64(k)/float64(n), float64(n)
	c := (p + z*z/(2*nn)) / (1 + z*z/nn)
	h := z / (1 + z*z/nn) * math.Sqrt(p*(1-p)/nn+z*z/(4*nn*nn))
	return c - h, c + h
}

// TestOperatingPointWithoutAPassingThreshold: recall and precision of 99%
// each pass alone, at opposite ends, never together.
func TestOperatingPointWithoutAPassingThreshold(t *testing.T) {
	f := newOpFixture(t, 400, 1600)
	s, vs := opSettings()
	op, err := OperatingPoint(f.input(atLeast("recall", 0.99), atLeast("precision", 0.99)), s, vs)
	if err != nil {
		t.Fatal(err)
	}
	if op.Suggested != nil || op.Confirm != nil || len(op.Feasible) != 0 {
		t.Fatalf("suggested %v, feasible %v: want none", op.Suggested, op.Feasible)
	}
	if len(op.Closest) != 2 || !op.Closest[0].Passes || !op.Closest[1].Passes {
		t.Fatalf("closest %+v: want each criterion passing on its own", op.Closest)
	}
	if r, p := float64(op.Closest[0].Threshold), float64(op.Closest[1].Threshold); r >= p {
		t.Errorf("recall passes at %g, precision at %g: recall needs the lower threshold", r, p)
	}
}

// TestOperatingPointPricesThresholds checks the saving of each threshold
// against the incumbent with the price of errors applied directly, and
// that the suggestion is the largest passing one that passes its tests.
func TestOperatingPointPricesThresholds(t *testing.T) {
	f := newOpFixture(t, 600, 2400)
	s, vs := opSettings()
	in := f.input(atLeast("recall", 0.5), atLeast("precision", 0.4))
	n := len(f.truths)
	f.price(&in)
	op, err := OperatingPoint(in, s, vs)
	if err != nil {
		t.Fatal(err)
	}
	o, _ := newOperating(in, s, vs)
	price := func(truth string, flagged bool) float64 {
		switch {
		case truth == "1" && !flagged:
			return 100
		case truth == "0" && flagged:
			return 5
		}
		return 0
	}
	for _, p := range op.Sweep {
		var d float64
		for _, i := range o.posA {
			d += price(f.truths[i], f.rules[i] == "1") - price(f.truths[i], f.scores[i] >= float64(p.Threshold))
		}
		want := d / float64(len(o.posA)) * 1e6
		if math.Abs(float64(p.Saving)-want) > 1e-6*math.Abs(want)+1e-6 {
			t.Errorf("threshold %v: saving %v, priced directly %v", p.Threshold, p.Saving, want)
		}
	}
	if op.Suggested == nil || op.Confirm == nil || op.Confirm.Saving == nil || op.Incumbent != "rules" {
		t.Fatalf("no priced suggestion: %+v", op)
	}
	i := slices.IndexFunc(op.Sweep, func(p results.ThresholdPoint) bool { return p.Threshold == op.Suggested.Threshold })
	if i < 0 || !op.Sweep[i].Pass || !strings.Contains(op.SuggestedBy, "saving against rules") || op.Weak {
		t.Errorf("suggested %v (%s, weak %v) is not a passing threshold chosen for its saving", op.Suggested.Threshold, op.SuggestedBy, op.Weak)
	}
	if cs, s := op.Confirm.CurrentSaving, op.Confirm.Saving; cs == nil || !(s.Value > cs.Value) {
		t.Errorf("saving at the suggestion %v, today %v: the fixture's best threshold saves more than 0.9 does", s, cs)
	}
	var today float64 // today's saving on every record, priced directly
	for i := range n {
		today += price(f.truths[i], f.rules[i] == "1") - price(f.truths[i], f.labels[i] == "1")
	}
	if want := today / float64(n) * 1e6; math.Abs(float64(op.Current.Saving)-want) > 1e-6*math.Abs(want) {
		t.Errorf("today's saving %v, priced directly %v", op.Current.Saving, want)
	}
	g, cf := op.Confirm.Gain, op.Confirm
	if g == nil || math.Abs(float64(g.Value-(cf.Saving.Value-cf.CurrentSaving.Value))) > 1e-6*math.Abs(float64(g.Value)) ||
		!(g.Interval.Lo <= g.Value && g.Value <= g.Interval.Hi) {
		t.Fatalf("gain %+v is not the suggestion's saving %v minus today's %v with an interval around it", g, cf.Saving.Value, cf.CurrentSaving.Value)
	}
	if g.Interval.Lo <= 0 || op.Advice() == results.KeepToday { // it saves more, and is judged no worse than today
		t.Errorf("the best threshold saves %v more than 0.9 (interval %v to %v) but the advice is %v (%s, today %s)", g.Value, g.Interval.Lo, g.Interval.Hi, op.Advice(), cf.Verdict, cf.CurrentVerdict)
	}
}

// TestOperatingPointKeepsTheBestToday gives the candidate today the
// threshold that saves the most (with a missed positive at 100 and a false
// positive at 5, flagging pays wherever a positive is at least one in
// twenty, so from 0.3 up): no threshold can be shown to save more, and the
// analysis must advise keeping it rather than a neighbour that was lucky
// on the selection half.
func TestOperatingPointKeepsTheBestToday(t *testing.T) {
	f := newOpFixture(t, 600, 2400)
	for i, sc := range f.scores {
		f.labels[i] = flagged(sc >= 0.3)
	}
	s, vs := opSettings()
	in := f.input(atLeast("recall", 0.5), atLeast("precision", 0.2))
	in.Threshold = 0.3
	f.price(&in)
	for _, seed := range []uint64{1, 2, 3, 11, 12} {
		s.Seed = seed
		op, err := OperatingPoint(in, s, vs)
		if err != nil {
			t.Fatal(err)
		}
		if op.Suggested == nil {
			t.Fatalf("seed %d: no suggestion though today's threshold passes: %+v", seed, op)
		}
		if a := op.Advice(); a != results.KeepToday {
			t.Errorf("seed %d: advice %v for threshold %v (today 0.3, the best): gain %+v", seed, a, op.Suggested.Threshold, op.Confirm.Gain)
		}
		if weak := strings.HasPrefix(op.SuggestedBy, "no threshold tried passed"); op.Weak != weak {
			t.Errorf("seed %d: weak %v for a suggestion %q", seed, op.Weak, op.SuggestedBy)
		}
	}
}

// TestOperatingPointNotes lists what stops the analysis, each with a note.
func TestOperatingPointNotes(t *testing.T) {
	s, vs := opSettings()
	tests := []struct {
		name  string
		edit  func(*OperatingInput)
		cs    []verdict.Criterion
		wants string
	}{
		{"no must-criterion", nil, []verdict.Criterion{{Name: "r", Metric: "recall", Pipeline: "model", Kind: results.AtLeast, Threshold: 0.5}},
			"no must-criterion"},
		{"three classes", func(in *OperatingInput) { in.Negative = "" }, []verdict.Criterion{atLeast("recall", 0.5)}, "exactly two classes"},
		{"a metric that calls out", func(in *OperatingInput) { in.Fixed = map[string]string{"recall": "it runs a program"} },
			[]verdict.Criterion{atLeast("recall", 0.5)}, "it runs a program"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newOpFixture(t, 100, 400)
			in := f.input(tt.cs...)
			if tt.edit != nil {
				tt.edit(&in)
			}
			op, err := OperatingPoint(in, s, vs)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(op.Note, tt.wants) || op.Suggested != nil {
				t.Errorf("note %q, want one with %q and no suggestion", op.Note, tt.wants)
			}
			if math.Abs(float64(op.Current.TPR)-1.0/7) > 0.02 {
				t.Errorf("current recall %v, want about 1/7 (scores 0.9 to 1 of 0.3 to 1)", op.Current.TPR)
			}
		})
	}
}

// TestCurrentThreshold infers the threshold decisions follow.
func TestCurrentThreshold(t *testing.T) {
	tests := []struct {
		name       string
		configured float64
		labels     func(f *opFixture) []string
		want       float64
	}{
		{"configured and followed", 0.9, func(f *opFixture) []string { return f.labels }, 0.9},
		{"not configured", math.NaN(), func(f *opFixture) []string { return f.labels }, -1},
		{"not one threshold", 0.9, func(f *opFixture) []string { return f.rules }, math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newOpFixture(t, 100, 400)
			in := f.input(atLeast("recall", 0.5))
			labels := tt.labels(f)
			in.Threshold, in.Label = tt.configured, func(i int) string { return labels[i] }
			s, vs := opSettings()
			o, err := newOperating(in, s, vs)
			if err != nil {
				t.Fatal(err)
			}
			got := o.currentThreshold()
			want := tt.want
			if want == -1 { // the lowest flagged score
				want = math.Inf(1)
				for i, l := range labels {
					if l == "1" {
						want = min(want, f.scores[i])
					}
				}
			}
			if !(got == want || math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("current threshold %v, want %v", got, want)
			}
		})
	}
}

// TestShortestThreshold rounds a threshold to the fewest decimals that
// decide every record alike.
func TestShortestThreshold(t *testing.T) {
	tests := []struct {
		t      float64
		scores []float64
		want   float64
	}{
		{0.223854, []float64{0.1, 0.2237, 0.223854, 0.5}, 0.2238},
		{0.62, []float64{0.3, 0.62, 0.7}, 0.6},
		{0.5, []float64{0.5}, 0},
		{0.30000001, []float64{0.3, 0.30000001}, 0.30000001},
	}
	for _, tt := range tests {
		o := &operating{in: OperatingInput{Scores: tt.scores, HasScore: slices.Repeat([]bool{true}, len(tt.scores)), Failed: make([]bool, len(tt.scores))}}
		got := shortest(tt.t, o.highestBelow([]float64{tt.t})[0])
		if math.Abs(got-tt.want) > 1e-15 {
			t.Errorf("shortest(%v) = %v, want %v", tt.t, got, tt.want)
		}
		for _, sc := range tt.scores { // the very same decisions
			if (sc >= got) != (sc >= tt.t) {
				t.Errorf("shortest(%v) = %v decides score %v differently", tt.t, got, sc)
			}
		}
	}
}

// The highest score below each threshold comes from the records that
// decide by their score only, and a score below one threshold is below
// every higher one.
func TestHighestScoreBelow(t *testing.T) {
	o := &operating{in: OperatingInput{Scores: []float64{0.1, 0.3, 0.95, math.NaN(), 0.45, 0.48, 0.2},
		HasScore: []bool{true, true, true, true, true, false, true}, Failed: []bool{false, false, false, false, true, false, false}}}
	got := o.highestBelow([]float64{0.05, 0.2, 0.5, 0.9, 2})
	want := []float64{math.Inf(-1), 0.1, 0.3, 0.3, 0.95}
	if !slices.Equal(got, want) {
		t.Errorf("highest scores below = %v, want %v (the failed 0.45 and the scoreless 0.48 decide by no score)", got, want)
	}
}

// TestSweepFeedersAgree feeds the selection half, in chunks, to the
// feeder that keeps every record per threshold and to the one that keeps
// the sums of records flipped from negative to positive, and checks that
// every must-criterion's value agrees at every threshold, on the whole
// half and on each segment it is held to; and that the rates and savings
// worked out from the flips agree with deciding every record at each
// threshold.
func TestSweepFeedersAgree(t *testing.T) {
	f := newOpFixture(t, 600, 2400)
	s, vs := opSettings()
	prec := atLeast("precision", 0.4)
	prec.InEvery = []string{"parity"}
	in := f.input(atLeast("recall", 0.5), prec)
	in.SegmentsIn = func(keep []bool, _ []string) map[string][]verdict.Segment {
		segs := []verdict.Segment{{Column: "parity", Value: "even"}, {Column: "parity", Value: "odd"}}
		for i := range f.truths {
			if keep[i] {
				segs[i%2].Positions = append(segs[i%2].Positions, i)
			}
		}
		return map[string][]verdict.Segment{"parity": segs}
	}
	in.Failed[7], in.HasScore[11], in.Scores[13] = true, false, math.NaN() // decisions that do not follow the score
	f.price(&in)
	o, err := newOperating(in, s, vs)
	if err != nil || o.op.Note != "" {
		t.Fatalf("newOperating: %v %q", err, o.op.Note)
	}
	local := make([]int, len(o.posA))
	for i := range local {
		local[i] = i
	}
	sets := make([][]selSet, len(o.musts))
	for c, cr := range o.musts {
		sets[c] = o.selSets(cr, local)
	}
	if len(sets[1]) != 3 {
		t.Fatalf("precision is held to %d sets, want the half and its 2 segments", len(sets[1]))
	}
	mets := o.metricsOf(o.musts)
	byRecord, byFlips := newRecordFeeder(o, mets, sets), newFlipFeeder(o, mets, sets)
	var obs []metrics.Observation
	for _, i := range o.posA {
		obs = append(obs, f.obs(i, f.labels[i]))
	}
	for lo := 0; lo < len(obs); lo += 700 { // chunks that do not divide the half
		chunk := obs[lo:min(lo+700, len(obs))]
		byRecord.feed(chunk, lo)
		byFlips.feed(chunk, lo)
	}
	byFull := newFlipFeeder(o, mets, sets) // from the candidate's accumulators decided again
	neg, okNeg := o.redecided(mets, allNegative)
	pos, okPos := o.redecided(mets, allPositive)
	if !okNeg || !okPos {
		t.Fatal("recall and precision were not decided again")
	}
	byFull.add(byMetric(mets, neg), byMetric(mets, pos), 0, len(o.posA), func(j int) int { return o.posA[j] })
	points, savings := o.flipPoints()
	for k, th := range o.thresholds {
		for c := range o.musts {
			for st := range sets[c] {
				a, b, d := byRecord.value(k, c, st), byFlips.value(k, c, st), byFull.value(k, c, st)
				if math.Abs(a-b) > 1e-12 || math.IsNaN(a) != math.IsNaN(b) {
					t.Errorf("threshold %v, criterion %d, set %d: %v from the records, %v from the flips", th, c, st, a, b)
				}
				if b != d && !(math.IsNaN(b) && math.IsNaN(d)) {
					t.Errorf("threshold %v, criterion %d, set %d: %v from the replayed flips, %v decided again", th, c, st, b, d)
				}
			}
		}
		want := o.point(o.posA, o.at(th))
		if got := points[k]; got.TPR != want.TPR || got.FPR != want.FPR || got.Precision != want.Precision || got.Flagged != want.Flagged {
			t.Errorf("threshold %v: rates %+v from the flips, %+v deciding every record", th, got, want)
		}
		if a, b := float64(savings[k]), float64(o.savingAt(o.at(th), o.posA)); math.Abs(a-b) > 1e-9*math.Abs(b) {
			t.Errorf("threshold %v: saving %v from the flips, %v deciding every record", th, a, b)
		}
	}
}

// The operating point worked out from the candidate's own accumulators,
// decided again at each threshold, is the one the records replayed through
// fresh accumulators give — sweep, suggestion, confirmation, savings —,
// with no replay at all.
func TestOperatingPointRedecidedAsReplayed(t *testing.T) {
	f := newOpFixture(t, 600, 2400)
	s, vs := opSettings()
	prec := atLeast("precision", 0.4)
	prec.InEvery = []string{"parity"}
	run := func(redecided bool) (*results.OperatingPoint, int) {
		in := f.input(atLeast("recall", 0.5), prec)
		in.SegmentsIn = func(keep []bool, _ []string) map[string][]verdict.Segment {
			segs := []verdict.Segment{{Column: "parity", Value: "even"}, {Column: "parity", Value: "odd"}}
			for i := range f.truths {
				if keep[i] {
					segs[i%2].Positions = append(segs[i%2].Positions, i)
				}
			}
			return map[string][]verdict.Segment{"parity": segs}
		}
		in.Failed[7], in.HasScore[11], in.Scores[13] = true, false, math.NaN()
		f.price(&in)
		replays, replay := 0, in.Replay
		in.Replay = func(want []bool, visit func(metrics.Observation) error) error {
			replays++
			return replay(want, visit)
		}
		redecide = redecided
		defer func() { redecide = true }()
		op, err := OperatingPoint(in, s, vs)
		if err != nil {
			t.Fatal(err)
		}
		return op, replays
	}
	got, n := run(true)
	want, m := run(false)
	if n != 0 || m != 3 {
		t.Errorf("%d replays deciding again, %d replaying: want 0 and 3 (sweep, choice, confirmation)", n, m)
	}
	if got.Suggested == nil || got.Confirm == nil {
		t.Fatalf("no suggestion to compare: %+v", got)
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Errorf("decided again:\n%s\nreplayed:\n%s", gj, wj)
	}
}

// A suggestion whose must-criteria passed on the selection half only by
// their estimates, not their tests, is marked weak — and only such a one.
func TestOperatingPointMarksAWeakSuggestion(t *testing.T) {
	f := newOpFixture(t, 40, 160)
	s, vs := opSettings()
	weak := 0
	for _, bound := range []float64{0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95} {
		op, err := OperatingPoint(f.input(atLeast("recall", bound), atLeast("precision", bound)), s, vs)
		if err != nil {
			t.Fatal(err)
		}
		if op.Suggested == nil {
			continue
		}
		byEstimate := strings.HasPrefix(op.SuggestedBy, "no threshold tried passed")
		if op.Weak != byEstimate {
			t.Errorf("bound %v: weak %v for a suggestion %q", bound, op.Weak, op.SuggestedBy)
		}
		if op.Weak {
			weak++
		}
	}
	if weak == 0 {
		t.Error("no bound gave a weak suggestion: the test checks nothing weak")
	}
}
