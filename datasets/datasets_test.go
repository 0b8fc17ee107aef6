package datasets

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// readAll drains a reader, failing the test on any error.
func readAll(t *testing.T, r Reader) []Record {
	t.Helper()
	var out []Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("next: %v", err)
		}
		out = append(out, rec)
	}
}

func TestParseCell(t *testing.T) {
	tests := []struct {
		in   string
		want any
	}{
		{"", nil},
		{"true", true},
		{"FALSE", false},
		{"True", true},
		{"12", 12.0},
		{"-3.5", -3.5},
		{"0", 0.0},
		{"0.25", 0.25},
		{".5", 0.5},
		{"1e3", 1000.0},
		{"-0", math.Copysign(0, -1)},
		{"007", "007"},
		{"+1", "+1"},
		{"NaN", "NaN"},
		{"Inf", "Inf"},
		{"-Inf", "-Inf"},
		{"0x1F", "0x1F"},
		{"1_000", "1_000"},
		{"1e999", "1e999"},
		{"12abc", "12abc"},
		{"-", "-"},
		{"yes", "yes"},
		{" 1", " 1"},
	}
	for _, tt := range tests {
		got := ParseCell(tt.in)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseCell(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

func TestParseTime(t *testing.T) {
	want := time.Date(2024, 1, 2, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in      any
		want    time.Time
		wantErr bool
	}{
		{want, want, false},
		{"2024-01-02T10:00:00Z", want, false},
		{"2024-01-02T11:00:00+01:00", want, false},
		{"2024-01-02T10:00:00.000Z", want, false},
		{"2024-01-02 10:00:00", want, false},
		{"2024-01-02T10:00:00", want, false},
		{"2024-01-02", time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), false},
		{float64(want.Unix()), want, false},
		{int64(want.Unix()), want, false},
		{"yesterday", time.Time{}, true},
		{nil, time.Time{}, true},
		{true, time.Time{}, true},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseTime(%v) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("ParseTime(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestFormatFor(t *testing.T) {
	tests := []struct {
		path, explicit, want, errHas string
	}{
		{"a.csv", "", "csv", ""},
		{"A.CSV", "", "csv", ""},
		{"a.tsv", "", "tsv", ""},
		{"a.jsonl", "", "jsonl", ""},
		{"a.NDJSON", "", "jsonl", ""},
		{"a.txt", "csv", "csv", ""},
		{"a.txt", "", "", "known formats: csv"},
		{"noext", "", "", "no file extension"},
		{"a.csv", "xml", "", `unknown format "xml"`},
	}
	for _, tt := range tests {
		got, err := FormatFor(tt.path, tt.explicit)
		if tt.errHas != "" {
			if err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Errorf("FormatFor(%q, %q) error = %v, want it to contain %q", tt.path, tt.explicit, err, tt.errHas)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("FormatFor(%q, %q) = %q, %v, want %q", tt.path, tt.explicit, got, err, tt.want)
		}
	}
}

func TestRegisterFormatDuplicatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("registering csv twice did not panic")
		}
	}()
	RegisterFormat("csv", nil, func(string) (Reader, error) { return nil, nil })
}

func TestCSVReader(t *testing.T) {
	r, err := OpenCSV("testdata/tickets.csv", ',')
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got, want := r.Columns(), []string{"id", "amount", "channel", "is_fraud", "note", "created_at"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("columns = %q, want %q (BOM must be stripped)", got, want)
	}
	recs := readAll(t, r)
	want := []Record{
		// Types are per column: "007" makes id text, and true, FALSE and 1
		// in one column are text too (declare it bool to read them as bools).
		{Line: 2, Fields: map[string]any{"id": "007", "amount": 12.5, "channel": "web", "is_fraud": "true", "note": nil, "created_at": "2024-01-02 10:00:00"}},
		{Line: 3, Fields: map[string]any{"id": "2", "amount": 1500.0, "channel": "test", "is_fraud": "FALSE", "note": "hello, world", "created_at": "2024-01-03"}},
		{Line: 4, Fields: map[string]any{"id": "3", "amount": -3.0, "channel": "app", "is_fraud": "1", "note": "+1", "created_at": "2024-01-04T05:06:07Z"}},
	}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("records =\n%#v\nwant\n%#v", recs, want)
	}
}

