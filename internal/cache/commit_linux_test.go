//go:build linux

package cache

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// TestGroupCommit: Puts made together share their syncs of the file
// system, and every one is readable when it returns; when syncfs is
// refused, Puts sync their own files instead; when it fails, the Puts of
// its batch fail, are counted, and leave neither a value nor a temporary
// file.
func TestGroupCommit(t *testing.T) {
	const n = 64
	tests := []struct {
		name      string
		syncfs    func(fd int) error // nil: the real one
		wantErr   bool
		wantFall  bool
		maxSyncs  int // syncfs calls, at most
		wantValue bool
	}{
		{"shared syncs", nil, false, false, n, true}, // two per batch: at least two Puts a batch
		{"syncfs refused: each Put syncs its own", func(int) error { return syscall.ENOSYS }, false, true, n, true},
		{"syncfs fails", func(int) error { return syscall.EIO }, true, false, 2 * n, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.syncfs != nil {
				old := syncFS
				syncFS = tt.syncfs
				t.Cleanup(func() { syncFS = old })
			}
			oldMin := minSyncfsBatch
			minSyncfsBatch = 1 // every batch, even of one Put, uses syncfs
			t.Cleanup(func() { minSyncfsBatch = oldMin })
			d := open(t)
			var wg sync.WaitGroup
			start := make(chan struct{})
			errs := make([]error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					errs[i] = d.Put(key(i), []byte(fmt.Sprintf(`{"i":%d}`, i)))
					if errs[i] == nil {
						if got, ok, err := d.Get(key(i)); err != nil || !ok || string(got) != fmt.Sprintf(`{"i":%d}`, i) {
							t.Errorf("Get(%d) right after its Put = %q, %v, %v", i, got, ok, err)
						}
					}
				}()
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if (err != nil) != tt.wantErr {
					t.Fatalf("Put %d: %v, want an error: %v", i, err, tt.wantErr)
				}
			}
			syncs := d.commits.syncs
			if syncs > tt.maxSyncs {
				t.Errorf("%d syncfs calls for %d Puts, want at most %d", syncs, n, tt.maxSyncs)
			}
			t.Logf("%d syncfs calls for %d Puts", syncs, n)
			if d.commits.fallback != tt.wantFall {
				t.Errorf("fallback = %v, want %v", d.commits.fallback, tt.wantFall)
			}
			if s := d.Stats(); tt.wantErr && (s.PutErrors != n || !strings.Contains(s.FirstPutError, "input/output error")) {
				t.Errorf("Stats = %+v, want %d put errors naming the failure", s, n)
			}
			left := 0
			err := filepath.WalkDir(d.Dir(), func(path string, e os.DirEntry, err error) error {
				if err == nil && !e.IsDir() && strings.HasSuffix(path, ".tmp") {
					left++
				}
				return err
			})
			if err != nil || left != 0 {
				t.Errorf("walk: %v; %d temporary files left", err, left)
			}
			if _, ok, _ := d.Get(key(0)); ok != tt.wantValue {
				t.Errorf("a value is stored: %v, want %v", ok, tt.wantValue)
			}
		})
	}
}

// TestLonePut: a Put alone in its batch syncs its own file and folder, and
// calls no syncfs.
func TestLonePut(t *testing.T) {
	d := open(t)
	for i := range 3 {
		if err := d.Put(key(i), []byte(`{"a":1}`)); err != nil {
			t.Fatal(err)
		}
		if got, ok, err := d.Get(key(i)); err != nil || !ok || string(got) != `{"a":1}` {
			t.Fatalf("Get = %q, %v, %v", got, ok, err)
		}
	}
	if d.commits.syncs != 0 {
		t.Errorf("%d syncfs calls for three Puts one after the other, want 0", d.commits.syncs)
	}
}
