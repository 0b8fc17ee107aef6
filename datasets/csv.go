package datasets

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
)

func init() {
	RegisterFormat("csv", []string{".csv"}, func(path string) (Reader, error) { return OpenCSV(path, ',') })
	RegisterFormat("tsv", []string{".tsv", ".tab"}, func(path string) (Reader, error) { return OpenCSV(path, '\t') })
}

// CSVReader streams a delimited text file whose first row names the columns.
// Cells are converted with ParseCell.
type CSVReader struct {
	path    string
	f       *os.File
	r       *csv.Reader
	columns []string
}

var _ Reader = (*CSVReader)(nil)

// utf8BOM is the byte order mark some spreadsheet exports put first.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// OpenCSV opens a delimited text file (comma ',' for CSV, '\t' for TSV) and
// reads its header row. Every later row must have as many fields as the
// header; a row that does not, or that has a quoting error, is reported by
// Next as a *RowError and reading can continue after it.
func OpenCSV(path string, comma rune) (*CSVReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open dataset %q: %w", path, err)
	}
	br := bufio.NewReaderSize(f, 256<<10)
	if head, err := br.Peek(len(utf8BOM)); err == nil && bytes.Equal(head, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
	}
	r := csv.NewReader(br)
	r.Comma = comma
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		f.Close()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("open dataset %q: file is empty, want a header row", path)
		}
		return nil, fmt.Errorf("open dataset %q: read header: %w", path, err)
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
			f.Close()
			return nil, fmt.Errorf("open dataset %q: header names column %q twice", path, name)
		}
		seen[name] = true
		columns[i] = name
	}
	r.FieldsPerRecord = len(columns)
	return &CSVReader{path: path, f: f, r: r, columns: columns}, nil
}

// Columns returns the header's column names.
func (c *CSVReader) Columns() []string { return c.columns }

// Next returns the next row, or io.EOF after the last one. A malformed row
// yields a *RowError; the following call continues with the next row.
func (c *CSVReader) Next() (Record, error) {
	row, err := c.r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return Record{}, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			line := pe.StartLine
			if line == 0 {
				line = pe.Line
			}
			inner := pe.Err
			if errors.Is(inner, csv.ErrFieldCount) {
				inner = fmt.Errorf("%w: got %d, want %d as in the header", csv.ErrFieldCount, len(row), len(c.columns))
			}
			return Record{}, &RowError{File: c.path, Line: line, Err: inner}
		}
		return Record{}, fmt.Errorf("read dataset %q: %w", c.path, err)
	}
	line, _ := c.r.FieldPos(0)
	fields := make(map[string]any, len(c.columns))
	for i, cell := range row {
		fields[c.columns[i]] = ParseCell(cell)
	}
	return Record{Line: line, Fields: fields}, nil
}

// Close closes the file.
func (c *CSVReader) Close() error { return c.f.Close() }
