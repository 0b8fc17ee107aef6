package analysis

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/stats"
	"github.com/poc-harness/poc/internal/verdict"
	"github.com/poc-harness/poc/metrics"
)

// maxThresholds bounds the thresholds the operating-point sweep tries: one
// per percent of recall on the selection half, and the current one.
const maxThresholds = 100

// OperatingInput is what the operating-point analysis of one scored
// candidate needs: the replay's accumulators and criteria, the candidate's
// decisions and scores record by record (indexed by seq), and a way to
// replay the records again with the candidate's predictions.
type OperatingInput struct {
	// Candidate is the scored candidate; Pipelines every pipeline of the
	// run, in the order of Accumulators and Failures.
	Candidate string
	Pipelines []string
	// Metrics and Accumulators are the run's: Accumulators[p][m] is metric
	// m of pipeline p over every record.
	Metrics      []metrics.Metric
	Accumulators [][]metrics.Accumulator
	// Fixed names the metrics that cannot be worked out again for other
	// decisions (they call a program or a model), with why.
	Fixed map[string]string
	// Criteria are the run's; those on Candidate are used.
	Criteria []verdict.Criterion
	// SegmentsIn gives the replay's segments of the named columns, by
	// column, restricted to the records keep marks (each segment listed,
	// with no positions where it has no record there), so that the
	// analysis holds each half's positions of the columns the criteria
	// hold in every segment of, and never every record's.
	SegmentsIn func(keep []bool, columns []string) map[string][]verdict.Segment
	// Failures counts each pipeline's failed records.
	Failures []int
	// Records is the number of records; Truth(seq) is record seq's label
	// ("" when missing); Positive and Negative are the two classes a score
	// decides between.
	Records            int
	Truth              func(seq int) string
	Positive, Negative string
	// Label(seq), Scores, HasScore and Failed are the candidate's
	// decisions.
	Label    func(seq int) string
	Scores   []float64
	HasScore []bool
	Failed   []bool
	// Threshold is the candidate's configured threshold (NaN when unknown):
	// it is the current one when its decisions agree with it.
	Threshold float64
	// Replay calls visit with every record, in seq order, and the
	// candidate's prediction for it; with want not nil, only with the
	// records whose want[seq] is true.
	Replay func(want []bool, visit func(metrics.Observation) error) error
	// Impact prices decisions (nil: no money); Incumbent is the pipeline
	// savings are against.
	Impact    *ImpactInput
	Incumbent string
}

// OperatingPoint works out at which thresholds on the candidate's score
// every must-criterion would pass. The records are split at random within
// each class into two halves: the thresholds are tried on the first, and
// the suggested one — the largest yearly saving against the incumbent
// among those that pass, or the middle of the widest passing range when
// nothing is priced — is judged like the run's own verdict on the second,
// so that the suggestion is not credited with the luck of its own
// selection. It returns a result with a Note, not an error, when the
// analysis cannot be made; errors are a failed replay or Done closing.
func OperatingPoint(in OperatingInput, s Settings, vs verdict.Settings) (*results.OperatingPoint, error) {
	o, err := newOperating(in, s, vs)
	if err != nil || o.op.Note != "" {
		return o.op, err
	}
	if err := o.sweep(); err != nil {
		return nil, fmt.Errorf("operating point of %s: %w", in.Candidate, err)
	}
	if o.op.Suggested == nil {
		o.closest()
		o.op.Advised = o.op.Advice().String()
		return o.op, nil
	}
	if err := o.confirm(); err != nil {
		return nil, fmt.Errorf("operating point of %s: %w", in.Candidate, err)
	}
	o.op.Advised = o.op.Advice().String()
	return o.op, nil
}

// operating is one operating-point analysis in progress.
type operating struct {
	in OperatingInput
	s  Settings
	vs verdict.Settings
	op *results.OperatingPoint
	// cand is the candidate's index; musts its must-criteria and judged
	// every criterion on it that can be worked out again.
	cand          int
	musts, judged []verdict.Criterion
	metric        map[string]int
	// selA marks the selection half; posA and posB list the two halves;
	// segA are the segments restricted to the selection half.
	selA       []bool
	segA       map[string][]verdict.Segment
	posA, posB []int
	thresholds []float64
	// pass[k] is whether every must-criterion's estimate passed at
	// thresholds[k] on the selection half; est[k][c] its estimates.
	pass []bool
	est  [][]float64
	// order lists the passing thresholds, preferred first; mid is the
	// middle of the widest passing range.
	order []int
	mid   int
	// incTotal is the incumbent's cost of record i (nil without money).
	incTotal func(i int) float64
}

func newOperating(in OperatingInput, s Settings, vs verdict.Settings) (*operating, error) {
	o := &operating{in: in, s: s, vs: vs, op: &results.OperatingPoint{Pipeline: in.Candidate}, cand: -1, metric: map[string]int{}}
	for i, p := range in.Pipelines {
		if p == in.Candidate {
			o.cand = i
		}
	}
	for i, m := range in.Metrics {
		o.metric[m.Name()] = i
	}
	if o.cand < 0 {
		return nil, fmt.Errorf("operating point: no pipeline %q", in.Candidate)
	}
	o.op.Current = o.point(nil, o.current())
	t := o.currentThreshold()
	o.op.Current.Threshold = results.Number(t)
	o.op.ThresholdInferred = !math.IsNaN(t) && t != in.Threshold
	o.op.Current.Saving = results.NaN()
	if in.Negative == "" {
		o.op.Note = "the label does not have exactly two classes, so a threshold on the score does not decide between them"
		return o, nil
	}
	for _, c := range in.Criteria {
		if c.Pipeline != in.Candidate {
			continue
		}
		why, fixed := in.Fixed[c.Metric]
		if _, ok := o.metric[c.Metric]; !ok {
			why, fixed = "it is not a metric of this run", true
		}
		if c.Must && fixed {
			o.op.Note = fmt.Sprintf("the must-criterion %q cannot be worked out again at another threshold: %s", c.Name, why)
			return o, nil
		}
		if !fixed && o.resamplable(c) {
			o.judged = append(o.judged, c)
			if c.Must {
				o.musts = append(o.musts, c)
			}
		} else if c.Must {
			o.op.Note = fmt.Sprintf("the must-criterion %q has no per-record values to work out again at another threshold", c.Name)
			return o, nil
		}
	}
	if len(o.musts) == 0 {
		o.op.Note = "the experiment sets no must-criterion on " + in.Candidate
		return o, nil
	}
	if !o.split() {
		o.op.Note = "the records hold more than 256 distinct labels, so a threshold on the score does not decide between two classes"
		return o, nil
	}
	o.op.SelectRecords, o.op.ConfirmRecords = len(o.posA), len(o.posB)
	o.grid()
	if len(o.thresholds) < 2 {
		o.op.Note = "too few positive records with a score to try thresholds on (the selection half has fewer than two)"
		return o, nil
	}
	o.pricing()
	return o, nil
}

