package metrics_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/metrics/metricstest"
	"github.com/poc-harness/poc/pipeline"
)

// splitObs is the scored binary fixture with a group (i%3: a, b, c) and a
// time in month i%4 + 1 of 2024 (record 19's time is missing).
func splitObs() []metrics.Observation {
	obs := scoreObs()
	for i := range obs {
		obs[i].Record.Fields["at"] = time.Date(2024, time.Month(1+i%4), 15, 10, 0, 0, 0, time.UTC)
	}
	obs[19].Record.Fields["at"] = nil
	return obs
}

func buildSplit(t *testing.T, typ, keys string, env metrics.Env) (metrics.Metric, error) {
	t.Helper()
	f, _ := metrics.Lookup(typ)
	s := f()
	if err := yamlDecode(keys, s); err != nil {
		return nil, err
	}
	return s.Build(env)
}

var splitEnv = metrics.Env{Name: "acc", Columns: append([]string{"at"}, libraryColumns...), Positive: "1", Time: "at"}

func TestByGroupAndWindow(t *testing.T) {
	// Per part: accuracy_score(y[m], p[m]) and
	// statsmodels proportion_confint(c, n, alpha=0.05, method="wilson").
	type part struct {
		name   string
		n      int
		v      float64
		lo, hi float64
	}
	tests := []struct {
		typ, keys string
		parts     []part
		excluded  map[string]int
	}{
		{"by_group", `{metric: accuracy, group: group, min_group_size: 7}`, []part{
			{"a", 7, 0.5714285714285714, 0.2504583645276572, 0.8417801447485302},
			{"b", 7, 0.8571428571428571, 0.4868721707256809, 0.9743203756552563},
			{"c", 6, 0.8333333333333334, 0.43649717781352965, 0.9699466302516933},
		}, nil},
		{"by_window", `{metric: {type: accuracy}}`, []part{
			{"2024-01", 5, 0.8, 0.3755346297625252, 0.9637758913675698},
			{"2024-02", 5, 1.0, 0.5655175352168252, 1.0},
			{"2024-03", 5, 0.6, 0.2307242812760129, 0.8823792257673522},
			{"2024-04", 4, 0.5, 0.15003898915214947, 0.8499610108478506}, // record 19 has no time: i in {3, 7, 11, 15}, 2 of 4
		}, map[string]int{"no time": 1}},
	}
	for _, tc := range tests {
		t.Run(tc.typ, func(t *testing.T) {
			m, err := buildSplit(t, tc.typ, tc.keys, splitEnv)
			if err != nil {
				t.Fatal(err)
			}
			acc := m.New()
			for _, o := range splitObs() {
				acc.Add(o)
			}
			r := acc.Result()
			if r.Value != 0.75 || r.N != 20 { // accuracy_score(y, p)
				t.Errorf("value = %v (n %d), want 0.75 (n 20)", r.Value, r.N)
			}
			if _, ok := acc.(metrics.Outcomes); !ok {
				t.Errorf("accumulator lost the inner Outcomes")
			}
			d := r.Detail.(metrics.SplitDetail)
			if len(d.Parts) != len(tc.parts) {
				t.Fatalf("parts = %+v", d.Parts)
			}
			for i, want := range tc.parts {
				got := d.Parts[i]
				if got.Name != want.name || got.N != want.n {
					t.Errorf("part %d = %+v, want %s n %d", i, got, want.name, want.n)
				}
				if math.Abs(float64(got.Value)-want.v) > 1e-12 || math.Abs(float64(got.Lo)-want.lo) > 1e-9 ||
					math.Abs(float64(got.Hi)-want.hi) > 1e-9 || got.Interval != "wilson" {
					t.Errorf("part %s = %+v, want %v [%v, %v] (wilson)", want.name, got, want.v, want.lo, want.hi)
				}
				if tc.typ == "by_group" && got.Small != (want.n < 7) {
					t.Errorf("part %s: small = %v", want.name, got.Small)
				}
			}
			if len(tc.excluded) > 0 && d.Excluded["no time"] != tc.excluded["no time"] {
				t.Errorf("excluded = %v, want %v", d.Excluded, tc.excluded)
			}
			metricstest.Conformance(t, m, splitObs())
		})
	}
}

