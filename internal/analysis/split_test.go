package analysis

import (
	"cmp"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"testing"
)

// The key is FNV-1a of the seed, the position and "operating point", as
// hash/fnv computes it.
func TestSplitKeyIsFNV1a(t *testing.T) {
	for _, seed := range []uint64{0, 7, 1 << 63} {
		for _, i := range []int{0, 1, 255, 1 << 20, 1<<40 + 3} {
			f := fnv.New64a()
			var b [16]byte
			for k := range 8 {
				b[k] = byte(seed >> (8 * k))
				b[8+k] = byte(uint64(i) >> (8 * k))
			}
			f.Write(b[:])
			f.Write([]byte("operating point"))
			if got, want := splitKey(seed, i), f.Sum64(); got != want {
				t.Errorf("splitKey(%d, %d) = %x, want %x", seed, i, got, want)
			}
		}
	}
}

// A half cut takes the records that ordering by key, then position, puts in
// the first half — ties in the key included.
func TestFirstHalfMatchesSorting(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	for _, n := range []int{0, 1, 2, 3, 10, 101, 1000} {
		for _, distinct := range []uint64{1, 2, 5, 1 << 62} {
			key := make([]uint64, 3*n)
			for i := range key {
				key[i] = rng.Uint64N(distinct)
			}
			var seqs []int
			for i := range key {
				if rng.IntN(3) == 0 {
					seqs = append(seqs, i)
				}
			}
			got := make([]bool, len(key))
			keys := make([]uint64, len(seqs))
			for j, i := range seqs {
				keys[j] = key[i]
			}
			cut := newHalfCut(keys)
			for _, i := range seqs {
				got[i] = cut.take(key[i])
			}
			sorted := slices.Clone(seqs)
			slices.SortFunc(sorted, func(a, b int) int { return cmp.Or(cmp.Compare(key[a], key[b]), cmp.Compare(a, b)) })
			want := make([]bool, len(key))
			for _, i := range sorted[:len(sorted)/2] {
				want[i] = true
			}
			if !slices.Equal(got, want) {
				t.Errorf("n=%d, %d distinct keys: the half cut differs from sorting by key and position", len(seqs), distinct)
			}
		}
	}
}
