//go:build linux

package cache

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// leaseFile names the file whose bytes the leases lock (Linux); it never
// ends in ".json", so it is never read as a value.
const leaseFile = "leases" + lockExt

// leases is the lease file of a Disk, opened on first use, and the leases
// its goroutines hold: an open-file-description lock does not exclude the
// description's own holders, so a Disk's goroutines wait for each other
// here.
type leases struct {
	mu   sync.Mutex
	file *os.File
	held map[int64]chan struct{} // offset → closed when released
}

// lease takes key's lease: a write lock on one byte of dir/leases.lock, at
// an offset hashed from the key (two keys sharing an offset wait for each
// other, with odds of one in 2^62).
func (d *Disk) lease(ctx context.Context, key string) (func(), error) {
	h := fnv.New64a()
	h.Write([]byte(key))
	off := int64(h.Sum64() >> 2)
	f, err := d.claim(ctx, off)
	if err != nil {
		return nil, err
	}
	for {
		err := fcntlLock(f, unix.F_WRLCK, off)
		if err == nil {
			break
		}
		if !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EACCES) && !errors.Is(err, unix.EINTR) {
			d.unclaim(off)
			return nil, fmt.Errorf("cache lock %q: %w", f.Name(), err)
		}
		t := time.NewTimer(lockPoll)
		select {
		case <-ctx.Done():
			t.Stop()
			d.unclaim(off)
			return nil, fmt.Errorf("cache lock %q: %w", f.Name(), ctx.Err())
		case <-t.C:
		}
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			_ = fcntlLock(f, unix.F_UNLCK, off)
			d.unclaim(off)
		})
	}, nil
}

// claim waits until no goroutine of this Disk holds the lease at off and
// takes it for the caller, and returns the lease file.
func (d *Disk) claim(ctx context.Context, off int64) (*os.File, error) {
	l := &d.leases
	for {
		l.mu.Lock()
		if l.file == nil {
			path := filepath.Join(d.dir, leaseFile)
			f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
			if err != nil {
				l.mu.Unlock()
				return nil, fmt.Errorf("cache lock %q: %w", path, err)
			}
			l.file, l.held = f, map[int64]chan struct{}{}
		}
		wait, busy := l.held[off]
		if !busy {
			l.held[off] = make(chan struct{})
			f := l.file
			l.mu.Unlock()
			return f, nil
		}
		l.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, fmt.Errorf("cache lock %q: %w", filepath.Join(d.dir, leaseFile), ctx.Err())
		}
	}
}

// unclaim gives back the claim at off.
func (d *Disk) unclaim(off int64) {
	l := &d.leases
	l.mu.Lock()
	defer l.mu.Unlock()
	if ch, ok := l.held[off]; ok {
		delete(l.held, off)
		close(ch)
	}
}

// fcntlLock sets (typ F_WRLCK) or clears (F_UNLCK) an open-file-description
// lock (F_OFD_SETLK) on the byte at off of f, without waiting. The lock is
// owned by the open file description, so that two Disks of one process
// exclude each other as two processes do, and closing another descriptor
// of the file releases nothing.
func fcntlLock(f *os.File, typ int16, off int64) error {
	lk := unix.Flock_t{Type: typ, Whence: 0, Start: off, Len: 1}
	for {
		err := unix.FcntlFlock(f.Fd(), unix.F_OFD_SETLK, &lk)
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}
