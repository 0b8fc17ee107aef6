package results

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Predictions is a run's journal as columns, for analysis and reports: the
// record-level columns and one set of columns per pipeline, all indexed by
// seq and all Records long.
type Predictions struct {
	// Records is one more than the highest seq in the journal.
	Records int
	// ids are the records' ids (ID).
	ids idColumn
	// truths are the records' labels (Truth).
	truths stringCodes
	// times are the records' times as Unix seconds (noTime when unknown:
	// Time and Unix read them); timeText holds the text of those a second
	// in UTC does not give back exactly (fractions of a second, another
	// zone, text that is not a time).
	times    []int64
	timeText map[int]string
	stamp    []byte // setTime's scratch
	// segs are the records' sets of segment values (SegmentsOf): 0 for
	// none, k for combos[k-1], each distinct set stored once and found
	// again by its key (segmentKey) in comboIndex.
	segs       []uint32
	combos     []map[string]string
	comboIndex map[string]uint32
	key        []byte   // setSegments' scratch
	names      []string // likewise
	// Pipelines are in the order of their first line in the journal.
	Pipelines []*PipelinePredictions
	byName    map[string]*PipelinePredictions
}

// ID is record seq's id ("" when it has none or no line).
func (p *Predictions) ID(seq int) string { return p.ids.get(seq) }

// Truth is record seq's label ("" when it has none or no line).
func (p *Predictions) Truth(seq int) string { return p.truths.at(seq) }

// SegmentsOf is record seq's segment values, by column (nil when none). The
// map is shared by the records with the same values: read it, do not change
// it.
func (p *Predictions) SegmentsOf(seq int) map[string]string {
	if k := p.segs[seq]; k > 0 {
		return p.combos[k-1]
	}
	return nil
}

// RecordsEqual reports whether p and q hold the same records: the same
// ids, truths, times and segment values, however they store them.
func (p *Predictions) RecordsEqual(q *Predictions) bool {
	if q == nil || p.Records != q.Records {
		return false
	}
	for seq := range p.Records {
		if p.ID(seq) != q.ID(seq) || p.Truth(seq) != q.Truth(seq) || p.Time(seq) != q.Time(seq) || !maps.Equal(p.SegmentsOf(seq), q.SegmentsOf(seq)) {
			return false
		}
	}
	return true
}

// SegmentSets are the distinct sets of segment values the records have
// (shared: read them, do not change them).
func (p *Predictions) SegmentSets() []map[string]string { return p.combos }

// setSegments sets record seq's segment values, storing each distinct set
// once.
func (p *Predictions) setSegments(seq int, m map[string]string) {
	p.key, p.names = segmentKey(p.key[:0], p.names[:0], m)
	k, ok := p.comboIndex[string(p.key)]
	if !ok {
		if p.comboIndex == nil {
			p.comboIndex = map[string]uint32{}
		}
		p.combos = append(p.combos, m)
		k = uint32(len(p.combos))
		p.comboIndex[string(p.key)] = k
	}
	p.segs[seq] = k
}

// segmentKey appends to dst a key of the segment values m: the columns,
// sorted (in names, returned for reuse), each followed by its value, all
// separated by zero bytes.
func segmentKey(dst []byte, names []string, m map[string]string) ([]byte, []string) {
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		dst = append(append(append(append(dst, k...), 0), m[k]...), 0)
	}
	return dst, names
}

// noTime marks a record without a time.
const noTime = math.MinInt64

// Time is record seq's time in RFC 3339, as the journal has it ("" when
// unknown).
func (p *Predictions) Time(seq int) string {
	if s, ok := p.timeText[seq]; ok {
		return s
	}
	if p.times[seq] == noTime {
		return ""
	}
	return time.Unix(p.times[seq], 0).UTC().Format(time.RFC3339)
}

