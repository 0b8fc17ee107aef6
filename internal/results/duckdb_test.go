//go:build cgo

package results

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

// predictions.parquet reads back with an independent reader, DuckDB in
// process, as an analyst loads it: every row, with its columns' types.
func TestPredictionsParquetReadByDuckDB(t *testing.T) {
	dir := t.TempDir()
	journal := `{"seq":0,"id":"a","pipeline":"rules","truth":"1","label":"1","latency_ms":0.5,"cost":0,"time":"2024-01-02T03:04:05Z","segments":{"country":"DE"}}` + "\n" +
		`{"seq":0,"id":"a","pipeline":"model","truth":"1","label":"0","score":0.25,"latency_ms":12,"cost":0.0004}` + "\n" +
		`{"seq":1,"id":"b","pipeline":"rules","truth":"0","label":"","latency_ms":0,"cost":0,"error":"timeout"}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, JournalFile), []byte(journal), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WritePredictionsParquet(context.Background(), dir, map[string]string{"rules": "baseline", "model": "candidate"}); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	path := filepath.Join(dir, PredictionsFile)
	var rows int
	if err := db.QueryRow(`SELECT count(*) FROM read_parquet(?)`, path).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 3 {
		t.Errorf("DuckDB reads %d rows, want 3", rows)
	}
	types := map[string]string{}
	r, err := db.Query(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))`, path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for r.Next() {
		var name, typ string
		if err := r.Scan(&name, &typ); err != nil {
			t.Fatal(err)
		}
		types[name] = typ
	}
	want := map[string]string{"seq": "BIGINT", "id": "VARCHAR", "pipeline": "VARCHAR", "score": "DOUBLE", "latency_ms": "DOUBLE",
		"cost": "DOUBLE", "unparseable": "BOOLEAN", "time": "VARCHAR", "segments": "VARCHAR"}
	for col, typ := range want {
		if types[col] != typ {
			t.Errorf("column %s is %q to DuckDB, want %s (all: %v)", col, types[col], typ, types)
		}
	}
	var score sql.NullFloat64
	var errText sql.NullString
	if err := db.QueryRow(`SELECT score FROM read_parquet(?) WHERE pipeline = 'model'`, path).Scan(&score); err != nil || !score.Valid || score.Float64 != 0.25 {
		t.Errorf("the model's score: %v %v", score, err)
	}
	if err := db.QueryRow(`SELECT error FROM read_parquet(?) WHERE id = 'b'`, path).Scan(&errText); err != nil || errText.String != "timeout" {
		t.Errorf("record b's error: %v %v", errText, err)
	}
}
