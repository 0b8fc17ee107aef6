package datasets

import (
	"fmt"
	"math"
	"strings"
	"unicode"

	"github.com/xitongsys/parquet-go-source/local"
	"github.com/xitongsys/parquet-go/parquet"
	"github.com/xitongsys/parquet-go/source"
	"github.com/xitongsys/parquet-go/writer"
)

// ColumnType is the type of a column written by ParquetWriter.
type ColumnType int

// The column types ParquetWriter writes, and how they are stored.
const (
	// String is stored as BYTE_ARRAY (UTF8).
	String ColumnType = iota
	// Float is stored as DOUBLE.
	Float
	// Int is stored as INT64; ParquetReader reads it back as float64.
	Int
	// Bool is stored as BOOLEAN.
	Bool
	// Timestamp is stored as INT64 TIMESTAMP_MICROS, in UTC.
	Timestamp
)

// String returns the type's name.
func (t ColumnType) String() string {
	switch t {
	case String:
		return "string"
	case Float:
		return "float"
	case Int:
		return "int"
	case Bool:
		return "bool"
	case Timestamp:
		return "timestamp"
	}
	return fmt.Sprintf("ColumnType(%d)", int(t))
}

// Column is one column of a ParquetWriter.
type Column struct {
	// Name is the column name. It must not contain ',', '=' or spaces, and no
	// two names may differ only in the case of their first letter (limits of
	// parquet-go's schema tags).
	Name string
	// Type is how values are stored.
	Type ColumnType
}

// ParquetWriter writes rows to a Parquet file with a flat schema of OPTIONAL
// columns, Snappy-compressed. It is not safe for concurrent use.
type ParquetWriter struct {
	path string
	file source.ParquetFile
	w    *writer.CSVWriter
	cols []Column
	rows int
	buf  []any
}

// NewParquetWriter creates (or truncates) path and prepares to write rows
// with the given columns.
func NewParquetWriter(path string, cols []Column) (*ParquetWriter, error) {
	if len(cols) == 0 {
		return nil, fmt.Errorf("create parquet %q: no columns", path)
	}
	md := make([]string, len(cols))
	seen := make(map[string]string, len(cols))
	for i, c := range cols {
		if c.Name == "" || strings.ContainsAny(c.Name, ",= \t\n\x01") {
			return nil, fmt.Errorf("create parquet %q: column name %q must be non-empty without ',', '=' or spaces", path, c.Name)
		}
		internal := headToUpper(c.Name)
		if other, dup := seen[internal]; dup {
			return nil, fmt.Errorf("create parquet %q: column names %q and %q collide", path, other, c.Name)
		}
		seen[internal] = c.Name
		var kind string
		switch c.Type {
		case String:
			kind = "type=BYTE_ARRAY, convertedtype=UTF8"
		case Float:
			kind = "type=DOUBLE"
		case Int:
			kind = "type=INT64"
		case Bool:
			kind = "type=BOOLEAN"
		case Timestamp:
			kind = "type=INT64, convertedtype=TIMESTAMP_MICROS"
		default:
			return nil, fmt.Errorf("create parquet %q: column %q: unknown type %v", path, c.Name, c.Type)
		}
		md[i] = "name=" + c.Name + ", " + kind + ", repetitiontype=OPTIONAL"
	}
	file, err := local.NewLocalFileWriter(path)
	if err != nil {
		return nil, fmt.Errorf("create parquet %q: %w", path, err)
	}
	w, err := writer.NewCSVWriter(md, file, 2)
	if err != nil {
		file.Close()
		return nil, fmt.Errorf("create parquet %q: %w", path, err)
	}
	w.CompressionType = parquet.CompressionCodec_SNAPPY
	w.PageSize = 1 << 20
	w.RowGroupSize = 64 << 20
	return &ParquetWriter{path: path, file: file, w: w, cols: append([]Column(nil), cols...)}, nil
}

// headToUpper mirrors how parquet-go derives internal names from column names.
func headToUpper(s string) string {
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// Write appends one row, with one value per column in order; nil writes a
// null. String columns accept any value (in FormatValue form); Float and Int
// columns accept numbers and bools (Int requires an integral value); Bool
// columns accept bools and 0/1; Timestamp columns accept anything ParseTime
// does.
func (pw *ParquetWriter) Write(row []any) error {
	pw.rows++
	if len(row) != len(pw.cols) {
		return fmt.Errorf("write parquet %q: row %d has %d values, want %d", pw.path, pw.rows, len(row), len(pw.cols))
	}
	rec := make([]any, len(row)) // parquet-go keeps the slice until it flushes
	for i, v := range row {
		if v == nil {
			continue
		}
		out, err := toParquetValue(pw.cols[i].Type, v)
		if err != nil {
			return fmt.Errorf("write parquet %q: row %d: column %q: %w", pw.path, pw.rows, pw.cols[i].Name, err)
		}
		rec[i] = out
	}
	if err := pw.w.Write(rec); err != nil {
		return fmt.Errorf("write parquet %q: row %d: %w", pw.path, pw.rows, err)
	}
	return nil
}

// toParquetValue converts a field value to the Go type parquet-go expects for
// a column type.
func toParquetValue(t ColumnType, v any) (any, error) {
	switch t {
	case String:
		if s, ok := v.(string); ok {
			return s, nil
		}
		return FormatValue(v), nil
	case Float:
		if f, ok := v.(float64); ok {
			return f, nil
		}
		if _, isString := v.(string); !isString {
			if f, ok := ToFloat(v); ok {
				return f, nil
			}
		}
	case Int:
		switch x := v.(type) {
		case int64:
			return x, nil
		case int:
			return int64(x), nil
		case int32:
			return int64(x), nil
		case string:
		default:
			if f, ok := ToFloat(v); ok && f == math.Trunc(f) && math.Abs(f) < 1<<63 {
				return int64(f), nil
			}
		}
	case Bool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		if f, ok := ToFloat(v); ok && (f == 0 || f == 1) {
			return f == 1, nil
		}
	case Timestamp:
		tm, err := ParseTime(v)
		if err != nil {
			return nil, err
		}
		return tm.UnixMicro(), nil
	}
	return nil, fmt.Errorf("cannot store %v (%T) in a %v column", v, v, t)
}

// Close writes the footer and closes the file. The file is complete only
// after Close returns nil.
func (pw *ParquetWriter) Close() error {
	err := pw.w.WriteStop()
	if cerr := pw.file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("close parquet %q: %w", pw.path, err)
	}
	return nil
}
