package remote

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Policy is how a Caller paces, bounds and retries its calls. Zero fields
// take the documented defaults.
type Policy struct {
	// Concurrency is the most calls in flight (default 4). The adaptive
	// limit starts here, halves under overload and recovers to it (see
	// Caller).
	Concurrency int
	// RequestsPerMinute limits attempts per minute (0 = unlimited).
	RequestsPerMinute float64
	// TokensPerMinute limits the expected tokens sent per minute
	// (0 = unlimited).
	TokensPerMinute float64
	// Timeout bounds one attempt (default 60s).
	Timeout time.Duration
	// Retries is the number of extra attempts after the first (default 4;
	// a negative value means none).
	Retries int
	// BaseBackoff is the first backoff ceiling; it doubles per retry
	// (default 250ms).
	BaseBackoff time.Duration
	// MaxBackoff caps the backoff ceiling (default 30s). A Retry-After sent
	// by the server is honoured even when longer, up to MaxRetryAfter.
	MaxBackoff time.Duration
	// MaxRetryAfter is the longest Retry-After a request waits for (default
	// 5 minutes). A server asking for longer (an exhausted daily quota, say)
	// fails the request at once with that wait named, rather than stalling
	// the run; the run's error budget then stops a broken endpoint.
	MaxRetryAfter time.Duration
}

// Defaults of Policy.
const (
	DefaultConcurrency = 4
	DefaultTimeout     = 60 * time.Second
	DefaultRetries     = 4
	DefaultBaseBackoff = 250 * time.Millisecond
	DefaultMaxBackoff  = 30 * time.Second
	// DefaultMaxRetryAfter is the default of Policy.MaxRetryAfter.
	DefaultMaxRetryAfter = 5 * time.Minute
)

// The adaptive limit. Outcomes (successes and 429s) are judged in windows
// of at least minWindow, and at least the limit's worth: a 429 halves the
// limit only when 429s are at least overloadShare of the window's outcomes
// and clearly above the background share — at least twice it, and
// clearlyAbove standard errors above it. The background is the moving
// average of the windows' shares (from a prior of half the overload
// share), taken to be at most maxBackground: a sprinkle of 429s (a
// provider's noise) is retried without shrinking the limit, which would
// otherwise collapse throughput, while an overload, which raises the share
// as the calls in flight grow, halves it however long it lasts.
//
// Each success adds recoveryStep to the limit, so that a cut made in error,
// or a short overload, costs a few rounds of calls — unless the 429s of the
// current window so far are overloadShare of its outcomes or more, and
// twice the background: the limit does not grow into an overload while its
// window fills.
const (
	minWindow        = 32
	overloadShare    = 0.10
	clearlyAbove     = 3.0
	backgroundWeight = 1.0 / 8 // of a window in the background share
	priorBackground  = overloadShare / 2
	maxBackground    = overloadShare
	recoveryStep     = 0.25
)

// WithDefaults returns p with its zero fields set to the defaults.
func (p Policy) WithDefaults() Policy {
	if p.Concurrency <= 0 {
		p.Concurrency = DefaultConcurrency
	}
	if p.Timeout <= 0 {
		p.Timeout = DefaultTimeout
	}
	switch {
	case p.Retries == 0:
		p.Retries = DefaultRetries
	case p.Retries < 0:
		p.Retries = 0
	}
	if p.BaseBackoff <= 0 {
		p.BaseBackoff = DefaultBaseBackoff
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = DefaultMaxBackoff
	}
	if p.MaxBackoff < p.BaseBackoff {
		p.MaxBackoff = p.BaseBackoff
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = DefaultMaxRetryAfter
	}
	return p
}

