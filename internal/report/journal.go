package report

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/poc-harness/poc/internal/results"
)

// maxRawLen is how much of a raw answer the report keeps.
const maxRawLen = 400

// scored is one record's score with whether its truth is the positive label.
type scored struct {
	score    float64
	positive bool
}

// pipeJournal is what the report keeps of one pipeline's predictions.
type pipeJournal struct {
	name string
	// latencies are those of the answers that did not fail, sorted on
	// first use (sortedLatencies).
	latencies []float64
	sorted    bool
	scores    []scored
	// cols are the pipeline's columns, records the length of its labels
	// (label); raws are indexed by seq ("" when missing, or past the
	// end); has says whether the pipeline decided the record at seq,
	// failedAt whether that decision failed.
	cols          *results.PipelinePredictions
	records       int
	raws          []string
	has, failedAt []bool
	// failed counts predictions with an error; unparseable those the
	// pipeline's answer could not be parsed.
	failed, unparseable int
	// unparseableRaw are the first unparseable answers, for the auditor.
	unparseableRaw []rawExample
}

// label is the pipeline's decision at record seq ("" past its last).
func (p *pipeJournal) label(seq int) string {
	if p.cols == nil || seq >= p.records {
		return ""
	}
	return p.cols.Label(seq)
}

// raw is the pipeline's raw answer at record seq, shortened ("" when the
// journal was not read for answers, or it has none).
func (p *pipeJournal) raw(seq int) string {
	if seq >= len(p.raws) {
		return ""
	}
	return p.raws[seq]
}

type rawExample struct{ ID, Raw string }

// journal is the report's digest of predictions.jsonl.
type journal struct {
	// pipes are in the order the pipelines first appear.
	pipes  []*pipeJournal
	byName map[string]*pipeJournal
	// preds are the columns read: the records' ids, truths and segments.
	preds *results.Predictions
	// positive is the dataset's positive label, for scores.
	positive string
	// keepRaw names the pipelines whose raw answers are kept (candidates).
	keepRaw map[string]bool
}

// sortedLatencies sorts the latencies, once, and returns them.
func (p *pipeJournal) sortedLatencies() []float64 {
	if !p.sorted {
		slices.Sort(p.latencies)
		p.sorted = true
	}
	return p.latencies
}

func (j *journal) pipe(name string) *pipeJournal {
	return j.byName[name]
}

// readJournal digests the run's predictions: the columns the replay
// collected (run.Predictions) when no line holds more than they do, and
// otherwise the journal, keeping the raw answers of the pipelines in
// keepRaw. It returns (nil, nil) when the run folder has no journal. A
// torn last line is skipped; any other bad line is an error.
func readJournal(ctx context.Context, run *results.Run, positive string, keepRaw map[string]bool) (*journal, error) {
	j := &journal{byName: map[string]*pipeJournal{}, positive: positive, keepRaw: keepRaw}
	preds := run.Predictions
	if preds == nil && noAnswers(run, keepRaw) {
		// A finished folder (poc report): its predictions.parquet holds all
		// the report reads when no pipeline it keeps answers of answers in
		// text — reading the columnar file, not parsing every journal line.
		if p, err := results.ReadPredictions(ctx, run.Dir, results.ReadOptions{}); err == nil && !needsAnswers(p) {
			preds = p
		}
	}
	if preds != nil && !needsAnswers(preds) {
		for _, pp := range preds.Pipelines {
			j.answer(&results.Entry{Pipeline: pp.Name})
		}
	} else {
		var err error
		preds, err = results.ReadPredictions(ctx, run.Dir, results.ReadOptions{Each: j.answer})
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read journal: %w", err)
		}
	}
	j.preds = preds
	for _, pp := range preds.Pipelines {
		j.digest(pp)
	}
	return j, nil
}

// answerless are the pipeline types whose journal lines hold no answer
// beyond the columns (no raw text, no fields): a decision, a score, a cost.
var answerless = map[string]bool{"rules": true, "column": true, "constant": true, "majority": true, "learn": true}

// noAnswers reports whether every pipeline of run whose raw answers the
// report keeps is of a type that gives none.
func noAnswers(run *results.Run, keepRaw map[string]bool) bool {
	for _, p := range run.Manifest.Pipelines {
		if keepRaw[p.Name] && !answerless[p.Type] {
			return false
		}
	}
	return len(run.Manifest.Pipelines) > 0
}

// needsAnswers reports whether the report needs what only the journal
// holds: raw answers, or the answers that could not be parsed.
func needsAnswers(p *results.Predictions) bool {
	for _, pp := range p.Pipelines {
		if pp.Answers || pp.AnyUnparseable() {
			return true
		}
	}
	return false
}

