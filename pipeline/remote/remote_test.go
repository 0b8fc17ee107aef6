package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

var _ net.Error = timeoutErr{}

func TestRetryable(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"429", &StatusError{Code: 429}, true},
		{"408", &StatusError{Code: 408}, true},
		{"409", &StatusError{Code: 409}, true},
		{"500", &StatusError{Code: 500}, true},
		{"503 wrapped", fmt.Errorf("call: %w", &StatusError{Code: 503}), true},
		{"400", &StatusError{Code: 400}, false},
		{"401", &StatusError{Code: 401}, false},
		{"404", &StatusError{Code: 404}, false},
		{"malformed", &MalformedError{Err: errors.New("bad json")}, true},
		{"attempt deadline", fmt.Errorf("post: %w", context.DeadlineExceeded), true},
		{"cancelled", fmt.Errorf("post: %w", context.Canceled), false},
		{"net timeout", &net.OpError{Op: "read", Err: timeoutErr{}}, true},
		{"reset", &net.OpError{Op: "read", Err: syscall.ECONNRESET}, true},
		{"refused", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, true},
		{"eof", fmt.Errorf("read: %w", io.EOF), true},
		{"unexpected eof", io.ErrUnexpectedEOF, true},
		{"reset text", errors.New("read tcp: connection reset by peer"), true},
		{"other", errors.New("invalid model"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Retryable(tt.err); got != tt.want {
				t.Errorf("Retryable(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		h    string
		want time.Duration
	}{
		{"", 0},
		{"  ", 0},
		{"0", 0},
		{"-3", 0},
		{"7", 7 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"0.25", 250 * time.Millisecond},
		{"soon", 0},
		{now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"Sat, 01 Mar 2025 12:01:00 GMT", time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.h, func(t *testing.T) {
			if got := ParseRetryAfter(tt.h, now); got != tt.want {
				t.Errorf("ParseRetryAfter(%q) = %v, want %v", tt.h, got, tt.want)
			}
		})
	}
}

func TestStatusErrorText(t *testing.T) {
	long := strings.Repeat("x", 500)
	tests := []struct {
		err  *StatusError
		want string
	}{
		{&StatusError{Code: 429, Body: `{"error":"slow down"}`}, `HTTP 429: {"error":"slow down"}`},
		{&StatusError{Code: 503}, "HTTP 503: Service Unavailable"},
		{&StatusError{Code: 500, Body: long}, "HTTP 500: " + strings.Repeat("x", 200) + "…"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

// fakeClock is a manual clock; sleeping advances it and records the wait.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func (f *fakeClock) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

func (f *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	f.sleeps = append(f.sleeps, d)
	f.t = f.t.Add(d)
	f.mu.Unlock()
	return ctx.Err()
}

func newFakeCaller(p Policy, r float64) (*Caller, *fakeClock) {
	c := NewCaller(p)
	fc := &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	c.now, c.sleep, c.rnd = fc.now, fc.sleep, func() float64 { return r }
	return c, fc
}

// failing returns an attempt that fails with errs in turn, then succeeds.
func failing(errs ...error) (func(context.Context) error, *int) {
	n := 0
	return func(context.Context) error {
		n++
		if n <= len(errs) {
			return errs[n-1]
		}
		return nil
	}, &n
}

func TestDoRetries(t *testing.T) {
	e500 := &StatusError{Code: 500, Body: "oops"}
	e400 := &StatusError{Code: 400, Body: "bad request"}
	tests := []struct {
		name         string
		policy       Policy
		errs         []error
		wantAttempts int
		wantErr      error
		wantSleeps   []time.Duration
	}{
		{"first try", Policy{}, nil, 1, nil, nil},
		{"exponential backoff", Policy{BaseBackoff: 100 * time.Millisecond, MaxBackoff: time.Second},
			[]error{e500, e500, e500}, 4, nil,
			[]time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond}},
		{"backoff capped", Policy{BaseBackoff: 100 * time.Millisecond, MaxBackoff: 150 * time.Millisecond},
			[]error{e500, e500, e500}, 4, nil,
			[]time.Duration{100 * time.Millisecond, 150 * time.Millisecond, 150 * time.Millisecond}},
		{"retries exhausted", Policy{Retries: 2, BaseBackoff: time.Millisecond},
			[]error{e500, e500, e500, e500}, 3, e500, []time.Duration{time.Millisecond, 2 * time.Millisecond}},
		{"no retries", Policy{Retries: -1}, []error{e500}, 1, e500, nil},
		{"not retryable", Policy{}, []error{e400}, 1, e400, nil},
		{"retry-after honoured", Policy{BaseBackoff: time.Millisecond},
			[]error{&StatusError{Code: 429, RetryAfter: 3 * time.Second}}, 2, nil,
			[]time.Duration{3*time.Second + time.Millisecond}},
		{"malformed retried", Policy{BaseBackoff: time.Millisecond},
			[]error{&MalformedError{Err: io.ErrUnexpectedEOF}}, 2, nil, []time.Duration{time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, fc := newFakeCaller(tt.policy, 1)
			attempt, _ := failing(tt.errs...)
			n, err := c.Do(context.Background(), 0, attempt)
			if n != tt.wantAttempts {
				t.Errorf("attempts = %d, want %d", n, tt.wantAttempts)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if fmt.Sprint(fc.sleeps) != fmt.Sprint(tt.wantSleeps) {
				t.Errorf("sleeps = %v, want %v", fc.sleeps, tt.wantSleeps)
			}
		})
	}
}

func TestRetryAfterBeyondTheLimitFailsAtOnce(t *testing.T) {
	quota := &StatusError{Code: 429, RetryAfter: time.Hour, Body: "daily quota exhausted"}
	c, fc := newFakeCaller(Policy{BaseBackoff: time.Millisecond}, 1)
	attempt, _ := failing(quota)
	n, err := c.Do(context.Background(), 0, attempt)
	if n != 1 || !errors.Is(err, quota) || len(fc.sleeps) != 0 {
		t.Fatalf("attempts %d, sleeps %v, err %v; want one attempt, no wait, the 429", n, fc.sleeps, err)
	}
	if !strings.Contains(err.Error(), "asks to wait 1h0m0s") || !strings.Contains(err.Error(), "5m0s") {
		t.Errorf("error %q does not name the wait and the limit", err)
	}
}

func TestFullJitter(t *testing.T) {
	c, fc := newFakeCaller(Policy{BaseBackoff: 100 * time.Millisecond}, 0.5)
	attempt, _ := failing(&StatusError{Code: 502}, &StatusError{Code: 502})
	if _, err := c.Do(context.Background(), 0, attempt); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{50 * time.Millisecond, 100 * time.Millisecond}
	if fmt.Sprint(fc.sleeps) != fmt.Sprint(want) {
		t.Errorf("sleeps = %v, want %v", fc.sleeps, want)
	}
}

func TestAttemptTimeout(t *testing.T) {
	c := NewCaller(Policy{Timeout: 20 * time.Millisecond, BaseBackoff: time.Millisecond})
	calls := 0
	start := time.Now()
	n, err := c.Do(context.Background(), 0, func(ctx context.Context) error {
		calls++
		if calls == 1 {
			<-ctx.Done() // hang until the attempt's deadline
			return ctx.Err()
		}
		return nil
	})
	if err != nil || n != 2 {
		t.Fatalf("Do = %d, %v; want 2 attempts, no error", n, err)
	}
	if d := time.Since(start); d < 20*time.Millisecond || d > 2*time.Second {
		t.Errorf("took %v", d)
	}

	// Every attempt times out: the error says so.
	c = NewCaller(Policy{Timeout: 5 * time.Millisecond, Retries: 1, BaseBackoff: time.Millisecond})
	n, err = c.Do(context.Background(), 0, func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
	if n != 2 || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timed out after 5ms") {
		t.Errorf("Do = %d, %v", n, err)
	}
}

func TestCancellation(t *testing.T) {
	t.Run("during backoff", func(t *testing.T) {
		c := NewCaller(Policy{BaseBackoff: 10 * time.Second, MaxBackoff: 10 * time.Second})
		c.rnd = func() float64 { return 1 }
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Millisecond, cancel)
		start := time.Now()
		n, err := c.Do(ctx, 0, func(context.Context) error { return &StatusError{Code: 503} })
		if !errors.Is(err, context.Canceled) || n != 1 {
			t.Errorf("Do = %d, %v; want 1 attempt, context.Canceled", n, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("cancellation took %v", d)
		}
	})
	t.Run("during attempt", func(t *testing.T) {
		c := NewCaller(Policy{})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(10*time.Millisecond, cancel)
		n, err := c.Do(ctx, 0, func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
		if err != context.Canceled || n != 1 {
			t.Errorf("Do = %d, %v; want 1 attempt, context.Canceled", n, err)
		}
	})
	t.Run("waiting for a slot", func(t *testing.T) {
		c := NewCaller(Policy{Concurrency: 1})
		hold, held := make(chan struct{}), make(chan struct{})
		go c.Do(context.Background(), 0, func(context.Context) error { close(held); <-hold; return nil })
		<-held
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel()
		n, err := c.Do(ctx, 0, func(context.Context) error { t.Error("attempt ran without a slot"); return nil })
		if err != context.DeadlineExceeded || n != 0 {
			t.Errorf("Do = %d, %v; want 0 attempts, context.DeadlineExceeded", n, err)
		}
		close(hold)
		// The slot is free again.
		if _, err := c.Do(context.Background(), 0, func(context.Context) error { return nil }); err != nil {
			t.Error(err)
		}
	})
	t.Run("already cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		n, err := NewCaller(Policy{}).Do(ctx, 0, func(context.Context) error { return nil })
		if err != context.Canceled || n != 0 {
			t.Errorf("Do = %d, %v", n, err)
		}
	})
}

func TestConcurrencyBound(t *testing.T) {
	c := NewCaller(Policy{Concurrency: 3})
	var cur, peak atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Do(context.Background(), 0, func(context.Context) error {
				n := cur.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				time.Sleep(5 * time.Millisecond)
				cur.Add(-1)
				return nil
			})
		}()
	}
	wg.Wait()
	if p := peak.Load(); p != 3 {
		t.Errorf("peak in flight = %d, want 3", p)
	}
}

// pacing runs n calls of tokens each from many goroutines and returns when
// each call started, relative to the first.
func pacing(t *testing.T, c *Caller, n, tokens int) []time.Duration {
	t.Helper()
	var mu sync.Mutex
	var at []time.Duration
	start := time.Now()
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Do(context.Background(), tokens, func(context.Context) error {
				mu.Lock()
				at = append(at, time.Since(start))
				mu.Unlock()
				return nil
			})
		}()
	}
	wg.Wait()
	return at
}

// inWindow counts the calls started in [from, to).
func inWindow(at []time.Duration, from, to time.Duration) int {
	n := 0
	for _, d := range at {
		if d >= from && d < to {
			n++
		}
	}
	return n
}

func TestRequestsPerMinute(t *testing.T) {
	// 3000/min = 50/s with a burst of 50: 80 calls take about 0.6s.
	c := NewCaller(Policy{Concurrency: 100, RequestsPerMinute: 3000})
	at := pacing(t, c, 80, 0)
	if n := inWindow(at, 0, 100*time.Millisecond); n > 50+5+1 {
		t.Errorf("%d calls in the first 100ms, want at most the burst of 50 plus 5", n)
	}
	if n := inWindow(at, 200*time.Millisecond, 400*time.Millisecond); n < 7 || n > 12 {
		t.Errorf("%d calls in [200ms, 400ms), want about 10", n)
	}
	if n := inWindow(at, 0, time.Hour); n != 80 {
		t.Errorf("%d calls, want 80", n)
	}
}

func TestTokensPerMinute(t *testing.T) {
	// 60000 tokens/min = 1000/s, burst 1000; 100-token calls: 10/s after 10.
	c := NewCaller(Policy{Concurrency: 100, TokensPerMinute: 60000})
	at := pacing(t, c, 16, 100)
	if n := inWindow(at, 0, 50*time.Millisecond); n > 11 {
		t.Errorf("%d calls in the first 50ms, want the burst of 10", n)
	}
	last := at[len(at)-1]
	if last < 500*time.Millisecond || last > 900*time.Millisecond {
		t.Errorf("last call at %v, want about 600ms", last)
	}
}
