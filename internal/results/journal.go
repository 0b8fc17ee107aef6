package results

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// Entry is one line of a run's journal (predictions.jsonl): one pipeline's
// prediction for one record. The field names are part of the run folder's
// documented format (README, "The run folder"). The lines of a record are
// consecutive; a replay writes the record's own fields — id, truth, time,
// segments — on its first line only (AppendEntryRecord), and ReadJournal
// gives every entry of the record those of the record's first line where
// its own line has none.
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

// AppendEntry appends the journal line of e, with its newline, to dst. The
// line decodes to the same Entry as encoding/json's encoding of e, except
// that a NaN or infinite number, which JSON cannot hold, is written as null
// (so a NaN score reads back as no score). It uses no reflection and
// allocates only for Fields.
func AppendEntry(dst []byte, e *Entry) []byte {
	dst = appendPrediction(dst, e, true)
	if e.Time != "" {
		dst = append(dst, `,"time":`...)
		dst = appendString(dst, e.Time)
	}
	if len(e.Segments) > 0 {
		names := make([]string, 0, 8)
		for k := range e.Segments {
			names = append(names, k)
		}
		slices.Sort(names)
		dst = append(dst, `,"segments":{`...)
		for i, k := range names {
			dst = appendSegment(dst, i, k, e.Segments[k])
		}
		dst = append(dst, '}')
	}
	return append(dst, "}\n"...)
}

// AppendEntryRecord is AppendEntry for a replay, which writes the lines of
// a record one after the other: the first (first true) carries the
// record's id and truth, and its time and segments already encoded in
// record (by AppendRecordTime and AppendRecordSegments, or nothing); the
// others leave all four out, for ReadJournal to take from the first. That
// halves the journal (a line of the shipped example took 187 bytes). It
// ignores e.Time and e.Segments, does not allocate unless e has Fields, and
// does not keep e.
func AppendEntryRecord(dst []byte, e *Entry, record []byte, first bool) []byte {
	dst = appendPrediction(dst, e, first)
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

// AppendRecordSegments appends the record-level "segments" field of a
// journal line, names[i] holding values[i], for AppendEntryRecord. It
// appends nothing when there are no names.
func AppendRecordSegments(dst []byte, names, values []string) []byte {
	if len(names) == 0 {
		return dst
	}
	dst = append(dst, `,"segments":{`...)
	for i, k := range names {
		dst = appendSegment(dst, i, k, values[i])
	}
	return append(dst, '}')
}

func appendSegment(dst []byte, i int, name, value string) []byte {
	if i > 0 {
		dst = append(dst, ',')
	}
	dst = appendString(dst, name)
	dst = append(dst, ':')
	return appendString(dst, value)
}

// appendPrediction appends the opening brace and the fields of e up to,
// not including, the time and the segments; the id and the truth only with
// record.
func appendPrediction(dst []byte, e *Entry, record bool) []byte {
	dst = append(dst, `{"seq":`...)
	dst = strconv.AppendInt(dst, int64(e.Seq), 10)
	if record {
		dst = append(dst, `,"id":`...)
		dst = appendString(dst, e.ID)
	}
	dst = append(dst, `,"pipeline":`...)
	dst = appendString(dst, e.Pipeline)
	if record {
		dst = append(dst, `,"truth":`...)
		dst = appendString(dst, e.Truth)
	}
	dst = append(dst, `,"label":`...)
	dst = appendString(dst, e.Label)
	if e.Score != nil {
		dst = append(dst, `,"score":`...)
		dst = appendFloat(dst, *e.Score)
	}
	dst = append(dst, `,"latency_ms":`...)
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

// DecodeEntry decodes one journal line. A line without a pipeline or with
// a negative seq is not an entry.
func DecodeEntry(line []byte) (Entry, error) {
	var e Entry
	if err := json.Unmarshal(line, &e); err != nil {
		return Entry{}, err
	}
	if e.Pipeline == "" {
		return Entry{}, errors.New("no pipeline")
	}
	if e.Seq < 0 {
		return Entry{}, fmt.Errorf("negative seq %d", e.Seq)
	}
	return e, nil
}

// ReadJournal calls fn with every entry of a journal, in file order, and
// stops at fn's first error, which it returns as it is. A torn last line —
// one without its newline, left by a process killed mid-write — is ignored
// when it does not decode; any other line that does not decode is an error
// naming its line number.
func ReadJournal(r io.Reader, fn func(Entry) error) error {
	n := 0
	var rec recordFields
	return eachLine(r, func(line []byte) error {
		n++
		e, err := DecodeEntry(line)
		if err != nil {
			if line[len(line)-1] != '\n' {
				return nil
			}
			return fmt.Errorf("journal line %d: %w", n, err)
		}
		rec.fill(&e)
		return fn(e)
	})
}

// recordFields are the record-level fields of the journal's latest record,
// which its later lines leave out (AppendEntryRecord).
type recordFields struct {
	seq             int
	set             bool
	id, truth, time string
	segments        map[string]string
}

// fill gives e the fields of its record's first line where e has none, or
// takes them from e when it is the first line of a record.
func (r *recordFields) fill(e *Entry) {
	if !r.set || e.Seq != r.seq {
		*r = recordFields{seq: e.Seq, set: true, id: e.ID, truth: e.Truth, time: e.Time, segments: e.Segments}
		return
	}
	e.ID, e.Truth, e.Time = cmp.Or(e.ID, r.id), cmp.Or(e.Truth, r.truth), cmp.Or(e.Time, r.time)
	if e.Segments == nil {
		e.Segments = r.segments
	}
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
// byte offset at which each record's lines end. Reading stops at the first
// line that is torn, does not decode, or is out of order: what follows it
// is not a complete record.
func JournalRecords(r io.Reader, pipes []string) (entries [][]Entry, ends []int64, err error) {
	if len(pipes) == 0 {
		return nil, nil, nil
	}
	var cur []Entry
	var offset int64
	var rec recordFields
	err = eachLine(r, func(line []byte) error {
		if line[len(line)-1] != '\n' {
			return errStop
		}
		e, err := DecodeEntry(line)
		if err != nil || e.Seq != len(entries) || e.Pipeline != pipes[len(cur)] {
			return errStop
		}
		rec.fill(&e)
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
