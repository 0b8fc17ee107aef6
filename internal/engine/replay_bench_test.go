package engine_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/poc-harness/poc/baselines"
	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/engine"
	"github.com/poc-harness/poc/internal/gen/cardfraud"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
)

// The replay benchmarks compare a full replay of N card transactions from
// Parquet — rules pipeline, core metrics, journal written to disk — with a
// plain scan of the same file by the same reader. Results and the command
// that reproduces them: bench/RESULTS.md.

// benchFile returns a Parquet file of n generated transactions, cached in
// the temporary folder across benchmark runs.
func benchFile(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("poc-bench-cardfraud-%d.parquet", n))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + ".tmp"
	if err := cardfraud.WriteParquet(tmp, cardfraud.Generate(n, cardfraud.DefaultSeed)); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

var benchSizes = []int{250_000, 1_000_000}

// peakHeap samples the heap in use until stop is called and returns the peak.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var ms runtime.MemStats
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 { close(done); <-finished; return peak.Load() }
}

// eachSize runs one pass of the benchmark over the generated file of each
// size, reporting records per second and the peak heap. pass returns the
// number of records it handled.
func eachSize(b *testing.B, pass func(b *testing.B, s *datasets.Stream) int) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			path := benchFile(b, n)
			runtime.GC()
			stop := peakHeap()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				s, err := datasets.Open(path, datasets.Options{})
				if err != nil {
					b.Fatal(err)
				}
				got := pass(b, s)
				s.Close()
				if got != n {
					b.Fatalf("handled %d records, want %d", got, n)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(stop())/(1<<20), "peak-heap-MB")
		})
	}
}

func BenchmarkScanParquet(b *testing.B) {
	eachSize(b, func(b *testing.B, s *datasets.Stream) int {
		count := 0
		for {
			_, err := s.Next()
			if err == io.EOF {
				return count
			}
			if err != nil {
				b.Fatal(err)
			}
			count++
		}
	})
}

func BenchmarkReplayParquet(b *testing.B) {
	env := pipeline.Env{Columns: []string{"amount", "account_age_days", "txn_last_hour"}, Label: "is_fraud", Positive: "1"}
	rules, err := (&baselines.RulesSpec{
		Rules: []baselines.Rule{
			{When: "amount > 1500 && account_age_days < 30", Output: 1},
			{When: "txn_last_hour >= 5", Output: 1},
		},
		Default: 0,
	}).Build(env)
	if err != nil {
		b.Fatal(err)
	}
	menv := metrics.Env{Columns: []string{"amount"}, Label: "is_fraud", Positive: "1"}
	var mets []metrics.Metric
	for _, typ := range []string{"recall", "precision", "f1", "latency_p99", "error_rate"} {
		f, _ := metrics.Lookup(typ)
		menv.Name = typ
		m, err := f().Build(menv)
		if err != nil {
			b.Fatal(err)
		}
		mets = append(mets, m)
	}
	f, _ := metrics.Lookup("weighted_recall")
	ws := f().(*metrics.WeightSpec)
	ws.Weight = "amount"
	menv.Name = "money_caught"
	money, err := ws.Build(menv)
	if err != nil {
		b.Fatal(err)
	}
	mets = append(mets, money)

	eachSize(b, func(b *testing.B, s *datasets.Stream) int {
		journal, err := os.Create(filepath.Join(b.TempDir(), "predictions.jsonl"))
		if err != nil {
			b.Fatal(err)
		}
		defer journal.Close()
		res, err := engine.Replay(context.Background(), s, []engine.Pipe{{Name: "rules", Pipeline: rules}}, mets,
			engine.Options{Label: "is_fraud", ID: "txn_id", Journal: journal})
		if err != nil {
			b.Fatal(err)
		}
		return res.Records
	})
}
