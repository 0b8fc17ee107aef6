package cli

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/poc-harness/poc/internal/results"
)

func TestUseColor(t *testing.T) {
	tests := []struct {
		name     string
		settings *consoleSettings
		noColor  string
		want     bool
	}{
		{"a buffer is not a terminal", &consoleSettings{}, "", false},
		{"no settings, a buffer", nil, "", false},
		{"forced", &consoleSettings{forceColor: true}, "", true},
		{"NO_COLOR wins over forced", &consoleSettings{forceColor: true}, "1", false},
		{"any NO_COLOR value counts", &consoleSettings{forceColor: true}, "false", false},
		{"--no-color wins over forced", &consoleSettings{forceColor: true, noColor: true}, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			getenv := func(k string) string {
				if k == "NO_COLOR" {
					return tc.noColor
				}
				return ""
			}
			if got := useColor(&bytes.Buffer{}, tc.settings, getenv); got != tc.want {
				t.Errorf("useColor = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPalette(t *testing.T) {
	on, off := palette{on: true}, palette{}
	tests := []struct {
		name, got, want string
	}{
		{"pass", on.status(results.Pass, 12), "\x1b[32mPASS\x1b[0m        "},
		{"fail", on.status(results.Fail, 12), "\x1b[31mFAIL\x1b[0m        "},
		{"inconclusive", on.status(results.Inconclusive, 12), "\x1b[33mINCONCLUSIVE\x1b[0m"},
		{"undefined", on.status(results.Undefined, 0), "\x1b[33mUNDEFINED\x1b[0m"},
		{"go", on.verdict(results.Go), "\x1b[32mGO\x1b[0m"},
		{"no-go", on.verdict(results.NoGo), "\x1b[31mNO-GO\x1b[0m"},
		{"inconclusive verdict", on.verdict(results.Undecided), "\x1b[33mINCONCLUSIVE\x1b[0m"},
		{"plain status keeps the padding", off.status(results.Pass, 12), "PASS        "},
		{"plain verdict", off.verdict(results.NoGo), "NO-GO"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}

// TestNoColorFlag checks that --no-color is a flag of every command.
func TestNoColorFlag(t *testing.T) {
	console := &consoleSettings{forceColor: true}
	var out bytes.Buffer
	if code := Run(context.Background(), []string{"version", "--no-color"}, IO{Out: &out, Err: &out, console: console}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	if !console.noColor || useColor(&out, console, os.Getenv) {
		t.Errorf("--no-color did not turn the colours off: %+v", console)
	}
}
