package results

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// Entry is one pipeline's prediction for one record, as a run's journal
// (predictions.jsonl) records it. The journal's format is documented in the
// README ("The run folder"); the field names below are those of the
// journals written before its header (format 1), which every reader still
// reads: a line that stands alone, with the pipeline's name and every
// field of its record.
type Entry struct {
	// Seq is the record's position in the replay, from 0.
	Seq int `json:"seq"`
	// ID is the record's id.
	ID string `json:"id"`
	// Pipeline is the pipeline's name.
	Pipeline string `json:"pipeline"`
	// Truth is the record's label, in canonical form.
	Truth string `json:"truth"`
	// Label is the pipeline's decision ("" when it failed or gave none).
	Label string `json:"label"`
	// Score is the pipeline's score, when it gave one.
	Score *float64 `json:"score,omitempty"`
	// LatencyMS is the latency in milliseconds.
	LatencyMS float64 `json:"latency_ms"`
	// Cost is the cost of the decision (a journal line leaves it out when
	// it is zero).
	Cost float64 `json:"cost,omitempty"`
	// Error is the failure, when the pipeline failed.
	Error string `json:"error,omitempty"`
	// Unparseable marks an answer that could not be parsed.
	Unparseable bool `json:"unparseable,omitempty"`
	// Text and Fields are free-text and structured answers.
	Text   string         `json:"text,omitempty"`
	Fields map[string]any `json:"fields,omitempty"`
	// Raw is the model's raw answer.
	Raw string `json:"raw,omitempty"`
	// InputTokens and OutputTokens are the token usage.
	InputTokens  int `json:"input_tokens,omitempty"`
	OutputTokens int `json:"output_tokens,omitempty"`
	// Cached marks an answer from the response cache.
	Cached bool `json:"cached,omitempty"`
	// Attempts counts the calls made, retries included.
	Attempts int `json:"attempts,omitempty"`
	// Time is the record's time column, in RFC 3339, when the dataset has one.
	Time string `json:"time,omitempty"`
	// Segments holds the record's segment columns, by name.
	Segments map[string]string `json:"segments,omitempty"`
}

// JournalFormat is the format of the journal lines this version writes.
// Format 2 opens each attempt's lines with a header naming the pipelines
// and the segment columns (AppendJournalHeader); a prediction line gives
// its pipeline by number in the header ("p"), its latency as "ms" and its
// record's segment values as a list in the header's order ("seg"), and
// only the first line of a record carries the record's fields — "seq",
// "id", "truth", "time", "seg" —, the record's other lines following it.
// About 60 bytes a prediction for a local pipeline, against 187 for the
// self-contained lines of format 1.
const JournalFormat = 2

// AppendJournalHeader appends the header line that opens an attempt's
// journal lines: the format, the pipelines (a line's "p" is a position in
// this list) and the segment columns (a line's "seg" holds their values
// in this order).
func AppendJournalHeader(dst []byte, pipelines, segments []string) []byte {
	dst = append(dst, `{"journal":`...)
	dst = strconv.AppendInt(dst, JournalFormat, 10)
	dst = append(dst, `,"pipelines":`...)
	dst = appendStrings(dst, pipelines)
	dst = append(dst, `,"segment_columns":`...)
	dst = appendStrings(dst, segments)
	return append(dst, "}\n"...)
}

// appendStrings appends ss as a JSON list of strings.
func appendStrings(dst []byte, ss []string) []byte {
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, s)
	}
	return append(dst, ']')
}

