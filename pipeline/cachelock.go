package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
)

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

// CachedJSON returns the value cached under key decoded as a T, when the
// cache (nil for none) holds a readable one. A value that cannot be read
// or decoded is a miss: the answer is fetched and put again.
func CachedJSON[T any](c Cache, key string) (T, bool) {
	var v T
	if c == nil {
		return v, false
	}
	b, ok, err := c.Get(key)
	if err != nil || !ok || json.Unmarshal(b, &v) != nil {
		return v, false
	}
	return v, true
}

// LeaseThenCached is the step before a paid call on a cache miss: with a
// LockingCache it takes key's lease and looks in the cache again (another
// process may have paid for the answer meanwhile), returning the value as
// found; otherwise it does nothing. unlock (never nil) releases the lease
// after the call and its Put. A lease that cannot be taken (a read-only
// cache folder) is no reason not to call; only ctx ending is an error.
func LeaseThenCached[T any](ctx context.Context, c Cache, key string) (v T, found bool, unlock func(), err error) {
	unlock = func() {}
	lc, ok := c.(LockingCache)
	if !ok {
		return v, false, unlock, nil
	}
	release, err := lc.Lock(ctx, key)
	switch {
	case err == nil:
		v, found = CachedJSON[T](c, key)
		return v, found, release, nil
	case ctx.Err() != nil:
		return v, false, unlock, fmt.Errorf("wait for the cache lease: %w", err)
	}
	return v, false, unlock, nil
}
