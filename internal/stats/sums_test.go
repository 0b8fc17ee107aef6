package stats

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestBinomialMatchesItsDistribution draws 200,000 variates for each of
// inversion's and BTRS's regimes (and their mirror p > ½) and compares the
// frequencies with gonum's binomial probabilities by Pearson's χ² over
// cells of expected count ≥ 5; the seed fixes the draws, so the test is
// deterministic, and a correct sampler clears the 0.1% level.
func TestBinomialMatchesItsDistribution(t *testing.T) {
	tests := []struct {
		n int
		p float64
	}{
		{5, 0.3}, {40, 0.02}, {1000, 0.004}, // inversion
		{19, 0.6},                                                           // mirrored
		{100, 0.3}, {2000, 0.5}, {1_000_000, 0.013}, {50, 0.2}, {300, 0.97}, // BTRS (the last mirrored)
	}
	const draws = 200_000
	for _, tt := range tests {
		src := newResampleSource(uint64(tt.n) ^ math.Float64bits(tt.p))
		freq := map[int]int{}
		var sum, sum2 float64
		for range draws {
			k := binomial(src, tt.n, tt.p)
			if k < 0 || k > tt.n {
				t.Fatalf("binomial(%d, %v) = %d, outside [0, n]", tt.n, tt.p, k)
			}
			freq[k]++
			sum += float64(k)
			sum2 += float64(k) * float64(k)
		}
		ref := distuv.Binomial{N: float64(tt.n), P: tt.p}
		var chi2 float64
		var cells int
		var restObs, restExp float64
		for k := 0; k <= tt.n; k++ {
			e := draws * ref.Prob(float64(k))
			if e < 5 {
				restObs += float64(freq[k])
				restExp += e
				continue
			}
			d := float64(freq[k]) - e
			chi2 += d * d / e
			cells++
		}
		if restExp >= 5 {
			d := restObs - restExp
			chi2 += d * d / restExp
			cells++
		}
		p := 1 - distuv.ChiSquared{K: float64(cells - 1)}.CDF(chi2)
		mean := sum / draws
		sd := math.Sqrt(sum2/draws - mean*mean)
		t.Logf("n=%d p=%v: χ²=%.1f on %d cells, p=%.3f; mean %.3f (np %.3f), sd %.3f (%.3f)", tt.n, tt.p, chi2, cells, p, mean,
			float64(tt.n)*tt.p, sd, math.Sqrt(float64(tt.n)*tt.p*(1-tt.p)))
		if p < 0.001 {
			t.Errorf("binomial(%d, %v): χ² = %.1f on %d cells, p = %.2g: the draws do not follow the distribution", tt.n, tt.p, chi2, cells, p)
		}
	}
}

