package cache

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// lockExt names lease files; they never end in ".json", so a lease is never
// read as a value.
const lockExt = ".lock"

// lockPoll is how often Lock tries again for a lease another holder has.
const lockPoll = 20 * time.Millisecond

// Lock takes the lease on key: an exclusive lock, across processes sharing
// the cache folder, on the file dir/ab/KEY.lock beside the value. It waits,
// trying again every 20ms, until the lease is free or ctx is done (then the
// error wraps ctx.Err()). unlock releases the lease and removes the file;
// calling it more than once is harmless.
//
// The lease lets runs sharing a cache folder pay once for the same request:
// the holder calls and Puts while the others wait, then Get what it stored.
// On Unix the lock is flock(2), held by the open file, so a process that
// dies releases its leases; elsewhere Lock returns at once with a no-op
// unlock (no lease, as before).
func (d *Disk) Lock(ctx context.Context, key string) (unlock func(), err error) {
	path, err := d.path(key)
	if err != nil {
		return nil, fmt.Errorf("cache lock: %w", err)
	}
	path = path[:len(path)-len(valueExt)] + lockExt
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("cache lock %q: %w", path, err)
	}
	unlock, err = lockFile(ctx, path, lockPoll)
	if err != nil {
		return nil, fmt.Errorf("cache lock %q: %w", path, err)
	}
	return unlock, nil
}
