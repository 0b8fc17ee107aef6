package history

import (
	"slices"
	"testing"

	"github.com/poc-harness/poc/internal/results"
)

// Criteria pair by name, then — a generated name changes with its
// threshold — by metric, pipeline, kind and baseline; the changes say what
// moved, and the hash changes exactly when what decides a criterion does.
func TestCriteriaChanges(t *testing.T) {
	prec := func(name string, thr float64, must bool) results.Judgement {
		return results.Judgement{Name: name, Metric: "precision", Pipeline: "model", Kind: results.AtLeast, Threshold: results.Number(thr), Sense: ">=", Must: must}
	}
	recall := results.Judgement{Name: "recall of model better than rules", Metric: "recall", Pipeline: "model", Kind: results.BetterThan, Baseline: "rules", Sense: ">="}
	latency := results.Judgement{Name: "latency", Metric: "latency_p99", Pipeline: "model", Kind: results.AtMost, Threshold: 50, Sense: "<="}
	a := []results.Judgement{prec("precision at least 30%", 0.3, true), recall, latency}
	b := []results.Judgement{recall, prec("precision at least 25%", 0.25, false), {Name: "f1", Metric: "f1", Pipeline: "model", Kind: results.AtLeast, Threshold: 0.5, Sense: ">="}}
	got := CriteriaChanges(PairCriteria(a, b))
	want := []string{"changed: precision at least 30%: required >= 30.0% → >= 25.0%; must true → false", "removed: latency", "added: f1"}
	if len(got) != len(want) {
		t.Fatalf("changes %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("change %d: %q, want %q", i, got[i], want[i])
		}
	}
	if CriteriaChanges(PairCriteria(a, a)) != nil {
		t.Error("a run compared with itself has changes")
	}
	if CriteriaHash(a) == CriteriaHash(b) || CriteriaHash(a) != CriteriaHash(append([]results.Judgement(nil), a...)) {
		t.Error("the hash does not follow what decides the criteria")
	}
	c := slices.Clone(a)
	c[0].Estimate, c[0].Status = 0.9, results.Pass // a result, not a criterion
	if CriteriaHash(c) != CriteriaHash(a) {
		t.Error("the hash changes with the estimates")
	}
}
