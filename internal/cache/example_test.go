package cache_test

import (
	"fmt"
	"os"

	"github.com/poc-harness/poc/internal/cache"
	"github.com/poc-harness/poc/pipeline"
)

// Disk is the cache the engine hands to LLM and HTTP pipelines; its lease
// (Lock) makes runs sharing the folder pay once for the same request.
var (
	_ pipeline.Cache        = (*cache.Disk)(nil)
	_ pipeline.LockingCache = (*cache.Disk)(nil)
)

func Example() {
	dir, _ := os.MkdirTemp("", "poc-cache")
	defer os.RemoveAll(dir)
	c, err := cache.Open(dir)
	if err != nil {
		panic(err)
	}
	key := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	_ = c.Put(key, []byte(`{"label":"billing"}`))
	v, ok, _ := c.Get(key)
	s := c.Stats()
	fmt.Println(string(v), ok, s.Hits, s.Puts, s.PutErrors)
	// Output: {"label":"billing"} true 1 1 0
}
