package registry

import (
	"fmt"
	"reflect"
	"sort"
	"sync"
)

// Registry maps names to values of type F (usually a factory function). It
// is safe for concurrent use. The zero Registry is not usable; call New.
type Registry[F any] struct {
	kind string // names the owner in panics: "pipeline", "metrics"

	mu sync.RWMutex
	m  map[string]F
}

// New returns an empty registry whose panics name kind (the owning package).
func New[F any](kind string) *Registry[F] {
	return &Registry[F]{kind: kind, m: map[string]F{}}
}

// Register adds f under name. Like database/sql.Register it panics when name
// is empty, f is nil (a nil func, pointer, map, slice, channel or interface)
// or name is taken: two packages claiming one name is a programming error.
func (r *Registry[F]) Register(name string, f F) {
	if name == "" {
		panic(r.kind + ": Register with an empty name")
	}
	if isNil(f) {
		panic(fmt.Sprintf("%s: Register with a nil factory for %q", r.kind, name))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.m[name]; dup {
		panic(fmt.Sprintf("%s: Register called twice for type %q", r.kind, name))
	}
	r.m[name] = f
}

// Lookup returns the value registered under name, and whether there is one.
func (r *Registry[F]) Lookup(name string) (F, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	f, ok := r.m[name]
	return f, ok
}

// Names returns the registered names, sorted.
func (r *Registry[F]) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.m))
	for n := range r.m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// isNil reports whether f is a nil value of a kind that can be nil.
func isNil[F any](f F) bool {
	v := reflect.ValueOf(&f).Elem()
	switch v.Kind() {
	case reflect.Func, reflect.Pointer, reflect.Map, reflect.Slice, reflect.Chan, reflect.Interface:
		return v.IsNil()
	}
	return false
}
