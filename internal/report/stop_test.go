package report

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/poc-harness/poc/internal/results"
)

// laterCtx is a context that ends after its Err has been asked after times
// times: a cancellation that certainly comes in the middle of the work.
// Like any context it is safe for concurrent use (the figures are drawn in
// parallel).
type laterCtx struct {
	context.Context
	after int64
	asked atomic.Int64
}

func (c *laterCtx) Err() error {
	if c.asked.Add(1) > c.after {
		return context.Canceled
	}
	return nil
}

// Writing the reports stops when the context ends, before it starts and
// between its steps, with an error wrapping context.Canceled, and leaves no
// report half written.
func TestCancelledWriteStops(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after int64
	}{{"before", 0}, {"during", 2}} {
		t.Run(tc.name, func(t *testing.T) {
			run := sampleRun()
			run.Dir = t.TempDir()
			ctx := &laterCtx{Context: context.Background(), after: tc.after}
			if tc.after == 0 {
				c, cancel := context.WithCancel(context.Background())
				cancel()
				ctx.Context = c
			}
			err := Write(ctx, run)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want one wrapping context.Canceled", err)
			}
			for _, name := range []string{results.MarkdownFile, HTMLFile} {
				if _, err := os.Stat(filepath.Join(run.Dir, name)); err == nil {
					t.Errorf("a stopped Write wrote %s", name)
				}
			}
		})
	}
}
