package metrics

import (
	"encoding/json"
	"fmt"
	"iter"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/poc-harness/poc/pipeline"
)

func init() {
	Register(Info{Type: "json_schema", Doc: "share of answers (raw text) that are JSON conforming to `schema:` (inline) or `schema_file:` (type, properties, required, enum, items, minimum/maximum, additionalProperties: false)",
		Accepts: textKind}, func() Spec { return new(JSONSchemaSpec) })
}

// JSONSchemaSpec configures json_schema:
//
//   - name: valid_extraction
//     type: json_schema
//     schema:
//     type: object
//     required: [invoice_no, total]
//     additionalProperties: false
//     properties:
//     invoice_no: {type: string}
//     total: {type: number, minimum: 0}
//     currency: {enum: [EUR, USD]}
//
// The answer (its raw text, as json_valid reads it) must parse as JSON and
// conform to the schema. The subset of JSON Schema understood: type (one
// or a list of object, array, string, number, integer, boolean, null),
// properties, required, enum, const, items, minimum, maximum,
// exclusiveMinimum, exclusiveMaximum, minItems, maxItems, minLength,
// maxLength and additionalProperties (false, or a schema). Annotations
// ($schema, $id, title, description, default, examples, format) are
// ignored; any other keyword is an error when the file is loaded, never
// silently skipped. A failed prediction does not conform. The detail counts
// the non-conforming answers by the first keyword they fail.
type JSONSchemaSpec struct {
	// Schema is the schema, inline.
	Schema map[string]any `yaml:"schema"`
	// SchemaFile is a JSON or YAML file holding it, relative to the
	// experiment's folder.
	SchemaFile string `yaml:"schema_file"`
}

// JSONSchemaDetail is the detail of json_schema: the non-conforming
// answers by the keyword they fail first ("not JSON", "required", "type", ...).
type JSONSchemaDetail struct {
	Failures map[string]int `json:"failures,omitempty"`
}

// Build reads and compiles the schema.
func (s *JSONSchemaSpec) Build(env Env) (Metric, error) {
	doc, field, err := s.document(env.Dir)
	if err != nil {
		return nil, err
	}
	sch, err := compileSchema(doc, "")
	if err != nil {
		return nil, pipeline.Errorf(field, "%v", err)
	}
	var reasons interner
	notJSON := reasons.id("not JSON")
	failed := reasons.id("failed")
	m := &rowMetric{name: env.Name, typ: "json_schema", width: 2, value: meanOf, counts: shareCounts}
	// Row: conforms (1 or 0), the id of the keyword failed.
	m.row = func(o Observation, r []float64) string {
		if o.Pred.Failed() {
			r[0], r[1] = 0, failed
			return ""
		}
		text := strings.TrimSpace(o.Pred.Output.Raw)
		if text == "" {
			text = strings.TrimSpace(o.Pred.Output.Text)
		}
		var v any
		if text == "" || json.Unmarshal([]byte(text), &v) != nil {
			r[0], r[1] = 0, notJSON
			return ""
		}
		if kw := sch.validate(v); kw != "" {
			r[0], r[1] = 0, reasons.id(kw)
			return ""
		}
		r[0] = 1
		return ""
	}
	m.detail = func(rows iter.Seq[[]float64], excluded map[string]int) any {
		names := reasons.snapshot()
		d := JSONSchemaDetail{}
		for r := range rows {
			if r[0] == 0 {
				if d.Failures == nil {
					d.Failures = map[string]int{}
				}
				d.Failures[names[int(r[1])]]++
			}
		}
		return d
	}
	return m.build(), nil
}