func TestTSVThroughOpen(t *testing.T) {
	s, err := Open("testdata/tickets.tsv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	recs := readAll(t, s)
	if len(recs) != 2 || recs[0].Fields["amount"] != 2.5 || recs[1].Fields["channel"] != "app" || recs[1].Seq != 1 {
		t.Errorf("records = %#v", recs)
	}
}

func TestCSVBadRows(t *testing.T) {
	r, err := OpenCSV("testdata/ragged.csv", ',')
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var lines []int
	var errLines []int
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var re *RowError
		if errors.As(err, &re) {
			errLines = append(errLines, re.Line)
			if !strings.HasPrefix(re.Error(), fmt.Sprintf("ragged.csv:%d: ", re.Line)) {
				t.Errorf("error text %q does not start with file:line", re.Error())
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, rec.Line)
	}
	if want := []int{2, 4, 6}; !reflect.DeepEqual(lines, want) {
		t.Errorf("good lines = %v, want %v", lines, want)
	}
	if want := []int{3, 5}; !reflect.DeepEqual(errLines, want) {
		t.Errorf("bad lines = %v, want %v", errLines, want)
	}
}

func TestJSONLReader(t *testing.T) {
	r, err := OpenJSONL("testdata/events.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got, want := r.Columns(), []string{"id", "amount", "ok", "meta", "missing"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("columns = %q, want %q", got, want)
	}
	recs := readAll(t, r)
	want := []Record{
		{Line: 1, Fields: map[string]any{"id": "e1", "amount": 12.5, "ok": true, "meta": map[string]any{"k": []any{1.0, 2.0}}, "missing": nil}},
		{Line: 3, Fields: map[string]any{"id": "e2", "amount": 7.0, "ok": false, "meta": map[string]any{}, "extra": "x"}},
		{Line: 4, Fields: map[string]any{"id": "e3", "amount": -1.0, "ok": true}},
	}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("records =\n%#v\nwant\n%#v", recs, want)
	}
}

func TestJSONLBadLines(t *testing.T) {
	r, err := OpenJSONL("testdata/bad.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var good, bad []int
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var re *RowError
		if errors.As(err, &re) {
			bad = append(bad, re.Line)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		good = append(good, rec.Line)
	}
	if want := []int{1, 2, 6}; !reflect.DeepEqual(good, want) {
		t.Errorf("good lines = %v, want %v", good, want)
	}
	if want := []int{4, 5}; !reflect.DeepEqual(bad, want) {
		t.Errorf("bad lines = %v, want %v", bad, want)
	}
}

func TestRowErrorText(t *testing.T) {
	inner := errors.New("not a number")
	e := &RowError{File: "data/tickets.csv", Line: 12, Column: "amount", Err: inner}
	if got, want := e.Error(), `tickets.csv:12: column "amount": not a number`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(e, inner) {
		t.Error("errors.Is does not reach the wrapped error")
	}
}

func TestOpenBadRows(t *testing.T) {
	tests := []struct {
		path        string
		skip        bool
		wantYield   int
		wantSkipped int
		wantErrLine int
	}{
		{"testdata/ragged.csv", false, 1, 0, 3},
		{"testdata/ragged.csv", true, 3, 2, 0},
		{"testdata/bad.jsonl", false, 2, 0, 4},
		{"testdata/bad.jsonl", true, 3, 2, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/skip=%v", filepath.Base(tt.path), tt.skip), func(t *testing.T) {
			s, err := Open(tt.path, Options{SkipBadRows: tt.skip})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			yielded := 0
			for {
				_, err := s.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					var re *RowError
					if !errors.As(err, &re) || re.Line != tt.wantErrLine {
						t.Fatalf("error = %v, want a RowError at line %d", err, tt.wantErrLine)
					}
					break
				}
				yielded++
			}
			if tt.wantErrLine == 0 {
				st := s.Stats()
				if st.Skipped != tt.wantSkipped || len(s.SkippedRows()) != tt.wantSkipped || st.Read != tt.wantYield+tt.wantSkipped {
					t.Errorf("stats = %+v, skipped rows %d", st, len(s.SkippedRows()))
				}
			}
			if yielded != tt.wantYield {
				t.Errorf("yielded %d, want %d", yielded, tt.wantYield)
			}
		})
	}
}

func TestOpenRequire(t *testing.T) {
	_, err := Open("testdata/tickets.csv", Options{Require: []string{"id", "ammount"}})
	if err == nil {
		t.Fatal("missing column accepted")
	}
	for _, part := range []string{`"ammount"`, "tickets.csv", `did you mean "amount"?`} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not contain %q", err, part)
		}
	}
}

