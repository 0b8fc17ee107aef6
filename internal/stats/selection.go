package stats

import "math"

// Select reorders v so that v[k] is the value a full sort would put there,
// with no greater value before it and no smaller one after it, and returns
// v[k]. It takes linear time on average where sorting takes n log n: the
// quantiles of a million latencies need a few order statistics, not the
// whole order. v must hold no NaN; 0 ≤ k < len(v).
func Select(v []float64, k int) float64 {
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

func insertionSort(v []float64) {
	for i := 1; i < len(v); i++ {
		for j := i; j > 0 && v[j] < v[j-1]; j-- {
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
}

// minOf is the smallest of v, which is not empty.
func minOf(v []float64) float64 {
	m := v[0]
	for _, x := range v[1:] {
		m = min(m, x)
	}
	return m
}

// QuantileSelect is Quantile of v, bit for bit, found by selection: v is
// reordered, not sorted. v must hold no NaN.
func QuantileSelect(v []float64, q float64) float64 {
	n := len(v)
	if n == 0 || !(q >= 0 && q <= 1) {
		return math.NaN()
	}
	h := float64(n-1) * q
	lo := math.Floor(h)
	i := int(lo)
	if i >= n-1 {
		return Select(v, n-1)
	}
	a := Select(v, i)
	return lerp(a, minOf(v[i+1:]), h-lo)
}