// AppendEntryRecord appends the journal line of e, pipeline number pipe of
// the header, with its newline, to dst. The lines of a record are written
// one after the other: the first (first true) carries the record's seq, id
// and truth, and its time and segment values already encoded in record (by
// AppendRecordTime and AppendRecordSegments, or nothing); the others leave
// all of them out, for ReadJournal to take from the first. A NaN or
// infinite number, which JSON cannot hold, is written as null (so a NaN
// score reads back as no score). It ignores e.Pipeline, e.Time and
// e.Segments, uses no reflection, allocates only for Fields, and does not
// keep e.
func AppendEntryRecord(dst []byte, e *Entry, pipe int, record []byte, first bool) []byte {
	dst = append(dst, '{')
	if first {
		dst = append(dst, `"seq":`...)
		dst = strconv.AppendInt(dst, int64(e.Seq), 10)
		dst = append(dst, `,"id":`...)
		dst = appendString(dst, e.ID)
		dst = append(dst, ',')
	}
	dst = append(dst, `"p":`...)
	dst = strconv.AppendInt(dst, int64(pipe), 10)
	if first {
		dst = append(dst, `,"truth":`...)
		dst = appendString(dst, e.Truth)
	}
	dst = appendPrediction(dst, e, `,"ms":`)
	if first {
		dst = append(dst, record...)
	}
	return append(dst, "}\n"...)
}

// AppendRecordTime appends the record-level "time" field of a journal line,
// t in UTC and RFC 3339, for AppendEntryRecord.
func AppendRecordTime(dst []byte, t time.Time) []byte {
	dst = append(dst, `,"time":"`...)
	dst = t.UTC().AppendFormat(dst, time.RFC3339)
	return append(dst, '"')
}

// AppendRecordSegments appends the record-level "seg" field of a journal
// line, the values of the header's segment columns in order, for
// AppendEntryRecord. It appends nothing when there are no segment columns.
func AppendRecordSegments(dst []byte, values []string) []byte {
	if len(values) == 0 {
		return dst
	}
	return appendStrings(append(dst, `,"seg":`...), values)
}

// appendPrediction appends the fields of e from its label on, latency
// under the key latency (with its quotes, comma and colon).
func appendPrediction(dst []byte, e *Entry, latency string) []byte {
	dst = append(dst, `,"label":`...)
	dst = appendString(dst, e.Label)
	if e.Score != nil {
		dst = append(dst, `,"score":`...)
		dst = appendFloat(dst, *e.Score)
	}
	dst = append(dst, latency...)
	dst = appendFloat(dst, e.LatencyMS)
	if e.Cost != 0 {
		dst = append(dst, `,"cost":`...)
		dst = appendFloat(dst, e.Cost)
	}
	dst = appendOptionalString(dst, `,"error":`, e.Error)
	if e.Unparseable {
		dst = append(dst, `,"unparseable":true`...)
	}
	dst = appendOptionalString(dst, `,"text":`, e.Text)
	if len(e.Fields) > 0 {
		b, err := json.Marshal(e.Fields)
		if err != nil {
			b = []byte("null")
		}
		dst = append(dst, `,"fields":`...)
		dst = append(dst, b...)
	}
	dst = appendOptionalString(dst, `,"raw":`, e.Raw)
	dst = appendOptionalInt(dst, `,"input_tokens":`, e.InputTokens)
	dst = appendOptionalInt(dst, `,"output_tokens":`, e.OutputTokens)
	if e.Cached {
		dst = append(dst, `,"cached":true`...)
	}
	return appendOptionalInt(dst, `,"attempts":`, e.Attempts)
}

// appendOptionalString appends key and s unless s is empty (omitempty).
func appendOptionalString(dst []byte, key, s string) []byte {
	if s == "" {
		return dst
	}
	return appendString(append(dst, key...), s)
}

// appendOptionalInt appends key and n unless n is 0 (omitempty).
func appendOptionalInt(dst []byte, key string, n int) []byte {
	if n == 0 {
		return dst
	}
	return strconv.AppendInt(append(dst, key...), int64(n), 10)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaped as encoding/json does
// (invalid UTF-8 becomes U+FFFD, U+2028 and U+2029 are escaped) except that
// <, > and &, which JSON allows, are written as they are.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = appendEscapedByte(append(dst, s[start:i]...), c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(append(dst, s[start:i]...), `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(append(dst, s[start:i]...), '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendEscapedByte appends the JSON escape of an ASCII byte that needs one.
func appendEscapedByte(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	}
	return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}

// appendFloat appends f as a JSON number; NaN and infinities, which JSON
// cannot hold, become null.
func appendFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	return strconv.AppendFloat(dst, f, 'g', -1, 64)
}

