package httpmodel

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"text/template"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
	"github.com/poc-harness/poc/pipeline/remote"
)

func init() {
	pipeline.Register("http", func() pipeline.Spec { return new(Spec) })
}

// DefaultExpectedLatency is the planning latency when `expected_latency:` is
// not set.
const DefaultExpectedLatency = time.Second

// maxResponse bounds the response body read.
const maxResponse = 32 << 20

// baseBackoff overrides remote's default first backoff; tests shorten it.
var baseBackoff time.Duration

// Spec configures `type: http`. See the package documentation.
type Spec struct {
	// URL is the model endpoint (required).
	URL string `yaml:"url"`
	// Method is the HTTP method (default POST).
	Method string `yaml:"method"`
	// Headers are sent with every request; values are expanded by the
	// loader and treated as secrets.
	Headers map[string]string `yaml:"headers"`
	// Body is a mapping rendered to the JSON request body; its string
	// values are text/templates over record fields.
	Body map[string]any `yaml:"body"`
	// BodyTemplate is a text/template producing the JSON body, with a json
	// function for safe encoding; an alternative to Body.
	BodyTemplate string `yaml:"body_template"`
	// Label is the response path of the label, such as prediction.label.
	Label string `yaml:"label"`
	// Score is the response path of the score, such as prediction.score.
	Score string `yaml:"score"`
	// Threshold turns a score into a label when Label is empty: score >=
	// Threshold is the positive class, anything below it the other class of
	// a two-class label ("0" when the classes are not known).
	Threshold *float64 `yaml:"threshold"`
	// Settings are the retry and rate-limit keys shared with the other
	// remote configurations (concurrency, requests_per_minute, timeout,
	// retries, max_retry_after).
	remote.Settings `yaml:",inline"`
	// CostPerCall is the cost of one answered call.
	CostPerCall float64 `yaml:"cost_per_call"`
	// ExpectedLatency is the assumed time of one call, for planning
	// (default 1s).
	ExpectedLatency time.Duration `yaml:"expected_latency"`
}

