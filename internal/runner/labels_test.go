package runner

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/poc-harness/poc/internal/results"
)

// Every class the file names is checked against the classes the data
// holds, positioned, with the closest class: a misspelt class would
// otherwise make a rule never fire or every record a negative, and change
// the verdict without a word.
// cost_of_error prices a missed positive and a false alarm: on a label of
// more than two classes it would price every other error at 0, so it is
// refused at its line.
func TestCostOfErrorNeedsTwoClasses(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"data.csv": "text,intent\nhi,greet\nbye,leave\nhelp,support\nhey,greet\n",
		"exp.yaml": "version: 1\nname: intents\nuse_case:\n  question: Route the tickets\n  volume_per_year: 1000\n" +
			"  cost_of_error: {missed_positive: 10, false_positive: 1}\n" +
			"dataset: {path: data.csv, label: intent, positive: greet}\n" +
			"pipelines:\n  - {name: c, role: candidate, type: constant, output: greet}\n",
	})
	_, err := Load(filepath.Join(dir, "exp.yaml"))
	if want := `:6:18: use_case.cost_of_error: cost_of_error prices the errors of a two-class label, but "intent" has 3 classes`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Load = %v\nwant %s", err, want)
	}
}

func TestClassesTheDataDoesNotHoldAreRefused(t *testing.T) {
	const data = "id,income,reports,card\n1,3.5,0,yes\n2,1.2,3,no\n3,4.0,0,yes\n4,2.2,1,no\n"
	header := "version: 1\nname: labels\nuse_case: {question: Accept the application}\n"
	tests := []struct {
		name, body string
		want       string // a line:col and a substring of the error
	}{
		{"positive misspelt",
			"dataset: {path: data.csv, label: card, positive: Yes}\npipelines:\n  - {name: c, role: candidate, type: constant, output: yes}\n",
			`:4:50: dataset.positive: the positive class "Yes" is not a class of the label column, which holds "no", "yes" (did you mean "yes"?)`},
		{"default positive on two other classes",
			"dataset: {path: data.csv, label: card}\npipelines:\n  - {name: c, role: candidate, type: constant, output: yes}\n",
			`:4:34: dataset.positive: missing: the label "card" has two classes and neither is the default positive class "1"`},
		{"rule output not a class",
			"dataset: {path: data.csv, label: card, positive: yes}\npipelines:\n  - name: r\n    role: candidate\n    type: rules\n    rules: [{when: reports >= 2, output: reject}]\n    default: yes\n",
			`:9:42: pipelines[0].rules[0].output: "reject" is not a class of the label column, which holds "no", "yes"`},
		{"rule default misspelt",
			"dataset: {path: data.csv, label: card, positive: yes}\npipelines:\n  - name: r\n    role: candidate\n    type: rules\n    rules: [{when: reports >= 2, output: no}]\n    default: yess\n",
			`:10:14: pipelines[0].default: "yess" is not a class of the label column, which holds "no", "yes" (did you mean "yes"?)`},
		{"constant output misspelt",
			"dataset: {path: data.csv, label: card, positive: yes}\npipelines:\n  - {name: c, role: candidate, type: constant, output: No}\n",
			`pipelines[0].output: "No" is not a class of the label column, which holds "no", "yes" (did you mean "no"?)`},
		{"a score metric on a pipeline without scores",
			"dataset: {path: data.csv, label: card, positive: yes}\npipelines:\n  - {name: m, role: candidate, type: column, score: income, threshold: 3}\n" +
				"  - {name: rule, role: baseline, type: rules, rules: [{when: reports >= 2, output: no}], default: yes}\n" +
				"metrics: [roc_auc]\ncriteria:\n  - {metric: roc_auc, pipeline: m, better_than: rule, must: true}\n",
			`:10:5: criteria[0]: metric "roc_auc" (roc_auc) reads score, but pipeline "rule" (type rules) gives only label: it could never be computed`},
		{"per-class metric on a class the data lacks",
			"dataset: {path: data.csv, label: card, positive: yes}\npipelines:\n  - {name: c, role: candidate, type: constant, output: yes}\nmetrics:\n  - {name: r, type: class_recall, class: yse}\n",
			`metrics[0].class: "yse" is not a class of the label column, which holds "no", "yes" (did you mean "yes"?)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "exp.yaml")
			writeFiles(t, dir, map[string]string{"data.csv": data, "exp.yaml": header + tc.body})
			_, err := Load(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load = %v\nwant an error containing %s", err, tc.want)
			}
		})
	}
}

// A recorded score's decision below the threshold is the other class of a
// two-class label, not "0": a yes/no label is scored as the data writes it.
func TestScoreThresholdGivesTheDataClasses(t *testing.T) {
	dir := t.TempDir()
	data := "s,card\n"
	for i := range 40 {
		if i%2 == 0 {
			data += "0.9,yes\n"
		} else {
			data += "0.1,no\n"
		}
	}
	exp := "version: 1\nname: scored\nuse_case: {question: Accept the application}\n" +
		"dataset: {path: data.csv, label: card, positive: yes}\n" +
		"pipelines:\n  - {name: m, role: candidate, type: column, score: s, threshold: 0.5}\n" +
		"metrics: [accuracy]\ncriteria:\n  - {metric: accuracy, pipeline: m, at_least: 0.5, must: true}\n"
	writeFiles(t, dir, map[string]string{"data.csv": data, "exp.yaml": exp})
	e, err := Load(filepath.Join(dir, "exp.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Run(context.Background(), e, Options{Out: filepath.Join(dir, "results")})
	if err != nil {
		t.Fatal(err)
	}
	if acc := out.Run.Metrics.Pipelines[0].Metrics[0]; acc.Value != 1 {
		t.Errorf("accuracy %v, want 1: the scores separate the classes perfectly", acc.Value)
	}
	if out.Run.Verdict.Verdict != results.Go {
		t.Errorf("verdict %s: %s", out.Run.Verdict.Verdict, out.Run.Verdict.Reason)
	}
}

// validate reads the data once: a filter that fails on the records, or a
// row that does not parse while on_bad_row is error, is found before a run.
func TestValidateReadsTheData(t *testing.T) {
	tests := []struct{ name, data, dataset, want string }{
		{"filter on a text column compared with a number", "owner,card\nyes,yes\nno,no\n",
			"{path: data.csv, label: card, positive: yes, filter: owner > 2}",
			`:4:63: dataset.filter: the filter fails on a record: data.csv:2: evaluate "owner > 2"`},
		{"a row that does not parse", "owner,card\nyes,yes\nno,no,extra\n",
			"{path: data.csv, label: card, positive: yes}",
			`:4:17: dataset.path: a row does not parse: data.csv:3:`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"data.csv": tc.data,
				"exp.yaml": "version: 1\nname: data\nuse_case: {question: Accept the application}\ndataset: " + tc.dataset +
					"\npipelines:\n  - {name: c, role: candidate, type: constant, output: yes}\n"})
			if _, err := Load(filepath.Join(dir, "exp.yaml")); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load = %v\nwant an error containing %s", err, tc.want)
			}
		})
	}
}

// A class written as the file writes its numbers ("1.0") is the class the
// data holds as 1: the positive class takes the data's spelling, and a rule
// output so written is pointed at it.
func TestClassesWrittenAsNumbers(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"data.csv": "amount,isFraud\n10,0.0\n900,1.0\n20,0.0\n",
		"good.yaml": "version: 1\nname: n\nuse_case: {question: Flag the fraud}\ndataset: {path: data.csv, label: isFraud, positive: \"1.0\"}\n" +
			"pipelines:\n  - {name: c, role: candidate, type: constant, output: 0}\nmetrics: [recall]\n",
		"bad.yaml": "version: 1\nname: n\nuse_case: {question: Flag the fraud}\ndataset: {path: data.csv, label: isFraud, positive: 1}\n" +
			"pipelines:\n  - {name: c, role: candidate, type: rules, rules: [{when: amount > 100, output: \"1.00\"}], default: 0}\n",
	})
	e, err := Load(filepath.Join(dir, "good.yaml"))
	if err != nil || e.Dataset.Positive != "1" {
		t.Fatalf("Load = %v; positive %q, want \"1\"", err, e.Dataset.Positive)
	}
	_, err = Load(filepath.Join(dir, "bad.yaml"))
	if want := `"1.00" is not a class of the label column, which holds "0", "1" (did you mean "1"?`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Load = %v\nwant %s", err, want)
	}
}
