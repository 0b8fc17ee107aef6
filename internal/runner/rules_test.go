package runner

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/poc-harness/poc/internal/spec"
)

// A rule that decides no record of the replay — a category compared with a
// value the column never holds, or one shadowed by the rules before it —
// is a warning at its when:, on the console's list and in the manifest;
// rules that fire are not.
func TestRulesThatNeverFireAreWarned(t *testing.T) {
	csv := "y,records,job\n1,yes,fixed\n0,no,partime\n1,yes,partime\n0,no,fixed\n0,no,fixed\n1,yes,fixed\n"
	tests := []struct {
		name  string
		rules string
		want  []string // the rules warned of, by field
	}{
		{"every rule fires", `[{when: 'records == "yes"', output: 1}, {when: 'job == "partime"', output: 1}]`, nil},
		{"a misspelt category", `[{when: 'records == "Yes"', output: 1}, {when: 'job == "partime"', output: 1}]`,
			[]string{"pipelines[0].rules[0].when"}},
		{"a shadowed rule", `[{when: 'records == "yes"', output: 1}, {name: again, when: 'records == "yes" && job == "fixed"', output: 1}]`,
			[]string{"pipelines[0].rules[1].when"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, e := loadRules(t, csv, tc.rules)
			out, err := Run(context.Background(), e, Options{Out: filepath.Join(dir, "results"), SkipReports: true})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range out.Warnings {
				if strings.Contains(w.Msg, "decided none of the 6 records") {
					got = append(got, w.Field)
					if w.Line != 6 || w.Col == 0 {
						t.Errorf("%s: at %d:%d, want line 6 (the rules' line)", w.Field, w.Line, w.Col)
					}
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("warned of %v, want %v", got, tc.want)
			}
			inManifest := 0
			for _, w := range out.Run.Manifest.Warnings {
				if strings.Contains(w.Message, "decided none") {
					inManifest++
				}
			}
			if inManifest != len(tc.want) {
				t.Errorf("the manifest holds %d such warnings, want %d", inManifest, len(tc.want))
			}
		})
	}
}

// A rule set whose every rule gives the negative class while its default
// is the positive one flags the negative class: dataset.positive most
// likely names the wrong class, and the loader says so at the default.
func TestRulesFlaggingTheNegativeClassAreWarned(t *testing.T) {
	csv := "y,records\nbad,yes\ngood,no\nbad,yes\ngood,no\ngood,no\n"
	tests := []struct {
		name, positive, rules, def string
		warned                     bool
	}{
		{"positive is the class the rules flag", "bad", `[{when: 'records == "yes"', output: bad}]`, "good", false},
		{"positive is the other class", "good", `[{when: 'records == "yes"', output: bad}]`, "good", true},
		{"a rule gives the positive class", "good", `[{when: 'records == "yes"', output: bad}, {when: 'records == "no"', output: good}]`, "good", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			exp := "version: 1\nname: rules\nuse_case: {question: Good enough}\ndataset: {path: data.csv, label: y, positive: " + tc.positive + "}\n" +
				"pipelines:\n  - name: today\n    role: baseline\n    type: rules\n    rules: " + tc.rules + "\n    default: " + tc.def + "\n" +
				"  - {name: floor, role: candidate, type: constant, output: " + tc.def + "}\nmetrics: [recall]\n" +
				"criteria:\n  - {metric: recall, pipeline: floor, at_least: 0.5}\n"
			writeFiles(t, dir, map[string]string{"data.csv": csv, "exp.yaml": exp})
			e, err := Load(filepath.Join(dir, "exp.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			var found bool
			for _, w := range e.Warnings {
				if strings.Contains(w.Msg, "the rules flag the negative class") {
					found = true
					if w.Field != "pipelines[0].default" || w.Line != 10 {
						t.Errorf("warned at %s, line %d; want pipelines[0].default, line 10", w.Field, w.Line)
					}
				}
			}
			if found != tc.warned {
				t.Errorf("warned %v, want %v; warnings %v", found, tc.warned, e.Warnings)
			}
		})
	}
}

// A rule that compares a column with a text the column never holds is a
// warning at load, at its when:, with the closest value — even when
// another part of its condition still fires, which the idle-rule warning
// cannot see; a column with numbers, or a value the data holds, is not.
func TestRuleValuesTheDataNeverHoldsAreWarned(t *testing.T) {
	csv := "y,records,job,amount\n1,yes,fixed,10\n0,no,partime,20\n1,yes,partime,900\n0,no,fixed,30\n"
	tests := []struct {
		name, when string
		want       []string // parts of the one warning expected, none for none
	}{
		{"values the data holds", `records == "yes" || job in ["fixed", "partime"]`, nil},
		{"a misspelt category beside a part that fires", `amount > 500 || job == "parttime"`,
			[]string{`rule 1 of today compares column "job" with "parttime", which none of the records replayed holds`, `did you mean "partime"?`}},
		{"in another case, inside in", `records in ["Yes", "no"]`, []string{`compares column "records" with "Yes"`, `did you mean "yes"?`}},
		{"a column read through $env", `$env["job"] != "fixd"`, []string{`compares column "job" with "fixd"`}},
		{"a column of numbers is not checked", `string(amount) == "11"`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, e := loadRules(t, csv, "[{when: '"+tc.when+"', output: 1}]")
			var got []string
			for _, w := range e.Warnings {
				if strings.Contains(w.Msg, "none of the records replayed holds") {
					got = append(got, w.Msg+" ("+w.Hint+")")
					if w.Field != "pipelines[0].rules[0].when" || w.Line != 6 {
						t.Errorf("warned at %s, line %d; want pipelines[0].rules[0].when, line 6", w.Field, w.Line)
					}
				}
			}
			if len(tc.want) == 0 {
				if len(got) > 0 {
					t.Errorf("warnings %q, want none", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("warnings %q, want one", got)
			}
			for _, part := range tc.want {
				if !strings.Contains(got[0], part) {
					t.Errorf("warning %q lacks %q", got[0], part)
				}
			}
		})
	}
}

// loadRules writes data csv and an experiment whose baseline "today" (line
// 6) is a rules pipeline with the given rules (YAML), beside a constant
// candidate, and loads it; it returns the folder and the experiment.
func loadRules(t *testing.T, csv, rules string) (string, *spec.Experiment) {
	t.Helper()
	dir := t.TempDir()
	exp := "version: 1\nname: rules\nuse_case: {question: Good enough}\ndataset: {path: data.csv, label: y}\n" +
		"pipelines:\n  - {name: today, role: baseline, type: rules, default: 0, rules: " + rules + "}\n" +
		"  - {name: never, role: candidate, type: constant, output: 0}\nmetrics: [recall]\n" +
		"criteria:\n  - {metric: recall, pipeline: never, at_least: 0.5}\n"
	writeFiles(t, dir, map[string]string{"data.csv": csv, "exp.yaml": exp})
	e, err := Load(filepath.Join(dir, "exp.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return dir, e
}
