package spec

import (
	"fmt"
	"math"

	"github.com/poc-harness/poc/pipeline"

	"go.yaml.in/yaml/v3"
)

// loader carries the state of one Load: the file name for diagnostics, the
// problems found so far, and the original text of scalars rewritten by
// ${ENV} expansion.
type loader struct {
	file      string
	dir       string
	opt       LoadOptions
	diags     Diagnostics
	originals map[*yaml.Node]string
	// privacyImpl is the pseudonymiser built from the privacy block.
	privacyImpl pipeline.Privacy
	// labelNameNodes are the keys of dataset.label_names, by class.
	labelNameNodes map[string]*yaml.Node
	// useCaseNode is the use_case mapping, for warnings about it.
	useCaseNode *yaml.Node
	// useCaseRefs are the pipeline and column names use_case refers to,
	// checked once the dataset and the pipelines are known.
	useCaseRefs []useCaseRef
	// costNode is use_case.cost_of_error, checked once the classes are known.
	costNode *yaml.Node
	// deriveNodes are the expressions of dataset.derive, in order, checked
	// against the columns' kinds once those are known.
	deriveNodes []*yaml.Node
	// deriveRefused names the derived columns whose expression was
	// refused: the data is not read (every later error would be about
	// them).
	deriveRefused []string
	// confined says why the experiment is confined ("--confine", or the
	// `confine:` line); "" when it is not.
	confined string
}

// add records a diagnostic at n's position (or 0:0 when n is nil).
func (l *loader) add(sev Severity, n *yaml.Node, field, hint, format string, args ...any) {
	d := Diagnostic{File: l.file, Field: field, Msg: fmt.Sprintf(format, args...), Hint: hint, Severity: sev}
	if n != nil {
		d.Line, d.Col = n.Line, n.Column
	}
	l.diags = append(l.diags, d)
}

// errorf records an error at n.
func (l *loader) errorf(n *yaml.Node, field, hint, format string, args ...any) {
	l.add(Error, n, field, hint, format, args...)
}

// warnf records a warning at n.
func (l *loader) warnf(n *yaml.Node, field, hint, format string, args ...any) {
	l.add(Warning, n, field, hint, format, args...)
}

