package datasets

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// benchCSV writes (once, in the temporary folder) a CSV of card-like
// transactions: an id, a time, codes, text, numbers and 0/1 flags, 12
// columns, most of them numbers that keep the type scan going to the end.
func benchCSV(b *testing.B, rows int) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("poc-bench-%d.csv", rows))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	var sb strings.Builder
	sb.WriteString("txn_id,created_at,customer,country,channel,amount,account_age_days,txn_last_hour,is_foreign,is_fraud,model_score,latency_ms\n")
	countries := []string{"FR", "DE", "US", "GB", "ES"}
	channels := []string{"web", "app", "pos"}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		fmt.Fprintf(&sb, "T%08d,%s,C%06d,%s,%s,%.2f,%d,%d,%d,%d,%.4f,%.2f\n", i,
			start.Add(time.Duration(i)*time.Second).Format(time.RFC3339), i%100000, countries[i%5], channels[i%3],
			float64(i%5000)+0.25, i%900, i%7, i%11/10, i%97/96, float64(i%1000)/1000, 10+float64(i%300)/7)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkInferCSVTypes is the type scan alone (the cache is bypassed).
func BenchmarkInferCSVTypes(b *testing.B) {
	const rows = 200_000
	path := benchCSV(b, rows)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := scanTypes(path, ','); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkReadCSV reads every record through Open with the types known
// (inferred once, then cached), as every reading of a run after the first.
func BenchmarkReadCSV(b *testing.B) {
	const rows = 200_000
	path := benchCSV(b, rows)
	if _, err := InferCSVTypes(path, ','); err != nil {
		b.Fatal(err)
	}
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
			b.Fatalf("read %d rows, want %d", n, rows)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
