package analysis

import "github.com/poc-harness/poc/internal/verdict"

// subset restricts a statistic to the records at pos (nil: all records).
// The returned statistic takes positions into pos; nil means all of them.
func subset(stat func([]int) float64, pos []int, n int) func([]int) float64 {
	if pos == nil {
		var all []int
		return func(idx []int) float64 {
			if idx == nil {
				if all == nil {
					all = make([]int, n)
					for i := range all {
						all[i] = i
					}
				}
				return stat(all)
			}
			return stat(idx)
		}
	}
	var buf []int // made at the first resample: a statistic asked only of every record needs none
	return func(idx []int) float64 {
		if idx == nil {
			return stat(pos)
		}
		if len(idx) > cap(buf) {
			buf = make([]int, 0, max(len(idx), len(pos)))
		}
		mapped := buf[:0]
		for _, i := range idx {
			mapped = append(mapped, pos[i])
		}
		return stat(mapped)
	}
}

// size is the number of records of a subset (n for all).
func size(pos []int, n int) int {
	if pos == nil {
		return n
	}
	return len(pos)
}

// each calls f for every record of the segment (all n when seg is nil).
func each(seg *verdict.Segment, n int, f func(i int)) {
	if seg == nil {
		for i := range n {
			f(i)
		}
		return
	}
	for _, i := range seg.Positions {
		f(i)
	}
}
