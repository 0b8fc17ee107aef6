package metrics_test

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strings"
	"sync"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/metrics/metricstest"
	"github.com/poc-harness/poc/pipeline"
	"github.com/poc-harness/poc/pipeline/llm"
	"github.com/poc-harness/poc/pipeline/llm/llmtest"
)

const judgeKey = "sk-judge-S3CRET-42"

// judgeCache is an in-memory pipeline.Cache.
type judgeCache struct {
	mu sync.Mutex
	m  map[string][]byte
}

var _ pipeline.Cache = (*judgeCache)(nil)

func (c *judgeCache) Get(key string) ([]byte, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	return v, ok, nil
}

func (c *judgeCache) Put(key string, value []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string][]byte{}
	}
	c.m[key] = append([]byte(nil), value...)
	return nil
}

var (
	gradeRE     = regexp.MustCompile(`grade (\d)`)
	answerRE    = regexp.MustCompile(`(?s)Answer to grade:\n(.*?)\n`)
	referenceRE = regexp.MustCompile(`(?s)Reference answer:\n(.*?)\n`)
)

// gradingResponder grades by rule: "grade N" in the answer is N; an answer
// containing the reference is 5; "sorry" is 1; anything else 3. "garbage"
// answers no number and "huge" answers 9 (off the scale). The repeat sent
// with seed 2 grades one point lower (one higher at 1).
func gradingResponder(req openai.ChatCompletionRequest) string {
	user := req.Messages[len(req.Messages)-1].Content
	answer, ref := "", ""
	if m := answerRE.FindStringSubmatch(user); m != nil {
		answer = strings.ToLower(m[1])
	}
	if m := referenceRE.FindStringSubmatch(user); m != nil {
		ref = strings.ToLower(m[1])
	}
	g := 3
	switch {
	case strings.Contains(answer, "garbage"):
		return "I would rather not say."
	case strings.Contains(answer, "huge"):
		return "9"
	case gradeRE.MatchString(answer):
		fmt.Sscan(gradeRE.FindStringSubmatch(answer)[1], &g)
	case ref != "" && strings.Contains(answer, ref):
		g = 5
	case strings.Contains(answer, "sorry"):
		g = 1
	}
	if req.Seed != nil && *req.Seed == 2 {
		if g > 1 {
			g--
		} else {
			g++
		}
	}
	return fmt.Sprint(g)
}

// buildJudge builds an llm_judge against srv with keys (a YAML flow
// mapping, to which the judge block is added).
func buildJudge(t *testing.T, srv *llmtest.Server, cache pipeline.Cache, keys string) metrics.Metric {
	t.Helper()
	f, ok := metrics.Lookup("llm_judge")
	if !ok {
		t.Fatal("llm_judge is not registered")
	}
	s := f()
	judge := fmt.Sprintf(`judge: {base_url: %q, model: judge-model, api_key_env: JUDGE_KEY, temperature: 0, max_tokens: 3, concurrency: 4, price: {input_per_million: 1, output_per_million: 2}}`, srv.URL)
	if err := yamlDecode("{"+judge+", "+strings.Trim(keys, "{}")+"}", s); err != nil {
		t.Fatal(err)
	}
	m, err := s.Build(judgeEnv(cache))
	if err != nil {
		t.Fatalf("build llm_judge: %v", err)
	}
	return m
}

// newGrader builds the judge's model as an llm pipeline, as the runner does.
func newGrader(r metrics.GraderRequest) (metrics.Grader, error) {
	g, err := llm.NewGrader(r.Model, r.System, r.Prompt, r.Env)
	if err != nil {
		return nil, err
	}
	return g, nil
}

func judgeEnv(cache pipeline.Cache) metrics.Env {
	return metrics.Env{Name: "helpfulness", Columns: []string{"body", "grade", "label"}, Label: "label", Cache: cache,
		NewGrader: newGrader,
		LookupEnv: func(name string) (string, bool) {
			if name == "JUDGE_KEY" {
				return judgeKey, true
			}
			return "", false
		}}
}

// answerObs is one record with an answer, its reference and an optional human grade.
func answerObs(seq int, answer, truth string, human any) metrics.Observation {
	return metrics.Observation{
		Record: datasets.Record{Seq: seq, Fields: map[string]any{"body": fmt.Sprintf("question %d", seq), "grade": human, "label": truth}},
		Truth:  truth,
		Pred:   pipeline.Prediction{Seq: seq, Output: pipeline.Output{Text: answer}},
	}
}

