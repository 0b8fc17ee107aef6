package httpmodel

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/poc-harness/poc/pipeline"
	"math"
	"sort"
	"strings"
	"text/template"
	"text/template/parse"
	"time"

	"github.com/poc-harness/poc/datasets"
)

// funcs are the functions available to body templates.
var funcs = template.FuncMap{
	"json": func(v any) (string, error) {
		b, err := json.Marshal(jsonValue(v))
		if err != nil {
			return "", err
		}
		return string(b), nil
	},
}

// node is one compiled value of the `body:` mapping.
type node interface {
	render(fields map[string]any) (any, error)
}

type literal struct{ v any }

func (l literal) render(map[string]any) (any, error) { return l.v, nil }

// fieldRef is a string that is exactly {{.name}}: the field's value, typed.
type fieldRef struct{ name, path string }

func (f fieldRef) render(fields map[string]any) (any, error) {
	v, ok := fields[f.name]
	if !ok {
		return nil, fmt.Errorf("body.%s: record has no field %q", f.path, f.name)
	}
	return jsonValue(v), nil
}

type textTemplate struct {
	t    *template.Template
	path string
}

func (t textTemplate) render(fields map[string]any) (any, error) {
	var b strings.Builder
	if err := t.t.Execute(&b, fields); err != nil {
		return nil, fmt.Errorf("body.%s: %w", t.path, err)
	}
	return b.String(), nil
}

type mapNode struct {
	keys []string
	vals []node
}

func (m mapNode) render(fields map[string]any) (any, error) {
	out := make(map[string]any, len(m.keys))
	for i, k := range m.keys {
		v, err := m.vals[i].render(fields)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

type listNode []node

func (l listNode) render(fields map[string]any) (any, error) {
	out := make([]any, len(l))
	for i, n := range l {
		v, err := n.render(fields)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// bodyFields returns the record fields the templates of a `body:` value
// refer to (pipeline.TemplateFields of each).
func bodyFields(v any) []string {
	var out []string
	switch x := v.(type) {
	case string:
		if t, err := template.New("").Funcs(funcs).Parse(x); err == nil && strings.Contains(x, "{{") {
			out = append(out, pipeline.TemplateFields(t)...)
		}
	case map[string]any:
		for _, e := range x {
			out = append(out, bodyFields(e)...)
		}
	case map[any]any:
		for _, e := range x {
			out = append(out, bodyFields(e)...)
		}
	case []any:
		for _, e := range x {
			out = append(out, bodyFields(e)...)
		}
	}
	return out
}

// compileBody compiles the `body:` value at path (relative to body).
func compileBody(v any, path string) (node, error) {
	switch x := v.(type) {
	case string:
		if !strings.Contains(x, "{{") {
			return literal{x}, nil
		}
		t, err := template.New(path).Funcs(funcs).Option("missingkey=error").Parse(x)
		if err != nil {
			return nil, fmt.Errorf("template: %w", cleanTemplateErr(err))
		}
		if name, ok := singleField(t); ok {
			return fieldRef{name: name, path: path}, nil
		}
		return textTemplate{t: t, path: path}, nil
	case map[string]any:
		m := mapNode{}
		for k := range x {
			m.keys = append(m.keys, k)
		}
		sort.Strings(m.keys)
		for _, k := range m.keys {
			n, err := compileBody(x[k], join(path, k))
			if err != nil {
				return nil, wrapPath(join(path, k), err)
			}
			m.vals = append(m.vals, n)
		}
		return m, nil
	case map[any]any:
		conv := make(map[string]any, len(x))
		for k, v := range x {
			conv[fmt.Sprint(k)] = v
		}
		return compileBody(conv, path)
	case []any:
		l := make(listNode, len(x))
		for i, e := range x {
			n, err := compileBody(e, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, wrapPath(fmt.Sprintf("%s[%d]", path, i), err)
			}
			l[i] = n
		}
		return l, nil
	case nil, bool, int, int64, float64, uint64:
		return literal{x}, nil
	}
	return nil, fmt.Errorf("unsupported value %v (%T)", v, v)
}

// pathError carries the innermost body path of a compile problem.
type pathError struct {
	path string
	err  error
}

func (e *pathError) Error() string { return e.err.Error() }

// wrapPath attaches path to err unless a deeper path is already attached.
func wrapPath(path string, err error) error {
	var pe *pathError
	if errors.As(err, &pe) {
		return err
	}
	return &pathError{path: path, err: err}
}
func (e *pathError) Unwrap() error { return e.err }

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// cleanTemplateErr drops the "template: name:" prefix text/template adds.
func cleanTemplateErr(err error) error {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "template: "); ok {
		if i := strings.Index(rest, ": "); i >= 0 {
			return fmt.Errorf("%s", rest[i+2:])
		}
	}
	return err
}

// singleField reports whether the template is exactly one action {{.name}}.
func singleField(t *template.Template) (string, bool) {
	if t.Tree == nil || t.Tree.Root == nil || len(t.Tree.Root.Nodes) != 1 {
		return "", false
	}
	a, ok := t.Tree.Root.Nodes[0].(*parse.ActionNode)
	if !ok || a.Pipe == nil || len(a.Pipe.Decl) != 0 || len(a.Pipe.Cmds) != 1 || len(a.Pipe.Cmds[0].Args) != 1 {
		return "", false
	}
	f, ok := a.Pipe.Cmds[0].Args[0].(*parse.FieldNode)
	if !ok || len(f.Ident) != 1 {
		return "", false
	}
	return f.Ident[0], true
}

// jsonValue converts a record value for JSON: times as RFC 3339 text, NaN
// and infinities as null.
func jsonValue(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
	case time.Time:
		return datasets.FormatValue(x)
	}
	return v
}

// decodeJSON decodes b keeping numbers exact (json.Number).
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after the JSON value")
	}
	return v, nil
}

// mapStrings returns v with f applied to every string value (not keys).
func mapStrings(v any, f func(string) string) any {
	switch x := v.(type) {
	case string:
		return f(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = mapStrings(e, f)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = mapStrings(e, f)
		}
		return out
	}
	return v
}

// encodeJSON encodes v without escaping <, > and & (pseudonym tokens look
// like <EMAIL_1>), and without a trailing newline.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
