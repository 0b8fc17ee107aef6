package cache

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPutErrorsAreCounted: a cache folder where nothing can be stored (the
// shard folder blocked by a file, a read-only folder) fails every Put, and
// Stats counts them and keeps the first error.
func TestPutErrorsAreCounted(t *testing.T) {
	cases := []struct {
		name     string
		asRoot   bool // the case works when running as root
		break_   func(t *testing.T, dir string)
		wantText string
	}{
		{"shard path is a file", true, func(t *testing.T, dir string) {
			// Every key(i) starts with "00": a regular file takes the
			// shard folder's name.
			if err := os.WriteFile(filepath.Join(dir, key(0)[:2]), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "not a directory"},
		{"read-only folder", false, func(t *testing.T, dir string) {
			if err := os.Chmod(dir, 0o555); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
		}, "permission denied"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !c.asRoot && os.Geteuid() == 0 {
				t.Skip("root writes to read-only folders")
			}
			d := open(t)
			c.break_(t, d.Dir())
			for i := range 3 {
				if err := d.Put(key(i), []byte(`{"a":1}`)); err == nil {
					t.Fatalf("Put %d succeeded in a broken folder", i)
				}
			}
			s := d.Stats()
			if s.PutErrors != 3 || s.Puts != 0 {
				t.Errorf("Stats = %+v, want 3 put errors and no puts", s)
			}
			if !strings.Contains(s.FirstPutError, c.wantText) || !strings.Contains(s.FirstPutError, key(0)) {
				t.Errorf("FirstPutError = %q, want the first key's file and %q", s.FirstPutError, c.wantText)
			}
		})
	}
}
