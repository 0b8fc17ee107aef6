package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/poc-harness/poc/internal/results"
)

// TestSuggestedBefore finds the earlier run on the same records whose
// operating point suggested the threshold a candidate now decides at.
func TestSuggestedBefore(t *testing.T) {
	parent := t.TempDir()
	write := func(id, hash string, suggested float64) {
		dir := filepath.Join(parent, id)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		man := results.Manifest{RunID: id}
		man.Dataset.SHA256 = hash
		met := results.Metrics{Pipelines: []results.PipelineMetrics{{Name: "model",
			OperatingPoint: &results.OperatingPoint{Pipeline: "model", Suggested: &results.ThresholdPoint{Threshold: results.Number(suggested)}}}}}
		for name, v := range map[string]any{results.ManifestFile: man, results.MetricsFile: met, results.VerdictFile: results.Verdict{}} {
			if err := results.WriteJSON(dir, name, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("run-a", "same", 0.2248)
	write("run-b", "other", 0.31)
	current := filepath.Join(parent, "run-c")
	if err := os.Mkdir(current, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, hash, pipeline string
		threshold            float64
		want                 string
	}{
		{"the same records and threshold", "same", "model", 0.2248, "run-a"},
		{"another threshold", "same", "model", 0.62, ""},
		{"other records", "other", "model", 0.2248, ""},
		{"the threshold suggested on other records", "other", "model", 0.31, "run-b"},
		{"another pipeline", "same", "rules", 0.2248, ""},
		{"no dataset hash", "", "model", 0.2248, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := suggestedBefore(current, tt.hash, tt.pipeline, tt.threshold); got != tt.want {
				t.Errorf("suggestedBefore = %q, want %q", got, tt.want)
			}
		})
	}
}

// The operating point feeds the metrics again from the columns the replay
// kept when every metric names the columns it reads, and from the dataset
// read again otherwise: both give the same analysis. The second run adds
// an expression metric (which may read any column) that no criterion uses.
func TestOperatingPointFromKeptColumnsOrTheDataset(t *testing.T) {
	src, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	data, err := filepath.Abs(filepath.Join(filepath.Dir(example), "data", "card-transactions.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	body := strings.Replace(string(src), "path: data/card-transactions.parquet", "path: "+data, 1)
	withExpr := strings.Replace(body, "metrics:\n", "metrics:\n  - {name: big_amounts, type: expr, value: amount > 1000, aggregate: rate}\n", 1)
	ops := make([]*results.OperatingPoint, 2)
	for i, text := range []string{body, withExpr} {
		dir := t.TempDir()
		path := filepath.Join(dir, "exp.yaml")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		exp, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := metricColumns(exp); ok == (i == 1) {
			t.Fatalf("run %d: metricColumns ok = %v", i, ok)
		}
		out, err := Run(context.Background(), exp, Options{Out: dir, SkipReports: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range out.Run.Metrics.Pipelines {
			if p.OperatingPoint != nil {
				ops[i] = p.OperatingPoint
			}
		}
		if ops[i] == nil || ops[i].Suggested == nil {
			t.Fatalf("run %d: no suggested operating point: %+v", i, ops[i])
		}
	}
	a, _ := json.Marshal(ops[0])
	b, _ := json.Marshal(ops[1])
	if !bytes.Equal(a, b) {
		t.Errorf("the operating point from the kept columns differs from the one from the dataset:\n%s\n%s", a, b)
	}
}
