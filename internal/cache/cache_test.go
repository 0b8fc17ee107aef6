package cache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// key returns a valid 64-character key for i, like pipeline.CacheKey's.
func key(i int) string {
	return fmt.Sprintf("%064x", 0xabc000+i)
}

func open(t testing.TB) *Disk {
	t.Helper()
	d, err := Open(filepath.Join(t.TempDir(), "nested", "cache"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		value []byte
	}{
		{"compact json", []byte(`{"choices":[{"message":{"content":"billing"}}],"usage":{"prompt_tokens":120}}`)},
		{"json with html characters", []byte(`{"a":"<b>&</b>"}`)},
		{"indented json", []byte("{\n  \"a\": 1\n}")},
		{"json null", []byte("null")},
		{"plain text", []byte("billing")},
		{"binary", []byte{0, 1, 2, 0xff, '\n'}},
		{"empty", []byte{}},
		{"large json", []byte(`{"answer":"` + strings.Repeat("lorem ipsum ", 20000) + `"}`)},
		{"large binary", bytes.Repeat([]byte{0, 0xff, '"'}, 50000)},
	}
	d := open(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := key(i)
			if err := d.Put(k, tt.value); err != nil {
				t.Fatal(err)
			}
			got, ok, err := d.Get(k)
			if err != nil || !ok {
				t.Fatalf("Get = %q, %v, %v; want the value", got, ok, err)
			}
			if !bytes.Equal(got, tt.value) {
				t.Fatalf("Get = %q, want %q", got, tt.value)
			}
			// The layout is dir/ab/abcdef….json.
			if _, err := os.Stat(filepath.Join(d.Dir(), k[:2], k+".json")); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestOverwrite(t *testing.T) {
	d := open(t)
	k := key(1)
	for _, v := range []string{"first", `{"second":true}`} {
		if err := d.Put(k, []byte(v)); err != nil {
			t.Fatal(err)
		}
	}
	got, ok, err := d.Get(k)
	if err != nil || !ok || string(got) != `{"second":true}` {
		t.Fatalf("Get = %q, %v, %v; want the second value", got, ok, err)
	}
}

func TestMissingKey(t *testing.T) {
	d := open(t)
	got, ok, err := d.Get(key(42))
	if err != nil || ok || got != nil {
		t.Fatalf("Get = %q, %v, %v; want nil, false, nil", got, ok, err)
	}
}

func TestBadKeys(t *testing.T) {
	d := open(t)
	bad := []string{
		"",
		"abc",                                    // too short
		strings.Repeat("a", 15),                  // one short
		strings.Repeat("a", 129),                 // too long
		"../../../../etc/passwd",                 // traversal
		"0123456789abcdef/../../x",               // traversal after a hex prefix
		strings.Repeat("A", 32),                  // upper case
		"0123456789abcdeg",                       // not hex
		"0123456789abcdef\x00",                   // NUL
		"0123456789abcdef.json",                  // extension
		filepath.Join(d.Dir(), "0123456789abcd"), // absolute path
	}
	for _, k := range bad {
		if err := d.Put(k, []byte("x")); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Put(%q) = %v, want ErrInvalidKey", k, err)
		}
		if _, ok, err := d.Get(k); !errors.Is(err, ErrInvalidKey) || ok {
			t.Errorf("Get(%q) = %v, %v; want ErrInvalidKey", k, ok, err)
		}
	}
	for _, k := range []string{strings.Repeat("0", 16), strings.Repeat("f", 128)} {
		if err := d.Put(k, []byte("x")); err != nil {
			t.Errorf("Put(%q) = %v, want success", k, err)
		}
	}
	// Nothing was written outside the cache folder's shards.
	entries, err := os.ReadDir(d.Dir())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() || len(e.Name()) != 2 {
			t.Errorf("unexpected entry %q in the cache folder", e.Name())
		}
	}
}

func TestCorruptEntryIsAnErrorNamingTheFile(t *testing.T) {
	d := open(t)
	k := key(7)
	if err := d.Put(k, []byte(`{"answer":"shipping"}`)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(d.Dir(), k[:2], k+".json")
	full, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string][]byte{
		"truncated": full[:len(full)/2],
		"empty":     {},
		"garbage":   []byte("\x00\x00\x00"),
		"other key": encode(key(8), []byte("x")),
	} {
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
		_, ok, err := d.Get(k)
		if err == nil || ok {
			t.Errorf("%s: Get = %v, %v; want an error", name, ok, err)
			continue
		}
		if !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %q does not name %s", name, err, path)
		}
	}
}

