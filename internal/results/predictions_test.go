package results

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
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

// timesOf are every record's time as its text (nil for no record).
func timesOf(p *Predictions) []string {
	var out []string
	for seq := range p.Records {
		out = append(out, p.Time(seq))
	}
	return out
}

// TestRecordTimes keeps every time the journal holds as it was written,
// whether or not a second in UTC gives it back, and reads it as a time.
func TestRecordTimes(t *testing.T) {
	tests := []struct {
		text string
		unix int64 // 0: not a time
	}{
		{"2024-01-02T00:00:00Z", 1704153600},
		{"2024-01-02T00:00:00.25Z", 1704153600},
		{"2024-01-02T01:00:00+01:00", 1704153600},
		{"yesterday", 0},
		{"", 0},
	}
	c := NewCollector(nil, len(tests))
	for i, tt := range tests {
		c.Record(i, "", "", tt.text, nil)
	}
	p := c.Predictions()
	for i, tt := range tests {
		if got := p.Time(i); got != tt.text {
			t.Errorf("Time(%d) = %q, want %q", i, got, tt.text)
		}
		got, ok := p.Unix(i)
		if ok != (tt.unix != 0) || ok && got.Unix() != tt.unix {
			t.Errorf("Unix(%d) = %v, %v; want %d", i, got, ok, tt.unix)
		}
	}
}

// plainColumns are a pipeline's columns as plain slices, for comparing.
type plainColumns struct {
	Name                     string
	Has, HasScore            []bool
	Labels, Errors           []string
	Scores, Costs, LatencyMS []float64
	Unparseable, Cached      []bool
}

func plainOf(pp *PipelinePredictions) plainColumns {
	n := pp.Len()
	c := plainColumns{Name: pp.Name, Labels: pp.Labels(n)}
	for i := range n {
		score, has := pp.Score(i)
		c.Has, c.HasScore, c.Scores = append(c.Has, pp.Has(i)), append(c.HasScore, has), append(c.Scores, score)
		c.LatencyMS, c.Unparseable, c.Cached = append(c.LatencyMS, pp.LatencyMS(i)), append(c.Unparseable, pp.Unparseable(i)), append(c.Cached, pp.Cached(i))
		c.Errors, c.Costs = append(c.Errors, pp.Err(i)), append(c.Costs, pp.Cost(i))
	}
	return c
}

func TestDecodePredictions(t *testing.T) {
	tests := []struct {
		name    string
		journal string
		want    Predictions // its records
		ids     []string
		truths  []string
		segs    []map[string]string
		times   []string
		cols    []plainColumns
	}{
		{"empty", "", Predictions{}, nil, nil, nil, nil, nil},
		{"two pipelines", smallJournal, Predictions{
			Records: 3}, []string{"a", "b", "c"},
			[]string{"1", "0", "1"}, []map[string]string{{"country": "DE"}, nil, nil},
			[]string{"2024-01-02T00:00:00Z", "", ""},
			[]plainColumns{
				{Name: "rules", Has: []bool{true, true, true}, Labels: []string{"1", "0", "0"},
					Scores: []float64{0, 0, 0}, HasScore: []bool{false, false, false}, Costs: []float64{0, 0, 0},
					LatencyMS: []float64{0.01, 0.02, 0.03}, Errors: []string{"", "", ""},
					Unparseable: []bool{false, false, false}, Cached: []bool{false, false, false}},
				{Name: "llm", Has: []bool{true, true, false}, Labels: []string{"0", "", ""},
					Scores: []float64{0.25, 0, 0}, HasScore: []bool{true, false, false}, Costs: []float64{0.002, 0, 0},
					LatencyMS: []float64{800, 30000, 0}, Errors: []string{"", "timeout", ""},
					Unparseable: []bool{false, true, false}, Cached: []bool{true, false, false}},
			}},
		{"a gap and a torn last line", `{"seq":1,"id":"b","pipeline":"p","truth":"x","label":"x","score":0.5,"latency_ms":1,"cost":1}` + "\n" +
			`{"seq":2,"id":"c","pipel`, Predictions{
			Records: 2}, []string{"", "b"},
			[]string{"", "x"}, []map[string]string{nil, nil},
			[]string{"", ""},
			[]plainColumns{
				{Name: "p", Has: []bool{false, true}, Labels: []string{"", "x"}, Scores: []float64{0, 0.5},
					HasScore: []bool{false, true}, Costs: []float64{0, 1}, LatencyMS: []float64{0, 1},
					Errors: []string{"", ""}, Unparseable: []bool{false, false}, Cached: []bool{false, false}},
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodePredictions(strings.NewReader(tc.journal), ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var ids, truths []string
			var segs []map[string]string
			for seq := range got.Records {
				ids, truths, segs = append(ids, got.ID(seq)), append(truths, got.Truth(seq)), append(segs, got.SegmentsOf(seq))
			}
			if got.Records != tc.want.Records || !reflect.DeepEqual(ids, tc.ids) || !reflect.DeepEqual(truths, tc.truths) ||
				!reflect.DeepEqual(timesOf(got), tc.times) || !reflect.DeepEqual(segs, tc.segs) {
				t.Errorf("record columns: got %d records, ids %v, truths %v, times %v, segments %v; want %d, %v, %v, %v, %v",
					got.Records, ids, truths, timesOf(got), segs, tc.want.Records, tc.ids, tc.truths, tc.times, tc.segs)
			}
			if len(got.Pipelines) != len(tc.cols) {
				t.Fatalf("%d pipelines, want %d", len(got.Pipelines), len(tc.cols))
			}
			for i, want := range tc.cols {
				if c := plainOf(got.Pipelines[i]); !reflect.DeepEqual(c, want) {
					t.Errorf("pipeline %d: got\n%+v, want\n%+v", i, c, want)
				}
				if got.Pipeline(want.Name) != got.Pipelines[i] {
					t.Errorf("Pipeline(%q) is not the pipeline's columns", want.Name)
				}
			}
		})
	}
}

// TestLabelsPastTheCodes gives a pipeline more distinct decisions than
// codes are kept for: the columns switch to strings and keep every
// decision.
func TestLabelsPastTheCodes(t *testing.T) {
	c := NewCollector(nil, 0)
	n := maxCodes + 10
	for i := range n {
		c.Record(i, "", "", "", nil)
		c.Add(&Entry{Seq: i, Pipeline: "p", Label: strconv.Itoa(i % (maxCodes + 5))})
	}
	pp := c.Predictions().Pipeline("p")
	for _, i := range []int{0, 1, maxCodes - 1, maxCodes, maxCodes + 4, maxCodes + 5, n - 1} {
		if got, want := pp.Label(i), strconv.Itoa(i%(maxCodes+5)); got != want {
			t.Errorf("Label(%d) = %q, want %q", i, got, want)
		}
	}
	if got := pp.Labels(n); len(got) != n || got[n-1] != strconv.Itoa((n-1)%(maxCodes+5)) {
		t.Errorf("Labels(%d) has %d decisions, the last %q", n, len(got), got[len(got)-1])
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