// resamplable reports whether the accumulators of c's metric, of the
// candidate and of c's baseline, keep per-record values.
func (o *operating) resamplable(c verdict.Criterion) bool {
	m := o.metric[c.Metric]
	for i, p := range o.in.Pipelines {
		if p != c.Pipeline && p != c.Baseline {
			continue
		}
		if _, ok := o.in.Accumulators[i][m].(metrics.Resampler); !ok {
			return false
		}
	}
	return true
}

// current are the candidate's decisions as they were made.
func (o *operating) current() func(i int) string {
	return o.in.Label
}

// at are the candidate's decisions at threshold t: a score at least t is
// the positive class, below it the negative one; a failed record stays
// failed and a record without a score keeps its decision.
func (o *operating) at(t float64) func(i int) string {
	return func(i int) string {
		switch {
		case o.in.Failed[i]:
			return ""
		case !o.in.HasScore[i]:
			return o.in.Label(i)
		case o.in.Scores[i] >= t:
			return o.in.Positive
		}
		return o.in.Negative
	}
}

// currentThreshold is the threshold the decisions as made follow: the
// configured one when they agree with it, else the lowest score flagged
// when every flagged score is above every unflagged one; NaN otherwise.
func (o *operating) currentThreshold() float64 {
	minPos, maxNeg := math.Inf(1), math.Inf(-1)
	for i := range o.in.Records {
		if o.in.Failed[i] || !o.in.HasScore[i] {
			continue
		}
		if o.in.Label(i) == o.in.Positive {
			minPos = min(minPos, o.in.Scores[i])
		} else {
			maxNeg = max(maxNeg, o.in.Scores[i])
		}
	}
	if minPos <= maxNeg || math.IsInf(minPos, 1) {
		return math.NaN()
	}
	if t := o.in.Threshold; t > maxNeg && t <= minPos {
		return t
	}
	return minPos
}

// point is what the decisions dec give on the records at pos (nil: every
// record), each classified as metrics.Classify does (a failed record flags
// nothing).
func (o *operating) point(pos []int, dec func(i int) string) results.ThresholdPoint {
	var c pointCounts
	o.each(pos, func(i int) { c.add(o.pointOf(i, dec(i)), 1) })
	return c.point()
}

// pointCounts are the counts a ThresholdPoint is made of.
type pointCounts struct {
	n                 [metrics.Unlabelled + 1]int
	flagged, answered int
}

// recordPoint is one record's part of the counts.
type recordPoint struct {
	outcome           metrics.Outcome
	flagged, answered bool
}

// pointOf is record i's part of the counts under decision label.
func (o *operating) pointOf(i int, label string) recordPoint {
	failed := o.in.Failed[i]
	return recordPoint{outcome: o.outcome(i, label), flagged: !failed && label == o.in.Positive, answered: !failed}
}

// add adds record r's part, w times (w is -1 to take it out).
func (c *pointCounts) add(r recordPoint, w int) {
	c.n[r.outcome] += w
	if r.answered {
		c.answered += w
		if r.flagged {
			c.flagged += w
		}
	}
}

// plus is the sum of two counts.
func (c pointCounts) plus(d pointCounts) pointCounts {
	for k := range c.n {
		c.n[k] += d.n[k]
	}
	c.flagged += d.flagged
	c.answered += d.answered
	return c
}

// point is the rates of the counts.
func (c pointCounts) point() results.ThresholdPoint {
	share := func(a, b int) results.Number {
		if b == 0 {
			return results.NaN()
		}
		return results.Number(float64(a) / float64(b))
	}
	tp, fp, fn, tn := c.n[metrics.TruePositive], c.n[metrics.FalsePositive], c.n[metrics.FalseNegative], c.n[metrics.TrueNegative]
	return results.ThresholdPoint{Threshold: results.NaN(), TPR: share(tp, tp+fn), FPR: share(fp, fp+tn),
		Precision: share(tp, tp+fp), Flagged: share(c.flagged, c.answered), Saving: results.NaN()}
}

// split draws the two halves: within each class of the label (and among
// the unlabelled records) the records are ordered by a hash of the run's
// seed and their position, and the first half of each goes to selection.
// It keeps the keys of one class at a time, to find the class's cut, and
// works them out again to mark the records. It reports false, drawing
// nothing, when the records hold more than 256 distinct labels.
func (o *operating) split() bool {
	n := o.in.Records
	class := map[string]uint8{}
	classOf := make([]uint8, n) // each record's class: a label with two classes has at most three, with the unlabelled
	var counts []int
	for i := range n {
		t := o.in.Truth(i)
		c, ok := class[t]
		if !ok {
			if len(counts) > math.MaxUint8 {
				return false // newOperating checked that the label has two classes: never so
			}
			c = uint8(len(counts))
			class[t] = c
			counts = append(counts, 0)
		}
		classOf[i] = c
		counts[c]++
	}
	cuts := make([]halfCut, len(counts))
	for c, k := range counts { // one class's keys at a time
		keys := make([]uint64, 0, k)
		for i, ci := range classOf {
			if int(ci) == c {
				keys = append(keys, splitKey(o.s.Seed, i))
			}
		}
		cuts[c] = newHalfCut(keys)
	}
	o.selA = make([]bool, n)
	nA := 0
	for i, c := range classOf {
		if cuts[c].take(splitKey(o.s.Seed, i)) {
			o.selA[i] = true
			nA++
		}
	}
	o.posA, o.posB = make([]int, 0, nA), make([]int, 0, n-nA)
	for i, a := range o.selA {
		if a {
			o.posA = append(o.posA, i)
		} else {
			o.posB = append(o.posB, i)
		}
	}
	return true
}

// splitKey is record i's place in the draw: FNV-1a (64 bits) of the seed
// and i, eight little-endian bytes each, then "operating point".
func splitKey(seed uint64, i int) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for _, v := range [2]uint64{seed, uint64(i)} {
		for k := range 8 {
			h = (h ^ uint64(byte(v>>(8*k)))) * prime
		}
	}
	for _, c := range []byte("operating point") {
		h = (h ^ uint64(c)) * prime
	}
	return h
}

// halfCut takes the first half of a class's records, ordered by key and
// then by position: a record whose key is below the cut, and of those whose
// key is the cut's, the first quota in position order.
type halfCut struct {
	cut   uint64
	quota int
	none  bool // a class of one record gives none
}

