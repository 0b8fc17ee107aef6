package datasets

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// render shows records with the Go type of every value, one field a line,
// for golden files.
func render(columns []string, kinds map[string]Type, recs []Record) string {
	var b strings.Builder
	for _, c := range columns {
		fmt.Fprintf(&b, "%s: %s\n", c, kinds[c])
	}
	for _, rec := range recs {
		fmt.Fprintf(&b, "line %d:\n", rec.Line)
		for _, c := range columns {
			fmt.Fprintf(&b, "  %s = %#v (%T)\n", c, rec.Fields[c], rec.Fields[c])
		}
	}
	return b.String()
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

func TestInferenceGolden(t *testing.T) {
	// Text with "false", "007" and "7"; zip codes; numbers with text;
	// bools in any case; numbers with NaN, -Inf and NA; codes; empty cells;
	// markers only; a number too large for float64; 1 and 0.
	path := filepath.Join("testdata", "inference.csv")
	kinds, err := InferCSVTypes(path, ',')
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	golden(t, "inference.golden", render(s.Columns(), kinds, readAll(t, s)))
}

// writeFile writes content to name in a fresh temporary folder.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestInferColumn(t *testing.T) {
	tests := []struct {
		name  string
		cells []string
		want  Type
		first any // the value of the first cell
	}{
		{"text with false", []string{"hello", "false", "7"}, TypeString, "hello"},
		{"zip codes", []string{"02134", "10001"}, TypeString, "02134"},
		{"numbers and text", []string{"7", "12", "n/k"}, TypeString, "7"},
		{"all bool", []string{"true", "FALSE", "True"}, TypeBool, true},
		{"bool with a marker", []string{"false", "NA", ""}, TypeBool, false},
		{"numbers", []string{"-2", "3.5", ".5", "1e3"}, TypeNumber, -2.0},
		{"numbers with nan", []string{"nan", "1", "Infinity"}, TypeNumber, math.NaN()},
		{"numbers with null", []string{"NULL", "1"}, TypeNumber, nil},
		{"ones and zeros", []string{"1", "0"}, TypeNumber, 1.0},
		{"plus sign", []string{"+1", "2"}, TypeString, "+1"},
		{"hexadecimal", []string{"0x1F", "2"}, TypeString, "0x1F"},
		{"empty only", []string{"", ""}, TypeString, nil},
		{"markers only", []string{"NA", "N/A"}, TypeString, "NA"},
		{"overflow", []string{"1e999", "2"}, TypeString, "1e999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "c.csv", "v,k\n"+strings.Join(tt.cells, ",k\n")+",k\n")
			kinds, err := InferCSVTypes(path, ',')
			if err != nil {
				t.Fatal(err)
			}
			if kinds["v"] != tt.want || kinds["k"] != TypeString {
				t.Errorf("types = %v, want v %s", kinds, tt.want)
			}
			s, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			recs := readAll(t, s)
			if got := recs[0].Fields["v"]; !sameValue(got, tt.first) {
				t.Errorf("first value = %#v, want %#v", got, tt.first)
			}
		})
	}
}

// sameValue is reflect.DeepEqual with NaN equal to NaN.
func sameValue(a, b any) bool {
	fa, okA := a.(float64)
	fb, okB := b.(float64)
	if okA && okB && math.IsNaN(fa) && math.IsNaN(fb) {
		return true
	}
	return reflect.DeepEqual(a, b)
}

