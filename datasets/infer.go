package datasets

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// InferCSVTypes reads a delimited text file once and returns the type of
// each of its columns by name, the way CSVReader reads them when no type is
// declared. Over the whole column, ignoring empty cells and rows that do not
// parse:
//
//   - number, when every cell is a number as ParseCell reads one (a plain
//     decimal; not "007", "+1" or hexadecimal), a NaN or infinity literal
//     (read as float NaN and ±Inf, never dropped), or a missing marker (NA,
//     N/A, n/a, NULL, null: read as missing), and at least one is not a
//     marker;
//   - bool, when every cell is true or false in any case, or a missing
//     marker, and at least one is not;
//   - string otherwise: every cell is kept as its text, so "false", "007"
//     and "7" in one column all stay text.
//
// The answer is cached for the life of the process, keyed by the file's
// absolute path, size and modification time, so that the several readings
// of one run scan the file once, and a changed file is scanned again.
func InferCSVTypes(path string, comma rune) (map[string]Type, error) {
	columns, kinds, err := inferCached(path, comma)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Type, len(columns))
	for i, c := range columns {
		out[c] = kinds[i]
	}
	return out, nil
}

// inference is the cached result of one scan.
type inference struct {
	size    int64
	modTime time.Time
	columns []string
	types   []Type
}

// inferKey identifies a file read with one delimiter.
type inferKey struct {
	path  string
	comma rune
}

var (
	inferMu    sync.Mutex
	inferCache = map[inferKey]*inferSlot{}
	// inferScans counts the scans done, for tests of the cache.
	inferScans atomic.Int64
)

// inferSlot holds the latest scan of one file; its lock makes a second
// reader of the file wait for the scan under way rather than repeat it,
// without holding up the readers of other files.
type inferSlot struct {
	mu  sync.Mutex
	res *inference
}

// inferCached returns the header and the inferred types of a file, from
// the cache when the file's size and modification time are unchanged.
func inferCached(path string, comma rune) ([]string, []Type, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, nil, fmt.Errorf("infer column types of %q: %w", path, err)
	}
	key := inferKey{abs, comma}
	inferMu.Lock()
	slot := inferCache[key]
	if slot == nil {
		slot = &inferSlot{}
		inferCache[key] = slot
	}
	inferMu.Unlock()

	slot.mu.Lock()
	defer slot.mu.Unlock()
	st, err := os.Stat(abs)
	if err != nil {
		return nil, nil, fmt.Errorf("infer column types: %w", err)
	}
	if c := slot.res; c != nil && c.size == st.Size() && c.modTime.Equal(st.ModTime()) {
		return c.columns, c.types, nil
	}
	columns, kinds, err := scanTypes(abs, comma)
	if err != nil {
		return nil, nil, err
	}
	inferScans.Add(1)
	slot.res = &inference{size: st.Size(), modTime: st.ModTime(), columns: columns, types: kinds}
	return columns, kinds, nil
}

// columnScan is what the scan has learnt of one column.
type columnScan struct {
	number, boolean bool // every cell so far could be one
	seen            bool // a cell other than empty or a missing marker
}

// scanTypes reads the whole file and infers each column's type. A column
// is dropped from consideration as soon as it can only be string, and the
// scan stops early once every column is.
func scanTypes(path string, comma rune) ([]string, []Type, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("infer column types: %w", err)
	}
	defer f.Close()
	r, columns, err := newCSV(f, comma)
	if err != nil {
		return nil, nil, fmt.Errorf("infer column types of %q: %w", path, err)
	}
	scans := make([]columnScan, len(columns))
	open := len(columns) // columns that could still be numbers or bools
	for i := range scans {
		scans[i] = columnScan{number: true, boolean: true}
	}
	for open > 0 {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			continue // a malformed row is the reader's to report
		}
		if err != nil {
			return nil, nil, fmt.Errorf("infer column types of %q: %w", path, err)
		}
		for i, cell := range row {
			if sc := &scans[i]; (sc.number || sc.boolean) && !sc.observe(cell) {
				open--
			}
		}
	}
	kinds := make([]Type, len(columns))
	for i, sc := range scans {
		kinds[i] = sc.result()
	}
	return columns, kinds, nil
}

