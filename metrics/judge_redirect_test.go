package metrics_test

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
	"github.com/poc-harness/poc/pipeline/llm/llmtest"
)

// TestJudgeRedirectRefused: the judge's server answers 307 to another
// server; the judge's request (the answer, the rubric, the API key) never
// reaches it, and the grade fails with the redirect named.
func TestJudgeRedirectRefused(t *testing.T) {
	other := llmtest.NewServer(t, llmtest.WithResponder(gradingResponder))
	from := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(from.Close)
	f, _ := metrics.Lookup("llm_judge")
	s := f().(*metrics.JudgeSpec)
	if err := yamlDecode(fmt.Sprintf(`{rubric: r, judge: {base_url: %q, model: m, api_key_env: JUDGE_KEY, retries: 2}}`, from.URL), s); err != nil {
		t.Fatal(err)
	}
	m, err := s.Build(judgeEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	acc := m.New()
	acc.Add(answerObs(0, "an answer", "x", nil))
	r := acc.Result()
	d := r.Detail.(metrics.JudgeDetail)
	if n := other.Count(); n != 0 {
		t.Fatalf("the unlisted server received %d judge requests", n)
	}
	if !math.IsNaN(r.Value) || !strings.Contains(d.FirstError, "refused redirect to "+other.URL) || strings.Contains(d.FirstError, judgeKey) {
		t.Errorf("value %v, first error %q: want NaN and the refused redirect named", r.Value, d.FirstError)
	}
}

func TestJudgeSecrets(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithResponder(gradingResponder))
	m := buildJudge(t, srv, nil, `{rubric: r, repeats: 2}`)
	h, ok := m.(pipeline.SecretHolder)
	if !ok {
		t.Fatal("llm_judge does not implement pipeline.SecretHolder")
	}
	if got := h.Secrets(); len(got) != 1 || got[0] != judgeKey {
		t.Errorf("Secrets() = %q, want the judge's API key once", got)
	}
}
