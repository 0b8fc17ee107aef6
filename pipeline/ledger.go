package pipeline

// Ledger is a run's durable record of the calls it pays for. A pipeline
// that pays per call (an LLM, a priced HTTP model) tells it about each
// request as it happens — before sending, and as soon as the answer
// arrives, before doing anything else with it — so that a kill at any
// moment loses no answer that was paid for and no spend, and the budget
// holds across every attempt of a run. Implementations are safe for
// concurrent use and never block for long (an append to a file).
type Ledger interface {
	// Answer returns the answer an earlier attempt of the same run paid
	// for under key (the pipeline's cache key), if any: using it is free.
	Answer(key string) ([]byte, bool)
	// Sent records that a request for key is about to be sent and may
	// cost up to estimate. A request that never ends (the process was
	// killed) counts as spent at its estimate, and as re-sent when the
	// run resumes.
	Sent(key string, estimate float64)
	// Paid records the answer that arrived for key and its cost.
	Paid(key string, cost float64, answer []byte)
	// Failed records that the request for key ended without an answer
	// (nothing was charged).
	Failed(key string)
}

// LedgerUser is implemented by pipelines that pay for their calls. The
// runner gives them the run's ledger before the replay (nil after it).
type LedgerUser interface {
	Pipeline
	UseLedger(Ledger)
}

// CostBounder is implemented by pipelines that pay for calls and can say
// whether each call has a most it can cost (an LLM with max_tokens): only
// then can a budget be a hard cap on the calls in flight.
type CostBounder interface {
	CostBounded() bool
}