// newHalfCut finds the cut of the records of keys (one each, reordered):
// the len(keys)/2-th smallest key, by selection rather than sorting.
func newHalfCut(keys []uint64) halfCut {
	h := len(keys) / 2
	if h == 0 {
		return halfCut{none: true}
	}
	c := halfCut{cut: stats.Select(keys, h-1)}
	below := 0 // keys before the cut's
	for _, k := range keys {
		if k < c.cut {
			below++
		}
	}
	c.quota = h - below
	return c
}

// take reports whether the record of key is in the first half; the
// class's records must be asked in position order.
func (c *halfCut) take(key uint64) bool {
	switch {
	case c.none || key > c.cut:
		return false
	case key < c.cut:
		return true
	case c.quota > 0:
		c.quota--
		return true
	}
	return false
}

// grid picks the thresholds to try: the scores of the selection half's
// positive records at each percent of recall, and the current threshold,
// highest first.
func (o *operating) grid() {
	var pos []float64
	for _, i := range o.posA {
		if o.in.Truth(i) == o.in.Positive && o.in.HasScore[i] && !o.in.Failed[i] && !math.IsNaN(o.in.Scores[i]) {
			pos = append(pos, o.in.Scores[i])
		}
	}
	if len(pos) < 2 {
		return
	}
	slices.SortFunc(pos, func(a, b float64) int { return cmp.Compare(b, a) })
	ts := []float64{}
	for j := 1; j <= maxThresholds; j++ {
		k := int(math.Ceil(float64(j)*float64(len(pos))/maxThresholds)) - 1
		ts = append(ts, pos[max(k, 0)])
	}
	if t := float64(o.op.Current.Threshold); !math.IsNaN(t) {
		ts = append(ts, t)
	}
	slices.Sort(ts)
	below := o.highestBelow(ts)
	for k, t := range ts {
		if t != float64(o.op.Current.Threshold) { // today's stays as stated
			ts[k] = shortest(t, below[k])
		}
	}
	slices.SortFunc(ts, func(a, b float64) int { return cmp.Compare(b, a) })
	o.thresholds = slices.Compact(ts)
}

// highestBelow is, for each of thresholds ts (ascending), the highest score
// below it of a record that decides by its score (-Inf when none is): one
// pass over the scores, none copied or sorted.
func (o *operating) highestBelow(ts []float64) []float64 {
	below := make([]float64, len(ts)) // first the highest score whose next threshold up is ts[k]
	for k := range below {
		below[k] = math.Inf(-1)
	}
	for i, sc := range o.in.Scores {
		if !o.in.HasScore[i] || o.in.Failed[i] || math.IsNaN(sc) {
			continue
		}
		if k := sort.Search(len(ts), func(k int) bool { return ts[k] > sc }); k < len(ts) {
			below[k] = max(below[k], sc)
		}
	}
	for k := 1; k < len(below); k++ { // a score below ts[k-1] is below ts[k] too
		below[k] = max(below[k], below[k-1])
	}
	return below
}

// shortest is the threshold with the fewest decimals that decides every
// record as t does: above below, the highest score below t, and at most t.
// A reader can then set the threshold the report prints and get the very
// decisions it judged.
func shortest(t, below float64) float64 {
	for digits := 0; digits <= 12; digits++ {
		p := math.Pow(10, float64(digits))
		if d := math.Floor(t*p) / p; d > below && d <= t {
			return d
		}
	}
	return t
}

// pricing prepares the incumbent's cost per record, when decisions are
// priced and the incumbent is a pipeline of the run.
func (o *operating) pricing() {
	im := o.in.Impact
	if im == nil || im.MissedPositive == nil || o.in.Incumbent == "" {
		return
	}
	for _, p := range im.Pipelines {
		if p.Name == o.in.Incumbent {
			o.incTotal = func(i int) float64 { return im.totalAt(p.Cost, p.Outcomes[i], i, p.Name) }
			o.op.Currency, o.op.Incumbent = im.Currency, o.in.Incumbent
			o.op.Current.Saving = o.savingAt(o.current(), nil)
		}
	}
}

// sweepChunk is how many records the sweep feeds at a time.
const sweepChunk = 2048

// savingAt is the point estimate of the yearly saving of the decisions dec
// against the incumbent on the records at pos (nil: every record), without
// a column of the records' totals.
func (o *operating) savingAt(dec func(i int) string, pos []int) results.Number {
	n := len(pos)
	if pos == nil {
		n = o.in.Records
	}
	if o.incTotal == nil || n == 0 {
		return results.NaN()
	}
	im, cost := o.in.Impact, o.candidateCost()
	var d float64
	o.each(pos, func(i int) { d += o.incTotal(i) - im.totalAt(cost, o.outcome(i, dec(i)), i, o.in.Candidate) })
	return results.Number(d / float64(n) * float64(im.Volume))
}

// candidateCost is the cost of each of the candidate's calls (nil when the
// projection has none).
func (o *operating) candidateCost() []float64 {
	for _, p := range o.in.Impact.Pipelines {
		if p.Name == o.in.Candidate {
			return p.Cost
		}
	}
	return nil
}

// outcome is record i under the candidate's decision label.
func (o *operating) outcome(i int, label string) metrics.Outcome {
	return metrics.Classify(o.in.Truth(i), label, o.in.Failed[i], o.in.Positive)
}

// candidateTotal is the candidate's cost of record i under decisions dec.
func (o *operating) candidateTotal(dec func(i int) string) func(i int) float64 {
	cost := o.candidateCost()
	return func(i int) float64 { return o.in.Impact.totalAt(cost, o.outcome(i, dec(i)), i, o.in.Candidate) }
}

