package engine

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/pipeline"
)

// Ledger is a run's spend ledger, spend.jsonl: every paid request is
// appended when it is sent and when its answer arrives, in one write each,
// so that a process killed at any moment leaves the spend and the answers
// it paid for on disk. Reopened by the next attempt of the run, it gives
// back the spend of every earlier attempt (a request that was in flight
// when its attempt stopped counts at its estimate: it may have been
// charged) and their answers, which the pipelines then use for free. It is
// safe for concurrent use.
type Ledger struct {
	mu      sync.Mutex
	f       *os.File
	path    string
	attempt int
	line    []byte
	err     error

	answers  map[string][]byte
	open     map[string]inflight // this attempt's requests in flight, by pipeline and key
	paid     float64             // every attempt's answers
	presumed float64             // requests of earlier attempts that never ended, at their estimates
	stopped  int                 // how many of those
	prior    float64             // spend of the earlier attempts (paid and presumed) when opened
}

type inflight struct {
	n   int
	est float64
}

// OpenLedger opens (creating it if needed) the ledger at path for a new
// attempt of the run, whose start line it appends with the attempt number
// after the file's last: start describes the process. A line torn by a
// crash is cut off first.
func OpenLedger(path string, start results.LedgerLine) (*Ledger, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	l := &Ledger{f: f, path: path, answers: map[string][]byte{}, open: map[string]inflight{}}
	if err := l.load(); err != nil {
		f.Close()
		return nil, err
	}
	l.prior = l.paid + l.presumed
	start.Event, start.Attempt = results.LedgerStart, l.attempt
	if err := l.append(start); err != nil {
		f.Close()
		return nil, err
	}
	if err := l.f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("sync %s: %w", path, err)
	}
	return l, nil
}

// load reads the earlier attempts' lines, cuts a torn last line, and leaves
// the file positioned for appending; l.attempt becomes the next attempt.
func (l *Ledger) load() error {
	lines, length, err := results.ReadLedger(l.f)
	if err != nil {
		return fmt.Errorf("read %s: %w", l.path, err)
	}
	if err := l.f.Truncate(length); err != nil {
		return fmt.Errorf("cut %s after its last complete line: %w", l.path, err)
	}
	if _, err := l.f.Seek(length, io.SeekStart); err != nil {
		return fmt.Errorf("%s: %w", l.path, err)
	}
	open := map[string]inflight{}
	last := 0
	for _, ln := range lines {
		k := fmt.Sprintf("%d\x00%s\x00%s", ln.Attempt, ln.Pipeline, ln.Key)
		switch ln.Event {
		case results.LedgerStart:
			last = max(last, ln.Attempt)
		case results.LedgerSent:
			o := open[k]
			o.n++
			o.est += ln.Estimate
			open[k] = o
		case results.LedgerPaid:
			l.paid += ln.Cost
			if ln.Answer != nil {
				l.answers[ln.Pipeline+"\x00"+ln.Key] = ln.Answer
			}
			closeOne(open, k)
		case results.LedgerFailed:
			closeOne(open, k)
		}
	}
	for _, o := range open {
		l.presumed += o.est
		l.stopped += o.n
	}
	l.attempt = last + 1
	return nil
}

// closeOne ends one request of open[k], with its share of the estimate.
func closeOne(open map[string]inflight, k string) {
	o, ok := open[k]
	if !ok {
		return
	}
	if o.n <= 1 {
		delete(open, k)
		return
	}
	o.est -= o.est / float64(o.n)
	o.n--
	open[k] = o
}

// Attempt is the number of this attempt of the run, from 1.
func (l *Ledger) Attempt() int { return l.attempt }

// Prior is the spend of the earlier attempts: what their answers cost and
// the estimates of their requests that never ended.
func (l *Ledger) Prior() float64 { return l.prior }

// InFlightAtStop counts the attempts of requests that were in flight when
// an earlier attempt of the run stopped (killed, or stopped with a call
// cut short): each counts at its estimate, as the provider may have
// charged it. Their records are replayed (from the cache when it holds
// the answer).
func (l *Ledger) InFlightAtStop() int { return l.stopped }

// Presumed is the part of the spend that is presumed: the estimates of
// requests that were in flight when an attempt stopped, and of this
// attempt's requests still in flight.
func (l *Ledger) Presumed() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.presumed
	for _, o := range l.open {
		p += o.est
	}
	return p
}

// Total is the spend of the run so far, every attempt included: answers
// paid, and requests in flight (or left in flight by a stop) at their
// estimates.
func (l *Ledger) Total() float64 {
	p := l.Presumed()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.paid + p
}

// Charged is the spend of the run that no longer depends on a request in
// flight now: every attempt's answers (and attempts charged without one),
// and the requests earlier attempts left in flight, at their estimates.
// The budget adds to it what the calls in flight now may cost.
func (l *Ledger) Charged() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.paid + l.presumed
}

// Err is the first error writing the ledger: from then on, spend can no
// longer be accounted for durably, and the replay stops.
func (l *Ledger) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Sync makes the ledger durable on disk (power loss included).
func (l *Ledger) Sync() error {
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", l.path, err)
	}
	return nil
}

// Close syncs and closes the file.
func (l *Ledger) Close() error {
	return errors.Join(l.Sync(), l.f.Close())
}

// For returns the ledger as the named pipeline uses it.
func (l *Ledger) For(pipelineName string) pipeline.Ledger {
	return pipeLedger{l: l, name: pipelineName}
}

func (l *Ledger) record(ln results.LedgerLine) {
	ln.Attempt = l.attempt
	k := ln.Pipeline + "\x00" + ln.Key
	l.mu.Lock()
	defer l.mu.Unlock()
	switch ln.Event {
	case results.LedgerSent:
		o := l.open[k]
		o.n++
		o.est += ln.Estimate
		l.open[k] = o
	case results.LedgerPaid:
		l.paid += ln.Cost
		closeOne(l.open, k)
		if ln.Answer != nil {
			// Within the run an answer is never paid for twice, even
			// without the response cache.
			l.answers[k] = ln.Answer
		}
	case results.LedgerFailed:
		closeOne(l.open, k)
	}
	if l.err == nil {
		l.err = l.appendLocked(ln)
	}
}

func (l *Ledger) append(ln results.LedgerLine) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.appendLocked(ln)
}

// appendLocked writes one line in one write call: a kill leaves it whole
// or torn, never interleaved with another. l.mu is held.
func (l *Ledger) appendLocked(ln results.LedgerLine) error {
	l.line = results.AppendLedgerLine(l.line[:0], ln)
	if _, err := l.f.Write(l.line); err != nil {
		return fmt.Errorf("write %s: %w", l.path, err)
	}
	return nil
}

func (l *Ledger) answer(pipelineName, key string) ([]byte, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.answers[pipelineName+"\x00"+key]
	return b, ok
}

// pipeLedger is a Ledger bound to one pipeline.
type pipeLedger struct {
	l    *Ledger
	name string
}

func (p pipeLedger) Answer(key string) ([]byte, bool) { return p.l.answer(p.name, key) }

func (p pipeLedger) Sent(key string, estimate float64) {
	p.l.record(results.LedgerLine{Event: results.LedgerSent, Pipeline: p.name, Key: key, Estimate: estimate})
}

func (p pipeLedger) Paid(key string, cost float64, answer []byte) {
	p.l.record(results.LedgerLine{Event: results.LedgerPaid, Pipeline: p.name, Key: key, Cost: cost, Answer: answer})
}

func (p pipeLedger) Failed(key string) {
	p.l.record(results.LedgerLine{Event: results.LedgerFailed, Pipeline: p.name, Key: key})
}
