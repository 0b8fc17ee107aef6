package llm

import "sync"

// flight makes identical requests in flight at the same time share one
// call: the first caller (the leader) calls, the others wait for its
// answer. Without it, records whose pseudonymised request is the same would
// each be paid for when they arrive together, before the first answer
// reaches the cache.
type flight struct {
	mu    sync.Mutex
	calls map[string]*flightCall
}

type flightCall struct {
	done chan struct{}
	e    cacheEntry
	err  error
}

// do runs fn for key unless a call for key is in flight, in which case it
// waits for that call's result. leader reports whether this caller ran fn.
func (f *flight) do(key string, fn func() (cacheEntry, error)) (e cacheEntry, err error, leader bool) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]*flightCall{}
	}
	if c, ok := f.calls[key]; ok {
		f.mu.Unlock()
		<-c.done
		return c.e, c.err, false
	}
	c := &flightCall{done: make(chan struct{})}
	f.calls[key] = c
	f.mu.Unlock()

	c.e, c.err = fn()
	f.mu.Lock()
	delete(f.calls, key)
	f.mu.Unlock()
	close(c.done)
	return c.e, c.err, true
}