// sweep tries every threshold on the selection half: it replays the
// selection half's records once, working out the must-criteria's
// estimates at every threshold, and marks the thresholds at which every
// must-criterion's estimate passes.
//
// Deciding at threshold t flags the records whose score is at least t, so
// going down the thresholds only flips records from the negative class to
// the positive one. Where a figure is a sum over the records (the counts
// of the rates, the saving, a metrics.Summed metric) each record is worked
// out twice, decided negative and positive, and the difference is added to
// the bin of the highest threshold that flags it: the figure at a
// threshold is its value with every record negative plus the bins down to
// it, and the sweep costs two decisions per record whatever the number of
// thresholds. Other metrics keep an accumulator per threshold.
func (o *operating) sweep() error {
	mets := o.metricsOf(o.musts)
	local := make([]int, len(o.posA)) // positions of the selection half in its own accumulators
	for i := range local {
		local[i] = i
	}
	sets := make([][]selSet, len(o.musts))
	for c, cr := range o.musts {
		sets[c] = o.selSets(cr, local)
	}
	var feeder sweepFeeder
	if allSummed(o.in.Metrics, mets) {
		ff := newFlipFeeder(o, mets, sets)
		feeder = ff
		neg, okNeg := o.redecided(mets, allNegative)
		pos, okPos := o.redecided(mets, allPositive)
		if okNeg && okPos { // no replay: the candidate's own accumulators decided again
			ff.add(byMetric(mets, neg), byMetric(mets, pos), 0, len(o.posA), func(j int) int { return o.posA[j] })
		} else if err := o.feedSelection(ff); err != nil {
			return err
		}
	} else {
		feeder = newRecordFeeder(o, mets, sets)
		if err := o.feedSelection(feeder); err != nil {
			return err
		}
	}
	points, savings := o.flipPoints()
	o.pass, o.est = make([]bool, len(o.thresholds)), make([][]float64, len(o.thresholds))
	for k, t := range o.thresholds {
		pt := points[k]
		pt.Threshold = results.Number(t)
		o.pass[k], o.est[k] = true, make([]float64, len(o.musts))
		for c, cr := range o.musts {
			est, ok := o.estimate(cr, sets[c], func(s int) float64 { return feeder.value(k, c, s) })
			o.est[k][c] = est
			o.pass[k] = o.pass[k] && ok
		}
		pt.Pass = o.pass[k]
		if savings != nil {
			pt.Saving = savings[k]
		}
		o.op.Sweep = append(o.op.Sweep, pt)
	}
	o.suggest()
	return o.choose()
}

// feedSelection replays the selection half's records through feeder, a
// chunk at a time.
func (o *operating) feedSelection(feeder sweepFeeder) error {
	chunk := make([]metrics.Observation, 0, sweepChunk)
	fields := make([]map[string]any, sweepChunk) // the chunk's copies of the fields, reused from chunk to chunk
	fed := 0                                     // selection records fed before the chunk
	feed := func() {
		feeder.feed(chunk, fed)
		fed += len(chunk)
		chunk = chunk[:0]
	}
	err := o.replay(o.selA, func(obs metrics.Observation) {
		f := fields[len(chunk)] // the replay may reuse obs's fields: the chunk keeps a copy
		if f == nil {
			f = make(map[string]any, len(obs.Record.Fields))
			fields[len(chunk)] = f
		}
		clear(f)
		maps.Copy(f, obs.Record.Fields)
		obs.Record.Fields = f
		if chunk = append(chunk, obs); len(chunk) == cap(chunk) {
			feed()
		}
	})
	if err != nil {
		return err
	}
	feed()
	return nil
}

// redecide is whether the analysis works the candidate's accumulators out
// again for other thresholds where it can, instead of replaying the
// records: tests turn it off to check that both give the same.
var redecide = true

// redecided are the candidate's accumulators of metrics mets worked out
// again for its decisions at threshold t without replaying the records
// (metrics.Redecide); ok is false when one of them cannot be.
func (o *operating) redecided(mets []int, t float64) ([]metrics.Accumulator, bool) {
	if !redecide {
		return nil, false
	}
	accs := make([]metrics.Accumulator, len(mets))
	for j, m := range mets {
		accs[j] = o.in.Accumulators[o.cand][m]
	}
	return metrics.Redecide(accs, o.flags(t))
}

// flags reports whether the candidate deciding at threshold t flags record
// i: the decision of at, without making its label.
func (o *operating) flags(t float64) func(i int) bool {
	return func(i int) bool {
		switch {
		case o.in.Failed[i]:
			return false
		case !o.in.HasScore[i]:
			return o.in.Label(i) == o.in.Positive
		}
		return o.in.Scores[i] >= t
	}
}

// variantsAt are the candidate's accumulators of metrics mets over every
// record at each of thresholds ts: worked out again from its own when they
// can be (on every core), else fed by one replay of the records.
func (o *operating) variantsAt(mets []int, ts []float64) ([][]metrics.Accumulator, error) {
	variants := make([][]metrics.Accumulator, len(ts))
	can := make([]bool, len(ts))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for j, t := range ts {
		g.Go(func() error {
			variants[j], can[j] = o.redecided(mets, t)
			return nil
		})
	}
	_ = g.Wait() // the variants give no error
	if !slices.Contains(can, false) {
		return variants, nil
	}
	decs := make([]func(int) string, len(ts))
	for j, t := range ts {
		variants[j], decs[j] = o.newAccumulators(mets), o.at(t)
	}
	err := o.replay(nil, func(obs metrics.Observation) {
		for j, dec := range decs {
			v := obs
			v.Pred.Output.Label = dec(obs.Record.Seq)
			for _, acc := range variants[j] {
				acc.Add(v)
			}
		}
	})
	return variants, err
}

// byMetric indexes accumulators accs of metrics mets by metric.
func byMetric(mets []int, accs []metrics.Accumulator) map[int]metrics.Accumulator {
	out := make(map[int]metrics.Accumulator, len(mets))
	for j, m := range mets {
		out[m] = accs[j]
	}
	return out
}

// allSummed reports whether the metrics mets of all are sums
// (metrics.Summed).
func allSummed(all []metrics.Metric, mets []int) bool {
	for _, m := range mets {
		if sm, ok := all[m].New().(metrics.Summed); !ok || sm.Terms() == 0 {
			return false
		}
	}
	return true
}

// flipBin is the index of the highest threshold that flags record i — the
// first of the thresholds, highest first, that its score reaches —, or
// len(thresholds) when none does or its decision does not follow its score.
func (o *operating) flipBin(i int) int {
	if o.in.Failed[i] || !o.in.HasScore[i] || math.IsNaN(o.in.Scores[i]) {
		return len(o.thresholds)
	}
	sc := o.in.Scores[i]
	return sort.Search(len(o.thresholds), func(k int) bool { return sc >= o.thresholds[k] })
}

// Deciding at every threshold at once: decided negative (no threshold
// reaches +Inf) and decided positive.
var (
	allNegative = math.Inf(1)
	allPositive = math.Inf(-1)
)

