package cache

import (
	"context"
	"fmt"
	"time"
)

// lockExt names lease files; they never end in ".json", so a lease is never
// read as a value.
const lockExt = ".lock"

// lockPoll is how often Lock tries again for a lease another holder has.
const lockPoll = 20 * time.Millisecond

// Lock takes the lease on key: an exclusive lock across processes (and
// across Disks in one process) sharing the cache folder. It waits, trying
// again every 20ms, until the lease is free or ctx is done (then the error
// wraps ctx.Err()). unlock releases the lease; calling it more than once is
// harmless.
//
// The lease lets runs sharing a cache folder pay once for the same request:
// the holder calls and Puts while the others wait, then Get what it stored.
// It is held by an open file, so a process that dies releases its leases.
// On Linux it is an open-file-description lock (fcntl F_OFD_SETLK) on one
// byte of the file dir/leases.lock, at an offset hashed from the key: no
// file is created or removed per lease (creating and removing a file per
// call made every later file creation in the folder slower, as ext4 skips
// the inodes freed in the last minutes). On other Unix systems it is
// flock(2) on the file dir/ab/KEY.lock beside the value, removed on
// unlock. Elsewhere Lock returns at once with a no-op unlock (no lease).
func (d *Disk) Lock(ctx context.Context, key string) (unlock func(), err error) {
	if err := validKey(key); err != nil {
		return nil, fmt.Errorf("cache lock: %w", err)
	}
	return d.lease(ctx, key)
}
