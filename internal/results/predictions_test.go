package results

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// A hand-written journal of two pipelines over three records: "rules" has
// every record, "llm" scores, fails on record 1 and has no line for record
// 2; record 0 has a time and segments.
const smallJournal = `{"seq":0,"id":"a","pipeline":"rules","truth":"1","label":"1","latency_ms":0.01,"cost":0,"time":"2024-01-02T00:00:00Z","segments":{"country":"DE"}}
{"seq":0,"id":"a","pipeline":"llm","truth":"1","label":"0","score":0.25,"latency_ms":800,"cost":0.002,"raw":"{\"label\":0}","cached":true,"time":"2024-01-02T00:00:00Z","segments":{"country":"DE"}}
{"seq":1,"id":"b","pipeline":"rules","truth":"0","label":"0","latency_ms":0.02,"cost":0}
{"seq":1,"id":"b","pipeline":"llm","truth":"0","label":"","latency_ms":30000,"cost":0,"error":"timeout","unparseable":true}
{"seq":2,"id":"c","pipeline":"rules","truth":"1","label":"0","latency_ms":0.03,"cost":0}
`

func TestDecodePredictions(t *testing.T) {
	tests := []struct {
		name    string
		journal string
		want    Predictions
	}{
		{"empty", "", Predictions{}},
		{"two pipelines", smallJournal, Predictions{
			Records: 3, IDs: []string{"a", "b", "c"}, Truths: []string{"1", "0", "1"},
			Times: []string{"2024-01-02T00:00:00Z", "", ""}, Segments: []map[string]string{{"country": "DE"}, nil, nil},
			Pipelines: []*PipelinePredictions{
				{Name: "rules", Has: []bool{true, true, true}, Labels: []string{"1", "0", "0"},
					Scores: []float64{0, 0, 0}, HasScore: []bool{false, false, false}, Costs: []float64{0, 0, 0},
					LatencyMS: []float64{0.01, 0.02, 0.03}, Errors: []string{"", "", ""},
					Unparseable: []bool{false, false, false}, Cached: []bool{false, false, false}},
				{Name: "llm", Has: []bool{true, true, false}, Labels: []string{"0", "", ""},
					Scores: []float64{0.25, 0, 0}, HasScore: []bool{true, false, false}, Costs: []float64{0.002, 0, 0},
					LatencyMS: []float64{800, 30000, 0}, Errors: []string{"", "timeout", ""},
					Unparseable: []bool{false, true, false}, Cached: []bool{true, false, false}},
			}}},
		{"a gap and a torn last line", `{"seq":1,"id":"b","pipeline":"p","truth":"x","label":"x","score":0.5,"latency_ms":1,"cost":1}` + "\n" +
			`{"seq":2,"id":"c","pipel`, Predictions{
			Records: 2, IDs: []string{"", "b"}, Truths: []string{"", "x"}, Times: []string{"", ""}, Segments: []map[string]string{nil, nil},
			Pipelines: []*PipelinePredictions{
				{Name: "p", Has: []bool{false, true}, Labels: []string{"", "x"}, Scores: []float64{0, 0.5},
					HasScore: []bool{false, true}, Costs: []float64{0, 1}, LatencyMS: []float64{0, 1},
					Errors: []string{"", ""}, Unparseable: []bool{false, false}, Cached: []bool{false, false}},
			}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodePredictions(strings.NewReader(tc.journal), ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			byName := map[string]*PipelinePredictions{}
			for _, p := range tc.want.Pipelines {
				byName[p.Name] = p
			}
			tc.want.byName = byName
			if !reflect.DeepEqual(*got, tc.want) {
				t.Errorf("got\n%+v, want\n%+v", *got, tc.want)
				for i := range min(len(got.Pipelines), len(tc.want.Pipelines)) {
					t.Errorf("pipeline %d: got\n%+v, want\n%+v", i, *got.Pipelines[i], *tc.want.Pipelines[i])
				}
			}
			for _, p := range tc.want.Pipelines {
				if got.Pipeline(p.Name) != got.Pipelines[slices.Index(tc.want.Pipelines, p)] {
					t.Errorf("Pipeline(%q) is not the pipeline's columns", p.Name)
				}
			}
		})
	}
}

// ReadPredictions reads the run folder's journal, passes every entry to
// Each with what the columns leave out, and says when there is no journal.
func TestReadPredictions(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadPredictions(context.Background(), dir, ReadOptions{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("no journal: err = %v, want one wrapping os.ErrNotExist", err)
	}
	if err := os.WriteFile(filepath.Join(dir, JournalFile), []byte(smallJournal), 0o644); err != nil {
		t.Fatal(err)
	}
	var raws []string
	p, err := ReadPredictions(context.Background(), dir, ReadOptions{Each: func(e *Entry) { raws = append(raws, e.Pipeline+":"+e.Raw) }})
	if err != nil {
		t.Fatal(err)
	}
	if p.Records != 3 || len(p.Pipelines) != 2 || p.Pipeline("nobody") != nil {
		t.Errorf("read %d records of %d pipelines", p.Records, len(p.Pipelines))
	}
	if want := []string{"rules:", `llm:{"label":0}`, "rules:", "llm:", "rules:"}; !reflect.DeepEqual(raws, want) {
		t.Errorf("Each saw %q, want %q", raws, want)
	}
	bad := smallJournal[:40] + "\n" + smallJournal
	if err := os.WriteFile(filepath.Join(dir, JournalFile), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadPredictions(context.Background(), dir, ReadOptions{}); err == nil || !strings.Contains(err.Error(), "journal line 1") {
		t.Errorf("bad line: err = %v, want one naming line 1", err)
	}
}