// flipPoints are the rates on the selection half at every threshold, and
// the yearly savings against the incumbent (nil without money).
func (o *operating) flipPoints() ([]results.ThresholdPoint, []results.Number) {
	K := len(o.thresholds)
	neg, pos := o.at(allNegative), o.at(allPositive)
	var base pointCounts
	bins := make([]pointCounts, K+1)
	var baseSaving float64
	var binSaving []float64
	var cost []float64
	if o.incTotal != nil {
		binSaving, cost = make([]float64, K+1), o.candidateCost()
	}
	im := o.in.Impact
	for _, i := range o.posA {
		n, p := o.pointOf(i, neg(i)), o.pointOf(i, pos(i))
		base.add(n, 1)
		b := o.flipBin(i)
		bins[b].add(p, 1)
		bins[b].add(n, -1)
		if binSaving != nil {
			sn := o.incTotal(i) - im.totalAt(cost, n.outcome, i, o.in.Candidate)
			sp := o.incTotal(i) - im.totalAt(cost, p.outcome, i, o.in.Candidate)
			baseSaving += sn
			binSaving[b] += sp - sn
		}
	}
	points := make([]results.ThresholdPoint, K)
	var savings []results.Number
	if binSaving != nil {
		savings = make([]results.Number, K)
	}
	acc, saving := base, baseSaving
	for k := range K {
		acc = acc.plus(bins[k])
		points[k] = acc.point()
		if savings != nil {
			saving += binSaving[k]
			savings[k] = results.NaN()
			if len(o.posA) > 0 {
				savings[k] = results.Number(saving / float64(len(o.posA)) * float64(im.Volume))
			}
		}
	}
	return points, savings
}

// sweepFeeder works out the must-criteria's values on the selection half
// at every threshold of the sweep.
type sweepFeeder interface {
	// feed adds the selection records of chunk; fed selection records
	// came before them.
	feed(chunk []metrics.Observation, fed int)
	// value is the metric of must-criterion c over its s-th set of
	// selection records at threshold k.
	value(k, c, s int) float64
}

// recordFeeder keeps one accumulator of every record per threshold and
// metric, for metrics that are not sums.
type recordFeeder struct {
	o    *operating
	sets [][]selSet
	accs []map[int]metrics.Accumulator
}

func newRecordFeeder(o *operating, mets []int, sets [][]selSet) *recordFeeder {
	f := &recordFeeder{o: o, sets: sets, accs: make([]map[int]metrics.Accumulator, len(o.thresholds))}
	for k := range f.accs {
		f.accs[k] = map[int]metrics.Accumulator{}
		for _, m := range mets {
			f.accs[k][m] = o.in.Metrics[m].New()
		}
	}
	return f
}

func (f *recordFeeder) feed(chunk []metrics.Observation, _ int) {
	// An accumulator that is not a sum may share state with others of its
	// metric: one goroutine feeds them all.
	for k, t := range f.o.thresholds {
		dec := f.o.at(t)
		for _, obs := range chunk {
			obs.Pred.Output.Label = dec(obs.Record.Seq)
			for _, acc := range f.accs[k] {
				acc.Add(obs)
			}
		}
	}
}

func (f *recordFeeder) value(k, c, s int) float64 {
	acc := f.accs[k][f.o.metric[f.o.musts[c].Metric]]
	return acc.(metrics.Resampler).ValueAt(f.sets[c][s].loc)
}

// flipFeeder keeps, per must-criterion and set of records, the sum of the
// metric's vectors (metrics.Summed) with every record decided negative, and
// per threshold the change of the records it is the highest to flag (see
// sweep): it holds no record, whatever their number. A chunk is fed to
// fresh accumulators, decided negative and positive, and read back as
// vectors.
type flipFeeder struct {
	o    *operating
	mets []int
	sets [][]selSet
	// base[c][s] is the vector sum of must-criterion c's metric over its
	// s-th set with every record negative; bins[k][c][s] the change of the
	// records threshold k is the highest to flag (k = len(thresholds):
	// none).
	base [][][]float64
	bins [][][][]float64
	// sums[k][c][s] are the sums at threshold k, once worked out.
	sums [][][][]float64
}

func newFlipFeeder(o *operating, mets []int, sets [][]selSet) *flipFeeder {
	f := &flipFeeder{o: o, mets: mets, sets: sets}
	vectors := func() [][][]float64 {
		v := make([][][]float64, len(o.musts))
		for c, cr := range o.musts {
			terms := o.in.Metrics[o.metric[cr.Metric]].New().(metrics.Summed).Terms()
			v[c] = make([][]float64, len(sets[c]))
			for s := range sets[c] {
				v[c][s] = make([]float64, terms)
			}
		}
		return v
	}
	f.base = vectors()
	f.bins = make([][][][]float64, len(o.thresholds)+1)
	for k := range f.bins {
		f.bins[k] = vectors()
	}
	return f
}

func (f *flipFeeder) feed(chunk []metrics.Observation, fed int) {
	if len(chunk) == 0 {
		return
	}
	decided := func(t float64) map[int]metrics.Accumulator {
		dec, accs := f.o.at(t), map[int]metrics.Accumulator{}
		for _, m := range f.mets {
			accs[m] = f.o.in.Metrics[m].New()
		}
		for _, obs := range chunk {
			obs.Pred.Output.Label = dec(obs.Record.Seq)
			for _, acc := range accs {
				acc.Add(obs)
			}
		}
		return accs
	}
	f.add(decided(allNegative), decided(allPositive), fed, fed+len(chunk), func(j int) int { return j - fed })
}

// add adds the selection records lo to hi (positions in the selection
// half) to the base and the bins: neg and pos are accumulators, by metric,
// of those records decided negative and positive, and at(j) is the
// position of selection record j in them.
func (f *flipFeeder) add(neg, pos map[int]metrics.Accumulator, lo, hi int, at func(j int) int) {
	for c, cr := range f.o.musts {
		m := f.o.metric[cr.Metric]
		sn, sp := neg[m].(metrics.Summed), pos[m].(metrics.Summed)
		vn, vp := make([]float64, sn.Terms()), make([]float64, sn.Terms())
		for s, st := range f.sets[c] {
			from, _ := slices.BinarySearch(st.loc, lo)
			to, _ := slices.BinarySearch(st.loc, hi)
			base := f.base[c][s]
			for _, j := range st.loc[from:to] {
				clear(vn)
				clear(vp)
				sn.Term(at(j), vn)
				sp.Term(at(j), vp)
				bin := f.bins[f.o.flipBin(f.o.posA[j])][c][s]
				for t := range vn {
					base[t] += vn[t]
					bin[t] += vp[t] - vn[t]
				}
			}
		}
	}
}

func (f *flipFeeder) value(k, c, s int) float64 {
	if f.sums == nil {
		f.cumulate()
	}
	acc := f.o.in.Metrics[f.o.metric[f.o.musts[c].Metric]].New().(metrics.Summed)
	return acc.FromSums(f.sums[k][c][s])
}

