package metrics

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
	"github.com/poc-harness/poc/pipeline/remote"
)

func init() {
	Register(Info{Type: "llm_judge", Doc: "mean grade of free-text answers by an LLM judge against a `rubric:` on a `scale:` (normalised to [0, 1]); the judge's agreement with `human_rating:` and its own noise (`repeats:`) in the detail",
		Accepts: []string{"text"}}, func() Spec { return new(JudgeSpec) })
}

// Defaults and thresholds of llm_judge.
const (
	// DefaultRepeatSample is the number of records judged `repeats:` times
	// when `repeat_sample:` is not given.
	DefaultRepeatSample = 50
	// MinAgreementRecords is the fewest records with both a human rating and
	// a judge grade on which `min_agreement:` can be checked.
	MinAgreementRecords = 20
)

// JudgeSpec configures an LLM-as-judge metric:
//
//   - name: helpfulness
//     type: llm_judge
//     rubric: The answer solves the customer's problem, politely and without inventing policy.
//     scale: [1, 5]
//     question: body               # optional: the input shown to the judge
//     human_rating: agent_grade    # optional: human grades of some records, on the same scale
//     min_agreement: 0.6           # optional: Cohen's kappa the judge must reach for its scores to count
//     repeats: 3                   # optional: judge a sample that many times to measure its noise
//     repeat_sample: 50
//     judge: {base_url: https://api.openai.com/v1, model: gpt-4o, temperature: 0, max_tokens: 5}
//
// The judge is an llm pipeline (see pipeline/llm), built by Env.NewGrader
// from these keys with a generated prompt and a number output, so it is
// cached, retried, rate-limited and pseudonymised like any llm pipeline, and
// its API key is read only from the variable named by api_key_env. The dataset's label,
// when there is one, is shown to the judge as the reference answer.
//
// The judge runs after the replay: Add only buffers the question, the answer
// and the reference, and the first Result calls the judge for every record,
// with the judge's own concurrency. A failed or empty answer is graded the
// scale's minimum without a call; a record the judge could not grade (a
// failed call, an answer that is not a number on the scale) is left out and
// counted in the detail.
//
// The value is the mean normalised grade (grade − min)/(max − min), in
// [0, 1], with one value per record for the bootstrap. Where records carry a
// human rating, the unweighted Cohen's kappa between the judge's and the
// humans' rounded grades is in the detail; with `min_agreement:` the value
// is NaN (a criterion on it cannot pass) unless at least 20 records have
// both and kappa reaches it. With `repeats:` a sample of `repeat_sample:`
// records is judged again (repeat r with seed: seed + r, so that each repeat
// is cached apart); the mean within-record variance of the normalised grades
// is the judge's noise, and noise / n is the accumulator's ExtraVariance.
type JudgeSpec struct {
	// Rubric is what the judge grades the answer against.
	Rubric string `yaml:"rubric"`
	// Scale is [min, max] of the grades (default [1, 5]); max is best.
	Scale []float64 `yaml:"scale"`
	// Judge holds the model's connection keys.
	Judge JudgeConnection `yaml:"judge"`
	// Question names the column shown to the judge as the question (optional).
	Question string `yaml:"question"`
	// HumanRating names a column of human grades on the same scale (optional;
	// empty cells are records without one).
	HumanRating string `yaml:"human_rating"`
	// MinAgreement is the Cohen's kappa with the human ratings below which
	// the judge's scores do not count (optional).
	MinAgreement *float64 `yaml:"min_agreement"`
	// Repeats is how many times a sample of records is judged (optional, ≥ 2).
	Repeats int `yaml:"repeats"`
	// RepeatSample is the size of that sample (default 50).
	RepeatSample int `yaml:"repeat_sample"`
}

// JudgeConnection holds the judge's keys: those of an llm pipeline's model
// (remote.ModelSettings: provider, base_url, api_key_env, api_version,
// model, temperature, max_tokens, seed, price, tokens_per_minute and the
// retry and rate-limit keys, max_retry_after among them; see
// pipeline/llm/README.md), without the prompt and output, which the metric
// writes.
type JudgeConnection struct {
	remote.ModelSettings `yaml:",inline"`
}

