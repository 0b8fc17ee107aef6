package cache

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// Stats counts what a Disk has done since it was opened.
type Stats struct {
	// Hits is the number of Get calls that found a value.
	Hits int64
	// Misses is the number of Get calls that found none (errors excluded).
	Misses int64
	// Puts is the number of values stored successfully.
	Puts int64
	// PutErrors is the number of Put calls that failed: a full disk, a
	// read-only folder, a shard path blocked by a file. A pipeline goes on
	// without caching (the answer is in hand), so a run with PutErrors > 0
	// finishes but will pay again on a rerun: the runner warns once with the
	// count and FirstPutError.
	PutErrors int64
	// FirstPutError is the text of the first failed Put ("" when none
	// failed); it names the file and the system's reason.
	FirstPutError string
}

// Disk is a cache folder on disk. It is safe for concurrent use by many
// goroutines, and by several processes sharing the folder (a concurrent Put
// of the same key is last-rename-wins; both calls complete).
type Disk struct {
	dir    string
	hits   atomic.Int64
	misses atomic.Int64
	puts   atomic.Int64

	putErrs     atomic.Int64
	firstPutErr atomic.Pointer[string]

	leases  leases   // what Lock keeps, by platform
	commits commits  // what Put keeps, by platform
	shards  sync.Map // shard folders made by this Disk
}

// ErrInvalidKey is wrapped by the error of Get and Put for a key that is not
// 16 to 128 lowercase hexadecimal characters.
var ErrInvalidKey = errors.New("invalid cache key")

const (
	minKeyLen = 16
	maxKeyLen = 128
	// tempPattern names temporary files; they never end in ".json", so a
	// leftover from a crash is never read as a value.
	tempPattern = ".put-*.tmp"
	valueExt    = ".json"
)

// Open returns the cache in dir, creating the folder (and its parents) if
// needed.
func Open(dir string) (*Disk, error) {
	if dir == "" {
		return nil, errors.New("open cache: empty folder name")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open cache %q: %w", dir, err)
	}
	return &Disk{dir: dir}, nil
}

// DefaultDir returns the cache folder to use when an experiment names none:
// $POC_CACHE_DIR if set, else the "poc" folder in the user's cache folder
// (os.UserCacheDir, e.g. ~/.cache/poc on Linux).
func DefaultDir() (string, error) {
	if d := os.Getenv("POC_CACHE_DIR"); d != "" {
		return d, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find cache folder (set POC_CACHE_DIR): %w", err)
	}
	return filepath.Join(base, "poc"), nil
}

// Dir returns the cache's folder.
func (d *Disk) Dir() string { return d.dir }

// Get returns the value stored under key and true, or nil and false when
// there is none. A stored file that is not a complete value (a damaged disk)
// is an error naming the file.
func (d *Disk) Get(key string) ([]byte, bool, error) {
	path, err := d.path(key)
	if err != nil {
		return nil, false, fmt.Errorf("cache get: %w", err)
	}
	b, err := readFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		d.misses.Add(1)
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("cache get %q: %w", path, err)
	}
	v, err := decode(key, b)
	if err != nil {
		return nil, false, fmt.Errorf("cache get %q: corrupt entry (delete the file to refetch): %w", path, err)
	}
	d.hits.Add(1)
	return v, true, nil
}

// Put stores value under key, replacing any earlier value. The value is on
// disk when Put returns. A failure is counted in Stats (PutErrors,
// FirstPutError) as well as returned.
func (d *Disk) Put(key string, value []byte) error {
	err := d.put(key, value)
	if err != nil {
		d.putErrs.Add(1)
		msg := err.Error()
		d.firstPutErr.CompareAndSwap(nil, &msg)
	}
	return err
}

// put is Put without the error count.
func (d *Disk) put(key string, value []byte) error {
	path, err := d.path(key)
	if err != nil {
		return fmt.Errorf("cache put: %w", err)
	}
	shard := filepath.Dir(path)
	_, made := d.shards.Load(shard)
	for {
		if !made {
			if err := os.MkdirAll(shard, 0o755); err != nil {
				return fmt.Errorf("cache put %q: %w", path, err)
			}
			d.shards.Store(shard, true)
		}
		err := d.store(path, encode(key, value))
		if err == nil {
			break
		}
		if made && errors.Is(err, fs.ErrNotExist) {
			made = false // the shard folder was removed since: make it again
			continue
		}
		return fmt.Errorf("cache put %q: %w", path, err)
	}
	d.puts.Add(1)
	return nil
}

