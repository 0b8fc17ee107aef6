package registry

import (
	"reflect"
	"strings"
	"testing"
)

type factory func() int

func TestRegisterLookupNames(t *testing.T) {
	r := New[factory]("test")
	r.Register("b", func() int { return 2 })
	r.Register("a", func() int { return 1 })
	if got, want := r.Names(), []string{"a", "b"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Names = %q, want %q", got, want)
	}
	tests := []struct {
		name  string
		found bool
		value int
	}{{"a", true, 1}, {"b", true, 2}, {"c", false, 0}}
	for _, tt := range tests {
		f, ok := r.Lookup(tt.name)
		if ok != tt.found {
			t.Errorf("Lookup(%q) found = %v, want %v", tt.name, ok, tt.found)
			continue
		}
		if ok && f() != tt.value {
			t.Errorf("Lookup(%q)() = %d, want %d", tt.name, f(), tt.value)
		}
	}
}

func TestRegisterPanics(t *testing.T) {
	r := New[factory]("test")
	r.Register("taken", func() int { return 0 })
	tests := []struct {
		name string
		key  string
		f    factory
		want string
	}{
		{"empty name", "", func() int { return 0 }, "test: Register with an empty name"},
		{"nil factory", "x", nil, `test: Register with a nil factory for "x"`},
		{"duplicate", "taken", func() int { return 0 }, `test: Register called twice for type "taken"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				if !strings.Contains(msg, tt.want) {
					t.Errorf("panic %q, want %q", msg, tt.want)
				}
			}()
			r.Register(tt.key, tt.f)
		})
	}
	if got := r.Names(); !reflect.DeepEqual(got, []string{"taken"}) {
		t.Errorf("after the refused registrations Names = %q, want [taken]", got)
	}
}

func TestNilOfStructIsNeverNil(t *testing.T) {
	r := New[struct{ n int }]("test")
	r.Register("zero", struct{ n int }{})
	if _, ok := r.Lookup("zero"); !ok {
		t.Error("a zero struct was not registered")
	}
}