// answer keeps what the report needs of an entry beyond the columns: the
// raw answers of the pipelines in keepRaw and the first unparseable answers
// of every pipeline. It also sets up the pipelines in the order of their
// first line.
func (j *journal) answer(e *results.Entry) {
	p := j.byName[e.Pipeline]
	if p == nil {
		p = &pipeJournal{name: e.Pipeline}
		j.byName[e.Pipeline] = p
		j.pipes = append(j.pipes, p)
	}
	if j.keepRaw[e.Pipeline] {
		for len(p.raws) <= e.Seq {
			p.raws = append(p.raws, "")
		}
		p.raws[e.Seq] = shorten(firstNonEmpty(e.Raw, e.Text), maxRawLen)
	}
	if e.Unparseable && len(p.unparseableRaw) < maxFailureExamples {
		p.unparseableRaw = append(p.unparseableRaw, rawExample{ID: e.ID, Raw: shorten(e.Raw, maxRawLen)})
	}
}

// digest fills the pipeline's digest from its columns: labels (up to its
// last record), counts, latencies of the answers that did not fail, and
// scores of the records with a truth, in record order.
func (j *journal) digest(pp *results.PipelinePredictions) {
	p := j.byName[pp.Name]
	n := pp.Len()
	for n > 0 && !pp.Has(n-1) {
		n--
	}
	p.cols, p.records, p.has, p.failedAt = pp, n, make([]bool, n), make([]bool, n)
	p.latencies = make([]float64, 0, max(0, n-pp.Failures())) // room for each answer that did not fail, at once
	for seq := range n {
		if p.has[seq] = pp.Has(seq); !p.has[seq] {
			continue
		}
		if pp.Err(seq) != "" {
			p.failed++
			p.failedAt[seq] = true
		} else {
			p.latencies = append(p.latencies, pp.LatencyMS(seq))
		}
		if pp.Unparseable(seq) {
			p.unparseable++
		}
		if score, ok := pp.Score(seq); ok && j.preds.Truth(seq) != "" {
			p.scores = append(p.scores, scored{score: score, positive: j.preds.Truth(seq) == j.positive})
		}
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// disagreement is one record on which a candidate and a baseline decided
// differently.
type disagreement struct {
	ID, Truth                 string
	Baseline                  string
	CandidateLabel, BaseLabel string
	CandidateRaw              string
	// Right says who matched the truth: "candidate", "baseline" or "neither".
	Right string
}

// disagreementSet is the disagreements of a candidate with one baseline.
type disagreementSet struct {
	Candidate, Baseline                string
	Total, CandRight, BaseRight, Other int
	Sample                             []disagreement
}

// disagreements compares cand with each baseline and keeps a sample of
// about limit records in all, alternating between records the candidate got
// right and records the baseline got right, in record order.
func (j *journal) disagreements(cand string, baselines []string, limit int) []disagreementSet {
	c := j.pipe(cand)
	if c == nil || len(baselines) == 0 {
		return nil
	}
	var out []disagreementSet
	for i, bname := range baselines {
		// Share limit out evenly, the first baselines taking the remainder.
		per := limit / len(baselines)
		if i < limit%len(baselines) {
			per++
		}
		b := j.pipe(bname)
		if b == nil {
			continue
		}
		set := disagreementSet{Candidate: cand, Baseline: bname}
		var byRight [3][]disagreement
		for seq := range min(c.records, b.records) {
			cl, bl := c.label(seq), b.label(seq)
			if cl == bl {
				continue
			}
			truth := j.preds.Truth(seq)
			d := disagreement{ID: j.preds.ID(seq), Truth: truth, Baseline: bname, CandidateLabel: cl, BaseLabel: bl,
				CandidateRaw: c.raw(seq), Right: "neither"}
			k := 2
			switch {
			case truth != "" && cl == truth:
				d.Right, k = "candidate", 0
				set.CandRight++
			case truth != "" && bl == truth:
				d.Right, k = "baseline", 1
				set.BaseRight++
			default:
				set.Other++
			}
			set.Total++
			if len(byRight[k]) < per {
				byRight[k] = append(byRight[k], d)
			}
		}
		for i := 0; len(set.Sample) < per && i < per; i++ {
			for k := range byRight {
				if i < len(byRight[k]) && len(set.Sample) < per {
					set.Sample = append(set.Sample, byRight[k][i])
				}
			}
		}
		out = append(out, set)
	}
	return out
}