// Unix is record seq's time, to the second, and whether it has one.
func (p *Predictions) Unix(seq int) (time.Time, bool) {
	if p.times[seq] == noTime {
		return time.Time{}, false
	}
	return time.Unix(p.times[seq], 0).UTC(), true
}

// setTime sets record seq's time from its RFC 3339 text.
func (p *Predictions) setTime(seq int, text string) {
	t, err := time.Parse(time.RFC3339Nano, text)
	if err != nil {
		p.times[seq] = noTime
	} else {
		p.times[seq] = t.Unix()
	}
	if err == nil {
		p.stamp = t.UTC().AppendFormat(p.stamp[:0], time.RFC3339) // no string per record
	}
	if err != nil || string(p.stamp) != text {
		if p.timeText == nil {
			p.timeText = map[int]string{}
		}
		p.timeText[seq] = text
	} else {
		delete(p.timeText, seq)
	}
}

// PipelinePredictions is one pipeline's columns, indexed by seq. Where Has
// is false the journal holds no line of the pipeline for the record and the
// other columns are zero.
type PipelinePredictions struct {
	// Name is the pipeline's name.
	Name string
	// Answers reports that some line of the pipeline holds more than the
	// columns do — a free-text, structured or raw answer, token counts,
	// attempts —: whoever needs those reads the journal (only set by a
	// Collector).
	Answers bool

	// flags are each record's flag bits (flagLine…); labels are the
	// decisions as codes into dict (code 0 is ""), two bytes a record where
	// a string takes sixteen; scores and costs are nil while no record has
	// a score or a cost that is not zero; errors holds the failures, which
	// are few. A million records of four pipelines that give no score take
	// 44 MB, where a slice per field took 96.
	flags   []uint8
	labels  stringCodes
	latency []float64
	scores  []float64
	costs   []float64
	errors  map[int]string
}

// The flag bits of a record.
const (
	flagLine uint8 = 1 << iota
	flagScore
	flagUnparseable
	flagCached
)

// Len is the number of records the columns hold.
func (pp *PipelinePredictions) Len() int { return len(pp.flags) }

// Has reports whether the journal holds a line of the pipeline for record
// seq.
func (pp *PipelinePredictions) Has(seq int) bool { return pp.flags[seq]&flagLine != 0 }

// Score is the score at record seq and whether the pipeline gave one.
func (pp *PipelinePredictions) Score(seq int) (float64, bool) {
	if pp.flags[seq]&flagScore == 0 {
		return 0, false
	}
	return pp.scores[seq], true
}

// HasScore reports whether the pipeline gave a score at record seq.
func (pp *PipelinePredictions) HasScore(seq int) bool { return pp.flags[seq]&flagScore != 0 }

// Scores are the scores of the first n records (n at most the records
// collected; 0 where none) and whether each has one. The scores are the
// collector's own column: read them, do not change them.
func (pp *PipelinePredictions) Scores(n int) (scores []float64, has []bool) {
	has = make([]bool, n)
	for i := range n {
		has[i] = pp.HasScore(i)
	}
	if pp.scores == nil {
		return make([]float64, n), has
	}
	return pp.scores[:n:n], has
}

// LatencyMS is the latency of the decision at record seq, in milliseconds.
func (pp *PipelinePredictions) LatencyMS(seq int) float64 { return pp.latency[seq] }

// Unparseable reports whether the answer at record seq could not be
// parsed.
func (pp *PipelinePredictions) Unparseable(seq int) bool { return pp.flags[seq]&flagUnparseable != 0 }

// AnyUnparseable reports whether some answer could not be parsed.
func (pp *PipelinePredictions) AnyUnparseable() bool {
	for _, f := range pp.flags {
		if f&flagUnparseable != 0 {
			return true
		}
	}
	return false
}

// Cached reports whether the answer at record seq came from the response
// cache.
func (pp *PipelinePredictions) Cached(seq int) bool { return pp.flags[seq]&flagCached != 0 }

