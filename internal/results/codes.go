package results

import "unsafe"

// stringCodes is a column of strings kept as two-byte codes into a
// dictionary, code 0 being "": two bytes a record where a string takes
// sixteen, and nothing for the collector to scan. Past maxCodes distinct
// values (numbers or free text as labels) it keeps the strings themselves.
// The zero value is an empty column.
type stringCodes struct {
	codes []uint16
	dict  []string
	index map[string]uint16
	raw   []string // the values as strings, past maxCodes distinct ones
}

// maxCodes bounds the distinct values kept as codes.
const maxCodes = 1 << 16

// sizedCodes is an empty column with room for n values.
func sizedCodes(n int) stringCodes { return stringCodes{codes: make([]uint16, 0, n)} }

// at is value i.
func (c *stringCodes) at(i int) string {
	if c.raw != nil {
		return c.raw[i]
	}
	if c.dict == nil {
		return ""
	}
	return c.dict[c.codes[i]]
}

// strings are the first n values, the column's own when it keeps strings.
func (c *stringCodes) strings(n int) []string {
	if c.raw != nil {
		return c.raw[:n:n]
	}
	out := make([]string, n)
	for i := range out {
		out[i] = c.at(i)
	}
	return out
}

// grow appends "" to the column.
func (c *stringCodes) grow() {
	if c.raw != nil {
		c.raw = append(c.raw, "")
	} else {
		c.codes = append(c.codes, 0)
	}
}

// set sets value i, which the column holds.
func (c *stringCodes) set(i int, s string) {
	if c.raw != nil {
		c.raw[i] = s
		return
	}
	if c.dict == nil {
		c.index, c.dict = map[string]uint16{"": 0}, []string{""}
	}
	code, ok := c.index[s]
	if !ok && len(c.dict) == maxCodes {
		c.raw = make([]string, len(c.codes), cap(c.codes))
		for j, k := range c.codes {
			c.raw[j] = c.dict[k]
		}
		c.codes, c.dict, c.index = nil, nil, nil
		c.raw[i] = s
		return
	}
	if !ok {
		code = uint16(len(c.dict))
		c.dict = append(c.dict, s)
		c.index[s] = code
	}
	c.codes[i] = code
}

// idColumn is a column of record ids kept in one arena of bytes, each id
// at a packed offset and length: sixteen bytes a record where a string
// takes its header, its bytes and a pointer for the collector to scan.
// Ids are only appended to the arena, never changed in place, so the
// strings ID gives stay valid.
type idColumn struct {
	data []byte
	at   []uint64 // offset << idLenBits | length
	long map[int]string
}

// idLenBits is the bits of a packed length: longer ids are kept in long.
const idLenBits = 16

// sizedIDs is an empty column with room for n ids.
func sizedIDs(n int) idColumn { return idColumn{at: make([]uint64, 0, n)} }

// grow appends "" to the column.
func (c *idColumn) grow() { c.at = append(c.at, 0) }

// get is id i, sharing the arena's bytes.
func (c *idColumn) get(i int) string {
	p := c.at[i]
	n := int(p & (1<<idLenBits - 1))
	if n == 0 {
		if c.long != nil {
			return c.long[i]
		}
		return ""
	}
	off := int(p >> idLenBits)
	return unsafe.String(&c.data[off], n)
}

// set sets id i, which the column holds.
func (c *idColumn) set(i int, id string) {
	if c.get(i) == id {
		return // a record's later line repeats its id
	}
	if len(id) >= 1<<idLenBits {
		if c.long == nil {
			c.long = map[int]string{}
		}
		c.long[i], c.at[i] = id, 0
		return
	}
	if c.long != nil {
		delete(c.long, i)
	}
	c.at[i] = uint64(len(c.data))<<idLenBits | uint64(len(id))
	c.data = append(c.data, id...)
}
