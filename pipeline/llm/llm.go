package llm

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"text/template"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
	"github.com/poc-harness/poc/pipeline/remote"
)

// cacheVersion names the layout of cache keys and values; change it when
// either changes.
const cacheVersion = "llm/v1"

// maxBody bounds a response body read into memory.
const maxBody = 16 << 20

// LLM is the pipeline built from a Spec. It is safe for concurrent use.
type LLM struct {
	name      string
	cfg       Spec
	tmpl      *template.Template
	labels    *labelSet
	format    *openai.ChatCompletionResponseFormat
	cache     pipeline.Cache
	privacy   pipeline.Privacy
	lookupEnv func(string) (string, bool)
	keyEnv    string   // "" when no key is used
	allowed   []string // the experiment's allow-list of URLs
	caller    *remote.Caller
	transport *http.Transport

	mu     sync.Mutex
	client *openai.Client
	key    string

	tok tokens

	// fixed are the messages every record's request starts with (the
	// system message and the few-shot pairs). When pseudonymisation finds
	// nothing in them (fixedPlain), they are sent as written and are not
	// redacted again for each record: redacting them would change nothing
	// and count nothing. fixedTokens is their token count, counted once.
	fixed       []openai.ChatCompletionMessage
	fixedPlain  bool
	fixedTokens onceCount
	prefixOnce  sync.Once
	prefix      []byte    // keyPrefix
	outTokens   onceCount // expectedOutput, computed once
	// prepared holds the requests Estimate made ready, until the Predict
	// of the same record takes them.
	prepared preparedMemo

	flight remote.Flight[flightResult]

	ledger atomic.Pointer[ledgerRef] // the run's ledger of paid calls, when one is given
	ratio  atomic.Uint64             // float64 bits: the largest billed ÷ counted input tokens seen
}

// flightResult is one request's answer, shared by identical requests in
// flight; cached reports that it was found in the cache once the lease was
// held (another process had paid for it).
type flightResult struct {
	e      cacheEntry
	cached bool
}

var (
	_ pipeline.Pipeline     = (*LLM)(nil)
	_ pipeline.Estimator    = (*LLM)(nil)
	_ pipeline.Throughput   = (*LLM)(nil)
	_ pipeline.Remote       = (*LLM)(nil)
	_ pipeline.Checker      = (*LLM)(nil)
	_ pipeline.SecretHolder = (*LLM)(nil)
	_ io.Closer             = (*LLM)(nil)
)

// shot is one rendered few-shot pair.
type shot struct{ user, assistant string }

func newLLM(cfg Spec, env pipeline.Env, system string, tmpl *template.Template, shots []shot) (*LLM, error) {
	p := &LLM{
		name:      env.Name,
		cfg:       cfg,
		tmpl:      tmpl,
		cache:     env.Cache,
		privacy:   env.Privacy,
		lookupEnv: env.LookupEnv,
		keyEnv:    cfg.KeyEnv(),
		allowed:   append([]string(nil), env.AllowedURLs...),
	}
	if p.lookupEnv == nil {
		p.lookupEnv = os.LookupEnv
	}
	if len(cfg.Output.Labels) > 0 {
		p.labels = newLabelSet(cfg.Output.Labels)
	}
	if cfg.JSONSchema {
		p.format = responseFormat(cfg.Output)
	}
	p.fixed, p.fixedPlain = fixedMessages(system, shots), true
	if p.privacy != nil {
		for _, m := range p.fixed {
			if quietSession(p.privacy).Redact(m.Content) != m.Content {
				p.fixedPlain = false
			}
		}
	}
	policy := cfg.ModelSettings.Policy()
	p.caller = remote.NewCaller(policy)
	t := http.DefaultTransport.(*http.Transport).Clone()
	conns := max(policy.WithDefaults().Concurrency, 16)
	t.MaxIdleConns, t.MaxIdleConnsPerHost = 2*conns, 2*conns
	p.transport = t
	return p, nil
}

// Check reports what the run needs and planning does not: the base URL and
// the API key. The key's value never appears in the error.
func (p *LLM) Check(context.Context) error {
	if p.cfg.BaseURL == "" {
		return fmt.Errorf("pipeline %q: base_url is empty: set it to the provider's API, e.g. https://api.openai.com/v1", p.name)
	}
	_, err := p.apiKey()
	return err
}