// scoreAt is where the score of record seq is kept, for a writer that
// holds the row until it flushes; the record has a score.
func (pp *PipelinePredictions) scoreAt(seq int) *float64 { return &pp.scores[seq] }

// Label is the decision at record seq ("" when it failed or gave none).
func (pp *PipelinePredictions) Label(seq int) string { return pp.labels.at(seq) }

// Labels are the decisions of the first n records.
func (pp *PipelinePredictions) Labels(n int) []string { return pp.labels.strings(n) }

// Cost is the cost of the decision at record seq.
func (pp *PipelinePredictions) Cost(seq int) float64 {
	if pp.costs == nil {
		return 0
	}
	return pp.costs[seq]
}

// Costs are the costs of the decisions of the first n records (n at most
// the records collected), nil when every cost is zero. The slice is the
// collector's own: read it, do not change it.
func (pp *PipelinePredictions) Costs(n int) []float64 {
	if pp.costs == nil {
		return nil
	}
	return pp.costs[:n:n]
}

// Err is the failure at record seq ("" when the pipeline did not fail).
func (pp *PipelinePredictions) Err(seq int) string { return pp.errors[seq] }

// Failures is how many records the pipeline failed on.
func (pp *PipelinePredictions) Failures() int { return len(pp.errors) }

// Equal reports whether pp and q hold the same columns, however they
// store them.
func (pp *PipelinePredictions) Equal(q *PipelinePredictions) bool {
	n := pp.Len()
	if q == nil || pp.Name != q.Name || q.Len() != n || pp.Answers != q.Answers || pp.Failures() != q.Failures() ||
		!slices.Equal(pp.flags, q.flags) || !slices.Equal(pp.latency, q.latency) {
		return false
	}
	for i := range n {
		s, _ := pp.Score(i)
		t, _ := q.Score(i)
		if pp.Label(i) != q.Label(i) || pp.Cost(i) != q.Cost(i) || pp.Err(i) != q.Err(i) || (s != t && !(math.IsNaN(s) && math.IsNaN(t))) {
			return false
		}
	}
	return true
}

// setLabel sets the decision at record seq.
func (pp *PipelinePredictions) setLabel(seq int, label string) { pp.labels.set(seq, label) }

// setScore sets the score at record seq, making the column on the first
// score.
func (pp *PipelinePredictions) setScore(seq int, score *float64) {
	if score == nil {
		pp.flags[seq] &^= flagScore
		if pp.scores != nil {
			pp.scores[seq] = 0
		}
		return
	}
	if pp.scores == nil {
		pp.scores = make([]float64, len(pp.flags), cap(pp.flags))
	}
	pp.flags[seq] |= flagScore
	pp.scores[seq] = *score
}

// setCost sets the cost at record seq, making the column on the first
// cost that is not zero.
func (pp *PipelinePredictions) setCost(seq int, cost float64) {
	if pp.costs == nil {
		if cost == 0 {
			return
		}
		pp.costs = make([]float64, len(pp.flags), cap(pp.flags))
	}
	pp.costs[seq] = cost
}

// setErr sets the failure at record seq.
func (pp *PipelinePredictions) setErr(seq int, msg string) {
	if msg == "" {
		delete(pp.errors, seq)
		return
	}
	if pp.errors == nil {
		pp.errors = map[int]string{}
	}
	pp.errors[seq] = msg
}

// Pipeline returns the columns of the named pipeline, or nil when the
// journal has no line of it.
func (p *Predictions) Pipeline(name string) *PipelinePredictions {
	return p.byName[name]
}

// ReadOptions says what ReadPredictions does beyond filling the columns.
type ReadOptions struct {
	// Each, when set, is called with every entry once it is in the columns,
	// for what they leave out (raw answers, texts, fields, token counts),
	// which can be large: the caller keeps what it needs. e is only valid
	// during the call.
	Each func(e *Entry)
}

