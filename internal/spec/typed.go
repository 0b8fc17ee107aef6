package spec

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

var (
	unmarshalerType = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()
	durationType    = reflect.TypeOf(time.Duration(0))
	timeType        = reflect.TypeOf(time.Time{})
)

// keySet is the keys a struct accepts, following `yaml` tags and inline
// structs; freeForm is the element type of an inline map, which accepts any
// other key.
type keySet struct {
	types    map[string]reflect.Type
	names    []string
	freeForm reflect.Type
}

// structKeys lists the keys struct type t accepts.
func structKeys(t reflect.Type) keySet {
	ks := keySet{types: map[string]reflect.Type{}}
	addStructKeys(t, &ks)
	return ks
}

func addStructKeys(t reflect.Type, ks *keySet) {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := sf.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		inline := false
		for _, o := range strings.Split(opts, ",") {
			if o == "inline" {
				inline = true
			}
		}
		if inline {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			switch ft.Kind() {
			case reflect.Struct:
				addStructKeys(ft, ks)
			case reflect.Map:
				ks.freeForm = ft.Elem()
			}
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(sf.Name)
		}
		if _, dup := ks.types[name]; !dup {
			ks.names = append(ks.names, name)
		}
		ks.types[name] = sf.Type
	}
}

// isLeaf reports whether values of t decode as a whole rather than key by key.
func isLeaf(t reflect.Type) bool {
	return t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType) ||
		t == timeType || t == durationType
}

// checkStruct checks mapping n against struct type t: every key must be one
// of t's (unknown keys get a did-you-mean over t's keys and extra), and every
// value must decode into its field's type. It reports whether all is well.
func (l *loader) checkStruct(t reflect.Type, n *yaml.Node, path string, extra []string) bool {
	ks := structKeys(t)
	ok := true
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := k.Value
		if prev, dup := seen[name]; dup {
			l.errorf(k, join(path, name), "", "key %q is repeated (first at line %d)", name, prev.Line)
			ok = false
			continue
		}
		seen[name] = k
		ft, known := ks.types[name]
		if !known && ks.freeForm != nil {
			ft, known = ks.freeForm, true
		}
		if !known {
			candidates := append(append([]string{}, ks.names...), extra...)
			hint := didYouMean(name, candidates)
			if hint == "" && len(ks.names) > 0 {
				hint = "allowed keys: " + quoteList(ks.names)
			}
			l.errorf(k, join(path, name), hint, "unknown key %q", name)
			ok = false
			continue
		}
		if !l.checkValue(ft, v, join(path, name)) {
			ok = false
		}
	}
	return ok
}

// checkValue checks that n decodes into type t, descending into structs,
// lists and maps so that problems point at the innermost node.
func (l *loader) checkValue(t reflect.Type, n *yaml.Node, path string) bool {
	n = deref(n)
	if isNull(n) {
		return true
	}
	for t.Kind() == reflect.Pointer && !isLeaf(t) {
		t = t.Elem()
	}
	if isLeaf(t) {
		return l.leafDecode(t, n, path)
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			l.errorf(n, path, "", "expected a mapping of keys to values, got %s", describe(n))
			return false
		}
		return l.checkStruct(t, n, path, nil)
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return l.leafDecode(t, n, path)
		}
		if n.Kind != yaml.SequenceNode {
			l.errorf(n, path, "", "expected a list, got %s", describe(n))
			return false
		}
		ok := true
		for i, e := range n.Content {
			if !l.checkValue(t.Elem(), e, index(path, i)) {
				ok = false
			}
		}
		return ok
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			l.errorf(n, path, "", "expected a mapping of keys to values, got %s", describe(n))
			return false
		}
		if t.Key().Kind() != reflect.String {
			return l.leafDecode(t, n, path)
		}
		ok := true
		for i := 0; i+1 < len(n.Content); i += 2 {
			if !l.checkValue(t.Elem(), n.Content[i+1], join(path, n.Content[i].Value)) {
				ok = false
			}
		}
		return ok
	case reflect.Interface:
		return true
	}
	return l.leafDecode(t, n, path)
}

