package runner

import (
	"os"
	"path/filepath"
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