// ReadPredictions reads a run's predictions into columns: from
// predictions.parquet, the columnar copy a complete run writes, when it is
// there and opt.Each is nil (the raw answers, texts and fields stay in the
// journal); otherwise from the journal (predictions.jsonl), with
// ReadJournal's handling of a torn last line. The error wraps
// os.ErrNotExist when the run folder has neither, and ctx's error when ctx
// ends first (it is checked every few thousand rows).
func ReadPredictions(ctx context.Context, dir string, opt ReadOptions) (*Predictions, error) {
	if opt.Each == nil {
		p, err := readParquet(ctx, dir)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("read predictions %s: %w", filepath.Join(dir, PredictionsFile), err)
		}
	}
	f, err := os.Open(filepath.Join(dir, JournalFile))
	if err != nil {
		return nil, fmt.Errorf("read predictions: %w", err)
	}
	defer f.Close()
	p, err := decodePredictions(ctx, f, opt)
	if err != nil {
		return nil, fmt.Errorf("read predictions %s: %w", f.Name(), err)
	}
	return p, nil
}

// DecodePredictions reads a journal from r into columns; see
// ReadPredictions.
func DecodePredictions(r io.Reader, opt ReadOptions) (*Predictions, error) {
	return decodePredictions(context.Background(), r, opt)
}

// checkEvery is how many journal lines or parquet rows a reader handles
// between two looks at its context.
const checkEvery = 4096

