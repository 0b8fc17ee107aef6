package pipeline

import (
	"context"
	"time"

	"github.com/poc-harness/poc/datasets"
)

// Role says whether a pipeline is being judged or is the yardstick.
type Role string

const (
	// Candidate is the AI pipeline under evaluation.
	Candidate Role = "candidate"
	// Baseline is what a candidate must beat or match: today's rules, the
	// human record, a trivial floor.
	Baseline Role = "baseline"
)

// Pipeline turns one record into an output.
//
// Predict must be safe for concurrent use and must return promptly when ctx
// is done. An error is recorded on the record's prediction; it never aborts
// the run. rec.Fields is only valid until Predict returns (the replay
// reuses the map for a later record): an Output must not hold it.
type Pipeline interface {
	Predict(ctx context.Context, rec datasets.Record) (Output, error)
}

// Output is what a pipeline decided for one record.
type Output struct {
	// Label is the decision or class in canonical text form (see
	// datasets.FormatValue): "1", "0", "billing". Empty when the pipeline
	// produces only a score or text.
	Label string
	// Score is a probability or score, when HasScore is true.
	Score float64
	// HasScore reports whether Score is set.
	HasScore bool
	// Latency is a latency recorded in the data (for replayed decisions);
	// when zero the engine uses the measured wall time of Predict.
	Latency time.Duration
	// Cost is the cost of producing this output in the experiment's currency.
	Cost float64

	// Text is a free-text answer, for pipelines whose output is text.
	Text string
	// Fields holds the fields of a structured (JSON object) answer.
	Fields map[string]any
	// Raw is the model's raw answer, kept for the audit trail (after the
	// pseudonymised values were restored).
	Raw string
	// Unparseable reports that the answer could not be parsed into the
	// expected output (a label outside the allowed set, say). It is counted
	// as such and never guessed: Label stays empty.
	Unparseable bool
	// InputTokens and OutputTokens are the provider-reported token usage.
	InputTokens  int
	OutputTokens int
	// Cached reports that the answer came from the response cache: nothing
	// was called and nothing paid.
	Cached bool
	// Attempts is the number of calls made, retries included (0 when cached
	// or not applicable).
	Attempts int
}

// Prediction is one pipeline's output for one record, as the engine recorded it.
type Prediction struct {
	// Pipeline is the name of the pipeline.
	Pipeline string
	// Seq is the record's position in the replay (datasets.Record.Seq).
	Seq int
	// RecordID is the value of the dataset's id column, or the 1-based
	// position when the dataset declares none.
	RecordID string
	// Output is what the pipeline produced; zero when Err is set.
	Output Output
	// Latency is the recorded latency if the output carries one, otherwise
	// the measured wall time of Predict.
	Latency time.Duration
	// Err is the error text when the pipeline failed on this record.
	Err string
}

// Failed reports whether the pipeline failed on this record.
func (p Prediction) Failed() bool { return p.Err != "" }
