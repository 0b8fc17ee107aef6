package learn

import (
	"fmt"
	"hash/maphash"
	"math"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

// The near-copy check compares a training file with a sample of the
// replayed records in every shared column but one.
const (
	// nearSample bounds the sampled replayed records: every other record,
	// from the first, until there are this many.
	nearSample = 2000
	// nearMinColumns is the fewest shared columns the check needs: with
	// fewer, the two left once one is left out tell little apart (and are
	// often the model's columns, which a check of their own compares).
	nearMinColumns = 4
	// nearUnique is the share of the sampled records that the columns left
	// must tell apart for the comparison without a column to be made.
	nearUnique = 0.9
	// nearRefuse and nearWarn are the shares of the sampled records a
	// training file must repeat for a refusal and a warning, and
	// nearMargin how far above the share it would repeat by chance (or four
	// standard errors of it, if more).
	nearRefuse, nearWarn, nearMargin = 0.5, 0.05, 0.1
	// nearRest bounds the replayed records outside the sample that measure
	// the chance of a match: enough for its rate, and no hashing of every
	// record of a large replay.
	nearRest = 20 * nearSample
)

// nearCheck finds training records that repeat a replayed record in every
// shared column but one: a copy of the replay with one column changed (a
// masked zip code, a reformatted date, a recomputed score), which the
// comparison of every column misses. It compares the training file with
// every other replayed record, from the first, up to nearSample of them,
// and measures how often the replayed records it did not sample repeat
// them alike — how often records of the same source match by chance — so
// that only a training file that matches them far more often than that
// counts.
type nearCheck struct {
	h     maphash.Hash
	cols  []string
	seeds []uint64 // per column: mixes the column's position into its hash
	// index[c] maps the hash of a sampled record's values in every column
	// but c to its place in the sample (−1: several sampled records share
	// it).
	index []map[uint64]int32
	// byRest[c] and byTraining[c] mark the sampled records that some
	// replayed record outside the sample, and some training record,
	// repeat in every column but c.
	byRest, byTraining [][]bool
	sample             int
	rest, training     int
	seen               int // replayed records read
	vals               []uint64
}

// newNearCheck prepares the check over the shared columns cols (sorted),
// or returns nil when there are too few of them.
func newNearCheck(cols []string) *nearCheck {
	if len(cols) < nearMinColumns {
		return nil
	}
	n := &nearCheck{cols: cols, seeds: make([]uint64, len(cols)), index: make([]map[uint64]int32, len(cols)),
		byRest: make([][]bool, len(cols)), byTraining: make([][]bool, len(cols)), vals: make([]uint64, len(cols))}
	for j := range cols {
		n.seeds[j] = mix64(uint64(j+1) * 0x9e3779b97f4a7c15)
		n.index[j] = map[uint64]int32{}
	}
	return n
}

// mix64 is SplitMix64's finaliser.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// hashes fills n.vals with rec's value hashes, each mixed with its column's
// position, and returns their sum: the hash of rec without column c is the
// sum less n.vals[c].
func (n *nearCheck) hashes(rec datasets.Record) uint64 {
	var total uint64
	for j, col := range n.cols {
		n.h.Reset()
		writeValue(&n.h, rec.Fields[col])
		n.vals[j] = mix64(n.h.Sum64() ^ n.seeds[j])
		total += n.vals[j]
	}
	return total
}

// addReplayed samples a replayed record (every other one, up to
// nearSample), or marks the sampled records it repeats (up to nearRest
// records outside the sample; the others are not read).
func (n *nearCheck) addReplayed(rec datasets.Record) {
	if n.sample == nearSample && n.rest == nearRest {
		return
	}
	total := n.hashes(rec)
	n.seen++
	if n.seen%2 == 1 && n.sample < nearSample {
		for c := range n.cols {
			k := total - n.vals[c]
			if _, dup := n.index[c][k]; dup {
				n.index[c][k] = -1
			} else {
				n.index[c][k] = int32(n.sample)
			}
		}
		n.sample++
		return
	}
	n.rest++
	n.mark(total, n.byRest)
}

// addTraining marks the sampled records a training record repeats.
func (n *nearCheck) addTraining(rec datasets.Record) {
	n.training++
	n.mark(n.hashes(rec), n.byTraining)
}

// mark marks, in by[c], the sampled record that the record of the hashes
// just computed (total) repeats in every column but c.
func (n *nearCheck) mark(total uint64, by [][]bool) {
	for c := range n.cols {
		i, ok := n.index[c][total-n.vals[c]]
		if !ok || i < 0 {
			continue
		}
		if by[c] == nil {
			by[c] = make([]bool, n.sample)
		}
		if int(i) < len(by[c]) {
			by[c][i] = true
		}
	}
}

// check refuses a training file that repeats nearRefuse or more of the
// sampled replayed records in every shared column but one, clearly more
// often than it would by chance, and warns of one that repeats nearWarn or
// more. By chance is as often as the replay's own other records repeat
// them, for as many records as the training file has: each of those
// repeats a sampled record with a probability measured on the replay (at
// least three matches in all, the rule of three when none is seen), and a
// sampled record is repeated when some training record repeats it
// (Poisson). exact is how many replayed records the comparison of every
// column found repeated: the near check says nothing it already said.
func (n *nearCheck) check(file string, exact, replayed int) (*pipeline.TrainingWarning, error) {
	if n == nil || n.sample == 0 || n.training == 0 {
		return nil, nil
	}
	best, bestShare, bestChance := -1, 0.0, 0.0
	for c := range n.cols {
		unique := 0
		for _, i := range n.index[c] {
			if i >= 0 {
				unique++
			}
		}
		if float64(unique) < nearUnique*float64(n.sample) {
			continue // without c, the columns left are too coarse to tell
		}
		share := float64(count(n.byTraining[c])) / float64(n.sample)
		chance := 1.0
		if n.rest > 0 {
			perRecord := math.Max(float64(count(n.byRest[c])), 3) / float64(n.sample) / float64(n.rest)
			chance = 1 - math.Exp(-perRecord*float64(n.training))
		}
		margin := math.Max(nearMargin, 4*math.Sqrt(chance*(1-chance)/float64(n.sample)))
		if share > bestShare && share >= chance+margin {
			best, bestShare, bestChance = c, share, chance
		}
	}
	if best < 0 || bestShare < nearWarn || bestShare*float64(replayed) <= float64(exact) {
		return nil, nil
	}
	what := fmt.Sprintf("training file %q repeats %.0f%% of the replayed records it was compared with (%d of %d, every other record from the first) "+
		"in every column but %q: a copy of the replay with that column changed (records of the same source would repeat %.0f%% of them by chance)",
		file, 100*bestShare, count(n.byTraining[best]), n.sample, n.cols[best], 100*bestChance)
	if bestShare < nearRefuse {
		return &pipeline.TrainingWarning{Field: "train.file",
			Msg:  what + "; the model is scored on records it was trained on, which flatters its results",
			Hint: fmt.Sprintf("drop the repeated records from the training file; one that repeats %.0f%% or more of them is refused", 100*nearRefuse)}, nil
	}
	return nil, pipeline.Errorf("train.file", "refused: %s; a model must not score records it was trained on, so take them out of the training file", what)
}

// count is the number of true values of b.
func count(b []bool) int {
	n := 0
	for _, v := range b {
		if v {
			n++
		}
	}
	return n
}
