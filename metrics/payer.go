package metrics

import (
	"context"
	"sync"

	"github.com/poc-harness/poc/pipeline"
)

// Payer is implemented by metrics that pay for calls of their own (the LLM
// judge grades answers through a paid model). Before the analysis the
// runner calls Pay with the run's context — a stop ends the metric's calls
// —, a ledger for its calls (see pipeline.Ledger: paid answers survive a
// kill and a resume reuses them) and the budget left, shared by every
// such metric (nil for none): a call that could take the spend past it is
// not made, and the metric's value is then undefined rather than computed
// on part of the records.
type Payer interface {
	Metric
	Pay(ctx context.Context, ledger pipeline.Ledger, budget *SpendLimit)
}

// SpendLimit holds back the most each call can cost against what is left
// of a budget, so that the calls in flight never take the spend past it.
// It is safe for concurrent use; a nil *SpendLimit limits nothing.
type SpendLimit struct {
	mu   sync.Mutex
	left float64
}

// NewSpendLimit returns a limit of left (at least 0).
func NewSpendLimit(left float64) *SpendLimit {
	return &SpendLimit{left: max(left, 0)}
}

// reserve holds back cost, or reports false when the budget cannot pay it.
func (s *SpendLimit) reserve(cost float64) bool {
	if s == nil {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cost > s.left {
		return false
	}
	s.left -= cost
	return true
}

// settle gives back what was held for a call and charges what it cost.
func (s *SpendLimit) settle(reserved, paid float64) {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.left += reserved - paid
	s.mu.Unlock()
}