// cumulate works out the sums at every threshold from the base and the
// bins.
func (f *flipFeeder) cumulate() {
	f.sums = make([][][][]float64, len(f.o.thresholds))
	for k := range f.sums {
		f.sums[k] = make([][][]float64, len(f.base))
		for c := range f.base {
			f.sums[k][c] = make([][]float64, len(f.base[c]))
			for s, b := range f.base[c] {
				prev := b
				if k > 0 {
					prev = f.sums[k-1][c][s]
				}
				sum := slices.Clone(prev)
				for t, v := range f.bins[k][c][s] {
					sum[t] += v
				}
				f.sums[k][c][s] = sum
			}
		}
	}
}

// replay replays every record (with want not nil, those whose want[seq] is
// true), checking that they come in seq order, and stops when Done is
// closed.
func (o *operating) replay(want []bool, visit func(metrics.Observation)) error {
	next := 0 // the record expected next
	skip := func() {
		for want != nil && next < o.in.Records && !want[next] {
			next++
		}
	}
	skip()
	visited := 0
	err := o.in.Replay(want, func(obs metrics.Observation) error {
		if obs.Record.Seq != next {
			return fmt.Errorf("record %d came where record %d was expected: the dataset changed since the replay", obs.Record.Seq, next)
		}
		if visited%pollEvery == 0 {
			if err := o.s.Err(); err != nil {
				return err
			}
		}
		visited++
		next++
		skip()
		visit(obs)
		return nil
	})
	if err != nil {
		return err
	}
	if next != o.in.Records {
		return fmt.Errorf("the dataset gave %d records where the replay had %d: it changed since the replay", next, o.in.Records)
	}
	return nil
}

// selSet is a set of selection-half records a must-criterion is held to —
// all of them, or one segment's — with their positions in the sweep's
// accumulators (loc) and in the run's (full), and the baseline's value on
// them (NaN for an absolute criterion), which no threshold changes.
type selSet struct {
	loc, full []int
	base      float64
}

// selSets are the sets criterion c is held to on the selection half:
// every record (local positions), then each segment it must hold in with
// at least minSegment selection records.
func (o *operating) selSets(c verdict.Criterion, local []int) []selSet {
	sets := []selSet{{loc: local, full: o.posA}}
	for _, col := range c.InEvery {
		for _, seg := range o.segmentsA()[col] {
			st := selSet{loc: make([]int, len(seg.Positions)), full: seg.Positions}
			for k, i := range seg.Positions {
				st.loc[k] = o.localIndex(i)
			}
			if len(st.full) > 0 && len(st.full) >= o.minSegment() {
				sets = append(sets, st)
			}
		}
	}
	for k := range sets {
		sets[k].base = math.NaN()
		if c.Kind.Comparison() {
			if b := slices.Index(o.in.Pipelines, c.Baseline); b >= 0 {
				sets[k].base = o.in.Accumulators[b][o.metric[c.Metric]].(metrics.Resampler).ValueAt(sets[k].full)
			}
		}
	}
	return sets
}

// estimate is criterion c's estimate on the selection half, overall (the
// first of sets), and whether it passes on every one of sets; value(s) is
// the candidate's metric over the s-th set.
func (o *operating) estimate(c verdict.Criterion, sets []selSet, value func(s int) float64) (float64, bool) {
	var est float64
	ok := true
	for k, st := range sets {
		v := value(k)
		switch {
		case c.Kind.Comparison() && c.Relative:
			v = (v - st.base) / math.Abs(st.base)
		case c.Kind.Comparison():
			v -= st.base
		}
		if k == 0 {
			est = v
		}
		ok = ok && o.passes(c, v)
	}
	return est, ok
}

// minSegment is the fewest selection records a segment needs to be held
// to a criterion: half the run's smallest judged segment.
func (o *operating) minSegment() int { return o.vs.MinSegmentSize / 2 }

// localIndex is the position of record seq in the selection half.
func (o *operating) localIndex(seq int) int {
	i, _ := slices.BinarySearch(o.posA, seq)
	return i
}

// passes reports whether estimate est meets c's bound.
func (o *operating) passes(c verdict.Criterion, est float64) bool {
	b := o.bound(c)
	if math.IsNaN(est) {
		return false
	}
	if b.Greater() {
		return est >= b.Threshold
	}
	return est <= b.Threshold
}

func (o *operating) bound(c verdict.Criterion) verdict.Bound {
	return verdict.BoundOf(c, o.in.Metrics[o.metric[c.Metric]].Direction() == metrics.LowerIsBetter)
}

// maxTests bounds the passing thresholds whose must-criteria are tested
// on the selection half, in order of preference, before one is suggested.
const maxTests = 12

// screenResamples bounds the bootstrap resamples of the tests on the
// selection half.
const screenResamples = 500

// screenStricter is how much smaller the error rate of the tests on the
// selection half is than the run's (a 99.5% interval for a 95% run): the
// choice then keeps a margin, and a suggestion that only just passed where
// it was chosen does not come back undecided from the other half.
const screenStricter = 10

// suggest finds the passing ranges and orders the passing thresholds by
// preference: the largest yearly saving against the incumbent first, or
// without money the nearest to the middle of the widest range.
func (o *operating) suggest() {
	mid, widest := -1, 0
	for k := 0; k < len(o.thresholds); {
		if !o.pass[k] {
			k++
			continue
		}
		j := k
		for j+1 < len(o.thresholds) && o.pass[j+1] {
			j++
		}
		o.op.Feasible = append(o.op.Feasible, results.ThresholdRange{Low: results.Number(o.thresholds[j]), High: results.Number(o.thresholds[k])})
		if j-k+1 > widest {
			mid, widest = (k+j)/2, j-k+1
		}
		k = j + 1
	}
	o.mid = mid
	for k, ok := range o.pass {
		if ok {
			o.order = append(o.order, k)
		}
	}
	if o.incTotal != nil {
		slices.SortStableFunc(o.order, func(a, b int) int {
			return cmp.Compare(float64(o.op.Sweep[b].Saving), float64(o.op.Sweep[a].Saving))
		})
		return
	}
	slices.SortStableFunc(o.order, func(a, b int) int { return cmp.Compare(abs(a-mid), abs(b-mid)) })
}

func abs(i int) int { return max(i, -i) }

