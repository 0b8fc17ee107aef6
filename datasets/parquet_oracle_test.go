// This file keeps the Parquet reader that poc used before it read datasets
// with github.com/parquet-go/parquet-go (datasets/parquet.go at commit
// 74cf8e5, built on xitongsys/parquet-go), unchanged but for its names, as
// the oracle the equivalence tests compare the new reader with.

package datasets

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/xitongsys/parquet-go-source/local"
	xparquet "github.com/xitongsys/parquet-go/parquet"
	"github.com/xitongsys/parquet-go/reader"
	"github.com/xitongsys/parquet-go/source"
	"github.com/xitongsys/parquet-go/types"
)

// oracleParquetReader streams a Parquet file with a flat schema, a batch of rows at
// a time, without a Go struct. Values convert as: INT32, INT64, FLOAT, DOUBLE
// and decimals → float64; BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY → string;
// BOOLEAN → bool; timestamps (converted or logical, milli-, micro- or
// nanoseconds, and INT96) and DATE → time.Time in UTC; null → nil.
// Nested and repeated columns are not supported.
type oracleParquetReader struct {
	path    string
	file    source.ParquetFile
	pr      *reader.ParquetReader
	columns []string
	cols    []oracleColumn
	rows    int64 // rows in the file
	row     int64 // rows returned so far
	batch   int   // rows in the current batch
	pos     int   // next row within the batch
}

var _ Reader = (*oracleParquetReader)(nil)

// oracleBatch is how many rows of each column the oracle decodes at once.
const oracleBatch = 4096

// oracleColumn is one leaf column: where to read it and how to convert it.
type oracleColumn struct {
	name    string
	path    string // internal path for ReadColumnByPath
	convert func(any) (any, error)
	values  []any
}

// openOracleParquet opens a Parquet file and reads its schema.
func openOracleParquet(path string) (*oracleParquetReader, error) {
	file, err := local.NewLocalFileReader(path)
	if err != nil {
		return nil, fmt.Errorf("open dataset %q: %w", path, err)
	}
	pr, err := reader.NewParquetColumnReader(file, 1)
	if err != nil {
		file.Close()
		return nil, fmt.Errorf("open dataset %q: read parquet footer: %w", path, err)
	}
	p := &oracleParquetReader{path: path, file: file, pr: pr, rows: pr.GetNumRows()}
	if err := p.readSchema(); err != nil {
		file.Close()
		return nil, fmt.Errorf("open dataset %q: %w", path, err)
	}
	return p, nil
}

// readSchema lists the leaf columns and picks a converter for each.
func (p *oracleParquetReader) readSchema() error {
	sh := p.pr.SchemaHandler
	for _, inPath := range sh.ValueColumns {
		idx, ok := sh.MapIndex[inPath]
		if !ok {
			return fmt.Errorf("parquet schema has no element for column path %q", inPath)
		}
		el := sh.SchemaElements[idx]
		name := sh.Infos[idx].ExName
		if oracleDepth(inPath) != 2 {
			return fmt.Errorf("column %q: nested parquet columns are not supported", name)
		}
		if el.GetRepetitionType() == xparquet.FieldRepetitionType_REPEATED {
			return fmt.Errorf("column %q: repeated parquet columns are not supported", name)
		}
		conv, err := oracleConverter(el)
		if err != nil {
			return fmt.Errorf("column %q: %w", name, err)
		}
		p.columns = append(p.columns, name)
		p.cols = append(p.cols, oracleColumn{name: name, path: inPath, convert: conv})
	}
	return nil
}

// depth counts the elements of an internal path ("root\x01col" is 2).
func oracleDepth(path string) int {
	n := 1
	for i := 0; i < len(path); i++ {
		if path[i] == '\x01' {
			n++
		}
	}
	return n
}

// Columns returns the leaf column names in schema order.
func (p *oracleParquetReader) Columns() []string { return p.columns }

// Next returns the next row, or io.EOF after the last one. Record.Line is the
// 1-based row number.
func (p *oracleParquetReader) Next() (Record, error) {
	if p.pos >= p.batch {
		if err := p.fill(); err != nil {
			return Record{}, err
		}
	}
	i := p.pos
	p.pos++
	p.row++
	fields := make(map[string]any, len(p.cols))
	for c := range p.cols {
		col := &p.cols[c]
		v := col.values[i]
		if v != nil {
			var err error
			if v, err = col.convert(v); err != nil {
				return Record{}, &RowError{File: p.path, Line: int(p.row), Column: col.name, Err: err}
			}
		}
		fields[col.name] = v
	}
	return Record{Line: int(p.row), Fields: fields}, nil
}

// fill decodes the next batch of every column.
func (p *oracleParquetReader) fill() error {
	left := p.rows - p.row
	if left <= 0 || len(p.cols) == 0 {
		return io.EOF
	}
	n := min(left, oracleBatch)
	for c := range p.cols {
		col := &p.cols[c]
		values, _, _, err := p.pr.ReadColumnByPath(col.path, n)
		if err != nil {
			return fmt.Errorf("read dataset %q: column %q: %w", p.path, col.name, err)
		}
		if int64(len(values)) != n {
			return fmt.Errorf("read dataset %q: column %q: got %d values for rows %d to %d", p.path, col.name, len(values), p.row+1, p.row+n)
		}
		col.values = values
	}
	p.batch, p.pos = int(n), 0
	return nil
}

