package metrics

import "slices"

// outcomeCodes are the outcome codes (Classify's) of the records an
// accumulator was given, one a record: its own, or read from another
// accumulator's of the same positive class that is given the same records
// in the same order (from), which keeps them once for all.
type outcomeCodes struct {
	own  []uint8
	from *outcomeCodes // an owner: its from is nil
	n    int           // records added while reading from
}

// add appends record's code (only counted when it reads another's).
func (c *outcomeCodes) add(code uint8) {
	if c.from != nil {
		c.n++
		return
	}
	c.own = append(c.own, code)
}

// at is record i's code.
func (c *outcomeCodes) at(i int) uint8 {
	if c.from != nil {
		return c.from.own[i]
	}
	return c.own[i]
}

// all are the codes added: read them, do not change them.
func (c *outcomeCodes) all() []uint8 {
	if c.from != nil {
		return c.from.own[:c.n:c.n]
	}
	return c.own
}

// reserve makes room for n codes of its own.
func (c *outcomeCodes) reserve(n int) {
	if c.from == nil {
		c.own = slices.Grow(c.own, max(0, n-len(c.own)))
	}
}

// appendOwn makes the codes its own and appends more.
func (c *outcomeCodes) appendOwn(more []uint8) {
	c.own = append(slices.Clone(c.all()), more...)
	c.from, c.n = nil, 0
}

// empty reports whether no record was added.
func (c *outcomeCodes) empty() bool { return c.n == 0 && len(c.own) == 0 }

// outcomeKeeper is an accumulator that keeps every record's outcome code
// against a positive class: the binary metrics and the value-weighted ones.
type outcomeKeeper interface {
	outcomeCodes() (codes *outcomeCodes, positive string)
}

// ShareOutcomes makes the accumulators of accs that keep every record's
// outcome against the same positive class — recall, precision, F1, the
// false-positive and flag rates, the value-weighted metrics — keep one
// copy of the codes: the first of each class keeps them, the others read
// its. The accumulators must be empty and then be given the same records
// in the same order, as a replay gives one pipeline's (a byte a record for
// each metric that shares).
func ShareOutcomes(accs []Accumulator) {
	owners := map[string]*outcomeCodes{}
	for _, acc := range accs {
		k, ok := acc.(outcomeKeeper)
		if !ok {
			continue
		}
		codes, positive := k.outcomeCodes()
		if !codes.empty() {
			continue
		}
		owner, ok := owners[positive]
		if !ok {
			owners[positive] = codes
			continue
		}
		codes.from, codes.own = owner, nil
	}
}
