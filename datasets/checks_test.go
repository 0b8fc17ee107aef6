package datasets

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestChecker(t *testing.T) {
	rec := func(line int, f map[string]any) Record { return Record{Line: line, Fields: f} }
	cases := []struct {
		name    string
		opt     CheckOptions
		records []Record
		want    []string // "check column count"
	}{
		{"clean", CheckOptions{ID: "id", Time: "at", Label: "y"}, []Record{
			rec(2, map[string]any{"id": "a", "at": "2026-01-02", "y": "1", "x": 1.5}),
			rec(3, map[string]any{"id": "b", "at": nil, "y": "0", "x": 2.0}),
		}, nil},
		{"text faults", CheckOptions{}, []Record{
			rec(2, map[string]any{"text": "caf\xe9"}),
			rec(3, map[string]any{"text": "a\x00b"}),
			rec(4, map[string]any{"text": "fine", "other": "caf\xe9"}),
		}, []string{"invalid_utf8 other 1", "invalid_utf8 text 1", "nul_bytes text 1"}},
		{"non-finite numbers", CheckOptions{}, []Record{
			rec(2, map[string]any{"score": math.NaN()}),
			rec(3, map[string]any{"score": math.Inf(1)}),
			rec(4, map[string]any{"score": 0.5}),
		}, []string{"non_finite score 2"}},
		{"duplicate ids, numbers and text alike", CheckOptions{ID: "id"}, []Record{
			rec(2, map[string]any{"id": 7.0}),
			rec(3, map[string]any{"id": "7"}),
			rec(4, map[string]any{"id": "8"}),
			rec(5, map[string]any{"id": nil}),
			rec(6, map[string]any{"id": nil}),
		}, []string{"duplicate_ids id 1"}},
		{"bad times and empty labels", CheckOptions{Time: "at", Label: "y"}, []Record{
			rec(2, map[string]any{"at": "yesterday", "y": ""}),
			rec(3, map[string]any{"at": "2026-13-01", "y": nil}),
			rec(4, map[string]any{"at": "2026-01-01T10:00:00Z", "y": "1"}),
		}, []string{"bad_times at 2", "empty_labels y 2"}},
		{"one class written two ways", CheckOptions{Label: "y"}, []Record{
			rec(2, map[string]any{"y": "bad"}),
			rec(3, map[string]any{"y": "bad"}),
			rec(4, map[string]any{"y": "Bad"}),
			rec(5, map[string]any{"y": "good"}),
			rec(6, map[string]any{"y": " good"}),
		}, []string{"label_spellings y 2"}},
		{"placeholder labels", CheckOptions{Label: "y"}, []Record{
			rec(2, map[string]any{"y": "N/A"}),
			rec(3, map[string]any{"y": "null"}),
			rec(4, map[string]any{"y": "Yes"}),
			rec(5, map[string]any{"y": "Unknowns"}),
		}, []string{"placeholder_labels y 2"}},
		{"records without a segment value", CheckOptions{Segments: []string{"channel", "country"}}, []Record{
			rec(2, map[string]any{"channel": "web", "country": "FR"}),
			rec(3, map[string]any{"channel": "", "country": "DE"}),
			rec(4, map[string]any{"channel": " ", "country": nil}),
			rec(5, map[string]any{"channel": "app"}),
		}, []string{"empty_segments channel 2", "empty_segments country 2"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := NewChecker(tc.opt)
			for _, r := range tc.records {
				c.Add(r)
			}
			var got []string
			for _, f := range c.Findings() {
				if f.Records != len(tc.records) {
					t.Errorf("%s: Records = %d, want %d", f.Check, f.Records, len(tc.records))
				}
				got = append(got, strings.Join([]string{string(f.Check), f.Column, itoa(f.Count)}, " "))
			}
			if strings.Join(got, "; ") != strings.Join(tc.want, "; ") {
				t.Errorf("findings %q, want %q", got, tc.want)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestCheckerMessageAndTimeRange(t *testing.T) {
	c := NewChecker(CheckOptions{Time: "at", Label: "y"})
	for i, at := range []string{"2026-03-01", "2026-01-15 08:00:00", "soon"} {
		c.Add(Record{Line: i + 2, Fields: map[string]any{"at": at, "y": "1"}})
	}
	from, to, ok := c.TimeRange()
	if !ok || !from.Equal(time.Date(2026, 1, 15, 8, 0, 0, 0, time.UTC)) || !to.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("time range %v – %v (%v)", from, to, ok)
	}
	f := c.Findings()
	if len(f) != 1 {
		t.Fatalf("findings %v", f)
	}
	want := `1 of 3 records (33.3%) in column "at" hold a time that does not parse (want RFC 3339 or "2006-01-02 15:04:05"); first at line 4; e.g. "soon"`
	if got := f[0].Message(); got != want {
		t.Errorf("message\n got %s\nwant %s", got, want)
	}
}
