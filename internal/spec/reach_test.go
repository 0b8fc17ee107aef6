package spec

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
)

// fakeExecSpec starts a program, reads a prompt file and calls a URL; its
// Build reads the prompt file, as the llm pipeline's does, so that a test
// can see that a refused file is never read.
type fakeExecSpec struct {
	Command    []string `yaml:"command"`
	PromptFile string   `yaml:"prompt_file"`
	URL        string   `yaml:"url"`
}

func (s *fakeExecSpec) Build(env pipeline.Env) (pipeline.Pipeline, error) {
	if s.PromptFile != "" {
		if _, err := os.ReadFile(pipeline.File("", env.Dir, s.PromptFile).Target); err != nil {
			return nil, pipeline.Errorf("prompt_file", "read: %v", err)
		}
	}
	return &fakePipeline{name: env.Name}, nil
}

func (s *fakeExecSpec) Reach(dir string) pipeline.Reach {
	var r pipeline.Reach
	r.AddProgram(pipeline.Program("command", dir, s.Command))
	r.AddFile(pipeline.File("prompt_file", dir, s.PromptFile))
	r.AddURL(pipeline.URL("url", s.URL))
	return r
}

// fakeCommandSpec is a metric that starts a program.
type fakeCommandSpec struct {
	Command []string `yaml:"command"`
}

func (s *fakeCommandSpec) Build(env metrics.Env) (metrics.Metric, error) {
	return (&fakeRecallSpec{}).Build(env)
}

func (s *fakeCommandSpec) Reach(dir string) pipeline.Reach {
	var r pipeline.Reach
	r.AddProgram(pipeline.Program("command", dir, s.Command))
	return r
}

var (
	_ pipeline.Reacher = (*fakeExecSpec)(nil)
	_ metrics.Reacher  = (*fakeCommandSpec)(nil)
)

func init() {
	pipeline.Register("fake-exec", func() pipeline.Spec { return &fakeExecSpec{} })
	metrics.Register(metrics.Info{Type: "fake_command", Doc: "a fake subprocess metric"}, func() metrics.Spec { return &fakeCommandSpec{} })
}

func TestConfinedFiles(t *testing.T) {
	tests := []struct {
		file    string
		confine bool // LoadOptions.Confine, as --confine sets it
		errors  []want
	}{
		{"outside.bad.yaml", false, []want{
			{7, 9, `dataset.path: the experiment is confined (confine: true, line 3) and "../data/transactions.csv" is outside its folder`},
			{13, 15, `pipelines[0].command: the experiment is confined (confine: true, line 3) and the program "python3" is looked up in PATH`},
			{14, 18, `pipelines[0].prompt_file: the experiment is confined (confine: true, line 3) and "/etc/hostname" is outside its folder`},
			{17, 48, `metrics[1].command: the experiment is confined (confine: true, line 3) and the program /bin/sh is outside its folder`},
			{18, 49, "and the program " + filepath.Join(absTestdata(t), "confine", "shell") + " is outside its folder, through a symbolic link, to"},
		}},
		{"symlink.bad.yaml", false, []want{
			{7, 9, `dataset.path: the experiment is confined (confine: true, line 3) and "data/link.csv" is outside its folder, through a symbolic link, to ` + filepath.Join(absTestdata(t), "data", "transactions.csv")},
			{14, 18, `pipelines[0].prompt_file: the experiment is confined (confine: true, line 3) and "data/../../minimal.good.yaml" is outside its folder (` + filepath.Join(absTestdata(t), "minimal.good.yaml") + ")"},
		}},
		{"unconfined.good.yaml", true, []want{
			{6, 9, `dataset.path: the experiment is confined (--confine) and "../data/transactions.csv" is outside its folder`},
			{12, 15, `the program "python3" is looked up in PATH`},
		}},
		{"unconfined.good.yaml", false, nil},
		{"inside.good.yaml", false, nil},
		{"inside.good.yaml", true, nil},
	}
	for _, tc := range tests {
		name := tc.file
		if tc.confine {
			name += " --confine"
		}
		t.Run(name, func(t *testing.T) {
			opt := testOptions
			opt.Confine = tc.confine
			exp, err := Load(filepath.Join("testdata", "confine", tc.file), opt)
			diags, _ := err.(Diagnostics)
			if len(tc.errors) == 0 {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				if exp.Confine != (tc.confine || strings.HasPrefix(tc.file, "inside")) {
					t.Errorf("Confine = %v", exp.Confine)
				}
				return
			}
			for _, w := range tc.errors {
				if !hasDiag(diags, Error, w) {
					t.Errorf("no error at %d:%d containing %q; got:\n%v", w.line, w.col, w.text, diags)
				}
			}
			for _, d := range diags.Errors() {
				if strings.Contains(d.Error(), "confined") && !strings.Contains(d.Hint, "if you trust the file") {
					t.Errorf("refusal without its hint: %v (hint %q)", d, d.Hint)
				}
			}
			if exp != nil && len(exp.Pipelines) > 0 && exp.Pipelines[0].Pipeline != nil {
				t.Error("a refused pipeline was built (its prompt file read)")
			}
		})
	}
}

func TestExperimentReach(t *testing.T) {
	opt := testOptions
	opt.CacheDir = "/var/cache/poc"
	exp, err := Load(filepath.Join("testdata", "confine", "inside.good.yaml"), opt)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(absTestdata(t), "confine")
	want := pipeline.Reach{
		Programs: []pipeline.Access{
			{Target: filepath.Join(dir, "score.sh"), Program: filepath.Join(dir, "score.sh"), By: []string{"metric tone"}},
			{Target: filepath.Join(dir, "score.sh") + " --threshold 0.5", Program: filepath.Join(dir, "score.sh"), By: []string{"pipeline model"}},
		},
		Files: []pipeline.Access{
			{Target: filepath.Join(dir, "data", "transactions.csv"), By: []string{"dataset"}},
			{Target: filepath.Join(dir, "prompt.txt"), By: []string{"pipeline model"}},
		},
		URLs:   []pipeline.Access{{Target: "https://models.example.com/score?key=REDACTED", By: []string{"pipeline model"}}},
		Writes: []pipeline.Access{{Target: "/var/cache/poc", By: []string{"response cache"}}},
	}
	if got := exp.Reach(); !reflect.DeepEqual(got, want) {
		t.Errorf("Reach =\n%+v\nwant\n%+v", got, want)
	}
}

func TestInside(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "out")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		ok   bool
	}{
		{filepath.Join(dir, "a.csv"), true},
		{filepath.Join(dir, "sub", "..", "a.csv"), true},
		{dir, true},
		{filepath.Join(dir, "..", "a.csv"), false},
		{dir + "-sibling/a.csv", false},
		{filepath.Join(dir, "out", "a.csv"), false}, // a missing file under a link that leaves
		{"/etc/passwd", false},
	}
	for _, tc := range tests {
		if _, ok := Inside(dir, tc.path); ok != tc.ok {
			t.Errorf("Inside(%q) = %v, want %v", tc.path, ok, tc.ok)
		}
	}
}
