package stats

import (
	"cmp"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"

	"gonum.org/v1/gonum/mat"
)

// heavyGroup is the smallest group of records that SumTable.Resample draws
// as one binomial count; smaller groups are drawn record by record.
const heavyGroup = 32

// normalLight is the number of records in small groups above which
// SumTable.Resample draws their part of a resample's sums from the normal
// distribution with their mean and covariance (the central limit theorem,
// for a sum of that many draws), rather than record by record: the cost of
// a resample then stays the number of large groups. A variable so that
// tests can lower it.
var normalLight = 200_000

// SumTable is the set of records of a statistic that is a function of
// sums over records — each record adds a fixed vector of dim numbers (a
// one-hot confusion cell, a weight where the record is a positive) —,
// grouped by their vector. Resampling the records then comes down to
// drawing how many records of each group a resample holds, which is what
// makes a bootstrap over millions of records cheap: a resample costs the
// number of distinct vectors, not the number of records.
type SumTable struct {
	dim    int
	n      int
	vecs   []float64 // group g's vector: vecs[g*dim : (g+1)*dim]
	counts []int
	heavy  []int   // groups of at least heavyGroup records, largest first
	light  []int32 // the group of every record of the other groups
	total  []float64
}

// NewSumTable groups n records by the vector term writes for each (into
// a dst of dim numbers, zeroed before each call). Records whose vectors
// are bit for bit equal share a group. Closing done (nil: never) stops it
// with ErrStopped.
func NewSumTable(n, dim int, term func(i int, dst []float64), done <-chan struct{}) (*SumTable, error) {
	if n < 1 || dim < 1 {
		return nil, fmt.Errorf("sum table: %d records of %d terms: need at least one of each", n, dim)
	}
	t := &SumTable{dim: dim, n: n, total: make([]float64, dim)}
	// Groups are found by a 64-bit hash of the vector's bits, probing on
	// until the stored vector is the same: no key is allocated, and a
	// collision costs a comparison, never a wrong group.
	index := map[uint64]int32{}
	seed := maphash.MakeSeed()
	vec := make([]float64, dim)
	byRecord := make([]int32, n)
	for i := range n {
		if i%(1<<14) == 0 && stopped(done) {
			return nil, ErrStopped
		}
		clear(vec)
		term(i, vec)
		h := maphash.Bytes(seed, unsafe.Slice((*byte)(unsafe.Pointer(&vec[0])), 8*dim))
		g := int32(-1)
		for {
			at, ok := index[h]
			if !ok {
				break
			}
			if sameBits(t.vecs[int(at)*dim:(int(at)+1)*dim], vec) {
				g = at
				break
			}
			h++ // another vector has this hash: probe the next
		}
		if g < 0 {
			g = int32(len(t.counts))
			index[h] = g
			t.vecs = append(t.vecs, vec...)
			t.counts = append(t.counts, 0)
		}
		t.counts[g]++
		byRecord[i] = g
		for j, v := range vec {
			t.total[j] += v
		}
	}
	for g, c := range t.counts {
		if c >= heavyGroup {
			t.heavy = append(t.heavy, g)
		}
	}
	slices.SortStableFunc(t.heavy, func(a, b int) int { return cmp.Compare(t.counts[b], t.counts[a]) })
	if len(t.heavy) < len(t.counts) {
		for _, g := range byRecord {
			if t.counts[g] < heavyGroup {
				t.light = append(t.light, g)
			}
		}
	}
	return t, nil
}

// Approximate reports whether Resample draws the small groups' part of a
// resample from the normal approximation (more than 200,000 records in
// groups of fewer than 32 records each) rather than exactly.
func (t *SumTable) Approximate() bool { return len(t.light) > normalLight }

// SmallGroupRecords is how many records fall in groups of fewer than 32
// records: the part Approximate draws from the normal approximation.
func (t *SumTable) SmallGroupRecords() int { return len(t.light) }

// lightNormal is the distribution of one draw among the records of the
// small groups: their mean vector and a square root of their covariance
// (root·rootᵀ = covariance, from its eigen-decomposition, so that a
// singular covariance — a column that is another's sum — is no error).
type lightNormal struct {
	mean []float64
	root []float64 // dim × dim, row-major
}

