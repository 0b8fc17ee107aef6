package spec

import (
	"reflect"
	"strings"
	"testing"
)

func TestSegmentsRelativeAndReportOptions(t *testing.T) {
	good := strings.Replace(strings.Replace(base, "POSITIVE", "1", 1), "label: is_fraud", "label: is_fraud\n  segments: [country, channel]", 1)
	src := good + `criteria:
  - {metric: fake_recall, pipeline: model, better_than: rules, by: 10%, relative: true, in_every: country, must: true}
  - {metric: fake_recall, pipeline: model, at_least: 0.3, in_every: [country, channel]}
report: {min_segment_size: 50, multiplicity: none, bootstrap: {method: percentile}}
`
	exp, ds := loadInline(t, src, testOptions)
	if len(ds.Errors()) > 0 {
		t.Fatal(ds)
	}
	if c := exp.Criteria[0]; !c.Relative || c.Margin != 0.10 || !reflect.DeepEqual(c.InEvery, []string{"country"}) {
		t.Errorf("criterion 0 = %+v", c)
	}
	if c := exp.Criteria[1]; !reflect.DeepEqual(c.InEvery, []string{"country", "channel"}) {
		t.Errorf("criterion 1 = %+v", c)
	}
	if r := exp.Report; r.MinSegmentSize != 50 || r.Multiplicity != "none" || r.Method != "percentile" {
		t.Errorf("report = %+v", r)
	}

	bad := []struct {
		name, criteria string
		w              want
	}{
		{"segment not declared", "  - {metric: fake_recall, pipeline: model, at_least: 0.3, in_every: contry}\n",
			want{15, 69, `"contry" is not one of dataset.segments`}},
		{"relative on a threshold", "  - {metric: fake_recall, pipeline: model, at_least: 0.3, relative: true}\n",
			want{15, 59, "relative goes only with better_than or no_worse_than"}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, ds := loadInline(t, good+"criteria:\n"+tc.criteria, testOptions)
			if !hasDiag(ds, Error, tc.w) {
				t.Errorf("missing error at %d:%d containing %q; got:\n%v", tc.w.line, tc.w.col, tc.w.text, ds)
			}
		})
	}
	_, ds = loadInline(t, good+"report: {multiplicity: bonferoni}\n", testOptions)
	if !hasDiag(ds, Error, want{14, 24, "holm"}) {
		t.Errorf("bad multiplicity: %v", ds)
	}
}