// TestSumTableAgainstScipy: the mean of BDATA as a statistic of the sums
// (value, 1), resampled by group counts with the exact leave-one-out
// jackknife, gives scipy's BCa and percentile intervals within Monte Carlo
// error, as the record-by-record bootstrap does (TestBootstrapAgainstScipy).
func TestSumTableAgainstScipy(t *testing.T) {
	tab, err := NewSumTable(len(bdata), 2, func(i int, dst []float64) { dst[0], dst[1] = bdata[i], 1 }, nil)
	if err != nil {
		t.Fatal(err)
	}
	mean := func(s []float64) float64 { return s[0] / s[1] }
	sums, err := tab.Resample(20000, 42, nil)
	if err != nil {
		t.Fatal(err)
	}
	reps := make([]float64, 20000)
	for b := range reps {
		reps[b] = mean(sums[2*b : 2*b+2])
	}
	var jack []float64
	var counts []int
	tab.LeaveOneOut(func(s []float64, c int) { jack, counts = append(jack, mean(s)), append(counts, c) })
	// scipy 1.10.1 values of TestBootstrapAgainstScipy.
	for _, tt := range []struct {
		method string
		lo, hi float64
	}{{BootstrapBCa, 1.0304999999999997, 1.5880000000000003}, {BootstrapPercentile, 0.9959999999999999, 1.5165000000000002}} {
		d, err := NewDistAccel(mean(tab.Total()), reps, Acceleration(jack, counts), 0.95, tt.method)
		if err != nil {
			t.Fatal(err)
		}
		iv := d.Interval()
		t.Logf("%s: grouped [%.4f, %.4f], scipy [%.4f, %.4f]", tt.method, iv.Lo, iv.Hi, tt.lo, tt.hi)
		if !near(iv.Lo, tt.lo, 0.01) || !near(iv.Hi, tt.hi, 0.01) {
			t.Errorf("%s: %+v, want within 0.01 of scipy [%v, %v]", tt.method, iv, tt.lo, tt.hi)
		}
	}
	// The grouped jackknife is the leave-one-out jackknife, value for value.
	loo, err := Jackknife(len(bdata), meanOf(bdata), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := Acceleration(jack, counts), acceleration(loo); !near(a, b, 1e-12) {
		t.Errorf("acceleration from groups %v, from leave-one-out %v", a, b)
	}
}

// TestSumTablePairedAgainstScipy: the difference of two proportions on
// the same 40 records (PBASE, PCAND), from one table of (base, cand, 1),
// gives scipy's paired intervals within a grid step, like
// TestPairedBootstrapAgainstScipy.
func TestSumTablePairedAgainstScipy(t *testing.T) {
	tab, err := NewSumTable(len(pbase), 3, func(i int, dst []float64) { dst[0], dst[1], dst[2] = pbase[i], pcand[i], 1 }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Groups() != 3 {
		// Both right, both wrong, the candidate alone right: no record
		// has the baseline alone right.
		t.Errorf("%d groups, want 3 cells of the paired 2×2 table", tab.Groups())
	}
	diff := func(s []float64) float64 { return (s[1] - s[0]) / s[2] }
	sums, err := tab.Resample(20000, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	reps := make([]float64, 20000)
	for b := range reps {
		reps[b] = diff(sums[3*b : 3*b+3])
	}
	var jack []float64
	var counts []int
	tab.LeaveOneOut(func(s []float64, c int) { jack, counts = append(jack, diff(s)), append(counts, c) })
	for _, tt := range []struct {
		method string
		lo, hi float64
	}{{BootstrapBCa, 0.07499999999999996, 0.30000000000000004}, {BootstrapPercentile, 0.04999999999999993, 0.275}} {
		d, err := NewDistAccel(diff(tab.Total()), reps, Acceleration(jack, counts), 0.95, tt.method)
		if err != nil {
			t.Fatal(err)
		}
		iv := d.Interval()
		t.Logf("%s: grouped [%.4f, %.4f], scipy [%.4f, %.4f]", tt.method, iv.Lo, iv.Hi, tt.lo, tt.hi)
		if !near(iv.Lo, tt.lo, 1.0/40+1e-9) || !near(iv.Hi, tt.hi, 1.0/40+1e-9) {
			t.Errorf("%s: %+v, want within 1/40 of scipy [%v, %v]", tt.method, iv, tt.lo, tt.hi)
		}
	}
}

// TestSumTableMatchesRecordBootstrap: on 20,000 records with a rare
// weighted positive (heavy groups drawn as binomials, light ones record by
// record), the replicates of a weighted recall have the mean, spread and
// quantiles of the record-by-record bootstrap's, within Monte Carlo error.
func TestSumTableMatchesRecordBootstrap(t *testing.T) {
	const n = 20000
	src := newResampleSource(11)
	caught := make([]bool, n)
	weight := make([]float64, n) // 0 for negatives
	for i := range n {
		if uniform01(src) < 0.02 {
			weight[i] = math.Round(math.Exp(3 + 1.5*uniform01(src)*2))
			caught[i] = uniform01(src) < 0.6
		}
	}
	term := func(i int, dst []float64) {
		if caught[i] {
			dst[0] = weight[i]
		}
		dst[1] = weight[i]
	}
	tab, err := NewSumTable(n, 2, term, nil)
	if err != nil {
		t.Fatal(err)
	}
	const B = 4000
	sums, err := tab.Resample(B, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	grouped := make([]float64, B)
	for b := range grouped {
		grouped[b] = sums[2*b] / sums[2*b+1]
	}
	recordwise, err := Resample(n, func(idx []int) float64 {
		var num, den float64
		for _, i := range idx {
			if caught[i] {
				num += weight[i]
			}
			den += weight[i]
		}
		return num / den
	}, BootstrapOptions{Resamples: B, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	mg, sg := meanSD(grouped)
	mr, sr := meanSD(recordwise)
	t.Logf("%d groups; grouped mean %.5f sd %.5f; record-wise mean %.5f sd %.5f", tab.Groups(), mg, sg, mr, sr)
	// Monte Carlo error of a mean of B replicates is sd/√B; of an sd about sd/√(2B).
	if math.Abs(mg-mr) > 4*sr*math.Sqrt(2.0/B) || math.Abs(sg-sr) > 4*sr/math.Sqrt(B) {
		t.Errorf("grouped (mean %v, sd %v) and record-wise (mean %v, sd %v) replicates differ beyond Monte Carlo error", mg, sg, mr, sr)
	}
	slices.Sort(grouped)
	slices.Sort(recordwise)
	for _, q := range []float64{0.025, 0.5, 0.975} {
		if g, r := Quantile(grouped, q), Quantile(recordwise, q); math.Abs(g-r) > 4*quantileDiffSE(q, B)*sr {
			t.Errorf("quantile %v: grouped %v, record-wise %v (tolerance %v)", q, g, r, 4*quantileDiffSE(q, B)*sr)
		}
	}
}

// TestSumTableSums checks the bookkeeping: every resample holds n records,
// and one table of a heavy and a light group resamples to the same sums
// for the same seed.
func TestSumTableSums(t *testing.T) {
	const n = 1000
	tab, err := NewSumTable(n, 2, func(i int, dst []float64) {
		dst[1] = 1 // the count of records
		if i%100 == 0 {
			dst[0] = float64(i + 1) // ten light records with distinct values
		}
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Groups() != 11 || tab.Total()[1] != n {
		t.Fatalf("%d groups, total %v; want 11 and %d records", tab.Groups(), tab.Total(), n)
	}
	a, _ := tab.Resample(500, 9, nil)
	b, _ := tab.Resample(500, 9, nil)
	if !slices.Equal(a, b) {
		t.Error("two resamplings with one seed differ")
	}
	for r := range 500 {
		if a[2*r+1] != n {
			t.Fatalf("resample %d holds %v records, want %d", r, a[2*r+1], n)
		}
	}
	if _, err := NewSumTable(0, 1, nil, nil); err == nil {
		t.Error("a table of no records was accepted")
	}
	done := make(chan struct{})
	close(done)
	if _, err := tab.Resample(100, 1, done); err != ErrStopped {
		t.Errorf("stopped resampling returned %v, want ErrStopped", err)
	}
}

func meanSD(v []float64) (float64, float64) {
	var s, s2 float64
	for _, x := range v {
		s += x
		s2 += x * x
	}
	m := s / float64(len(v))
	return m, math.Sqrt(s2/float64(len(v)) - m*m)
}

// TestSumTableNormalLight: with more records in small groups than
// normalLight (lowered here to 1,000), their part of a resample comes from
// the normal approximation; on 20,000 records of a skewed cost (every one
// distinct) and a weighted recall sharing the table, the replicates keep
// the record-by-record bootstrap's mean, spread and tails.
func TestSumTableNormalLight(t *testing.T) {
	defer func(v int) { normalLight = v }(normalLight)
	normalLight = 1000
	const n, B = 20000, 4000
	src := newResampleSource(21)
	cost, weight := make([]float64, n), make([]float64, n)
	caught := make([]bool, n)
	for i := range n {
		cost[i] = math.Exp(2 * uniform01(src)) // distinct, skewed
		if uniform01(src) < 0.3 {
			weight[i] = math.Round(100 * math.Exp(2*uniform01(src)))
			caught[i] = uniform01(src) < 0.5
		}
	}
	term := func(i int, dst []float64) {
		dst[0], dst[1] = cost[i], 1
		dst[3] = weight[i]
		if caught[i] {
			dst[2] = weight[i]
		}
	}
	tab, err := NewSumTable(n, 4, term, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !tab.Approximate() {
		t.Fatalf("%d groups: want the small groups' part drawn from the normal approximation", tab.Groups())
	}
	sums, err := tab.Resample(B, 8, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		of   func(s []float64) float64
		rec  Statistic
	}{
		{"mean cost", func(s []float64) float64 { return s[0] / s[1] }, func(idx []int) float64 {
			var c float64
			for _, i := range idx {
				c += cost[i]
			}
			return c / float64(len(idx))
		}},
		{"weighted recall", func(s []float64) float64 { return s[2] / s[3] }, func(idx []int) float64 {
			var num, den float64
			for _, i := range idx {
				if caught[i] {
					num += weight[i]
				}
				den += weight[i]
			}
			return num / den
		}},
	} {
		grouped := make([]float64, B)
		for b := range grouped {
			grouped[b] = tc.of(sums[4*b : 4*b+4])
		}
		recordwise, err := Resample(n, tc.rec, BootstrapOptions{Resamples: B, Seed: 8})
		if err != nil {
			t.Fatal(err)
		}
		mg, sg := meanSD(grouped)
		mr, sr := meanSD(recordwise)
		t.Logf("%s: normal mean %.6f sd %.6f; record-wise mean %.6f sd %.6f", tc.name, mg, sg, mr, sr)
		if math.Abs(mg-mr) > 4*sr*math.Sqrt(2.0/B) || math.Abs(sg-sr) > 4*sr/math.Sqrt(B) {
			t.Errorf("%s: normal (mean %v, sd %v) and record-wise (mean %v, sd %v) differ beyond Monte Carlo error", tc.name, mg, sg, mr, sr)
		}
		slices.Sort(grouped)
		slices.Sort(recordwise)
		for _, q := range []float64{0.025, 0.975} {
			if g, r := Quantile(grouped, q), Quantile(recordwise, q); math.Abs(g-r) > 4*quantileDiffSE(q, B)*sr {
				t.Errorf("%s: quantile %v: normal %v, record-wise %v (tolerance %v)", tc.name, q, g, r, 4*quantileDiffSE(q, B)*sr)
			}
		}
	}
}

// quantileDiffSE is the Monte Carlo standard error, in standard deviations
// of a normal statistic, of the difference between its q-quantile
// estimated from two independent sets of B replicates:
// √2 · √(q(1−q)/B) / φ(z_q) (the asymptotic variance of a sample
// quantile, Serfling 1980, §2.3.3). At q = 0.025 and B = 4,000 it is
// 0.060.
func quantileDiffSE(q float64, B int) float64 {
	z := distuv.UnitNormal.Quantile(q)
	return math.Sqrt2 * math.Sqrt(q*(1-q)/float64(B)) / distuv.UnitNormal.Prob(z)
}