// choose tests the must-criteria of the preferred passing thresholds on
// the selection half, as the run tests them (intervals and the
// multiplicity correction), and suggests the first that passes them all;
// when none does, the preferred one, saying so.
func (o *operating) choose() error {
	if len(o.order) == 0 {
		return nil
	}
	tried := o.order[:min(len(o.order), maxTests)]
	mets := o.metricsOf(o.musts)
	ts := make([]float64, len(tried))
	for j, k := range tried {
		ts[j] = o.thresholds[k]
	}
	variants, err := o.variantsAt(mets, ts)
	if err != nil {
		return err
	}
	// The selection half only screens: fewer resamples do, and the
	// confirmation half is judged with the run's own. A stricter level
	// first keeps a margin for the other half; the run's own level next.
	chosen, level := -1, 0.0
	for _, conf := range []float64{1 - (1-o.s.Confidence)/screenStricter, o.s.Confidence} {
		s, vs := o.s, o.vs
		s.Resamples = min(o.s.Resamples, screenResamples)
		s.Confidence, vs.Confidence = conf, conf
		h, err := o.newJudge(ts, mets, variants, o.posA, "selection half", s, vs)
		if err != nil {
			return err
		}
		for j, k := range tried {
			sum, err := h.at(j, o.musts)
			if err != nil {
				return err
			}
			if sum.Verdict == results.Go {
				chosen, level = k, conf
				break
			}
		}
		if chosen >= 0 {
			break
		}
	}
	pick := "is the nearest to the middle of the widest range of passing thresholds"
	if o.incTotal != nil {
		pick = "has the largest yearly saving against " + o.in.Incumbent + " there"
	}
	switch {
	case chosen >= 0 && level > o.s.Confidence:
		o.op.SuggestedBy = fmt.Sprintf("of the thresholds whose must-criteria all passed their tests on the selection half at %s confidence "+
			"(stricter than the run's, to keep a margin for the other half), it %s", format.Percent(level), pick)
	case chosen >= 0:
		o.op.SuggestedBy = fmt.Sprintf("of the thresholds whose must-criteria all passed their tests on the selection half at the run's %s confidence, it %s",
			format.Percent(level), pick)
	case o.incTotal != nil && o.todayPasses() && o.op.Sweep[o.today()].Saving >= o.op.Sweep[o.mid].Saving:
		chosen, o.op.Weak = o.today(), true // no test passed, and the middle would save less than today's
		o.op.SuggestedBy = "no threshold tried passed every must-criterion's test (interval) on the selection half, only its estimate, " +
			"and the middle of the widest passing range would save less than the current threshold there, so the current one is kept"
	default:
		chosen, o.op.Weak = o.mid, true // no test passed: the middle keeps the most margin
		o.op.SuggestedBy = "no threshold tried passed every must-criterion's test (interval) on the selection half, only its estimate, " +
			"so this one, the nearest to the middle of the widest passing range, is a weak suggestion"
	}
	t := o.thresholds[chosen]
	pt := o.point(nil, o.at(t))
	pt.Threshold = results.Number(t)
	if o.incTotal != nil {
		pt.Saving = o.savingAt(o.at(t), nil)
	}
	o.op.Suggested = &pt
	return nil
}

// each calls f with every record at pos, or every record when pos is nil.
func (o *operating) each(pos []int, f func(i int)) {
	if pos == nil {
		for i := range o.in.Records {
			f(i)
		}
		return
	}
	for _, i := range pos {
		f(i)
	}
}

// today is the index of today's threshold among those tried (-1 when
// the decisions follow no single threshold).
func (o *operating) today() int {
	return slices.Index(o.thresholds, float64(o.op.Current.Threshold))
}

// todayPasses reports whether every must-criterion's estimate passes at
// today's threshold on the selection half.
func (o *operating) todayPasses() bool {
	k := o.today()
	return k >= 0 && o.pass[k]
}

// metricsOf lists the metrics criteria cs use, in the run's order.
func (o *operating) metricsOf(cs []verdict.Criterion) []int {
	var mets []int
	for _, c := range cs {
		if m := o.metric[c.Metric]; !slices.Contains(mets, m) {
			mets = append(mets, m)
		}
	}
	slices.Sort(mets)
	return mets
}

// newAccumulators are empty accumulators of metrics mets.
func (o *operating) newAccumulators(mets []int) []metrics.Accumulator {
	out := make([]metrics.Accumulator, len(mets))
	for j, m := range mets {
		out[j] = o.in.Metrics[m].New()
	}
	metrics.ShareOutcomes(out) // fed together: one copy of the outcomes
	for _, acc := range out {
		metrics.Reserve(acc, o.in.Records)
	}
	return out
}

// halfJudge judges criteria on one half of the records, for the candidate
// deciding at each of several thresholds and as its decisions were made,
// as the run judges (intervals, tests, multiplicity correction). One
// analysis holds every variant, so that the baselines' resamples are drawn
// once for all of them.
type halfJudge struct {
	o     *operating
	an    *Analysis
	in    verdict.Input
	vs    verdict.Settings
	names []string
}

// newJudge prepares the judging of the candidate at thresholds ts —
// variants[j] holds the accumulators of metrics mets over every record at
// ts[j] — on the records at half, with settings s and vs.
func (o *operating) newJudge(ts []float64, mets []int, variants [][]metrics.Accumulator, half []int, what string, s Settings, vs verdict.Settings) (*halfJudge, error) {
	names := slices.Clone(o.in.Pipelines)
	for _, t := range ts {
		names = append(names, fmt.Sprintf("%s at threshold %s", o.in.Candidate, format.Sig(t)))
	}
	sub := make([]metrics.Metric, len(mets))
	for j, m := range mets {
		sub[j] = o.in.Metrics[m]
	}
	acc := make([][]metrics.Accumulator, 0, len(names))
	for p := range o.in.Pipelines {
		row := make([]metrics.Accumulator, len(mets))
		for j, m := range mets {
			row[j] = o.in.Accumulators[p][m]
		}
		acc = append(acc, row)
	}
	acc = append(acc, variants...)
	an, err := New(names, sub, acc, s)
	if err != nil {
		return nil, err
	}
	if o.in.Failures != nil {
		failures := slices.Clone(o.in.Failures)
		for range ts {
			failures = append(failures, o.in.Failures[o.cand])
		}
		an.SetFailures(failures, o.in.Records)
	}
	in := an.Input(len(half), o.halfSegments(half))
	in.Tester = halfTester{a: an, half: verdict.Segment{Column: "operating point", Value: what, Positions: half}}
	return &halfJudge{o: o, an: an, in: in, vs: vs, names: names[len(o.in.Pipelines):]}, nil
}

// at judges criteria cs (written for the candidate) at the j-th threshold,
// under the criteria's own names and pipeline.
func (h *halfJudge) at(j int, cs []verdict.Criterion) (verdict.Summary, error) {
	named := make([]verdict.Criterion, len(cs))
	for i, c := range cs {
		named[i] = c
		named[i].Pipeline = h.names[j]
	}
	sum := verdict.Judge(named, h.in, h.vs)
	cur := verdict.Judge(cs, verdict.Input{Metrics: h.in.Metrics, Records: h.in.Records, Tester: nameOnly{}}, h.vs)
	for i := range sum.Criteria {
		sum.Criteria[i].Pipeline = h.o.in.Candidate
		sum.Criteria[i].Name = cur.Criteria[i].Name
	}
	return sum, h.an.Err()
}

