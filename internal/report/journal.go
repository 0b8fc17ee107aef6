package report

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/poc-harness/poc/internal/results"
)

// maxRawLen is how much of a raw answer the report keeps.
const maxRawLen = 400

// journalLine is the part of a predictions.jsonl line the report reads. The
// field names are the run folder's documented format (see engine.Entry,
// which this package must not import).
type journalLine struct {
	Seq         int      `json:"seq"`
	ID          string   `json:"id"`
	Pipeline    string   `json:"pipeline"`
	Truth       string   `json:"truth"`
	Label       string   `json:"label"`
	Score       *float64 `json:"score"`
	LatencyMS   *float64 `json:"latency_ms"`
	Cost        float64  `json:"cost"`
	Error       string   `json:"error"`
	Unparseable bool     `json:"unparseable"`
	Raw         string   `json:"raw"`
	Text        string   `json:"text"`
	// Time and Segments are the record's time (RFC 3339) and segment values.
	Time     string            `json:"time"`
	Segments map[string]string `json:"segments"`
}

// scored is one record's score with whether its truth is the positive label.
type scored struct {
	score    float64
	positive bool
}

// pipeJournal is what the report keeps of one pipeline's predictions.
type pipeJournal struct {
	name      string
	latencies []float64
	scores    []scored
	// labels and raws are indexed by seq ("" when missing).
	labels []string
	raws   []string
	// failed counts predictions with an error; unparseable those the
	// pipeline's answer could not be parsed.
	failed, unparseable int
	// unparseableRaw are the first unparseable answers, for the auditor.
	unparseableRaw []rawExample
}

type rawExample struct{ ID, Raw string }

// journal is the report's digest of predictions.jsonl.
type journal struct {
	// pipes are in the order the pipelines first appear.
	pipes  []*pipeJournal
	byName map[string]*pipeJournal
	// ids, truths, times and segments are indexed by seq.
	ids, truths, times []string
	segments           []map[string]string
	// positive is the dataset's positive label, for scores.
	positive string
	// keepRaw names the pipelines whose raw answers are kept (candidates).
	keepRaw map[string]bool
}

func (j *journal) pipe(name string) *pipeJournal {
	return j.byName[name]
}

// readJournal reads dir/predictions.jsonl, keeping the raw answers of the
// pipelines in keepRaw. It returns (nil, nil) when the run folder has no
// journal. A line that does not parse (a torn last line) is skipped.
func readJournal(dir, positive string, keepRaw map[string]bool) (*journal, error) {
	f, err := os.Open(filepath.Join(dir, results.JournalFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read journal: %w", err)
	}
	defer f.Close()
	j := &journal{byName: map[string]*pipeJournal{}, positive: positive, keepRaw: keepRaw}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<26)
	for sc.Scan() {
		var e journalLine
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Seq < 0 || e.Pipeline == "" {
			continue
		}
		j.add(e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read journal %s: %w", f.Name(), err)
	}
	return j, nil
}

func (j *journal) add(e journalLine) {
	p := j.byName[e.Pipeline]
	if p == nil {
		p = &pipeJournal{name: e.Pipeline}
		j.byName[e.Pipeline] = p
		j.pipes = append(j.pipes, p)
	}
	for len(j.ids) <= e.Seq {
		j.ids = append(j.ids, "")
		j.truths = append(j.truths, "")
		j.times = append(j.times, "")
		j.segments = append(j.segments, nil)
	}
	j.ids[e.Seq], j.truths[e.Seq] = e.ID, e.Truth
	if e.Time != "" {
		j.times[e.Seq] = e.Time
	}
	if e.Segments != nil {
		j.segments[e.Seq] = e.Segments
	}
	for len(p.labels) <= e.Seq {
		p.labels = append(p.labels, "")
		p.raws = append(p.raws, "")
	}
	p.labels[e.Seq] = e.Label
	if j.keepRaw[e.Pipeline] {
		p.raws[e.Seq] = shorten(firstNonEmpty(e.Raw, e.Text), maxRawLen)
	}
	if e.Error != "" {
		p.failed++
	}
	if e.Unparseable {
		p.unparseable++
		if len(p.unparseableRaw) < maxFailureExamples {
			p.unparseableRaw = append(p.unparseableRaw, rawExample{ID: e.ID, Raw: shorten(e.Raw, maxRawLen)})
		}
	}
	if e.LatencyMS != nil && e.Error == "" {
		p.latencies = append(p.latencies, *e.LatencyMS)
	}
	if e.Score != nil && e.Truth != "" {
		p.scores = append(p.scores, scored{score: *e.Score, positive: e.Truth == j.positive})
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
		for seq := range min(len(c.labels), len(b.labels)) {
			cl, bl := c.labels[seq], b.labels[seq]
			if cl == bl {
				continue
			}
			truth := j.truths[seq]
			d := disagreement{ID: j.ids[seq], Truth: truth, Baseline: bname, CandidateLabel: cl, BaseLabel: bl,
				CandidateRaw: c.raws[seq], Right: "neither"}
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