func TestFromText(t *testing.T) {
	at := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		typ    Type
		in     string
		want   any
		errHas string
	}{
		{TypeString, "007", "007", ""},
		{TypeString, "NA", "NA", ""},
		{TypeCategory, "-2", "-2", ""},
		{TypeString, "", nil, ""},
		{TypeNumber, "007", 7.0, ""},
		{TypeNumber, " 2.5 ", 2.5, ""},
		{TypeNumber, "-Inf", math.Inf(-1), ""},
		{TypeNumber, "NaN", math.NaN(), ""},
		{TypeNumber, "NA", nil, ""},
		{TypeNumber, "1e999", math.Inf(1), ""},
		{TypeNumber, "abc", nil, `"abc" is not a number`},
		{TypeBool, "TRUE", true, ""},
		{TypeBool, "0", false, ""},
		{TypeBool, "yes", nil, `"yes" is not a bool`},
		{TypeTime, "2024-01-02", at, ""},
		{TypeTime, "null", nil, ""},
		{TypeTime, "soon", nil, `"soon" is not a time`},
	}
	for _, tt := range tests {
		got, err := tt.typ.FromText(tt.in)
		if tt.errHas != "" {
			if err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Errorf("%s.FromText(%q) error = %v, want it to contain %q", tt.typ, tt.in, err, tt.errHas)
			}
			continue
		}
		if err != nil || !sameValue(got, tt.want) {
			t.Errorf("%s.FromText(%q) = %#v, %v; want %#v", tt.typ, tt.in, got, err, tt.want)
		}
	}
}

func TestConvert(t *testing.T) {
	at := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		typ    Type
		in     any
		want   any
		errHas string
	}{
		{TypeCategory, 2.0, "2", ""},
		{TypeCategory, -2.5, "-2.5", ""},
		{TypeString, true, "1", ""},
		{TypeString, map[string]any{"a": 1.0}, `{"a":1}`, ""},
		{TypeString, nil, nil, ""},
		{TypeNumber, "3.5", 3.5, ""},
		{TypeNumber, int64(4), 4.0, ""},
		{TypeNumber, true, nil, "the bool true is not a number"},
		{TypeNumber, at, nil, "is not a number"},
		{TypeBool, 1.0, true, ""},
		{TypeBool, 2.0, nil, "the number 2 is not a bool"},
		{TypeBool, "False", false, ""},
		{TypeTime, "2024-01-02", at, ""},
		{TypeTime, float64(at.Unix()), at, ""},
		{TypeTime, false, nil, "the bool false is not a time"},
	}
	for _, tt := range tests {
		got, err := tt.typ.Convert(tt.in)
		if tt.errHas != "" {
			if err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Errorf("%s.Convert(%#v) error = %v, want it to contain %q", tt.typ, tt.in, err, tt.errHas)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s.Convert(%#v) = %#v, %v; want %#v", tt.typ, tt.in, got, err, tt.want)
		}
	}
}

func TestParseType(t *testing.T) {
	tests := []struct {
		in     string
		want   Type
		errHas string
	}{
		{"category", TypeCategory, ""},
		{"number", TypeNumber, ""},
		{"catgory", "", `did you mean "category"?`},
		{"categorical", "", `did you mean "category"?`},
		{"integer", "", `did you mean "number"?`},
		{"Boolean", "", `did you mean "bool"?`},
		{"money", "", "types: string, category, number, bool, time"},
	}
	for _, tt := range tests {
		got, err := ParseType(tt.in)
		if got != tt.want || (err == nil) != (tt.errHas == "") || err != nil && !strings.Contains(err.Error(), tt.errHas) {
			t.Errorf("ParseType(%q) = %q, %v; want %q, error with %q", tt.in, got, err, tt.want, tt.errHas)
		}
	}
}

// declared are the types the format tests declare, and want the values
// every format must then yield for the rows of writeFormats.
var (
	declared = map[string]Type{
		"code": TypeCategory, "amount": TypeNumber, "flag": TypeBool, "at": TypeTime, "zip": TypeString,
	}
	declaredWant = []map[string]any{
		{"code": "-2", "amount": 12.5, "flag": true, "at": time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), "zip": "02134"},
		{"code": "8", "amount": 3.0, "flag": false, "at": time.Date(2024, 1, 3, 4, 5, 6, 0, time.UTC), "zip": nil},
	}
)

