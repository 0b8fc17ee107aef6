package spec

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
)

// Fake pipeline and metric types, registered under names that real packages
// will not use.

// fakePipeline satisfies pipeline.Pipeline through its embedded (nil)
// interface; tests never call Predict.
var _ pipeline.Pipeline = (*fakePipeline)(nil)

type fakePipeline struct {
	pipeline.Pipeline
	name string
}

type fakeRule struct {
	When   string `yaml:"when"`
	Output string `yaml:"output"`
}

type fakeCommon struct {
	Timeout time.Duration `yaml:"timeout"`
}

// fakeRulesSpec exercises nested structs, lists of structs, inline structs,
// maps and pointers.
type fakeRulesSpec struct {
	Rules      []fakeRule        `yaml:"rules"`
	Default    string            `yaml:"default"`
	Column     string            `yaml:"column"`
	Threshold  float64           `yaml:"threshold"`
	Headers    map[string]string `yaml:"headers"`
	Options    *fakeOptions      `yaml:"options"`
	fakeCommon `yaml:",inline"`
}

type fakeOptions struct {
	Retries int `yaml:"retries"`
}

// Build fails on a rule whose condition is "bad" and on a missing column.
func (s *fakeRulesSpec) Build(env pipeline.Env) (pipeline.Pipeline, error) {
	var errs pipeline.FieldErrors
	for i, r := range s.Rules {
		if r.When == "bad" {
			errs.Add(fmt.Sprintf("rules[%d].when", i), "cannot parse condition %q", r.When)
		}
	}
	if s.Column != "" && !env.HasColumn(s.Column) {
		errs.Add("column", "column %q is not in the dataset", s.Column)
	}
	if s.Threshold > 1 {
		errs.Add("threshold", "threshold must be at most 1")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return &fakePipeline{name: env.Name}, nil
}

// fakeConstSpec is held by value, to check value-receiver specs decode.
type fakeConstSpec struct {
	Value string `yaml:"value"`
}

func (s fakeConstSpec) Build(env pipeline.Env) (pipeline.Pipeline, error) {
	return &fakePipeline{name: env.Name + "=" + s.Value}, nil
}

type fakeMetric struct {
	name, unit string
	spec       fakeRecallSpec
}

var _ metrics.Metric = (*fakeMetric)(nil)

func (m *fakeMetric) Name() string                 { return m.name }
func (m *fakeMetric) Direction() metrics.Direction { return metrics.HigherIsBetter }
func (m *fakeMetric) Unit() string                 { return m.unit }
func (m *fakeMetric) New() metrics.Accumulator     { return nil }

type fakeRecallSpec struct {
	Weight string `yaml:"weight"`
}

func (s *fakeRecallSpec) Build(env metrics.Env) (metrics.Metric, error) {
	if s.Weight != "" && !env.HasColumn(s.Weight) {
		return nil, pipeline.Errorf("weight", "column %q is not in the dataset", s.Weight)
	}
	return &fakeMetric{name: env.Name, spec: *s}, nil
}

// fakeLatencySpec builds a metric in milliseconds, which is not a share.
type fakeLatencySpec struct{}

func (s *fakeLatencySpec) Build(env metrics.Env) (metrics.Metric, error) {
	return &fakeMetric{name: env.Name, unit: "ms"}, nil
}

// fakeInconsistentSpec builds a metric whose accumulator gives record
// outcomes without a record count: the analysis could not use it.
type fakeInconsistentSpec struct{}

func (s *fakeInconsistentSpec) Build(env metrics.Env) (metrics.Metric, error) {
	return &inconsistentMetric{fakeMetric{name: env.Name}}, nil
}

type inconsistentMetric struct{ fakeMetric }

func (m *inconsistentMetric) New() metrics.Accumulator { return &inconsistentAcc{} }

type inconsistentAcc struct{}

func (a *inconsistentAcc) Add(metrics.Observation)         {}
func (a *inconsistentAcc) Merge(metrics.Accumulator) error { return nil }
func (a *inconsistentAcc) Result() metrics.Result          { return metrics.Result{} }
func (a *inconsistentAcc) Counts() (int, int, bool)        { return 0, 0, true }
func (a *inconsistentAcc) Outcome(int) (bool, bool)        { return false, false }

func init() {
	metrics.Register(metrics.Info{Type: "fake_inconsistent", Doc: "an accumulator the analysis cannot use"},
		func() metrics.Spec { return &fakeInconsistentSpec{} })
	pipeline.Register("fake-rules", func() pipeline.Spec { return &fakeRulesSpec{} })
	pipeline.Register("fake-const", func() pipeline.Spec { return fakeConstSpec{} })
	metrics.Register(metrics.Info{Type: "fake_recall", Doc: "a fake share"}, func() metrics.Spec { return &fakeRecallSpec{} })
	metrics.Register(metrics.Info{Type: "fake_latency", Doc: "a fake latency", Direction: metrics.LowerIsBetter},
		func() metrics.Spec { return &fakeLatencySpec{} })
}

// readCSVHeader is a fake ReadColumns: the first line of a CSV file.
func readCSVHeader(path, format string) ([]string, error) {
	if format != "" && format != "csv" {
		return nil, fmt.Errorf("unsupported format %q", format)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return nil, fmt.Errorf("empty file")
	}
	return strings.Split(strings.TrimSpace(sc.Text()), ","), nil
}

// checkFilter is a fake CheckFilter: it rejects "!!".
func checkFilter(filter string, columns []string) error {
	if strings.Contains(filter, "!!") {
		return fmt.Errorf("unexpected token \"!!\"")
	}
	return nil
}

var testOptions = LoadOptions{
	ReadColumns: readCSVHeader,
	CheckFilter: checkFilter,
	LookupEnv: func(name string) (string, bool) {
		v, ok := map[string]string{
			"POC_TEST_WHO":    "risk",
			"POC_TEST_VOLUME": "1000",
			"POC_TEST_COLUMN": "model_score",
			"POC_TEST_EMPTY":  "",
		}[name]
		return v, ok
	},
}