func (t *SumTable) lightNormal() *lightNormal {
	d := t.dim
	ln := &lightNormal{mean: make([]float64, d), root: make([]float64, d*d)}
	for _, g := range t.light {
		addScaled(ln.mean, t.vecs[int(g)*d:(int(g)+1)*d], 1)
	}
	m := float64(len(t.light))
	for j := range ln.mean {
		ln.mean[j] /= m
	}
	c := make([]float64, d*d)
	dev := make([]float64, d)
	for _, g := range t.light {
		v := t.vecs[int(g)*d : (int(g)+1)*d]
		for j := range dev {
			dev[j] = v[j] - ln.mean[j]
		}
		for j := range d {
			for k := j; k < d; k++ {
				c[j*d+k] += dev[j] * dev[k]
			}
		}
	}
	cov := mat.NewSymDense(d, nil)
	for j := range d {
		for k := j; k < d; k++ {
			cov.SetSym(j, k, c[j*d+k]/m)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(cov, true) {
		return ln // no spread: every small-group record alike
	}
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	vals := eig.Values(nil)
	for j := range d {
		for k := range d {
			ln.root[j*d+k] = vecs.At(j, k) * math.Sqrt(max(0, vals[k]))
		}
	}
	return ln
}

// add adds to s the sum of k draws among the small groups' records:
// k·mean + √k·root·z with z standard normal (Box–Muller on src).
func (ln *lightNormal) add(s []float64, k int, src *rand.PCG, z []float64) {
	d := len(ln.mean)
	for j := 0; j < d; j += 2 {
		u1, u2 := uniform01(src), uniform01(src)
		r := math.Sqrt(-2 * math.Log1p(-u1)) // 1 − u1 is in (0, 1]
		z[j] = r * math.Cos(2*math.Pi*u2)
		if j+1 < d {
			z[j+1] = r * math.Sin(2*math.Pi*u2)
		}
	}
	sk, fk := math.Sqrt(float64(k)), float64(k)
	for j := range d {
		x := fk * ln.mean[j]
		for l := range d {
			x += sk * ln.root[j*d+l] * z[l]
		}
		s[j] += x
	}
}

// sameBits reports whether two vectors are bit for bit equal (NaN and
// signed zeros included), as the grouping's hash sees them.
func sameBits(a, b []float64) bool {
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// Len is the number of records.
func (t *SumTable) Len() int { return t.n }

// Dim is the number of terms of each record's vector.
func (t *SumTable) Dim() int { return t.dim }

// Groups is the number of distinct vectors.
func (t *SumTable) Groups() int { return len(t.counts) }

// Total is the sum of every record's vector; the caller must not modify it.
func (t *SumTable) Total() []float64 { return t.total }

// Resample returns the sums of resamples resamples of the records, each of
// n records drawn uniformly with replacement: resample b's sums are
// out[b*dim : (b+1)*dim]. The counts of the groups in a resample are drawn
// from their multinomial distribution (a binomial for each large group
// given the ones before, then the remaining draws record by record among
// the small groups), which is the distribution of the counts that n
// uniform draws of records give: every statistic of the sums has exactly
// the distribution of a record-by-record bootstrap. When more than
// 200,000 records are in small groups (Approximate), their part of each
// resample is drawn from its normal approximation instead, at the cost of
// the large groups alone. The draws depend only on the table and seed.
// Closing done stops it with ErrStopped.
func (t *SumTable) Resample(resamples int, seed uint64, done <-chan struct{}) ([]float64, error) {
	if resamples < 1 {
		return nil, errors.New("sum table: resamples must be positive")
	}
	out := make([]float64, resamples*t.dim)
	var normal *lightNormal
	if len(t.light) > normalLight {
		normal = t.lightNormal()
	}
	// The resamples are drawn in blocks, each from its own stream (the
	// seed and the block's number), on every core: the draws are the same
	// whatever the number of cores.
	blocks := (resamples + resampleBlock - 1) / resampleBlock
	var next atomic.Int64
	var stop atomic.Bool
	var g sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), blocks) {
		g.Go(func() {
			for !stop.Load() {
				k := int(next.Add(1)) - 1
				if k >= blocks {
					return
				}
				if stopped(done) {
					stop.Store(true)
					return
				}
				src, z := newResampleSource(blockSeed(seed, k)), make([]float64, t.dim)
				for b := k * resampleBlock; b < min(resamples, (k+1)*resampleBlock); b++ {
					t.resampleOne(out[b*t.dim:(b+1)*t.dim], normal, src, z)
				}
			}
		})
	}
	g.Wait()
	if stop.Load() {
		return nil, ErrStopped
	}
	return out, nil
}

// resampleBlock is how many resamples one stream of random numbers draws.
const resampleBlock = 64

// blockSeed is the seed of block k's stream.
func blockSeed(seed uint64, k int) uint64 {
	return seed ^ (uint64(k)+1)*0x9e3779b97f4a7c15
}

// resampleOne draws one resample's sums into s (zero on entry); z is the
// normal approximation's scratch, dim numbers.
func (t *SumTable) resampleOne(s []float64, normal *lightNormal, src *rand.PCG, z []float64) {
	draws, left := t.n, t.n // records still to draw; records of the groups not yet drawn
	for _, g := range t.heavy {
		if draws == 0 {
			break
		}
		c := t.counts[g]
		k := draws
		if c < left {
			k = binomial(src, draws, float64(c)/float64(left))
		}
		draws, left = draws-k, left-c
		if k > 0 {
			addScaled(s, t.vecs[g*t.dim:(g+1)*t.dim], float64(k))
		}
	}
	if normal != nil && draws > 0 {
		normal.add(s, draws, src, z)
		return
	}
	nLight := uint64(len(t.light))
	for range draws {
		g := int(t.light[uniformIndex(src, nLight)])
		addScaled(s, t.vecs[g*t.dim:(g+1)*t.dim], 1)
	}
}

func addScaled(dst, v []float64, k float64) {
	for j, x := range v {
		dst[j] += k * x
	}
}

// LeaveOneOut calls f for each group with the sums of every record but
// one of that group, and the number of records in it: the leave-one-out
// jackknife of any statistic of the sums, each value standing for count
// records. s is reused between calls.
func (t *SumTable) LeaveOneOut(f func(s []float64, count int)) {
	s := make([]float64, t.dim)
	for g, c := range t.counts {
		v := t.vecs[g*t.dim : (g+1)*t.dim]
		for j := range s {
			s[j] = t.total[j] - v[j]
		}
		f(s, c)
	}
}

// Acceleration is BCa's jackknife acceleration Σd³ / 6(Σd²)^{3/2}, d =
// mean − value, over values each counted counts[i] times (counts nil: once
// each); NaN when every value is equal.
func Acceleration(values []float64, counts []int) float64 {
	weight := func(i int) float64 {
		if counts == nil {
			return 1
		}
		return float64(counts[i])
	}
	var mean, w float64
	for i, v := range values {
		mean += weight(i) * v
		w += weight(i)
	}
	mean /= w
	var s2, s3 float64
	for i, v := range values {
		d := mean - v
		s2 += weight(i) * d * d
		s3 += weight(i) * d * d * d
	}
	return s3 / (6 * math.Pow(s2, 1.5))
}
