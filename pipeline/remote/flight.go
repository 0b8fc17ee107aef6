package remote

import "golang.org/x/sync/singleflight"

// Flight makes identical requests in flight at the same time share one
// call: the first caller for a key (the leader) calls, the others wait for
// its result. Without it, records whose (pseudonymised) request is the same
// would each be paid for when they arrive together, before the first answer
// reaches the response cache. It is golang.org/x/sync/singleflight, typed,
// and saying which caller led. The zero Flight is ready to use; it is safe
// for concurrent use.
type Flight[T any] struct {
	g singleflight.Group
}

// Do runs fn for key unless a call for key is in flight, in which case it
// waits for that call's result. leader reports whether this caller ran fn.
func (f *Flight[T]) Do(key string, fn func() (T, error)) (v T, err error, leader bool) {
	r, err, _ := f.g.Do(key, func() (any, error) {
		leader = true // only the caller whose fn runs gets here
		return fn()
	})
	v, _ = r.(T)
	return v, err, leader
}