// current judges criteria cs for the decisions as made.
func (h *halfJudge) current(cs []verdict.Criterion) (verdict.Summary, error) {
	sum := verdict.Judge(cs, h.in, h.vs)
	return sum, h.an.Err()
}

// nameOnly is a Tester that tests nothing: judging with it gives the
// criteria their names and nothing else.
type nameOnly struct{}

// Test implements verdict.Tester.
func (nameOnly) Test(verdict.Criterion, verdict.Bound, *verdict.Segment) verdict.Evidence {
	return verdict.Undefined("not tested")
}

// closest records, for each must-criterion, the thresholds at which it
// passes on its own on the selection half, or where it came closest.
func (o *operating) closest() {
	for c, cr := range o.musts {
		b := o.bound(cr)
		bestK, bestM := -1, math.Inf(-1)
		lo, hi := math.NaN(), math.NaN()
		for k, t := range o.thresholds {
			m := o.est[k][c] - b.Threshold
			if !b.Greater() {
				m = -m
			}
			if !math.IsNaN(m) && m > bestM {
				bestK, bestM = k, m
			}
			if o.passes(cr, o.est[k][c]) {
				if math.IsNaN(lo) || t < lo {
					lo = t
				}
				if math.IsNaN(hi) || t > hi {
					hi = t
				}
			}
		}
		if bestK < 0 {
			continue
		}
		o.op.Closest = append(o.op.Closest, results.ClosestPoint{Criterion: cr.Name, Metric: cr.Metric, Threshold: results.Number(o.thresholds[bestK]),
			Estimate: results.Number(o.est[bestK][c]), Required: results.Number(b.Threshold), Sense: b.Sense,
			Unit: o.in.Metrics[o.metric[cr.Metric]].Unit(), Passes: bestM >= 0, Low: results.Number(lo), High: results.Number(hi)})
	}
}

// confirm judges the candidate at the suggested threshold on the
// confirmation half, as the run judges its criteria, and the decisions as
// made on the same half for comparison, with the yearly savings of both.
func (o *operating) confirm() error {
	t := float64(o.op.Suggested.Threshold)
	mets := o.metricsOf(o.judged)
	dec := o.at(t)
	variants, err := o.variantsAt(mets, []float64{t})
	if err != nil {
		return err
	}
	h, err := o.newJudge([]float64{t}, mets, variants, o.posB, "confirmation half", o.s, o.vs)
	if err != nil {
		return err
	}
	sum, err := h.at(0, o.judged)
	if err != nil {
		return err
	}
	cur, err := h.current(o.judged)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("%s at threshold %s", o.in.Candidate, format.Sig(t))
	cf := &results.Confirmation{Verdict: sum.Verdict, Reason: strings.ReplaceAll(sum.Reason, name, o.in.Candidate), Criteria: sum.Criteria,
		CurrentVerdict: cur.Verdict}
	if o.incTotal != nil {
		cols := &columns{s: o.s}
		inc := cols.addFunc(len(o.posB), atPositions(o.incTotal, o.posB))
		suggested, today := cols.addFunc(len(o.posB), atPositions(o.candidateTotal(dec), o.posB)), cols.addFunc(len(o.posB), atPositions(o.candidateTotal(o.current()), o.posB))
		vol := float64(o.in.Impact.Volume)
		sv, err := cols.pairedYearly(suggested, inc, vol, fmt.Sprintf(
			"the cost per record of %s minus that of %s at threshold %s on the %s records of the confirmation half, × %s records a year; paired bootstrap over the records",
			o.in.Incumbent, o.in.Candidate, format.Sig(t), format.Group(int64(len(o.posB))), format.Group(o.in.Impact.Volume)))
		if err != nil {
			return err
		}
		cs, err := cols.pairedYearly(today, inc, vol, fmt.Sprintf(
			"the cost per record of %s minus that of %s as its decisions were made, on the same %s records",
			o.in.Incumbent, o.in.Candidate, format.Group(int64(len(o.posB)))))
		if err != nil {
			return err
		}
		gain, err := cols.pairedYearly(suggested, today, vol, fmt.Sprintf(
			"the cost per record of %s as its decisions were made minus that at threshold %s, on the same %s records of the confirmation half, × %s records a year; paired bootstrap over the records",
			o.in.Candidate, format.Sig(t), format.Group(int64(len(o.posB))), format.Group(o.in.Impact.Volume)))
		if err != nil {
			return err
		}
		cf.Saving, cf.CurrentSaving, cf.Gain = &sv, &cs, &gain
	}
	o.op.Confirm = cf
	return nil
}

// halfSegments are the replay's segments restricted to the records at
// half (the selection half's, o.posA, made once).
func (o *operating) halfSegments(half []int) map[string][]verdict.Segment {
	if o.in.SegmentsIn == nil {
		return map[string][]verdict.Segment{}
	}
	if len(half) == len(o.posA) && (len(half) == 0 || &half[0] == &o.posA[0]) {
		return o.segmentsA()
	}
	in := make([]bool, o.in.Records)
	for _, i := range half {
		in[i] = true
	}
	return o.in.SegmentsIn(in, o.segmentColumns())
}

// segmentColumns are the columns the judged criteria must hold in every
// segment of: the only segments the halves are judged on.
func (o *operating) segmentColumns() []string {
	var cols []string
	for _, c := range o.judged {
		for _, col := range c.InEvery {
			if !slices.Contains(cols, col) {
				cols = append(cols, col)
			}
		}
	}
	return cols
}

// segmentsA are the segments restricted to the selection half, made once.
func (o *operating) segmentsA() map[string][]verdict.Segment {
	if o.segA == nil {
		o.segA = map[string][]verdict.Segment{}
		if o.in.SegmentsIn != nil {
			o.segA = o.in.SegmentsIn(o.selA, o.segmentColumns())
		}
	}
	return o.segA
}

// halfTester judges on one half of the records: the criterion overall on
// the half, a segment on the segment's records in the half (the segments
// it is given are restricted already).
type halfTester struct {
	a    *Analysis
	half verdict.Segment
}

// Test implements verdict.Tester.
func (h halfTester) Test(c verdict.Criterion, b verdict.Bound, seg *verdict.Segment) verdict.Evidence {
	if seg == nil {
		seg = &h.half
	}
	return h.a.Test(c, b, seg)
}

// atPositions is f of the records at positions pos: atPositions(f, pos)(j)
// is f(pos[j]).
func atPositions(f func(i int) float64, pos []int) func(j int) float64 {
	return func(j int) float64 { return f(pos[j]) }
}
