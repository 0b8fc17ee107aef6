package llm

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

// output restores the answer's pseudonymised values and parses it.
func (p *LLM) output(answer string, sess pipeline.PrivacySession) pipeline.Output {
	// The key is scrubbed here too: an answer cached before keys were
	// scrubbed, or a key restored from the record, never reaches the output.
	secrets := p.Secrets()
	raw := pipeline.ScrubSecrets(answer, secrets)
	if sess != nil {
		raw = pipeline.ScrubSecrets(sess.Restore(raw), secrets)
	}
	out := pipeline.Output{Raw: raw}
	switch p.cfg.Output.Type {
	case OutputLabel:
		label, ok := p.labels.match(raw)
		out.Label, out.Unparseable = label, !ok
	case OutputNumber:
		v, ok := parseNumber(raw)
		if ok {
			out.Score, out.HasScore, out.Label = v, true, datasets.FormatValue(v)
		} else {
			out.Unparseable = true
		}
	case OutputJSON:
		fields, label, ok := p.parseJSON(raw)
		if ok {
			out.Fields, out.Label = fields, label
		} else {
			out.Unparseable = true
		}
	default:
		out.Text = raw
	}
	return out
}

// labelSet matches answers against the allowed labels.
type labelSet struct {
	labels []string
	lower  map[string]string
	words  []*regexp.Regexp
}

func newLabelSet(labels []string) *labelSet {
	ls := &labelSet{labels: labels, lower: map[string]string{}}
	for _, l := range labels {
		ls.lower[strings.ToLower(strings.TrimSpace(l))] = l
		ls.words = append(ls.words, regexp.MustCompile(`(?i)(?:^|[^\p{L}\p{N}_])`+regexp.QuoteMeta(strings.TrimSpace(l))+`(?:$|[^\p{L}\p{N}_])`))
	}
	return ls
}

// match normalises an answer into one of the labels: the answer itself
// (trimmed, unquoted, without trailing punctuation, any case), "Label: x",
// a JSON object {"label": x}, or an answer that contains exactly one label
// as a whole word. Anything else is no label: it is never guessed.
func (ls *labelSet) match(answer string) (string, bool) {
	s := strings.TrimSpace(stripFences(answer))
	if obj, ok := jsonObject(s); ok {
		for k, v := range obj {
			if strings.EqualFold(k, "label") {
				if l, ok := ls.exact(fmt.Sprint(v)); ok {
					return l, true
				}
				return "", false
			}
		}
	}
	if l, ok := ls.exact(s); ok {
		return l, true
	}
	if i := strings.Index(strings.ToLower(s), "label:"); i >= 0 {
		if l, ok := ls.exact(s[i+len("label:"):]); ok {
			return l, true
		}
	}
	// The longest labels are looked for first, and each found is blanked
	// out, so that "Credit card or prepaid card" is one label, not also
	// "Credit card".
	order := make([]int, len(ls.labels))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return len(ls.labels[order[a]]) > len(ls.labels[order[b]]) })
	text, found := answer, ""
	for _, i := range order {
		re := ls.words[i]
		if !re.MatchString(text) {
			continue
		}
		if found != "" {
			return "", false
		}
		found = ls.labels[i]
		text = re.ReplaceAllString(text, " ")
	}
	return found, found != ""
}

// exact matches a cleaned answer to a label, case-insensitively.
func (ls *labelSet) exact(s string) (string, bool) {
	l, ok := ls.lower[strings.ToLower(clean(s))]
	return l, ok
}

// clean trims spaces, quotes, backticks, emphasis and trailing punctuation.
func clean(s string) string {
	for {
		t := strings.TrimSpace(s)
		t = strings.TrimRight(t, ".,;:!?")
		t = strings.Trim(t, "\"'`*“”‘’")
		t = strings.TrimSpace(t)
		if t == s {
			return t
		}
		s = t
	}
}

var fenceRE = regexp.MustCompile("(?s)^\\s*```[A-Za-z0-9_-]*\\s*\n?(.*?)\\s*```\\s*$")

// stripFences removes a Markdown code fence around the whole answer.
func stripFences(s string) string {
	if m := fenceRE.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return s
}

// jsonObject decodes the JSON object an answer consists of, allowing text
// around it.
func jsonObject(s string) (map[string]any, bool) {
	s = strings.TrimSpace(stripFences(s))
	i, j := strings.Index(s, "{"), strings.LastIndex(s, "}")
	if i < 0 || j < i {
		return nil, false
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(s[i:j+1]), &obj); err != nil || obj == nil {
		return nil, false
	}
	return obj, true
}

var numberRE = regexp.MustCompile(`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`)

// parseNumber returns the first number in an answer.
func parseNumber(s string) (float64, bool) {
	m := numberRE.FindString(s)
	if m == "" {
		return 0, false
	}
	v, err := strconv.ParseFloat(m, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

// parseJSON decodes a json answer and checks the declared fields and types.
func (p *LLM) parseJSON(raw string) (map[string]any, string, bool) {
	obj, ok := jsonObject(raw)
	if !ok {
		return nil, "", false
	}
	for name, typ := range p.cfg.Output.Fields {
		v, present := obj[name]
		if !present || !hasType(v, typ) {
			return nil, "", false
		}
	}
	label := ""
	if lf := p.cfg.Output.LabelField; lf != "" {
		v, present := obj[lf]
		if !present || v == nil {
			return nil, "", false
		}
		label = datasets.FormatValue(v)
		if p.labels != nil {
			l, ok := p.labels.exact(label)
			if !ok {
				return nil, "", false
			}
			label = l
		}
	}
	return obj, label, true
}

func hasType(v any, typ string) bool {
	switch typ {
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == math.Trunc(f)
	case "boolean":
		_, ok := v.(bool)
		return ok
	}
	return false
}

// responseFormat builds the json_schema response format: {"label": one of
// the labels} for a label output, the declared fields for a json output.
func responseFormat(out OutputSpec) *openai.ChatCompletionResponseFormat {
	props := map[string]any{}
	var required []string
	name := "poc_answer"
	if out.Type == OutputLabel {
		name = "poc_label"
		props["label"] = map[string]any{"type": "string", "enum": out.Labels}
		required = []string{"label"}
	} else {
		for f, typ := range out.Fields {
			prop := map[string]any{"type": typ}
			if f == out.LabelField && len(out.Labels) > 0 {
				prop["enum"] = out.Labels
			}
			props[f] = prop
			required = append(required, f)
		}
		sort.Strings(required)
	}
	schema, _ := json.Marshal(map[string]any{
		"type":                 "object",
		"properties":           props,
		"required":             required,
		"additionalProperties": false,
	})
	return &openai.ChatCompletionResponseFormat{
		Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
		JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
			Name:   name,
			Schema: json.RawMessage(schema),
			Strict: true,
		},
	}
}
