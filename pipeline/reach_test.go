package pipeline

import (
	"reflect"
	"testing"
)

func TestProgram(t *testing.T) {
	tests := []struct {
		name    string
		command []string
		target  string
		program string
	}{
		{"bare name left to PATH", []string{"python3", "score.py", "--model", "m.pkl"}, "python3 score.py --model m.pkl", "python3"},
		{"relative path resolved", []string{"./bin/score", "-v"}, "/exp/bin/score -v", "/exp/bin/score"},
		{"absolute path kept", []string{"/usr/bin/env", "python3"}, "/usr/bin/env python3", "/usr/bin/env"},
		{"spaces quoted", []string{"./run.sh", "a b", "it's"}, `/exp/run.sh 'a b' 'it'\''s'`, "/exp/run.sh"},
		{"empty", nil, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := Program("command", "/exp", tc.command)
			if a.Target != tc.target || a.Program != tc.program {
				t.Errorf("Program = %q (program %q), want %q (%q)", a.Target, a.Program, tc.target, tc.program)
			}
		})
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://api.openai.com/v1", "https://api.openai.com/v1"},
		{"https://user:hunter2@models.example.com/score", "https://models.example.com/score"},
		{"https://x.example.com/v1?api_key=sk-123&b=2#frag", "https://x.example.com/v1?api_key=REDACTED&b=REDACTED"},
		{"http://[::1:bad", "(an invalid URL)"},
	}
	for _, tc := range tests {
		if got := RedactURL(tc.in); got != tc.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestReachMerge(t *testing.T) {
	var a, b Reach
	a.AddURL(URL("base_url", "https://api.openai.com/v1"))
	a.AddFile(File("prompt_file", "/exp", "prompts/p.txt"))
	a.AddFile(File("system_file", "/exp", ""))
	b.AddURL(URL("judge.base_url", "https://api.openai.com/v1"))
	b.AddProgram(Program("command", "/exp", []string{"./m.sh"}))
	got := a.By("pipeline triage", "").Merge(b.By("metric judge", ""), Reach{Files: []Access{{Target: "/data/a.csv", By: []string{"dataset"}}}})
	want := Reach{
		Programs: []Access{{Target: "/exp/m.sh", Program: "/exp/m.sh", By: []string{"metric judge"}}},
		Files: []Access{{Target: "/data/a.csv", By: []string{"dataset"}},
			{Target: "/exp/prompts/p.txt", By: []string{"pipeline triage"}}},
		URLs: []Access{{Target: "https://api.openai.com/v1", By: []string{"metric judge", "pipeline triage"}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Merge =\n%+v\nwant\n%+v", got, want)
	}
	if got.Len() != 4 {
		t.Errorf("Len = %d, want 4", got.Len())
	}
	if f := a.By("x", "metric").Files[0].Field; f != "metric.prompt_file" {
		t.Errorf("By prefix: field = %q", f)
	}
}
