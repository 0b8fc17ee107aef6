package results

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// predictions.parquet holds the columns the analysis reads: read back, it
// gives the same columns as the journal it was written from.
func TestPredictionsParquetRoundTrip(t *testing.T) {
	journal := strings.Join([]string{
		`{"seq":0,"id":"a","pipeline":"rules","truth":"1","label":"1","latency_ms":0.5,"cost":0,"time":"2024-01-02T03:04:05Z","segments":{"country":"DE","channel":"web"}}`,
		`{"seq":0,"id":"a","pipeline":"model","truth":"1","label":"0","score":0.25,"latency_ms":12,"cost":0.0004,"cached":true,"time":"2024-01-02T03:04:05Z","segments":{"country":"DE","channel":"web"}}`,
		`{"seq":1,"id":"b","pipeline":"rules","truth":"","label":"","latency_ms":0,"cost":0,"error":"no rule matched: \"x\""}`,
		`{"seq":1,"id":"b","pipeline":"model","truth":"","label":"","latency_ms":3,"cost":0.0001,"unparseable":true,"raw":"I think so"}`,
		`{"seq":3,"id":"d","pipeline":"model","truth":"0","label":"0","score":0,"latency_ms":1,"cost":0}`,
	}, "\n") + "\n"
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, JournalFile), []byte(journal), 0o644); err != nil {
		t.Fatal(err)
	}
	fromJournal, err := ReadPredictions(context.Background(), dir, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := WritePredictionsParquet(context.Background(), dir, map[string]string{"rules": "baseline", "model": "candidate"}); err != nil {
		t.Fatal(err)
	}
	fromParquet, err := readParquet(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromParquet, fromJournal) {
		t.Errorf("from parquet:\n%+v\nfrom the journal:\n%+v", fromParquet, fromJournal)
	}
	// ReadPredictions prefers the parquet file, unless the caller needs
	// what only the journal holds.
	if err := os.WriteFile(filepath.Join(dir, JournalFile), []byte("not json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadPredictions(context.Background(), dir, ReadOptions{}); err != nil {
		t.Errorf("with predictions.parquet present, ReadPredictions read the journal: %v", err)
	}
	if _, err := ReadPredictions(context.Background(), dir, ReadOptions{Each: func(*Entry) {}}); err == nil {
		t.Error("ReadPredictions with Each did not read the journal")
	}
	if _, err := os.Stat(filepath.Join(dir, "."+PredictionsFile+".tmp")); !os.IsNotExist(err) {
		t.Errorf("the temporary file is left behind: %v", err)
	}
}
