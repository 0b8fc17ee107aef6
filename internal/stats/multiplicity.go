package stats

import (
	"math"
	"slices"
)

// Holm returns Holm–Bonferroni adjusted p-values (Holm 1979), in the
// order of p: with p₍₁₎ ≤ … ≤ p₍ₘ₎ sorted ascending,
//
//	p̃₍ⱼ₎ = min(1, max over k ≤ j of (m − k + 1)·p₍ₖ₎)
//
// Rejecting every hypothesis whose adjusted p-value is at most α controls
// the family-wise error rate at α. It matches statsmodels'
// multipletests(p, method="holm")[1] (whose default, "hs", is Holm–Šidák)
// and R's p.adjust(p, "holm"); ties keep their input order.
//
// A NaN p-value (a test that could not be computed) stays NaN and still
// counts in m, so the others pay for it: poc fails closed. An empty input
// gives an empty result. p is not modified.
func Holm(p []float64) []float64 {
	m := len(p)
	out := make([]float64, m)
	order := identity(m)
	// NaN last; stable so that ties keep their input order.
	slices.SortStableFunc(order, func(a, b int) int {
		pa, pb := p[a], p[b]
		switch {
		case math.IsNaN(pa) && math.IsNaN(pb):
			return 0
		case math.IsNaN(pa):
			return 1
		case math.IsNaN(pb):
			return -1
		case pa < pb:
			return -1
		case pa > pb:
			return 1
		}
		return 0
	})
	running := 0.0
	for k, i := range order {
		if math.IsNaN(p[i]) {
			out[i] = math.NaN()
			continue
		}
		running = math.Max(running, float64(m-k)*p[i])
		out[i] = math.Min(1, running)
	}
	return out
}