// Fields of the synthetic record the judge pipeline is asked about.
const (
	judgeQuestion  = "question"
	judgeAnswer    = "answer"
	judgeReference = "reference"
)

// Build checks the keys and builds the judge pipeline (one per repeat).
func (s *JudgeSpec) Build(env Env) (Metric, error) {
	var errs pipeline.FieldErrors
	if strings.TrimSpace(s.Rubric) == "" {
		errs.Add("rubric", "missing: what the judge grades the answer against, e.g. `rubric: The answer solves the customer's problem`")
	}
	lo, hi := s.scale(&errs)
	s.checkOptional(env, &errs)
	m := &judgeMetric{name: env.Name, model: s.Judge.Model, lo: lo, hi: hi, question: s.Question, human: s.HumanRating,
		reference: env.Label != "", minAgreement: s.MinAgreement, repeats: s.Repeats, sample: s.RepeatSample}
	if m.sample == 0 {
		m.sample = DefaultRepeatSample
	}
	if len(errs) == 0 {
		judges, err := s.judges(env, lo, hi, max(s.Repeats, 1))
		if err != nil {
			errs = append(errs, pipeline.AsFieldErrors(err)...)
		}
		m.judges = judges
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return m, nil
}

// scale returns the bounds of the grades, [1, 5] unless scale: gives
// others, adding to errs a scale that is not [min, max] with min below max.
func (s *JudgeSpec) scale(errs *pipeline.FieldErrors) (lo, hi float64) {
	lo, hi = 1.0, 5.0
	switch {
	case len(s.Scale) == 0:
	case len(s.Scale) != 2:
		errs.Add("scale", "must be [min, max], e.g. [1, 5], got %d numbers", len(s.Scale))
	case !(s.Scale[0] < s.Scale[1]) || math.IsInf(s.Scale[0], 0) || math.IsInf(s.Scale[1], 0):
		errs.Add("scale", "min must be below max, got [%v, %v]", s.Scale[0], s.Scale[1])
	default:
		lo, hi = s.Scale[0], s.Scale[1]
	}
	return lo, hi
}

// checkOptional adds to errs the problems with the optional keys: columns
// the dataset lacks, a min_agreement out of range or without human ratings,
// and repeats and repeat_sample that cannot measure the judge's noise.
func (s *JudgeSpec) checkOptional(env Env, errs *pipeline.FieldErrors) {
	for _, c := range []struct{ key, col string }{{"question", s.Question}, {"human_rating", s.HumanRating}} {
		if c.col != "" && !env.HasColumn(c.col) {
			*errs = append(*errs, columnError(env, c.key, c.col))
		}
	}
	if a := s.MinAgreement; a != nil && (*a < -1 || *a > 1 || math.IsNaN(*a)) {
		errs.Add("min_agreement", "is a Cohen's kappa, between -1 and 1, got %v", *a)
	}
	if s.MinAgreement != nil && s.HumanRating == "" {
		errs.Add("min_agreement", "needs `human_rating:`, the column of human grades to agree with")
	}
	if s.Repeats == 1 || s.Repeats < 0 {
		errs.Add("repeats", "must be at least 2 (the number of times a record is judged), got %d", s.Repeats)
	}
	if s.RepeatSample < 0 {
		errs.Add("repeat_sample", "must not be negative, got %d", s.RepeatSample)
	} else if s.RepeatSample > 0 && s.Repeats == 0 {
		errs.Add("repeat_sample", "applies with `repeats:` only")
	}
}

// Grader is the model behind an llm_judge: asked about the synthetic record
// {question, answer, reference}, it answers a grade (Output.Score, with
// HasScore). Env.NewGrader builds it; the llm pipeline satisfies it. Predict
// is called from up to Concurrency goroutines at once; Check reports what
// the run needs and building does not (the API key).
type Grader interface {
	pipeline.Pipeline
	pipeline.Checker
	// Concurrency is the most calls the grader takes at once.
	Concurrency() int
}

// GraderRequest is what an llm_judge asks Env.NewGrader to build: the judge
// block's model (its seed offset for a repeat), asked with System and the
// Prompt template, in Env.
type GraderRequest struct {
	// Model is the judge block's model and connection keys.
	Model remote.ModelSettings
	// System is the judge's instructions, Prompt the text/template of its
	// question over the synthetic record's fields (Env.Columns).
	System, Prompt string
	// Env is the environment to build in: the synthetic record's columns and
	// the metric's cache, pseudonymiser, allow-list and LookupEnv.
	Env pipeline.Env
}

// judges builds the judge of each repeat: the same model and prompt, the
// seed offset by the repeat's number. Problems with the judge's keys are
// returned as field errors under "judge.".
func (s *JudgeSpec) judges(env Env, lo, hi float64, repeats int) ([]Grader, error) {
	if env.NewGrader == nil {
		return nil, pipeline.Errorf("judge", "no model can be built for the judge here (metrics.Env.NewGrader is not set)")
	}
	c := s.Judge.ModelSettings
	req := GraderRequest{System: judgeSystem(s.Rubric, lo, hi), Prompt: judgePrompt(lo, hi),
		Env: pipeline.Env{Name: env.Name + " (judge)", Dir: env.Dir, Columns: []string{judgeQuestion, judgeAnswer, judgeReference},
			Cache: env.Cache, Privacy: env.Privacy, AllowedURLs: env.AllowedURLs, LookupEnv: env.LookupEnv}}
	var out []Grader
	for r := range repeats {
		req.Model = c
		if r > 0 {
			seed := r
			if c.Seed != nil {
				seed += *c.Seed
			}
			req.Model.Seed = &seed
		}
		g, err := env.NewGrader(req)
		if err != nil {
			var prefixed pipeline.FieldErrors
			for _, fe := range pipeline.AsFieldErrors(err) {
				field := "judge"
				if fe.Field != "" {
					field += "." + fe.Field
				}
				prefixed = append(prefixed, &pipeline.FieldError{Field: field, Msg: fe.Msg})
			}
			return nil, prefixed
		}
		out = append(out, g)
	}
	return out, nil
}

// judgeSystem is the judge's instructions.
func judgeSystem(rubric string, lo, hi float64) string {
	return fmt.Sprintf("You are a strict and impartial grader. Grade the answer against the rubric below, "+
		"comparing it with the reference answer when one is given, on a scale from %s (worst) to %s (best). "+
		"Reply with the grade only, a single number.\n\nRubric:\n%s", num(lo), num(hi), strings.TrimSpace(rubric))
}

// judgePrompt is the template of the judge's question, over the synthetic
// record {question, answer, reference}.
func judgePrompt(lo, hi float64) string {
	return "{{if .question}}Question:\n{{.question}}\n\n{{end}}Answer to grade:\n{{.answer}}\n" +
		"{{if .reference}}\nReference answer:\n{{.reference}}\n{{end}}" +
		"\nGrade (" + num(lo) + " to " + num(hi) + "):"
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

type judgeMetric struct {
	name, model  string
	lo, hi       float64
	question     string
	human        string
	reference    bool
	minAgreement *float64
	repeats      int
	sample       int
	judges       []Grader

	// run is what the runner gave with Pay: the context of the judge's
	// calls and the budget they may spend (nil before Pay).
	run atomic.Pointer[judgeRun]
}

// judgeRun is the run's context and budget for the judge's calls.
type judgeRun struct {
	ctx   context.Context
	limit *SpendLimit
}

var _ Payer = (*judgeMetric)(nil)

// Pay gives the judge the run's context, ledger and budget left (Payer):
// its calls end with the run, are recorded in the ledger as they happen,
// and stop before the budget would be exceeded.
func (m *judgeMetric) Pay(ctx context.Context, ledger pipeline.Ledger, budget *SpendLimit) {
	for _, j := range m.judges {
		if u, ok := j.(pipeline.LedgerUser); ok {
			u.UseLedger(ledger)
		}
	}
	m.run.Store(&judgeRun{ctx: ctx, limit: budget})
}

// errBudget is the error of a judge call the budget could not pay for.
var errBudget = errors.New("the run's budget (max_cost) cannot pay for this judge call")

var _ ExtraVariance = (*judgeAcc)(nil)

func (m *judgeMetric) Name() string         { return m.name }
func (m *judgeMetric) Direction() Direction { return HigherIsBetter }
func (m *judgeMetric) Unit() string         { return "" }
func (m *judgeMetric) New() Accumulator     { return &judgeAcc{m: m} }

// Check reports what the judge needs at run time, its base URL and API key
// (pipeline.Checker): the runner may call it before the replay.
func (m *judgeMetric) Check(ctx context.Context) error {
	if err := m.judges[0].Check(ctx); err != nil {
		return fmt.Errorf("metric %q: %w", m.name, err)
	}
	return nil
}

// Secrets are the judge model's configured secrets, its API key
// (pipeline.SecretHolder), so that whatever records the metric's texts can
// scrub them.
func (m *judgeMetric) Secrets() []string {
	var out []string
	seen := map[string]bool{}
	for _, j := range m.judges {
		h, ok := j.(pipeline.SecretHolder)
		if !ok {
			continue
		}
		for _, s := range h.Secrets() {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

var _ pipeline.SecretHolder = (*judgeMetric)(nil)

// judgeItem is one buffered record.
type judgeItem struct {
	question, answer, reference string
	human                       float64 // NaN without a rating
	unanswered                  bool    // failed or empty: graded min, not sent
}

// judgeAcc buffers the records; the judge is called once, by the first
// Result (or ValueAt, ExtraVariance) after the last Add or Merge.
type judgeAcc struct {
	m     *judgeMetric
	items []judgeItem
	done  *judgeOutcome
}

// judgeOutcome is what the judge answered for the buffered records.
type judgeOutcome struct {
	values []float64 // per record, normalised; NaN when left out
	gated  bool      // min_agreement not met: the value is NaN
	extra  float64
	detail JudgeDetail
}

// JudgeDetail is the detail of llm_judge.
type JudgeDetail struct {
	// Model is the judge's model.
	Model string `json:"model"`
	// Scale is the grades' [min, max].
	Scale [2]float64 `json:"scale"`
	// MeanGrade is the mean grade on the scale (NaN as null).
	MeanGrade Rate `json:"mean_grade"`
	// Judged is the number of records the judge graded.
	Judged int `json:"judged"`
	// Unanswered counts failed or empty answers, graded the minimum without a call.
	Unanswered int `json:"unanswered,omitempty"`
	// Excluded counts records left out by reason.
	Excluded map[string]int `json:"excluded,omitempty"`
	// FirstError is the first failed judge call's error.
	FirstError string `json:"first_error,omitempty"`
	// Calls, Cached and Cost are the judge's requests, the answers that came
	// from the cache, and what the requests cost (all repeats).
	Calls  int     `json:"calls"`
	Cached int     `json:"cached"`
	Cost   float64 `json:"cost"`
	// Agreement is the judge's agreement with the human ratings.
	Agreement *JudgeAgreement `json:"agreement,omitempty"`
	// Repeats is the judge's noise, from repeated judging.
	Repeats *JudgeRepeats `json:"repeats,omitempty"`
	// Note says why the value does not count, when it does not.
	Note string `json:"note,omitempty"`
}

// JudgeAgreement is Cohen's kappa between the judge's and the humans'
// grades, both rounded to the nearest integer, over the N records that have
// both.
type JudgeAgreement struct {
	N            int      `json:"n"`
	Kappa        Rate     `json:"kappa"`
	MinAgreement *float64 `json:"min_agreement,omitempty"`
	// Counts is false when min_agreement is set and not met.
	Counts bool `json:"counts"`
}

// JudgeRepeats is the judge's noise: Records were judged Repeats times;
// NoiseVariance is the mean within-record variance (ddof 1) of their
// normalised grades, and ExtraVariance = NoiseVariance / n, the variance it
// adds to the mean of n grades.
type JudgeRepeats struct {
	Records       int     `json:"records"`
	Repeats       int     `json:"repeats"`
	NoiseVariance float64 `json:"noise_variance"`
	ExtraVariance float64 `json:"extra_variance"`
}

// Add buffers the observation; it makes no call.
func (a *judgeAcc) Add(o Observation) {
	it := judgeItem{human: math.NaN()}
	out := o.Pred.Output
	it.answer = out.Text
	if it.answer == "" {
		it.answer = out.Raw
	}
	if it.answer == "" {
		it.answer = out.Label
	}
	it.unanswered = o.Pred.Failed() || strings.TrimSpace(it.answer) == ""
	if a.m.question != "" {
		it.question = o.Record.String(a.m.question)
	}
	if a.m.reference {
		it.reference = o.Truth
	}
	if a.m.human != "" {
		if v, ok := datasets.ToFloat(o.Record.Fields[a.m.human]); ok && !math.IsInf(v, 0) {
			it.human = v
		}
	}
	a.items = append(a.items, it)
	a.done = nil
}

// Merge appends the buffered records of another accumulator.
func (a *judgeAcc) Merge(other Accumulator) error {
	b, ok := other.(*judgeAcc)
	if !ok || b.m != a.m {
		return fmt.Errorf("merge %s: accumulator of another metric", a.m.name)
	}
	a.items = append(a.items, b.items...)
	a.done = nil
	return nil
}

// Len is the number of records added.
func (a *judgeAcc) Len() int { return len(a.items) }

// ValueAt is the mean normalised grade at positions idx; NaN when the judge
// does not reach min_agreement.
func (a *judgeAcc) ValueAt(idx []int) float64 {
	o := a.outcome()
	if o.gated {
		return math.NaN()
	}
	sum, n := 0.0, 0
	for _, i := range idx {
		if v := o.values[i]; !math.IsNaN(v) {
			sum += v
			n++
		}
	}
	return ratio(sum, float64(n))
}

// Result calls the judge (once) and returns the mean normalised grade.
func (a *judgeAcc) Result() Result {
	o := a.outcome()
	sum, n := 0.0, 0
	for _, v := range o.values {
		if !math.IsNaN(v) {
			sum += v
			n++
		}
	}
	value := ratio(sum, float64(n))
	if o.gated {
		value = math.NaN()
	}
	return Result{Value: value, N: n, Detail: o.detail}
}

// ExtraVariance is the judge's noise variance over the number of graded
// records (0 without `repeats:`).
func (a *judgeAcc) ExtraVariance() float64 { return a.outcome().extra }

func (a *judgeAcc) outcome() *judgeOutcome {
	if a.done == nil {
		ctx := context.Background()
		if r := a.m.run.Load(); r != nil {
			ctx = r.ctx
		}
		a.done = a.judge(ctx)
	}
	return a.done
}

// judgeCall is one grade asked of the judge.
type judgeCall struct {
	grade  float64 // NaN when there is none
	reason string  // why there is none
	err    error
	out    pipeline.Output
}

// gradeAll asks judge p for the grades of the records at positions idx,
// with p's concurrency.
func (a *judgeAcc) gradeAll(ctx context.Context, p Grader, idx []int) []judgeCall {
	calls := make([]judgeCall, len(idx))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(p.Concurrency(), len(idx))) {
		wg.Go(func() {
			for k := range jobs {
				calls[k] = a.grade(ctx, p, a.items[idx[k]])
			}
		})
	}
	for k := range idx {
		jobs <- k
	}
	close(jobs)
	wg.Wait()
	return calls
}

// grade asks the judge for one record's grade.
func (a *judgeAcc) grade(ctx context.Context, p Grader, it judgeItem) judgeCall {
	rec := datasets.Record{Fields: map[string]any{judgeQuestion: it.question, judgeAnswer: it.answer, judgeReference: it.reference}}
	var limit *SpendLimit
	if r := a.m.run.Load(); r != nil {
		limit = r.limit
	}
	reserved := 0.0
	if est, ok := p.(pipeline.Estimator); ok && limit != nil {
		if e, err := est.Estimate(rec); err == nil {
			reserved = e.Reserve()
		}
		if !limit.reserve(reserved) {
			return judgeCall{grade: math.NaN(), reason: "judge call not made: the budget ran out", err: errBudget}
		}
	}
	out, err := p.Predict(ctx, rec)
	paid := 0.0
	if err == nil && !out.Cached {
		paid = out.Cost
	}
	limit.settle(reserved, paid)
	switch {
	case err != nil:
		return judgeCall{grade: math.NaN(), reason: "judge call failed", err: err}
	case out.Unparseable || !out.HasScore:
		return judgeCall{grade: math.NaN(), reason: "judge answer is not a number", out: out}
	case out.Score < a.m.lo || out.Score > a.m.hi:
		return judgeCall{grade: math.NaN(), reason: "judge grade outside the scale", out: out}
	}
	return judgeCall{grade: out.Score, out: out}
}

// judge grades every buffered record, measures agreement and noise.
func (a *judgeAcc) judge(ctx context.Context) *judgeOutcome {
	m := a.m
	o := &judgeOutcome{values: make([]float64, len(a.items))}
	d := &o.detail
	d.Model, d.Scale = m.model, [2]float64{m.lo, m.hi}
	grades := a.firstPass(ctx, d)
	n := a.normalise(o, grades)
	if m.human != "" {
		d.Agreement = a.agreement(grades, d)
		o.gated = !d.Agreement.Counts
	}
	if m.repeats >= 2 {
		o.extra = a.repeat(ctx, o, grades, n, d.account)
	}
	if n := d.Excluded["judge call not made: the budget ran out"]; n > 0 {
		// Graded on part of the records only, the value could be anything:
		// undefined, so that no criterion passes on it.
		o.gated = true
		d.Note = fmt.Sprintf("the run's budget (max_cost) ran out before %d judge calls: the value is undefined; raise max_cost and run again (the answers paid for so far come from the cache)", n)
	}
	return o
}

// exclude counts a record left out of the value, by reason.
func (d *JudgeDetail) exclude(why string) {
	if d.Excluded == nil {
		d.Excluded = map[string]int{}
	}
	d.Excluded[why]++
}

// account counts a judge call: its error (the first one is kept), or its
// request or cache hit and its cost.
func (d *JudgeDetail) account(c judgeCall) {
	if c.err != nil {
		if d.FirstError == "" {
			d.FirstError = c.err.Error()
		}
		return
	}
	if c.out.Cached {
		d.Cached++
	} else {
		d.Calls++
	}
	d.Cost += c.out.Cost
}

// firstPass asks the first judge for the grade of every answered record
// and returns the raw grades by record, NaN where there is none (an
// unanswered record, or one the judge could not grade).
func (a *judgeAcc) firstPass(ctx context.Context, d *JudgeDetail) []float64 {
	var sent []int
	for i, it := range a.items {
		if it.unanswered {
			d.Unanswered++
			continue
		}
		sent = append(sent, i)
	}
	grades := make([]float64, len(a.items)) // raw grades, NaN when none
	for i := range grades {
		grades[i] = math.NaN()
	}
	for k, c := range a.gradeAll(ctx, a.m.judges[0], sent) {
		d.account(c)
		if c.reason != "" {
			d.exclude(c.reason)
			continue
		}
		grades[sent[k]] = c.grade
		d.Judged++
	}
	return grades
}

// normalise sets o.values, the grades mapped onto [0, 1] (an unanswered
// record counts as the scale's minimum), and the detail's mean grade, and
// returns the number of records that have a value.
func (a *judgeAcc) normalise(o *judgeOutcome, grades []float64) int {
	m := a.m
	span := m.hi - m.lo
	sumGrade, n := 0.0, 0
	for i, it := range a.items {
		switch {
		case it.unanswered:
			o.values[i] = 0
			sumGrade += m.lo
			n++
		case math.IsNaN(grades[i]):
			o.values[i] = math.NaN()
		default:
			o.values[i] = (grades[i] - m.lo) / span
			sumGrade += grades[i]
			n++
		}
	}
	o.detail.MeanGrade = Rate(ratio(sumGrade, float64(n)))
	return n
}

// agreement measures the judge's agreement with the human ratings on the
// records that have both. With min_agreement, the judge's scores count
// only when enough records have both and kappa reaches it; the detail's
// note says why they do not.
func (a *judgeAcc) agreement(grades []float64, d *JudgeDetail) *JudgeAgreement {
	m := a.m
	var judged, human []float64
	for i, it := range a.items {
		if !math.IsNaN(it.human) && !math.IsNaN(grades[i]) {
			judged = append(judged, math.Round(grades[i]))
			human = append(human, math.Round(it.human))
		}
	}
	ag := &JudgeAgreement{N: len(judged), Kappa: Rate(kappaOf(judged, human)), MinAgreement: m.minAgreement, Counts: true}
	if want := m.minAgreement; want != nil {
		switch k := float64(ag.Kappa); {
		case ag.N < MinAgreementRecords:
			ag.Counts = false
			d.Note = fmt.Sprintf("judge agreement cannot be checked: %d records have both a human rating and a judge grade, min_agreement needs %d; its scores do not count",
				ag.N, MinAgreementRecords)
		case math.IsNaN(k) || k < *want:
			ag.Counts = false
			d.Note = fmt.Sprintf("judge agreement below min_agreement: its scores do not count (kappa %.3f < %v on %d records)", k, *want, ag.N)
		}
	}
	return ag
}

// repeat judges a seeded sample of the graded records m.repeats times in
// all (the first grade is the main pass) and returns the extra variance.
func (a *judgeAcc) repeat(ctx context.Context, o *judgeOutcome, grades []float64, n int, account func(judgeCall)) float64 {
	m := a.m
	var graded []int
	for i, g := range grades {
		if !math.IsNaN(g) {
			graded = append(graded, i)
		}
	}
	sample := graded
	if len(graded) > m.sample {
		rng := rand.New(rand.NewPCG(1, 2))
		perm := rng.Perm(len(graded))[:m.sample]
		sort.Ints(perm)
		sample = make([]int, len(perm))
		for k, p := range perm {
			sample[k] = graded[p]
		}
	}
	runs := make([][]float64, len(sample)) // normalised grades of each sampled record
	for k, i := range sample {
		runs[k] = []float64{o.values[i]}
	}
	for _, p := range m.judges[1:] {
		for k, c := range a.gradeAll(ctx, p, sample) {
			account(c)
			if c.reason == "" {
				runs[k] = append(runs[k], (c.grade-m.lo)/(m.hi-m.lo))
			}
		}
	}
	sumVar, records := 0.0, 0
	for _, r := range runs {
		if len(r) < 2 {
			continue
		}
		sumVar += sampleVariance(r)
		records++
	}
	rep := &JudgeRepeats{Records: records, Repeats: m.repeats}
	if records > 0 && n > 0 {
		rep.NoiseVariance = sumVar / float64(records)
		rep.ExtraVariance = rep.NoiseVariance / float64(n)
	}
	o.detail.Repeats = rep
	return rep.ExtraVariance
}

// sampleVariance is the variance of xs with ddof 1.
func sampleVariance(xs []float64) float64 {
	mean := 0.0
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	ss := 0.0
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return ss / float64(len(xs)-1)
}

// kappaOf is the unweighted Cohen's kappa of two raters' grades
// (scikit-learn's cohen_kappa_score); NaN without records or when chance
// agreement is 1.
func kappaOf(a, b []float64) float64 {
	n := float64(len(a))
	if n == 0 {
		return math.NaN()
	}
	ca, cb := map[float64]float64{}, map[float64]float64{}
	agree := 0.0
	for i := range a {
		ca[a[i]]++
		cb[b[i]]++
		if a[i] == b[i] {
			agree++
		}
	}
	pe := 0.0
	for k, v := range ca {
		pe += v / n * cb[k] / n
	}
	if pe == 1 {
		return math.NaN()
	}
	return (agree/n - pe) / (1 - pe)
}
