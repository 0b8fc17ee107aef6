package datasets

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

func init() {
	RegisterFormat("csv", []string{".csv"}, func(path string) (Reader, error) { return OpenCSV(path, ',') })
	RegisterFormat("tsv", []string{".tsv", ".tab"}, func(path string) (Reader, error) { return OpenCSV(path, '\t') })
}

// CSVReader streams a delimited text file whose first row names the columns.
// Each column is read as one type over the whole file: the type declared
// with DeclareTypes, or else the type InferCSVTypes infers from a scan of the
// file before the first record (cached, so that reopening the file does not
// scan it again).
type CSVReader struct {
	path     string
	comma    rune
	f        *os.File
	r        *csv.Reader
	columns  []string
	declared map[string]Type
	types    []Type // per column, once resolved
	fieldPool
}

var (
	_ Reader      = (*CSVReader)(nil)
	_ TypedReader = (*CSVReader)(nil)
)

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
	r, columns, err := newCSV(f, comma)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open dataset %q: %w", path, err)
	}
	return &CSVReader{path: path, comma: comma, f: f, r: r, columns: columns}, nil
}

// Columns returns the header's column names.
func (c *CSVReader) Columns() []string { return c.columns }

// DeclareTypes makes Next read the named columns as the given types, from
// their text ("007" declared string stays "007"; declared number it is 7).
// A column not named is inferred. It must be called before the first Next;
// a name that is not a column of the file is an error.
func (c *CSVReader) DeclareTypes(types map[string]Type) error {
	if c.types != nil {
		return fmt.Errorf("dataset %q: column types declared after reading began", c.path)
	}
	for name, t := range types {
		if !slices.Contains(c.columns, name) {
			return missingColumnError(c.path, "declared column", name, c.columns)
		}
		if _, err := ParseType(string(t)); err != nil {
			return fmt.Errorf("dataset %q: column %q: %w", c.path, name, err)
		}
	}
	c.declared = types
	return nil
}

// Types returns the type each column is read as, in column order: the
// declared type, or the inferred one (which scans the file the first time).
func (c *CSVReader) Types() ([]Type, error) {
	if c.types != nil {
		return c.types, nil
	}
	kinds := make([]Type, len(c.columns))
	if len(c.declared) < len(c.columns) {
		columns, scanned, err := inferCached(c.path, c.comma)
		if err != nil {
			return nil, fmt.Errorf("read dataset %q: %w", c.path, err)
		}
		if !slices.Equal(columns, c.columns) {
			return nil, fmt.Errorf("read dataset %q: the header changed while the file was read", c.path)
		}
		copy(kinds, scanned)
	}
	for i, name := range c.columns {
		if t, ok := c.declared[name]; ok {
			kinds[i] = t
		}
	}
	c.types = kinds
	return kinds, nil
}

// Next returns the next row, or io.EOF after the last one. A malformed row,
// or a cell that is not a value of its column's type, yields a *RowError;
// the following call continues with the next row.
func (c *CSVReader) Next() (Record, error) {
	kinds, err := c.Types()
	if err != nil {
		return Record{}, err
	}
	row, err := c.r.Read()
	if err != nil {
		return Record{}, c.readError(row, err)
	}
	line, _ := c.r.FieldPos(0)
	fields := c.get(len(c.columns))
	for i, cell := range row {
		v, err := kinds[i].FromText(cell)
		if err != nil {
			return Record{}, c.cellError(i, err)
		}
		fields[c.columns[i]] = v
	}
	return Record{Line: line, Fields: fields}, nil
}

// readError turns an error of csv.Reader into io.EOF, a *RowError for a
// malformed row, or a read error.
func (c *CSVReader) readError(row []string, err error) error {
	if errors.Is(err, io.EOF) {
		return io.EOF
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
		return &RowError{File: c.path, Line: line, Err: inner}
	}
	return fmt.Errorf("read dataset %q: %w", c.path, err)
}

// cellError is the *RowError of cell i of the current row.
func (c *CSVReader) cellError(i int, err error) error {
	line, _ := c.r.FieldPos(i)
	name := c.columns[i]
	if t, ok := c.declared[name]; ok {
		err = typeError(t, err)
	} else {
		err = fmt.Errorf("%w, in a column inferred %s from the whole file: the file changed while it was read", err, c.types[i])
	}
	return &RowError{File: c.path, Line: line, Column: name, Err: err}
}

// Close closes the file.
func (c *CSVReader) Close() error { return c.f.Close() }
