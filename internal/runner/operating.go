package runner

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/analysis"
	"github.com/poc-harness/poc/internal/engine"
	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/spec"
	"github.com/poc-harness/poc/internal/verdict"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
)

// operatingPoints adds the operating-point analysis of every scored
// candidate of a two-class label to the run model: the thresholds on its
// score at which every must-criterion would pass, chosen on one half of
// the records and confirmed on the other. It re-reads the dataset twice per
// such candidate (the metrics may read any field of a record).
// It returns a warning for each candidate that decides at the threshold an
// earlier run on the same records suggested.
func operatingPoints(ctx context.Context, exp *spec.Experiment, run *results.Run, preds *results.Predictions, res *engine.Result,
	impact *analysis.ImpactInput, dopt datasets.Options, datasetHash string) ([]results.Warning, error) {
	names := make([]string, len(exp.Pipelines))
	for i, p := range exp.Pipelines {
		names[i] = p.Name
	}
	crits := criteria(exp)
	for i := range crits { // the names the verdict gave them
		if crits[i].Name == "" && i < len(run.Verdict.Criteria) {
			crits[i].Name = run.Verdict.Criteria[i].Name
		}
	}
	var warns []results.Warning
	for i, p := range exp.Pipelines {
		pp := preds.Pipeline(p.Name)
		if p.Role != pipeline.Candidate || pp == nil || !scored(pp) {
			continue
		}
		var journaled func(seq int) pipeline.Prediction // set up once, on the first replay
		scores, hasScore := pp.Scores(res.Records)
		var err error
		in := analysis.OperatingInput{
			Candidate: p.Name, Pipelines: names, Metrics: metricsOf(exp), Accumulators: res.Accumulators,
			Fixed: fixedMetrics(exp), Criteria: crits, SegmentsIn: segmentsIn(res), Failures: res.Failures,
			Records: res.Records, Truth: preds.Truth, Positive: exp.Dataset.Positive, Negative: negativeOf(exp.Dataset.Positive, res.LabelCounts),
			Label: pp.Label, Scores: scores, HasScore: hasScore,
			Failed: failed(pp, res.Records), Threshold: configuredThreshold(p),
			Replay: func(want []bool, visit func(metrics.Observation) error) error {
				if journaled == nil {
					if journaled, err = predictionsOf(run.Dir, preds, pp, res.Records); err != nil {
						return err
					}
				}
				if cols, ok := metricColumns(exp); ok {
					return replayKept(ctx, res, cols, journaled, res.Records, preds.Truth, want, visit)
				}
				return replayWith(ctx, exp, dopt, journaled, res.Records, preds.Truth, want, visit)
			},
			Impact: impact, Incumbent: exp.UseCase.Incumbent,
		}
		r := exp.Report
		op, err := analysis.OperatingPoint(in,
			analysis.Settings{Confidence: r.Confidence, Resamples: r.Resamples, Seed: r.Seed, Method: r.Method, MaxFailureRate: r.MaxFailureRate, Done: ctx.Done()},
			verdict.Settings{Confidence: r.Confidence, MinSegmentSize: r.MinSegmentSize, MinRecords: r.MinRecords, Multiplicity: r.Multiplicity})
		if err != nil {
			return nil, err
		}
		if earlier := suggestedBefore(run.Dir, datasetHash, p.Name, float64(op.Current.Threshold)); earlier != "" && !op.ThresholdInferred {
			op.Reused = fmt.Sprintf("%s decides at threshold %s, which run %s suggested from these same records: "+
				"this run judges the threshold on the records it was chosen from, so its verdict on %s is optimistic",
				p.Name, format.Threshold(float64(op.Current.Threshold)), earlier, p.Name)
			warns = append(warns, results.Warning{Where: fmt.Sprintf("%s:%s", exp.File, p.Pos), Field: "pipelines." + p.Name + ".threshold",
				Message: op.Reused, Hint: "judge it on records it was not chosen from: a later period of data, or records the earlier run did not replay"})
		}
		run.Metrics.Pipelines[i].OperatingPoint = op
	}
	return warns, nil
}

