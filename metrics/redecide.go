package metrics

// Working a pipeline's accumulators out again for other decisions of the
// same records — the operating-point analysis tries a candidate at other
// thresholds on its score — needs, for most metrics, no second pass over
// the records: an outcome code holds whether the record is positive, so
// the code under another decision follows from the code and whether the
// decision flags the record; the latency, failure and cost of a record do
// not depend on the decision at all.

// redecider is an accumulator that keeps, besides its outcome codes,
// nothing a decision changes: redecided is the accumulator of the same
// records whose codes are codes.
type redecider interface {
	outcomeKeeper
	redecided(codes *outcomeCodes) (Accumulator, bool)
}

// decisionFree is an accumulator that reads nothing of a decision (the
// latency, the failure, the cost of a call): it stays as it is whatever
// the records are decided.
type decisionFree interface {
	decisionFree()
}

// Redecide gives what the accumulators accs — one pipeline's, given the
// same records in the same order — would hold had the pipeline flagged
// record i (decided it the positive class) exactly where flagged(i) is
// true; a record without a label stays without. A record the pipeline
// failed on flags nothing, so flagged must be false there, as
// Classify has it. The codes are worked out once for each positive class
// and shared; an accumulator that reads nothing of a decision is given
// back as it is, to be read and not fed. ok is false when one of accs
// keeps too little of its records to be worked out again (it reads more of
// a decision than whether it flags, or the weight of records it did not
// count): replay the records through fresh accumulators then.
func Redecide(accs []Accumulator, flagged func(i int) bool) (out []Accumulator, ok bool) {
	out = make([]Accumulator, len(accs))
	codes := map[string]*outcomeCodes{} // the new codes, by positive class
	for k, acc := range accs {
		if _, free := acc.(decisionFree); free {
			out[k] = acc
			continue
		}
		r, can := acc.(redecider)
		if !can {
			return nil, false
		}
		old, positive := r.outcomeCodes()
		c, seen := codes[positive]
		if !seen {
			c = &outcomeCodes{own: redecidedCodes(old.all(), flagged)}
			codes[positive] = c
		} else {
			c = &outcomeCodes{from: c, n: len(c.own)}
		}
		if out[k], can = r.redecided(c); !can {
			return nil, false
		}
	}
	return out, true
}

// redecidedCodes are codes with each labelled record flagged where
// flagged(i) is true: a positive one a true positive or a false negative,
// a negative one a false positive or a true negative.
func redecidedCodes(codes []uint8, flagged func(i int) bool) []uint8 {
	out := make([]uint8, len(codes))
	for i, c := range codes {
		switch f := flagged(i); {
		case c == codeTP || c == codeFN:
			out[i] = codeFN
			if f {
				out[i] = codeTP
			}
		case c == codeFP || c == codeTN:
			out[i] = codeTN
			if f {
				out[i] = codeFP
			}
		default:
			out[i] = c
		}
	}
	return out
}

func (a *binaryAcc) redecided(codes *outcomeCodes) (Accumulator, bool) {
	b := &binaryAcc{m: a.m, codes: *codes}
	for _, c := range codes.all() {
		b.total[c]++
	}
	return b, true
}

// redecided keeps the weights: for recall they are the positives', which
// no decision changes; for precision they are the flagged records', and
// another decision flags records whose weight was never kept.
func (a *weightedAcc) redecided(codes *outcomeCodes) (Accumulator, bool) {
	if !a.m.recall {
		return nil, false
	}
	return &weightedAcc{m: a.m, codes: *codes, weights: a.weights, missing: a.missing}, true
}

func (*latencyAcc) decisionFree() {}
func (*errorAcc) decisionFree()   {}
func (*costAcc) decisionFree()    {}
