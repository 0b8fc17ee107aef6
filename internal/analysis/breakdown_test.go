package analysis

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/poc-harness/poc/internal/results"
)

// journalOf is a journal of one pipeline "p": truth, label and error per
// record, with a time and a segment value.
func journalOf(t *testing.T, rows [][3]string, times, segs []string) *results.Predictions {
	t.Helper()
	var b strings.Builder
	for seq, r := range rows {
		fmt.Fprintf(&b, `{"seq":%d,"id":"r%d","pipeline":"p","truth":%q,"label":%q,"latency_ms":1,"cost":0,"error":%q,"time":%q,"segments":{"country":%q}}`+"\n",
			seq, seq, r[0], r[1], r[2], times[seq%len(times)], segs[seq%len(segs)])
	}
	p, err := results.DecodePredictions(strings.NewReader(b.String()), results.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBreakdownPicksTheMetricAndCountsAsTheMetricsDo(t *testing.T) {
	times := []string{"2024-01-15T10:00:00Z", "2024-02-15T10:00:00Z"}
	tests := []struct {
		name     string
		rows     [][3]string
		metric   string
		jan, feb [2]int // successes, trials
	}{
		{"binary label: recall, a failure misses, an unlabelled record is no trial",
			[][3]string{{"1", "1", ""}, {"1", "1", ""}, {"1", "1", "timeout"}, {"0", "1", ""}, {"", "1", ""}, {"1", "0", ""}},
			"recall", [2]int{1, 2}, [2]int{1, 2}},
		{"three classes: accuracy over labelled records",
			[][3]string{{"a", "a", ""}, {"b", "c", ""}, {"c", "c", ""}, {"a", "", "boom"}, {"b", "b", ""}, {"", "a", ""}},
			"accuracy", [2]int{3, 3}, [2]int{0, 2}},
	}
	for _, tc := range tests {
		p := journalOf(t, tc.rows, times, []string{"DE"})
		b, err := Breakdown(nil, p, []string{"p"}, "1", nil, 0.95)
		if err != nil {
			t.Fatal(err)
		}
		if b.Metric != tc.metric || len(b.Months) != 2 {
			t.Fatalf("%s: metric %s over %d months", tc.name, b.Metric, len(b.Months))
		}
		for i, want := range [][2]int{tc.jan, tc.feb} {
			r := b.Months[i].Rates[0]
			if r.Successes != want[0] || r.Trials != want[1] {
				t.Errorf("%s: month %s %d/%d, want %d/%d", tc.name, b.Months[i].Key, r.Successes, r.Trials, want[0], want[1])
			}
		}
	}
}

func TestBreakdownSegmentsKeepTheLargest(t *testing.T) {
	var rows [][3]string
	var segs []string
	for i := range 25 { // value v0 … v24, v0 with the most records
		for range 25 - i {
			rows = append(rows, [3]string{"1", "1", ""})
			segs = append(segs, fmt.Sprintf("v%d", i))
		}
	}
	p := journalOf(t, rows, []string{""}, segs) // a segment value per record, in order
	b, err := Breakdown(nil, p, []string{"p"}, "1", []string{"country"}, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	sb := b.Segments[0]
	if len(b.Months) != 0 || len(sb.Values) != results.MaxSegmentValues || !sb.Capped || sb.Values[0].Key != "v0" || sb.Values[0].Records != 25 {
		t.Errorf("months %d; segment values %d (capped %v), first %+v", len(b.Months), len(sb.Values), sb.Capped, sb.Values[0])
	}
}

func TestConfusionFromTheJournal(t *testing.T) {
	p := journalOf(t, [][3]string{{"a", "a", ""}, {"a", "b", ""}, {"b", "b", ""}, {"b", "", "boom"}, {"", "a", ""}},
		[]string{""}, []string{""})
	got := Confusion(p, "p")
	want := &results.Confusion{Labels: []string{"(none)", "a", "b"}, Counts: [][]int{{0, 0, 0}, {0, 1, 1}, {1, 0, 1}},
		Source: "the predictions journal"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("confusion %+v, want %+v", got, want)
	}
	if Confusion(p, "missing") != nil {
		t.Error("a pipeline without lines has a confusion matrix")
	}
}
