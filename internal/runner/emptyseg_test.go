package runner

import (
	"context"
	"path/filepath"
	"testing"
)

// Records without a value of a segment column are a data-check warning
// only where a criterion must hold in every segment of that column, and an
// error wherever the file makes the check one: elsewhere they change no
// verdict.
func TestEmptySegmentsMatterToInEveryOnly(t *testing.T) {
	csv := "y,s,g\n1,1,a\n0,0,\n1,1,b\n0,0,a\n1,1,b\n0,0,a\n"
	tests := []struct {
		name, criterion, checks string
		want                    bool
	}{
		{"no in_every", "{metric: recall, pipeline: m, at_least: 0.5}", "", false},
		{"in_every on the column", "{metric: recall, pipeline: m, at_least: 0.5, in_every: g}", "", true},
		{"the file makes it an error", "{metric: recall, pipeline: m, at_least: 0.5}", ", checks: {empty_segments: error}", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			exp := "version: 1\nname: seg\nuse_case: {question: Good enough}\ndataset: {path: data.csv, label: y, segments: [g]" + tc.checks + "}\n" +
				"pipelines:\n  - {name: m, role: candidate, type: column, score: s, threshold: 0.5}\nmetrics: [recall]\ncriteria:\n  - " + tc.criterion + "\n"
			writeFiles(t, dir, map[string]string{"data.csv": csv, "exp.yaml": exp})
			e, err := Load(filepath.Join(dir, "exp.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			checks, err := CheckData(context.Background(), e)
			if err != nil {
				t.Fatal(err)
			}
			got := false
			for _, c := range checks {
				if c.Check == "empty_segments" {
					got = c.Column == "g" && c.Count == 1
				}
			}
			if got != tc.want {
				t.Errorf("empty_segments reported %v, want %v (%+v)", got, tc.want, checks)
			}
		})
	}
}
