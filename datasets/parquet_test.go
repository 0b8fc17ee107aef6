package datasets

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParquetRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "all.parquet")
	cols := []Column{
		{"id", String}, {"amount", Float}, {"count", Int}, {"ok", Bool}, {"at", Timestamp},
	}
	at := time.Date(2024, 3, 4, 5, 6, 7, 123456000, time.UTC)
	rows := [][]any{
		{"a", 1.5, int64(3), true, at},
		{nil, nil, nil, nil, nil},
		{"c", -2.0, 7, false, "2024-01-02"},
		{"d", int64(4), 2.0, 1.0, float64(at.Unix())},
	}
	w, err := NewParquetWriter(path, cols)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, want := s.Columns(), []string{"id", "amount", "count", "ok", "at"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("columns = %q, want %q", got, want)
	}
	got := readAll(t, s)
	want := []Record{
		{Seq: 0, Line: 1, Fields: map[string]any{"id": "a", "amount": 1.5, "count": 3.0, "ok": true, "at": at}},
		{Seq: 1, Line: 2, Fields: map[string]any{"id": nil, "amount": nil, "count": nil, "ok": nil, "at": nil}},
		{Seq: 2, Line: 3, Fields: map[string]any{"id": "c", "amount": -2.0, "count": 7.0, "ok": false, "at": time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)}},
		{Seq: 3, Line: 4, Fields: map[string]any{"id": "d", "amount": 4.0, "count": 2.0, "ok": true, "at": at.Truncate(time.Second)}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("records =\n%#v\nwant\n%#v", got, want)
	}
}

func TestParquetWriterErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		cols   []Column
		row    []any
		errHas string
	}{
		{[]Column{{"a b", String}}, nil, "column name"},
		{[]Column{{"amount", Float}, {"Amount", Float}}, nil, "collide"},
		{[]Column{{"n", Int}}, []any{1.5}, `column "n"`},
		{[]Column{{"n", Float}}, []any{1.0, 2.0}, "has 2 values"},
		{[]Column{{"t", Timestamp}}, []any{"soon"}, "parse time"},
	}
	for i, tt := range tests {
		w, err := NewParquetWriter(filepath.Join(dir, fmt.Sprintf("%d.parquet", i)), tt.cols)
		if err == nil {
			err = w.Write(tt.row)
			w.Close()
		}
		if err == nil || !strings.Contains(err.Error(), tt.errHas) {
			t.Errorf("case %d: error = %v, want it to contain %q", i, err, tt.errHas)
		}
	}
}

// TestParquetBatches crosses batch boundaries and checks every row's values,
// with a filter and a stratified sample on top.
func TestParquetBatches(t *testing.T) {
	const n = 3*parquetBatch + 17
	path := filepath.Join(t.TempDir(), "many.parquet")
	w, err := NewParquetWriter(path, []Column{{"i", Int}, {"label", String}, {"maybe", Float}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		var maybe any
		if i%7 != 0 {
			maybe = float64(i) / 2
		}
		if err := w.Write([]any{i, fmt.Sprint(i % 4), maybe}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := OpenParquet(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			if i != n {
				t.Fatalf("read %d rows, want %d", i, n)
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var maybe any
		if i%7 != 0 {
			maybe = float64(i) / 2
		}
		if rec.Line != i+1 || rec.Fields["i"] != float64(i) || rec.Fields["label"] != fmt.Sprint(i%4) || rec.Fields["maybe"] != maybe {
			t.Fatalf("row %d = %+v", i, rec)
		}
	}
	r.Close()
	total, by, err := Count(path, Options{Filter: `maybe != nil`, Sample: &Sample{Size: 400, Seed: 3, Stratify: "label"}}, "label")
	if err != nil {
		t.Fatal(err)
	}
	if total != 400 || len(by) != 4 {
		t.Errorf("Count = %d, %v", total, by)
	}
}

// benchParquet writes the benchmark file once per process.
func benchParquet(b *testing.B, rows int) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("poc-datasets-bench-%d.parquet", rows))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + ".tmp"
	cols := []Column{
		{"txn_id", String}, {"amount", Float}, {"account_age_days", Int}, {"country", String},
		{"channel", String}, {"is_fraud", Bool}, {"model_score", Float}, {"created_at", Timestamp},
		{"txn_last_hour", Int}, {"analyst_decision", Int},
	}
	w, err := NewParquetWriter(tmp, cols)
	if err != nil {
		b.Fatal(err)
	}
	countries := []string{"FR", "DE", "US", "GB", "ES"}
	channels := []string{"web", "app", "pos", "test"}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		var score any = float64(i%1000) / 1000
		if i%50 == 0 {
			score = nil
		}
		row := []any{fmt.Sprintf("t%08d", i), float64(i%5000) + 0.25, i % 900, countries[i%5], channels[i%4],
			i%97 == 0, score, start.Add(time.Duration(i) * time.Second), i % 9, i % 2}
		if err := w.Write(row); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

func BenchmarkScanParquet(b *testing.B) {
	const rows = 200_000
	path := benchParquet(b, rows)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := s.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		s.Close()
		if n != rows {
			b.Fatalf("scanned %d rows, want %d", n, rows)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