// suggestedBefore is the id of an earlier complete run of the experiment
// (a sibling of dir) on the same dataset whose operating-point analysis
// suggested threshold t for the named pipeline; "" when there is none.
func suggestedBefore(dir, datasetHash, name string, t float64) string {
	if datasetHash == "" || math.IsNaN(t) {
		return ""
	}
	entries, err := os.ReadDir(filepath.Dir(dir))
	if err != nil {
		return ""
	}
	for _, e := range entries {
		other := filepath.Join(filepath.Dir(dir), e.Name())
		if !e.IsDir() || other == dir {
			continue
		}
		run, err := results.Load(other) // finished runs only
		if err != nil || run.Manifest.Dataset.SHA256 != datasetHash {
			continue
		}
		for _, pm := range run.Metrics.Pipelines {
			if op := pm.OperatingPoint; pm.Name == name && op != nil && op.Suggested != nil &&
				math.Abs(float64(op.Suggested.Threshold)-t) <= 1e-9*max(1, math.Abs(t)) {
				return cmp.Or(run.Manifest.RunID, e.Name())
			}
		}
	}
	return ""
}

// scored reports whether a pipeline gave a score for most of the records it
// answered: a threshold on it then decides.
func scored(pp *results.PipelinePredictions) bool {
	var answered, withScore int
	for i := range pp.Len() {
		if pp.Has(i) && pp.Err(i) == "" {
			answered++
			if pp.HasScore(i) {
				withScore++
			}
		}
	}
	return answered > 0 && 2*withScore >= answered
}

// failed marks the records the pipeline failed on, or has no line for.
func failed(pp *results.PipelinePredictions, n int) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = !pp.Has(i) || pp.Err(i) != ""
	}
	return out
}

// negativeOf is the class other than positive of a two-class label; ""
// when the label has not exactly two classes or positive is not one.
func negativeOf(positive string, counts map[string]int) string {
	var classes []string
	for c, n := range counts {
		if c != "" && n > 0 {
			classes = append(classes, c)
		}
	}
	switch {
	case len(classes) != 2 || positive == "":
		return ""
	case classes[0] == positive:
		return classes[1]
	case classes[1] == positive:
		return classes[0]
	}
	return ""
}

// configuredThreshold is the `threshold:` of a pipeline's block when it is
// a number, else the one threshold a trained pipeline decides at (a
// learner's default or the one it chose); NaN otherwise.
func configuredThreshold(p spec.Pipeline) float64 {
	switch t := p.Config["threshold"].(type) {
	case float64:
		return t
	case int:
		return float64(t)
	}
	if d, ok := p.Pipeline.(interface{ DecisionThreshold() float64 }); ok {
		return d.DecisionThreshold()
	}
	return math.NaN()
}

// fixedMetrics are the metrics that call a program or a model: working them
// out again for other decisions would run or pay for it again.
func fixedMetrics(exp *spec.Experiment) map[string]string {
	out := map[string]string{}
	for _, m := range exp.Metrics {
		switch {
		case len(m.Reach.URLs) > 0:
			out[m.Name] = "it sends the answers to " + m.Reach.URLs[0].Target + ", and would be paid for again"
		case len(m.Reach.Programs) > 0:
			out[m.Name] = "it runs a program, which would be run again"
		}
	}
	return out
}

// segmentsOf are the replay's segments, by column.
func segmentsOf(res *engine.Result) map[string][]verdict.Segment {
	segments := map[string][]verdict.Segment{}
	for _, col := range res.Segments {
		for value, pos := range col.Positions() {
			segments[col.Column] = append(segments[col.Column], verdict.Segment{Column: col.Column, Value: value, Positions: pos})
		}
	}
	return segments
}

// segmentsIn gives the replay's segments of the named columns, by column,
// restricted to the records keep marks: every value listed, in the order
// first seen.
func segmentsIn(res *engine.Result) func(keep []bool, columns []string) map[string][]verdict.Segment {
	return func(keep []bool, columns []string) map[string][]verdict.Segment {
		out := map[string][]verdict.Segment{}
		for _, col := range res.Segments {
			if !slices.Contains(columns, col.Column) {
				continue
			}
			pos := col.PositionsIn(keep)
			segs := make([]verdict.Segment, len(col.Values))
			for code, v := range col.Values {
				segs[code] = verdict.Segment{Column: col.Column, Value: v, Positions: pos[code]}
			}
			out[col.Column] = segs
		}
		return out
	}
}

// errReplayed ends a re-read of the dataset at the last replayed record.
var errReplayed = errors.New("every replayed record read")

