package pipeline

import "context"

// LockingCache is a Cache that several processes may share, with a lease
// per key so that they pay once for the same request: on a miss, a
// pipeline takes the lease, looks in the cache again (another process may
// have stored the answer while it waited), and only then calls, Puts and
// releases the lease. Within one process, identical requests in flight
// already share one call (remote.Flight); the lease covers the processes.
type LockingCache interface {
	Cache
	// Lock waits until it holds the lease on key, or ctx is done (the
	// error then wraps ctx.Err()). unlock releases it; calling unlock more
	// than once is harmless. A lease is held for one call, never across
	// another Lock.
	Lock(ctx context.Context, key string) (unlock func(), err error)
}
