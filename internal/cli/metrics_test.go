package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// `poc metrics TYPE` shows one type with its keys and a line to copy; a
// misspelt type is a usage error with the type it may be.
func TestMetricsShowsOneType(t *testing.T) {
	tests := []struct {
		args []string
		code int
		out  []string
		err  string
	}{
		{[]string{"metrics", "weighted_recall"}, ExitOK, []string{"keys:", "weight", "text", "{name: my_weighted_recall, type: weighted_recall, weight: …}"}, ""},
		{[]string{"metrics", "latency"}, ExitOK, []string{"quantile", "a number"}, ""},
		{[]string{"metrics", "recall"}, ExitOK, []string{"keys:    none", "    - recall"}, ""},
		{[]string{"metrics", "wieghted_recall"}, ExitInvalid, nil, `did you mean "weighted_recall"?`},
		{[]string{"metrics", "roc"}, ExitInvalid, nil, `did you mean "roc_auc"?`},
	}
	for _, tc := range tests {
		code, stdout, stderr := runCLI(t, context.Background(), tc.args...)
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d: %s", tc.args, code, tc.code, stderr)
		}
		for _, w := range tc.out {
			if !strings.Contains(stdout, w) {
				t.Errorf("%v: output lacks %q:\n%s", tc.args, w, stdout)
			}
		}
		if !strings.Contains(stderr, tc.err) {
			t.Errorf("%v: stderr lacks %q: %s", tc.args, tc.err, stderr)
		}
	}
	code, stdout, _ := runCLI(t, context.Background(), "metrics", "weighted_recall", "--json")
	var mi metricInfo
	if err := json.Unmarshal([]byte(stdout), &mi); err != nil || code != ExitOK || len(mi.Keys) != 1 || mi.Keys[0].Key != "weight" {
		t.Errorf("--json: exit %d, %v, %+v", code, err, mi)
	}
}

// On a terminal the list wraps its descriptions to the width, each line
// under the description column; elsewhere a description keeps one line.
func TestMetricsListWraps(t *testing.T) {
	var whole, wrapped strings.Builder
	if err := listMetrics(IO{Out: &whole}, &MetricsOptions{}, 0); err != nil {
		t.Fatal(err)
	}
	if err := listMetrics(IO{Out: &wrapped}, &MetricsOptions{}, 90); err != nil {
		t.Fatal(err)
	}
	col := strings.Index(strings.SplitN(whole.String(), "\n", 2)[0], "DESCRIPTION")
	long := false
	for _, l := range strings.Split(strings.TrimSpace(whole.String()), "\n") {
		long = long || utf8.RuneCountInString(l) > 90
	}
	if !long {
		t.Fatal("no description is longer than 90 columns: the test wraps nothing")
	}
	for _, l := range strings.Split(strings.TrimSpace(wrapped.String()), "\n") {
		if n := utf8.RuneCountInString(l); n > 90 && !strings.Contains(strings.TrimSpace(l[col:]), " ") {
			continue // a single word longer than the column keeps its line
		} else if n > 90 {
			t.Errorf("line of %d columns: %q", n, l)
		}
		if strings.HasPrefix(l, " ") && strings.TrimLeft(l, " ") != "" && len(l)-len(strings.TrimLeft(l, " ")) != col {
			t.Errorf("continuation not under the description column (%d): %q", col, l)
		}
	}
	if strings.Count(wrapped.String(), "\n") <= strings.Count(whole.String(), "\n") {
		t.Error("wrapping at 90 columns added no line")
	}
	if strings.Join(strings.Fields(wrapped.String()), " ") != strings.Join(strings.Fields(whole.String()), " ") {
		t.Error("wrapping changed the words")
	}
}
