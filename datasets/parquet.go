package datasets

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding"
	pqformat "github.com/parquet-go/parquet-go/format"
)

func init() {
	RegisterFormat("parquet", []string{".parquet", ".parq"}, func(path string) (Reader, error) { return OpenParquet(path) })
}

// parquetBatch is how many rows of each column ParquetReader decodes at once.
const parquetBatch = 4096

// parquetReadBuffer is the read buffer of each column's pages: a few pages'
// worth, so that a scan reads the file in large pieces.
const parquetReadBuffer = 256 << 10

// ParquetReader streams a Parquet file with a flat schema, one row group at a
// time and a batch of rows at a time, without a Go struct: it decodes each
// column's pages (github.com/parquet-go/parquet-go) into the batch's values,
// then builds each record from them. Values convert as: INT32, INT64, FLOAT,
// DOUBLE and decimals (INT32, INT64, BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY with
// a scale) → float64, unsigned integers as unsigned; BYTE_ARRAY and
// FIXED_LEN_BYTE_ARRAY → string; BOOLEAN → bool; timestamps (converted or
// logical, milli-, micro- or nanoseconds, and INT96, to the microsecond) and
// DATE → time.Time in UTC; null → nil. Nested and repeated columns are not
// supported.
//
// A value that cannot be converted (a decimal beyond float64) is a *RowError
// for its row, and reading continues with the next row.
type ParquetReader struct {
	path    string
	file    *os.File
	pf      *parquet.File
	columns []string
	cols    []parquetColumn
	groups  []parquet.RowGroup
	group   int   // next row group to open
	left    int64 // rows of the open row group not yet decoded
	row     int64 // rows returned so far
	batch   int   // rows in the current batch
	pos     int   // next row within the batch
	bad     map[int]*RowError
	err     error // a read error, returned by every later Next
	fieldPool
}

var _ Reader = (*ParquetReader)(nil)

// OpenParquet opens a Parquet file and reads its schema.
func OpenParquet(path string) (*ParquetReader, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open dataset %q: %w", path, err)
	}
	info, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, fmt.Errorf("open dataset %q: %w", path, err)
	}
	pf, err := parquet.OpenFile(file, info.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true),
		parquet.ReadBufferSize(parquetReadBuffer))
	if err != nil {
		file.Close()
		return nil, fmt.Errorf("open dataset %q: read parquet footer: %w", path, err)
	}
	p := &ParquetReader{path: path, file: file, pf: pf, groups: pf.RowGroups()}
	if err := p.readSchema(pf.Metadata().Schema); err != nil {
		file.Close()
		return nil, fmt.Errorf("open dataset %q: %w", path, err)
	}
	return p, nil
}

// parquetLeaf is a leaf of a Parquet schema: its element and the names from
// the root's child down to it.
type parquetLeaf struct {
	el   *pqformat.SchemaElement
	path []string
}

// parquetLeaves lists the leaves of a flattened schema (elements in
// depth-first order, the root first) in schema order, which is the order of
// the column chunks of every row group.
func parquetLeaves(els []pqformat.SchemaElement) ([]parquetLeaf, error) {
	if len(els) == 0 {
		return nil, errors.New("parquet schema is empty")
	}
	var leaves []parquetLeaf
	var visit func(i int, parent []string) (int, error)
	visit = func(i int, parent []string) (int, error) {
		if i >= len(els) {
			return i, errors.New("parquet schema ends inside a group")
		}
		el := &els[i]
		path := append(parent[:len(parent):len(parent)], el.Name)
		if !el.NumChildren.Valid || el.NumChildren.V <= 0 {
			leaves = append(leaves, parquetLeaf{el: el, path: path})
			return i + 1, nil
		}
		i++
		for range el.NumChildren.V {
			var err error
			if i, err = visit(i, path); err != nil {
				return i, err
			}
		}
		return i, nil
	}
	i := 1
	for range els[0].NumChildren.V {
		var err error
		if i, err = visit(i, nil); err != nil {
			return nil, err
		}
	}
	return leaves, nil
}

