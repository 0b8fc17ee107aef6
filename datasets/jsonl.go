package datasets

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

func init() {
	RegisterFormat("jsonl", []string{".jsonl", ".ndjson"}, func(path string) (Reader, error) { return OpenJSONL(path) })
}

// JSONLReader streams a file of JSON objects, one per line. Blank lines are
// skipped. Numbers become float64, nested objects map[string]any and arrays
// []any; null is nil.
//
// The columns are the keys of the first object, in the order they appear in
// the file. Later objects may carry other keys: they are kept in the record's
// Fields but not listed by Columns; a key they lack is simply absent.
type JSONLReader struct {
	path    string
	f       *os.File
	br      *bufio.Reader
	line    int
	columns []string
	pending *Record // the first record, read by OpenJSONL to learn the columns
	buf     []byte
	// maxLine bounds a line (Limits.MaxRecordBytes; the default until
	// SetLimits).
	maxLine int
	fieldPool
}

var (
	_ Reader        = (*JSONLReader)(nil)
	_ LimitedReader = (*JSONLReader)(nil)
)

// SetLimits bounds the lines read after it by l's record limit: a longer
// line is skipped without being held whole, as a *RowError. The first
// line, read by OpenJSONL to learn the columns, is bounded by the default.
func (j *JSONLReader) SetLimits(l Limits) { j.maxLine = l.record() }

// OpenJSONL opens a JSON Lines file and reads its first object to learn the
// columns. A first object that does not parse is an error.
func OpenJSONL(path string) (*JSONLReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open dataset %q: %w", path, err)
	}
	j := &JSONLReader{path: path, f: f, br: bufio.NewReaderSize(f, 256<<10), maxLine: DefaultMaxRecordBytes}
	if head, err := j.br.Peek(len(utf8BOM)); err == nil && bytes.Equal(head, utf8BOM) {
		_, _ = j.br.Discard(len(utf8BOM))
	}
	rec, raw, err := j.next()
	switch {
	case errors.Is(err, io.EOF):
		j.columns = []string{}
		return j, nil
	case err != nil:
		f.Close()
		return nil, fmt.Errorf("open dataset %q: %w", path, err)
	}
	if j.columns, err = objectKeys(raw); err != nil {
		f.Close()
		return nil, fmt.Errorf("open dataset %q: %w", path, &RowError{File: path, Line: rec.Line, Err: err})
	}
	j.pending = &rec
	return j, nil
}

// Columns returns the keys of the file's first object, in file order.
func (j *JSONLReader) Columns() []string { return j.columns }

// Next returns the next object, or io.EOF after the last one. A line that is
// not a JSON object yields a *RowError; the following call continues with the
// next line.
func (j *JSONLReader) Next() (Record, error) {
	if j.pending != nil {
		rec := *j.pending
		j.pending = nil
		return rec, nil
	}
	rec, _, err := j.next()
	return rec, err
}

// next reads the next non-blank line and decodes it; it also returns the
// line's bytes, valid until the following call.
func (j *JSONLReader) next() (Record, []byte, error) {
	for {
		raw, err := j.readLine()
		var long *longLine
		if errors.As(err, &long) {
			j.line++
			return Record{}, nil, &RowError{File: j.path, Line: j.line, Column: long.column,
				Err: fmt.Errorf("a line of more than %d bytes, over the limit a record may hold (max_record_bytes)", j.maxLine)}
		}
		if err != nil {
			return Record{}, nil, err
		}
		j.line++
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 {
			continue
		}
		if raw[0] != '{' {
			return Record{}, nil, &RowError{File: j.path, Line: j.line, Err: errors.New("want a JSON object")}
		}
		fields := j.get(len(j.columns))
		if err := json.Unmarshal(raw, &fields); err != nil {
			return Record{}, nil, &RowError{File: j.path, Line: j.line, Err: fmt.Errorf("invalid JSON: %w", err)}
		}
		return Record{Line: j.line, Fields: fields}, raw, nil
	}
}

// longLine is readLine's error for a line over the limit, with the key
// whose value was being read when the line crossed it ("" when unknown).
type longLine struct{ column string }

func (e *longLine) Error() string { return "line too long" }

// readLine returns the next line without its newline, up to maxLine bytes;
// a longer line is read to its end without being kept, and is a *longLine.
func (j *JSONLReader) readLine() ([]byte, error) {
	j.buf = j.buf[:0]
	for {
		chunk, err := j.br.ReadSlice('\n')
		if len(j.buf)+len(chunk) > j.maxLine {
			long := &longLine{column: lastKey(append(j.buf, chunk[:max(0, j.maxLine-len(j.buf))]...))}
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = j.br.ReadSlice('\n')
			}
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("read dataset %q: %w", j.path, err)
			}
			return nil, long
		}
		j.buf = append(j.buf, chunk...)
		switch {
		case err == nil:
			return j.buf, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if len(j.buf) > 0 {
				return j.buf, nil
			}
			return nil, io.EOF
		default:
			return nil, fmt.Errorf("read dataset %q: %w", j.path, err)
		}
	}
}

// lastKey is the last top-level key of the start of a JSON object, the one
// whose value the object was cut in ("" when there is none).
func lastKey(prefix []byte) string {
	dec := json.NewDecoder(bytes.NewReader(prefix))
	if _, err := dec.Token(); err != nil {
		return ""
	}
	key := ""
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return key
		}
		k, ok := tok.(string)
		if !ok {
			return key
		}
		key = k
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return key
		}
	}
	return key
}

// objectKeys returns the top-level keys of a JSON object in document order,
// walking it with json.Decoder.Token (maps lose the order).
func objectKeys(raw []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // the opening '{'
		return nil, err
	}
	var keys []string
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("unexpected %v where an object key belongs", tok)
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
		if !seen[key] {
			seen[key] = true
			keys = append(keys, key)
		}
	}
	return keys, nil
}

// Close closes the file.
func (j *JSONLReader) Close() error { return j.f.Close() }
