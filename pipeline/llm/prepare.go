package llm

import (
	"sync"

	openai "github.com/sashabaranov/go-openai"

	"github.com/poc-harness/poc/pipeline"
)

// prepared is a record's request as Estimate made it ready. The engine
// estimates each record of a paid pipeline just before it predicts it (the
// budget's reservation), so the Predict that follows takes the request as
// it is instead of rendering, pseudonymising, hashing and looking it up in
// the cache again.
type prepared struct {
	msgs []openai.ChatCompletionMessage // pseudonymised
	key  string                         // the cache key
	// plain reports that pseudonymisation replaced nothing in the
	// messages: Predict's own session would replace, count and restore
	// nothing either (a session's Redact is deterministic, and one that
	// finds nothing leaves the session as it was), so it is not run again.
	plain   bool
	counted int         // input tokens (Estimate's count)
	entry   *cacheEntry // the cached answer, nil when there was none
}

// maxPrepared bounds the requests a preparedMemo holds: more than a replay
// has between an estimate and its Predict (the calls in flight, queued
// and dispatched: a few times a pipeline's concurrency, itself at most
// remote.MaxConcurrency). Beyond it, requests are not kept, and Predict
// makes its own.
const maxPrepared = 4096

// preparedMemo holds the requests Estimate made ready, by the record's
// rendered prompt (the last message, before pseudonymisation), until the
// Predict of the record takes them. Records with the same prompt make the
// same request, so either may take it. It is safe for concurrent use.
type preparedMemo struct {
	mu sync.Mutex
	m  map[string]*prepared
}

func (m *preparedMemo) put(prompt string, pr *prepared) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]*prepared{}
	}
	if len(m.m) < maxPrepared {
		m.m[prompt] = pr
	}
}

// take returns the request made ready for prompt and forgets it (nil when
// there is none).
func (m *preparedMemo) take(prompt string) *prepared {
	m.mu.Lock()
	defer m.mu.Unlock()
	pr, ok := m.m[prompt]
	if ok {
		delete(m.m, prompt)
	}
	return pr
}

// prepare makes the request of a record ready: its messages, pseudonymised
// in a quiet session (what an estimate redacts is never sent, and must not
// count in the manifest's replacements), its cache key, the cached answer
// when there is one, and its input tokens — those the answer was cached
// with, or counted with the model's tokenizer. It also returns the
// rendered prompt, the request's key in preparedMemo.
func (p *LLM) prepare(fields map[string]any) (*prepared, string, error) {
	msgs, err := p.messages(fields)
	if err != nil {
		return nil, "", err
	}
	prompt := msgs[len(msgs)-1].Content
	pr := &prepared{msgs: msgs, plain: true, counted: -1}
	if p.privacy != nil {
		p.redact(quietSession(p.privacy), msgs)
		pr.plain = p.fixedPlain && msgs[len(msgs)-1].Content == prompt
	}
	pr.key = p.cacheKey(msgs)
	if e, ok := pipeline.CachedJSON[cacheEntry](p.cache, pr.key); ok {
		pr.entry = &e
		if e.CountedTokens > 0 {
			pr.counted = e.CountedTokens
		}
	}
	if pr.counted < 0 {
		n, err := p.countMessages(msgs)
		if err != nil {
			return nil, "", err
		}
		pr.counted = n
	}
	return pr, prompt, nil
}

// countedIf is the count to keep with a cached answer: counted, or 0 when
// counting failed.
func countedIf(counted int, err error) int {
	if err != nil || counted < 0 {
		return 0
	}
	return counted
}