// writeFormats writes the same two rows as CSV, JSON Lines and Parquet, each
// format writing them its own way (numbers as numbers, times as text or
// timestamps), plus a third row whose amount is not a number; it returns
// the paths.
func writeFormats(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "d.csv")
	csv := "code,amount,flag,at,zip\n-2,12.5,TRUE,2024-01-02,02134\n8,3,0,2024-01-03T04:05:06Z,\n1,lots,1,2024-01-04,1\n"
	jsonPath := filepath.Join(dir, "d.jsonl")
	jsonl := `{"code": -2, "amount": 12.5, "flag": true, "at": "2024-01-02", "zip": "02134"}` + "\n" +
		`{"code": 8, "amount": "3", "flag": 0, "at": 1704254706, "zip": null}` + "\n" +
		`{"code": 1, "amount": "lots", "flag": 1, "at": "2024-01-04", "zip": "1"}` + "\n"
	for path, content := range map[string]string{csvPath: csv, jsonPath: jsonl} {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pqPath := filepath.Join(dir, "d.parquet")
	w, err := NewParquetWriter(pqPath, []Column{{"code", Int}, {"amount", String}, {"flag", Int}, {"at", Timestamp}, {"zip", String}})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range [][]any{
		{int64(-2), "12.5", int64(1), "2024-01-02", "02134"},
		{int64(8), "3", int64(0), "2024-01-03T04:05:06Z", nil},
		{int64(1), "lots", int64(1), "2024-01-04", "1"},
	} {
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return []string{csvPath, jsonPath, pqPath}
}

func TestDeclaredTypesEveryFormat(t *testing.T) {
	for _, path := range writeFormats(t) {
		t.Run(filepath.Ext(path), func(t *testing.T) {
			s, err := Open(path, Options{Types: declared, SkipBadRows: true})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			recs := readAll(t, s)
			if len(recs) != len(declaredWant) {
				t.Fatalf("got %d records, want %d", len(recs), len(declaredWant))
			}
			for i, rec := range recs {
				if !reflect.DeepEqual(rec.Fields, declaredWant[i]) {
					t.Errorf("record %d = %#v, want %#v", i, rec.Fields, declaredWant[i])
				}
			}
			// The third row's amount is "lots": skipped, counted, and kept
			// for the report with its line, column, value and fix.
			st, skipped := s.Stats(), s.SkippedRows()
			if st.Skipped != 1 || st.Read != 3 || len(skipped) != 1 {
				t.Fatalf("stats = %+v, skipped = %v", st, skipped)
			}
			re := skipped[0]
			msg := re.Error()
			if re.Line != 3+btoi(filepath.Ext(path) == ".csv") || re.Column != "amount" ||
				!strings.Contains(msg, `"lots" is not a number`) || !strings.Contains(msg, "declare the column string") {
				t.Errorf("skipped row = %+v (%s)", re, msg)
			}
		})
	}
}

// btoi is 1 for true, 0 for false.
func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestDeclaredTypeErrorStopsTheStream(t *testing.T) {
	for _, path := range writeFormats(t) {
		t.Run(filepath.Ext(path), func(t *testing.T) {
			_, _, err := Count(path, Options{Types: declared}, "")
			var re *RowError
			if !errors.As(err, &re) || re.Column != "amount" || !strings.HasPrefix(err.Error(), filepath.Base(path)+":") {
				t.Errorf("error = %v, want a RowError on column amount", err)
			}
		})
	}
}

func TestDeclaredTypesChecked(t *testing.T) {
	tests := []struct {
		types  map[string]Type
		errHas string
	}{
		{map[string]Type{"amout": TypeNumber}, `declared column "amout" does not exist; did you mean "amount"?`},
		{map[string]Type{"amount": "money"}, `column "amount": unknown column type "money"`},
		{map[string]Type{"band": TypeCategory}, ""}, // a derived column
	}
	for _, tt := range tests {
		_, err := Open("testdata/tickets.csv", Options{Types: tt.types, Derive: []Derived{{Name: "band", Expr: "amount > 100 ? 1 : 0"}}})
		if (err == nil) != (tt.errHas == "") || err != nil && !strings.Contains(err.Error(), tt.errHas) {
			t.Errorf("Open with %v: error = %v, want %q", tt.types, err, tt.errHas)
		}
	}
}

func TestDerivedAndFilterSeeTypedValues(t *testing.T) {
	// id is text by inference ("007"); declared number, 7 is a number the
	// derived column and the filter compare as one, and the derived band,
	// declared category, is "1" rather than 1.
	s, err := Open("testdata/tickets.csv", Options{
		Types:  map[string]Type{"id": TypeNumber, "band": TypeCategory, "is_fraud": TypeBool},
		Derive: []Derived{{Name: "band", Expr: "id > 2 ? 1 : 0"}},
		Filter: `band == "1" || is_fraud`,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var got []string
	for _, rec := range readAll(t, s) {
		got = append(got, fmt.Sprintf("%v:%v", rec.Fields["id"], rec.Fields["band"]))
	}
	if want := []string{"7:1", "3:1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("records = %q, want %q", got, want)
	}
}

func TestInferCacheInvalidation(t *testing.T) {
	path := writeFile(t, "c.csv", "v\n1\n2\n")
	scans := func() int64 { return inferScans.Load() }
	typeOf := func() Type {
		t.Helper()
		kinds, err := InferCSVTypes(path, ',')
		if err != nil {
			t.Fatal(err)
		}
		return kinds["v"]
	}
	start := scans()
	steps := []struct {
		what     string
		change   func()
		want     Type
		newScans int64
	}{
		{"first read", func() {}, TypeNumber, 1},
		{"unchanged", func() {}, TypeNumber, 0},
		{"other size", func() { os.WriteFile(path, []byte("v\n1\nx\n"), 0o644) }, TypeString, 1},
		{"same size, new time", func() {
			os.WriteFile(path, []byte("v\n1\n3\n"), 0o644)
			later := time.Now().Add(time.Hour)
			os.Chtimes(path, later, later)
		}, TypeNumber, 1},
	}
	for _, st := range steps {
		before := scans()
		st.change()
		if got := typeOf(); got != st.want {
			t.Errorf("%s: type = %s, want %s", st.what, got, st.want)
		}
		if n := scans() - before; n != st.newScans {
			t.Errorf("%s: %d scans, want %d", st.what, n, st.newScans)
		}
	}
	// Opening and reading through Open (twice, with a sample that reads
	// the file twice) uses the cache as well.
	before := scans()
	for range 2 {
		if _, _, err := Count(path, Options{Sample: &Sample{Size: 1, Seed: 1}}, "v"); err != nil {
			t.Fatal(err)
		}
	}
	if n := scans() - before; n != 0 {
		t.Errorf("Open scanned %d more times, want 0", n)
	}
	if scans()-start != 3 {
		t.Errorf("%d scans in all, want 3", scans()-start)
	}
}

func TestAllDeclaredSkipsTheScan(t *testing.T) {
	path := writeFile(t, "c.csv", "a,b\n1,x\n")
	before := inferScans.Load()
	r, err := OpenCSV(path, ',')
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.DeclareTypes(map[string]Type{"a": TypeCategory, "b": TypeString}); err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, r)
	if len(recs) != 1 || recs[0].Fields["a"] != "1" || inferScans.Load() != before {
		t.Errorf("records = %v, scans = %d", recs, inferScans.Load()-before)
	}
	kinds, _ := r.Types()
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	sort.Strings(names)
	if strings.Join(names, ",") != "category,string" {
		t.Errorf("types = %v", kinds)
	}
	if err := r.DeclareTypes(map[string]Type{"a": TypeNumber}); err == nil {
		t.Error("declaring types after reading began was accepted")
	}
}
