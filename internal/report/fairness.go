package report

import (
	"encoding/json"

	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/stats"
	"github.com/poc-harness/poc/metrics"
)

// fairnessTable is one fairness metric of one pipeline, group by group,
// for a risk officer: each group's selection rate, true- and
// false-positive rates with their Wilson intervals, and the reference
// group the ratios are taken against.
type fairnessTable struct {
	Metric    string
	Reference string
	Rows      []fairnessRow
}

// fairnessRow is one group of a fairness table.
type fairnessRow struct {
	Group, Records            string
	Selection, TPR, FPR       string
	SelectionIv, TPRIv, FPRIv string
	Compared, IsReference     bool
}

// fairnessTables returns the fairness metrics of p (the metrics whose
// detail is by group), group by group, with intervals at conf.
func fairnessTables(p results.PipelineMetrics, conf float64) []fairnessTable {
	var out []fairnessTable
	for _, e := range p.Metrics {
		d, ok := groupDetail(e.Detail)
		if !ok || len(d.Groups) == 0 {
			continue
		}
		t := fairnessTable{Metric: metricName(e.Metric)}
		best := -1.0
		for _, g := range d.Groups {
			if g.Compared && g.SelectionRate > best {
				best, t.Reference = g.SelectionRate, g.Group
			}
		}
		for _, g := range d.Groups {
			r := fairnessRow{Group: g.Group, Records: group(int64(g.N)), Compared: g.Compared, IsReference: g.Group == t.Reference}
			r.Selection, r.SelectionIv = rateWithInterval(g.Selected, g.N, conf)
			r.TPR, r.TPRIv = rateWithInterval(g.TruePositives, g.Positives, conf)
			r.FPR, r.FPRIv = rateWithInterval(g.FalsePositives, g.Negatives, conf)
			t.Rows = append(t.Rows, r)
		}
		out = append(out, t)
	}
	return out
}

// groupDetail reads a fairness metric's detail, as the run built it or as
// metrics.json holds it.
func groupDetail(v any) (metrics.GroupDetail, bool) {
	if d, ok := v.(metrics.GroupDetail); ok {
		return d, true
	}
	if v == nil {
		return metrics.GroupDetail{}, false
	}
	b, err := json.Marshal(v)
	if err != nil {
		return metrics.GroupDetail{}, false
	}
	var d metrics.GroupDetail
	if json.Unmarshal(b, &d) != nil || len(d.Groups) == 0 || d.Groups[0].Group == "" && d.Groups[0].N == 0 {
		return metrics.GroupDetail{}, false
	}
	return d, true
}

// rateWithInterval prints k of n as a share and its Wilson interval;
// "no records" without a denominator.
func rateWithInterval(k, n int, conf float64) (string, string) {
	if n <= 0 {
		return "no records", ""
	}
	iv := stats.Wilson(k, n, conf)
	return formatValue(results.Number(float64(k)/float64(n)), ""),
		formatInterval(results.Interval{Lo: results.Number(iv.Lo), Hi: results.Number(iv.Hi)}, formatValue, "")
}
