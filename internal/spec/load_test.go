package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/verdict"
	"github.com/poc-harness/poc/pipeline"
)

// want is one expected diagnostic: its position and a substring of its text.
type want struct {
	line, col int
	text      string
}

func TestBadFiles(t *testing.T) {
	tests := []struct {
		file     string
		errors   []want
		warnings []want
	}{
		{"toplevel.bad.yaml", []want{
			{3, 1, `descripton: unknown key "descripton" (did you mean "description"?)`},
		}, nil},
		{"lable.bad.yaml", []want{
			{6, 3, `dataset.label: missing required key "label"`},
			{7, 3, `dataset.lable: unknown key "lable" (did you mean "label"?)`},
		}, nil},
		{"wrongtype.bad.yaml", []want{
			{5, 20, `use_case.volume_per_year: expected an integer, got "lots"`},
		}, nil},
		{"pipelinetype.bad.yaml", []want{
			{11, 11, `pipelines[0].type: unknown pipeline type "fake-rule" (did you mean "fake-rules"?)`},
		}, nil},
		{"criterion-metric.bad.yaml", []want{
			{12, 14, `criteria[0].metric: metric "fake_recal" is not defined under metrics (did you mean "fake_recall"?)`},
			{13, 14, `(add "fake_latency" under metrics:)`},
		}, nil},
		{"limits.bad.yaml", []want{
			{14, 26, `report.bootstrap.resamples: resamples must be at most 100000`},
			{15, 21, `report.max_failure_rate: max_failure_rate is a share between 0 and 1, got 1.5`},
			{16, 16, `report.min_records: min_records must be at least 1, got 0`},
		}, nil},
		{"inconsistent-metric.bad.yaml", []want{
			{12, 5, `metrics[1]: the metric's accumulator (*spec.inconsistentAcc) is inconsistent: it gives record outcomes (Outcomes) without saying how many records it holds (Resampler)`},
		}, nil},
		{"criterion-pipeline.bad.yaml", []want{
			{14, 15, `criteria[0].pipeline: pipeline "modle" is not defined under pipelines (did you mean "model"?)`},
			{15, 18, `criteria[0].better_than: pipeline "rulez" is not defined under pipelines (did you mean "rules"?)`},
		}, nil},
		{"missingfile.bad.yaml", []want{
			{6, 9, `dataset.path: file "data/nope.csv" not found (resolved to ` +
				filepath.Join(absTestdata(t), "data", "nope.csv") + ")"},
		}, nil},
		{"column.bad.yaml", []want{
			{7, 10, `dataset.label: column "is_frad" is not in the dataset (did you mean "is_fraud"?)`},
			{8, 23, `dataset.segments[1]: column "chanel" is not in the dataset (did you mean "channel"?)`},
			{9, 37, `dataset.sample.stratify: column "contry" is not in the dataset (did you mean "country"?)`},
		}, []want{
			{11, 3, "no baseline and no criteria"},
		}},
		{"columns.bad.yaml", []want{
			{11, 14, `dataset.columns.country: unknown column type "catgory" (did you mean "category"?)`},
			{12, 5, `dataset.columns.chanel: column "chanel" is not in the dataset (did you mean "channel"?)`},
			{13, 13, `dataset.columns.amount: unknown column type "integer" (did you mean "number"?)`},
			{15, 17, `dataset.columns.created_at: expected a column type, got a list`},
			{16, 5, `dataset.columns.contry: column "contry" is not in the dataset (did you mean "country"?)`},
			{16, 13, `dataset.columns.contry: unknown column type "numbr" (did you mean "number"?)`},
			{17, 14, `dataset.columns.channel: unknown column type "money" (one of "string", "category", "number", "bool", "time")`},
		}, nil},
		// A derived column whose expression is refused is not also "not a
		// column" where the file names it, and the data is not read.
		{"derive.bad.yaml", []want{
			{9, 14, "dataset.derive.flagged: invalid expression: \"is_fraud\" == \"1\" compares two constants"},
		}, nil},
		{"columns2.bad.yaml", []want{
			{8, 12, `dataset.columns: expected a mapping of column names to types, got a list`},
		}, nil},
		{"twokinds.bad.yaml", []want{
			{12, 55, `criteria[0].at_most: at_least and at_most cannot be used in the same criterion`},
		}, nil},
		{"envunset.bad.yaml", []want{
			{5, 10, `use_case.owner: environment variable POC_TEST_UNSET_OWNER is not set`},
		}, nil},
		{"typekey.bad.yaml", []want{
			{12, 5, `pipelines[0].treshold: unknown key "treshold" (did you mean "threshold"?)`},
			{13, 14, `pipelines[0].timeout: expected a duration`},
			{16, 9, `pipelines[0].rules[0].ouput: unknown key "ouput" (did you mean "output"?)`},
		}, nil},
		{"fielderror.bad.yaml", []want{
			{12, 13, `pipelines[0].column: column "nope" is not in the dataset`},
			{16, 15, `pipelines[0].rules[1].when: cannot parse condition "bad"`},
			{19, 46, `metrics[0].weight: column "amout" is not in the dataset`},
		}, nil},
		{"several.bad.yaml", []want{
			{1, 1, `use_case: missing required key "use_case"`},
			{1, 10, `version: unsupported schema version 2`},
			{2, 7, `name: name "Card Fraud" must use lowercase letters`},
			{2, 7, `(did you mean "card-fraud"?)`},
			{6, 15, `dataset.on_bad_row: "ignore" is not a valid value for on_bad_row`},
			{7, 22, `dataset.sample.fraction: size and fraction cannot be used together`},
			{9, 3, `pipelines: no pipeline has role candidate`},
			{10, 11, `pipelines[0].role: "candiate" is not a valid value for role (did you mean "candidate"?)`},
			{12, 11, `pipelines[1].name: pipeline "model" is defined twice (first at line 9)`},
			{17, 5, `metrics[1]: metric "fake_recall" is defined twice (first at line 16)`},
			{19, 59, `criteria[0].no_worse_than: pipeline "model" cannot be compared with itself`},
			{19, 66, `criteria[0].by: by goes only with better_than (with no_worse_than, write margin)`},
			{20, 5, `criteria[1]: a criterion needs a comparison`},
			{22, 15, `report.confidence: confidence must be above 0.5 and below 1, got 1.5`},
			{23, 26, `report.bootstrap.resamples: resamples must be at least 100, got 10`},
			{24, 3, `report.confidence: key "confidence" is repeated (first at line 22)`},
		}, nil},
		{"syntax.bad.yaml", []want{
			{5, 1, `invalid YAML`},
		}, nil},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			_, err := Load(path, testOptions)
			var ds Diagnostics
			if !errors.As(err, &ds) {
				t.Fatalf("Load(%s) = %v, want Diagnostics", path, err)
			}
			// One expected entry may check several parts of one diagnostic,
			// so count distinct positions.
			if got, wantN := len(ds.Errors()), distinct(tt.errors); got != wantN {
				t.Errorf("got %d errors, want %d:\n%v", got, wantN, ds)
			}
			check := func(sev Severity, ws []want) {
				for _, w := range ws {
					if !hasDiag(ds, sev, w) {
						t.Errorf("missing %s at %d:%d containing %q; got:\n%v", sev, w.line, w.col, w.text, ds)
					}
				}
			}
			check(Error, tt.errors)
			check(Warning, tt.warnings)
			for i := 1; i < len(ds); i++ {
				if ds[i].Line < ds[i-1].Line || ds[i].Line == ds[i-1].Line && ds[i].Col < ds[i-1].Col {
					t.Errorf("diagnostics not sorted by position:\n%v", ds)
				}
			}
			for _, d := range ds {
				if !strings.HasPrefix(d.Error(), path+":") {
					t.Errorf("diagnostic %q does not start with the file name", d.Error())
				}
			}
		})
	}
	files, _ := filepath.Glob("testdata/*.bad.yaml")
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			t.Errorf("%s has no entry in the table", f)
		}
	}
}

