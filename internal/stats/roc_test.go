package stats

import (
	"encoding/csv"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
)

// asahData reads testdata/asah.csv: pROC's aSAH data (Turck et al. 2010,
// shipped with pROC as data(aSAH)), 113 patients with outcome (Good/Poor),
// wfns, s100b and ndka. pROC's package data is not available offline; the
// values were transcribed from a public repository's test fixture and are
// validated here by reproducing pROC's own AUC(wfns) and DeLong Z to 1e-12.
// It returns the marker's values for the Poor (positive) and Good
// (negative) patients, in file order.
func asahData(t *testing.T, marker string) (poor, good []float64) {
	t.Helper()
	f, err := os.Open("testdata/asah.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{"wfns": 1, "s100b": 2, "ndka": 3}[marker]
	for _, r := range rows[1:] {
		v, err := strconv.ParseFloat(r[col], 64)
		if err != nil {
			t.Fatal(err)
		}
		if r[0] == "Poor" {
			poor = append(poor, v)
		} else {
			good = append(good, v)
		}
	}
	if len(poor)+len(good) != 113 || len(poor) != 41 {
		t.Fatalf("aSAH: %d Poor and %d Good, want 41 and 72", len(poor), len(good))
	}
	return poor, good
}

// rocTieData rebuilds tie_data() of testdata/reference.py: integer-formula
// scores of 37 positives and 53 negatives for two models, with many ties.
func rocTieData() (p1, n1, p2, n2 []float64) {
	for i := range 37 {
		p1 = append(p1, float64((i*37+11)%23)/4)
		p2 = append(p2, float64((i*13+3)%17)/2)
	}
	for j := range 53 {
		n1 = append(n1, float64((j*29+5)%19)/4)
		n2 = append(n2, float64((j*7+1)%15)/2)
	}
	return p1, n1, p2, n2
}

func TestDeLongASAH(t *testing.T) {
	// pROC's test suite (STATISTICS.md): roc.test(r.wfns, r.s100b, method="delong") on aSAH:
	// Z = 2.20898359144091, p = 0.0271757822291882, CI [0.0104061769564846, 0.174214419249478],
	// AUC(wfns) = 0.823678861788618. The other pairs, the 90% interval and the SE:
	// delong_direct(...) in testdata/reference.py, a direct O(mn) DeLong (placements by
	// definition, np.cov), which reproduces the pROC figures above to 1e-15; AUCs also equal
	// sklearn.metrics.roc_auc_score.
	tests := []struct {
		a, b                 string
		conf                 float64
		auc1, auc2, diff, se float64
		z, p, lo, hi         float64
	}{
		{"wfns", "s100b", 0.95, 0.823678861788618, 0.731368563685637, 0.09231029810298097, 0.04178858478652963,
			2.20898359144091, 0.0271757822291882, 0.0104061769564846, 0.174214419249478},
		{"wfns", "ndka", 0.95, 0.8236788617886179, 0.6119579945799457, 0.21172086720867223, 0.0756747049663215,
			2.79777591868904, 0.005145579706910951, 0.0634011709339877, 0.3600405634833568},
		{"ndka", "s100b", 0.95, 0.6119579945799457, 0.731368563685637, -0.11941056910569126, 0.08585932030174066,
			-1.39077002573558, 0.1642951752230538, -0.28769174463419167, 0.04887060642280913},
		{"wfns", "s100b", 0.90, 0.8236788617886179, 0.731368563685637, 0.09231029810298097, 0.04178858478652963,
			2.2089835914409046, 0.027175782229188355, 0.023574192851688602, 0.16104640335427334},
	}
	const tol = 1e-12
	for _, tt := range tests {
		p1, n1 := asahData(t, tt.a)
		p2, n2 := asahData(t, tt.b)
		r, err := DeLong(p1, n1, p2, n2, tt.conf)
		if err != nil {
			t.Fatalf("DeLong(%s, %s): %v", tt.a, tt.b, err)
		}
		if !near(r.AUC1, tt.auc1, tol) || !near(r.AUC2, tt.auc2, tol) || !near(r.Diff, tt.diff, tol) || !near(r.SE, tt.se, tol) ||
			!near(r.Z, tt.z, 1e-10) || !near(r.P, tt.p, tol) || !near(r.Interval.Lo, tt.lo, tol) || !near(r.Interval.Hi, tt.hi, tol) ||
			r.Interval.Method != MethodDeLong {
			t.Errorf("DeLong(%s vs %s, %v) = %+v\nwant AUCs %v %v diff %v se %v z %v p %v [%v, %v]",
				tt.a, tt.b, tt.conf, r, tt.auc1, tt.auc2, tt.diff, tt.se, tt.z, tt.p, tt.lo, tt.hi)
		}
		// Swapping the models negates Z and Diff and leaves P unchanged.
		rev, err := DeLong(p2, n2, p1, n1, tt.conf)
		if err != nil || !near(rev.Z, -r.Z, 1e-12) || !near(rev.P, r.P, 1e-15) {
			t.Errorf("DeLong reversed = %+v, %v; want Z %v", rev, err, -r.Z)
		}
	}
}

func TestDeLongTies(t *testing.T) {
	// delong_direct(p1, n1, p2, n2, 0.95) on tie_data() of testdata/reference.py.
	p1, n1, p2, n2 := rocTieData()
	r, err := DeLong(p1, n1, p2, n2, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	want := ROCComparison{AUC1: 0.5971443141254462, AUC2: 0.5711371749107598, Diff: 0.026007139214686448,
		SE: 0.096354369703098, Z: 0.2699113625549487, P: 0.7872284454508242,
		Interval: Interval{Lo: -0.16284395515644298, Hi: 0.21485823358581588, Method: MethodDeLong}}
	if !near(r.AUC1, want.AUC1, 1e-13) || !near(r.AUC2, want.AUC2, 1e-13) || !near(r.SE, want.SE, 1e-13) ||
		!near(r.Z, want.Z, 1e-12) || !near(r.P, want.P, 1e-12) || !near(r.Interval.Lo, want.Interval.Lo, 1e-12) ||
		!near(r.Interval.Hi, want.Interval.Hi, 1e-12) {
		t.Errorf("DeLong(ties) = %+v\nwant %+v", r, want)
	}
}

// deLongDirect is the O(mn) definition, for the randomized cross-check.
func deLongDirect(p1, n1, p2, n2 []float64) (diff, se float64) {
	psi := func(x, y float64) float64 {
		switch {
		case x > y:
			return 1
		case x == y:
			return 0.5
		}
		return 0
	}
	m, n := len(p1), len(n1)
	d10 := make([]float64, m)
	d01 := make([]float64, n)
	for i := range m {
		for j := range n {
			d := psi(p1[i], n1[j]) - psi(p2[i], n2[j])
			d10[i] += d / float64(n)
			d01[j] += d / float64(m)
		}
	}
	return mean(d10), math.Sqrt(variance(d10)/float64(m) + variance(d01)/float64(n))
}

func TestDeLongMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := range 50 {
		m, n := 2+rng.IntN(40), 2+rng.IntN(60)
		gen := func(k int, shift float64) []float64 {
			out := make([]float64, k)
			for i := range out {
				out[i] = math.Round((rng.NormFloat64()+shift)*3) / 3 // rounded: ties
			}
			return out
		}
		p1, n1, p2, n2 := gen(m, 1), gen(n, 0), gen(m, 0.5), gen(n, 0)
		r, err := DeLong(p1, n1, p2, n2, 0.95)
		if err != nil {
			t.Fatal(err)
		}
		diff, se := deLongDirect(p1, n1, p2, n2)
		if !near(r.Diff, diff, 1e-12) || !near(r.SE, se, 1e-12) {
			t.Errorf("trial %d (m=%d n=%d): Diff, SE = %v, %v; definition gives %v, %v", trial, m, n, r.Diff, r.SE, diff, se)
		}
	}
}

func TestDeLongEdgeCases(t *testing.T) {
	p, n := asahData(t, "wfns")
	same, err := DeLong(p, n, p, n, 0.95)
	if err != nil || same.Z != 0 || same.P != 1 || same.SE != 0 || same.Interval.Lo != 0 || same.Interval.Hi != 0 {
		t.Errorf("DeLong(identical) = %+v, %v; want Z 0, P 1, [0, 0]", same, err)
	}
	errCases := []struct {
		name           string
		p1, n1, p2, n2 []float64
		conf           float64
	}{
		{"lengths", []float64{1, 2}, []float64{0, 1}, []float64{1, 2, 3}, []float64{0, 1}, 0.95},
		{"one positive", []float64{1}, []float64{0, 1}, []float64{1}, []float64{0, 1}, 0.95},
		{"NaN", []float64{1, math.NaN()}, []float64{0, 1}, []float64{1, 2}, []float64{0, 1}, 0.95},
		{"conf", []float64{1, 2}, []float64{0, 1}, []float64{1, 2}, []float64{0, 1}, 1},
	}
	for _, tt := range errCases {
		if _, err := DeLong(tt.p1, tt.n1, tt.p2, tt.n2, tt.conf); err == nil {
			t.Errorf("DeLong(%s) succeeded, want an error", tt.name)
		}
	}
}

func TestAUC(t *testing.T) {
	// sklearn 1.2.1: roc_auc_score([1]*m + [0]*n, concat(pos, neg)) (testdata/reference.py);
	// AUC(wfns) = 0.823678861788618 is also pROC's (STATISTICS.md).
	pt1, nt1, pt2, nt2 := rocTieData()
	tests := []struct {
		name     string
		pos, neg []float64
		want     float64
	}{
		{"wfns", nil, nil, 0.8236788617886179},
		{"s100b", nil, nil, 0.7313685636856369},
		{"ndka", nil, nil, 0.6119579945799458},
		{"ties 1", pt1, nt1, 0.5971443141254462},
		{"ties 2", pt2, nt2, 0.5711371749107599},
		{"perfect", []float64{3, 4}, []float64{1, 2}, 1},
		{"inverted", []float64{1, 2}, []float64{3, 4}, 0}, // never flipped
		{"all tied", []float64{1, 1}, []float64{1, 1, 1}, 0.5},
		{"empty", nil, []float64{1}, math.NaN()},
		{"NaN", []float64{math.NaN()}, []float64{1}, math.NaN()},
	}
	for _, tt := range tests {
		pos, neg := tt.pos, tt.neg
		if pos == nil && neg == nil {
			pos, neg = asahData(t, tt.name)
		}
		if got := AUC(pos, neg); !near(got, tt.want, 1e-13) {
			t.Errorf("AUC(%s) = %.17g, want %.17g", tt.name, got, tt.want)
		}
	}
}

func TestAUCInterval(t *testing.T) {
	// auc_ci_direct(pos, neg, 0.95) in testdata/reference.py: AUC ± z·√(var(V10)/m + var(V01)/n),
	// clipped to [0, 1]. pROC's var(r.wfns) = 0.00146991470882363, var(r.s100b) =
	// 0.00266868245717244 and ci.auc(r.ndka) = [0.501244999271703, 0.722670989888189] agree
	// (as quoted from pROC's test suite by a public repository's fixture).
	pt1, nt1, _, _ := rocTieData()
	tests := []struct {
		name     string
		pos, neg []float64
		lo, hi   float64
	}{
		{"wfns", nil, nil, 0.7485348878194529, 0.898822835757783},
		{"s100b", nil, nil, 0.6301182117616227, 0.8326189156096512},
		{"ndka", nil, nil, 0.5012449992717025, 0.7226709898881889},
		{"ties 1", pt1, nt1, 0.47481873021581533, 0.7194698980350771},
		{"clipped", []float64{3, 4, 5}, []float64{1, 2, 3.5}, 0.5809102612556271, 1}, // auc_ci_direct([3,4,5], [1,2,3.5])
		{"one positive", []float64{3}, []float64{1, 2}, math.NaN(), math.NaN()},
	}
	for _, tt := range tests {
		pos, neg := tt.pos, tt.neg
		if pos == nil && neg == nil {
			pos, neg = asahData(t, tt.name)
		}
		iv := AUCInterval(pos, neg, 0.95)
		if !near(iv.Lo, tt.lo, 1e-12) || !near(iv.Hi, tt.hi, 1e-12) || iv.Method != MethodDeLong {
			t.Errorf("AUCInterval(%s) = %+v, want [%.17g, %.17g] %q", tt.name, iv, tt.lo, tt.hi, MethodDeLong)
		}
	}
}

func BenchmarkDeLong100k(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	gen := func(k int, shift float64) []float64 {
		out := make([]float64, k)
		for i := range out {
			out[i] = rng.NormFloat64() + shift
		}
		return out
	}
	p1, n1, p2, n2 := gen(10_000, 1), gen(90_000, 0), gen(10_000, 0.8), gen(90_000, 0)
	b.ResetTimer()
	for range b.N {
		if _, err := DeLong(p1, n1, p2, n2, 0.95); err != nil {
			b.Fatal(err)
		}
	}
}
