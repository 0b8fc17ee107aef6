package stats

import (
	"cmp"
	"math"
	"slices"
)

// Select reorders v so that v[k] is the value a full sort would put there,
// with no greater value before it and no smaller one after it, and returns
// v[k]. It takes linear time on average where sorting takes n log n: the
// quantiles of a million latencies need a few order statistics, not the
// whole order. v must hold no NaN; 0 ≤ k < len(v).
func Select[T cmp.Ordered](v []T, k int) T {
	lo, hi := 0, len(v)-1
	for hi > lo {
		if hi-lo < 16 {
			insertionSort(v[lo : hi+1])
			break
		}
		// The median of three as the pivot, then Hoare's partition.
		mid := lo + (hi-lo)/2
		if v[mid] < v[lo] {
			v[mid], v[lo] = v[lo], v[mid]
		}
		if v[hi] < v[lo] {
			v[hi], v[lo] = v[lo], v[hi]
		}
		if v[hi] < v[mid] {
			v[hi], v[mid] = v[mid], v[hi]
		}
		pivot := v[mid]
		i, j := lo, hi
		for i <= j {
			for v[i] < pivot {
				i++
			}
			for v[j] > pivot {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		// Now v[lo..j] ≤ pivot ≤ v[i..hi], and v[j+1..i-1] equal the pivot.
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return v[k]
		}
	}
	return v[k]
}

func insertionSort[T cmp.Ordered](v []T) {
	for i := 1; i < len(v); i++ {
		for j := i; j > 0 && v[j] < v[j-1]; j-- {
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
}

// QuantileSelect is Quantile of v, bit for bit, found by selection: v is
// reordered, not sorted. v must hold no NaN.
func QuantileSelect(v []float64, q float64) float64 {
	i, t, ok := quantileRank(len(v), q)
	switch {
	case !ok:
		return math.NaN()
	case i >= len(v)-1:
		return Select(v, len(v)-1)
	}
	a := Select(v, i)
	return lerp(a, slices.Min(v[i+1:]), t) // everything after v[i] is at least v[i]
}