// Close releases the file.
func (p *oracleParquetReader) Close() error {
	p.pr.ReadStop()
	if err := p.file.Close(); err != nil {
		return fmt.Errorf("close dataset %q: %w", p.path, err)
	}
	return nil
}

// oracleConverter returns the conversion of a column's raw values (as
// parquet-go decodes them) to field values.
func oracleConverter(el *xparquet.SchemaElement) (func(any) (any, error), error) {
	lt := el.GetLogicalType()
	ct := xparquet.ConvertedType(-1)
	if el.ConvertedType != nil {
		ct = el.GetConvertedType()
	}
	scale := 0
	if ct == xparquet.ConvertedType_DECIMAL || lt != nil && lt.IsSetDECIMAL() {
		scale = int(el.GetScale())
		if lt != nil && lt.IsSetDECIMAL() {
			scale = int(lt.DECIMAL.GetScale())
		}
	}
	unsigned := ct == xparquet.ConvertedType_UINT_8 || ct == xparquet.ConvertedType_UINT_16 ||
		ct == xparquet.ConvertedType_UINT_32 || ct == xparquet.ConvertedType_UINT_64 ||
		lt != nil && lt.IsSetINTEGER() && !lt.INTEGER.GetIsSigned()
	switch el.GetType() {
	case xparquet.Type_BOOLEAN:
		return oracleIdentity, nil
	case xparquet.Type_FLOAT:
		return func(v any) (any, error) {
			f, ok := v.(float32)
			if !ok {
				return nil, oracleRawTypeError(v, "float32")
			}
			return float64(f), nil
		}, nil
	case xparquet.Type_DOUBLE:
		return oracleIdentity, nil
	case xparquet.Type_INT32:
		if ct == xparquet.ConvertedType_DATE || lt != nil && lt.IsSetDATE() {
			return func(v any) (any, error) {
				d, ok := v.(int32)
				if !ok {
					return nil, oracleRawTypeError(v, "int32")
				}
				return time.Unix(int64(d)*86400, 0).UTC(), nil
			}, nil
		}
		pow := math.Pow10(scale)
		return func(v any) (any, error) {
			i, ok := v.(int32)
			if !ok {
				return nil, oracleRawTypeError(v, "int32")
			}
			f := float64(i)
			if unsigned {
				f = float64(uint32(i))
			}
			if scale > 0 {
				f /= pow
			}
			return f, nil
		}, nil
	case xparquet.Type_INT64:
		var toTime func(int64) time.Time
		switch {
		case ct == xparquet.ConvertedType_TIMESTAMP_MILLIS:
			toTime = func(x int64) time.Time { return time.UnixMilli(x).UTC() }
		case ct == xparquet.ConvertedType_TIMESTAMP_MICROS:
			toTime = func(x int64) time.Time { return time.UnixMicro(x).UTC() }
		case lt != nil && lt.IsSetTIMESTAMP():
			unit := lt.TIMESTAMP.GetUnit()
			switch {
			case unit.IsSetMILLIS():
				toTime = func(x int64) time.Time { return time.UnixMilli(x).UTC() }
			case unit.IsSetNANOS():
				toTime = func(x int64) time.Time { return time.Unix(0, x).UTC() }
			default:
				toTime = func(x int64) time.Time { return time.UnixMicro(x).UTC() }
			}
		}
		if toTime != nil {
			return func(v any) (any, error) {
				i, ok := v.(int64)
				if !ok {
					return nil, oracleRawTypeError(v, "int64")
				}
				return toTime(i), nil
			}, nil
		}
		pow := math.Pow10(scale)
		return func(v any) (any, error) {
			i, ok := v.(int64)
			if !ok {
				return nil, oracleRawTypeError(v, "int64")
			}
			f := float64(i)
			if unsigned {
				f = float64(uint64(i))
			}
			if scale > 0 {
				f /= pow
			}
			return f, nil
		}, nil
	case xparquet.Type_INT96:
		return func(v any) (any, error) {
			s, ok := v.(string)
			if !ok || len(s) != 12 {
				return nil, oracleRawTypeError(v, "12-byte INT96")
			}
			return types.INT96ToTime(s).UTC(), nil
		}, nil
	case xparquet.Type_BYTE_ARRAY, xparquet.Type_FIXED_LEN_BYTE_ARRAY:
		if scale > 0 || ct == xparquet.ConvertedType_DECIMAL {
			precision := int(el.GetPrecision())
			return func(v any) (any, error) {
				s, ok := v.(string)
				if !ok {
					return nil, oracleRawTypeError(v, "string")
				}
				f, err := strconv.ParseFloat(types.DECIMAL_BYTE_ARRAY_ToString([]byte(s), precision, scale), 64)
				if err != nil {
					return nil, fmt.Errorf("decode decimal: %w", err)
				}
				return f, nil
			}, nil
		}
		return oracleIdentity, nil
	}
	return nil, fmt.Errorf("unsupported parquet type %v", el.GetType())
}

// oracleIdentity keeps a value as decoded.
func oracleIdentity(v any) (any, error) { return v, nil }

// oracleRawTypeError reports a value parquet-go decoded with an unexpected Go type.
func oracleRawTypeError(v any, want string) error {
	return errors.New("unexpected parquet value of type " + fmt.Sprintf("%T", v) + ", want " + want)
}
