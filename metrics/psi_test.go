package metrics_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/metrics"
)

// psiObs is n records whose amount drifts upwards over the replay.
func psiObs(n int) []metrics.Observation {
	rng := rand.New(rand.NewPCG(3, 4))
	obs := make([]metrics.Observation, n)
	for i := range obs {
		obs[i] = metrics.Observation{Record: datasets.Record{Seq: i, Fields: map[string]any{"amount": rng.NormFloat64()*10 + 100 + 10*float64(i)/float64(n)}}}
	}
	return obs
}

func TestPSIResamples(t *testing.T) {
	obs := psiObs(400)
	m := buildWith(t, "psi", "{column: amount}")
	acc := m.New()
	for _, o := range obs {
		acc.Add(o)
	}
	want := acc.Result().Value
	// The full data's windows: the first and last 100 records.
	var ref, cur []float64
	for i, o := range obs {
		v := o.Record.Fields["amount"].(float64)
		if i < 100 {
			ref = append(ref, v)
		} else if i >= 300 {
			cur = append(cur, v)
		}
	}
	if got := metrics.PSIOfSamples(ref, cur, 10); math.Abs(got-want) > 1e-12 {
		t.Errorf("psi = %v, PSIOfSamples of the quarters = %v", want, got)
	}
	rs := acc.(metrics.Resampler)
	rev := make([]int, len(obs))
	for i := range rev {
		rev[i] = len(obs) - 1 - i
	}
	if got := rs.ValueAt(rev); math.Abs(got-want) > 1e-12 {
		t.Errorf("ValueAt(all, reversed) = %v, want %v", got, want)
	}
	// Only the middle half: both windows empty, undefined.
	mid := make([]int, 0, 200)
	for i := 100; i < 300; i++ {
		mid = append(mid, i)
	}
	if got := rs.ValueAt(mid); !math.IsNaN(got) {
		t.Errorf("ValueAt(middle half) = %v, want NaN", got)
	}
	// The first quarter twice and the last once: the reference shares are
	// those of the full data, so the value is unchanged.
	var dup []int
	for i := range 100 {
		dup = append(dup, i, i, 300+i)
	}
	if got := rs.ValueAt(dup); math.Abs(got-want) > 1e-12 {
		t.Errorf("ValueAt(doubled reference) = %v, want %v", got, want)
	}
}

// BenchmarkPSIResample is one bootstrap resample of psi at 20,000 records:
// the bins are fixed once, a resample only recounts them.
func BenchmarkPSIResample(b *testing.B) {
	obs := psiObs(20000)
	f, _ := metrics.Lookup("psi")
	s := f()
	if err := yamlDecode("{column: amount}", s); err != nil {
		b.Fatal(err)
	}
	m, err := s.Build(metrics.Env{Name: "psi", Columns: libraryColumns})
	if err != nil {
		b.Fatal(err)
	}
	acc := m.New()
	for _, o := range obs {
		acc.Add(o)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	idx := make([]int, len(obs))
	for i := range idx {
		idx[i] = rng.IntN(len(obs))
	}
	rs := acc.(metrics.Resampler)
	rs.ValueAt(idx)
	b.ResetTimer()
	for range b.N {
		rs.ValueAt(idx)
	}
}
