package datasets

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// format is one registered dataset format.
type format struct {
	name string
	exts []string
	open func(path string) (Reader, error)
}

var (
	formatsMu sync.RWMutex
	formats   = map[string]*format{}
	byExt     = map[string]string{} // lowercase extension with dot → format name
)

// RegisterFormat makes a dataset format available to Open under name, for
// files whose extension is one of exts (".csv"; matched case-insensitively).
// open must return a Reader positioned before the first record. It panics if
// name or one of exts is already registered, as database/sql does for drivers.
// It is safe for concurrent use, though formats are normally registered from
// init functions.
func RegisterFormat(name string, exts []string, open func(path string) (Reader, error)) {
	if name == "" || open == nil {
		panic("datasets: RegisterFormat needs a name and an open function")
	}
	formatsMu.Lock()
	defer formatsMu.Unlock()
	if _, dup := formats[name]; dup {
		panic(fmt.Sprintf("datasets: format %q registered twice", name))
	}
	f := &format{name: name, open: open}
	for _, ext := range exts {
		ext = strings.ToLower(ext)
		if !strings.HasPrefix(ext, ".") {
			ext = "." + ext
		}
		if other, dup := byExt[ext]; dup {
			panic(fmt.Sprintf("datasets: extension %q of format %q already belongs to format %q", ext, name, other))
		}
		f.exts = append(f.exts, ext)
	}
	for _, ext := range f.exts {
		byExt[ext] = name
	}
	formats[name] = f
}

// Formats returns the names of the registered formats, sorted.
func Formats() []string {
	formatsMu.RLock()
	defer formatsMu.RUnlock()
	names := make([]string, 0, len(formats))
	for name := range formats {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// FormatFor returns the format to read path with: explicit when it is not
// empty (it must be registered), otherwise the format registered for the
// file's extension, compared case-insensitively.
func FormatFor(path, explicit string) (string, error) {
	formatsMu.RLock()
	defer formatsMu.RUnlock()
	if explicit != "" {
		if _, ok := formats[explicit]; !ok {
			return "", fmt.Errorf("dataset %q: unknown format %q (known formats: %s)", path, explicit, knownFormatsLocked())
		}
		return explicit, nil
	}
	ext := strings.ToLower(filepath.Ext(path))
	if name, ok := byExt[ext]; ok {
		return name, nil
	}
	if ext == "" {
		return "", fmt.Errorf("dataset %q: no file extension to pick a format from; set the format explicitly (known formats: %s)", path, knownFormatsLocked())
	}
	return "", fmt.Errorf("dataset %q: no format reads %q files; set the format explicitly (known formats: %s)", path, ext, knownFormatsLocked())
}

// openFormat opens path with the named format's reader.
func openFormat(path, name string) (Reader, error) {
	formatsMu.RLock()
	f := formats[name]
	formatsMu.RUnlock()
	if f == nil {
		return nil, fmt.Errorf("dataset %q: unknown format %q", path, name)
	}
	return f.open(path)
}

// knownFormatsLocked lists formats with their extensions; formatsMu is held.
func knownFormatsLocked() string {
	names := make([]string, 0, len(formats))
	for name := range formats {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = name
		if exts := formats[name].exts; len(exts) > 0 {
			parts[i] += " (" + strings.Join(exts, ", ") + ")"
		}
	}
	return strings.Join(parts, ", ")
}
