package cache

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Usage counts the stored values, their size and age, and the leftovers
// of crashed writes; Clear removes the values older than its cutoff (or
// all) and the old leftovers, and leaves the leases and a write in
// progress alone.
func TestUsageAndClear(t *testing.T) {
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"aaaaaaaaaaaaaaaa", "aabbbbbbbbbbbbbb", "cccccccccccccccc"}
	for _, k := range keys {
		if err := d.Put(k, []byte(`{"answer":"`+k+`"}`)); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-48 * time.Hour)
	path, _ := d.path(keys[0])
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	crashed := filepath.Join(d.Dir(), "cc", ".put-123.tmp")
	writing := filepath.Join(d.Dir(), "cc", ".put-456.tmp")
	for _, p := range []string{crashed, writing} {
		if err := os.WriteFile(p, []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chtimes(crashed, old, old); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d.Dir(), "leases.lock"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	u, err := d.Usage()
	if err != nil {
		t.Fatal(err)
	}
	if u.Entries != 3 || u.Bytes <= 0 || u.Leftovers != 2 || !u.Oldest.Equal(old.Truncate(time.Second)) && u.Oldest.Sub(old).Abs() > time.Second ||
		time.Since(u.Newest) > time.Minute {
		t.Errorf("usage %+v: want 3 values, the oldest 48 hours old, 2 leftovers", u)
	}
	removed, bytes, err := d.Clear(time.Now().Add(-24 * time.Hour))
	if err != nil || removed != 1 || bytes <= 0 {
		t.Fatalf("clear older than a day: %d removed (%d bytes), %v; want 1", removed, bytes, err)
	}
	if _, ok, _ := d.Get(keys[0]); ok {
		t.Error("the old value is still there")
	}
	if _, ok, _ := d.Get(keys[1]); !ok {
		t.Error("a recent value was removed")
	}
	for p, want := range map[string]bool{crashed: false, writing: true, filepath.Join(d.Dir(), "leases.lock"): true} {
		if _, err := os.Stat(p); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", filepath.Base(p), err == nil, want)
		}
	}
	if removed, _, err := d.Clear(time.Time{}); err != nil || removed != 2 {
		t.Errorf("clear all: %d removed, %v; want 2", removed, err)
	}
	if u, _ := d.Usage(); u.Entries != 0 {
		t.Errorf("after clearing all, %d values", u.Entries)
	}
}
