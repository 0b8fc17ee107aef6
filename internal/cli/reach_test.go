package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// canary is a line of a system file; no message may echo it.
const canary = "root:x:0:0:SECRET_CANARY:/root:/bin/bash"

// writeExperiment writes files (name → content) and an experiment reading
// data as format into a new folder and returns the experiment's path.
func writeExperiment(t *testing.T, data, format string, files map[string]string, extra string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	exp := `version: 1
name: canary
use_case: {question: "Does any message echo the data?"}
dataset: {path: ` + data + `, format: ` + format + `, label: label, columns: {amount: number}}
pipelines:
  - {name: model, role: candidate, type: column, column: guess}
  - {name: rules, role: baseline, type: constant, output: "0"}
` + extra + `metrics: [accuracy, {name: money, type: weighted_recall, weight: amount}]
criteria:
  - {metric: accuracy, pipeline: model, better_than: rules}
`
	path := filepath.Join(dir, "canary.yaml")
	if err := os.WriteFile(path, []byte(exp), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestErrorsNeverEchoData gives poc data files that cannot be read — a
// system file as a CSV, a bad JSON line, a file that is not Parquet, a bad
// value beside a secret, a bad training row — and checks that validate and
// run name the file and the line but never print the secret.
func TestErrorsNeverEchoData(t *testing.T) {
	long := strings.Repeat("x", 45) + canary // an offending value longer than what is shown
	tests := []struct {
		name   string
		data   string
		format string
		files  map[string]string
		extra  string // more pipelines
		want   []string
	}{
		{"system file as csv", "passwd", "csv", map[string]string{"passwd": canary + "\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"}, "",
			[]string{`column "label" is not in the dataset`, "does not look like column names"}},
		{"system file as tsv", "passwd", "tsv", map[string]string{"passwd": canary + "\n" + canary + "\n"}, "",
			[]string{"does not look like column names"}},
		{"system file as jsonl", "passwd", "jsonl", map[string]string{"passwd": canary + "\n"}, "",
			[]string{"passwd:1: want a JSON object"}},
		{"bad json line", "d.jsonl", "jsonl", map[string]string{"d.jsonl": `{"label": 1, "guess": 1, "amount": 3}` + "\n" + `{"label": 0, "note": "` + canary + `", oops}` + "\n"}, "",
			[]string{"d.jsonl:2: invalid JSON"}},
		{"not parquet", "d.parquet", "parquet", map[string]string{"d.parquet": canary + "\n" + canary + canary + "\n"}, "",
			[]string{"d.parquet"}},
		{"bad value beside a secret", "d.csv", "csv", map[string]string{"d.csv": "label,guess,note,amount\n1,1,ok,3\n0,0," + canary + ",lots\n"}, "",
			[]string{`d.csv:3: column "amount": "lots" is not a number`}},
		{"long bad value", "d.csv", "csv", map[string]string{"d.csv": "label,guess,note,amount\n1,1,ok,3\n0,0,ok," + long + "\n"}, "",
			[]string{`d.csv:3: column "amount": "xxxxxxxxxx`, `…" is not a number`}},
		{"unterminated quote", "d.csv", "csv", map[string]string{"d.csv": "label,guess,note,amount\n1,1,\"" + canary + ",3\n0,0,ok,1\n"}, "",
			[]string{"d.csv:2"}},
		{"wrong field count", "d.csv", "csv", map[string]string{"d.csv": "label,guess,note,amount\n1,1,ok,3\n0,0," + canary + ",1,2\n"}, "",
			[]string{"d.csv:3: wrong number of fields"}},
		{"header only", "d.csv", "csv", map[string]string{"d.csv": "label,guess,note,amount\n"}, "",
			[]string{"no records"}},
		{"bad training row", "d.csv", "csv", map[string]string{
			"d.csv":     "label,guess,note,amount\n1,1,ok,3\n0,0,ok,1\n",
			"train.csv": "label,guess,note,amount\n1,1,ok,3\n0,0," + canary + ",bad\n",
		}, "  - {name: learnt, role: baseline, type: learn, features: [amount], train: {file: train.csv}}\n",
			[]string{`train.csv:3: column "amount": "bad" is not a number`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeExperiment(t, tc.data, tc.format, tc.files, tc.extra)
			for _, cmd := range [][]string{{"validate", path}, {"run", "--no-cache", "--out", t.TempDir(), path}} {
				code, stdout, stderr := runCLI(t, context.Background(), cmd...)
				if code != ExitInvalid {
					t.Errorf("%s: exit code %d, want %d; stderr:\n%s", cmd[0], code, ExitInvalid, stderr)
				}
				all := stdout + stderr
				if strings.Contains(all, "SECRET_CANARY") {
					t.Errorf("%s echoed the data:\n%s", cmd[0], all)
				}
				for _, w := range tc.want {
					if !strings.Contains(all, w) {
						t.Errorf("%s: output lacks %q:\n%s", cmd[0], w, all)
					}
				}
			}
		})
	}
}

func TestReachListed(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"d.csv":    "id,label,amount\n1,0,5\n2,1,7\n",
		"score.sh": "#!/bin/sh\nwhile read -r l; do echo '{\"label\":\"1\"}'; done\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	exp := `version: 1
name: reach
use_case: {question: "What does it reach?"}
dataset: {path: d.csv, label: label}
pipelines:
  - {name: scorer, role: candidate, type: exec, command: [./score.sh, --model, m.pkl]}
  - {name: py, role: baseline, type: exec, command: [python3, score.py]}
metrics: [accuracy]
`
	path := filepath.Join(dir, "reach.yaml")
	if err := os.WriteFile(path, []byte(exp), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"validate", "plan"} {
		code, stdout, stderr := runCLI(t, context.Background(), cmd, path)
		if code != 0 {
			t.Fatalf("%s: exit %d:\n%s", cmd, code, stderr)
		}
		for _, w := range []string{
			"This run will start 2 programs, read 1 file and send nothing over the network:",
			"program  " + filepath.Join(dir, "score.sh") + " --model m.pkl  pipeline scorer",
			"program  python3 score.py",
			"read     " + filepath.Join(dir, "d.csv"),
		} {
			if !strings.Contains(stdout, w) {
				t.Errorf("%s: stdout lacks %q:\n%s", cmd, w, stdout)
			}
		}
	}
	code, _, stderr := runCLI(t, context.Background(), "validate", "--confine", path)
	if code != ExitInvalid || !strings.Contains(stderr, `reach.yaml:7:54: pipelines[1].command: the experiment is confined (--confine) and the program "python3" is looked up in PATH`) {
		t.Errorf("validate --confine: exit %d, stderr:\n%s", code, stderr)
	}
	if strings.Contains(stderr, "pipelines[0].command") {
		t.Errorf("validate --confine refused the program inside the folder:\n%s", stderr)
	}
}