// leafDecode decodes n into a fresh value of type t and reports a failure at n.
func (l *loader) leafDecode(t reflect.Type, n *yaml.Node, path string) bool {
	v := reflect.New(t)
	err := n.Decode(v.Interface())
	if err == nil {
		return true
	}
	if t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType) {
		l.errorf(n, path, "", "%s", cleanYAMLError(err))
	} else {
		l.errorf(n, path, "", "expected %s, got %s", typeName(t), describe(n))
	}
	return false
}

// typeName says what a value of t looks like, for messages.
func typeName(t reflect.Type) string {
	if t == durationType {
		return "a duration such as 30s or 250ms"
	}
	if t == timeType {
		return "a time such as 2024-01-31T12:00:00Z"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "a whole number >= 0"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "text"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping of keys to values"
	case reflect.Pointer:
		return typeName(t.Elem())
	}
	return "a " + t.String()
}

var yamlLinePrefix = regexp.MustCompile(`^(yaml: )?(line \d+: )?`)

// cleanYAMLError turns a yaml.v3 error into a one-line message without the
// "yaml:" and "line N:" prefixes (the diagnostic carries the position).
func cleanYAMLError(err error) string {
	if te, ok := err.(*yaml.TypeError); ok {
		parts := make([]string, len(te.Errors))
		for i, e := range te.Errors {
			parts[i] = yamlLinePrefix.ReplaceAllString(strings.TrimSpace(e), "")
		}
		return strings.Join(parts, "; ")
	}
	return yamlLinePrefix.ReplaceAllString(err.Error(), "")
}

// decodeStrict checks the mapping n against the struct behind target (a
// pointer) and, when every key and value is acceptable, decodes n into it.
// extra lists keys handled elsewhere, offered in did-you-mean hints.
func (l *loader) decodeStrict(target any, n *yaml.Node, path string, extra []string) bool {
	t := reflect.TypeOf(target)
	for t.Kind() == reflect.Pointer && !isLeaf(t) {
		t = t.Elem()
	}
	ok := true
	switch {
	case isLeaf(t) || reflect.TypeOf(target).Implements(unmarshalerType):
		// The spec decodes itself: its keys cannot be known in advance.
	case t.Kind() == reflect.Struct:
		ok = l.checkStruct(t, n, path, extra)
	default:
		ok = l.checkValue(t, n, path)
	}
	if !ok {
		return false
	}
	if len(n.Content) == 0 {
		return true
	}
	if err := n.Decode(target); err != nil {
		l.errorf(n, path, "", "%s", cleanYAMLError(err))
		return false
	}
	return true
}

// findPath returns the node at a FieldError path such as "rules[1].when"
// under the block n, or the deepest node found on the way and false.
func findPath(n *yaml.Node, path string) (*yaml.Node, bool) {
	cur := deref(n)
	if path == "" {
		return cur, false
	}
	for _, seg := range splitPath(path) {
		next := child(cur, seg)
		if next == nil {
			return cur, false
		}
		cur = next
	}
	return cur, true
}

// child returns the value under key seg (a mapping key, or "[i]" for a list
// element) of n, or nil.
func child(n *yaml.Node, seg string) *yaml.Node {
	n = deref(n)
	if n == nil {
		return nil
	}
	if strings.HasPrefix(seg, "[") && strings.HasSuffix(seg, "]") {
		i, err := strconv.Atoi(seg[1 : len(seg)-1])
		if err != nil || n.Kind != yaml.SequenceNode || i < 0 || i >= len(n.Content) {
			return nil
		}
		return deref(n.Content[i])
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == seg {
			return deref(n.Content[i+1])
		}
	}
	return nil
}

// splitPath splits "rules[1].when" into "rules", "[1]", "when".
func splitPath(path string) []string {
	var segs []string
	for _, part := range strings.Split(path, ".") {
		for part != "" {
			if i := strings.IndexByte(part, '['); i > 0 {
				segs = append(segs, part[:i])
				part = part[i:]
				continue
			}
			if strings.HasPrefix(part, "[") {
				j := strings.IndexByte(part, ']')
				if j < 0 {
					segs = append(segs, part)
					break
				}
				segs = append(segs, part[:j+1])
				part = part[j+1:]
				continue
			}
			segs = append(segs, part)
			break
		}
	}
	return segs
}

// joinFieldPath appends a FieldError path to a block path.
func joinFieldPath(block, field string) string {
	if field == "" {
		return block
	}
	if strings.HasPrefix(field, "[") {
		return block + field
	}
	return fmt.Sprintf("%s.%s", block, field)
}