func TestSplitKeepsInnerInterfaces(t *testing.T) {
	for _, tc := range []struct {
		keys  string
		check func(metrics.Accumulator) bool
	}{
		{`{metric: roc_auc, group: group}`, func(a metrics.Accumulator) bool { _, ok := a.(metrics.ScoredOutcomes); return ok }},
		{`{metric: latency_p95, group: group}`, func(a metrics.Accumulator) bool { _, ok := a.(metrics.Quantiler); return ok }},
		{`{metric: {type: recall}, group: group}`, func(a metrics.Accumulator) bool { _, ok := a.(metrics.Proportion); return ok }},
	} {
		m, err := buildSplit(t, "by_group", tc.keys, splitEnv)
		if err != nil {
			t.Fatal(err)
		}
		acc := m.New()
		if _, ok := acc.(metrics.Resampler); !ok || !tc.check(acc) {
			t.Errorf("%s: accumulator %T lost an interface of the inner one", tc.keys, acc)
		}
		metricstest.Conformance(t, m, splitObs())
	}

	// A non-proportion inner metric: a bootstrap interval per group.
	m, _ := buildSplit(t, "by_group", `{metric: roc_auc, group: group}`, splitEnv)
	acc := m.New()
	for _, o := range splitObs() {
		acc.Add(o)
	}
	for _, p := range acc.Result().Detail.(metrics.SplitDetail).Parts {
		if p.Interval != "bootstrap" || !(p.Lo <= p.Value && p.Value <= p.Hi) {
			t.Errorf("group %s: %+v, want a bootstrap interval around the value", p.Name, p)
		}
	}
}

func TestWindowKeys(t *testing.T) {
	for window, want := range map[string]string{"week": "2024-W03", "day": "2024-01-15", "month": "2024-01"} {
		m, err := buildSplit(t, "by_window", `{metric: accuracy, time: at, window: `+window+`}`, splitEnv)
		if err != nil {
			t.Fatal(err)
		}
		acc := m.New()
		acc.Add(splitObs()[0])
		if got := acc.Result().Detail.(metrics.SplitDetail).Parts[0].Name; got != want {
			t.Errorf("%s: window %q, want %q", window, got, want)
		}
	}
}

func TestSplitBuildErrors(t *testing.T) {
	noTime := splitEnv
	noTime.Time = ""
	for _, tc := range []struct {
		typ, keys, field string
		env              metrics.Env
	}{
		{"by_group", `{metric: accuracy}`, "group", splitEnv},
		{"by_group", `{metric: accuracy, group: nope}`, "group", splitEnv},
		{"by_group", `{group: group}`, "metric", splitEnv},
		{"by_group", `{metric: {type: class_recall}, group: group}`, "metric.class", splitEnv},
		{"by_window", `{metric: accuracy, window: year}`, "window", splitEnv},
		{"by_window", `{metric: accuracy}`, "time", noTime},
		{"by_window", `{metric: accuracy, time: nope}`, "time", splitEnv},
	} {
		_, err := buildSplit(t, tc.typ, tc.keys, tc.env)
		found := false
		for _, fe := range pipeline.AsFieldErrors(err) {
			found = found || fe.Field == tc.field
		}
		if !found {
			t.Errorf("%s %s: error %v, want one on %s", tc.typ, tc.keys, err, tc.field)
		}
	}
	for keys, want := range map[string]string{
		`{metric: {type: acuracy}, group: group}`:                `unknown metric type "acuracy"`,
		`{metric: {type: class_recall, klass: x}, group: group}`: `unknown key "klass" of metric type class_recall (keys: class)`,
		`{metric: {type: accuracy, k: 1}, group: group}`:         `metric type accuracy takes no keys`,
	} {
		if _, err := buildSplit(t, "by_group", keys, splitEnv); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", keys, err, want)
		}
	}
}
