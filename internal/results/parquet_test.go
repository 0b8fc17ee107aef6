package results

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
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

// The id column is named as the journal names it, "id"; a file written
// before, whose column is "record_id", still reads with its ids.
func TestPredictionsParquetIDColumn(t *testing.T) {
	dir := t.TempDir()
	journal := `{"seq":0,"id":"txn-1","pipeline":"rules","truth":"1","label":"1","latency_ms":0.5,"cost":0}` + "\n" +
		`{"seq":1,"id":"txn-2","pipeline":"rules","truth":"0","label":"0","latency_ms":0.5,"cost":0}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, JournalFile), []byte(journal), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WritePredictionsParquet(context.Background(), dir, map[string]string{"rules": "baseline"}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, PredictionsFile))
	if err != nil {
		t.Fatal(err)
	}
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	_, hasID := pf.Schema().Lookup("id")
	_, hasOld := pf.Schema().Lookup("record_id")
	f.Close()
	if !hasID || hasOld || pf.Schema().Name() != "prediction" {
		t.Errorf("schema %q: id column %v, record_id %v; want id only, under a root named prediction", pf.Schema().Name(), hasID, hasOld)
	}

	old := filepath.Join(t.TempDir(), PredictionsFile) // as a run of before wrote it
	of, err := os.Create(old)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewGenericWriter[legacyPredictionRow](of)
	if _, err := w.Write([]legacyPredictionRow{{Seq: 0, RecordID: "txn-1", Pipeline: "rules", Truth: "1", Label: "1"},
		{Seq: 1, RecordID: "txn-2", Pipeline: "rules", Truth: "0", Label: "0"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	of.Close()
	p, err := readParquet(context.Background(), filepath.Dir(old))
	if err != nil {
		t.Fatal(err)
	}
	if p.Records != 2 || p.ID(0) != "txn-1" || p.ID(1) != "txn-2" {
		t.Errorf("an old file read %d records, ids %q %q", p.Records, p.ID(0), p.ID(1))
	}
}
