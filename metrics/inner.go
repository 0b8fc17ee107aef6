package metrics

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/poc-harness/poc/pipeline"
)

// MetricSpec is a metric nested in another's configuration, such as the
// `metric:` of by_window and by_group: a bare type name (`metric: accuracy`)
// or a mapping with `type:` and that type's keys
// (`metric: {type: class_recall, class: billing}`).
type MetricSpec struct {
	// Type is the registered metric type.
	Type string
	// Spec holds the type's keys.
	Spec Spec
}

var unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()

// UnmarshalYAML decodes the type, looks it up and decodes the other keys
// into its Spec; an unknown type or key is an error.
func (s *MetricSpec) UnmarshalYAML(n *yaml.Node) error {
	rest := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: n.Line, Column: n.Column}
	switch n.Kind {
	case yaml.ScalarNode:
		s.Type = n.Value
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "type" {
				s.Type = v.Value
				continue
			}
			rest.Content = append(rest.Content, k, v)
		}
	default:
		return fmt.Errorf("line %d: expected a metric type or a mapping with `type:` and its keys", n.Line)
	}
	if s.Type == "" {
		return fmt.Errorf("line %d: the inner metric has no `type:`", n.Line)
	}
	f, ok := Lookup(s.Type)
	if !ok {
		var types []string
		for _, in := range Types() {
			types = append(types, in.Type)
		}
		return fmt.Errorf("line %d: unknown metric type %q (see `poc metrics`; types: %s)", n.Line, s.Type, strings.Join(types, ", "))
	}
	s.Spec = f()
	if len(rest.Content) == 0 {
		return nil
	}
	if err := checkKeys(s.Spec, s.Type, rest); err != nil {
		return err
	}
	if err := rest.Decode(s.Spec); err != nil {
		return fmt.Errorf("metric type %s: %w", s.Type, err)
	}
	return nil
}

// checkKeys reports a key of n that spec's struct does not declare (unless
// the spec decodes itself).
func checkKeys(spec Spec, typ string, n *yaml.Node) error {
	t := reflect.TypeOf(spec)
	if t.Implements(unmarshalerType) {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	known := map[string]bool{}
	if t.Kind() == reflect.Struct {
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			if name != "-" {
				known[name] = true
			}
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !known[k.Value] {
			names := make([]string, 0, len(known))
			for name := range known {
				names = append(names, name)
			}
			sort.Strings(names)
			if len(names) == 0 {
				return fmt.Errorf("line %d: metric type %s takes no keys, got %q", k.Line, typ, k.Value)
			}
			return fmt.Errorf("line %d: unknown key %q of metric type %s (keys: %s)", k.Line, k.Value, typ, strings.Join(names, ", "))
		}
	}
	return nil
}

// build builds the nested metric under the outer metric's name; its
// problems are reported under `field.`.
func (s *MetricSpec) build(field string, env Env) (Metric, error) {
	if s.Spec == nil {
		return nil, pipeline.Errorf(field, "missing: the metric to compute, e.g. `%s: {type: accuracy}`", field)
	}
	m, err := s.Spec.Build(env)
	if err != nil {
		var prefixed pipeline.FieldErrors
		for _, fe := range pipeline.AsFieldErrors(err) {
			f := field
			if fe.Field != "" {
				f += "." + fe.Field
			}
			prefixed = append(prefixed, &pipeline.FieldError{Field: f, Msg: fmt.Sprintf("(%s) %s", s.Type, fe.Msg)})
		}
		return nil, prefixed
	}
	return m, nil
}
