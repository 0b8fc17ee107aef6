package metrics

import (
	"encoding/json"
	"fmt"
	"iter"
	"math"

	"github.com/poc-harness/poc/pipeline"
)

// Fairness metrics compare a binary decision across the groups of a
// protected attribute (`group: age_band`), as Fairlearn defines them. A
// record without a group value is left out; groups smaller than
// `min_group_size:` are listed in the detail but not compared.

func init() {
	for _, d := range []struct {
		typ, doc string
		dir      Direction
	}{
		{"demographic_parity_ratio", "lowest group selection rate divided by the highest (the four-fifths rule asks ≥ 0.8); `group:` column", HigherIsBetter},
		{"equal_opportunity_difference", "largest gap in true-positive rate (recall) between groups; `group:` column", LowerIsBetter},
		{"equalized_odds_difference", "larger of the gaps in true-positive and false-positive rate between groups; `group:` column", LowerIsBetter},
	} {
		Register(Info{Type: d.typ, Doc: d.doc, Direction: d.dir, Accepts: label},
			func() Spec { return &GroupSpec{typ: d.typ, dir: d.dir} })
	}
}

// GroupSpec configures the fairness metrics:
//
//   - {name: parity_age, type: demographic_parity_ratio, group: age_band, min_group_size: 30}
type GroupSpec struct {
	// Group names the column of the protected attribute.
	Group string `yaml:"group"`
	// MinGroupSize leaves smaller groups out of the comparison (default 1).
	MinGroupSize int `yaml:"min_group_size"`
	typ          string
	dir          Direction
}

// GroupValue is one group's figures in a fairness metric's detail.
type GroupValue struct {
	Group string `json:"group"`
	// N is the number of records in the group.
	N int `json:"n"`
	// SelectionRate is the share of the group's records flagged positive.
	SelectionRate float64 `json:"selection_rate"`
	// TPR and FPR are the group's true- and false-positive rates (NaN
	// without positives or negatives).
	TPR Rate `json:"tpr"`
	FPR Rate `json:"fpr"`
	// Selected, Positives, TruePositives, Negatives and FalsePositives are
	// the counts behind the rates, for their intervals.
	Selected       int `json:"selected"`
	Positives      int `json:"positives"`
	TruePositives  int `json:"true_positives"`
	Negatives      int `json:"negatives"`
	FalsePositives int `json:"false_positives"`
	// Compared is false for a group below min_group_size.
	Compared bool `json:"compared"`
}

// GroupDetail is the detail of a fairness metric: the metric by group.
type GroupDetail struct {
	Groups   []GroupValue   `json:"groups"`
	Excluded map[string]int `json:"excluded,omitempty"`
}

// Build checks the group column.
func (s *GroupSpec) Build(env Env) (Metric, error) {
	if s.Group == "" {
		return nil, pipeline.Errorf("group", "missing: the column of the protected attribute, e.g. `group: age_band`")
	}
	if !env.HasColumn(s.Group) {
		return nil, columnError(env, "group", s.Group)
	}
	if s.MinGroupSize < 0 {
		return nil, pipeline.Errorf("min_group_size", "must not be negative, got %d", s.MinGroupSize)
	}
	groups, col, positive, minSize, typ := new(interner), s.Group, positiveOf(env), s.MinGroupSize, s.typ
	m := &rowMetric{name: env.Name, typ: typ, dir: s.dir, width: 3, reads: true, columns: []string{col}}
	// Row: group id, truth (1, 0 or -1 without a label), flagged (1 or 0).
	m.row = func(o Observation, r []float64) string {
		g := o.Record.String(col)
		if g == "" {
			return "no group"
		}
		r[0] = groups.id(g)
		r[1] = -1
		if o.Truth != "" {
			r[1] = b2f(o.Truth == positive)
		}
		r[2] = b2f(!o.Pred.Failed() && o.Pred.Output.Label == positive)
		return ""
	}
	stats := func(rows iter.Seq[[]float64]) []GroupValue {
		names := groups.snapshot()
		type count struct{ n, sel, pos, tp, neg, fp float64 }
		c := make([]count, len(names))
		for r := range rows {
			g := &c[int(r[0])]
			g.n++
			g.sel += r[2]
			switch r[1] {
			case 1:
				g.pos++
				g.tp += r[2]
			case 0:
				g.neg++
				g.fp += r[2]
			}
		}
		var out []GroupValue
		for _, id := range sortedIDs(names) {
			g := c[id]
			if g.n == 0 {
				continue
			}
			out = append(out, GroupValue{Group: names[id], N: int(g.n), SelectionRate: g.sel / g.n,
				TPR: Rate(ratio(g.tp, g.pos)), FPR: Rate(ratio(g.fp, g.neg)), Compared: int(g.n) >= max(minSize, 1),
				Selected: int(g.sel), Positives: int(g.pos), TruePositives: int(g.tp), Negatives: int(g.neg), FalsePositives: int(g.fp)})
		}
		return out
	}
	m.value = func(rows iter.Seq[[]float64]) float64 { return fairness(typ, stats(rows)) }
	m.why = func(rows iter.Seq[[]float64], pipeline, positive string) string {
		gs := stats(rows)
		compared, selected := 0, 0
		for _, g := range gs {
			if g.Compared {
				compared++
				selected += g.Selected
			}
		}
		switch {
		case compared < 2:
			return fmt.Sprintf("fewer than two groups of %s have the records to compare", col)
		case typ == "demographic_parity_ratio" && selected == 0:
			return fmt.Sprintf("%s decides %s for no record in any group of %s, so there is no selection rate to compare", pipeline, positive, col)
		}
		return fmt.Sprintf("a rate it compares cannot be computed in at least two groups of %s (a group without %s records, say)", col, positive)
	}
	m.detail = func(rows iter.Seq[[]float64], excluded map[string]int) any {
		return GroupDetail{Groups: stats(rows), Excluded: excluded}
	}
	return m.build(), nil
}

// fairness computes the metric from the compared groups; NaN with fewer than
// two groups where the rate is defined.
func fairness(typ string, groups []GroupValue) float64 {
	spread := func(get func(GroupValue) float64) (lo, hi float64, n int) {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, g := range groups {
			if v := get(g); g.Compared && !math.IsNaN(v) {
				lo, hi = min(lo, v), max(hi, v)
				n++
			}
		}
		return lo, hi, n
	}
	switch typ {
	case "demographic_parity_ratio":
		lo, hi, n := spread(func(g GroupValue) float64 { return g.SelectionRate })
		if n < 2 {
			return math.NaN()
		}
		return ratio(lo, hi)
	case "equal_opportunity_difference":
		lo, hi, n := spread(func(g GroupValue) float64 { return float64(g.TPR) })
		if n < 2 {
			return math.NaN()
		}
		return hi - lo
	default: // equalized_odds_difference
		tlo, thi, tn := spread(func(g GroupValue) float64 { return float64(g.TPR) })
		flo, fhi, fn := spread(func(g GroupValue) float64 { return float64(g.FPR) })
		if tn < 2 || fn < 2 {
			return math.NaN()
		}
		return max(thi-tlo, fhi-flo)
	}
}

// Rate is a share that may be undefined (NaN); it is written to JSON as null
// when undefined.
type Rate float64

// MarshalJSON writes the rate, or null when it is NaN or infinite.
func (r Rate) MarshalJSON() ([]byte, error) {
	f := float64(r)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}
