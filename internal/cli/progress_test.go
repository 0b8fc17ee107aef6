package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/poc-harness/poc/internal/engine"
)

func TestProgressLine(t *testing.T) {
	tests := []struct {
		name  string
		total int
		s     engine.Progress
		want  string
	}{
		{"unknown total", 0, engine.Progress{Records: 500, Elapsed: 2 * time.Second}, "500 records, 250.0/s"},
		{"with ETA, spend, cache and errors", 2000, engine.Progress{Records: 500, Elapsed: 10 * time.Second, Spent: 0.0412, Cached: 30, Failures: 2},
			"500/2000 records (25%), 50.0/s, ETA 30s, spent 0.0412, 30 cached, 2 errors"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := &progress{total: tc.total}
			if got := p.line(tc.s); got != tc.want {
				t.Errorf("line = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestProgressPlainLinesArePaced(t *testing.T) {
	var buf bytes.Buffer
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &progress{w: &buf, now: func() time.Time { return now }, every: 10 * time.Second, last: now.Add(-10 * time.Second)}
	for i := range 30 {
		p.update(engine.Progress{Records: i * 100, Elapsed: time.Duration(i) * time.Second})
		now = now.Add(time.Second)
	}
	p.update(engine.Progress{Records: 3000, Done: true})
	// Updates at 0 s, 10 s and 20 s; the final one prints nothing (the summary follows).
	if n := strings.Count(buf.String(), "\n"); n != 3 {
		t.Errorf("%d plain progress lines in 30 s, want 3:\n%s", n, buf.String())
	}
	if !strings.HasPrefix(buf.String(), "poc: 0 records") {
		t.Errorf("plain lines look like %q", buf.String())
	}
}
