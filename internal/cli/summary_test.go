package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/runner"
)

// TestSummaryNamesOnlyTheReportsWritten checks the last lines of the
// summary against the files of the run folder: a run whose reports were
// skipped names none.
func TestSummaryNamesOnlyTheReportsWritten(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		want  string
	}{
		{"reports skipped", nil, ""},
		{"both", []string{"report.html", "report.md"}, "Report: DIR/report.html\nReport: DIR/report.md\n"},
		{"markdown only", []string{"report.md"}, "Report: DIR/report.md\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var out bytes.Buffer
			printSummary(IO{Out: &out, Err: &out}, &runner.Outcome{Dir: dir, Run: &results.Run{
				Verdict: results.Verdict{Verdict: results.Go, Reason: "every criterion passed"}}})
			_, tail, ok := strings.Cut(out.String(), "Run folder: "+dir+"\n")
			if !ok {
				t.Fatalf("no run folder line:\n%s", out.String())
			}
			if want := strings.ReplaceAll(tc.want, "DIR", dir); tail != want {
				t.Errorf("after the run folder:\n%q\nwant\n%q", tail, want)
			}
			if !strings.Contains(out.String(), "No costs are declared in the experiment") {
				t.Errorf("a run without impact does not say that no costs are declared:\n%s", out.String())
			}
		})
	}
}

// The console names the label's classes as dataset.label_names does.
func TestLabelLine(t *testing.T) {
	counts := map[string]int{"0": 19360, "1": 480}
	tests := []struct {
		name string
		d    results.Dataset
		want string
	}{
		{"named", results.Dataset{Label: "is_fraud", Positive: "1", LabelCounts: counts,
			LabelNames: map[string]string{"0": "legitimate", "1": "fraud"}},
			"label is_fraud: legitimate (0) 19,360, fraud (1) 480; positive class fraud (1)"},
		{"one class named", results.Dataset{Label: "is_fraud", Positive: "1", LabelCounts: counts,
			LabelNames: map[string]string{"1": "fraud"}},
			"label is_fraud: 0 19,360, fraud (1) 480; positive class fraud (1)"},
		{"no names: no line", results.Dataset{Label: "is_fraud", Positive: "1", LabelCounts: counts}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := labelLine(tc.d); got != tc.want {
				t.Errorf("labelLine = %q, want %q", got, tc.want)
			}
		})
	}
}
