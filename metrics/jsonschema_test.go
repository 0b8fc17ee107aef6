package metrics_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/metrics/metricstest"
	"github.com/poc-harness/poc/pipeline"
)

const invoiceSchema = `{schema: {type: object, required: [invoice_no, total], additionalProperties: false,
  properties: {invoice_no: {type: string, minLength: 3}, total: {type: number, minimum: 0},
  currency: {enum: [EUR, USD]}, lines: {type: array, maxItems: 2, items: {type: integer}}, note: {type: [string, "null"]}}}}`

func TestJSONSchema(t *testing.T) {
	answers := []struct {
		raw  string
		fail string // the keyword failed first, "" when it conforms (checked by hand)
	}{
		{`{"invoice_no": "A-1", "total": 12.5}`, ""},
		{`{"invoice_no": "A-1", "total": 0, "currency": "EUR", "lines": [1, 2], "note": null}`, ""},
		{"  {\"invoice_no\": \"A-12\", \"total\": 3, \"note\": \"x\"}\n", ""},
		{`{"invoice_no": "A-1"}`, "required"},
		{`{"invoice_no": "A-1", "total": -1}`, "minimum"},
		{`{"invoice_no": "A-1", "total": "12"}`, "type"},
		{`{"invoice_no": "A-1", "total": 1, "currency": "GBP"}`, "enum"},
		{`{"invoice_no": "A-1", "total": 1, "extra": true}`, "additionalProperties"},
		{`{"invoice_no": "A-1", "total": 1, "lines": [1.5]}`, "type"},
		{`{"invoice_no": "A-1", "total": 1, "lines": [1, 2, 3]}`, "maxItems"},
		{`{"invoice_no": "A", "total": 1}`, "minLength"},
		{`[1, 2]`, "type"},
		{"```json\n{}\n```", "not JSON"},
		{``, "not JSON"},
	}
	var obs []metrics.Observation
	want := map[string]int{}
	for i, a := range answers {
		obs = append(obs, metrics.Observation{Pred: pipeline.Prediction{Seq: i, Output: pipeline.Output{Raw: a.raw, Text: a.raw}}})
		if a.fail != "" {
			want[a.fail]++
		}
	}
	obs = append(obs, metrics.Observation{Pred: pipeline.Prediction{Seq: len(obs), Err: "timeout"}})
	want["failed"]++

	m := buildWith(t, "json_schema", invoiceSchema)
	acc := m.New()
	for _, o := range obs {
		acc.Add(o)
	}
	r := acc.Result()
	if r.Value != 3.0/15 || r.N != 15 {
		t.Errorf("json_schema = %v (n %d), want 3/15", r.Value, r.N)
	}
	got := r.Detail.(metrics.JSONSchemaDetail).Failures
	for k, n := range want {
		if got[k] != n {
			t.Errorf("failures[%q] = %d, want %d (all: %v)", k, got[k], n, got)
		}
	}
	if s, n, ok := acc.(metrics.Proportion).Counts(); !ok || s != 3 || n != 15 {
		t.Errorf("Counts = %d/%d", s, n)
	}
	metricstest.Conformance(t, m, obs)
}

// The whole of JSON Schema applies, beyond the keywords TestJSONSchema
// uses: a pattern, a oneOf, a $ref to $defs.
func TestJSONSchemaFullDraft(t *testing.T) {
	m := buildWith(t, "json_schema", `{schema: {type: object, required: [id, amount],
  properties: {id: {type: string, pattern: "^INV-[0-9]+$"}, amount: {$ref: "#/$defs/money"},
    kind: {oneOf: [{const: credit}, {const: debit}]}},
  $defs: {money: {type: number, exclusiveMinimum: 0}}}}`)
	answers := []struct {
		raw, fail string
	}{
		{`{"id": "INV-12", "amount": 3, "kind": "debit"}`, ""},
		{`{"id": "inv-12", "amount": 3}`, "pattern"},
		{`{"id": "INV-1", "amount": 0}`, "exclusiveMinimum"},
		{`{"id": "INV-1", "amount": 1, "kind": "refund"}`, "const"},
	}
	acc := m.New()
	for i, a := range answers {
		acc.Add(metrics.Observation{Pred: pipeline.Prediction{Seq: i, Output: pipeline.Output{Raw: a.raw}}})
	}
	r := acc.Result()
	got := r.Detail.(metrics.JSONSchemaDetail).Failures
	for _, a := range answers[1:] {
		if got[a.fail] != 1 {
			t.Errorf("%s: failures %v, want one on %q", a.raw, got, a.fail)
		}
	}
	if r.Value != 0.25 {
		t.Errorf("value %v, want 1/4", r.Value)
	}
}

func TestJSONSchemaFileAndErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "s.json"), []byte(`{"type": "object", "required": ["a"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	f, _ := metrics.Lookup("json_schema")
	s := f()
	if err := yamlDecode(`{schema_file: s.json}`, s); err != nil {
		t.Fatal(err)
	}
	m, err := s.Build(metrics.Env{Name: "js", Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	acc := m.New()
	acc.Add(metrics.Observation{Pred: pipeline.Prediction{Output: pipeline.Output{Raw: `{"a": 1}`}}})
	acc.Add(metrics.Observation{Pred: pipeline.Prediction{Seq: 1, Output: pipeline.Output{Raw: `{"b": 1}`}}})
	if v := acc.Result().Value; v != 0.5 {
		t.Errorf("schema_file: value %v, want 0.5", v)
	}

	for keys, want := range map[string]string{
		``: "missing",
		`{schema: {type: object}, schema_file: s.json}`: "not both",
		`{schema_file: nope.json}`:                      "read schema",
		`{schema: {type: objekt}}`:                      `schema/type: value must be one of`,
		`{schema: {requried: [a]}}`:                     `"requried" is no JSON Schema keyword (did you mean "required"?)`,
		`{schema: {properties: {a: {minimun: 1}}}}`:     `schema.properties.a: "minimun" is no JSON Schema keyword (did you mean "minimum"?)`,
		`{schema: {properties: {a: {oneOf: []}}}}`:      `schema/properties/a/oneOf: minItems`,
		`{schema: {minimum: x}}`:                        "schema/minimum: got string, want number",
	} {
		s := f()
		if keys != "" {
			if err := yamlDecode(keys, s); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Build(metrics.Env{Name: "js", Dir: dir}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", keys, err, want)
		}
	}
}