// journalLine is a journal line as it is written, in either format: a
// header, a line of format 2 (with "p") or a line of format 1 (the
// embedded Entry's keys). Seq, at the outer level, shadows Entry's.
type journalLine struct {
	Journal        int      `json:"journal"`
	Pipelines      []string `json:"pipelines"`
	SegmentColumns []string `json:"segment_columns"`
	Seq            *int     `json:"seq"`
	P              *int     `json:"p"`
	MS             *float64 `json:"ms"`
	Seg            []string `json:"seg"`
	Entry
}

// journalDecoder reads journal lines in file order: the latest header, and
// the record-level fields of the latest record, which the record's later
// lines leave out.
type journalDecoder struct {
	pipelines, segments []string
	headed              bool
	// combos holds each set of segment values once, by the values.
	combos map[string]map[string]string
	key    []byte
	rec    recordFields
}

// recordFields are the record-level fields of the latest record.
type recordFields struct {
	seq             int
	set             bool
	id, truth, time string
	segments        map[string]string
}

// decode reads one line: an entry, or header true for a header line.
func (d *journalDecoder) decode(line []byte) (e Entry, header bool, err error) {
	var l journalLine
	if err := json.Unmarshal(line, &l); err != nil {
		return Entry{}, false, err
	}
	switch {
	case l.Journal != 0:
		if l.Journal > JournalFormat {
			return Entry{}, true, fmt.Errorf("journal format %d, newer than this poc's (%d): read it with a newer poc", l.Journal, JournalFormat)
		}
		d.pipelines, d.segments, d.headed = l.Pipelines, l.SegmentColumns, true
		d.combos = nil // keyed by values alone: another header's columns make other maps
		return Entry{}, true, nil
	case l.P != nil:
		e, err = d.compact(&l)
	default:
		e, err = d.standalone(&l)
	}
	return e, false, err
}

// compact reads a line of format 2.
func (d *journalDecoder) compact(l *journalLine) (Entry, error) {
	e := l.Entry
	if !d.headed {
		return Entry{}, errors.New(`a line with a pipeline number ("p") before any header`)
	}
	if p := *l.P; p < 0 || p >= len(d.pipelines) {
		return Entry{}, fmt.Errorf("pipeline number %d, where the header names %d pipelines", p, len(d.pipelines))
	}
	e.Pipeline = d.pipelines[*l.P]
	if l.MS != nil {
		e.LatencyMS = *l.MS
	}
	if l.Seq == nil { // a record's later line
		if !d.rec.set {
			return Entry{}, errors.New("a line without a seq before any record's first line")
		}
		e.Seq = d.rec.seq
		d.rec.give(&e)
		return e, nil
	}
	if e.Seq = *l.Seq; e.Seq < 0 {
		return Entry{}, fmt.Errorf("negative seq %d", e.Seq)
	}
	if l.Seg != nil {
		if len(l.Seg) != len(d.segments) {
			return Entry{}, fmt.Errorf("%d segment values, where the header names %d segment columns", len(l.Seg), len(d.segments))
		}
		e.Segments = d.combo(l.Seg)
	}
	d.rec = recordFields{seq: e.Seq, set: true, id: e.ID, truth: e.Truth, time: e.Time, segments: e.Segments}
	return e, nil
}

// combo is the map of the header's segment columns to values, one map for
// each set of values (the entries share it: read it, do not change it).
func (d *journalDecoder) combo(values []string) map[string]string {
	d.key = d.key[:0]
	for _, v := range values {
		d.key = append(append(d.key, v...), 0)
	}
	if m, ok := d.combos[string(d.key)]; ok {
		return m
	}
	m := make(map[string]string, len(values))
	for i, v := range values {
		m[d.segments[i]] = v
	}
	if d.combos == nil {
		d.combos = map[string]map[string]string{}
	}
	if len(d.combos) < internLimit {
		d.combos[string(d.key)] = m
	}
	return m
}

