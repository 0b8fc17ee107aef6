package analysis

import (
	"cmp"
	"slices"
	"sort"
	"time"

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
// the segment columns (nil: every column the journal holds).
func Breakdown(p *results.Predictions, pipelines []string, positive string, segments []string, conf float64) *results.Breakdown {
	b := &results.Breakdown{Metric: "accuracy"}
	seen := map[string]bool{}
	for _, t := range p.Truths {
		if t != "" {
			seen[t] = true
		}
	}
	if positive != "" && seen[positive] && len(seen) <= 2 {
		b.Metric, b.Positive = "recall", positive
	}
	r := rater{p: p, pipelines: pipelines, recall: b.Metric == "recall", positive: positive, conf: conf}
	months := map[string][]int{}
	for seq, ts := range p.Times {
		if t, err := time.Parse(time.RFC3339Nano, ts); ts != "" && err == nil {
			m := t.UTC().Format("2006-01")
			months[m] = append(months[m], seq)
		}
	}
	keys := make([]string, 0, len(months))
	for m := range months {
		keys = append(keys, m)
	}
	slices.Sort(keys)
	for _, m := range keys {
		b.Months = append(b.Months, r.group(m, months[m]))
	}
	for _, col := range segmentColumns(p, segments) {
		if sb, ok := r.segment(col); ok {
			b.Segments = append(b.Segments, sb)
		}
	}
	return b
}

// segmentColumns are the columns to break down by: the file's segments, or
// every column the journal holds, sorted.
func segmentColumns(p *results.Predictions, segments []string) []string {
	if len(segments) > 0 {
		return segments
	}
	seen := map[string]bool{}
	var cols []string
	for _, s := range p.Segments {
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
}

// segment is the breakdown by one segment column.
func (r rater) segment(col string) (results.SegmentBreakdown, bool) {
	bySeq := map[string][]int{}
	for seq, s := range r.p.Segments {
		if v, ok := s[col]; ok {
			bySeq[v] = append(bySeq[v], seq)
		}
	}
	if len(bySeq) == 0 {
		return results.SegmentBreakdown{}, false
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
		sb.Values = append(sb.Values, r.group(v, bySeq[v]))
	}
	return sb, true
}

// group is every pipeline's rate on the records seqs.
func (r rater) group(key string, seqs []int) results.Group {
	g := results.Group{Key: key, Records: len(seqs)}
	for _, name := range r.pipelines {
		pp := r.p.Pipeline(name)
		if pp == nil {
			continue
		}
		k, n := r.count(pp, seqs)
		if n == 0 {
			continue
		}
		iv := stats.Wilson(k, n, r.conf)
		g.Rates = append(g.Rates, results.Rate{Pipeline: name, Successes: k, Trials: n, Value: results.Number(float64(k) / float64(n)),
			Interval: fromStats(iv)})
	}
	return g
}

// count is a pipeline's successes and trials on the records seqs: positives
// caught of positives for recall (by metrics.Classify), right decisions of
// labelled records for accuracy. A failed decision is a wrong one.
func (r rater) count(pp *results.PipelinePredictions, seqs []int) (k, n int) {
	for _, seq := range seqs {
		truth := r.p.Truths[seq]
		if truth == "" || !pp.Has[seq] {
			continue
		}
		failed := pp.Errors[seq] != ""
		if r.recall {
			switch metrics.Classify(truth, pp.Labels[seq], failed, r.positive) {
			case metrics.TruePositive:
				k, n = k+1, n+1
			case metrics.FalseNegative:
				n++
			}
			continue
		}
		n++
		if !failed && pp.Labels[seq] == truth {
			k++
		}
	}
	return k, n
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
		if pp.Errors[seq] != "" || pp.Labels[seq] == "" {
			return noLabel
		}
		return pp.Labels[seq]
	}
	idx := map[string]int{}
	for seq, t := range p.Truths {
		if t != "" && pp.Has[seq] {
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
	for seq, t := range p.Truths {
		if t != "" && pp.Has[seq] {
			counts[idx[t]][idx[decided(seq)]]++
		}
	}
	return &results.Confusion{Labels: labels, Counts: counts, Source: "the predictions journal"}
}