// readSchema lists the leaf columns and picks a conversion for each.
func (p *ParquetReader) readSchema(els []pqformat.SchemaElement) error {
	leaves, err := parquetLeaves(els)
	if err != nil {
		return err
	}
	for i, leaf := range leaves {
		name := strings.Join(leaf.path, ".")
		if len(leaf.path) != 1 {
			return fmt.Errorf("column %q: nested parquet columns are not supported", name)
		}
		if leaf.el.RepetitionType.Valid && leaf.el.RepetitionType.V == pqformat.Repeated {
			return fmt.Errorf("column %q: repeated parquet columns are not supported", name)
		}
		conv, err := parquetConversion(leaf.el)
		if err != nil {
			return fmt.Errorf("column %q: %w", name, err)
		}
		optional := leaf.el.RepetitionType.Valid && leaf.el.RepetitionType.V == pqformat.Optional
		p.columns = append(p.columns, name)
		p.cols = append(p.cols, parquetColumn{name: name, index: i, conv: conv, optional: optional})
	}
	for g, rg := range p.groups {
		if n := len(rg.ColumnChunks()); n != len(leaves) {
			return fmt.Errorf("row group %d has %d column chunks for %d columns", g+1, n, len(leaves))
		}
	}
	return nil
}

// Columns returns the leaf column names in schema order.
func (p *ParquetReader) Columns() []string { return p.columns }

// Next returns the next row, or io.EOF after the last one. Record.Line is the
// 1-based row number.
func (p *ParquetReader) Next() (Record, error) {
	if p.pos >= p.batch {
		if err := p.fill(); err != nil {
			return Record{}, err
		}
	}
	i := p.pos
	p.pos++
	p.row++
	if rerr := p.bad[i]; rerr != nil {
		return Record{}, rerr
	}
	fields := p.get(len(p.cols))
	for c := range p.cols {
		col := &p.cols[c]
		fields[col.name] = col.values[i]
	}
	return Record{Line: int(p.row), Fields: fields}, nil
}

// fill decodes the next batch of every column, opening the next row group
// when the current one is done. A read error ends the reader: every later
// call returns it again.
func (p *ParquetReader) fill() error {
	if p.err != nil {
		return p.err
	}
	if len(p.cols) == 0 {
		return io.EOF
	}
	for p.left <= 0 {
		if p.group >= len(p.groups) {
			return io.EOF
		}
		if err := p.openGroup(p.group); err != nil {
			p.err = fmt.Errorf("read dataset %q: %w", p.path, err)
			return p.err
		}
		p.group++
	}
	n := int(min(p.left, parquetBatch))
	clear(p.bad)
	for c := range p.cols {
		col := &p.cols[c]
		if cap(col.values) < n {
			col.values = make([]any, parquetBatch)
		}
		col.values = col.values[:n]
		if err := col.read(col.values, p); err != nil {
			p.err = fmt.Errorf("read dataset %q: column %q: %w", p.path, col.name, err)
			return p.err
		}
	}
	p.left -= int64(n)
	p.batch, p.pos = n, 0
	return nil
}

// fault records that the cell of row i of the batch (0-based) in column col
// cannot be converted; a row keeps its first fault, in column order.
func (p *ParquetReader) fault(i int, col *parquetColumn, err error) {
	if p.bad == nil {
		p.bad = make(map[int]*RowError)
	}
	if p.bad[i] == nil {
		p.bad[i] = &RowError{File: p.path, Line: int(p.row) + i + 1, Column: col.name, Err: err}
	}
}

// openGroup starts reading row group g: it closes the previous group's pages
// and opens each column's chunk.
func (p *ParquetReader) openGroup(g int) error {
	if err := p.closePages(); err != nil {
		return err
	}
	rg := p.groups[g]
	chunks := rg.ColumnChunks()
	for c := range p.cols {
		p.cols[c].start(chunks[p.cols[c].index].Pages())
	}
	p.left = rg.NumRows()
	return nil
}

