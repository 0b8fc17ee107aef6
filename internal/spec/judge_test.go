package spec

import (
	"context"
	"strings"
	"testing"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
)

// fakeGrader grades every answer 3.
type fakeGrader struct{}

var _ metrics.Grader = fakeGrader{}

func (fakeGrader) Predict(context.Context, datasets.Record) (pipeline.Output, error) {
	return pipeline.Output{Score: 3, HasScore: true}, nil
}
func (fakeGrader) Check(context.Context) error { return nil }
func (fakeGrader) Concurrency() int            { return 1 }

// newFakeGrader checks the model's keys, as the llm pipeline does.
func newFakeGrader(r metrics.GraderRequest) (metrics.Grader, error) {
	var errs pipeline.FieldErrors
	r.Model.Check(errs.Add)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return fakeGrader{}, nil
}

// judgeBlock is base with its metrics replaced by an llm_judge whose judge
// block ends in extra.
func judgeBlock(extra string) string {
	good := strings.Replace(base, "POSITIVE", "1", 1)
	return strings.Replace(good, "metrics: [fake_recall, fake_latency]",
		"metrics:\n  - name: quality\n    type: llm_judge\n    rubric: The answer solves the problem.\n"+
			"    judge:\n      base_url: https://api.example.com/v1\n      model: judge-model\n"+extra, 1)
}

// TestJudgeConnectionKeys checks that an llm_judge's judge block accepts the
// keys shared by every remote pipeline (max_retry_after among them) and
// refuses a misspelt one with a did-you-mean at its line.
func TestJudgeConnectionKeys(t *testing.T) {
	opt := testOptions
	opt.NewGrader = newFakeGrader
	tests := []struct {
		name  string
		extra string
		opt   LoadOptions
		want  *want // nil: the file loads without errors
	}{
		{"max_retry_after", "      max_retry_after: 2m\n", opt, nil},
		{"all shared keys", "      concurrency: 2\n      requests_per_minute: 60\n      tokens_per_minute: 1000\n" +
			"      timeout: 10s\n      retries: 1\n      max_retry_after: 90s\n      api_key_env: JUDGE_KEY\n", opt, nil},
		{"misspelt", "      max_retry_aftr: 2m\n", opt,
			&want{19, 7, `metrics[0].judge.max_retry_aftr: unknown key "max_retry_aftr" (did you mean "max_retry_after"?)`}},
		{"negative", "      max_retry_after: -1s\n", opt,
			&want{19, 24, `metrics[0].judge.max_retry_after: must not be negative`}},
		{"no grader", "", testOptions,
			&want{17, 7, `metrics[0].judge: no model can be built for the judge here`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ds := loadInline(t, judgeBlock(tt.extra), tt.opt)
			if tt.want == nil {
				for _, d := range ds {
					if d.Severity == Error {
						t.Errorf("unexpected error: %v", d)
					}
				}
				return
			}
			if !hasDiag(ds, Error, *tt.want) {
				t.Errorf("missing error at %d:%d containing %q; got:\n%v", tt.want.line, tt.want.col, tt.want.text, ds)
			}
		})
	}
}