// document returns the schema, inline or read from schema_file (relative
// to dir), as decoded JSON, and the field it was written under, for
// messages. It goes through JSON so that numbers are float64 and maps
// map[string]any, as in the answers.
func (s *JSONSchemaSpec) document(dir string) (doc any, field string, err error) {
	var raw any
	field = "schema"
	switch {
	case s.Schema != nil && s.SchemaFile != "":
		return nil, field, pipeline.Errorf("schema_file", "give either `schema:` or `schema_file:`, not both")
	case s.Schema != nil:
		raw = s.Schema
	case s.SchemaFile != "":
		field = "schema_file"
		path := s.SchemaFile
		if !filepath.IsAbs(path) && dir != "" {
			path = filepath.Join(dir, path)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, field, pipeline.Errorf(field, "read schema: %v", err)
		}
		if err := yaml.Unmarshal(b, &raw); err != nil {
			return nil, field, pipeline.Errorf(field, "%s is not JSON or YAML: %v", s.SchemaFile, err)
		}
	default:
		return nil, field, pipeline.Errorf("schema", "missing: the JSON schema the answers must conform to (`schema:` inline or `schema_file:`)")
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return nil, field, pipeline.Errorf(field, "the schema cannot be written as JSON: %v", err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, field, pipeline.Errorf(field, "the schema cannot be read back from JSON: %v", err)
	}
	return doc, field, nil
}

// jsonSchema is a compiled schema of the supported subset.
type jsonSchema struct {
	types              []string
	properties         map[string]*jsonSchema
	required           []string
	enum               []any
	items              *jsonSchema
	additional         *jsonSchema // nil: any additional property
	noAdditional       bool
	minimum, maximum   *float64
	exclusiveMin       *float64
	exclusiveMax       *float64
	minItems, maxItems *float64
	minLength          *float64
	maxLength          *float64
}

var (
	schemaTypes       = []string{"object", "array", "string", "number", "integer", "boolean", "null"}
	schemaAnnotations = map[string]bool{"$schema": true, "$id": true, "title": true, "description": true, "default": true,
		"examples": true, "format": true, "$comment": true}
	schemaKeywords = []string{"type", "properties", "required", "enum", "const", "items", "additionalProperties",
		"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "minLength", "maxLength"}
)

// compileSchema checks the schema document at path and compiles it.
func compileSchema(doc any, path string) (*jsonSchema, error) {
	if b, ok := doc.(bool); ok && b {
		return &jsonSchema{}, nil
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil, schemaErrorf(path, "expected a mapping of schema keywords, got %s", jsonKind(doc))
	}
	s := &jsonSchema{}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := s.compileKeyword(k, obj[k], path); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// schemaErrorf is a problem with the (sub)schema at path, "" being the
// whole schema.
func schemaErrorf(path, format string, args ...any) error {
	where := path
	if where == "" {
		where = "the schema"
	}
	return fmt.Errorf("%s: %s", where, fmt.Sprintf(format, args...))
}

// schemaBounds maps each numeric keyword to the bound of jsonSchema it
// sets.
var schemaBounds = map[string]func(*jsonSchema) **float64{
	"minimum":          func(s *jsonSchema) **float64 { return &s.minimum },
	"maximum":          func(s *jsonSchema) **float64 { return &s.maximum },
	"exclusiveMinimum": func(s *jsonSchema) **float64 { return &s.exclusiveMin },
	"exclusiveMaximum": func(s *jsonSchema) **float64 { return &s.exclusiveMax },
	"minItems":         func(s *jsonSchema) **float64 { return &s.minItems },
	"maxItems":         func(s *jsonSchema) **float64 { return &s.maxItems },
	"minLength":        func(s *jsonSchema) **float64 { return &s.minLength },
	"maxLength":        func(s *jsonSchema) **float64 { return &s.maxLength },
}

// compileKeyword compiles keyword k, of value v, of the schema at path into
// s. Annotations are accepted and ignored; any other unknown keyword is an
// error, so that a schema is never silently checked less than written.
func (s *jsonSchema) compileKeyword(k string, v any, path string) error {
	if bound, ok := schemaBounds[k]; ok {
		f, ok := v.(float64)
		if !ok {
			return schemaErrorf(path, "%s must be a number", k)
		}
		*bound(s) = &f
		return nil
	}
	var err error
	switch k {
	case "type":
		s.types, err = compileTypes(v, path)
	case "properties":
		s.properties, err = compileProperties(v, path)
	case "required":
		s.required, err = compileRequired(v, path)
	case "enum":
		list, ok := v.([]any)
		if !ok || len(list) == 0 {
			return schemaErrorf(path, "enum must be a non-empty list of values")
		}
		s.enum = list
	case "const":
		s.enum = []any{v}
	case "items":
		s.items, err = compileSchema(v, path+".items")
	case "additionalProperties":
		if b, ok := v.(bool); ok {
			s.noAdditional = !b
		} else {
			s.additional, err = compileSchema(v, path+".additionalProperties")
		}
	default:
		if !schemaAnnotations[k] {
			return schemaErrorf(path, "keyword %q is not supported (supported: %s)", k, strings.Join(schemaKeywords, ", "))
		}
	}
	return err
}

// compileTypes reads the type keyword: one type name or a list of them.
func compileTypes(v any, path string) ([]string, error) {
	var types []string
	switch t := v.(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			xs, _ := x.(string)
			types = append(types, xs)
		}
	default:
		return nil, schemaErrorf(path, "type must be a type name or a list of them")
	}
	for _, t := range types {
		if !slices.Contains(schemaTypes, t) {
			return nil, schemaErrorf(path, "unknown type %q (types: %s)", t, strings.Join(schemaTypes, ", "))
		}
	}
	return types, nil
}

// compileProperties compiles the schema of each property under properties.
func compileProperties(v any, path string) (map[string]*jsonSchema, error) {
	props, ok := v.(map[string]any)
	if !ok {
		return nil, schemaErrorf(path, "properties must be a mapping of property names to schemas")
	}
	properties := map[string]*jsonSchema{}
	for name, p := range props {
		var err error
		if properties[name], err = compileSchema(p, path+".properties."+name); err != nil {
			return nil, err
		}
	}
	return properties, nil
}

// compileRequired reads the required keyword: a list of property names.
func compileRequired(v any, path string) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, schemaErrorf(path, "required must be a list of property names")
	}
	var required []string
	for _, x := range list {
		name, ok := x.(string)
		if !ok {
			return nil, schemaErrorf(path, "required must be a list of property names")
		}
		required = append(required, name)
	}
	return required, nil
}

