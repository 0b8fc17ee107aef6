package metrics

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/poc-harness/poc/pipeline"
)

// TestClassTally: the confusion counts of accuracy and macro F1 over any
// records — repeated, unlabelled, unanswered, with few classes or many
// (counted cell by cell or record by record) — are those of counting the
// records one by one.
func TestClassTally(t *testing.T) {
	for _, tc := range []struct {
		name       string
		classes, n int
	}{
		{"3 classes", 3, 500},
		{"5 classes", 5, 10000},
		{"more cells than records", 40, 200},
		{"one record", 2, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(tc.classes), uint64(tc.n)))
			a := (&classMetric{kind: "macro_f1"}).New().(*classAcc)
			label := func() string {
				if rng.IntN(10) == 0 {
					return "" // no label, or no answer
				}
				return fmt.Sprintf("c%d", rng.IntN(tc.classes))
			}
			for range tc.n {
				a.truth = append(a.truth, a.id(label()))
				a.pred = append(a.pred, a.id(label()))
			}
			idxs := [][]int{nil, {}}
			for range 5 {
				idx := make([]int, tc.n)
				for i := range idx {
					idx[i] = rng.IntN(tc.n)
				}
				idxs = append(idxs, idx)
			}
			for _, idx := range idxs {
				c, l, tp, fp, fn := a.tally(idx)
				wc, wl, wtp, wfp, wfn := a.tallyRecords(idx)
				if got, want := fmt.Sprint(c, l, tp, fp, fn), fmt.Sprint(wc, wl, wtp, wfp, wfn); got != want {
					t.Errorf("tally = %s, want %s", got, want)
				}
			}
			// Records added after a tally are counted by the next.
			a.truth, a.pred = append(a.truth, a.id("new")), append(a.pred, a.id("new"))
			c, l, tp, fp, fn := a.tally(nil)
			wc, wl, wtp, wfp, wfn := a.tallyRecords(nil)
			if got, want := fmt.Sprint(c, l, tp, fp, fn), fmt.Sprint(wc, wl, wtp, wfp, wfn); got != want {
				t.Errorf("after an Add: tally = %s, want %s", got, want)
			}
		})
	}
}

// BenchmarkMacroF1ValueAt is one bootstrap replicate of macro F1 over
// 10,000 records of 5 classes (an LLM's routing of support tickets).
func BenchmarkMacroF1ValueAt(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	a := (&classMetric{kind: "macro_f1"}).New()
	for range 10000 {
		truth := fmt.Sprintf("c%d", rng.IntN(5))
		pred := truth
		if rng.IntN(5) == 0 {
			pred = fmt.Sprintf("c%d", rng.IntN(5))
		}
		a.Add(Observation{Truth: truth, Pred: pipeline.Prediction{Output: pipeline.Output{Label: pred}}})
	}
	r := a.(Resampler)
	idx := make([]int, r.Len())
	for i := range idx {
		idx[i] = rng.IntN(len(idx))
	}
	for b.Loop() {
		r.ValueAt(idx)
	}
}
