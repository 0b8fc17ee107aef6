//go:build unix

package cache

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestLockExcludesAcrossInstances: two Disks on the same folder (separate
// open files, as two processes have) never hold the same key's lease at
// once; different keys do not wait for each other.
func TestLockExcludesAcrossInstances(t *testing.T) {
	a := open(t)
	b, err := Open(a.Dir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var held, maxHeld atomic.Int64
	var wg sync.WaitGroup
	for i := range 8 {
		d := a
		if i%2 == 1 {
			d = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock, err := d.Lock(ctx, key(1))
			if err != nil {
				t.Error(err)
				return
			}
			n := held.Add(1)
			for {
				m := maxHeld.Load()
				if n <= m || maxHeld.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(5 * time.Millisecond)
			held.Add(-1)
			unlock()
		}()
	}
	wg.Wait()
	if m := maxHeld.Load(); m != 1 {
		t.Errorf("%d holders at once, want 1", m)
	}
	// The lease file is gone once released.
	if _, err := os.Stat(filepath.Join(a.Dir(), key(1)[:2], key(1)+lockExt)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lease file left behind: %v", err)
	}

	unlock, err := a.Lock(ctx, key(2))
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	other, err := b.Lock(ctx, key(3))
	if err != nil {
		t.Fatalf("a different key waited: %v", err)
	}
	other()
}

func TestLockWaitEndsWithContext(t *testing.T) {
	a := open(t)
	b, _ := Open(a.Dir())
	unlock, err := a.Lock(context.Background(), key(1))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := b.Lock(ctx, key(1)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Lock while held = %v, want the context's deadline", err)
	}
	if d := time.Since(start); d < 50*time.Millisecond || d > 2*time.Second {
		t.Errorf("waited %v, want about 60ms", d)
	}
	unlock()
	unlock() // harmless twice
	again, err := b.Lock(context.Background(), key(1))
	if err != nil {
		t.Fatalf("Lock after release: %v", err)
	}
	again()
}

func TestLockBadKey(t *testing.T) {
	if _, err := open(t).Lock(context.Background(), "../../etc"); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("Lock(bad key) = %v, want ErrInvalidKey", err)
	}
}
