package stats

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"unsafe"
)

// heavyGroup is the smallest group of records that SumTable.Resample draws
// as one binomial count; smaller groups are drawn record by record.
const heavyGroup = 32

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
	index := map[string]int{}
	vec := make([]float64, dim)
	byRecord := make([]int32, n)
	for i := range n {
		if i%(1<<14) == 0 && stopped(done) {
			return nil, ErrStopped
		}
		clear(vec)
		term(i, vec)
		key := unsafe.String((*byte)(unsafe.Pointer(&vec[0])), 8*dim)
		g, ok := index[key]
		if !ok {
			g = len(t.counts)
			index[string([]byte(key))] = g
			t.vecs = append(t.vecs, vec...)
			t.counts = append(t.counts, 0)
		}
		t.counts[g]++
		byRecord[i] = int32(g)
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
// the distribution of a record-by-record bootstrap. The draws depend only
// on the table and seed. Closing done stops it with ErrStopped.
func (t *SumTable) Resample(resamples int, seed uint64, done <-chan struct{}) ([]float64, error) {
	if resamples < 1 {
		return nil, errors.New("sum table: resamples must be positive")
	}
	src := newResampleSource(seed)
	out := make([]float64, resamples*t.dim)
	nLight := uint64(len(t.light))
	for b := range resamples {
		if b%64 == 0 && stopped(done) {
			return nil, ErrStopped
		}
		s := out[b*t.dim : (b+1)*t.dim]
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
		for range draws {
			g := int(t.light[uniformIndex(src, nLight)])
			addScaled(s, t.vecs[g*t.dim:(g+1)*t.dim], 1)
		}
	}
	return out, nil
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