// validate returns the first keyword v fails, "" when v conforms.
func (s *jsonSchema) validate(v any) string {
	if len(s.types) > 0 && !slices.ContainsFunc(s.types, func(t string) bool { return hasJSONType(v, t) }) {
		return "type"
	}
	if s.enum != nil && !slices.ContainsFunc(s.enum, func(e any) bool { return reflect.DeepEqual(e, v) }) {
		return "enum"
	}
	switch x := v.(type) {
	case float64:
		return s.validateNumber(x)
	case string:
		return s.validateString(x)
	case []any:
		return s.validateArray(x)
	case map[string]any:
		return s.validateObject(x)
	}
	return ""
}

// validateNumber checks a number against the bounds, in the order
// minimum, maximum, exclusiveMinimum, exclusiveMaximum.
func (s *jsonSchema) validateNumber(x float64) string {
	switch {
	case s.minimum != nil && x < *s.minimum:
		return "minimum"
	case s.maximum != nil && x > *s.maximum:
		return "maximum"
	case s.exclusiveMin != nil && x <= *s.exclusiveMin:
		return "exclusiveMinimum"
	case s.exclusiveMax != nil && x >= *s.exclusiveMax:
		return "exclusiveMaximum"
	}
	return ""
}

// validateString checks a string's length, counted in characters (runes),
// not bytes.
func (s *jsonSchema) validateString(x string) string {
	n := float64(len([]rune(x)))
	switch {
	case s.minLength != nil && n < *s.minLength:
		return "minLength"
	case s.maxLength != nil && n > *s.maxLength:
		return "maxLength"
	}
	return ""
}

// validateArray checks an array's length, then each item in order.
func (s *jsonSchema) validateArray(x []any) string {
	n := float64(len(x))
	switch {
	case s.minItems != nil && n < *s.minItems:
		return "minItems"
	case s.maxItems != nil && n > *s.maxItems:
		return "maxItems"
	}
	if s.items != nil {
		for _, it := range x {
			if kw := s.items.validate(it); kw != "" {
				return kw
			}
		}
	}
	return ""
}

// validateObject checks the required properties, then every property in
// name order, so that the keyword reported is deterministic.
func (s *jsonSchema) validateObject(x map[string]any) string {
	for _, name := range s.required {
		if _, ok := x[name]; !ok {
			return "required"
		}
	}
	names := make([]string, 0, len(x))
	for k := range x {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		p, declared := s.properties[k]
		switch {
		case declared:
			if kw := p.validate(x[k]); kw != "" {
				return kw
			}
		case s.noAdditional:
			return "additionalProperties"
		case s.additional != nil:
			if kw := s.additional.validate(x[k]); kw != "" {
				return kw
			}
		}
	}
	return ""
}

// hasJSONType reports whether a decoded JSON value is of schema type t.
func hasJSONType(v any, t string) bool {
	switch t {
	case "integer":
		f, ok := v.(float64)
		return ok && f == math.Trunc(f)
	case "number":
		_, ok := v.(float64)
		return ok
	}
	return jsonKind(v) == t
}

// jsonKind names the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}
