package results

import (
	"strings"
	"testing"
)

// An id column gives back every id set, the empty one, one set again with
// another value, and one too long to pack; the strings it gave before stay
// what they were as the arena grows.
func TestIDColumn(t *testing.T) {
	c := sizedIDs(2)
	long := strings.Repeat("x", 1<<idLenBits)
	want := []string{"T-1", "", "ünïcödé", long, "T-5"}
	for i, id := range want {
		c.grow()
		c.set(i, id)
	}
	first := c.get(0)
	for i := range 1000 { // grow the arena past its first allocations
		c.grow()
		c.set(len(want)+i, strings.Repeat("y", i%50+1))
	}
	c.set(4, "T-5 again")
	want[4] = "T-5 again"
	c.set(3, "short now")
	want[3] = "short now"
	for i, id := range want {
		if got := c.get(i); got != id {
			t.Errorf("id %d = %.20q, want %.20q", i, got, id)
		}
	}
	if first != "T-1" {
		t.Errorf("an id given before the arena grew reads %q, want T-1", first)
	}
	if c.long[3] != "" {
		t.Error("a long id set again short is still kept as long")
	}
}