// apiKey reads the API key from the environment.
func (p *LLM) apiKey() (string, error) {
	if p.keyEnv == "" {
		return "", nil
	}
	if v, ok := p.lookupEnv(p.keyEnv); ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v), nil
	}
	return "", fmt.Errorf("pipeline %q: set the environment variable %s (named by api_key_env) to the provider's API key", p.name, p.keyEnv)
}

// Secrets is the API key, when one is configured and set
// (pipeline.SecretHolder): it is scrubbed from answers before they are
// cached or parsed, and from error texts.
func (p *LLM) Secrets() []string {
	p.mu.Lock()
	key := p.key
	p.mu.Unlock()
	if key == "" {
		key, _ = p.apiKey()
	}
	if key == "" {
		return nil
	}
	return []string{key}
}

// chatClient returns the client, creating it on first use.
func (p *LLM) chatClient() (*openai.Client, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.client != nil {
		return p.client, nil
	}
	if p.cfg.BaseURL == "" {
		return nil, errors.New("base_url is empty")
	}
	key, err := p.apiKey()
	if err != nil {
		return nil, err
	}
	var cfg openai.ClientConfig
	if p.cfg.Provider == ProviderAzure {
		cfg = openai.DefaultAzureConfig(key, p.cfg.BaseURL)
		if p.cfg.APIVersion != "" {
			cfg.APIVersion = p.cfg.APIVersion
		}
	} else {
		cfg = openai.DefaultConfig(key)
		cfg.BaseURL = p.cfg.BaseURL
	}
	// The client makes one attempt per call; retries are the Caller's.
	// Every redirect hop is checked against the allow-list (or base_url's
	// origin) before the request body and the key are sent there.
	hc := &http.Client{Transport: p.transport, CheckRedirect: remote.RedirectPolicy(p.cfg.BaseURL, p.allowed)}
	cfg.HTTPClient = &doer{client: hc, key: key}
	p.key, p.client = key, openai.NewClientWithConfig(cfg)
	return p.client, nil
}

// Close releases idle connections.
func (p *LLM) Close() error {
	p.transport.CloseIdleConnections()
	return nil
}

// Concurrency is the most calls in flight.
func (p *LLM) Concurrency() int { return p.caller.Policy().Concurrency }

// RequestsPerMinute is the client-side request limit (0 for none).
func (p *LLM) RequestsPerMinute() float64 { return p.cfg.RequestsPerMinute }

// Endpoint is the base URL the pipeline calls (pipeline.Remote).
func (p *LLM) Endpoint() string { return p.cfg.BaseURL }

// ExpectedLatency is the assumed time of one call, for planning.
func (p *LLM) ExpectedLatency() time.Duration {
	if p.cfg.ExpectedLatency > 0 {
		return p.cfg.ExpectedLatency
	}
	return DefaultExpectedLatency
}

// cacheEntry is what the cache holds for one answer: the provider's answer
// (pseudonymised, as received) and what it took, so that a rerun reproduces
// latency, tokens and cost exactly.
type cacheEntry struct {
	Answer       string  `json:"answer"`
	InputTokens  int     `json:"input_tokens"`
	OutputTokens int     `json:"output_tokens"`
	LatencyNS    int64   `json:"latency_ns"`
	Cost         float64 `json:"cost"`
	Attempts     int     `json:"attempts"`
	Model        string  `json:"model,omitempty"`
	FinishReason string  `json:"finish_reason,omitempty"`
	// CountedTokens is the request's input tokens as the offline tokenizer
	// counts them (Estimate's count), so that an estimate of a cached
	// request need not count again; 0 in answers cached before it was kept.
	CountedTokens int `json:"counted_tokens,omitempty"`
}

// Outputs says what the model's answers become, by the output type.
func (p *LLM) Outputs() []string {
	switch p.cfg.Output.Type {
	case OutputLabel:
		return []string{pipeline.OutputLabel}
	case OutputNumber:
		return []string{pipeline.OutputLabel, pipeline.OutputScore}
	case OutputJSON:
		return []string{pipeline.OutputLabel, pipeline.OutputFields}
	}
	return []string{pipeline.OutputText}
}