// Caller runs logical requests under a Policy. It is safe for concurrent
// use; one Caller serves one pipeline (one provider account).
//
// The calls in flight are bounded by an adaptive limit, from 1 to
// Policy.Concurrency: it halves when the 429s of a window of outcomes show
// an overload (well above the background share of 429s, see overloadShare)
// and grows by a quarter call per success while they do not. Outcomes of
// attempts sent before the last cut are not judged: they tell of the limit
// before it.
type Caller struct {
	policy Policy
	rpm    *rate.Limiter // nil when unlimited
	tpm    *rate.Limiter // nil when unlimited

	mu         sync.Mutex
	limit      float64         // adaptive concurrency limit, in [1, Concurrency]
	inflight   int             // slots taken
	waiters    []chan struct{} // FIFO; a granted waiter's channel is closed
	lastCut    time.Time       // when the limit was last halved
	winOK      int             // successes in the current window
	winThr     int             // 429s in the current window
	background float64         // moving average of the windows' 429 share

	// Injectable for tests.
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
	rnd   func() float64
}

// NewCaller returns a Caller for p (defaults applied).
func NewCaller(p Policy) *Caller {
	p = p.WithDefaults()
	c := &Caller{
		policy:     p,
		limit:      float64(p.Concurrency),
		background: priorBackground,
		now:        time.Now,
		sleep:      sleepCtx,
		rnd:        rand.Float64,
	}
	if p.RequestsPerMinute > 0 {
		// A second's worth of burst: providers enforce their per-minute
		// limits over shorter windows too.
		c.rpm = rate.NewLimiter(rate.Limit(p.RequestsPerMinute/60), max(1, int(p.RequestsPerMinute/60)))
	}
	if p.TokensPerMinute > 0 {
		c.tpm = rate.NewLimiter(rate.Limit(p.TokensPerMinute/60), max(1, int(p.TokensPerMinute/60)))
	}
	return c
}

// Policy returns the policy in force, defaults applied.
func (c *Caller) Policy() Policy { return c.policy }

// Limit returns the current adaptive concurrency limit.
func (c *Caller) Limit() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.slots()
}

// slots is the whole number of calls allowed in flight; c.mu is held.
func (c *Caller) slots() int {
	return max(1, int(c.limit))
}

// Do runs one logical request. Each attempt waits for a concurrency slot
// (adaptive), then for the RPM and TPM limiters (tokens is the request's
// expected token count), then calls attempt with a context carrying the
// per-attempt timeout. Retryable errors are retried with exponential backoff
// and full jitter, or after the Retry-After the error carries; the slot is
// given back while waiting. Do returns the number of attempts made and the
// last error. When ctx is done, Do stops at once and returns ctx.Err().
func (c *Caller) Do(ctx context.Context, tokens int, attempt func(ctx context.Context) error) (attempts int, err error) {
	for {
		if err := ctx.Err(); err != nil {
			return attempts, err
		}
		if err := c.acquire(ctx); err != nil {
			return attempts, err
		}
		if err := c.pace(ctx, tokens); err != nil {
			c.release()
			if ctx.Err() != nil {
				return attempts, ctx.Err()
			}
			return attempts, err
		}
		attempts++
		actx, cancel := context.WithTimeout(ctx, c.policy.Timeout)
		start := c.now()
		err = attempt(actx)
		timedOut := actx.Err() == context.DeadlineExceeded
		cancel()
		c.release()
		if err == nil {
			c.onSuccess(start)
			return attempts, nil
		}
		if ctx.Err() != nil {
			return attempts, ctx.Err()
		}
		if timedOut {
			err = fmt.Errorf("attempt timed out after %s: %w", c.policy.Timeout, err)
		}
		if _, ok := throttled(err); ok {
			c.onThrottle(start)
		}
		if !Retryable(err) || attempts > c.policy.Retries {
			return attempts, err
		}
		if ra := retryAfter(err); ra > c.policy.MaxRetryAfter {
			return attempts, fmt.Errorf("%w (the server asks to wait %s before retrying, longer than the %s a request waits)",
				err, ra, c.policy.MaxRetryAfter)
		}
		if serr := c.sleep(ctx, c.backoff(attempts, err)); serr != nil {
			return attempts, ctx.Err()
		}
	}
}

