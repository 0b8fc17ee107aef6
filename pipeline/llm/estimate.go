package llm

import (
	"fmt"
	"math"
	"strings"
	"sync"

	openai "github.com/sashabaranov/go-openai"
	"github.com/tiktoken-go/tokenizer"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

// messageOverhead is the tokens a chat message costs beyond its content.
const messageOverhead = 4

// defaultOutputTokens is assumed for an answer of unknown size.
const defaultOutputTokens = 256

// tokens counts tokens with the model's encoding, loaded on first use. The
// codec is safe for concurrent use (its vocabulary is read-only and its
// regexp2 expression is safe for concurrent use).
type tokens struct {
	once  sync.Once
	codec tokenizer.Codec
	err   error
}

// onceCount is a count computed once, on first use.
type onceCount struct {
	once sync.Once
	n    int
	err  error
}

func (o *onceCount) get(f func() (int, error)) (int, error) {
	o.once.Do(func() { o.n, o.err = f() })
	return o.n, o.err
}

// encoding returns the encoding of a model: o200k_base for the gpt-4o,
// gpt-4.1 and o-series models, cl100k_base otherwise.
func encoding(model string) tokenizer.Encoding {
	m := strings.ToLower(model)
	for _, p := range []string{"gpt-4o", "gpt-4.1", "gpt-5", "o1", "o3", "o4", "chatgpt-4o"} {
		if strings.HasPrefix(m, p) {
			return tokenizer.O200kBase
		}
	}
	return tokenizer.Cl100kBase
}

// count returns the tokens of text.
func (p *LLM) count(text string) (int, error) {
	t := &p.tok
	t.once.Do(func() {
		t.codec, t.err = tokenizer.Get(encoding(p.cfg.Model))
		if t.err != nil {
			t.err = fmt.Errorf("load the tokenizer of model %q: %w", p.cfg.Model, t.err)
		}
	})
	if t.err != nil {
		return 0, t.err
	}
	n, err := t.codec.Count(text)
	if err != nil {
		return 0, fmt.Errorf("count tokens: %w", err)
	}
	return n, nil
}

// countMessages returns the input tokens of messages (as messages renders
// them, pseudonymised): their content plus a few tokens of framing each.
// The fixed messages, sent as written, are counted once for every record.
func (p *LLM) countMessages(msgs []openai.ChatCompletionMessage) (int, error) {
	total, from := 0, 0
	if p.fixedPlain && len(msgs) > len(p.fixed) {
		n, err := p.fixedTokens.get(func() (int, error) { return p.countEach(p.fixed) })
		if err != nil {
			return 0, err
		}
		total, from = n, len(p.fixed)
	}
	n, err := p.countEach(msgs[from:])
	if err != nil {
		return 0, err
	}
	return total + n, nil
}

// countEach counts messages one by one.
func (p *LLM) countEach(msgs []openai.ChatCompletionMessage) (int, error) {
	total := 0
	for _, m := range msgs {
		n, err := p.count(m.Content)
		if err != nil {
			return 0, err
		}
		total += n + messageOverhead
	}
	return total, nil
}

// expectedOutput is the answer size assumed by Estimate:
// expected_output_tokens, else the longest label plus 2 for a label output
// (plus the JSON wrapper when json_schema is on), else max_tokens, else 256.
func (p *LLM) expectedOutput() int {
	n, _ := p.outTokens.get(func() (int, error) { return p.expectedOutputTokens(), nil })
	return n
}

func (p *LLM) expectedOutputTokens() int {
	switch {
	case p.cfg.ExpectedOutputTokens > 0:
		return p.cfg.ExpectedOutputTokens
	case p.cfg.Output.Type == OutputLabel && p.labels != nil:
		longest := 0
		for _, l := range p.labels.labels {
			if n, err := p.count(l); err == nil && n > longest {
				longest = n
			}
		}
		n := longest + 2
		if p.cfg.JSONSchema {
			n += 6 // {"label":"…"}
		}
		if p.cfg.MaxTokens > 0 {
			n = min(n, p.cfg.MaxTokens)
		}
		return n
	case p.cfg.MaxTokens > 0:
		return p.cfg.MaxTokens
	}
	return defaultOutputTokens
}

// Estimate returns the expected tokens and cost of one record without
// calling anything: the rendered (pseudonymised) messages counted with the
// model's tokenizer, and the expected answer size; with max_tokens, also
// the most the record can cost, which the budget reserves. When the
// request's answer is in the cache, the count it was cached with is taken
// instead of counting again (answers cached before counts were kept are
// counted). The request made ready here serves the Predict of the same
// record that follows (see prepared).
func (p *LLM) Estimate(rec datasets.Record) (pipeline.Estimate, error) {
	pr, raw, err := p.prepare(rec.Fields)
	if err != nil {
		return pipeline.Estimate{}, err
	}
	in := pr.counted
	p.prepared.put(raw, pr)
	out := p.expectedOutput()
	e := pipeline.Estimate{InputTokens: in, OutputTokens: out, Cost: p.cost(in, out)}
	if p.cfg.MaxTokens > 0 {
		e.MaxCost = p.bound(in)
	}
	return e, nil
}

// CostBounded reports whether a call has a most it can cost: with
// max_tokens, the answer cannot grow beyond it (pipeline.CostBounder).
func (p *LLM) CostBounded() bool { return p.cfg.MaxTokens > 0 }

// inputMargin is how much more than the offline tokenizer counts a
// provider is assumed to bill for the input before its first answer says
// (its tokenizer and framing may differ: a local model's, say).
const inputMargin = 1.25

// bound is the most a request of counted input tokens is held to cost
// against the budget: its input at the largest ratio of billed to counted
// tokens seen so far (at least inputMargin), and its answer at max_tokens
// (at the expected size when there is no max_tokens).
func (p *LLM) bound(counted int) float64 {
	in := int(math.Ceil(float64(counted) * max(inputMargin, p.inputRatio())))
	return p.cost(in, max(p.cfg.MaxTokens, p.expectedOutput()))
}

// calibrate notes the ratio of the input tokens the provider billed to
// those counted offline, so that later reservations hold.
func (p *LLM) calibrate(counted, billed int) {
	if counted <= 0 || billed <= 0 {
		return
	}
	r := float64(billed) / float64(counted)
	for {
		old := p.ratio.Load()
		if r <= math.Float64frombits(old) || p.ratio.CompareAndSwap(old, math.Float64bits(r)) {
			return
		}
	}
}

// inputRatio is the largest billed-to-counted ratio seen (0 before the
// first answer).
func (p *LLM) inputRatio() float64 { return math.Float64frombits(p.ratio.Load()) }
