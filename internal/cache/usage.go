package cache

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Usage is what a cache folder holds: its stored answers, their size and
// age, and what crashed writes left behind.
type Usage struct {
	// Entries and Bytes count the stored values and their files' size.
	Entries int
	Bytes   int64
	// Oldest and Newest are the oldest and newest values' times (zero
	// without values).
	Oldest, Newest time.Time
	// Leftovers counts the temporary files of writes that never finished
	// (a killed process), which Clear removes.
	Leftovers int
}

// leftoverAge is the age from which a temporary file is a crashed write's.
const leftoverAge = 10 * time.Minute

// Usage walks the folder and counts what it holds.
func (d *Disk) Usage() (Usage, error) {
	var u Usage
	err := d.walk(func(path string, info fs.FileInfo, value bool) error {
		if !value {
			u.Leftovers++
			return nil
		}
		u.Entries++
		u.Bytes += info.Size()
		if t := info.ModTime(); u.Oldest.IsZero() || t.Before(u.Oldest) {
			u.Oldest = t
		}
		if t := info.ModTime(); t.After(u.Newest) {
			u.Newest = t
		}
		return nil
	})
	return u, err
}

// Clear removes the values stored before cutoff (every value when cutoff
// is zero) and the temporary files of writes that never finished (older
// than leftoverAge: a write in progress takes moments), and reports how
// many values it removed and their size. Leases are kept: a run that holds
// one goes on and stores its answer again.
func (d *Disk) Clear(cutoff time.Time) (removed int, bytes int64, err error) {
	err = d.walk(func(path string, info fs.FileInfo, value bool) error {
		if value && !cutoff.IsZero() && !info.ModTime().Before(cutoff) {
			return nil
		}
		if !value && time.Since(info.ModTime()) < leftoverAge {
			return nil
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("clear cache: %w", err)
		}
		if value {
			removed++
			bytes += info.Size()
		}
		return nil
	})
	return removed, bytes, err
}

// walk calls f for every value file (value true) and every leftover
// temporary file (false) in the cache's shard folders.
func (d *Disk) walk(f func(path string, info fs.FileInfo, value bool) error) error {
	shards, err := os.ReadDir(d.dir)
	if err != nil {
		return fmt.Errorf("read cache %s: %w", d.dir, err)
	}
	for _, sh := range shards {
		if !sh.IsDir() || len(sh.Name()) != 2 {
			continue
		}
		dir := filepath.Join(d.dir, sh.Name())
		files, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("read cache %s: %w", dir, err)
		}
		for _, fe := range files {
			name := fe.Name()
			value := strings.HasSuffix(name, valueExt) && validKey(strings.TrimSuffix(name, valueExt)) == nil
			temp := strings.HasPrefix(name, ".put-") && strings.HasSuffix(name, ".tmp")
			if fe.IsDir() || (!value && !temp) {
				continue
			}
			info, err := fe.Info()
			if errors.Is(err, fs.ErrNotExist) {
				continue // removed meanwhile (another process's clear)
			}
			if err != nil {
				return fmt.Errorf("read cache %s: %w", filepath.Join(dir, name), err)
			}
			if err := f(filepath.Join(dir, name), info, value); err != nil {
				return err
			}
		}
	}
	return nil
}