// backoff returns the wait before the attempt after the n-th: Retry-After
// when the error carries one (plus a little jitter so waiting callers do not
// return together), otherwise a uniform draw in [0, min(MaxBackoff,
// BaseBackoff·2^(n-1))] — "full jitter".
func (c *Caller) backoff(n int, err error) time.Duration {
	if ra := retryAfter(err); ra > 0 {
		return ra + time.Duration(c.rnd()*float64(min(ra/10, c.policy.BaseBackoff)))
	}
	ceiling := float64(c.policy.BaseBackoff) * math.Pow(2, float64(n-1))
	ceiling = math.Min(ceiling, float64(c.policy.MaxBackoff))
	return time.Duration(c.rnd() * ceiling)
}

// pace waits for the request and token limiters.
func (c *Caller) pace(ctx context.Context, tokens int) error {
	if c.rpm != nil {
		if err := c.rpm.Wait(ctx); err != nil {
			return fmt.Errorf("requests-per-minute limit: %w", err)
		}
	}
	if c.tpm != nil && tokens > 0 {
		// A request larger than the bucket waits for a full bucket.
		if err := c.tpm.WaitN(ctx, min(tokens, c.tpm.Burst())); err != nil {
			return fmt.Errorf("tokens-per-minute limit: %w", err)
		}
	}
	return nil
}

// acquire takes a concurrency slot, waiting in FIFO order.
func (c *Caller) acquire(ctx context.Context) error {
	c.mu.Lock()
	if c.inflight < c.slots() && len(c.waiters) == 0 {
		c.inflight++
		c.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	c.waiters = append(c.waiters, ch)
	c.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		select {
		case <-ch: // granted meanwhile: give the slot back
			c.inflight--
			c.grant()
		default:
			for i, w := range c.waiters {
				if w == ch {
					c.waiters = append(c.waiters[:i], c.waiters[i+1:]...)
					break
				}
			}
		}
		c.mu.Unlock()
		return ctx.Err()
	}
}

// release gives a slot back.
func (c *Caller) release() {
	c.mu.Lock()
	c.inflight--
	c.grant()
	c.mu.Unlock()
}

// grant hands free slots to waiters; c.mu is held.
func (c *Caller) grant() {
	for len(c.waiters) > 0 && c.inflight < c.slots() {
		ch := c.waiters[0]
		c.waiters[0] = nil
		c.waiters = c.waiters[1:]
		c.inflight++
		close(ch)
	}
}

// onSuccess counts a success of an attempt sent at sent, which adds
// recoveryStep to the limit (up to Policy.Concurrency) unless the current
// window's 429s so far look like an overload (see recoveryStep).
func (c *Caller) onSuccess(sent time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.observe(sent, false) {
		return
	}
	if float64(c.winThr) < max(overloadShare, 2*c.background)*float64(c.winOK+c.winThr) {
		c.limit = math.Min(c.limit+recoveryStep, float64(c.policy.Concurrency))
		c.grant()
	}
}

// onThrottle counts a 429 of an attempt sent at sent.
func (c *Caller) onThrottle(sent time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.observe(sent, true)
}

// observe adds an outcome to the window and judges the window once it
// holds max(minWindow, limit) outcomes: an overload halves the limit (not
// below 1). It reports false for an outcome of an attempt sent before the
// last cut, which it ignores. c.mu is held.
func (c *Caller) observe(sent time.Time, throttled bool) bool {
	if sent.Before(c.lastCut) {
		return false
	}
	if throttled {
		c.winThr++
	} else {
		c.winOK++
	}
	n := c.winOK + c.winThr
	if n < max(minWindow, c.slots()) {
		return true
	}
	share := float64(c.winThr) / float64(n)
	bg := c.background
	overload := share >= overloadShare && share >= 2*bg &&
		share >= bg+clearlyAbove*math.Sqrt(bg*(1-bg)/float64(n))
	c.background = min(maxBackground, bg+backgroundWeight*(share-bg))
	c.winOK, c.winThr = 0, 0
	if overload {
		c.limit = math.Max(1, c.limit/2)
		c.lastCut = c.now()
	}
	return true
}

// sleepCtx waits for d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