// predictionsOf gives a pipeline's prediction of each of the first n
// records: made from its columns pp of preds when they hold all of it (no
// slice of a million predictions is kept), read from the journal when its
// lines hold more (answers a metric may read).
func predictionsOf(dir string, preds *results.Predictions, pp *results.PipelinePredictions, n int) (func(seq int) pipeline.Prediction, error) {
	if pp.Answers {
		all, err := journalOf(dir, pp.Name, n)
		if err != nil {
			return nil, err
		}
		return func(seq int) pipeline.Prediction { return all[seq] }, nil
	}
	return func(seq int) pipeline.Prediction {
		if seq >= pp.Len() || !pp.Has(seq) {
			return pipeline.Prediction{}
		}
		p := pipeline.Prediction{Pipeline: pp.Name, Seq: seq, RecordID: preds.ID(seq), Err: pp.Err(seq),
			Latency: time.Duration(pp.LatencyMS(seq) * float64(time.Millisecond)),
			Output:  pipeline.Output{Label: pp.Label(seq), Cost: pp.Cost(seq), Unparseable: pp.Unparseable(seq), Cached: pp.Cached(seq)}}
		p.Output.Score, p.Output.HasScore = pp.Score(seq)
		return p
	}, nil
}

// journalOf reads the named pipeline's predictions of the first n records
// from the run's journal, by seq (the last line of a record wins, as on
// resume).
func journalOf(dir, name string, n int) ([]pipeline.Prediction, error) {
	preds := make([]pipeline.Prediction, n)
	f, err := os.Open(filepath.Join(dir, results.JournalFile))
	if err != nil {
		return nil, fmt.Errorf("read journal: %w", err)
	}
	defer f.Close()
	err = results.ReadJournal(f, func(e results.Entry) error {
		if e.Pipeline == name && e.Seq >= 0 && e.Seq < n {
			preds[e.Seq] = engine.Prediction(e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read journal: %w", err)
	}
	return preds, nil
}

// replayKept calls visit with each replayed record, made of the columns
// cols the replay kept (the only ones the metrics read), and its
// prediction pred(seq), for the first n records in seq order (those whose
// want[seq] is true, when want is not nil). The
// record's fields are reused from one record to the next: the metrics read
// them as they add a record.
func replayKept(ctx context.Context, res *engine.Result, cols []string, pred func(int) pipeline.Prediction, n int, truth func(int) string,
	want []bool, visit func(metrics.Observation) error) error {
	fields := make(map[string]any, len(cols))
	for seq := range n {
		if seq%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if want != nil && !want[seq] {
			continue
		}
		for _, c := range cols {
			fields[c] = res.Kept[c].At(seq)
		}
		if err := visit(metrics.Observation{Record: datasets.Record{Seq: seq, Fields: fields}, Truth: truth(seq), Pred: pred(seq)}); err != nil {
			return err
		}
	}
	return nil
}

// replayWith re-reads the replayed records, with the replay's options, and
// calls visit with each of the first n (those whose want[seq] is true,
// when want is not nil) and its prediction pred(seq), in seq order.
func replayWith(ctx context.Context, exp *spec.Experiment, dopt datasets.Options, pred func(int) pipeline.Prediction, n int, truth func(int) string,
	want []bool, visit func(metrics.Observation) error) error {
	stream, err := datasets.Open(exp.Dataset.Path, dopt)
	if err != nil {
		return fmt.Errorf("open dataset: %w", err)
	}
	defer stream.Close()
	err = datasets.EachOnce(ctx, stream, func(rec datasets.Record) error {
		if rec.Seq >= n {
			return errReplayed
		}
		if want != nil && !want[rec.Seq] {
			return nil
		}
		p := pred(rec.Seq)
		if id := p.RecordID; exp.Dataset.ID != "" && id != "" && rec.String(exp.Dataset.ID) != id {
			return fmt.Errorf("record %d is %q in the journal but %q in the dataset: the dataset changed since the replay",
				rec.Seq, id, rec.String(exp.Dataset.ID))
		}
		return visit(metrics.Observation{Record: rec, Truth: truth(rec.Seq), Pred: p})
	})
	if err != nil && !errors.Is(err, errReplayed) {
		return fmt.Errorf("read dataset: %w", err)
	}
	return nil
}
