package remote

import "sync"

// Flight makes identical requests in flight at the same time share one
// call: the first caller for a key (the leader) calls, the others wait for
// its result. Without it, records whose (pseudonymised) request is the same
// would each be paid for when they arrive together, before the first answer
// reaches the response cache. The zero Flight is ready to use; it is safe
// for concurrent use.
type Flight[T any] struct {
	mu    sync.Mutex
	calls map[string]*flightCall[T]
}

type flightCall[T any] struct {
	done chan struct{}
	v    T
	err  error
}

// Do runs fn for key unless a call for key is in flight, in which case it
// waits for that call's result. leader reports whether this caller ran fn.
func (f *Flight[T]) Do(key string, fn func() (T, error)) (v T, err error, leader bool) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]*flightCall[T]{}
	}
	if c, ok := f.calls[key]; ok {
		f.mu.Unlock()
		<-c.done
		return c.v, c.err, false
	}
	c := &flightCall[T]{done: make(chan struct{})}
	f.calls[key] = c
	f.mu.Unlock()

	c.v, c.err = fn()
	f.mu.Lock()
	delete(f.calls, key)
	f.mu.Unlock()
	close(c.done)
	return c.v, c.err, true
}
