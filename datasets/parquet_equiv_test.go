package datasets

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding"
	pqformat "github.com/parquet-go/parquet-go/format"
	"github.com/xitongsys/parquet-go-source/local"
	xparquet "github.com/xitongsys/parquet-go/parquet"
	"github.com/xitongsys/parquet-go/types"
	"github.com/xitongsys/parquet-go/writer"
)

// readOutcome is one call of a Reader's Next: the record, or the error.
type readOutcome struct {
	rec Record
	err error
}

// readOutcomes calls Next until io.EOF or an error that is not a *RowError
// (reading continues after a *RowError, as Stream does with SkipBadRows).
func readOutcomes(t *testing.T, r Reader) []readOutcome {
	t.Helper()
	var out []readOutcome
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		out = append(out, readOutcome{rec, err})
		var rowErr *RowError
		if err != nil && !errors.As(err, &rowErr) {
			return out
		}
	}
}

// compareWithOracle reads path with the reader as it was before
// (oracleParquetReader) and with ParquetReader, side by side a record at a
// time, and fails on any difference: columns, records, or errors (a
// *RowError must name the same file, line and column, with the same text;
// both readers go on after one). It returns the number of rows read.
func compareWithOracle(t *testing.T, path string) int {
	t.Helper()
	old, oldErr := openOracleParquet(path)
	cur, curErr := OpenParquet(path)
	if oldErr != nil || curErr != nil {
		t.Fatalf("open %s: oracle: %v; new: %v", path, oldErr, curErr)
	}
	defer old.Close()
	defer cur.Close()
	if got, want := cur.Columns(), old.Columns(); !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: columns = %q, oracle %q", path, got, want)
	}
	for n := 0; ; n++ {
		w, werr := old.Next()
		g, gerr := cur.Next()
		wEOF, gEOF := errors.Is(werr, io.EOF), errors.Is(gerr, io.EOF)
		switch {
		case wEOF && gEOF:
			return n
		case wEOF || gEOF:
			t.Fatalf("%s: row %d: error %v, oracle %v", path, n+1, gerr, werr)
		case (gerr == nil) != (werr == nil):
			t.Fatalf("%s: row %d: error %v, oracle %v", path, n+1, gerr, werr)
		case werr != nil:
			var gr, wr *RowError
			if !errors.As(gerr, &gr) || !errors.As(werr, &wr) || gr.File != wr.File || gr.Line != wr.Line ||
				gr.Column != wr.Column || gr.Error() != wr.Error() {
				t.Fatalf("%s: row %d: error %#v, oracle %#v", path, n+1, gerr, werr)
			}
		case !reflect.DeepEqual(g, w):
			for _, c := range cur.Columns() {
				if gv, wv := g.Fields[c], w.Fields[c]; !reflect.DeepEqual(gv, wv) {
					t.Errorf("%s: row %d: column %q = %#v, oracle %#v", path, n+1, c, gv, wv)
				}
			}
			t.Fatalf("%s: row %d: record %+v, oracle %+v", path, n+1, g, w)
		}
	}
}

// twosComplement returns v as a big-endian two's-complement integer of size
// bytes, or of the fewest bytes that hold it when size is 0.
func twosComplement(v *big.Int, size int) []byte {
	if size == 0 {
		size = v.BitLen()/8 + 1
	}
	u := new(big.Int).Set(v)
	if v.Sign() < 0 {
		u.Add(u, new(big.Int).Lsh(big.NewInt(1), uint(8*size)))
	}
	return u.FillBytes(make([]byte, size))
}

// xitongsysColumn is one column of a test file written with
// xitongsys/parquet-go: its schema tag and its value in row i.
type xitongsysColumn struct {
	tag   string
	value func(i int) any
}

