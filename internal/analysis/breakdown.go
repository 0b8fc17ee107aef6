package analysis

import (
	"cmp"
	"fmt"
	"slices"
	"sort"

	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/stats"
	"github.com/poc-harness/poc/metrics"
)

// noLabel stands for a failed or empty decision in a confusion matrix.
const noLabel = "(none)"

// Breakdown works out, from the journal's columns, the share the report
// plots month by month and segment value by segment value for every
// pipeline: recall for a binary label with a positive class that the data
// holds, accuracy otherwise, each with its Wilson interval. segments are
// the segment columns (nil: every column the journal holds). Closing done
// (nil: never) stops it with an error wrapping stats.ErrStopped (and so
// context.Canceled).
func Breakdown(done <-chan struct{}, p *results.Predictions, pipelines []string, positive string, segments []string, conf float64) (*results.Breakdown, error) {
	b, err := breakdown(done, p, pipelines, positive, segments, conf)
	if err != nil {
		return nil, fmt.Errorf("break the predictions down: %w", err)
	}
	return b, nil
}

func breakdown(done <-chan struct{}, p *results.Predictions, pipelines []string, positive string, segments []string, conf float64) (*results.Breakdown, error) {
	b := &results.Breakdown{Metric: "accuracy"}
	seen := map[string]bool{}
	for seq := range p.Records {
		if t := p.Truth(seq); t != "" {
			seen[t] = true
		}
	}
	if positive != "" && seen[positive] && len(seen) <= 2 {
		b.Metric, b.Positive = "recall", positive
	}
	r := rater{p: p, pipelines: pipelines, recall: b.Metric == "recall", positive: positive, conf: conf, done: done}
	months := map[string][]int{}
	for seq := range p.Records {
		if err := stopAt(seq, done); err != nil {
			return nil, err
		}
		if t, ok := p.Unix(seq); ok {
			m := t.Format("2006-01")
			months[m] = append(months[m], seq)
		}
	}
	keys := make([]string, 0, len(months))
	for m := range months {
		keys = append(keys, m)
	}
	slices.Sort(keys)
	for _, m := range keys {
		g, err := r.group(m, months[m])
		if err != nil {
			return nil, err
		}
		b.Months = append(b.Months, g)
	}
	for _, col := range segmentColumns(p, segments) {
		sb, ok, err := r.segment(col)
		if err != nil {
			return nil, err
		}
		if ok {
			b.Segments = append(b.Segments, sb)
		}
	}
	return b, nil
}

// segmentColumns are the columns to break down by: the file's segments, or
// every column the journal holds, sorted.
func segmentColumns(p *results.Predictions, segments []string) []string {
	if len(segments) > 0 {
		return segments
	}
	seen := map[string]bool{}
	var cols []string
	for _, s := range p.SegmentSets() {
		for k := range s {
			if !seen[k] {
				seen[k] = true
				cols = append(cols, k)
			}
		}
	}
	slices.Sort(cols)
	return cols
}

// rater counts a pipeline's successes and trials on a group of records.
type rater struct {
	p         *results.Predictions
	pipelines []string
	recall    bool
	positive  string
	conf      float64
	// done, when closed, stops the counting.
	done <-chan struct{}
}

// segment is the breakdown by one segment column.
func (r rater) segment(col string) (results.SegmentBreakdown, bool, error) {
	bySeq := map[string][]int{}
	for seq := range r.p.Records {
		if err := stopAt(seq, r.done); err != nil {
			return results.SegmentBreakdown{}, false, err
		}
		if v, ok := r.p.SegmentsOf(seq)[col]; ok {
			bySeq[v] = append(bySeq[v], seq)
		}
	}
	if len(bySeq) == 0 {
		return results.SegmentBreakdown{}, false, nil
	}
	values := make([]string, 0, len(bySeq))
	for v := range bySeq {
		values = append(values, v)
	}
	slices.SortFunc(values, func(a, c string) int {
		return cmp.Or(cmp.Compare(len(bySeq[c]), len(bySeq[a])), cmp.Compare(a, c))
	})
	sb := results.SegmentBreakdown{Column: col}
	if len(values) > results.MaxSegmentValues {
		values, sb.Capped = values[:results.MaxSegmentValues], true
	}
	for _, v := range values {
		g, err := r.group(v, bySeq[v])
		if err != nil {
			return sb, false, err
		}
		sb.Values = append(sb.Values, g)
	}
	return sb, true, nil
}

// group is every pipeline's rate on the records seqs.
func (r rater) group(key string, seqs []int) (results.Group, error) {
	g := results.Group{Key: key, Records: len(seqs)}
	for _, name := range r.pipelines {
		pp := r.p.Pipeline(name)
		if pp == nil {
			continue
		}
		k, n, err := r.count(pp, seqs)
		if err != nil {
			return g, err
		}
		if n == 0 {
			continue
		}
		iv := stats.Wilson(k, n, r.conf)
		g.Rates = append(g.Rates, results.Rate{Pipeline: name, Successes: k, Trials: n, Value: results.Number(float64(k) / float64(n)),
			Interval: fromStats(iv)})
	}
	return g, nil
}

// count is a pipeline's successes and trials on the records seqs: positives
// caught of positives for recall (by metrics.Classify), right decisions of
// labelled records for accuracy. A failed decision is a wrong one.
func (r rater) count(pp *results.PipelinePredictions, seqs []int) (k, n int, err error) {
	for i, seq := range seqs {
		if err := stopAt(i, r.done); err != nil {
			return 0, 0, err
		}
		truth := r.p.Truth(seq)
		if truth == "" || !pp.Has(seq) {
			continue
		}
		failed := pp.Err(seq) != ""
		if r.recall {
			switch metrics.Classify(truth, pp.Label(seq), failed, r.positive) {
			case metrics.TruePositive:
				k, n = k+1, n+1
			case metrics.FalseNegative:
				n++
			}
			continue
		}
		n++
		if !failed && pp.Label(seq) == truth {
			k++
		}
	}
	return k, n, nil
}

// Confusion is a pipeline's confusion matrix from the journal's columns:
// Counts[true][decided] over the labels both sides use, sorted, with a
// failed or empty decision as "(none)". Records without a label are left
// out. It is nil when the pipeline has no labelled record.
func Confusion(p *results.Predictions, pipeline string) *results.Confusion {
	pp := p.Pipeline(pipeline)
	if pp == nil {
		return nil
	}
	decided := func(seq int) string {
		if pp.Err(seq) != "" || pp.Label(seq) == "" {
			return noLabel
		}
		return pp.Label(seq)
	}
	idx := map[string]int{}
	for seq := range p.Records {
		if t := p.Truth(seq); t != "" && pp.Has(seq) {
			idx[t], idx[decided(seq)] = 0, 0
		}
	}
	if len(idx) == 0 {
		return nil
	}
	labels := make([]string, 0, len(idx))
	for l := range idx {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	counts := make([][]int, len(labels))
	for i, l := range labels {
		idx[l], counts[i] = i, make([]int, len(labels))
	}
	for seq := range p.Records {
		if t := p.Truth(seq); t != "" && pp.Has(seq) {
			counts[idx[t]][idx[decided(seq)]]++
		}
	}
	return &results.Confusion{Labels: labels, Counts: counts, Source: "the predictions journal"}
}
