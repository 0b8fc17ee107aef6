//go:build linux

package cache

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/sys/unix"
)

// commits is the group commit of a Disk's Puts (Linux): the Puts waiting
// to be made durable, and whether a committer is at work on them.
type commits struct {
	mu      sync.Mutex
	pending []*commit
	running bool
	dir     *os.File // the cache folder, for syncfs; opened on first use
	// fallback is set when syncfs cannot be used (a kernel or sandbox that
	// refuses it): every Put then syncs its own file and folder.
	fallback bool
	syncs    int // syncfs calls made, for tests
}

// minSyncfsBatch is the fewest Puts a batch syncs with syncfs; a batch of
// fewer (one) syncs its file and folder. Tests change it.
var minSyncfsBatch = 2

// syncFS is syncfs(2); tests replace it.
var syncFS = unix.Syncfs

// fsync is fsync(2), tried again when a signal interrupts it.
func fsync(fd int) error {
	for {
		if err := unix.Fsync(fd); err != unix.EINTR {
			return err
		}
	}
}

// commit is one Put waiting for its value to be durable under its name.
type commit struct {
	tmp, path string
	fd        int // the temporary file, open until the commit ends
	err       error
	done      chan struct{}
}

// store makes b the value at path, durably, before it returns. The value
// is written to a temporary file beside path; Puts arriving together then
// share two syncfs(2) calls of the cache's file system — one before their
// temporary files are renamed to their names (so that a name never holds a
// partial value), one after (so that the renames are durable) — instead of
// syncing two files each. A Put alone in its batch syncs its file and its
// folder, as elsewhere: cheaper than two syncfs, and it waits for no other
// program's writes. A crash leaves the old value, the new one, or a
// temporary file that is never read.
func (d *Disk) store(path string, b []byte) error {
	c := &d.commits
	c.mu.Lock()
	fallback := c.fallback
	c.mu.Unlock()
	if fallback {
		return writeFileAtomic(path, b)
	}
	tmp, fd, err := createTempOpen(filepath.Dir(path), b)
	if err != nil {
		return err
	}
	r := &commit{tmp: tmp, path: path, fd: fd, done: make(chan struct{})}
	c.mu.Lock()
	c.pending = append(c.pending, r)
	if !c.running {
		c.running = true
		go d.commitPending()
	}
	c.mu.Unlock()
	<-r.done
	if errors.Is(r.err, errNoSyncfs) {
		return writeFileAtomic(path, b)
	}
	return r.err
}

// errNoSyncfs is the error of a commit that could not use syncfs; its Put
// is made again with syncs of its own.
var errNoSyncfs = errors.New("syncfs is not available")

// commitPending commits the pending Puts, batch after batch, until none is
// left.
func (d *Disk) commitPending() {
	c := &d.commits
	for {
		c.mu.Lock()
		batch := c.pending
		c.pending = nil
		if len(batch) == 0 {
			c.running = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		d.commitBatch(batch)
	}
}

// commitBatch makes the Puts of batch durable and wakes them.
func (d *Disk) commitBatch(batch []*commit) {
	defer func() {
		for _, r := range batch {
			_ = unix.Close(r.fd)
			if r.err != nil {
				_ = os.Remove(r.tmp)
			}
			close(r.done)
		}
	}()
	if len(batch) < minSyncfsBatch {
		r := batch[0]
		if err := fsync(r.fd); err != nil {
			r.err = &os.PathError{Op: "sync", Path: r.tmp, Err: err}
			return
		}
		if r.err = rename(r.tmp, r.path); r.err == nil {
			syncDir(filepath.Dir(r.path))
		}
		return
	}
	fail := func(err error) {
		for _, r := range batch {
			if r.err == nil {
				r.err = err
			}
		}
	}
	if err := d.syncfs(); err != nil {
		fail(err)
		return
	}
	renamed := false
	for _, r := range batch {
		if err := rename(r.tmp, r.path); err != nil {
			r.err = err
			continue
		}
		renamed = true
	}
	if !renamed {
		return
	}
	if err := d.syncfs(); err != nil {
		fail(err)
	}
}

// syncfs syncs the file system of the cache folder. An error it cannot
// help (no syncfs here) turns the Disk to syncing each Put's own files.
func (d *Disk) syncfs() error {
	c := &d.commits
	if c.dir == nil {
		f, err := os.Open(d.dir)
		if err != nil {
			return fmt.Errorf("open the cache folder to sync it: %w", err)
		}
		c.dir = f // only the committer, one at a time, gets here
	}
	c.syncs++
	err := syncFS(int(c.dir.Fd()))
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) {
		c.mu.Lock()
		c.fallback = true
		c.mu.Unlock()
		return errNoSyncfs
	}
	if err != nil {
		return fmt.Errorf("sync the cache's file system: %w", err)
	}
	return nil
}