func TestJudgeGradesAndCaches(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithResponder(gradingResponder))
	cache := &judgeCache{}
	m := buildJudge(t, srv, cache, `{rubric: "The answer solves the problem.", question: body}`)
	failed := answerObs(3, "", "refund", nil)
	failed.Pred.Err = "timeout"
	obs := []metrics.Observation{
		answerObs(0, "Your refund was issued", "refund", nil), // 5 → 1
		answerObs(1, "sorry, I cannot help", "refund", nil),   // 1 → 0
		answerObs(2, "please wait", "refund", nil),            // 3 → 0.5
		failed,                                 // unanswered → 0, no call
		answerObs(4, "garbage", "refund", nil), // no number: left out
		answerObs(5, "huge", "refund", nil),    // off the scale: left out
		answerObs(6, "the reset link is sent", "reset", nil), // 5 → 1
		answerObs(7, "  ", "reset", nil),                     // empty → 0, no call
	}
	acc := m.New()
	for _, o := range obs {
		acc.Add(o)
	}
	if n := srv.Count(); n != 0 {
		t.Fatalf("Add made %d requests; the judge must run in Result", n)
	}
	r := acc.Result()
	if want := 2.5 / 6; math.Abs(r.Value-want) > 1e-12 || r.N != 6 {
		t.Errorf("llm_judge = %v (n %d), want %v (n 6)", r.Value, r.N, want)
	}
	if n := srv.Count(); n != 6 {
		t.Errorf("judge requests = %d, want 6 (failed and empty answers are not sent)", n)
	}
	d := r.Detail.(metrics.JudgeDetail)
	if d.Judged != 4 || d.Unanswered != 2 || d.Excluded["judge answer is not a number"] != 1 ||
		d.Excluded["judge grade outside the scale"] != 1 || d.Calls != 6 || d.Cached != 0 || d.Cost <= 0 || d.Model != "judge-model" {
		t.Errorf("detail = %+v", d)
	}
	if rs := acc.(metrics.Resampler); rs.Len() != len(obs) || math.Abs(rs.ValueAt([]int{0, 0, 1})-2.0/3) > 1e-12 {
		t.Errorf("ValueAt([0 0 1]) = %v, want 2/3", rs.ValueAt([]int{0, 0, 1}))
	}
	if ev := acc.(metrics.ExtraVariance).ExtraVariance(); ev != 0 {
		t.Errorf("ExtraVariance without repeats = %v, want 0", ev)
	}

	// What the judge was sent: the rubric, the question, the answer and the
	// reference; the key only in the header.
	var req llmtest.Recorded
	for _, rq := range srv.Requests() {
		if strings.Contains(string(rq.Body), "Your refund was issued") {
			req = rq
		}
	}
	body := string(req.Body)
	for _, want := range []string{"The answer solves the problem.", "question 0", "Your refund was issued", "Reference answer:", "1 to 5"} {
		if !strings.Contains(body, want) {
			t.Errorf("judge request lacks %q: %s", want, body)
		}
	}
	if strings.Contains(body, judgeKey) || req.Header.Get("Authorization") != "Bearer "+judgeKey {
		t.Errorf("API key misplaced: header %q", req.Header.Get("Authorization"))
	}

	// A second Result, and a new accumulator over the same cache: no requests.
	acc.Result()
	again := m.New()
	for _, o := range obs {
		again.Add(o)
	}
	r2 := again.Result()
	if n := srv.Count(); n != 6 || r2.Value != r.Value {
		t.Errorf("second run: %d requests in all (want 6), value %v (want %v)", n, r2.Value, r.Value)
	}
	if d2 := r2.Detail.(metrics.JudgeDetail); d2.Cached != 6 || d2.Calls != 0 {
		t.Errorf("second run: cached %d, calls %d; want 6 and 0", d2.Cached, d2.Calls)
	}
	metricstest.Conformance(t, m, obs)
}