// Predict renders the record's messages, pseudonymises them, answers from
// the cache or calls the API, caches the answer before parsing it, restores
// the pseudonymised values and parses the answer. A request Estimate made
// ready for the same record is taken as it is.
func (p *LLM) Predict(ctx context.Context, rec datasets.Record) (pipeline.Output, error) {
	msgs, err := p.messages(rec.Fields)
	if err != nil {
		return pipeline.Output{}, err
	}
	pr := p.prepared.take(msgs[len(msgs)-1].Content)
	var sess pipeline.PrivacySession
	if p.privacy != nil {
		sess = p.privacy.Session()
		if pr != nil && pr.plain {
			// Pseudonymisation replaces nothing in these messages: they
			// are sent as they are, and the session stays empty.
			msgs = pr.msgs
		} else {
			p.redact(sess, msgs)
		}
	}
	var key string
	counted := -1
	if pr != nil {
		key, counted = pr.key, pr.counted
	} else {
		key = p.cacheKey(msgs)
	}
	if e, ok := p.paid(key); ok {
		return p.cachedOutput(e, sess), nil
	}
	switch {
	case pr != nil && pr.entry != nil:
		return p.cachedOutput(*pr.entry, sess), nil
	case pr == nil:
		if e, ok := pipeline.CachedJSON[cacheEntry](p.cache, key); ok {
			return p.cachedOutput(e, sess), nil
		}
	}
	// (With a request made ready, the cache was looked in a moment ago;
	// fetch looks again once it holds the key's lease.)
	r, err, leader := p.flight.Do(key, func() (flightResult, error) {
		return p.fetch(ctx, key, msgs, counted)
	})
	if err != nil {
		return pipeline.Output{}, p.scrubErr(err)
	}
	if r.cached {
		return p.cachedOutput(r.e, sess), nil
	}
	e := r.e
	out := p.output(e.Answer, sess)
	out.Attempts = e.Attempts
	if !leader {
		// The same request was in flight: its answer is shared, not paid again.
		out.Cached, out.Attempts = true, 0
	}
	out.InputTokens, out.OutputTokens = e.InputTokens, e.OutputTokens
	out.Latency, out.Cost = time.Duration(e.LatencyNS), e.Cost
	return out, nil
}

// cachedOutput is the output of a cached entry: nothing called, nothing
// attempted, the recorded latency, tokens and cost.
func (p *LLM) cachedOutput(e cacheEntry, sess pipeline.PrivacySession) pipeline.Output {
	out := p.output(e.Answer, sess)
	out.Cached = true
	out.InputTokens, out.OutputTokens = e.InputTokens, e.OutputTokens
	out.Latency, out.Cost = time.Duration(e.LatencyNS), e.Cost
	return out
}

// fetch calls the API for the request of cache key key and caches the
// answer; counted is the request's input tokens when Estimate counted them
// (-1 otherwise). With a pipeline.LockingCache (a cache folder other runs
// may share) it first takes the key's lease and looks in the cache again,
// so that a request another process is paying for is paid once.
func (p *LLM) fetch(ctx context.Context, key string, msgs []openai.ChatCompletionMessage, counted int) (flightResult, error) {
	prior, found, unlock, err := pipeline.LeaseThenCached[cacheEntry](ctx, p.cache, key)
	if err != nil {
		return flightResult{}, err
	}
	defer unlock()
	if found {
		return flightResult{e: prior, cached: true}, nil
	}
	led := p.currentLedger()
	e, err := p.call(ctx, key, msgs, led, counted)
	if err != nil {
		return flightResult{}, err
	}
	b, merr := json.Marshal(e)
	if merr != nil {
		return flightResult{e: e}, nil // a cacheEntry always marshals
	}
	if led != nil {
		// The paid answer goes to the run's ledger before anything else
		// (one append, no fsync): a kill from here on does not pay for it
		// again, with or without the cache.
		led.Paid(key, e.Cost, b)
	}
	if p.cache != nil {
		// A failing cache must not cost the paid response (the cache
		// counts its failed puts; the ledger and the journal keep it).
		_ = p.cache.Put(key, b)
	}
	return flightResult{e: e}, nil
}