func TestLeftoverTempFileIsIgnored(t *testing.T) {
	d := open(t)
	k := key(3)
	// A crash between CreateTemp and Rename leaves a partial temporary file
	// in the shard folder.
	shard := filepath.Join(d.Dir(), k[:2])
	if err := os.MkdirAll(shard, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(shard, ".put-123456.tmp"), []byte(`{"key":"`+k+`","js`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := d.Get(k); ok || err != nil {
		t.Fatalf("Get before Put = %v, %v; want a miss", ok, err)
	}
	if err := d.Put(k, []byte("value")); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := d.Get(k); err != nil || !ok || string(got) != "value" {
		t.Fatalf("Get after Put = %q, %v, %v", got, ok, err)
	}
	// A successful Put leaves no temporary file of its own.
	matches, err := filepath.Glob(filepath.Join(shard, ".put-*.tmp"))
	if err != nil {
		t.Fatal(err)
	}
	if len(matches) != 1 {
		t.Fatalf("temporary files %v, want only the crash leftover", matches)
	}
}

func TestStats(t *testing.T) {
	d := open(t)
	_ = d.Put(key(1), []byte("a"))
	_ = d.Put(key(2), []byte("b"))
	_, _, _ = d.Get(key(1))
	_, _, _ = d.Get(key(1))
	_, _, _ = d.Get(key(3))
	_, _, _ = d.Get("bad") // errors count as neither
	_ = d.Put("bad", nil)  // a failed put
	got := d.Stats()
	msg := got.FirstPutError
	got.FirstPutError = ""
	want := Stats{Hits: 2, Misses: 1, Puts: 2, PutErrors: 1}
	if got != want || !strings.Contains(msg, "invalid cache key") {
		t.Fatalf("Stats = %+v (first put error %q), want %+v and the invalid key named", got, msg, want)
	}
}

func TestConcurrentPutGet(t *testing.T) {
	d := open(t)
	const (
		workers = 32
		keys    = 20
		rounds  = 25
	)
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				k := key((w + r) % keys) // many goroutines write the same keys
				v := []byte(fmt.Sprintf(`{"key":%d,"writer":%d,"round":%d}`, (w+r)%keys, w, r))
				if err := d.Put(k, v); err != nil {
					errs <- err
					return
				}
				got, ok, err := d.Get(k)
				if err != nil || !ok {
					errs <- fmt.Errorf("Get(%s) = %v, %v", k, ok, err)
					return
				}
				// Another writer may have replaced the value, but it is
				// always a whole value for this key.
				if !bytes.HasPrefix(got, []byte(fmt.Sprintf(`{"key":%d,`, (w+r)%keys))) {
					errs <- fmt.Errorf("Get(%s) = %q, a value of another key", k, got)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st := d.Stats()
	if st.Puts != workers*rounds || st.Hits != workers*rounds {
		t.Fatalf("Stats = %+v, want %d puts and hits", st, workers*rounds)
	}
	tmps, _ := filepath.Glob(filepath.Join(d.Dir(), "*", ".put-*.tmp"))
	if len(tmps) != 0 {
		t.Fatalf("temporary files left behind: %v", tmps)
	}
}

func TestSecondOpenSeesValues(t *testing.T) {
	dir := t.TempDir()
	a, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Put(key(9), []byte(`"kept"`)); err != nil {
		t.Fatal(err)
	}
	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok, err := b.Get(key(9)); err != nil || !ok || string(got) != `"kept"` {
		t.Fatalf("Get after reopening = %q, %v, %v", got, ok, err)
	}
}

// TestPutAfterShardRemoved: a Disk makes each shard folder once; when one
// is removed meanwhile (the user cleared the cache during a run), the next
// Put into it makes it again.
func TestPutAfterShardRemoved(t *testing.T) {
	d := open(t)
	if err := d.Put(key(1), []byte(`1`)); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(d.Dir(), key(1)[:2])); err != nil {
		t.Fatal(err)
	}
	if err := d.Put(key(2), []byte(`2`)); err != nil {
		t.Fatalf("Put after the shard folder was removed: %v", err)
	}
	if got, ok, err := d.Get(key(2)); err != nil || !ok || string(got) != `2` {
		t.Errorf("Get = %q, %v, %v", got, ok, err)
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(""); err == nil {
		t.Error("Open(\"\") succeeded")
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(filepath.Join(file, "sub")); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("Open under a file = %v, want an error naming it", err)
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv("POC_CACHE_DIR", "/somewhere/else")
	if d, err := DefaultDir(); err != nil || d != "/somewhere/else" {
		t.Fatalf("DefaultDir = %q, %v; want $POC_CACHE_DIR", d, err)
	}
	t.Setenv("POC_CACHE_DIR", "")
	t.Setenv("XDG_CACHE_HOME", "/xdg")
	t.Setenv("HOME", "/home/someone")
	d, err := DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(d) != "poc" {
		t.Fatalf("DefaultDir = %q, want a folder named poc", d)
	}
}

func BenchmarkPutGet(b *testing.B) {
	d := open(b)
	value := []byte(`{"id":"chatcmpl-1","choices":[{"index":0,"message":{"role":"assistant","content":"billing"}}],"usage":{"prompt_tokens":312,"completion_tokens":2}}`)
	i := 0
	for b.Loop() {
		k := key(i % 1000)
		if err := d.Put(k, value); err != nil {
			b.Fatal(err)
		}
		if _, ok, err := d.Get(k); err != nil || !ok {
			b.Fatal(ok, err)
		}
		i++
	}
}

// BenchmarkLeasePutParallel is what a replay does per paid call, from 64
// goroutines (the calls in flight at concurrency 64): take the key's lease,
// Put the answer, release the lease. Each key is new, as in a first run.
func BenchmarkLeasePutParallel(b *testing.B) {
	d := open(b)
	value := []byte(`{"answer":"billing","input_tokens":604,"output_tokens":1,"latency_ns":50000000,"cost":0.0000912,"attempts":1}`)
	var next atomic.Int64
	b.SetParallelism(32) // 64 goroutines on 2 CPUs
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			k := fmt.Sprintf("%064x", next.Add(1))
			unlock, err := d.Lock(context.Background(), k)
			if err != nil {
				b.Fatal(err)
			}
			if err := d.Put(k, value); err != nil {
				b.Fatal(err)
			}
			unlock()
		}
	})
}

// TestDecodeFastPath: an entry in the form encode writes is read without
// decoding it as an entry, and gives what decoding it does; any other
// content is decoded (or refused) as before.
func TestDecodeFastPath(t *testing.T) {
	k := key(7)
	entries := [][]byte{
		encode(k, []byte(`{"answer":"billing","cost":1.5e-05}`)),
		encode(k, []byte(`"text"`)),
		encode(k, []byte(`null`)),
		encode(k, []byte(`[1,2,{"a":"<&>"}]`)),
		encode(k, []byte("not json")),
		encode(k, []byte{}),
		[]byte(`{"key":"` + k + `","json":{"a":1}}`),         // no newline
		[]byte(`{"key":"` + k + `","json":{"a":1} }` + "\n"), // a space
		[]byte(`{"key":"` + k + `","json": {"a":1}}` + "\n"), // a space before
		[]byte(`{"key":"` + k + `","json":"a\tb"}` + "\n"),
		[]byte(`{"key":"` + k + `","json":{"a":1}}` + "\n\n"),     // two newlines
		[]byte(`{"key":"` + k + `","json":{"a":1},"x":2}` + "\n"), // another field
		[]byte(`{"key":"` + k + `","json":{"a":1}},"json":2}` + "\n"),
		[]byte(`{"key":"` + k + `","json":{"a":`),                // torn
		[]byte(`{"key":"` + key(8) + `","json":{"a":1}}` + "\n"), // another key
	}
	for i, b := range entries {
		got, gotErr := decode(k, b)
		want, wantErr := decodeEntry(k, b)
		if (gotErr != nil) != (wantErr != nil) || !bytes.Equal(got, want) {
			t.Errorf("entry %d %q: decode = %q, %v; decodeEntry = %q, %v", i, b, got, gotErr, want, wantErr)
		}
	}
}