func TestFilter(t *testing.T) {
	tests := []struct {
		filter  string
		types   map[string]Type
		wantIDs []string
		errHas  string
	}{
		{`channel != "test"`, nil, []string{"007", "3"}, ""},
		{`amount > 100 || is_fraud == true`, map[string]Type{"is_fraud": TypeBool}, []string{"007", "2", "3"}, ""},
		{`amount > 100 || is_fraud == "true"`, nil, []string{"007", "2"}, ""},
		{`note == nil`, nil, []string{"007"}, ""},
		{`chanel == "web"`, nil, nil, "chanel"},
		{`amount +`, nil, nil, "filter"},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			if err := CompileFilter(tt.filter, []string{"id", "amount", "channel", "is_fraud", "note", "created_at"}); (err != nil) != (tt.errHas != "") {
				t.Errorf("CompileFilter error = %v", err)
			}
			s, err := Open("testdata/tickets.csv", Options{Filter: tt.filter, Types: tt.types})
			if tt.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var ids []string
			for i, rec := range readAll(t, s) {
				if rec.Seq != i {
					t.Errorf("seq = %d, want %d", rec.Seq, i)
				}
				ids = append(ids, rec.String("id"))
			}
			if !reflect.DeepEqual(ids, tt.wantIDs) {
				t.Errorf("ids = %q, want %q", ids, tt.wantIDs)
			}
			if st := s.Stats(); st.FilteredOut != 3-len(tt.wantIDs) || st.Read != 3 {
				t.Errorf("stats = %+v", st)
			}
		})
	}
}

func TestFilterEvaluationErrorIsRowError(t *testing.T) {
	// note is empty (nil) on line 2: comparing nil with a number fails.
	s, err := Open("testdata/tickets.csv", Options{Filter: `note > 3`})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.Next()
	var re *RowError
	if !errors.As(err, &re) || re.Line != 2 {
		t.Fatalf("error = %v, want a RowError at line 2", err)
	}
}