// closePages closes the pages of the open row group.
func (p *ParquetReader) closePages() error {
	var first error
	for c := range p.cols {
		if err := p.cols[c].stop(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Close releases the file.
func (p *ParquetReader) Close() error {
	err := p.closePages()
	if cerr := p.file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("close dataset %q: %w", p.path, err)
	}
	return nil
}

// parquetColumn is one leaf column: how to convert its values, and where its
// pages are in the open row group.
type parquetColumn struct {
	name     string
	index    int // of the column chunk in every row group
	conv     parquetConv
	optional bool

	pages  parquet.Pages
	page   parquet.Page
	levels []byte // definition levels of the page; nil for a required column
	rows   int    // rows in the page
	pos    int    // next row of the page
	vpos   int    // next non-null value of the page
	value  func(j int) (any, error)

	dictOf  parquet.Dictionary // the dictionary dict was converted from
	dict    []any
	dictErr []error

	intern map[string]any // short strings seen, boxed once; nil when off
	many   bool           // too many distinct strings to intern

	values []any // the current batch
}

// start begins reading a new column chunk.
func (c *parquetColumn) start(pages parquet.Pages) {
	c.pages = pages
	c.page, c.levels, c.value = nil, nil, nil
	c.rows, c.pos, c.vpos = 0, 0, 0
	c.dictOf, c.dict, c.dictErr = nil, nil, nil
}

// stop releases the column chunk's pages.
func (c *parquetColumn) stop() error {
	if c.page != nil {
		parquet.Release(c.page)
		c.page = nil
	}
	if c.pages == nil {
		return nil
	}
	err := c.pages.Close()
	c.pages = nil
	return err
}

// read decodes the next len(dst) rows of the column into dst, the rows of
// p's next batch. A value that cannot be converted leaves nil and is
// reported to p.fault.
func (c *parquetColumn) read(dst []any, p *ParquetReader) error {
	for i := 0; i < len(dst); {
		if c.pos >= c.rows {
			if err := c.nextPage(); err != nil {
				return err
			}
			continue
		}
		k := min(len(dst)-i, c.rows-c.pos)
		out := dst[i : i+k]
		if c.levels == nil {
			for t := range out {
				v, err := c.value(c.vpos)
				if err != nil {
					p.fault(i+t, c, err)
				}
				out[t] = v
				c.vpos++
			}
		} else {
			for t, level := range c.levels[c.pos : c.pos+k] {
				if level == 0 {
					out[t] = nil
					continue
				}
				v, err := c.value(c.vpos)
				if err != nil {
					p.fault(i+t, c, err)
				}
				out[t] = v
				c.vpos++
			}
		}
		c.pos += k
		i += k
	}
	return nil
}

// nextPage reads the column chunk's next page and prepares its values.
func (c *parquetColumn) nextPage() error {
	if c.page != nil {
		parquet.Release(c.page)
		c.page = nil
	}
	page, err := c.pages.ReadPage()
	if errors.Is(err, io.EOF) {
		return errors.New("column chunk has fewer values than its row group has rows")
	}
	if err != nil {
		return fmt.Errorf("read page: %w", err)
	}
	c.page = page
	c.rows, c.pos, c.vpos = int(page.NumRows()), 0, 0
	c.levels = nil
	nonNull := c.rows
	if c.optional {
		c.levels = page.DefinitionLevels()
		if len(c.levels) != c.rows {
			return fmt.Errorf("page has %d definition levels for %d rows", len(c.levels), c.rows)
		}
		nonNull = 0
		for _, level := range c.levels {
			if level != 0 {
				nonNull++
			}
		}
	}
	if nonNull == 0 {
		c.value = nil
		return nil
	}
	if dict := page.Dictionary(); dict != nil {
		return c.bindIndexed(page, dict, nonNull)
	}
	value, n, err := c.conv.values(page.Data(), nonNull, c)
	if err != nil {
		return err
	}
	if n < nonNull {
		return fmt.Errorf("page has %d values for %d non-null rows", n, nonNull)
	}
	c.value = value
	return nil
}

// bindIndexed prepares a dictionary-encoded page: the dictionary's values are
// converted once per column chunk, and each row takes its entry's.
func (c *parquetColumn) bindIndexed(page parquet.Page, dict parquet.Dictionary, nonNull int) error {
	if c.dictOf != dict {
		value, n, err := c.conv.values(dict.Page().Data(), dict.Len(), c)
		if err != nil {
			return fmt.Errorf("dictionary: %w", err)
		}
		n = min(n, dict.Len())
		c.dict = make([]any, n)
		c.dictErr = nil
		for j := range c.dict {
			v, err := value(j)
			if err != nil {
				if c.dictErr == nil {
					c.dictErr = make([]error, n)
				}
				c.dictErr[j] = err
			}
			c.dict[j] = v
		}
		c.dictOf = dict
	}
	data := page.Data()
	if data.Kind() != encoding.Int32 {
		return fmt.Errorf("dictionary-encoded page holds %v values, want indexes", data.Kind())
	}
	indexes := data.Int32()
	if len(indexes) < nonNull {
		return fmt.Errorf("page has %d values for %d non-null rows", len(indexes), nonNull)
	}
	for _, x := range indexes[:nonNull] {
		if uint(x) >= uint(len(c.dict)) {
			return fmt.Errorf("dictionary index %d out of range [0, %d)", x, len(c.dict))
		}
	}
	entries, errs := c.dict, c.dictErr
	if errs == nil {
		c.value = func(j int) (any, error) { return entries[indexes[j]], nil }
	} else {
		c.value = func(j int) (any, error) { x := indexes[j]; return entries[x], errs[x] }
	}
	return nil
}

// parquetKind is what a column's values become.
type parquetKind int

const (
	pqBool         parquetKind = iota // BOOLEAN → bool
	pqFloat                           // FLOAT → float64
	pqDouble                          // DOUBLE → float64
	pqInt32                           // INT32 → float64, with scale and sign
	pqDate                            // INT32 DATE → time.Time
	pqInt64                           // INT64 → float64, with scale and sign
	pqTimestamp                       // INT64 timestamp → time.Time
	pqInt96                           // INT96 → time.Time
	pqString                          // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY → string
	pqDecimalBytes                    // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY decimal → float64
)

// parquetConv is the conversion of one column's values to field values.
type parquetConv struct {
	kind     parquetKind
	phys     encoding.Kind // the physical type the pages hold
	unsigned bool
	scale    int     // decimal digits after the point; 0 for none
	pow      float64 // 10^scale
	unit     time.Duration
}

// parquetConversion picks the conversion of a column from its schema element:
// the logical type where it says, the converted type otherwise, as
// xitongsys/parquet-go's reader did.
func parquetConversion(el *pqformat.SchemaElement) (parquetConv, error) {
	var cv parquetConv
	if !el.Type.Valid {
		return cv, errors.New("parquet column has no physical type")
	}
	ct, hasCT := el.ConvertedType.V, el.ConvertedType.Valid
	lt := el.LogicalType.Value
	decimal := hasCT && ct == deprecated.Decimal
	if d, ok := lt.(*pqformat.DecimalType); ok {
		decimal = true
		cv.scale = int(d.Scale)
	} else if decimal {
		cv.scale = int(el.Scale.V)
	}
	cv.pow = math.Pow10(cv.scale)
	switch {
	case hasCT && (ct == deprecated.Uint8 || ct == deprecated.Uint16 || ct == deprecated.Uint32 || ct == deprecated.Uint64):
		cv.unsigned = true
	default:
		if it, ok := lt.(*pqformat.IntType); ok && !it.IsSigned {
			cv.unsigned = true
		}
	}
	switch el.Type.V {
	case pqformat.Boolean:
		cv.kind, cv.phys = pqBool, encoding.Boolean
	case pqformat.Float:
		cv.kind, cv.phys = pqFloat, encoding.Float
	case pqformat.Double:
		cv.kind, cv.phys = pqDouble, encoding.Double
	case pqformat.Int32:
		cv.kind, cv.phys = pqInt32, encoding.Int32
		if _, date := lt.(*pqformat.DateType); date || hasCT && ct == deprecated.Date {
			cv.kind = pqDate
		}
	case pqformat.Int64:
		cv.kind, cv.phys = pqInt64, encoding.Int64
		switch ts, isTS := lt.(*pqformat.TimestampType); {
		case hasCT && ct == deprecated.TimestampMillis:
			cv.kind, cv.unit = pqTimestamp, time.Millisecond
		case hasCT && ct == deprecated.TimestampMicros:
			cv.kind, cv.unit = pqTimestamp, time.Microsecond
		case isTS:
			cv.kind, cv.unit = pqTimestamp, time.Microsecond
			switch ts.Unit.Value.(type) {
			case *pqformat.MilliSeconds:
				cv.unit = time.Millisecond
			case *pqformat.NanoSeconds:
				cv.unit = time.Nanosecond
			}
		}
	case pqformat.Int96:
		cv.kind, cv.phys = pqInt96, encoding.Int96
	case pqformat.ByteArray, pqformat.FixedLenByteArray:
		cv.kind, cv.phys = pqString, encoding.ByteArray
		if el.Type.V == pqformat.FixedLenByteArray {
			cv.phys = encoding.FixedLenByteArray
		}
		if decimal {
			cv.kind = pqDecimalBytes
		}
	default:
		return cv, fmt.Errorf("unsupported parquet type %v", el.Type.V)
	}
	return cv, nil
}

// values returns the conversion of the j-th value of data (0 <= j < n), and
// n, the number of values data holds; count is the number of values the
// page says it has (data does not say for BOOLEAN). Strings are interned
// through col.
func (cv *parquetConv) values(data encoding.Values, count int, col *parquetColumn) (func(int) (any, error), int, error) {
	if data.Kind() != cv.phys {
		return nil, 0, fmt.Errorf("page holds %v values, want %v", data.Kind(), cv.phys)
	}
	switch cv.phys {
	case encoding.Boolean:
		bits := data.Boolean()
		return func(j int) (any, error) { return bits[j>>3]>>(j&7)&1 != 0, nil }, min(count, 8*len(bits)), nil
	case encoding.Float:
		vs := data.Float()
		return func(j int) (any, error) { return float64(vs[j]), nil }, len(vs), nil
	case encoding.Double:
		vs := data.Double()
		return func(j int) (any, error) { return vs[j], nil }, len(vs), nil
	case encoding.Int32:
		vs := data.Int32()
		if cv.kind == pqDate {
			return func(j int) (any, error) { return time.Unix(int64(vs[j])*86400, 0).UTC(), nil }, len(vs), nil
		}
		if cv.scale <= 0 {
			if cv.unsigned {
				return func(j int) (any, error) { return boxUint(uint64(uint32(vs[j]))), nil }, len(vs), nil
			}
			return func(j int) (any, error) { return boxInt(int64(vs[j])), nil }, len(vs), nil
		}
		return func(j int) (any, error) {
			f := float64(vs[j])
			if cv.unsigned {
				f = float64(uint32(vs[j]))
			}
			return f / cv.pow, nil
		}, len(vs), nil
	case encoding.Int64:
		vs := data.Int64()
		if cv.kind == pqTimestamp {
			switch cv.unit {
			case time.Millisecond:
				return func(j int) (any, error) { return time.UnixMilli(vs[j]).UTC(), nil }, len(vs), nil
			case time.Nanosecond:
				return func(j int) (any, error) { return time.Unix(0, vs[j]).UTC(), nil }, len(vs), nil
			}
			return func(j int) (any, error) { return time.UnixMicro(vs[j]).UTC(), nil }, len(vs), nil
		}
		if cv.scale <= 0 {
			if cv.unsigned {
				return func(j int) (any, error) { return boxUint(uint64(vs[j])), nil }, len(vs), nil
			}
			return func(j int) (any, error) { return boxInt(vs[j]), nil }, len(vs), nil
		}
		return func(j int) (any, error) {
			f := float64(vs[j])
			if cv.unsigned {
				f = float64(uint64(vs[j]))
			}
			return f / cv.pow, nil
		}, len(vs), nil
	case encoding.Int96:
		vs := data.Int96()
		return func(j int) (any, error) { return int96Time(vs[j]), nil }, len(vs), nil
	case encoding.ByteArray:
		b, offsets := data.ByteArray()
		n := max(len(offsets)-1, 0)
		if cv.kind == pqDecimalBytes {
			return func(j int) (any, error) { return decimalBytes(b[offsets[j]:offsets[j+1]], cv.scale) }, n, nil
		}
		return func(j int) (any, error) { return col.str(b[offsets[j]:offsets[j+1]]), nil }, n, nil
	case encoding.FixedLenByteArray:
		b, size := data.FixedLenByteArray()
		if size <= 0 {
			return nil, 0, fmt.Errorf("fixed-length byte array of size %d", size)
		}
		if cv.kind == pqDecimalBytes {
			return func(j int) (any, error) { return decimalBytes(b[j*size:(j+1)*size], cv.scale) }, len(b) / size, nil
		}
		return func(j int) (any, error) { return col.str(b[j*size : (j+1)*size]), nil }, len(b) / size, nil
	}
	return nil, 0, fmt.Errorf("unsupported parquet type %v", cv.phys)
}

// Interning: the first maxInterned distinct strings of up to maxInternLen
// bytes of a column are boxed once and shared by every record that holds
// them (a country, a channel); a column with more stops interning.
const (
	maxInterned  = 4096
	maxInternLen = 32
)

// str returns b as a string field value, interned while the column has few
// distinct values.
func (c *parquetColumn) str(b []byte) any {
	if c.many || len(b) > maxInternLen {
		return string(b)
	}
	if v, ok := c.intern[string(b)]; ok {
		return v
	}
	if len(c.intern) >= maxInterned {
		c.many, c.intern = true, nil
		return string(b)
	}
	if c.intern == nil {
		c.intern = make(map[string]any)
	}
	s := string(b)
	var v any = s
	c.intern[s] = v
	return v
}

// boxedInts holds the small integers as boxed float64 field values, so that
// counts and flags need no allocation per value.
var boxedInts = func() (b [1024]any) {
	for i := range b {
		b[i] = float64(i)
	}
	return b
}()

// boxInt returns i as a float64 field value.
func boxInt(i int64) any {
	if i >= 0 && i < int64(len(boxedInts)) {
		return boxedInts[i]
	}
	return float64(i)
}

// boxUint returns u as a float64 field value.
func boxUint(u uint64) any {
	if u < uint64(len(boxedInts)) {
		return boxedInts[u]
	}
	return float64(u)
}

// julianDayOfEpoch is the Julian day number of 1970-01-01.
const julianDayOfEpoch = 2440588

// int96Time converts an INT96 timestamp (nanoseconds within the day, then the
// Julian day, little-endian) to a time in UTC, truncated to the microsecond
// as xitongsys/parquet-go's reader did.
func int96Time(v deprecated.Int96) time.Time {
	nanos := int64(uint64(v[1])<<32 | uint64(v[0]))
	days := int64(int32(v[2]))
	ns := ((days-julianDayOfEpoch)*86_400_000_000 + nanos/1000) * 1000
	return time.Unix(ns/1e9, ns%1e9).UTC()
}

// decimalBytes converts a decimal stored as a big-endian two's-complement
// integer to the nearest float64 of its value divided by 10^scale.
func decimalBytes(b []byte, scale int) (any, error) {
	var digits []byte
	var buf [40]byte
	if len(b) <= 8 {
		var u uint64
		for _, x := range b {
			u = u<<8 | uint64(x)
		}
		if len(b) > 0 && len(b) < 8 && b[0]&0x80 != 0 {
			u |= ^uint64(0) << (8 * len(b)) // sign-extend
		}
		digits = strconv.AppendInt(buf[:0], int64(u), 10)
	} else {
		n := new(big.Int).SetBytes(b)
		if b[0]&0x80 != 0 {
			n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
		}
		digits = n.Append(buf[:0], 10)
	}
	text := string(decimalText(digits, scale))
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return nil, fmt.Errorf("decode decimal: %w", err)
	}
	return f, nil
}

// decimalText places the decimal point scale digits from the right of an
// integer's digits ("-12345", 2 → "-123.45"; "5", 3 → "0.005").
func decimalText(digits []byte, scale int) []byte {
	if scale <= 0 {
		return digits
	}
	neg := len(digits) > 0 && digits[0] == '-'
	if neg {
		digits = digits[1:]
	}
	out := make([]byte, 0, len(digits)+scale+3)
	if neg {
		out = append(out, '-')
	}
	if len(digits) <= scale {
		out = append(out, '0', '.')
		for range scale - len(digits) {
			out = append(out, '0')
		}
		return append(out, digits...)
	}
	out = append(out, digits[:len(digits)-scale]...)
	out = append(out, '.')
	return append(out, digits[len(digits)-scale:]...)
}
