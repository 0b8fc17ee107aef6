package llm

import (
	"reflect"
	"testing"
)

func TestLabelParsing(t *testing.T) {
	p := &LLM{cfg: Spec{Output: OutputSpec{Type: OutputLabel, Labels: []string{"billing", "technical", "account closure", "account"}}}}
	p.labels = newLabelSet(p.cfg.Output.Labels)
	tests := []struct {
		answer string
		want   string // "" = unparseable
	}{
		{"billing", "billing"},
		{"  Billing.\n", "billing"},
		{`"billing"`, "billing"},
		{"`technical`", "technical"},
		{"**Technical**", "technical"},
		{"'billing'!", "billing"},
		{"Label: billing", "billing"},
		{"label:   TECHNICAL.", "technical"},
		{`{"label": "billing"}`, "billing"},
		{"```json\n{\"label\": \"technical\"}\n```", "technical"},
		{`{"label": "refund"}`, ""},
		{"Account closure", "account closure"},
		{"The ticket is about billing.", "billing"},
		{"This is a billing question", "billing"},
		{"billing or technical", ""},
		{"billings", ""},
		{"refund", ""},
		{"", ""},
		{"I cannot tell.", ""},
		// A label inside a longer one: the longer one, found first, is it.
		{"It is an account closure (see below).", "account closure"},
		{"account closure, not a billing issue", ""},
		{"account", "account"},
	}
	for _, tt := range tests {
		t.Run(tt.answer, func(t *testing.T) {
			out := p.output(tt.answer, nil)
			if out.Label != tt.want || out.Unparseable != (tt.want == "") {
				t.Errorf("answer %q: label %q unparseable %v, want %q", tt.answer, out.Label, out.Unparseable, tt.want)
			}
			if out.Raw != tt.answer {
				t.Errorf("Raw = %q", out.Raw)
			}
		})
	}
}

func TestNumberParsing(t *testing.T) {
	p := &LLM{cfg: Spec{Output: OutputSpec{Type: OutputNumber}}}
	tests := []struct {
		answer string
		want   float64
		ok     bool
	}{
		{"4", 4, true},
		{" 0.75 ", 0.75, true},
		{"Score: -3.5 out of 10", -3.5, true},
		{"about 1e3", 1000, true},
		{".5", 0.5, true},
		{"none", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		out := p.output(tt.answer, nil)
		if out.HasScore != tt.ok || out.Unparseable == tt.ok || out.Score != tt.want {
			t.Errorf("answer %q: %+v, want %v %v", tt.answer, out, tt.want, tt.ok)
		}
	}
	if out := p.output("3", nil); out.Label != "3" {
		t.Errorf("label of 3 = %q", out.Label)
	}
}

func TestTextParsing(t *testing.T) {
	p := &LLM{cfg: Spec{Output: OutputSpec{Type: OutputText}}}
	out := p.output("A summary.", nil)
	if out.Text != "A summary." || out.Raw != "A summary." || out.Unparseable {
		t.Errorf("%+v", out)
	}
}

func TestJSONParsing(t *testing.T) {
	spec := Spec{Output: OutputSpec{
		Type:       OutputJSON,
		Fields:     map[string]string{"queue": "string", "urgency": "number", "vip": "boolean", "n": "integer"},
		Labels:     []string{"billing", "technical"},
		LabelField: "queue",
	}}
	p := &LLM{cfg: spec, labels: newLabelSet(spec.Output.Labels)}
	tests := []struct {
		name   string
		answer string
		label  string
		ok     bool
	}{
		{"plain", `{"queue":"billing","urgency":2,"vip":true,"n":3}`, "billing", true},
		{"fenced", "```json\n{\"queue\":\"Technical\",\"urgency\":0.5,\"vip\":false,\"n\":1}\n```", "technical", true},
		{"text around", `Here you go: {"queue":"billing","urgency":1,"vip":false,"n":0} Hope it helps`, "billing", true},
		{"missing field", `{"queue":"billing","urgency":2,"vip":true}`, "", false},
		{"wrong type", `{"queue":"billing","urgency":"high","vip":true,"n":1}`, "", false},
		{"not integer", `{"queue":"billing","urgency":1,"vip":true,"n":1.5}`, "", false},
		{"label not allowed", `{"queue":"refund","urgency":1,"vip":true,"n":1}`, "", false},
		{"not json", `billing`, "", false},
		{"truncated", `{"queue":"billing","urg`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := p.output(tt.answer, nil)
			if out.Unparseable == tt.ok || out.Label != tt.label {
				t.Fatalf("label %q unparseable %v, want %q ok %v", out.Label, out.Unparseable, tt.label, tt.ok)
			}
			if tt.ok && out.Fields["vip"] == nil {
				t.Errorf("Fields = %v", out.Fields)
			}
			if !tt.ok && out.Fields != nil {
				t.Errorf("unparseable answer kept Fields %v", out.Fields)
			}
		})
	}
	// Without declared fields any object is accepted.
	free := &LLM{cfg: Spec{Output: OutputSpec{Type: OutputJSON}}}
	out := free.output(`{"a":[1,2]}`, nil)
	if out.Unparseable || !reflect.DeepEqual(out.Fields, map[string]any{"a": []any{1.0, 2.0}}) {
		t.Errorf("%+v", out)
	}
}