// writeLabelled writes a CSV of n rows whose label is "pos" for every tenth
// row, and returns its path.
func writeLabelled(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("id,label,group\n")
	for i := range n {
		label := "neg"
		if i%10 == 0 {
			label = "pos"
		}
		fmt.Fprintf(&b, "%d,%s,%d\n", i, label, i%3)
	}
	path := filepath.Join(t.TempDir(), "labelled.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// sampleLines opens path with a sample and returns the yielded lines.
func sampleLines(t *testing.T, path string, opt Options) []int {
	t.Helper()
	s, err := Open(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var lines []int
	for i, rec := range readAll(t, s) {
		if rec.Seq != i {
			t.Fatalf("seq = %d, want %d", rec.Seq, i)
		}
		if len(lines) > 0 && rec.Line <= lines[len(lines)-1] {
			t.Fatalf("lines not in file order: %d after %d", rec.Line, lines[len(lines)-1])
		}
		lines = append(lines, rec.Line)
	}
	return lines
}

func TestSampleReproducible(t *testing.T) {
	path := writeLabelled(t, 1000)
	a := sampleLines(t, path, Options{Sample: &Sample{Size: 50, Seed: 7}})
	b := sampleLines(t, path, Options{Sample: &Sample{Size: 50, Seed: 7}})
	c := sampleLines(t, path, Options{Sample: &Sample{Size: 50, Seed: 8}})
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed gave different samples")
	}
	if reflect.DeepEqual(a, c) {
		t.Error("different seeds gave the same sample")
	}
}

func TestSampleSizes(t *testing.T) {
	path := writeLabelled(t, 1000)
	tests := []struct {
		name   string
		opt    Options
		want   int
		errHas string
	}{
		{"size", Options{Sample: &Sample{Size: 123, Seed: 1}}, 123, ""},
		{"size above N", Options{Sample: &Sample{Size: 5000, Seed: 1}}, 1000, ""},
		{"fraction", Options{Sample: &Sample{Fraction: 0.2345, Seed: 1}}, 235, ""},
		{"fraction after filter", Options{Filter: `label == "pos"`, Sample: &Sample{Fraction: 0.5, Seed: 1}}, 50, ""},
		{"stratified", Options{Sample: &Sample{Size: 77, Seed: 1, Stratify: "label"}}, 77, ""},
		{"both", Options{Sample: &Sample{Size: 5, Fraction: 0.5}}, 0, "both"},
		{"neither", Options{Sample: &Sample{}}, 0, "size or a fraction"},
		{"bad fraction", Options{Sample: &Sample{Fraction: 1.5}}, 0, "outside"},
		{"bad stratify", Options{Sample: &Sample{Size: 5, Stratify: "lable"}}, 0, `did you mean "label"?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			total, _, err := Count(path, tt.opt, "")
			if tt.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if total != tt.want {
				t.Errorf("count = %d, want %d", total, tt.want)
			}
		})
	}
}

func TestSampleStratified(t *testing.T) {
	path := writeLabelled(t, 1000) // 100 pos, 900 neg
	tests := []struct {
		size int
		want map[string]int
	}{
		{100, map[string]int{"pos": 10, "neg": 90}},
		{15, map[string]int{"pos": 1, "neg": 14}}, // 1.5 and 13.5: the tie goes to the smaller key
		{5, map[string]int{"pos": 1, "neg": 4}},   // at least one per stratum
		{1, map[string]int{"neg": 1}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.size), func(t *testing.T) {
			for _, seed := range []uint64{1, 2, 3} {
				total, by, err := Count(path, Options{Sample: &Sample{Size: tt.size, Seed: seed, Stratify: "label"}}, "label")
				if err != nil {
					t.Fatal(err)
				}
				if total != tt.size || !reflect.DeepEqual(by, tt.want) {
					t.Errorf("seed %d: total %d, by label %v, want %d, %v", seed, total, by, tt.size, tt.want)
				}
			}
		})
	}
}

func TestAllocate(t *testing.T) {
	tests := []struct {
		k      int
		counts map[string]int
		want   map[string]int
	}{
		{10, map[string]int{"a": 50, "b": 30, "c": 20}, map[string]int{"a": 5, "b": 3, "c": 2}},
		{4, map[string]int{"a": 97, "b": 2, "c": 1}, map[string]int{"a": 2, "b": 1, "c": 1}},
		{7, map[string]int{"a": 1, "b": 1, "c": 1}, map[string]int{"a": 1, "b": 1, "c": 1}},
		{0, map[string]int{"a": 1}, map[string]int{"a": 0}},
	}
	for _, tt := range tests {
		got := allocate(tt.k, tt.counts)
		for key, want := range tt.want {
			if got[key] != want {
				t.Errorf("allocate(%d, %v) = %v, want %v", tt.k, tt.counts, got, tt.want)
				break
			}
		}
	}
}

func TestCountBy(t *testing.T) {
	total, by, err := Count("testdata/tickets.csv", Options{Types: map[string]Type{"is_fraud": TypeBool}}, "is_fraud")
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"1": 2, "0": 1}; total != 3 || !reflect.DeepEqual(by, want) {
		t.Errorf("Count = %d, %v, want 3, %v", total, by, want)
	}
	if _, _, err := Count("testdata/tickets.csv", Options{}, "lable"); err == nil {
		t.Error("grouping by a missing column was accepted")
	}
}

func TestCSVUnnamedColumnGetsAPositionalName(t *testing.T) {
	s, err := Open("testdata/unnamed-index.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.Columns(); !reflect.DeepEqual(got, []string{"column_1", "Time", "Amount", "Class"}) {
		t.Fatalf("columns = %v", got)
	}
	rec, err := s.Next()
	if err != nil || rec.Fields["column_1"] != 0.0 || rec.Fields["Class"] != 0.0 {
		t.Fatalf("first record %v, %v", rec.Fields, err)
	}
}

func TestDerivedColumns(t *testing.T) {
	s, err := Open("testdata/unnamed-index.csv", Options{
		Derive: []Derived{
			{Name: "size", Expr: `Amount >= 50 ? "large" : "small"`},
			{Name: "large_fraud", Expr: `size == "large" && Class == 1`},
		},
		Filter: `size == "large"`,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.Columns(); !reflect.DeepEqual(got[len(got)-2:], []string{"size", "large_fraud"}) {
		t.Fatalf("columns = %v", got)
	}
	rec, err := s.Next()
	if err != nil || rec.Fields["size"] != "large" || rec.Fields["large_fraud"] != true || s.Stats().FilteredOut != 1 {
		t.Fatalf("record %v, stats %+v, err %v", rec.Fields, s.Stats(), err)
	}
	for _, tc := range []struct {
		d    Derived
		want string
	}{
		{Derived{Name: "x", Expr: "Amont > 1"}, `did you mean "Amount"?`},
		{Derived{Name: "Class", Expr: "1"}, `already a column`},
	} {
		if _, err := Open("testdata/unnamed-index.csv", Options{Derive: []Derived{tc.d}}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("derive %+v: err %v, want %q", tc.d, err, tc.want)
		}
	}
}