// Build checks the configuration against env and returns the pipeline.
func (s *Spec) Build(env pipeline.Env) (pipeline.Pipeline, error) {
	var errs pipeline.FieldErrors
	p := &Pipeline{
		url:      s.URL,
		method:   strings.ToUpper(strings.TrimSpace(s.Method)),
		headers:  map[string]string{},
		cost:     s.CostPerCall,
		latency:  s.ExpectedLatency,
		cache:    env.Cache,
		privacy:  env.Privacy,
		allowed:  env.AllowedURLs,
		positive: env.Positive, negative: env.NegativeOf(cmp.Or(env.Positive, "1")),
		client: &http.Client{},
	}
	if p.method == "" {
		p.method = http.MethodPost
	}
	if p.positive == "" {
		p.positive = "1"
	}
	if p.latency == 0 {
		p.latency = DefaultExpectedLatency
	}
	checkURL(&errs, s.URL, env.AllowedURLs)
	p.compileRequest(&errs, s, env)
	p.compileResponse(&errs, s)
	s.Settings.Check(errs.Add)
	if s.CostPerCall < 0 {
		errs.Add("cost_per_call", "must not be negative")
	}
	if s.ExpectedLatency < 0 {
		errs.Add("expected_latency", "must not be negative")
	}
	if s.Threshold != nil {
		if msg := env.ThresholdProblem(p.positive); msg != "" {
			errs.Add("threshold", "%s", msg)
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	policy := s.Settings.Policy()
	policy.BaseBackoff = baseBackoff
	p.caller = remote.NewCaller(policy)
	// Every redirect hop is checked against the allow-list (or, without
	// one, the URL's origin) before the body and the headers are sent there.
	p.client.CheckRedirect = remote.RedirectPolicy(p.url, p.allowed)
	p.secrets = secretValues(p.headers)
	return p, nil
}

// checkURL validates the endpoint: an http(s) URL with a host, on the
// allow-list.
func checkURL(errs *pipeline.FieldErrors, raw string, allowed []string) {
	switch u, err := url.Parse(raw); {
	case raw == "":
		errs.Add("url", "missing: give the model endpoint, e.g. `url: https://models.internal/predict`")
	case err != nil:
		errs.Add("url", "not a URL: %v", err)
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		errs.Add("url", "%q is not an http(s) URL with a host", raw)
	case !allowedURL(raw, allowed):
		errs.Add("url", "%q is not in the allowed URLs (%s): add it to the experiment's allow-list or use an allowed endpoint", raw, strings.Join(allowed, ", "))
	}
}

// compileRequest checks the method and headers and compiles the body.
func (p *Pipeline) compileRequest(errs *pipeline.FieldErrors, s *Spec, env pipeline.Env) {
	if !validMethod(p.method) {
		errs.Add("method", "%q is not an HTTP method", s.Method)
	}
	for k, v := range s.Headers {
		if k == "" || strings.ContainsAny(k, " :\r\n") {
			errs.Add("headers", "invalid header name %q", k)
		}
		if strings.ContainsAny(v, "\r\n") {
			errs.Add("headers."+k, "value must be one line")
		}
		p.headers[k] = v
	}
	switch {
	case s.Body != nil && s.BodyTemplate != "":
		errs.Add("body_template", "give either `body:` (a mapping) or `body_template:` (raw JSON text), not both")
	case s.Body != nil:
		n, err := compileBody(s.Body, "")
		if err != nil {
			field := "body"
			var pe *pathError
			if errors.As(err, &pe) {
				field = "body." + pe.path
			}
			errs.Add(field, "%v", err)
		} else {
			p.body = n
		}
		if msg := env.ReadsLabel(bodyFields(s.Body)); msg != "" {
			errs.Add("body", "the request body %s", msg)
		}
	case s.BodyTemplate != "":
		t, err := template.New("body_template").Funcs(funcs).Option("missingkey=error").Parse(s.BodyTemplate)
		if err != nil {
			errs.Add("body_template", "template: %v", cleanTemplateErr(err))
		} else {
			p.bodyTemplate = t
			if msg := env.ReadsLabel(pipeline.TemplateFields(t)); msg != "" {
				errs.Add("body_template", "the request body %s", msg)
			}
		}
	}
}

// compileResponse parses the response paths of the label and the score.
func (p *Pipeline) compileResponse(errs *pipeline.FieldErrors, s *Spec) {
	if s.Label != "" {
		if p.labelPath, p.hasLabel = mustPath(errs, "label", s.Label); !p.hasLabel {
			p.labelPath = nil
		}
	}
	if s.Score != "" {
		p.scorePath, p.hasScore = mustPath(errs, "score", s.Score)
	}
	if s.Threshold != nil {
		if s.Score == "" {
			errs.Add("threshold", "a threshold applies to `score:`; give the response path of the score")
		}
		t := *s.Threshold
		p.threshold = &t
	}
}

func mustPath(errs *pipeline.FieldErrors, field, path string) ([]step, bool) {
	steps, err := parsePath(path)
	if err != nil {
		errs.Add(field, "%v", err)
		return nil, false
	}
	return steps, true
}

func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for _, c := range m {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// allowedURL reports whether u starts with one of the allowed base URLs, at
// a path boundary (https://api.example.com does not allow
// https://api.example.com.evil.org). An empty list allows everything.
func allowedURL(u string, allowed []string) bool {
	if len(allowed) == 0 {
		return true
	}
	for _, a := range allowed {
		if a == "" || !strings.HasPrefix(u, a) {
			continue
		}
		rest := u[len(a):]
		if rest == "" || strings.HasSuffix(a, "/") || strings.ContainsRune("/?#", rune(rest[0])) {
			return true
		}
	}
	return false
}

// secretValues lists the header values to scrub from texts, longest first;
// for "Bearer xyz" the token xyz is scrubbed on its own too.
func secretValues(headers map[string]string) []string {
	var out []string
	for _, v := range headers {
		v = strings.TrimSpace(v)
		if len(v) < 4 {
			continue
		}
		out = append(out, v)
		if _, tok, ok := strings.Cut(v, " "); ok && len(strings.TrimSpace(tok)) >= 4 {
			out = append(out, strings.TrimSpace(tok))
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// Pipeline is the HTTP model pipeline built from a Spec. It is safe for
// concurrent use.
type Pipeline struct {
	flight       remote.Flight[flightResult]
	url          string
	method       string
	headers      map[string]string
	secrets      []string
	body         node
	bodyTemplate *template.Template
	labelPath    []step
	hasLabel     bool
	scorePath    []step
	hasScore     bool
	threshold    *float64
	positive     string
	negative     string // below the threshold
	cost         float64
	latency      time.Duration
	cache        pipeline.Cache
	privacy      pipeline.Privacy
	allowed      []string
	caller       *remote.Caller
	client       *http.Client
}

var (
	_ pipeline.Pipeline     = (*Pipeline)(nil)
	_ pipeline.Estimator    = (*Pipeline)(nil)
	_ pipeline.Throughput   = (*Pipeline)(nil)
	_ pipeline.Checker      = (*Pipeline)(nil)
	_ pipeline.SecretHolder = (*Pipeline)(nil)
)

// Secrets are the configured header values, and the token of each
// "Scheme token" value on its own (pipeline.SecretHolder): they are
// scrubbed from answers before they are cached or returned, and from error
// texts.
func (p *Pipeline) Secrets() []string { return append([]string(nil), p.secrets...) }

// Estimate returns the cost of one call.
func (p *Pipeline) Estimate(datasets.Record) (pipeline.Estimate, error) {
	return pipeline.Estimate{Cost: p.cost}, nil
}

// Concurrency is the most calls in flight.
func (p *Pipeline) Concurrency() int { return p.caller.Policy().Concurrency }

// RequestsPerMinute is the client-side request limit (0 for none).
func (p *Pipeline) RequestsPerMinute() float64 { return p.caller.Policy().RequestsPerMinute }

// ExpectedLatency is the assumed time of one call.
func (p *Pipeline) ExpectedLatency() time.Duration { return p.latency }

// Endpoint is the URL the pipeline calls (pipeline.Remote).
func (p *Pipeline) Endpoint() string { return p.url }

var _ pipeline.Remote = (*Pipeline)(nil)

// Check has nothing to check at run time: the URL was checked at build.
func (p *Pipeline) Check(context.Context) error { return nil }

// cacheEntry is what the cache keeps for one answer. Raw is the response as
// received: pseudonymised when privacy is on.
type cacheEntry struct {
	Label     string  `json:"label,omitempty"`
	Score     float64 `json:"score,omitempty"`
	HasScore  bool    `json:"has_score,omitempty"`
	Raw       string  `json:"raw"`
	LatencyNS int64   `json:"latency_ns"`
}

// Predict renders the body, calls the model (or the cache) and extracts the
// output.
func (p *Pipeline) Predict(ctx context.Context, rec datasets.Record) (pipeline.Output, error) {
	var sess pipeline.PrivacySession
	if p.privacy != nil {
		sess = p.privacy.Session()
	}
	body, err := p.render(rec, sess)
	if err != nil {
		return pipeline.Output{}, fmt.Errorf("http model: render body: %w", err)
	}
	key := pipeline.CacheKey("http/v1", p.method, p.url, string(body))
	if out, ok := p.cached(key, sess); ok {
		return out, nil
	}
	// Identical requests in flight at the same time share one call.
	r, err, leader := p.flight.Do(key, func() (flightResult, error) {
		return p.callAndCache(ctx, key, body)
	})
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return pipeline.Output{}, err
		}
		return pipeline.Output{}, p.scrub(fmt.Errorf("http model %s %s: after %d attempt(s): %w", p.method, p.safeURL(), r.attempts, err))
	}
	out := p.extract(r.raw, sess)
	out.Latency = r.latency
	if r.cached {
		out.Cached = true
		return out, nil
	}
	out.Attempts = r.attempts
	out.Cost = p.cost
	if !leader {
		// The same request was in flight: its answer is shared, not paid again.
		out.Cached, out.Attempts = true, 0
	}
	return out, nil
}

// cached returns the cached answer to the request of cache key key, when
// there is a readable one.
func (p *Pipeline) cached(key string, sess pipeline.PrivacySession) (pipeline.Output, bool) {
	e, ok := pipeline.CachedJSON[cacheEntry](p.cache, key)
	if !ok {
		return pipeline.Output{}, false
	}
	out := p.extract([]byte(e.Raw), sess)
	out.Latency = time.Duration(e.LatencyNS)
	out.Cached = true
	return out, true
}

// callAndCache calls the model with body, retrying as the caller allows,
// and caches a successful answer under key. With a pipeline.LockingCache (a
// cache folder other runs may share) it first takes the key's lease and
// looks in the cache again, so that a request another process is paying
// for is paid once.
func (p *Pipeline) callAndCache(ctx context.Context, key string, body []byte) (flightResult, error) {
	var r flightResult
	e, found, unlock, err := pipeline.LeaseThenCached[cacheEntry](ctx, p.cache, key)
	if err != nil {
		return r, err
	}
	defer unlock()
	if found {
		return flightResult{raw: []byte(e.Raw), latency: time.Duration(e.LatencyNS), cached: true}, nil
	}
	attempts, err := p.caller.Do(ctx, 0, func(actx context.Context) error {
		start := time.Now()
		b, err := p.call(actx, body)
		if err != nil {
			return err
		}
		// A secret the server echoes is scrubbed before the answer is
		// cached or parsed.
		r.raw, r.latency = []byte(p.scrubText(string(b))), time.Since(start)
		return nil
	})
	r.attempts = attempts
	if err == nil && p.cache != nil {
		e := cacheEntry{Raw: string(r.raw), LatencyNS: int64(r.latency)}
		e.Label, e.Score, e.HasScore = p.pick(r.raw)
		if b, err := json.Marshal(e); err == nil {
			// A failed Put loses only the chance of a free rerun; the
			// paid answer is still returned.
			_ = p.cache.Put(key, b)
		}
	}
	return r, err
}

// flightResult is one call's answer, shared by identical requests in flight.
type flightResult struct {
	raw      []byte
	latency  time.Duration
	attempts int
	cached   bool // found in the cache once the lease was held
}

// safeURL is the URL without user info, for messages.
func (p *Pipeline) safeURL() string {
	u, err := url.Parse(p.url)
	if err != nil {
		return "(url)"
	}
	return u.Redacted()
}

// render builds the JSON body of rec, pseudonymising its string values.
func (p *Pipeline) render(rec datasets.Record, sess pipeline.PrivacySession) ([]byte, error) {
	fields := rec.Fields
	if fields == nil {
		fields = map[string]any{}
	}
	var v any
	switch {
	case p.body != nil:
		var err error
		if v, err = p.body.render(fields); err != nil {
			return nil, err
		}
	case p.bodyTemplate != nil:
		var b bytes.Buffer
		if err := p.bodyTemplate.Execute(&b, fields); err != nil {
			return nil, fmt.Errorf("body_template: %w", cleanTemplateErr(err))
		}
		var err error
		if v, err = decodeJSON(b.Bytes()); err != nil {
			return nil, fmt.Errorf("body_template did not produce JSON (%v): %s", err, clip(b.String()))
		}
	default:
		return nil, nil
	}
	if sess != nil {
		v = mapStrings(v, sess.Redact)
	}
	return encodeJSON(v)
}

// call makes one attempt.
func (p *Pipeline) call(ctx context.Context, body []byte) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, p.method, p.url, rd)
	if err != nil {
		return nil, fmt.Errorf("new request: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	for k, v := range p.headers {
		req.Header.Set(k, v)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, readErr := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if resp.StatusCode >= 400 {
		return nil, &remote.StatusError{
			Code:       resp.StatusCode,
			RetryAfter: remote.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
			Body:       string(b),
		}
	}
	if readErr != nil {
		return nil, fmt.Errorf("read response: %w", readErr)
	}
	if _, err := decodeJSON(b); err != nil {
		return nil, &remote.MalformedError{Err: fmt.Errorf("HTTP %d body is not JSON (%v): %s", resp.StatusCode, err, clip(string(b)))}
	}
	return b, nil
}

// pick extracts label and score from a response body, before restoring.
func (p *Pipeline) pick(raw []byte) (label string, score float64, hasScore bool) {
	v, err := decodeJSON(raw)
	if err != nil {
		return "", 0, false
	}
	if p.hasLabel {
		if l, ok := lookup(v, p.labelPath); ok {
			label = scalarText(l)
		}
	}
	if p.hasScore {
		if s, ok := lookup(v, p.scorePath); ok {
			score, hasScore = toFloat(s)
		}
	}
	return label, score, hasScore
}

// extract turns a response body into an Output, restoring pseudonymised
// strings. A missing or unusable label or score makes it Unparseable.
func (p *Pipeline) extract(raw []byte, sess pipeline.PrivacySession) pipeline.Output {
	restore := p.scrubText
	rawText := string(raw)
	if sess != nil {
		restore = func(s string) string { return p.scrubText(sess.Restore(s)) }
		// JSON encoders commonly escape < and >; unescaped, the tokens in
		// the raw answer can be restored (the JSON means the same).
		rawText = htmlUnescaper.Replace(rawText)
	}
	out := pipeline.Output{Raw: restore(rawText)}
	v, err := decodeJSON(raw)
	if err != nil {
		out.Unparseable = true
		return out
	}
	if m, ok := mapStrings(v, restore).(map[string]any); ok && !p.hasLabel && !p.hasScore {
		out.Fields = numbersToFloat(m).(map[string]any)
	}
	if s, ok := v.(string); ok {
		out.Text = restore(s)
	}
	if p.hasScore {
		s, ok := lookup(v, p.scorePath)
		if f, isNum := toFloat(s); ok && isNum {
			out.Score, out.HasScore = f, true
		} else {
			out.Unparseable = true
		}
	}
	if p.hasLabel {
		l, ok := lookup(v, p.labelPath)
		text := scalarText(l)
		if !ok || text == "" {
			out.Unparseable = true
		} else {
			out.Label = restore(text)
		}
	} else if out.HasScore && p.threshold != nil {
		out.Label = p.negative
		if out.Score >= *p.threshold {
			out.Label = p.positive
		}
	}
	if out.Unparseable {
		out.Label = ""
	}
	return out
}

// scalarText renders a JSON scalar in canonical form ("" for objects,
// arrays and null).
func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return datasets.FormatValue(f)
		}
		return x.String()
	case bool:
		return datasets.FormatValue(x)
	}
	return ""
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case string:
		return datasets.ToFloat(x)
	}
	return 0, false
}

// numbersToFloat converts json.Number values to float64, the type of
// numbers everywhere else in poc.
func numbersToFloat(v any) any {
	switch x := v.(type) {
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return f
		}
		return x.String()
	case map[string]any:
		for k, e := range x {
			x[k] = numbersToFloat(e)
		}
	case []any:
		for i, e := range x {
			x[i] = numbersToFloat(e)
		}
	}
	return v
}

// scrub removes header values (secrets) from an error's text.
func (p *Pipeline) scrub(err error) error {
	msg := err.Error()
	if clean := p.scrubText(msg); clean != msg {
		return &scrubbed{msg: clean}
	}
	return err
}

// scrubbed is an error whose text had secrets removed. It deliberately
// does not unwrap: the cause's text holds the secret.
type scrubbed struct {
	msg string
}

func (e *scrubbed) Error() string { return e.msg }

// scrubText removes header values (secrets) from a text.
func (p *Pipeline) scrubText(s string) string {
	return pipeline.ScrubSecrets(s, p.secrets)
}

var htmlUnescaper = strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u003C`, "<", `\u003E`, ">")

func clip(s string) string {
	const max = 200
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