// ledgerRef holds the ledger an atomic.Pointer can point at.
type ledgerRef struct{ l pipeline.Ledger }

// UseLedger gives the pipeline the run's ledger of paid calls
// (pipeline.LedgerUser); nil takes it back.
func (p *LLM) UseLedger(l pipeline.Ledger) {
	if l == nil {
		p.ledger.Store(nil)
		return
	}
	p.ledger.Store(&ledgerRef{l: l})
}

func (p *LLM) currentLedger() pipeline.Ledger {
	if r := p.ledger.Load(); r != nil {
		return r.l
	}
	return nil
}

// paid returns the answer an earlier attempt of the run paid for under key.
func (p *LLM) paid(key string) (cacheEntry, bool) {
	led := p.currentLedger()
	if led == nil {
		return cacheEntry{}, false
	}
	b, ok := led.Answer(key)
	if !ok {
		return cacheEntry{}, false
	}
	var e cacheEntry
	if json.Unmarshal(b, &e) != nil {
		return cacheEntry{}, false
	}
	return e, true
}

// call asks the API for one answer through the Caller.
// Each attempt is in the ledger (led, when set) as it is sent and as it
// ends: an attempt refused with an HTTP status or never connected costs
// nothing; one that timed out or answered 200 with a body that cannot be
// read may have been charged, and counts at its most; one still in flight
// when the run stops stays open, counted the same way on resume.
func (p *LLM) call(ctx context.Context, key string, msgs []openai.ChatCompletionMessage, led pipeline.Ledger, counted int) (cacheEntry, error) {
	client, err := p.chatClient()
	if err != nil {
		return cacheEntry{}, err
	}
	req := p.request(msgs)
	var cerr error
	if counted < 0 {
		counted, cerr = p.countMessages(msgs)
	}
	tokens := 0
	if p.cfg.TokensPerMinute > 0 && cerr == nil {
		tokens = counted + p.expectedOutput()
	}
	reserve := 0.0
	if led != nil && cerr == nil {
		reserve = p.bound(counted)
	}
	var (
		resp  openai.ChatCompletionResponse
		first time.Time
	)
	attempts, err := p.caller.Do(ctx, tokens, func(actx context.Context) error {
		if first.IsZero() {
			first = time.Now()
		}
		if led != nil {
			led.Sent(key, reserve)
		}
		r, err := client.CreateChatCompletion(actx, req)
		if err == nil && len(r.Choices) == 0 {
			err = &remote.MalformedError{Err: errors.New("the response has no choices")}
		}
		if err != nil {
			err = classify(err)
			if led != nil {
				endAttempt(ctx, actx, led, key, reserve, err)
			}
			return err
		}
		resp = r
		return nil
	})
	if err == nil && cerr == nil {
		p.calibrate(counted, resp.Usage.PromptTokens)
	}
	if err != nil {
		if attempts > 1 {
			return cacheEntry{}, fmt.Errorf("call model %q (%d attempts): %w", p.cfg.Model, attempts, err)
		}
		return cacheEntry{}, fmt.Errorf("call model %q: %w", p.cfg.Model, err)
	}
	in, out := resp.Usage.PromptTokens, resp.Usage.CompletionTokens
	// A key the server echoes is scrubbed before the answer is cached,
	// parsed or returned.
	secrets := p.Secrets()
	return cacheEntry{
		Answer:        pipeline.ScrubSecrets(resp.Choices[0].Message.Content, secrets),
		InputTokens:   in,
		OutputTokens:  out,
		LatencyNS:     int64(time.Since(first)),
		Cost:          p.cost(in, out),
		Attempts:      attempts,
		Model:         pipeline.ScrubSecrets(resp.Model, secrets),
		FinishReason:  pipeline.ScrubSecrets(string(resp.Choices[0].FinishReason), secrets),
		CountedTokens: countedIf(counted, cerr),
	}, nil
}