// observe folds one cell into the scan; it returns false once the column
// can only be string.
func (sc *columnScan) observe(cell string) bool {
	if cell == "" || isMissingMarker(cell) {
		return true
	}
	sc.seen = true
	if sc.number && !isNumberCell(cell) {
		sc.number = false
	}
	if sc.boolean && !(len(cell) <= 5 && (strings.EqualFold(cell, "true") || strings.EqualFold(cell, "false"))) {
		sc.boolean = false
	}
	return sc.number || sc.boolean
}

// result is the column's type once every cell was observed.
func (sc *columnScan) result() Type {
	switch {
	case !sc.seen:
		return TypeString // nothing but empty cells and markers: nothing to read as a number
	case sc.number:
		return TypeNumber
	case sc.boolean:
		return TypeBool
	}
	return TypeString
}

// isNumberCell reports whether a cell is a number in an inferred number
// column: one that ParseCell reads as a float64, or a NaN or infinity
// literal. It checks the decimal grammar by hand, so that the scan rarely
// needs strconv.
func isNumberCell(s string) bool {
	ok, exponent := decimalShape(s)
	if !ok {
		_, ok := nonFinite(s)
		return ok
	}
	if !exponent && len(s) < 300 {
		return true // fewer than 300 digits and no exponent: finite, no need to parse
	}
	_, ok = ParseCell(s).(float64)
	return ok
}

// decimalShape reports whether s is -?(digits[.digits*]|.digits)([eE][+-]?digits)?
// with no redundant leading zero: the numbers ParseCell accepts, before the
// check that the value is finite. exponent says whether s has one.
func decimalShape(s string) (ok, exponent bool) {
	i, n := 0, len(s)
	if i < n && s[i] == '-' {
		i++
	}
	start := i
	for i < n && isDigit(s[i]) {
		i++
	}
	intDigits := i - start
	if intDigits > 1 && s[start] == '0' {
		return false, false // "007"
	}
	fracDigits := 0
	if i < n && s[i] == '.' {
		i++
		for i < n && isDigit(s[i]) {
			i++
			fracDigits++
		}
	}
	if intDigits == 0 && fracDigits == 0 {
		return false, false
	}
	if i < n && (s[i] == 'e' || s[i] == 'E') {
		exponent = true
		i++
		if i < n && (s[i] == '+' || s[i] == '-') {
			i++
		}
		expStart := i
		for i < n && isDigit(s[i]) {
			i++
		}
		if i == expStart {
			return false, true
		}
	}
	return i == n, exponent
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// newCSV returns a csv.Reader over f, past a byte order mark and the header
// row, and the column names (an unnamed column gets column_N).
func newCSV(f *os.File, comma rune) (*csv.Reader, []string, error) {
	br := bufio.NewReaderSize(f, 256<<10)
	if head, err := br.Peek(len(utf8BOM)); err == nil && bytes.Equal(head, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
	}
	r := csv.NewReader(br)
	r.Comma = comma
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, errors.New("file is empty, want a header row")
		}
		return nil, nil, fmt.Errorf("read header: %w", err)
	}
	columns := make([]string, len(header))
	seen := make(map[string]bool, len(header))
	for i, name := range header {
		if name == "" {
			// An unnamed column (the index pandas writes first, say) gets
			// a name from its position, so the file stays readable.
			name = fmt.Sprintf("column_%d", i+1)
		}
		if seen[name] {
			return nil, nil, fmt.Errorf("header names column %q twice", name)
		}
		seen[name] = true
		columns[i] = name
	}
	r.FieldsPerRecord = len(columns)
	return r, columns, nil
}