// join appends key to a dotted path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// index appends [i] to a path.
func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// deref follows aliases to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is absent or an explicit null.
func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names what n holds, for "expected X, got Y" messages.
func describe(n *yaml.Node) string {
	n = deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

// fields is one YAML mapping whose keys were checked.
type fields struct {
	l     *loader
	node  *yaml.Node
	path  string
	keys  map[string]*yaml.Node
	vals  map[string]*yaml.Node
	order []string
}

// mapping checks that n is a mapping, reports duplicate keys and, when
// allowed is not nil, unknown keys with a did-you-mean over allowed. A null
// n is an empty mapping. It returns nil when n is not a mapping.
func (l *loader) mapping(n *yaml.Node, path string, allowed []string) *fields {
	f := &fields{l: l, node: n, path: path, keys: map[string]*yaml.Node{}, vals: map[string]*yaml.Node{}}
	if isNull(n) {
		return f
	}
	n = deref(n)
	f.node = n
	if n.Kind != yaml.MappingNode {
		l.errorf(n, path, "", "expected a mapping of keys to values, got %s", describe(n))
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			l.errorf(k, path, "", "a key must be a plain name, got %s", describe(k))
			continue
		}
		name := k.Value
		if prev, dup := f.keys[name]; dup {
			l.errorf(k, join(path, name), "", "key %q is repeated (first at line %d)", name, prev.Line)
			continue
		}
		if allowed != nil && !contains(allowed, name) {
			hint := didYouMean(name, allowed)
			if hint == "" {
				hint = "allowed keys: " + quoteList(allowed)
			}
			l.errorf(k, join(path, name), hint, "unknown key %q", name)
			continue
		}
		f.keys[name] = k
		f.vals[name] = deref(v)
		f.order = append(f.order, name)
	}
	return f
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// field returns the path of key.
func (f *fields) field(key string) string { return join(f.path, key) }

// val returns the value of key, or nil when absent.
func (f *fields) val(key string) *yaml.Node {
	if f == nil {
		return nil
	}
	return f.vals[key]
}

// has reports whether key is present with a non-null value.
func (f *fields) has(key string) bool { return !isNull(f.val(key)) }

// require reports key as missing when it is absent or null, and returns its value.
func (f *fields) require(key string) *yaml.Node {
	if f == nil {
		return nil
	}
	v := f.val(key)
	if v == nil {
		f.l.errorf(f.node, f.field(key), "", "missing required key %q", key)
		return nil
	}
	if isNull(v) {
		f.l.errorf(v, f.field(key), "", "%q needs a value", key)
		return nil
	}
	return v
}

// str returns key's value as a string; ok is false when absent, null or invalid.
func (f *fields) str(key string) (string, bool) {
	v := f.val(key)
	if isNull(v) {
		return "", false
	}
	if v.Kind != yaml.ScalarNode {
		f.l.errorf(v, f.field(key), "", "expected text, got %s", describe(v))
		return "", false
	}
	return v.Value, true
}

// requireStr is str for a required key.
func (f *fields) requireStr(key string) (string, bool) {
	if f.require(key) == nil {
		return "", false
	}
	return f.str(key)
}

// int returns key's value as an integer.
func (f *fields) int(key string) (int64, bool) {
	v := f.val(key)
	if isNull(v) {
		return 0, false
	}
	if v.Kind == yaml.ScalarNode {
		var i int64
		if v.Decode(&i) == nil {
			return i, true
		}
		var x float64
		if v.ShortTag() != "!!str" && v.Decode(&x) == nil && x == math.Trunc(x) && math.Abs(x) < 1<<62 {
			return int64(x), true
		}
	}
	f.l.errorf(v, f.field(key), "", "expected an integer, got %s", describe(v))
	return 0, false
}

// float returns key's value as a number.
func (f *fields) float(key string) (float64, bool) {
	v := f.val(key)
	if isNull(v) {
		return 0, false
	}
	if v.Kind == yaml.ScalarNode && v.ShortTag() != "!!str" {
		var x float64
		if v.Decode(&x) == nil {
			return x, true
		}
	}
	f.l.errorf(v, f.field(key), "", "expected a number, got %s", describe(v))
	return 0, false
}

// bool returns key's value as a boolean.
func (f *fields) bool(key string) (bool, bool) {
	v := f.val(key)
	if isNull(v) {
		return false, false
	}
	if v.Kind == yaml.ScalarNode {
		var b bool
		if v.Decode(&b) == nil {
			return b, true
		}
	}
	f.l.errorf(v, f.field(key), "", "expected true or false, got %s", describe(v))
	return false, false
}

// strList returns key's value as a list of strings. A single scalar counts as
// a list of one. Each element's node is returned alongside.
func (f *fields) strList(key string) ([]string, []*yaml.Node) {
	v := f.val(key)
	if isNull(v) {
		return nil, nil
	}
	if v.Kind == yaml.ScalarNode {
		return []string{v.Value}, []*yaml.Node{v}
	}
	if v.Kind != yaml.SequenceNode {
		f.l.errorf(v, f.field(key), "", "expected a list, got %s", describe(v))
		return nil, nil
	}
	var out []string
	var nodes []*yaml.Node
	for i, e := range v.Content {
		e = deref(e)
		if e.Kind != yaml.ScalarNode || isNull(e) {
			f.l.errorf(e, index(f.field(key), i), "", "expected text, got %s", describe(e))
			continue
		}
		out = append(out, e.Value)
		nodes = append(nodes, e)
	}
	return out, nodes
}

// oneOf checks that key's value is one of choices; ok is false when absent
// or invalid.
func (f *fields) oneOf(key string, choices []string) (string, bool) {
	s, ok := f.str(key)
	if !ok {
		return "", false
	}
	if !contains(choices, s) {
		hint := didYouMean(s, choices)
		if hint == "" {
			hint = "one of " + quoteList(choices)
		}
		f.l.errorf(f.val(key), f.field(key), hint, "%q is not a valid value for %s", s, key)
		return "", false
	}
	return s, true
}

// posOf returns n's position.
func posOf(n *yaml.Node) Pos {
	if n == nil {
		return Pos{}
	}
	return Pos{Line: n.Line, Col: n.Column}
}

// plain converts n to plain Go values (map[string]any, []any, string,
// int, float64, bool, nil), putting back the original text of scalars that
// ${ENV} expansion rewrote.
func (l *loader) plain(n *yaml.Node) any {
	n = deref(n)
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = l.plain(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		s := make([]any, len(n.Content))
		for i, e := range n.Content {
			s[i] = l.plain(e)
		}
		return s
	case yaml.ScalarNode:
		if orig, ok := l.originals[n]; ok {
			return orig
		}
		var v any
		if err := n.Decode(&v); err != nil {
			return n.Value
		}
		return v
	}
	return nil
}