// endAttempt records in the ledger how a failed attempt ended: still open
// when the run stopped (ctx done: it may have been charged), charged at its
// most when it timed out or answered 200 with a body that cannot be read,
// and free when the server refused it with a status or was never reached.
func endAttempt(ctx, actx context.Context, led pipeline.Ledger, key string, reserve float64, err error) {
	var me *remote.MalformedError
	switch {
	case ctx.Err() != nil:
	case errors.As(err, &me), actx.Err() == context.DeadlineExceeded:
		led.Paid(key, reserve, nil)
	default:
		led.Failed(key)
	}
}

func (p *LLM) cost(in, out int) float64 {
	return float64(in)/1e6*p.cfg.Price.InputPerMillion + float64(out)/1e6*p.cfg.Price.OutputPerMillion
}

// request builds the chat-completion request.
func (p *LLM) request(msgs []openai.ChatCompletionMessage) openai.ChatCompletionRequest {
	req := openai.ChatCompletionRequest{
		Model:          p.cfg.Model,
		Messages:       msgs,
		Seed:           p.cfg.Seed,
		ResponseFormat: p.format,
	}
	if reasoningModel(p.cfg.Model) {
		req.MaxCompletionTokens = p.cfg.MaxTokens
	} else {
		req.MaxTokens = p.cfg.MaxTokens
		if t := p.cfg.Temperature; t != nil {
			req.Temperature = float32(*t)
			if *t == 0 {
				// go-openai omits a zero temperature; the provider's default
				// is 1. The smallest float32 is sent, which is 0 in effect.
				req.Temperature = math.SmallestNonzeroFloat32
			}
		}
	}
	return req
}

// reasoningModel reports models that take max_completion_tokens and a fixed
// temperature.
func reasoningModel(model string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5"} {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return false
}

// cacheKey derives the key from everything that determines the answer; the
// messages are the pseudonymised ones, and the API key is never a part.
//
// When the fixed messages are sent as written, the encoding of everything
// before the record's message is the same for every record: it is made
// once (keyPrefix), and each key hashes it with the record's message —
// the bytes pipeline.CacheKey would hash.
func (p *LLM) cacheKey(msgs []openai.ChatCompletionMessage) string {
	if p.fixedPlain && len(msgs) == len(p.fixed)+1 {
		prefix := p.keyPrefix()
		last, err := json.Marshal(keyMessage{msgs[len(msgs)-1].Role, msgs[len(msgs)-1].Content})
		if prefix != nil && err == nil {
			h := sha256.New()
			h.Write(prefix)
			if len(p.fixed) > 0 {
				h.Write([]byte{','})
			}
			h.Write(last)
			h.Write([]byte("]]"))
			return hex.EncodeToString(h.Sum(nil))
		}
	}
	return pipeline.CacheKey(p.keyParts(msgs)...)
}

// keyMessage is a message as the cache key holds it.
type keyMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// keyParts are the parts of the cache key of msgs (pipeline.CacheKey).
func (p *LLM) keyParts(msgs []openai.ChatCompletionMessage) []any {
	ms := make([]keyMessage, len(msgs))
	for i, m := range msgs {
		ms[i] = keyMessage{m.Role, m.Content}
	}
	return []any{cacheVersion, p.cfg.Provider, p.cfg.BaseURL, p.cfg.Model,
		p.cfg.Temperature, p.cfg.MaxTokens, p.cfg.Seed, p.format, ms}
}

// keyPrefix is the JSON that pipeline.CacheKey hashes for the key parts
// with the fixed messages only, without its closing "]]": what the key of
// every record's request starts with. nil when it cannot be made.
func (p *LLM) keyPrefix() []byte {
	p.prefixOnce.Do(func() {
		b, err := json.Marshal(p.keyParts(p.fixed))
		if err == nil && bytes.HasSuffix(b, []byte("]]")) {
			p.prefix = b[:len(b)-2]
		}
	})
	return p.prefix
}

// messages renders the system message, the few-shot pairs and the record's
// prompt.
func (p *LLM) messages(fields map[string]any) ([]openai.ChatCompletionMessage, error) {
	user, err := render(p.tmpl, fields)
	if err != nil {
		return nil, err
	}
	msgs := make([]openai.ChatCompletionMessage, 0, len(p.fixed)+1)
	msgs = append(msgs, p.fixed...)
	return append(msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: user}), nil
}

