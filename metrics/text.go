package metrics

import (
	"encoding/json"
	"iter"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

// Text metrics read Output.Text (the label when the text is empty). A failed
// prediction is an empty answer: it matches nothing.

var (
	textKind   = []string{"text"}
	fieldsKind = []string{"fields"}
)

func init() {
	register(Info{Type: "exact_match", Doc: "share of answers equal to the true label after trimming, case-folding and collapsing spaces", Accepts: textKind},
		func(env Env) (Metric, error) {
			return newTextShare(env.Name, "exact_match", true, func(o Observation, text string) bool {
				return normalise(text) == normalise(o.Truth)
			}), nil
		})
	Register(Info{Type: "contains", Doc: "share of answers containing `substring:` (or, without it, the true label), case-insensitive", Accepts: textKind},
		func() Spec { return new(ContainsSpec) })
	Register(Info{Type: "regex_match", Doc: "share of answers matching the regular expression `pattern:` (Go RE2 syntax)", Accepts: textKind},
		func() Spec { return new(RegexSpec) })
	register(Info{Type: "json_valid", Doc: "share of answers (raw text) that are valid JSON", Accepts: textKind},
		func(env Env) (Metric, error) {
			return newTextShare(env.Name, "json_valid", false, func(o Observation, _ string) bool {
				raw := o.Pred.Output.Raw
				if raw == "" {
					raw = o.Pred.Output.Text
				}
				raw = strings.TrimSpace(raw)
				return raw != "" && json.Valid([]byte(raw))
			}), nil
		})
	register(Info{Type: "rouge_l", Doc: "mean ROUGE-L F-measure (longest common token subsequence) of the answer against the true label", Accepts: textKind},
		func(env Env) (Metric, error) {
			m := &rowMetric{name: env.Name, typ: "rouge_l", width: 1, value: meanOf}
			m.row = func(o Observation, r []float64) string {
				if o.Truth == "" {
					return "no label"
				}
				r[0] = RougeL(answerText(o), o.Truth)
				return ""
			}
			return m.build(), nil
		})
	register(Info{Type: "length", Doc: "mean length of the answer text, in characters (failed records left out)", Direction: LowerIsBetter, Accepts: textKind},
		func(env Env) (Metric, error) {
			m := &rowMetric{name: env.Name, typ: "length", dir: LowerIsBetter, unit: "characters", width: 1, value: meanOf}
			m.row = func(o Observation, r []float64) string {
				if o.Pred.Failed() {
					return "failed"
				}
				r[0] = float64(utf8.RuneCountInString(answerText(o)))
				return ""
			}
			return m.build(), nil
		})
	for _, recall := range []bool{false, true} {
		typ, doc := "field_precision", "share of extracted fields (non-empty output fields) whose value equals the true one, over all records"
		if recall {
			typ, doc = "field_recall", "share of true fields (non-empty) extracted with the right value, over all records"
		}
		Register(Info{Type: typ, Doc: doc, Accepts: fieldsKind}, func() Spec { return &FieldsSpec{recall: recall} })
	}
}

// answerText is the output's text, or its label when the text is empty; ""
// for a failed prediction.
func answerText(o Observation) string {
	if o.Pred.Failed() {
		return ""
	}
	if o.Pred.Output.Text != "" {
		return o.Pred.Output.Text
	}
	return o.Pred.Output.Label
}

// normalise trims, case-folds and collapses runs of white space.
func normalise(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// newTextShare is a share of records whose answer passes ok; with needTruth
// records without a label are left out.
func newTextShare(name, typ string, needTruth bool, ok func(o Observation, text string) bool) Metric {
	m := &rowMetric{name: name, typ: typ, width: 1, value: meanOf, counts: shareCounts}
	m.row = func(o Observation, r []float64) string {
		if needTruth && o.Truth == "" {
			return "no label"
		}
		r[0] = b2f(!o.Pred.Failed() && ok(o, answerText(o)))
		return ""
	}
	return m.build()
}

// ContainsSpec configures contains:
//
//   - {name: mentions_refund, type: contains, substring: refund}
type ContainsSpec struct {
	// Substring is the text to look for; without it, the true label.
	Substring string `yaml:"substring"`
}

// Build returns the metric.
func (s *ContainsSpec) Build(env Env) (Metric, error) {
	sub := normalise(s.Substring)
	return newTextShare(env.Name, "contains", sub == "", func(o Observation, text string) bool {
		want := sub
		if want == "" {
			want = normalise(o.Truth)
		}
		return strings.Contains(normalise(text), want)
	}), nil
}

// RegexSpec configures regex_match:
//
//   - {name: cites_policy, type: regex_match, pattern: 'POL-\d{4}'}
type RegexSpec struct {
	// Pattern is a Go (RE2) regular expression, searched for in the answer.
	Pattern string `yaml:"pattern"`
}

// Build compiles the pattern.
func (s *RegexSpec) Build(env Env) (Metric, error) {
	if s.Pattern == "" {
		return nil, pipeline.Errorf("pattern", "missing: a regular expression, e.g. `pattern: 'POL-\\d{4}'`")
	}
	re, err := regexp.Compile(s.Pattern)
	if err != nil {
		return nil, pipeline.Errorf("pattern", "invalid regular expression: %v", err)
	}
	return newTextShare(env.Name, "regex_match", false, func(_ Observation, text string) bool {
		return re.MatchString(text)
	}), nil
}

// RougeL is the ROUGE-L F-measure of a candidate against a reference: with
// L the length of their longest common subsequence of tokens, P = L/|cand|,
// R = L/|ref| and F = 2PR/(P+R); 0 when either is empty. Tokens are runs of
// lower-cased letters and digits, as rouge-score's tokenizer (which keeps
// only ASCII a–z and 0–9) without stemming.
func RougeL(candidate, reference string) float64 {
	c, r := tokens(candidate), tokens(reference)
	if len(c) == 0 || len(r) == 0 {
		return 0
	}
	prev, cur := make([]int, len(r)+1), make([]int, len(r)+1)
	for i := range c {
		for j := range r {
			if c[i] == r[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(cur[j], prev[j+1])
			}
		}
		prev, cur = cur, prev
	}
	l := float64(prev[len(r)])
	if l == 0 {
		return 0
	}
	p, rec := l/float64(len(c)), l/float64(len(r))
	return 2 * p * rec / (p + rec)
}

func tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// FieldsSpec configures field_precision and field_recall. The true fields
// come from `fields:` (output field → dataset column) or, without it, from
// the label column holding a JSON object:
//
//   - {name: field_recall, type: field_recall, fields: {invoice_number: inv_no, total: amount}}
type FieldsSpec struct {
	// Fields maps an output field to the dataset column holding its truth.
	Fields map[string]string `yaml:"fields"`
	recall bool
}

// Build checks the columns.
func (s *FieldsSpec) Build(env Env) (Metric, error) {
	var errs pipeline.FieldErrors
	names := make([]string, 0, len(s.Fields))
	for f, col := range s.Fields {
		if !env.HasColumn(col) {
			errs = append(errs, columnError(env, "fields."+f, col))
		}
		names = append(names, f)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	sort.Strings(names)
	mapping := s.Fields
	typ := "field_precision"
	if s.recall {
		typ = "field_recall"
	}
	m := &rowMetric{name: env.Name, typ: typ, width: 3}
	m.row = fieldsRow(mapping, names)
	recall := s.recall
	m.value = func(rows iter.Seq[[]float64]) float64 {
		correct, extracted, truth := 0.0, 0.0, 0.0
		for r := range rows {
			correct += r[0]
			extracted += r[1]
			truth += r[2]
		}
		if recall {
			return ratio(correct, truth)
		}
		return ratio(correct, extracted)
	}
	return m.build(), nil
}

// fieldsRow is the row function of field_precision and field_recall: the
// fields extracted right, the fields extracted and the true fields of a
// record (empty values do not count). With a mapping, the truth comes from
// the mapped columns (names are its fields, sorted) and only the mapped
// output fields count; without one, from the label holding a JSON object.
func fieldsRow(mapping map[string]string, names []string) func(o Observation, r []float64) string {
	return func(o Observation, r []float64) string {
		var truth map[string]any
		if len(mapping) > 0 {
			truth = make(map[string]any, len(mapping))
			for _, f := range names {
				truth[f] = o.Record.Fields[mapping[f]]
			}
		} else {
			if o.Truth == "" {
				return "no label"
			}
			if err := json.Unmarshal([]byte(o.Truth), &truth); err != nil {
				return "label is not a JSON object"
			}
		}
		pred := outputFields(o)
		if len(mapping) > 0 {
			for f := range pred {
				if _, ok := mapping[f]; !ok {
					delete(pred, f)
				}
			}
		}
		for f, v := range truth {
			if fieldText(v) == "" {
				continue
			}
			r[2]++
			if fieldText(pred[f]) == fieldText(v) {
				r[0]++
			}
		}
		for _, v := range pred {
			if fieldText(v) != "" {
				r[1]++
			}
		}
		return ""
	}
}

// outputFields returns a copy of the output's fields, parsed from the text
// when the pipeline gave none; nil for a failed prediction.
func outputFields(o Observation) map[string]any {
	if o.Pred.Failed() {
		return nil
	}
	out := map[string]any{}
	if o.Pred.Output.Fields != nil {
		for k, v := range o.Pred.Output.Fields {
			out[k] = v
		}
		return out
	}
	raw := o.Pred.Output.Text
	if raw == "" {
		raw = o.Pred.Output.Raw
	}
	_ = json.Unmarshal([]byte(strings.TrimSpace(raw)), &out)
	return out
}

// fieldText is a field value in normalised text form for comparison.
func fieldText(v any) string {
	switch v.(type) {
	case map[string]any, []any:
		b, _ := json.Marshal(v)
		return string(b)
	}
	return normalise(datasets.FormatValue(v))
}
