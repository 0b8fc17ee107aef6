package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/poc-harness/poc/internal/engine"
)

// progress shows how a replay advances: a live line on a terminal, a plain
// line every plainEvery otherwise (CI logs).
type progress struct {
	w        io.Writer
	live     bool
	total    int
	last     time.Time
	shown    bool
	now      func() time.Time
	every    time.Duration
	currency string
}

const plainEvery = 10 * time.Second

func newProgress(w io.Writer) *progress {
	return &progress{w: w, live: isTerminal(w), now: time.Now, every: plainEvery, last: time.Now()}
}

// setTotal gives the number of records, when known, for an ETA.
func (p *progress) setTotal(n int) { p.total = n }

func (p *progress) update(s engine.Progress) {
	if s.Done {
		return
	}
	if !p.live {
		if p.now().Sub(p.last) < p.every {
			return
		}
		p.last = p.now()
		fmt.Fprintf(p.w, "poc: %s\n", p.line(s))
		return
	}
	fmt.Fprintf(p.w, "\r\033[K  %s", p.line(s))
	p.shown = true
}

func (p *progress) line(s engine.Progress) string {
	rate := 0.0
	if s.Elapsed > 0 {
		rate = float64(s.Records) / s.Elapsed.Seconds()
	}
	line := fmt.Sprintf("%d records", s.Records)
	if p.total > 0 {
		line = fmt.Sprintf("%d/%d records (%.0f%%)", s.Records, p.total, 100*float64(s.Records)/float64(p.total))
	}
	line += fmt.Sprintf(", %.1f/s", rate)
	if p.total > s.Records && rate > 0 {
		eta := time.Duration(float64(p.total-s.Records) / rate * float64(time.Second)).Round(time.Second)
		line += fmt.Sprintf(", ETA %s", eta)
	}
	if s.Spent > 0 {
		line += fmt.Sprintf(", spent %.4g", s.Spent)
	}
	if s.Cached > 0 {
		line += fmt.Sprintf(", %d cached", s.Cached)
	}
	if s.Failures > 0 {
		line += fmt.Sprintf(", %d errors", s.Failures)
	}
	return line
}

// finish clears the live line.
func (p *progress) finish() {
	if p.live && p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
