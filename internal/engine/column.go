package engine

// Column is one dataset column's values in replay order, as the replay
// keeps them for the analysis (Result.Kept). While every value is a
// float64 — an amount, a count of minutes — the column holds them as
// float64s, eight bytes a record where an interface and its boxed number
// take twenty-four; the first value of another kind (a missing value, a
// string) turns it into a column of the values as they came.
type Column struct {
	nums []float64
	vals []any
}

// newColumn is an empty column with room for n values.
func newColumn(n int) *Column { return &Column{nums: make([]float64, 0, max(0, n))} }

// Len is the number of values.
func (c *Column) Len() int {
	if c.vals != nil {
		return len(c.vals)
	}
	return len(c.nums)
}

// At is the value of record i, as the dataset gave it.
func (c *Column) At(i int) any {
	if c.vals != nil {
		return c.vals[i]
	}
	return c.nums[i]
}

// Floats are the values when every one is a float64 (nil otherwise), to
// be read, not changed.
func (c *Column) Floats() []float64 {
	if c.vals != nil {
		return nil
	}
	return c.nums
}

// add appends one value.
func (c *Column) add(v any) {
	if c.vals == nil {
		if f, ok := v.(float64); ok {
			c.nums = append(c.nums, f)
			return
		}
		c.vals = make([]any, len(c.nums), max(cap(c.nums), len(c.nums)+1))
		for i, f := range c.nums {
			c.vals[i] = f
		}
		c.nums = nil
	}
	c.vals = append(c.vals, v)
}
