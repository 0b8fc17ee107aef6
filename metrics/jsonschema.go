package metrics

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/poc-harness/poc/datasets/fieldexpr"
	"github.com/poc-harness/poc/pipeline"
)

func init() {
	Register(Info{Type: "json_schema", Doc: "share of answers (raw text) that are JSON conforming to `schema:` (inline) or `schema_file:` (JSON Schema, draft 2020-12 unless $schema names another)",
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
// conform to the schema: JSON Schema, draft 2020-12 unless the schema's
// $schema names an older draft, as github.com/santhosh-tekuri/jsonschema/v6
// validates it (formats are annotations, as the draft says). A keyword no
// draft defines is an error when the file is loaded, with the keyword it
// may misspell: JSON Schema would ignore it, and every answer would pass
// it. A failed prediction does not conform. The detail counts the
// non-conforming answers by the first keyword they fail.
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
	sch, err := compileSchema(doc)
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
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
		if text == "" || err != nil {
			r[0], r[1] = 0, notJSON
			return ""
		}
		if err := sch.Validate(v); err != nil {
			r[0], r[1] = 0, reasons.id(failedKeyword(err))
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

// compileSchema compiles the schema document (JSON Schema draft 2020-12
// unless its $schema names another draft) with
// github.com/santhosh-tekuri/jsonschema/v6, after refusing a keyword no
// draft defines: JSON Schema ignores unknown keywords, so a misspelt
// `requird:` would let every answer conform.
func compileSchema(doc any) (*jsonschema.Schema, error) {
	if err := knownKeywords(doc, ""); err != nil {
		return nil, err
	}
	// Through JSON again, as the library decodes it (numbers as json.Number).
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("the schema cannot be written as JSON: %w", err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("the schema cannot be read back from JSON: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(schemaURL, v); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	sch, err := c.Compile(schemaURL)
	if err != nil {
		return nil, fmt.Errorf("invalid schema: %s", schemaProblems(err))
	}
	return sch, nil
}

// schemaProblems are the deepest causes of a schema's failure against its
// draft's metaschema, each at its place in the schema
// ("schema/properties/total/minimum: got string, want number"), or the
// error as it is.
func schemaProblems(err error) string {
	lines := strings.Split(err.Error(), "\n")
	deepest, out := -1, []string(nil)
	for _, l := range lines {
		trimmed := strings.TrimLeft(l, " ")
		if !strings.HasPrefix(trimmed, "- at '") {
			continue
		}
		indent := len(l) - len(trimmed)
		loc, msg, ok := strings.Cut(strings.TrimPrefix(trimmed, "- at '"), "': ")
		if !ok {
			continue
		}
		line := "schema" + loc + ": " + msg
		switch {
		case indent > deepest:
			deepest, out = indent, []string{line}
		case indent == deepest:
			out = append(out, line)
		}
	}
	if len(out) == 0 {
		return strings.ReplaceAll(err.Error(), schemaURL, "the schema")
	}
	return strings.Join(out, "; ")
}

// schemaURL names the metric's schema for the compiler.
const schemaURL = "mem://json_schema/schema.json"

// schemaKeywords are the keywords of the JSON Schema drafts (2020-12 and
// the older ones a $schema may name), their annotations included.
var schemaKeywords = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`$schema $id $ref $dynamicRef $dynamicAnchor $anchor $vocabulary $comment $defs
		definitions $recursiveRef $recursiveAnchor
		allOf anyOf oneOf not if then else dependentSchemas dependencies prefixItems items additionalItems contains
		properties patternProperties additionalProperties propertyNames unevaluatedItems unevaluatedProperties
		type enum const multipleOf maximum exclusiveMaximum minimum exclusiveMinimum maxLength minLength pattern
		maxItems minItems uniqueItems maxContains minContains maxProperties minProperties required dependentRequired
		title description default deprecated readOnly writeOnly examples format
		contentEncoding contentMediaType contentSchema`) {
		schemaKeywords[k] = true
	}
}

// schemaKeywordsOf are the keywords whose value is a schema, a list of
// schemas, or a mapping of names to schemas: knownKeywords looks into them.
var (
	subschema    = map[string]bool{"not": true, "if": true, "then": true, "else": true, "items": true, "additionalItems": true, "contains": true, "additionalProperties": true, "propertyNames": true, "unevaluatedItems": true, "unevaluatedProperties": true, "contentSchema": true}
	subschemas   = map[string]bool{"allOf": true, "anyOf": true, "oneOf": true, "prefixItems": true}
	namedSchemas = map[string]bool{"properties": true, "patternProperties": true, "$defs": true, "definitions": true, "dependentSchemas": true}
)

// knownKeywords refuses a keyword no draft defines anywhere in the schema
// at path ("" for the root).
func knownKeywords(doc any, path string) error {
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil // true, false, or a value the compiler refuses
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	at := func(p string) string {
		if p == "" {
			return "the schema"
		}
		return "schema" + p
	}
	for _, k := range keys {
		v := obj[k]
		switch {
		case !schemaKeywords[k]:
			hint := ""
			if s := closest(k); s != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", s)
			}
			return fmt.Errorf("%s: %q is no JSON Schema keyword%s; JSON Schema would ignore it, so no answer would fail it", at(path), k, hint)
		case subschema[k]:
			if err := knownKeywords(v, path+"."+k); err != nil {
				return err
			}
		case subschemas[k]:
			if list, ok := v.([]any); ok {
				for i, e := range list {
					if err := knownKeywords(e, fmt.Sprintf("%s.%s[%d]", path, k, i)); err != nil {
						return err
					}
				}
			}
		case namedSchemas[k]:
			if m, ok := v.(map[string]any); ok {
				names := make([]string, 0, len(m))
				for n := range m {
					names = append(names, n)
				}
				sort.Strings(names)
				for _, n := range names {
					if err := knownKeywords(m[n], path+"."+k+"."+n); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// closest is the schema keyword k most likely misspells ("" for none).
func closest(k string) string {
	names := make([]string, 0, len(schemaKeywords))
	for n := range schemaKeywords {
		names = append(names, n)
	}
	sort.Strings(names)
	return fieldexpr.Closest(k, names)
}

// failedKeyword is the keyword an answer fails first: the first leaf of
// the validation error's tree, by its keyword path ("schema" when the
// error names none).
func failedKeyword(err error) string {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return "schema"
	}
	for len(ve.Causes) > 0 {
		ve = ve.Causes[0]
	}
	if kw := ve.ErrorKind.KeywordPath(); len(kw) > 0 {
		return kw[len(kw)-1]
	}
	return "schema"
}