// fixedMessages are the messages before the record's: the system message
// and the few-shot pairs.
func fixedMessages(system string, shots []shot) []openai.ChatCompletionMessage {
	var msgs []openai.ChatCompletionMessage
	if system != "" {
		msgs = append(msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleSystem, Content: system})
	}
	for _, s := range shots {
		msgs = append(msgs,
			openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: s.user},
			openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: s.assistant})
	}
	return msgs
}

// redact pseudonymises msgs (as messages renders them) in sess, in order:
// the fixed messages first, unless pseudonymisation finds nothing in them,
// then the record's.
func (p *LLM) redact(sess pipeline.PrivacySession, msgs []openai.ChatCompletionMessage) {
	from := 0
	if p.fixedPlain {
		from = len(p.fixed)
	}
	for i := from; i < len(msgs); i++ {
		msgs[i].Content = sess.Redact(msgs[i].Content)
	}
}

// quietSession is a session that pseudonymises without counting in the
// manifest's replacements, where the privacy offers one: for text that is
// never sent.
func quietSession(pr pipeline.Privacy) pipeline.PrivacySession {
	if q, ok := pr.(pipeline.QuietPrivacy); ok {
		return q.QuietSession()
	}
	return pr.Session()
}

// render executes the prompt over a record's fields: missing cells render
// empty, times in RFC 3339, and a field the record lacks is an error.
func render(t *template.Template, fields map[string]any) (string, error) {
	data := make(map[string]any, len(fields))
	for k, v := range fields {
		switch v.(type) {
		case nil:
			data[k] = ""
		case time.Time:
			data[k] = datasets.FormatValue(v)
		default:
			data[k] = v
		}
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("render prompt: %w", err)
	}
	return b.String(), nil
}

// scrubErr hides the API key in an error's text.
func (p *LLM) scrubErr(err error) error {
	msg := err.Error()
	clean := pipeline.ScrubSecrets(msg, p.Secrets())
	if clean == msg {
		return err
	}
	return &scrubbed{msg: clean, err: err}
}

// scrubbed is an error whose text had the API key removed. Unwrap gives
// the cause for errors.Is and errors.As; its own text still holds the key.
type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

// scrub replaces the key in s.
func scrub(s, key string) string {
	return pipeline.ScrubSecrets(s, []string{key})
}

// doer is the HTTP client go-openai uses. It makes one attempt, reads the
// whole body (so that a truncated body is an error here), and turns failure
// statuses into *remote.StatusError with the Retry-After the server sent.
type doer struct {
	client *http.Client
	key    string
}

func (d *doer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &remote.StatusError{
			Code:       resp.StatusCode,
			RetryAfter: retryAfter(resp.Header),
			Body:       scrub(string(body), d.key),
		}
	}
	if rerr != nil {
		return nil, &remote.MalformedError{Err: fmt.Errorf("read response body: %w", rerr)}
	}
	if !json.Valid(body) {
		return nil, &remote.MalformedError{Err: fmt.Errorf("the response body is not JSON (%d bytes)", len(body))}
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// retryAfter reads OpenAI's retry-after-ms, then the standard Retry-After.
func retryAfter(h http.Header) time.Duration {
	if ms := h.Get("Retry-After-Ms"); ms != "" {
		if d := remote.ParseRetryAfter(ms, time.Now()); d > 0 {
			return d / 1000
		}
	}
	return remote.ParseRetryAfter(h.Get("Retry-After"), time.Now())
}

// classify maps what go-openai returns onto the remote error vocabulary.
func classify(err error) error {
	var (
		se  *remote.StatusError
		me  *remote.MalformedError
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &se), errors.As(err, &me):
		return err
	case errors.As(err, &syn), errors.As(err, &typ):
		return &remote.MalformedError{Err: err}
	}
	var ae *openai.APIError
	if errors.As(err, &ae) && ae.HTTPStatusCode > 0 {
		return &remote.StatusError{Code: ae.HTTPStatusCode, Body: ae.Message}
	}
	var re *openai.RequestError
	if errors.As(err, &re) && re.HTTPStatusCode > 0 {
		return &remote.StatusError{Code: re.HTTPStatusCode, Body: string(re.Body)}
	}
	return err
}