// standalone reads a line of format 1: a line with its pipeline's name,
// whose record's fields are on the record's first line at least.
func (d *journalDecoder) standalone(l *journalLine) (Entry, error) {
	e := l.Entry
	if l.Seq != nil {
		e.Seq = *l.Seq
	}
	if e.Pipeline == "" {
		return Entry{}, errors.New("no pipeline")
	}
	if e.Seq < 0 {
		return Entry{}, fmt.Errorf("negative seq %d", e.Seq)
	}
	if d.rec.set && e.Seq == d.rec.seq {
		d.rec.give(&e)
	} else {
		d.rec = recordFields{seq: e.Seq, set: true, id: e.ID, truth: e.Truth, time: e.Time, segments: e.Segments}
	}
	return e, nil
}

// give gives e the record's fields where e has none.
func (r *recordFields) give(e *Entry) {
	e.ID, e.Truth, e.Time = cmp.Or(e.ID, r.id), cmp.Or(e.Truth, r.truth), cmp.Or(e.Time, r.time)
	if e.Segments == nil {
		e.Segments = r.segments
	}
}

// ReadJournal calls fn with every entry of a journal, in file order, and
// stops at fn's first error, which it returns as it is. Every entry has
// its pipeline's name and its record's fields, whichever line carried
// them. A torn last line — one without its newline, left by a process
// killed mid-write — is ignored when it does not decode; any other line
// that does not decode is an error naming its line number.
func ReadJournal(r io.Reader, fn func(Entry) error) error {
	n := 0
	var d journalDecoder
	return eachLine(r, func(line []byte) error {
		n++
		e, header, err := d.decode(line)
		if err != nil {
			if line[len(line)-1] != '\n' {
				return nil
			}
			return fmt.Errorf("journal line %d: %w", n, err)
		}
		if header {
			return nil
		}
		return fn(e)
	})
}

// errStop ends eachLine early without an error.
var errStop = errors.New("stop")

// eachLine calls fn with every line of r, its newline included (the last
// line may have none), until fn returns an error: errStop ends it with
// none. The line is only valid during the call.
func eachLine(r io.Reader, fn func(line []byte) error) error {
	br := bufio.NewReaderSize(r, 1<<16)
	var long []byte
	for lines := 0; ; lines++ {
		line, err := br.ReadSlice('\n')
		for errors.Is(err, bufio.ErrBufferFull) {
			long = append(long, line...)
			line, err = br.ReadSlice('\n')
		}
		if len(long) > 0 {
			long = append(long, line...)
			line, long = long, long[:0]
		}
		if len(line) > 0 {
			if ferr := fn(line); errors.Is(ferr, errStop) {
				return nil
			} else if ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read journal after line %d: %w", lines, err)
		}
	}
}

// JournalPrefix reads a journal written for the named pipelines and returns
// the entries of the records it holds completely, in order from record 0,
// and the byte length of that prefix (see JournalRecords).
func JournalPrefix(r io.Reader, pipes []string) (entries [][]Entry, length int64, err error) {
	entries, ends, err := JournalRecords(r, pipes)
	if err != nil || len(ends) == 0 {
		return entries, 0, err
	}
	return entries, ends[len(ends)-1], nil
}

// JournalRecords reads a journal written for the named pipelines and
// returns the entries of the records it holds completely, in order from
// record 0 — entries[seq][p] is pipeline p's line of record seq — and the
// byte offset at which each record's lines end. Header lines between two
// records are read and skipped (a journal cut at a record's end loses the
// headers after it; the next attempt writes its own). Reading stops at the
// first line that is torn, does not decode, or is out of order: what
// follows it is not a complete record.
func JournalRecords(r io.Reader, pipes []string) (entries [][]Entry, ends []int64, err error) {
	if len(pipes) == 0 {
		return nil, nil, nil
	}
	var cur []Entry
	var offset int64
	var d journalDecoder
	err = eachLine(r, func(line []byte) error {
		if line[len(line)-1] != '\n' {
			return errStop
		}
		e, header, err := d.decode(line)
		if err == nil && header && len(cur) == 0 {
			offset += int64(len(line)) // a header, between two records
			return nil
		}
		if err != nil || header || e.Seq != len(entries) || e.Pipeline != pipes[len(cur)] {
			return errStop
		}
		cur = append(cur, e)
		offset += int64(len(line))
		if len(cur) == len(pipes) {
			entries = append(entries, cur)
			ends = append(ends, offset)
			cur = nil
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return entries, ends, nil
}
