package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/poc-harness/poc/datasets"
)

// Cache stores answers by key so that a rerun of a finished experiment calls
// no API. Implementations are safe for concurrent use; a Put is durable
// before it returns (a paid answer survives a crash right after it).
type Cache interface {
	// Get returns the value stored under key, and whether there is one.
	Get(key string) ([]byte, bool, error)
	// Put stores value under key.
	Put(key string, value []byte) error
}

// CacheKey derives a cache key from everything that determines an answer —
// pipeline type, provider, model, parameters, the rendered request — as the
// hex SHA-256 of their JSON encoding. Secrets must never be among parts.
func CacheKey(parts ...any) string {
	b, err := json.Marshal(parts)
	if err != nil {
		// parts are plain values built by the caller; a failure here is a bug.
		panic("pipeline: CacheKey: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Estimate is what one record is expected to cost a pipeline, without
// calling anything: for `poc plan` and for the run's budget.
type Estimate struct {
	// InputTokens and OutputTokens are the expected token counts.
	InputTokens  int
	OutputTokens int
	// Cost is the expected cost of the record in the experiment's currency.
	Cost float64
	// MaxCost is the most the record can cost (the answer at its token
	// limit), or 0 when nothing bounds it.
	MaxCost float64
}

// Reserve is what the budget holds back for a call before it is made: the
// most it can cost when that is known, else its expected cost.
func (e Estimate) Reserve() float64 { return max(e.Cost, e.MaxCost) }

// Estimator is implemented by pipelines that cost money or time per record
// (LLM and HTTP models). The engine reserves Estimate(rec).Reserve()
// against the run's budget before calling Predict, so that the calls in
// flight can never take the spend past it. Like Predict, Estimate may be
// called concurrently, for different records.
type Estimator interface {
	Estimate(rec datasets.Record) (Estimate, error)
}

// Throughput is implemented by pipelines that limit their own pace; `poc
// plan` uses it to estimate the wall time of a run, and the engine to size
// its worker pool.
type Throughput interface {
	// Concurrency is the number of calls the pipeline makes at once.
	Concurrency() int
	// RequestsPerMinute is the client-side request limit (0 for none).
	RequestsPerMinute() float64
	// ExpectedLatency is the assumed time of one call, for planning.
	ExpectedLatency() time.Duration
}

// Privacy pseudonymises record text before it leaves the machine and
// restores the answer locally. A Session covers one record, so the same
// value gets the same token (<EMAIL_1>) everywhere in that record's request.
type Privacy interface {
	Session() PrivacySession
}

// QuietPrivacy is implemented by a Privacy that counts what its sessions
// replace (for the manifest): QuietSession pseudonymises the same way
// without counting, for estimates (`poc plan`, the budget's reservation)
// that redact text which is never sent.
type QuietPrivacy interface {
	Privacy
	QuietSession() PrivacySession
}

// PrivacySession pseudonymises the text of one record.
type PrivacySession interface {
	// Redact replaces every detected value by its stable token.
	Redact(text string) string
	// Restore maps the tokens of an answer back to the original values.
	Restore(text string) string
}

// Checker is implemented by pipelines that need something at run time that
// validation and planning do not: an API key, a subprocess that starts. The
// runner calls Check before the replay and stops at once with its error,
// which must say what to do ("set OPENAI_API_KEY").
type Checker interface {
	Check(ctx context.Context) error
}

// A pipeline holding resources (a subprocess, connections) also implements
// io.Closer; the runner closes it after the replay.

// Remote is implemented by pipelines that send record data over the
// network. The loader warns when such a pipeline runs without an allow-list
// of base URLs, and the report names the endpoints.
type Remote interface {
	// Endpoint is the base URL the pipeline calls.
	Endpoint() string
}
