//go:build unix && !linux

package cache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// leases is what a Disk keeps for its leases: nothing, each lease being
// its own file.
type leases struct{}

// lease takes key's lease by flock(2) on dir/ab/KEY.lock.
func (d *Disk) lease(ctx context.Context, key string) (func(), error) {
	path, err := d.path(key)
	if err != nil {
		return nil, fmt.Errorf("cache lock: %w", err)
	}
	path = path[:len(path)-len(valueExt)] + lockExt
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("cache lock %q: %w", path, err)
	}
	unlock, err := lockFile(ctx, path, lockPoll)
	if err != nil {
		return nil, fmt.Errorf("cache lock %q: %w", path, err)
	}
	return unlock, nil
}

// lockFile takes an exclusive flock on the file at path, creating it, and
// polls every poll until it has it or ctx is done. Because unlock removes
// the file, a lock taken on a file that is no longer at path (removed, or
// removed and created again, while this caller waited) is given up and
// taken again on the current file.
func lockFile(ctx context.Context, path string, poll time.Duration) (func(), error) {
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, err
		}
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			if samePath(f, path) {
				var once sync.Once
				return func() {
					once.Do(func() {
						// Removed while held, so that the next holder
						// creates a fresh file; then released.
						_ = os.Remove(path)
						_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
						_ = f.Close()
					})
				}, nil
			}
			// The holder before us removed the file: lock the new one.
			_ = f.Close()
			continue
		case errors.Is(err, syscall.EWOULDBLOCK), errors.Is(err, syscall.EINTR):
			_ = f.Close()
		default:
			_ = f.Close()
			return nil, err
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// samePath reports whether the open file f is still the file at path.
func samePath(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	if err != nil {
		return false
	}
	return os.SameFile(a, b)
}