func decodePredictions(ctx context.Context, r io.Reader, opt ReadOptions) (*Predictions, error) {
	p := &Predictions{byName: map[string]*PipelinePredictions{}}
	lines := 0
	err := ReadJournal(r, func(e Entry) error {
		if lines++; lines%checkEvery == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		p.add(&e)
		if opt.Each != nil {
			opt.Each(&e)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, pp := range p.Pipelines {
		pp.grow(p.Records)
	}
	return p, nil
}

// add puts e in the columns. A later line of the same record overwrites
// the record's id and truth, and its time and segments when it has them.
func (p *Predictions) add(e *Entry) {
	p.record(e.Seq, e.ID, e.Truth, e.Time, e.Segments)
	p.prediction(e)
}

// record sets the record-level columns of record seq.
func (p *Predictions) record(seq int, id, truth, time string, segments map[string]string) {
	for p.Records <= seq {
		p.ids.grow()
		p.truths.grow()
		p.times = append(p.times, noTime)
		p.segs = append(p.segs, 0)
		p.Records++
	}
	p.ids.set(seq, id)
	p.truths.set(seq, truth)
	if time != "" {
		p.setTime(seq, time)
	}
	if segments != nil {
		p.setSegments(seq, segments)
	}
}

// prediction sets the columns of e's pipeline at e's record.
func (p *Predictions) prediction(e *Entry) *PipelinePredictions {
	pp := p.byName[e.Pipeline]
	if pp == nil {
		pp = &PipelinePredictions{Name: e.Pipeline}
		p.byName[e.Pipeline] = pp
		p.Pipelines = append(p.Pipelines, pp)
	}
	pp.grow(e.Seq + 1)
	s := e.Seq
	f := flagLine
	if e.Unparseable {
		f |= flagUnparseable
	}
	if e.Cached {
		f |= flagCached
	}
	pp.flags[s], pp.latency[s] = f, e.LatencyMS
	pp.setLabel(s, e.Label)
	pp.setCost(s, e.Cost)
	pp.setScore(s, e.Score)
	pp.setErr(s, e.Error)
	return pp
}

// sized is an empty pipeline's columns with room for n records.
func sized(name string, n int) *PipelinePredictions {
	return &PipelinePredictions{Name: name, flags: make([]uint8, 0, n), labels: sizedCodes(n), latency: make([]float64, 0, n)}
}

// grow extends the columns with zeros to n records.
func (pp *PipelinePredictions) grow(n int) {
	for len(pp.flags) < n {
		pp.flags = append(pp.flags, 0)
		pp.labels.grow()
		if pp.scores != nil {
			pp.scores = append(pp.scores, 0)
		}
		if pp.costs != nil {
			pp.costs = append(pp.costs, 0)
		}
		pp.latency = append(pp.latency, 0)
	}
}

// Collector builds a replay's Predictions as the replay writes its journal,
// so that nothing after the replay parses the journal again: its columns
// equal ReadPredictions of that journal. Each distinct error and set of
// segment values is stored once, and truths and labels as codes, so that a
// million records cost their columns' numbers and not a string or a map
// each, and hold few pointers for the collector to scan.
type Collector struct {
	p        *Predictions
	expect   int
	segments []string
	strs     map[string]string
	combos   map[string]uint32 // the index of each set of segment values in p.combos, by the values
	key      []byte
}

// internLimit bounds how many distinct strings a Collector shares; past it
// (free-text labels, say) a string is kept as it comes.
const internLimit = 1 << 16

// NewCollector returns a collector for records whose segment columns are
// segments (in the order Record receives their values). expect, when
// positive, is how many records the replay is expected to hold: the
// columns are sized for them at once, instead of growing by doubling
// (which at a million records holds up to twice the memory and copies it).
func NewCollector(segments []string, expect int) *Collector {
	p := &Predictions{byName: map[string]*PipelinePredictions{}}
	expect = max(0, expect)
	if expect > 0 {
		p.ids, p.truths, p.times = sizedIDs(expect), sizedCodes(expect), make([]int64, 0, expect)
		p.segs = make([]uint32, 0, expect)
	}
	return &Collector{p: p, expect: expect, segments: segments, strs: map[string]string{}, combos: map[string]uint32{}}
}

func (c *Collector) intern(s string) string {
	if v, ok := c.strs[s]; ok {
		return v
	}
	if len(c.strs) < internLimit {
		c.strs[s] = s
	}
	return s
}

// Record sets record seq's id, truth, time (RFC 3339, "" when unknown) and
// segment values (one per segment column, in order).
func (c *Collector) Record(seq int, id, truth, time string, values []string) {
	c.p.record(seq, id, truth, time, nil)
	if len(c.segments) == 0 {
		return
	}
	c.key = c.key[:0]
	for _, v := range values {
		c.key = append(append(c.key, v...), 0)
	}
	k, ok := c.combos[string(c.key)]
	if !ok {
		segs := make(map[string]string, len(c.segments))
		for i, col := range c.segments {
			segs[col] = values[i]
		}
		c.p.setSegments(seq, segs)
		c.combos[string(c.key)] = c.p.segs[seq]
		return
	}
	c.p.segs[seq] = k
}

// Add puts one prediction in its pipeline's columns (the record-level
// fields of e are ignored: Record sets them).
func (c *Collector) Add(e *Entry) {
	col := *e
	col.Error = c.intern(e.Error)
	if c.expect > 0 && c.p.byName[e.Pipeline] == nil {
		c.p.byName[e.Pipeline] = sized(e.Pipeline, c.expect)
		c.p.Pipelines = append(c.p.Pipelines, c.p.byName[e.Pipeline])
	}
	pp := c.p.prediction(&col)
	if e.Text != "" || e.Raw != "" || len(e.Fields) > 0 || e.InputTokens > 0 || e.OutputTokens > 0 || e.Attempts > 0 {
		pp.Answers = true
	}
}

// Latencies are the named pipeline's latencies in milliseconds so far, by
// seq (nil before its first line): the collector's own column, to read and
// not to change.
func (c *Collector) Latencies(pipeline string) []float64 {
	if pp := c.p.byName[pipeline]; pp != nil {
		return pp.latency
	}
	return nil
}

// Predictions are the columns so far, every pipeline's as long as the
// records. The segment maps are shared between records: read them, never
// change them.
func (c *Collector) Predictions() *Predictions {
	for _, pp := range c.p.Pipelines {
		pp.grow(c.p.Records)
	}
	return c.p
}