// Stats returns the counts of hits, misses, puts and failed puts so far,
// and the first failed put's error.
func (d *Disk) Stats() Stats {
	s := Stats{Hits: d.hits.Load(), Misses: d.misses.Load(), Puts: d.puts.Load(), PutErrors: d.putErrs.Load()}
	if msg := d.firstPutErr.Load(); msg != nil {
		s.FirstPutError = *msg
	}
	return s
}

// path validates key and returns its file: dir/ab/abcdef….json.
func (d *Disk) path(key string) (string, error) {
	if err := validKey(key); err != nil {
		return "", err
	}
	return filepath.Join(d.dir, key[:2], key+valueExt), nil
}

// validKey accepts only [0-9a-f]{16,128}, so a key can never name a path
// outside the cache folder.
func validKey(key string) error {
	if len(key) < minKeyLen || len(key) > maxKeyLen {
		return fmt.Errorf("%w %.40q: want %d to %d lowercase hex characters, got %d characters",
			ErrInvalidKey, key, minKeyLen, maxKeyLen, len(key))
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return fmt.Errorf("%w %.40q: character %d is not lowercase hex", ErrInvalidKey, key, i+1)
		}
	}
	return nil
}

// entry is the file format. A value that is compact JSON (an API answer,
// typically) is stored as is under "json", so a person can read the cache;
// any other value is stored as base64 under "bytes". The key is stored too,
// to detect a misplaced file. A truncated or damaged file fails to decode
// rather than returning part of a value.
type entry struct {
	Key   string          `json:"key"`
	JSON  json.RawMessage `json:"json,omitempty"`
	Bytes []byte          `json:"bytes,omitempty"`
}

func encode(key string, value []byte) []byte {
	if len(value) > 0 && json.Valid(value) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(entry{Key: key, JSON: value}); err == nil {
			// The encoder compacts JSON; keep the readable form only when
			// it gives back exactly the bytes stored.
			if v, err := decode(key, buf.Bytes()); err == nil && bytes.Equal(v, value) {
				return buf.Bytes()
			}
		}
	}
	b, err := json.Marshal(entry{Key: key, Bytes: value})
	if err != nil {
		// A string and a byte slice always marshal.
		panic("cache: encode: " + err.Error())
	}
	return append(b, '\n')
}

func decode(key string, b []byte) ([]byte, error) {
	// The form encode writes for a JSON value, {"key":KEY,"json":VALUE}
	// and a newline, is read without decoding the entry: VALUE is the value
	// when it is valid JSON with no space around it (as decodeEntry would
	// return it).
	if v, ok := bytes.CutPrefix(b, []byte(`{"key":"`+key+`","json":`)); ok {
		if v, ok := bytes.CutSuffix(v, []byte("}\n")); ok && len(v) > 0 &&
			!isSpace(v[0]) && !isSpace(v[len(v)-1]) && json.Valid(v) {
			return v, nil
		}
	}
	return decodeEntry(key, b)
}

// isSpace reports JSON's whitespace.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// decodeEntry decodes an entry of any form.
func decodeEntry(key string, b []byte) ([]byte, error) {
	var e entry
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, err
	}
	if e.Key != key {
		return nil, fmt.Errorf("entry is for key %.40q", e.Key)
	}
	switch {
	case e.JSON != nil:
		return []byte(e.JSON), nil
	case e.Bytes != nil:
		return e.Bytes, nil
	default:
		return []byte{}, nil
	}
}

// writeFileAtomic writes b to a temporary file beside path, syncs it, renames
// it to path and syncs the folder (best effort: some systems cannot sync a
// folder).
func writeFileAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	tmp, err := writeTemp(dir, b, true)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	syncDir(dir)
	return nil
}

// writeTemp writes b to a new temporary file in dir, synced when sync is
// set, and returns its name. On error no file is left.
func writeTemp(dir string, b []byte, sync bool) (name string, err error) {
	f, err := os.CreateTemp(dir, tempPattern)
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(b); err != nil {
		return "", err
	}
	if sync {
		if err = f.Sync(); err != nil {
			return "", err
		}
	}
	if err = f.Close(); err != nil {
		return "", err
	}
	return f.Name(), nil
}

// syncDir makes a rename in dir durable where the system allows it.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