func TestJudgeWithoutKeyOrServer(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithResponder(gradingResponder))
	f, _ := metrics.Lookup("llm_judge")
	s := f().(*metrics.JudgeSpec)
	if err := yamlDecode(fmt.Sprintf(`{rubric: r, judge: {base_url: %q, model: m, api_key_env: MISSING_KEY, retries: 0}}`, srv.URL), s); err != nil {
		t.Fatal(err)
	}
	m, err := s.Build(judgeEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := m.(pipeline.Checker); !ok || c.Check(t.Context()) == nil || !strings.Contains(c.Check(t.Context()).Error(), "MISSING_KEY") {
		t.Errorf("Check should name the missing variable")
	}
	acc := m.New()
	acc.Add(answerObs(0, "an answer", "x", nil))
	r := acc.Result()
	d := r.Detail.(metrics.JudgeDetail)
	if !math.IsNaN(r.Value) || !strings.Contains(d.FirstError, "MISSING_KEY") || d.Excluded["judge call failed"] != 1 || srv.Count() != 0 {
		t.Errorf("without a key: value %v, detail %+v, %d requests", r.Value, d, srv.Count())
	}
}

// Judge grades J and human grades H of the agreement fixture.
var (
	agreeJudge = []int{5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 3, 3, 4, 5}
	agreeHuman = []int{5, 4, 3, 2, 1, 4, 4, 3, 1, 1, 5, 5, 3, 2, 2, 5, 3, 3, 2, 1, 3, 2, 4, 5}
)

// agreeObs has the 24 rated records and two without a rating.
func agreeObs(rated int) []metrics.Observation {
	var obs []metrics.Observation
	for i := range rated {
		obs = append(obs, answerObs(i, fmt.Sprintf("grade %d", agreeJudge[i]), "", float64(agreeHuman[i])))
	}
	obs = append(obs, answerObs(rated, "grade 2", "", nil), answerObs(rated+1, "grade 4", "", ""))
	return obs
}

func TestJudgeAgreement(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithResponder(gradingResponder))
	cache := &judgeCache{}
	const kappa = 0.6862745098039216 // cohen_kappa_score(J, H), scikit-learn 1.2.1
	tests := []struct {
		keys   string
		rated  int
		counts bool
		note   string
	}{
		{`{rubric: r, human_rating: grade}`, 24, true, ""},
		{`{rubric: r, human_rating: grade, min_agreement: 0.6}`, 24, true, ""},
		{`{rubric: r, human_rating: grade, min_agreement: 0.7}`, 24, false, "judge agreement below min_agreement: its scores do not count"},
		{`{rubric: r, human_rating: grade, min_agreement: 0.1}`, 10, false, "10 records have both"},
	}
	for _, tc := range tests {
		t.Run(tc.keys+fmt.Sprint(tc.rated), func(t *testing.T) {
			m := buildJudge(t, srv, cache, tc.keys)
			acc := m.New()
			for _, o := range agreeObs(tc.rated) {
				acc.Add(o)
			}
			r := acc.Result()
			d := r.Detail.(metrics.JudgeDetail)
			if d.Agreement == nil || d.Agreement.N != tc.rated || d.Agreement.Counts != tc.counts {
				t.Fatalf("agreement = %+v, want n %d, counts %v", d.Agreement, tc.rated, tc.counts)
			}
			if tc.rated == 24 && math.Abs(float64(d.Agreement.Kappa)-kappa) > 1e-12 {
				t.Errorf("kappa = %.17g, want %.17g", float64(d.Agreement.Kappa), kappa)
			}
			if math.IsNaN(r.Value) == tc.counts || math.IsNaN(acc.(metrics.Resampler).ValueAt([]int{0, 1})) == tc.counts {
				t.Errorf("value %v: counts should be %v", r.Value, tc.counts)
			}
			if !strings.Contains(d.Note, tc.note) || (tc.note == "") != (d.Note == "") {
				t.Errorf("note = %q, want %q", d.Note, tc.note)
			}
		})
	}
}