// xitongsysColumns covers the converted types, the logical types
// xitongsys/parquet-go writes, nulls, and the plain, dictionary, delta and
// byte-stream-split encodings.
var xitongsysColumns = []xitongsysColumn{
	{"name=b, type=BOOLEAN, repetitiontype=OPTIONAL", func(i int) any {
		if i%3 == 0 {
			return nil
		}
		return i%2 == 0
	}},
	{"name=i32, type=INT32, repetitiontype=OPTIONAL", func(i int) any {
		if i%5 == 0 {
			return nil
		}
		return int32(i*7 - 5000)
	}},
	{"name=i64, type=INT64", func(i int) any { return int64(i)*1_000_003 - 1<<40 }},
	{"name=f32, type=FLOAT, repetitiontype=OPTIONAL", func(i int) any { return float32(i) / 3 }},
	{"name=f64, type=DOUBLE, repetitiontype=OPTIONAL", func(i int) any {
		switch {
		case i%11 == 0:
			return nil
		case i == 7:
			return math.Inf(-1)
		}
		return float64(i)*1.25 - 100
	}},
	{"name=u8, type=INT32, convertedtype=UINT_8", func(i int) any { return int32(i % 256) }},
	{"name=u32, type=INT32, convertedtype=UINT_32", func(i int) any { return int32(uint32(i) * 2654435761) }},
	{"name=u64, type=INT64, convertedtype=UINT_64", func(i int) any { return int64(uint64(i) * 0x9E3779B97F4A7C15) }},
	{"name=d32, type=INT32, convertedtype=DECIMAL, scale=2, precision=9", func(i int) any { return int32(i*37 - 20000) }},
	{"name=d64, type=INT64, convertedtype=DECIMAL, scale=4, precision=18, repetitiontype=OPTIONAL", func(i int) any {
		if i%6 == 0 {
			return nil
		}
		return int64(i)*123457 - 1_000_000_000
	}},
	// The oracle reads byte-array decimals as unsigned and panics on fewer
	// digits than the scale, so these are positive with enough digits.
	{"name=dba, type=BYTE_ARRAY, convertedtype=DECIMAL, scale=2, precision=20", func(i int) any {
		return string(twosComplement(big.NewInt(100+int64(i)*99991), 0))
	}},
	{"name=dfl, type=FIXED_LEN_BYTE_ARRAY, length=9, convertedtype=DECIMAL, scale=3, precision=20", func(i int) any {
		return string(twosComplement(new(big.Int).Mul(big.NewInt(1000+int64(i)), big.NewInt(1_234_567_891)), 9))
	}},
	{"name=s, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=OPTIONAL", func(i int) any {
		switch {
		case i%4 == 0:
			return nil
		case i%17 == 0:
			return ""
		case i%10 == 1:
			return strings.Repeat("long value é ", 1+i%7) + fmt.Sprint(i)
		}
		return fmt.Sprintf("s%d-é", i%500)
	}},
	{"name=sdict, type=BYTE_ARRAY, convertedtype=UTF8, encoding=PLAIN_DICTIONARY, repetitiontype=OPTIONAL", func(i int) any {
		if i%9 == 0 {
			return nil
		}
		return []string{"FR", "DE", "US", ""}[i%4]
	}},
	{"name=idict, type=INT64, encoding=PLAIN_DICTIONARY", func(i int) any { return int64(i%13) - 3 }},
	{"name=fdict, type=DOUBLE, encoding=PLAIN_DICTIONARY, repetitiontype=OPTIONAL", func(i int) any {
		if i%8 == 0 {
			return nil
		}
		return float64(i%10) / 4
	}},
	{"name=fl, type=FIXED_LEN_BYTE_ARRAY, length=4", func(i int) any {
		return string(binary.BigEndian.AppendUint32(nil, uint32(i)*2654435761))
	}},
	{"name=date, type=INT32, convertedtype=DATE", func(i int) any { return int32(i%40000 - 20000) }},
	{"name=tsms, type=INT64, convertedtype=TIMESTAMP_MILLIS, repetitiontype=OPTIONAL", func(i int) any {
		if i%7 == 0 {
			return nil
		}
		return int64(i)*86_400_123 - 1_000_000_000_000
	}},
	{"name=tsus, type=INT64, convertedtype=TIMESTAMP_MICROS", func(i int) any { return int64(i)*3_600_000_123 - 5e15 }},
	{"name=i96, type=INT96, repetitiontype=OPTIONAL", func(i int) any {
		if i%10 == 3 {
			return nil
		}
		return types.TimeToINT96(time.Unix(int64(i)*3_600_007-2e9, int64(i%1000)*1_000_001).UTC())
	}},
	{"name=delta, type=INT64, encoding=DELTA_BINARY_PACKED", func(i int) any { return int64(i*i) - 7 }},
	{"name=dlba, type=BYTE_ARRAY, convertedtype=UTF8, encoding=DELTA_LENGTH_BYTE_ARRAY", func(i int) any {
		return fmt.Sprint("dl", i%321)
	}},
	{"name=dbarr, type=BYTE_ARRAY, convertedtype=UTF8, encoding=DELTA_BYTE_ARRAY", func(i int) any {
		return fmt.Sprintf("prefix-%06d", i)
	}},
	{"name=bss, type=DOUBLE, encoding=BYTE_STREAM_SPLIT", func(i int) any { return math.Sqrt(float64(i)) }},
	{"name=ltns, type=INT64, logicaltype=TIMESTAMP, logicaltype.isadjustedtoutc=true, logicaltype.unit=NANOS", func(i int) any {
		return int64(i)*3_600_000_000_123 - 1e18
	}},
	{"name=ltms, type=INT64, logicaltype=TIMESTAMP, logicaltype.isadjustedtoutc=true, logicaltype.unit=MILLIS", func(i int) any {
		return int64(i) * 1_000_003
	}},
	{"name=ltus, type=INT64, logicaltype=TIMESTAMP, logicaltype.isadjustedtoutc=false, logicaltype.unit=MICROS", func(i int) any {
		return int64(i) * 999_999_937
	}},
	{"name=ltdate, type=INT32, logicaltype=DATE", func(i int) any { return int32(i) }},
	{"name=ltu32, type=INT32, logicaltype=INTEGER, logicaltype.bitwidth=32, logicaltype.issigned=false", func(i int) any {
		return int32(-i)
	}},
	{"name=ltdec, type=INT64, logicaltype=DECIMAL, logicaltype.precision=18, logicaltype.scale=3", func(i int) any {
		return int64(i)*7919 - 40_000_000
	}},
	{"name=nulls, type=DOUBLE, repetitiontype=OPTIONAL", func(int) any { return nil }},
}