// distinct counts the distinct positions in ws.
func distinct(ws []want) int {
	pos := map[[2]int]bool{}
	for _, w := range ws {
		pos[[2]int{w.line, w.col}] = true
	}
	return len(pos)
}

// hasDiag reports whether ds holds a diagnostic of severity sev at w's
// position whose text contains w.text.
func hasDiag(ds Diagnostics, sev Severity, w want) bool {
	for _, d := range ds {
		if d.Severity == sev && d.Line == w.line && d.Col == w.col && strings.Contains(d.Error(), w.text) {
			return true
		}
	}
	return false
}

func absTestdata(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestGoodFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/*.good.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no good files: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			exp, err := Load(f, testOptions)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if exp.Version != 1 || exp.Name == "" || len(exp.Pipelines) == 0 || len(exp.Metrics) == 0 {
				t.Errorf("incomplete experiment: %+v", exp)
			}
			for _, p := range exp.Pipelines {
				if p.Pipeline == nil || p.Spec == nil {
					t.Errorf("pipeline %q not built", p.Name)
				}
			}
			for _, m := range exp.Metrics {
				if m.Metric == nil {
					t.Errorf("metric %q not built", m.Name)
				}
			}
		})
	}
}

func TestFullExperiment(t *testing.T) {
	path := filepath.Join("testdata", "full.good.yaml")
	exp, err := Load(path, testOptions)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	src, _ := os.ReadFile(path)
	sum := sha256.Sum256(src)
	dir := absTestdata(t)

	if exp.File != filepath.Join(dir, "full.good.yaml") || exp.Dir != dir {
		t.Errorf("File, Dir = %q, %q", exp.File, exp.Dir)
	}
	if exp.Hash != hex.EncodeToString(sum[:]) {
		t.Errorf("Hash = %q", exp.Hash)
	}
	if len(exp.Warnings) != 0 {
		t.Errorf("Warnings = %v", exp.Warnings)
	}
	uc := exp.UseCase
	if uc.Owner != "Risk Operations" || uc.VolumePerYear != 12000000 || uc.Currency != "EUR" || !strings.HasPrefix(uc.Question, "Should") {
		t.Errorf("UseCase = %+v", uc)
	}
	ds := exp.Dataset
	if ds.Path != filepath.Join(dir, "data", "transactions.csv") {
		t.Errorf("Path = %q", ds.Path)
	}
	if ds.Positive != "1" || ds.Label != "is_fraud" || ds.ID != "txn_id" || ds.Time != "created_at" || ds.Format != "csv" {
		t.Errorf("Dataset = %+v", ds)
	}
	if strings.Join(ds.Segments, ",") != "country,channel" || ds.Filter != `channel != "test"` || !ds.SkipBadRows {
		t.Errorf("Dataset = %+v", ds)
	}
	if ds.Sample == nil || *ds.Sample != (Sample{Size: 50000, Seed: 7, Stratify: "is_fraud"}) {
		t.Errorf("Sample = %+v", ds.Sample)
	}
	if len(ds.Columns) != 8 {
		t.Errorf("Columns = %v", ds.Columns)
	}

	if len(exp.Pipelines) != 3 {
		t.Fatalf("Pipelines = %+v", exp.Pipelines)
	}
	rules := exp.Pipelines[0]
	if rules.Name != "rules-v12" || rules.Role != pipeline.Baseline || rules.Type != "fake-rules" ||
		rules.Description != "today's rule set" || rules.Pos != (Pos{Line: 21, Col: 5}) {
		t.Errorf("Pipelines[0] = %+v", rules)
	}
	rs := rules.Spec.(*fakeRulesSpec)
	if len(rs.Rules) != 2 || rs.Rules[1].When != "amount > 5000" || rs.Default != "0" || rs.Timeout.Seconds() != 2 || rs.Headers["X-Team"] != "risk" {
		t.Errorf("rules spec = %+v", rs)
	}
	if _, ok := rules.Config["rules"].([]any); !ok || rules.Config["default"] != 0 || rules.Config["name"] != nil {
		t.Errorf("Config = %#v", rules.Config)
	}
	if c, ok := exp.Pipelines[1].Spec.(fakeConstSpec); !ok || c.Value != "0" {
		t.Errorf("value spec = %#v", exp.Pipelines[1].Spec)
	}
	if p := exp.Pipeline("fraud-model-v3"); p == nil || p.Role != pipeline.Candidate || p.Spec.(*fakeRulesSpec).Threshold != 0.62 {
		t.Errorf("Pipeline(fraud-model-v3) = %+v", p)
	}

	if len(exp.Metrics) != 3 || exp.Metrics[1].Name != "money_caught" || exp.Metrics[1].Type != "fake_recall" ||
		exp.Metrics[1].Config["weight"] != "amount" || exp.Metrics[0].Name != "fake_recall" || exp.Metrics[0].Type != "fake_recall" {
		t.Errorf("Metrics = %+v", exp.Metrics)
	}
	if m := exp.Metric("money_caught"); m == nil || m.Metric.Name() != "money_caught" {
		t.Errorf("Metric(money_caught) = %+v", m)
	}

	wantCriteria := []verdict.Criterion{
		{Metric: "fake_recall", Pipeline: "fraud-model-v3", Kind: BetterThan, Baseline: "rules-v12", Margin: 0.05, Must: true},
		{Metric: "money_caught", Pipeline: "fraud-model-v3", Kind: AtLeast, Threshold: 0.30, Must: true, Why: "catch more money"},
		{Metric: "fake_recall", Pipeline: "fraud-model-v3", Kind: NoWorseThan, Baseline: "analysts", Margin: 0.02, Must: true},
		{Name: "fast enough", Metric: "fake_latency", Pipeline: "fraud-model-v3", Kind: AtMost, Threshold: 50},
	}
	if len(exp.Criteria) != len(wantCriteria) {
		t.Fatalf("Criteria = %+v", exp.Criteria)
	}
	for i, w := range wantCriteria {
		if got := exp.Criteria[i].Criterion; !reflect.DeepEqual(got, w) {
			t.Errorf("Criteria[%d] = %+v, want %+v", i, got, w)
		}
	}
	if exp.Criteria[0].Pos != (Pos{Line: 47, Col: 5}) {
		t.Errorf("Criteria[0].Pos = %v", exp.Criteria[0].Pos)
	}
	if s := exp.Criteria[0].String(); s != "fake_recall of fraud-model-v3 better than rules-v12 by 0.05" {
		t.Errorf("String() = %q", s)
	}
	if exp.Report != (Report{Confidence: 0.9, Resamples: 500, Seed: 3, Method: "bca", MinSegmentSize: 30, MinRecords: 30, MaxFailureRate: 0.01, Multiplicity: "holm"}) {
		t.Errorf("Report = %+v", exp.Report)
	}
}

func TestEnvExpansion(t *testing.T) {
	exp, err := Load(filepath.Join("testdata", "env.good.yaml"), testOptions)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if exp.Name != "env-default" || exp.UseCase.Question != "Does risk like it?" || exp.UseCase.VolumePerYear != 1000 {
		t.Errorf("got name %q, question %q, volume %d", exp.Name, exp.UseCase.Question, exp.UseCase.VolumePerYear)
	}
	if exp.Dataset.Filter != "amount > 0 && note != '${literal}'" {
		t.Errorf("Filter = %q", exp.Dataset.Filter)
	}
	if exp.Dataset.Path != filepath.Join(absTestdata(t), "data", "transactions.csv") {
		t.Errorf("Path = %q", exp.Dataset.Path)
	}
	p := exp.Pipelines[0]
	if p.Spec.(*fakeRulesSpec).Column != "model_score" {
		t.Errorf("expanded column = %q", p.Spec.(*fakeRulesSpec).Column)
	}
	// Config keeps the reference, so that secrets never reach a report.
	if p.Config["column"] != "${POC_TEST_COLUMN}" {
		t.Errorf("Config[column] = %#v", p.Config["column"])
	}
}

func TestExpandString(t *testing.T) {
	env := func(name string) (string, bool) {
		v, ok := map[string]string{"A": "x", "EMPTY": ""}[name]
		return v, ok
	}
	tests := []struct {
		in, out, err string
	}{
		{"plain", "plain", ""},
		{"${A}", "x", ""},
		{"a-${A}-b", "a-x-b", ""},
		{"${B:-dflt}", "dflt", ""},
		{"${EMPTY:-dflt}", "dflt", ""},
		{"${EMPTY}", "", ""},
		{"${A:-dflt}", "x", ""},
		{"$${A}", "${A}", ""},
		{"$5 and $A", "$5 and $A", ""},
		{"${B}", "", "environment variable B is not set"},
		{"${A", "", "unclosed"},
		{"${1X}", "", "invalid environment variable reference"},
	}
	for _, tt := range tests {
		out, err := expandString(tt.in, env)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("expandString(%q): %s", tt.in, err.msg)
		case tt.err != "" && (err == nil || !strings.Contains(err.msg, tt.err)):
			t.Errorf("expandString(%q) error = %v, want %q", tt.in, err, tt.err)
		case tt.err == "" && out != tt.out:
			t.Errorf("expandString(%q) = %q, want %q", tt.in, out, tt.out)
		}
	}
}

// base is a valid experiment to which tests append or substitute.
const base = `version: 1
name: inline
use_case:
  question: q?
dataset:
  path: data/transactions.csv
  label: is_fraud
  positive: POSITIVE
pipelines:
  - {name: model, role: candidate, type: fake-rules}
  - {name: rules, role: baseline, type: fake-rules}
metrics: [fake_recall, fake_latency]
`

func loadInline(t *testing.T, src string, opt LoadOptions) (*Experiment, Diagnostics) {
	t.Helper()
	exp, err := LoadBytes("inline.yaml", []byte(src), "testdata", opt)
	if err == nil {
		if len(exp.Warnings) > 0 {
			return exp, exp.Warnings
		}
		return exp, nil
	}
	var ds Diagnostics
	if !errors.As(err, &ds) {
		t.Fatalf("LoadBytes: %v", err)
	}
	return exp, ds
}

func TestPositiveCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{"true", "1"}, {"false", "0"}, {"1", "1"}, {"1.0", "1"}, {"0", "0"},
		{`"1.0"`, "1.0"}, {"fraud", "fraud"}, {"0.5", "0.5"}, {"'yes'", "yes"},
	}
	for _, tt := range tests {
		exp, ds := loadInline(t, strings.Replace(base, "POSITIVE", tt.in, 1), testOptions)
		if ds != nil {
			t.Fatalf("positive %s: %v", tt.in, ds)
		}
		if exp.Dataset.Positive != tt.want {
			t.Errorf("positive %s = %q, want %q", tt.in, exp.Dataset.Positive, tt.want)
		}
	}
	exp, _ := loadInline(t, strings.Replace(base, "  positive: POSITIVE\n", "", 1), testOptions)
	if exp.Dataset.Positive != "1" {
		t.Errorf("default positive = %q", exp.Dataset.Positive)
	}
}

func TestInlineProblems(t *testing.T) {
	good := strings.Replace(base, "POSITIVE", "1", 1)
	tests := []struct {
		name string
		src  string
		opt  LoadOptions
		sev  Severity
		w    want
	}{
		{"share threshold", good + "criteria:\n  - {metric: fake_recall, pipeline: model, at_least: 30}\n",
			testOptions, Error, want{14, 54, "fake_recall is a share between 0 and 1, so a threshold of 30 can never be crossed"}},
		{"share threshold below zero", good + "criteria:\n  - {metric: fake_recall, pipeline: model, at_most: -0.1}\n",
			testOptions, Error, want{14, 53, "fake_recall is a share between 0 and 1, so a threshold of -0.1 can never be crossed"}},
		{"share margin as a whole number", good + "criteria:\n  - {metric: fake_recall, pipeline: model, no_worse_than: rules, margin: 5}\n",
			testOptions, Error, want{14, 74, "margin 5 on fake_recall, a share: a difference of two shares lies between -1 and 1, so the criterion always holds"}},
		{"share by as a whole number", good + "criteria:\n  - {metric: fake_recall, pipeline: model, better_than: rules, by: 5}\n",
			testOptions, Error, want{14, 68, "by 5 on fake_recall, a share: a difference of two shares lies between -1 and 1, so the criterion can never pass"}},
		{"bad threshold", good + "criteria:\n  - {metric: fake_recall, pipeline: model, at_least: lots}\n",
			testOptions, Error, want{14, 54, `expected a number, a percentage such as 30% or a duration such as 50ms, got "lots"`}},
		{"margin with better_than", good + "criteria:\n  - {metric: fake_recall, pipeline: model, better_than: rules, margin: 0.1}\n",
			testOptions, Error, want{14, 64, "margin goes only with no_worse_than (with better_than, write by)"}},
		{"negative by", good + "criteria:\n  - {metric: fake_recall, pipeline: model, better_than: rules, by: -1%}\n",
			testOptions, Error, want{14, 68, "by must be 0 or more"}},
		{"filter", strings.Replace(good, "label: is_fraud", "label: is_fraud\n  filter: amount !! 3", 1),
			testOptions, Error, want{8, 11, `dataset.filter: invalid filter: unexpected token "!!"`}},
		{"read columns", strings.Replace(good, "label: is_fraud", "label: is_fraud\n  format: xlsx", 1),
			testOptions, Error, want{6, 9, `dataset.path: read columns of "data/transactions.csv": unsupported format "xlsx"`}},
		{"fraction", strings.Replace(good, "label: is_fraud", "label: is_fraud\n  sample: {fraction: 1.5}", 1),
			testOptions, Error, want{8, 22, "sample fraction must be above 0 and at most 1, got 1.5"}},
		{"no sample size", strings.Replace(good, "label: is_fraud", "label: is_fraud\n  sample: {seed: 3}", 1),
			testOptions, Error, want{8, 11, "a sample needs a size or a fraction"}},
		{"metric type", strings.Replace(good, "metrics: [fake_recall, fake_latency]", "metrics:\n  - {name: m, type: fake_recal}", 1),
			testOptions, Error, want{13, 21, `metrics[0].type: unknown metric type "fake_recal" (did you mean "fake_recall"?)`}},
		{"metric key", strings.Replace(good, "metrics: [fake_recall, fake_latency]", "metrics:\n  - {name: m, type: fake_recall, wieght: amount}", 1),
			testOptions, Error, want{13, 34, `metrics[0].wieght: unknown key "wieght" (did you mean "weight"?)`}},
		{"empty metrics", strings.Replace(good, "metrics: [fake_recall, fake_latency]", "metrics: []", 1),
			testOptions, Error, want{12, 10, "at least one metric is needed"}},
		{"bool", good + "criteria:\n  - {metric: fake_recall, pipeline: model, at_least: 0.5, must: maybe}\n",
			testOptions, Error, want{14, 65, `criteria[0].must: expected true or false, got "maybe"`}},
		{"nested type", strings.Replace(good, "type: fake-rules}\n  - {name: rules", "type: fake-rules, options: {retries: many}}\n  - {name: rules", 1),
			testOptions, Error, want{10, 73, `pipelines[0].options.retries: expected an integer, got "many"`}},
		{"list expected", strings.Replace(good, "type: fake-rules}\n  - {name: rules", "type: fake-rules, rules: {when: x}}\n  - {name: rules", 1),
			testOptions, Error, want{10, 61, `pipelines[0].rules: expected a list, got a mapping`}},
		{"field error without path", strings.Replace(good, "type: fake-rules}\n  - {name: rules", "type: fake-rules, column: absent}\n  - {name: rules", 1),
			testOptions, Error, want{10, 62, `pipelines[0].column: column "absent" is not in the dataset`}},
		{"empty file", "# nothing\n", testOptions, Error, want{1, 1, "the experiment file is empty"}},
		{"second document", strings.Replace(base, "POSITIVE", "1", 1) + "---\nname: other\n",
			testOptions, Error, want{13, 1, "a second YAML document is not allowed"}},
		{"env in type block", strings.Replace(strings.Replace(base, "POSITIVE", "1", 1),
			"type: fake-rules}\n  - {name: rules", "type: fake-rules, default: \"${POC_TEST_NOPE}\"}\n  - {name: rules", 1),
			testOptions, Error, want{10, 63, "pipelines[0].default: environment variable POC_TEST_NOPE is not set"}},
		{"not a mapping", "- a\n- b\n", testOptions, Error, want{1, 1, "expected a mapping of keys to values, got a list"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ds := loadInline(t, tt.src, tt.opt)
			if !hasDiag(ds, tt.sev, tt.w) {
				t.Errorf("missing %s at %d:%d containing %q; got:\n%v", tt.sev, tt.w.line, tt.w.col, tt.w.text, ds)
			}
		})
	}
}

func TestWarningsDoNotFail(t *testing.T) {
	exp, err := Load(filepath.Join("testdata", "minimal.good.yaml"), testOptions)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(exp.Warnings) != 1 || exp.Warnings[0].Severity != Warning || !strings.Contains(exp.Warnings[0].Msg, "no baseline") {
		t.Errorf("Warnings = %v", exp.Warnings)
	}
	if exp.UseCase.Currency != "USD" || exp.Report != (Report{Confidence: 0.95, Resamples: 2000, Seed: 1, Method: "bca", MinSegmentSize: 30, MinRecords: 30, MaxFailureRate: 0.01, Multiplicity: "holm"}) || exp.Dataset.SkipBadRows {
		t.Errorf("defaults: %+v %+v", exp.UseCase, exp.Report)
	}
}

func TestWithoutReadColumns(t *testing.T) {
	// Without ReadColumns, column references are not checked but pipelines
	// and metrics are still built.
	src := strings.Replace(base, "POSITIVE", "1", 1)
	src = strings.Replace(src, "label: is_fraud", "label: not_a_column", 1)
	exp, ds := loadInline(t, src, LoadOptions{})
	if ds != nil {
		t.Fatalf("unexpected diagnostics: %v", ds)
	}
	if exp.Pipelines[0].Pipeline == nil || exp.Metrics[0].Metric == nil || exp.Dataset.Columns != nil {
		t.Errorf("experiment = %+v", exp)
	}
}

func TestMissingExperimentFile(t *testing.T) {
	_, err := Load(filepath.Join("testdata", "absent.yaml"), testOptions)
	var ds Diagnostics
	if err == nil || errors.As(err, &ds) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(absent) = %v, want a wrapped not-exist error", err)
	}
}

func TestDiagnosticsFormat(t *testing.T) {
	src := []byte("version: 1\n\tname: x\nlabel: lable\n")
	ds := Diagnostics{
		{File: "x.yaml", Line: 3, Col: 8, Field: "label", Msg: `unknown column "lable"`, Hint: `did you mean "label"?`},
		{File: "x.yaml", Line: 2, Col: 3, Msg: "odd", Severity: Warning},
		{File: "x.yaml", Msg: "no position"},
	}
	got := ds.Format(src)
	want := `x.yaml:3:8: label: unknown column "lable" (did you mean "label"?)
    label: lable
           ^
x.yaml:2:3: warning: odd
    	name: x
    	 ^
x.yaml: no position
`
	if got != want {
		t.Errorf("Format =\n%s\nwant\n%s", got, want)
	}
	if len(ds.Errors()) != 2 || len(ds.Warnings()) != 1 {
		t.Errorf("Errors/Warnings split wrong")
	}
	if e := ds.Error(); strings.Count(e, "\n") != 2 {
		t.Errorf("Error() = %q, want one line per diagnostic", e)
	}
	ds.Sort()
	if ds[0].Line != 0 || ds[1].Line != 2 {
		t.Errorf("Sort = %v", ds)
	}
}

func TestSuggest(t *testing.T) {
	keys := []string{"path", "format", "id", "label", "positive", "time", "segments", "filter", "sample", "on_bad_row"}
	tests := []struct{ word, want string }{
		{"lable", "label"}, {"labl", "label"}, {"Label", "label"}, {"segment", "segments"},
		{"on_bad", "on_bad_row"}, {"fomrat", "format"}, {"xyzzy", ""}, {"zz", ""}, {"di", "id"},
	}
	for _, tt := range tests {
		if got := suggest(tt.word, keys); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestParseQuantity(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"0.3", 0.3, true}, {"30%", 0.3, true}, {"2", 2, true}, {`"0.25"`, 0.25, true},
		{"50ms", 50, true}, {"1.5s", 1500, true}, {"200us", 0.2, true}, {"lots", 0, false},
		{"[1]", 0, false}, {"~", 0, false},
	}
	for _, tt := range tests {
		exp, ds := loadInline(t, strings.Replace(base, "POSITIVE", "1", 1)+
			"criteria:\n  - {metric: fake_latency, pipeline: model, at_most: "+tt.in+"}\n", testOptions)
		if tt.ok != (ds == nil) {
			t.Errorf("%s: diagnostics %v", tt.in, ds)
			continue
		}
		if tt.ok && (exp.Criteria[0].Threshold-tt.want > 1e-12 || tt.want-exp.Criteria[0].Threshold > 1e-12) {
			t.Errorf("%s = %g, want %g", tt.in, exp.Criteria[0].Threshold, tt.want)
		}
	}
}

func TestFindPath(t *testing.T) {
	if got := strings.Join(splitPath("rules[1].when"), "|"); got != "rules|[1]|when" {
		t.Errorf("splitPath = %q", got)
	}
	if got := strings.Join(splitPath("a[0][2].b"), "|"); got != "a|[0]|[2]|b" {
		t.Errorf("splitPath = %q", got)
	}
	if got := joinFieldPath("pipelines[0]", "[1].x"); got != "pipelines[0][1].x" {
		t.Errorf("joinFieldPath = %q", got)
	}
}

func TestColumnTypes(t *testing.T) {
	var read Dataset
	opt := testOptions
	opt.ReadData = func(ds Dataset) (DataRead, error) {
		read = ds
		return DataRead{Labels: map[string]int{"0": 2, "1": 1}}, nil
	}
	exp, err := Load(filepath.Join("testdata", "columns.good.yaml"), opt)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := map[string]datasets.Type{
		"txn_id": datasets.TypeString, "country": datasets.TypeCategory, "amount": datasets.TypeNumber,
		"created_at": datasets.TypeTime, "big": datasets.TypeBool,
	}
	if !reflect.DeepEqual(exp.Dataset.Types, want) {
		t.Errorf("Types = %v, want %v", exp.Dataset.Types, want)
	}
	// The labels are read as the run reads the data: with the types.
	if !reflect.DeepEqual(read.Types, want) || read.Label != "is_fraud" || len(read.Derive) != 1 {
		t.Errorf("ReadData got %+v", read)
	}
}

func TestNamesWord(t *testing.T) {
	tests := []struct {
		text, name string
		want       bool
	}{
		{"should the model replace rules-v12?", "rules-v12", true},
		{"should the model replace rules v12?", "rules-v12", true},
		{"instead of the first-line agents?", "agents", true},
		{"should the model replace the rules?", "rule", false},
		{"replace the amount rule?", "rule", true},
		{"anything", "", false},
	}
	for _, tt := range tests {
		if got := namesWord(tt.text, tt.name); got != tt.want {
			t.Errorf("namesWord(%q, %q) = %v, want %v", tt.text, tt.name, got, tt.want)
		}
	}
}