func TestJudgeRepeats(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithResponder(gradingResponder))
	m := buildJudge(t, srv, &judgeCache{}, `{rubric: r, repeats: 3, repeat_sample: 4}`)
	acc := m.New()
	for i := range 10 {
		acc.Add(answerObs(i, fmt.Sprintf("record %d: grade %d", i, 2+i%4), "", nil))
	}
	r := acc.Result()
	// Each sampled record is graded g, g (seed 1) and g−1 (seed 2): on the
	// normalised scale x, x, x − 1/4, whose variance (ddof 1) is 1/48.
	d := r.Detail.(metrics.JudgeDetail)
	if d.Repeats == nil || d.Repeats.Records != 4 || d.Repeats.Repeats != 3 || math.Abs(d.Repeats.NoiseVariance-1.0/48) > 1e-12 {
		t.Fatalf("repeats = %+v, want 4 records, noise 1/48", d.Repeats)
	}
	if ev := acc.(metrics.ExtraVariance).ExtraVariance(); math.Abs(ev-1.0/48/10) > 1e-15 {
		t.Errorf("ExtraVariance = %v, want 1/480", ev)
	}
	if n := srv.Count(); n != 10+4*2 {
		t.Errorf("requests = %d, want 18 (10, then 4 records twice more)", n)
	}
	seeds := map[string]int{}
	for _, rq := range srv.Requests() {
		seeds[fmt.Sprint(rq.Req.Seed != nil && *rq.Req.Seed > 0)]++
	}
	if seeds["true"] != 8 {
		t.Errorf("repeats sent with a seed: %d, want 8", seeds["true"])
	}
}

func TestJudgeBuildErrors(t *testing.T) {
	tests := []struct{ keys, field string }{
		{`{judge: {model: m}}`, "rubric"},
		{`{rubric: r, scale: [5, 1], judge: {model: m}}`, "scale"},
		{`{rubric: r, scale: [1], judge: {model: m}}`, "scale"},
		{`{rubric: r, question: nope, judge: {model: m}}`, "question"},
		{`{rubric: r, min_agreement: 0.5, judge: {model: m}}`, "min_agreement"},
		{`{rubric: r, repeats: 1, judge: {model: m}}`, "repeats"},
		{`{rubric: r, repeat_sample: 5, judge: {model: m}}`, "repeat_sample"},
		{`{rubric: r, judge: {base_url: "ftp://x"}}`, "judge.model"},
		{`{rubric: r, judge: {model: m, base_url: "ftp://x"}}`, "judge.base_url"},
		{`{rubric: r, judge: {model: m, max_retry_after: -1s}}`, "judge.max_retry_after"},
		{`{rubric: r, judge: {model: m}}`, "judge"}, // no NewGrader in the env
	}
	for _, tc := range tests {
		f, _ := metrics.Lookup("llm_judge")
		s := f()
		if err := yamlDecode(tc.keys, s); err != nil {
			t.Fatal(err)
		}
		env := judgeEnv(nil)
		if tc.field == "judge" {
			env.NewGrader = nil
		}
		_, err := s.Build(env)
		found := false
		for _, fe := range pipeline.AsFieldErrors(err) {
			found = found || fe.Field == tc.field
		}
		if !found {
			t.Errorf("%s: error %v, want one on %s", tc.keys, err, tc.field)
		}
	}
}

// TestJudgeStopsAtTheBudget gives the judge a budget that pays for some of
// its calls: the calls beyond it are not made, and the value is undefined
// with a note, never computed on the records graded before the stop. A
// cancelled run ends the judge's calls.
func TestJudgeStopsAtTheBudget(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithResponder(gradingResponder))
	m := buildJudge(t, srv, nil, `{rubric: "The answer solves the problem.", question: body}`)
	acc := m.New()
	for i := range 40 {
		acc.Add(answerObs(i, fmt.Sprintf("answer number %d, grade 4", i), "refund", nil))
	}
	// A call holds back about 110 input and 3 output tokens at 1 and 2 per
	// million: 0.0012 pays for about ten of the forty.
	m.(metrics.Payer).Pay(context.Background(), nil, metrics.NewSpendLimit(0.0012))
	r := acc.Result()
	d := r.Detail.(metrics.JudgeDetail)
	if !math.IsNaN(r.Value) || srv.Count() == 0 || srv.Count() >= 40 || d.Cost > 0.0012 || !strings.Contains(d.Note, "budget") {
		t.Errorf("value %v after %d calls costing %v (note %q); want undefined after some calls within 0.0012", r.Value, srv.Count(), d.Cost, d.Note)
	}

	cancelled := buildJudge(t, srv, nil, `{rubric: "The answer solves the problem.", question: body}`)
	acc = cancelled.New()
	for i := range 10 {
		acc.Add(answerObs(i, fmt.Sprintf("another answer %d", i), "refund", nil))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	before := srv.Count()
	cancelled.(metrics.Payer).Pay(ctx, nil, nil)
	if r := acc.Result(); !math.IsNaN(r.Value) || srv.Count() != before {
		t.Errorf("a cancelled judge made %d calls and gave %v", srv.Count()-before, r.Value)
	}
}
