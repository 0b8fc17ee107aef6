package results

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeJournal writes a journal of records × 2 pipelines into a new run
// folder and returns the folder.
func writeJournal(t *testing.T, records int) string {
	t.Helper()
	dir := t.TempDir()
	var b []byte
	for seq := range records {
		for _, p := range []string{"rules", "model"} {
			b = appendEntry(b, &Entry{Seq: seq, ID: "r", Pipeline: p, Truth: "1", Label: "0", LatencyMS: 1,
				Segments: map[string]string{"country": "DE"}})
		}
	}
	if err := os.WriteFile(filepath.Join(dir, JournalFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// cancelTiming runs f uncancelled, then with a context cancelled before it
// starts, then with one cancelled a tenth of the uncancelled time into it:
// both cancelled calls must return an error wrapping context.Canceled, the
// second well before the uncancelled time (measured on the same machine).
func cancelTiming(t *testing.T, f func(ctx context.Context) error) {
	t.Helper()
	start := time.Now()
	if err := f(context.Background()); err != nil {
		t.Fatal(err)
	}
	full := time.Since(start)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := f(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled before: err = %v, want one wrapping context.Canceled", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(full/10, cancel)
	start = time.Now()
	err := f(ctx)
	took := time.Since(start)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled during: err = %v, want one wrapping context.Canceled", err)
	}
	if took > full/2 {
		t.Errorf("cancelled after %v, it took %v; uncancelled %v", full/10, took, full)
	}
}

// The journal → parquet conversion and the readers of both stop when their
// context ends, and a stopped conversion leaves no file behind.
func TestCancelledPredictionsStop(t *testing.T) {
	dir := writeJournal(t, 50_000)
	roles := map[string]string{"rules": "baseline", "model": "candidate"}
	t.Run("read journal", func(t *testing.T) {
		cancelTiming(t, func(ctx context.Context) error {
			_, err := ReadPredictions(ctx, dir, ReadOptions{Each: func(*Entry) {}})
			return err
		})
	})
	t.Run("write parquet", func(t *testing.T) {
		cancelTiming(t, func(ctx context.Context) error {
			err := WritePredictionsParquet(ctx, dir, roles)
			if err != nil {
				if _, serr := os.Stat(filepath.Join(dir, PredictionsFile)); serr == nil {
					os.Remove(filepath.Join(dir, PredictionsFile)) // the uncancelled run's
				}
				if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(left) > 0 {
					t.Errorf("a stopped conversion left %v", left)
				}
			}
			return err
		})
	})
	t.Run("read parquet", func(t *testing.T) {
		if err := WritePredictionsParquet(context.Background(), dir, roles); err != nil {
			t.Fatal(err)
		}
		cancelTiming(t, func(ctx context.Context) error {
			_, err := ReadPredictions(ctx, dir, ReadOptions{})
			return err
		})
	})
}

// Every reader of the journal reads a line of any length the engine can
// write: a 5 MiB raw answer and a 2 MiB segment value, far beyond a
// bufio.Scanner's default token.
func TestJournalLongLines(t *testing.T) {
	long := strings.Repeat("x", 5<<20)
	seg := strings.Repeat("é", 1<<20)
	var b []byte
	for seq := range 3 {
		b = appendEntry(b, &Entry{Seq: seq, ID: "r", Pipeline: "p", Truth: "1", Label: "1", Raw: long, Segments: map[string]string{"c": seg}})
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, JournalFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
	var raws int
	p, err := ReadPredictions(context.Background(), dir, ReadOptions{Each: func(e *Entry) {
		if e.Raw == long {
			raws++
		}
	}})
	if err != nil || p.Records != 3 || raws != 3 || p.SegmentsOf(2)["c"] != seg {
		t.Fatalf("read: %v, %d records, %d raw answers", err, p.Records, raws)
	}
	entries, length, err := JournalPrefix(bytes.NewReader(b), []string{"p"})
	if err != nil || len(entries) != 3 || length != int64(len(b)) {
		t.Fatalf("prefix: %v, %d entries, %d of %d bytes", err, len(entries), length, len(b))
	}
	if err := WritePredictionsParquet(context.Background(), dir, map[string]string{"p": "candidate"}); err != nil {
		t.Fatal(err)
	}
	if p, err := ReadPredictions(context.Background(), dir, ReadOptions{}); err != nil || p.SegmentsOf(1)["c"] != seg {
		t.Fatalf("read parquet: %v", err)
	}
}