// writeXitongsysFile writes rows rows of cols with xitongsys/parquet-go,
// in row groups of about groupBytes and pages of about pageBytes.
func writeXitongsysFile(t *testing.T, path string, cols []xitongsysColumn, rows int, groupBytes, pageBytes int64) {
	t.Helper()
	md := make([]string, len(cols))
	for i, c := range cols {
		md[i] = c.tag
	}
	file, err := local.NewLocalFileWriter(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := writer.NewCSVWriter(md, file, 1)
	if err != nil {
		t.Fatal(err)
	}
	w.CompressionType = xparquet.CompressionCodec_SNAPPY
	w.RowGroupSize = groupBytes
	w.PageSize = pageBytes
	for i := range rows {
		row := make([]any, len(cols))
		for c, col := range cols {
			row[c] = col.value(i)
		}
		if err := w.Write(row); err != nil {
			t.Fatalf("write row %d: %v", i, err)
		}
	}
	if err := w.WriteStop(); err != nil {
		t.Fatal(err)
	}
	if err := file.Close(); err != nil {
		t.Fatal(err)
	}
}

// pqgoColumn is one column of a test file written with parquet-go: its name,
// node, and value in row i (nil for null).
type pqgoColumn struct {
	name  string
	node  parquet.Node
	value func(i int) *parquet.Value
}

// pv wraps a value for pqgoColumn.value.
func pv(v parquet.Value) *parquet.Value { return &v }

// pqgoColumns covers the logical types parquet-go writes (with their
// converted types where there are some), dictionary, delta and
// byte-stream-split encodings, and nulls. Names sort in schema order.
var pqgoColumns = []pqgoColumn{
	{"a_ts_nanos", parquet.Optional(parquet.Timestamp(parquet.Nanosecond)), func(i int) *parquet.Value {
		if i%5 == 0 {
			return nil
		}
		return pv(parquet.Int64Value(int64(i)*1_234_567_891_011 - 3e18))
	}},
	{"b_ts_millis", parquet.Timestamp(parquet.Millisecond), func(i int) *parquet.Value {
		return pv(parquet.Int64Value(int64(i) * 86_400_017))
	}},
	{"c_ts_micros", parquet.Timestamp(parquet.Microsecond), func(i int) *parquet.Value {
		return pv(parquet.Int64Value(int64(i)*86_400_000_017 - 1e15))
	}},
	{"d_date", parquet.Optional(parquet.Date()), func(i int) *parquet.Value {
		if i%3 == 1 {
			return nil
		}
		return pv(parquet.Int32Value(int32(i - 5000)))
	}},
	{"e_uint32", parquet.Uint(32), func(i int) *parquet.Value { return pv(parquet.Int32Value(int32(uint32(i) * 2654435761))) }},
	{"f_uint64", parquet.Uint(64), func(i int) *parquet.Value {
		return pv(parquet.Int64Value(int64(uint64(i) * 0x9E3779B97F4A7C15)))
	}},
	{"g_dec_fixed", parquet.Decimal(2, 20, parquet.FixedLenByteArrayType(9)), func(i int) *parquet.Value {
		return pv(parquet.FixedLenByteArrayValue(twosComplement(big.NewInt(100+int64(i)*31337), 9)))
	}},
	{"h_dec_i32", parquet.Optional(parquet.Decimal(2, 9, parquet.Int32Type)), func(i int) *parquet.Value {
		if i%4 == 2 {
			return nil
		}
		return pv(parquet.Int32Value(int32(i*101 - 300_000)))
	}},
	{"i_dec_i64", parquet.Decimal(5, 18, parquet.Int64Type), func(i int) *parquet.Value {
		return pv(parquet.Int64Value(int64(i)*1_000_003 - 7_000_000_000))
	}},
	{"j_dec_bytes", parquet.Decimal(3, 30, parquet.ByteArrayType), func(i int) *parquet.Value {
		return pv(parquet.ByteArrayValue(twosComplement(big.NewInt(1000+int64(i)*7777), 0)))
	}},
	{"k_str_dict", parquet.Optional(parquet.Encoded(parquet.String(), &parquet.RLEDictionary)), func(i int) *parquet.Value {
		if i%6 == 0 {
			return nil
		}
		return pv(parquet.ByteArrayValue([]byte([]string{"web", "app", "moto", "test", ""}[i%5])))
	}},
	{"l_int_dict", parquet.Encoded(parquet.Leaf(parquet.Int64Type), &parquet.RLEDictionary), func(i int) *parquet.Value {
		return pv(parquet.Int64Value(int64(i%17) * 1000))
	}},
	{"m_double_dict", parquet.Optional(parquet.Encoded(parquet.Leaf(parquet.DoubleType), &parquet.RLEDictionary)), func(i int) *parquet.Value {
		if i%7 == 0 {
			return nil
		}
		return pv(parquet.DoubleValue(float64(i%9) * 0.1))
	}},
	{"n_bool", parquet.Optional(parquet.Leaf(parquet.BooleanType)), func(i int) *parquet.Value {
		if i%5 == 4 {
			return nil
		}
		return pv(parquet.BooleanValue(i%3 == 0))
	}},
	{"o_bool_req", parquet.Leaf(parquet.BooleanType), func(i int) *parquet.Value { return pv(parquet.BooleanValue(i%7 < 3)) }},
	{"p_uuid", parquet.UUID(), func(i int) *parquet.Value {
		var b [16]byte
		binary.BigEndian.PutUint64(b[:8], uint64(i))
		binary.BigEndian.PutUint64(b[8:], uint64(i)*0x9E3779B97F4A7C15)
		return pv(parquet.FixedLenByteArrayValue(b[:]))
	}},
	{"q_float", parquet.Leaf(parquet.FloatType), func(i int) *parquet.Value { return pv(parquet.FloatValue(float32(i) / 7)) }},
	{"r_json", parquet.Optional(parquet.JSON()), func(i int) *parquet.Value {
		if i%2 == 0 {
			return nil
		}
		return pv(parquet.ByteArrayValue(fmt.Appendf(nil, `{"n":%d}`, i)))
	}},
	{"s_int96", parquet.Leaf(parquet.Int96Type), func(i int) *parquet.Value {
		nanos := uint64(i%86400) * 1_000_000_007
		return pv(parquet.Int96Value(deprecated.Int96{uint32(nanos), uint32(nanos >> 32), uint32(2440588 - 1000 + i)}))
	}},
	{"t_delta_i32", parquet.Encoded(parquet.Leaf(parquet.Int32Type), &parquet.DeltaBinaryPacked), func(i int) *parquet.Value {
		return pv(parquet.Int32Value(int32(i * 3)))
	}},
	{"u_bss_double", parquet.Encoded(parquet.Leaf(parquet.DoubleType), &parquet.ByteStreamSplit), func(i int) *parquet.Value {
		return pv(parquet.DoubleValue(math.Cbrt(float64(i))))
	}},
	{"v_enum", parquet.Enum(), func(i int) *parquet.Value { return pv(parquet.ByteArrayValue([]byte([]string{"x", "y"}[i%2]))) }},
	{"w_time_millis", parquet.Time(parquet.Millisecond), func(i int) *parquet.Value { return pv(parquet.Int32Value(int32(i * 1000))) }},
	{"x_int8", parquet.Int(8), func(i int) *parquet.Value { return pv(parquet.Int32Value(int32(int8(i)))) }},
	{"y_delta_bytes", parquet.Encoded(parquet.String(), &parquet.DeltaByteArray), func(i int) *parquet.Value {
		return pv(parquet.ByteArrayValue(fmt.Appendf(nil, "id-%07d", i)))
	}},
	{"z_all_null", parquet.Optional(parquet.String()), func(int) *parquet.Value { return nil }},
}

// writePqgoFile writes rows rows of cols with parquet-go.
func writePqgoFile(t *testing.T, path string, cols []pqgoColumn, rows int, opts ...parquet.WriterOption) {
	t.Helper()
	group := parquet.Group{}
	for _, c := range cols {
		group[c.name] = c.node
	}
	schema := parquet.NewSchema("test", group)
	if !slices.IsSortedFunc(cols, func(a, b pqgoColumn) int { return strings.Compare(a.name, b.name) }) {
		t.Fatal("pqgo columns must be sorted by name")
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewWriter(f, append([]parquet.WriterOption{schema}, opts...)...)
	for i := range rows {
		row := make(parquet.Row, len(cols))
		for c, col := range cols {
			optional := col.node.Optional()
			v := col.value(i)
			switch {
			case v == nil:
				row[c] = parquet.NullValue().Level(0, 0, c)
			case optional:
				row[c] = v.Level(0, 1, c)
			default:
				row[c] = v.Level(0, 0, c)
			}
		}
		if _, err := w.WriteRows([]parquet.Row{row}); err != nil {
			t.Fatalf("write row %d: %v", i, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// fileShape reports a Parquet file's row groups, and whether some column
// chunk is dictionary-encoded and some data page is of version 2.
func fileShape(t *testing.T, path string) (groups int, dictionary bool) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, _ := f.Stat()
	pf, err := parquet.OpenFile(f, info.Size())
	if err != nil {
		t.Fatal(err)
	}
	md := pf.Metadata()
	for _, rg := range md.RowGroups {
		for _, c := range rg.Columns {
			for _, e := range c.MetaData.Encoding {
				if e == pqformat.PlainDictionary || e == pqformat.RLEDictionary {
					dictionary = true
				}
			}
		}
	}
	return len(md.RowGroups), dictionary
}

// TestParquetMatchesOracle writes files covering every type the reader
// converts, with nulls, several row groups and pages, and plain, dictionary,
// delta and byte-stream-split encodings, and checks that ParquetReader gives
// exactly the records (and errors) of the xitongsys-based reader it replaced.
func TestParquetMatchesOracle(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		write func(path string)
		rows  int
	}{
		{"xitongsys", func(path string) { writeXitongsysFile(t, path, xitongsysColumns, 20_000, 256<<10, 8<<10) }, 20_000},
		{"xitongsys one row", func(path string) { writeXitongsysFile(t, path, xitongsysColumns, 1, 1<<20, 8<<10) }, 1},
		{"parquet-go v2 snappy", func(path string) {
			writePqgoFile(t, path, pqgoColumns, 12_345, parquet.MaxRowsPerRowGroup(5000), parquet.PageBufferSize(4<<10),
				parquet.Compression(&parquet.Snappy))
		}, 12_345},
		{"parquet-go v1 zstd", func(path string) {
			writePqgoFile(t, path, pqgoColumns, 9_999, parquet.MaxRowsPerRowGroup(4096), parquet.PageBufferSize(2<<10),
				parquet.DataPageVersion(1), parquet.Compression(&parquet.Zstd))
		}, 9_999},
		{"parquet-go uncompressed, no rows", func(path string) {
			writePqgoFile(t, path, pqgoColumns, 0, parquet.Compression(&parquet.Uncompressed))
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".parquet")
			tt.write(path)
			if tt.rows > parquetBatch {
				groups, dict := fileShape(t, path)
				if groups < 2 || !dict {
					t.Fatalf("test file has %d row groups, dictionary encoding %t; want several and true", groups, dict)
				}
			}
			if n := compareWithOracle(t, path); n != tt.rows {
				t.Errorf("read %d rows, want %d", n, tt.rows)
			}
		})
	}
}

// TestParquetRowError checks that a value beyond float64 (a 40-byte decimal)
// is a *RowError naming the file, the row and the column, as it was with the
// oracle, and that reading continues with the next row.
func TestParquetRowError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.parquet")
	huge := new(big.Int).Lsh(big.NewInt(1), 1100) // about 1.4e331
	cols := []xitongsysColumn{
		{"name=id, type=INT64", func(i int) any { return int64(i) }},
		{"name=amount, type=FIXED_LEN_BYTE_ARRAY, length=140, convertedtype=DECIMAL, scale=2, precision=38, repetitiontype=OPTIONAL",
			func(i int) any {
				if i%1000 == 999 {
					return string(twosComplement(huge, 140))
				}
				return string(twosComplement(big.NewInt(int64(100+i)), 140))
			}},
	}
	writeXitongsysFile(t, path, cols, 5000, 64<<10, 8<<10)
	if n := compareWithOracle(t, path); n != 5000 {
		t.Fatalf("read %d rows, want 5000", n)
	}
	r, err := OpenParquet(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	outcomes := readOutcomes(t, r)
	var lines []int
	for i, o := range outcomes {
		var rowErr *RowError
		if errors.As(o.err, &rowErr) {
			if rowErr.File != path || rowErr.Line != i+1 || rowErr.Column != "amount" || !strings.Contains(rowErr.Error(), "decode decimal") {
				t.Errorf("row %d: error %#v", i+1, rowErr)
			}
			lines = append(lines, rowErr.Line)
		} else if o.err != nil {
			t.Fatalf("row %d: %v", i+1, o.err)
		}
	}
	if want := []int{1000, 2000, 3000, 4000, 5000}; !reflect.DeepEqual(lines, want) {
		t.Errorf("row errors on lines %v, want %v", lines, want)
	}
}

// TestParquetDecimalBytes checks byte-array decimals against hand-written
// values, where the oracle was wrong: it read the two's complement as
// unsigned (so -1.00 came out as 655.35 from two bytes), panicked on a
// value with fewer digits than the scale (0.05), and kept a decimal with
// only a logical type and a zero scale as raw bytes.
func TestParquetDecimalBytes(t *testing.T) {
	tests := []struct {
		unscaled int64
		scale    int
		want     float64
	}{
		{-100, 2, -1},
		{5, 2, 0.05},
		{-5, 3, -0.005},
		{0, 4, 0},
		{123456789, 4, 12345.6789},
		{-9_223_372_036_854_775_808, 0, -9_223_372_036_854_775_808},
		{12, 2, 0.12},
	}
	for _, tt := range tests {
		for _, size := range []int{0, 8, 9, 16} {
			b := twosComplement(big.NewInt(tt.unscaled), size)
			got, err := decimalBytes(b, tt.scale)
			if err != nil || got != tt.want {
				t.Errorf("decimalBytes(%x, %d) = %v, %v; want %v", b, tt.scale, got, err, tt.want)
			}
		}
	}

	path := filepath.Join(t.TempDir(), "decimals.parquet")
	cols := []pqgoColumn{
		{"a", parquet.Decimal(2, 20, parquet.FixedLenByteArrayType(9)), func(i int) *parquet.Value {
			return pv(parquet.FixedLenByteArrayValue(twosComplement(big.NewInt([]int64{-100, 5, -12345}[i]), 9)))
		}},
		{"b", parquet.Decimal(3, 30, parquet.ByteArrayType), func(i int) *parquet.Value {
			return pv(parquet.ByteArrayValue(twosComplement(big.NewInt([]int64{-1, 7, 1_000_000}[i]), 0)))
		}},
	}
	writePqgoFile(t, path, cols, 3)
	r, err := OpenParquet(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got := readAll(t, r)
	want := []Record{
		{Line: 1, Fields: map[string]any{"a": -1.0, "b": -0.001}},
		{Line: 2, Fields: map[string]any{"a": 0.05, "b": 0.007}},
		{Line: 3, Fields: map[string]any{"a": -123.45, "b": 1000.0}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("records = %v, want %v", got, want)
	}
}

// TestParquetLogicalDecimalScaleZero checks a byte-array decimal with a
// logical type of scale 0 and no converted type: a number, where the oracle
// gave its raw bytes as a string.
func TestParquetLogicalDecimalScaleZero(t *testing.T) {
	el := &pqformat.SchemaElement{Name: "n"}
	el.Type.V, el.Type.Valid = pqformat.ByteArray, true
	el.LogicalType.Value = &pqformat.DecimalType{Scale: 0, Precision: 10}
	cv, err := parquetConversion(el)
	if err != nil || cv.kind != pqDecimalBytes || cv.scale != 0 {
		t.Fatalf("conversion = %+v, %v; want a decimal of scale 0", cv, err)
	}
	var col parquetColumn
	value, n, err := cv.values(encoding.ByteArrayValues([]byte{0xff, 0x85}, []uint32{0, 2}), 1, &col)
	if err != nil || n != 1 {
		t.Fatalf("values: %d, %v", n, err)
	}
	if v, err := value(0); v != -123.0 || err != nil {
		t.Errorf("value = %v, %v; want -123", v, err)
	}
}

// TestParquetRefusesNested checks that nested and repeated columns are
// refused when the file is opened, naming the column, as the oracle did.
func TestParquetRefusesNested(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name   string
		node   parquet.Node
		value  parquet.Value
		errHas string
	}{
		{"list", parquet.List(parquet.String()), parquet.ByteArrayValue([]byte("x")), "nested parquet columns are not supported"},
		{"group", parquet.Group{"inner": parquet.Leaf(parquet.Int64Type)}, parquet.Int64Value(1), "nested parquet columns are not supported"},
		{"repeated", parquet.Repeated(parquet.String()), parquet.ByteArrayValue([]byte("x")), "repeated parquet columns are not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name+".parquet")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			schema := parquet.NewSchema("test", parquet.Group{"a_ok": parquet.String(), "b_bad": tt.node})
			w := parquet.NewWriter(f, schema)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			f.Close()
			_, oldErr := openOracleParquet(path)
			_, err = OpenParquet(path)
			if err == nil || !strings.Contains(err.Error(), tt.errHas) || !strings.Contains(err.Error(), `column "b_bad`) {
				t.Errorf("error = %v, want it to name column b_bad and contain %q", err, tt.errHas)
			}
			if oldErr == nil || !strings.Contains(oldErr.Error(), tt.errHas) {
				t.Errorf("oracle error = %v, want it to contain %q", oldErr, tt.errHas)
			}
		})
	}
}

// sharedDataDir is where TestParquetMatchesOracleOnData looks for more
// Parquet files; POC_PARQUET_DATA overrides it.
const sharedDataDir = "/work/shared/data"

// TestParquetMatchesOracleOnData compares the two readers on the shipped
// example and on every .parquet file under the shared data folder (or
// POC_PARQUET_DATA), which is read in place, never copied.
func TestParquetMatchesOracleOnData(t *testing.T) {
	t.Run("shipped example", func(t *testing.T) {
		n := compareWithOracle(t, filepath.Join("..", "experiments", "data", "card-transactions.parquet"))
		t.Logf("card-transactions.parquet: %d rows identical", n)
	})
	dir := sharedDataDir
	if d := os.Getenv("POC_PARQUET_DATA"); d != "" {
		dir = d
	}
	if testing.Short() {
		t.Skip("-short: not reading " + dir)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no data folder %s (%v): only the shipped example was compared", dir, err)
	}
	var paths []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.EqualFold(filepath.Ext(path), ".parquet") {
			paths = append(paths, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Skipf("no .parquet files under %s: only the shipped example was compared", dir)
	}
	for _, path := range paths {
		name, err := filepath.Rel(dir, path)
		if err != nil {
			name = path
		}
		t.Run(name, func(t *testing.T) {
			old, err := openOracleParquet(path)
			if err != nil {
				t.Skipf("the oracle does not read %s: %v", path, err)
			}
			old.Close()
			n := compareWithOracle(t, path)
			t.Logf("%s: %d rows identical", path, n)
		})
	}
}

// BenchmarkParquetReaders reads the benchmark file of BenchmarkScanParquet
// with ParquetReader and with the oracle it replaced, without Open's
// stream on top.
func BenchmarkParquetReaders(b *testing.B) {
	const rows = 200_000
	path := benchParquet(b, rows)
	readers := []struct {
		name string
		open func(string) (Reader, error)
	}{
		{"parquet-go", func(p string) (Reader, error) { return OpenParquet(p) }},
		{"xitongsys-oracle", func(p string) (Reader, error) { return openOracleParquet(p) }},
	}
	for _, rd := range readers {
		b.Run(rd.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r, err := rd.open(path)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for {
					_, err := r.Next()
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				r.Close()
				if n != rows {
					b.Fatalf("read %d rows, want %d", n, rows)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
