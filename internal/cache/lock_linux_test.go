//go:build linux

package cache

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"
)

func TestLeases(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, a, b *Disk)
	}{
		{"no file is created per key", func(t *testing.T, a, _ *Disk) {
			for i := range 100 {
				unlock, err := a.Lock(context.Background(), key(i))
				if err != nil {
					t.Fatal(err)
				}
				unlock()
			}
			entries, err := os.ReadDir(a.Dir())
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 || entries[0].Name() != leaseFile {
				t.Errorf("the folder holds %v, want only %s", entries, leaseFile)
			}
		}},
		{"a lease ends with the file that holds it (its process)", func(t *testing.T, a, b *Disk) {
			if _, err := a.Lock(context.Background(), key(1)); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			if _, err := b.Lock(ctx, key(1)); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Lock while another holds it = %v, want the deadline", err)
			}
			a.leases.file.Close() // as the holder's death closes it
			unlock, err := b.Lock(context.Background(), key(1))
			if err != nil {
				t.Fatalf("Lock after the holder's file closed: %v", err)
			}
			unlock()
		}},
		{"closing another descriptor of the file releases nothing", func(t *testing.T, a, b *Disk) {
			unlock, err := a.Lock(context.Background(), key(1))
			if err != nil {
				t.Fatal(err)
			}
			defer unlock()
			f, err := os.Open(a.leases.file.Name())
			if err != nil {
				t.Fatal(err)
			}
			f.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			if _, err := b.Lock(ctx, key(1)); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Lock while held = %v, want the deadline", err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := open(t)
			b, err := Open(a.Dir())
			if err != nil {
				t.Fatal(err)
			}
			tc.run(t, a, b)
		})
	}
}
