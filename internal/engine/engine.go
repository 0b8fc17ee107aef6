package engine

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
)

// Pipe is one pipeline to replay, under its name in the experiment.
type Pipe struct {
	Name     string
	Pipeline pipeline.Pipeline
}

// Options tune a replay.
type Options struct {
	// Concurrency is the number of predictions made at once. The default is
	// the number of CPUs, or twice the sum of the pipelines' own concurrency
	// (pipeline.Throughput) when that is larger.
	Concurrency int
	// Label is the dataset's label column; its canonical value is the truth
	// the metrics compare against.
	Label string
	// ID is the dataset's id column ("" for none: the 1-based position is used).
	ID string
	// Journal, when set, receives one JSON line per prediction, in record
	// order, flushed after every batch of records.
	Journal io.Writer
	// Progress, when set, is called from the writer at most every
	// ProgressEvery, and once at the end.
	Progress func(Progress)
	// ProgressEvery is the least time between two Progress calls (default 200ms).
	ProgressEvery time.Duration
	// Now is the clock used for latencies (default time.Now).
	Now func() time.Time
	// BatchSize is the number of records journaled together (default 128,
	// or 8 when a pipeline paces itself, such as an LLM).
	BatchSize int

	// MaxCost stops the replay before the most the next call can cost
	// (pipeline.Estimator) would take the run's spend beyond it; 0 for no
	// limit. The run's spend is PriorSpent, what this replay's calls cost,
	// and — with a Ledger — what the ledger records of every attempt.
	MaxCost float64
	// PriorSpent is the spend of the run's earlier attempts.
	PriorSpent float64
	// MaxErrorRate stops the replay when a pipeline has failed on more than
	// this share of records, once MinRecords records are done; 0 for none.
	MaxErrorRate float64
	// MinRecords is the number of records before MaxErrorRate applies.
	MinRecords int

	// Segments are columns whose value the result keeps for every record,
	// so that metrics can be judged segment by segment; they are journaled
	// with every prediction, as is the Time column, for the report's plots.
	Segments []string
	// Time is the dataset's time column ("" for none).
	Time string
	// Keep are columns whose every value the result keeps (Result.Kept):
	// the ones the analysis after the replay reads.
	Keep []string
	// Expect, when positive, is how many records the replay is expected to
	// hold (the load's count): what it keeps of every record is sized for
	// them at once. A wrong count costs only memory.
	Expect int

	// Prior returns the predictions of every pipeline for record seq when an
	// earlier attempt of the same run journaled them (resume). A failed
	// prediction among them is made again; the others are used as they
	// are. Records before Journaled are in the journal already and are not
	// journaled again; the others are.
	Prior func(seq int) ([]pipeline.Prediction, bool)
	// Journaled is the number of records the journal holds already (resume).
	Journaled int

	// Ledger, when set, records every paid call as it happens; it is
	// synced with the journal. Pipelines that pay for calls and use no
	// ledger of their own (pipeline.LedgerUser) are recorded by the engine,
	// per record.
	Ledger *Ledger
	// Secrets are the configured secret values (API keys, header tokens)
	// of the pipelines and metrics: every text of a prediction — the
	// answer, its raw form, its fields, its error — has them replaced by
	// "[secret]" before anything keeps or writes it.
	Secrets []string
	// SyncEvery is the longest time between two syncs of the journal and
	// the ledger to disk while records are written (default 1s): on power
	// loss, at most this much of the finished records is lost. A kill of
	// the process loses nothing that was written.
	SyncEvery time.Duration
}

// DefaultSyncEvery is the default of Options.SyncEvery.
const DefaultSyncEvery = time.Second

// Progress is a snapshot of a replay for a progress display.
type Progress struct {
	// Records is the number of records finished (and journaled).
	Records int
	// Failures counts failed predictions, all pipelines together.
	Failures int
	// Cached counts predictions answered from the response cache.
	Cached int
	// Spent is the cost of the calls made so far (cached answers are free).
	Spent float64
	// Elapsed is the time since the replay started.
	Elapsed time.Duration
	// Done is true for the last call.
	Done bool
}

// Stop says why a replay ended before the end of the data.
type Stop string

// The reasons a replay stops early.
const (
	// Interrupted: the context was cancelled (Ctrl-C).
	Interrupted Stop = "interrupted"
	// BudgetExhausted: the next call would have exceeded Options.MaxCost.
	BudgetExhausted Stop = "budget"
	// TooManyErrors: a pipeline exceeded Options.MaxErrorRate.
	TooManyErrors Stop = "errors"
)

// Result is what a replay produced, apart from the journal.
type Result struct {
	// Records is the number of records replayed through every pipeline.
	Records int
	// Accumulators[p][m] holds metric m for pipeline p, in the order given.
	Accumulators [][]metrics.Accumulator
	// Failures[p] counts the records on which pipeline p failed.
	Failures []int
	// FailureExamples[p] keeps the first few failures of pipeline p.
	FailureExamples [][]pipeline.Prediction
	// Unparseable[p] counts the answers of pipeline p that could not be parsed.
	Unparseable []int
	// UnparseableExamples[p] keeps the first few of them.
	UnparseableExamples [][]pipeline.Prediction
	// Cached[p] counts the answers of pipeline p that came from the cache.
	Cached []int
	// Resumed counts the records taken from an earlier attempt's journal.
	Resumed int
	// Retried counts the predictions an earlier attempt journaled as
	// failed that this replay made again.
	Retried int
	// Spent is the cost of the calls this replay made (cached and resumed
	// answers cost nothing now).
	Spent float64
	// LabelCounts counts the records by true label.
	LabelCounts map[string]int
	// Segments holds, for each column of Options.Segments, every record's
	// value (in replay order), coded against the column's dictionary.
	Segments []SegmentColumn
	// Stopped says why the replay ended early ("" when it read all records).
	Stopped Stop
	// StopDetail explains Stopped in a sentence.
	StopDetail string
	// Interrupted reports that the replay did not reach the end of the data.
	Interrupted bool
	// Started and Finished bound the replay in wall time.
	Started, Finished time.Time
	// Predictions are the journal's columns, collected as it was written
	// (records resumed from an earlier attempt included), so that the
	// analysis and the reports need not parse the journal again.
	Predictions *results.Predictions
	// Kept holds, for each column of Options.Keep, every record's value in
	// replay order, so that the analysis need not read the dataset again.
	Kept map[string]*Column
}

// SegmentColumn is the value of one segment column for every record.
type SegmentColumn struct {
	// Column is the dataset column.
	Column string
	// Values is the dictionary of the column's values, in order of first
	// appearance; Codes[i] indexes it for record i.
	Values []string
	Codes  []int32
	index  map[string]int32
}

// Positions returns, for each value of the column, the positions of the
// records that have it.
func (c *SegmentColumn) Positions() map[string][]int {
	pos := c.PositionsIn(nil)
	out := make(map[string][]int, len(c.Values))
	for code, v := range c.Values {
		if len(pos[code]) > 0 {
			out[v] = pos[code]
		}
	}
	return out
}

// PositionsIn returns, value by value in the order of Values, the
// positions of the records that have it among those keep marks (every
// record when keep is nil), each list sized once: appends would hold up
// to twice the positions.
func (c *SegmentColumn) PositionsIn(keep []bool) [][]int {
	counts := make([]int, len(c.Values))
	for i, code := range c.Codes {
		if keep == nil || keep[i] {
			counts[code]++
		}
	}
	pos := make([][]int, len(c.Values))
	for code, n := range counts {
		pos[code] = make([]int, 0, n)
	}
	for i, code := range c.Codes {
		if keep == nil || keep[i] {
			pos[code] = append(pos[code], i)
		}
	}
	return pos
}

func (c *SegmentColumn) add(v string) {
	code, ok := c.index[v]
	if !ok {
		code = int32(len(c.Values))
		c.index[v] = code
		c.Values = append(c.Values, v)
	}
	c.Codes = append(c.Codes, code)
}

// maxExamples is how many failures and unparseable answers per pipeline the
// result keeps.
const maxExamples = 20

type batch struct {
	seq     int
	records []datasets.Record
	preds   [][]pipeline.Prediction // [record][pipe]
	prior   []bool                  // every prediction of the record came from Prior
	// journaled marks records the journal holds already (resume).
	journaled []bool
	retried   int          // failed predictions of an earlier attempt made again
	pending   atomic.Int64 // tasks not yet finished
	// all holds preds' rows, one allocation a batch, reused with the batch
	// once it is written (see reuse).
	all []pipeline.Prediction
	// What encode works out for the writer, record by record: ids,
	// truths, times (RFC 3339, "" for none) and segment values
	// (len(Options.Segments) a record, in order); and the journal lines of
	// the fresh records. scratch, fields and vals are its buffers.
	ids, truths, stamps, values []string
	lines                       []byte
	scratch, fields             []byte
	vals                        []string
}

// encode works out, once every prediction of b is made, what the writer
// needs of its records — truths, times, segment values and the journal's
// lines —, so that the replay's one writer, which must take the records in
// order, spends its time on the accumulators and the columns, not on
// formatting. The last task of the batch to finish calls it, on its own
// goroutine.
func (b *batch) encode(opt Options) {
	n, ns := len(b.records), len(opt.Segments)
	b.ids, b.truths, b.stamps = resize(b.ids, n), resize(b.truths, n), resize(b.stamps, n)
	b.values = resize(b.values, n*ns)
	b.lines = b.lines[:0]
	for i, rec := range b.records {
		b.ids[i] = recordID(rec, opt.ID)
		if opt.Label != "" {
			b.truths[i] = datasets.FormatValue(rec.Fields[opt.Label])
		}
		var stamp string
		b.scratch, b.vals, stamp = recordFields(b.scratch[:0], rec, opt.Time, opt.Segments, b.vals)
		b.stamps[i] = stamp
		copy(b.values[i*ns:(i+1)*ns], b.vals)
		if opt.Journal != nil && !b.journaled[i] {
			b.fields = appendRecordFields(b.fields[:0], stamp, b.vals)
			for p := range b.preds[i] {
				e := entryOf(b.truths[i], &b.preds[i][p])
				b.lines = results.AppendEntryRecord(b.lines, &e, p, b.fields, p == 0)
			}
		}
	}
}

// reuse empties a written batch for the reader to fill again: its slices
// keep their room, and nothing in them points at the records or the
// predictions written.
func (b *batch) reuse(seq int) *batch {
	clear(b.records)
	clear(b.all)
	b.seq, b.records, b.retried = seq, b.records[:0], 0
	return b
}

// task is the predictions of one pipeline for some records of a batch.
type task struct {
	b        *batch
	p        int
	idx      []int   // positions in b.records
	reserved float64 // the estimated cost held against the budget
}

// Replay runs every pipeline on every record from r and feeds the metric
// accumulators. Records must arrive with Seq = 0, 1, 2, … as datasets.Open
// numbers them. A pipeline's failure is recorded on its prediction. The
// replay stops early when ctx is cancelled or a budget in opt is reached:
// every record whose predictions all finished is kept, in order, without a
// gap, and Result.Stopped says why. An error reading the dataset ends the
// replay with that error; what finished before it is in the journal.
func Replay(ctx context.Context, r datasets.Reader, pipes []Pipe, mets []metrics.Metric, opt Options) (*Result, error) {
	opt = withDefaults(opt, pipes)
	res := newResult(pipes, mets, opt.Segments, opt.Now())
	for _, col := range opt.Keep {
		res.Kept[col] = newColumn(opt.Expect)
	}

	// Calls run under ctx; dispatching new calls stops when ctx ends or a
	// budget is reached (stopDispatch), letting calls in flight finish.
	dispatchCtx, stopDispatch := context.WithCancel(ctx)
	defer stopDispatch()
	stop := stopper(res, stopDispatch)

	// The in-flight window holds several times the workers' worth of
	// records, so that a record waiting out a retry backoff does not stall
	// the replay behind it while it is journaled in order.
	inflight := make(chan struct{}, max(4, 8*opt.Concurrency/opt.BatchSize+2))
	batches := make(chan *batch, 1)
	tasks := make(chan task, opt.Concurrency)
	done := make(chan *batch, cap(inflight))
	// Written batches go back to the reader, and their records' field maps
	// to the dataset's reader (when it reuses them): a replay then makes a
	// few batches and a few thousand maps, not a map and a row of
	// predictions per record.
	free := make(chan *batch, cap(inflight)+2)

	budget := &spendGuard{max: opt.MaxCost, prior: opt.PriorSpent, ledger: opt.Ledger}
	var readErr error
	go func() {
		defer close(batches)
		readErr = readBatches(dispatchCtx, r, opt.BatchSize, inflight, free, batches)
	}()

	go func() { // dispatcher
		defer close(tasks)
		for b := range batches {
			if !dispatch(dispatchCtx, b, pipes, opt, budget, tasks, done, stop) {
				// Drain the reader so it can finish; nothing more is dispatched.
				for range batches {
				}
				return
			}
		}
	}()

	var wg sync.WaitGroup
	for range opt.Concurrency {
		wg.Add(1)
		go func() { // worker
			defer wg.Done()
			for t := range tasks {
				if run(ctx, t, pipes, opt, budget) && t.b.pending.Add(-1) == 0 {
					t.b.encode(opt)
					done <- t.b
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	w := newWriter(res, pipes, opt)
	shareLatencies(res, pipes, w.columns)
	for _, accs := range res.Accumulators {
		metrics.ShareOutcomes(accs) // a pipeline's binary metrics keep one copy of its outcomes
		for _, acc := range accs {
			metrics.Reserve(acc, opt.Expect) // after sharing: a shared column needs no room
		}
	}
	w.spent = budget.spent
	w.recycle = func(b *batch) {
		w.fields = w.fields[:0]
		for _, rec := range b.records {
			w.fields = append(w.fields, rec.Fields)
		}
		datasets.Recycle(r, w.fields)
		clear(w.fields)
		select {
		case free <- b:
		default:
		}
	}
	writeErr := w.writeInOrder(done, inflight, stop)
	w.finish(ctx)
	return res, replayError(writeErr, readErr)
}

// stopper returns the function that ends a replay early: its first call
// records why on res and stops dispatching new calls (stopDispatch); later
// calls change nothing. It is safe for concurrent use.
func stopper(res *Result, stopDispatch context.CancelFunc) func(why Stop, detail string) {
	var once sync.Once
	return func(why Stop, detail string) {
		once.Do(func() {
			res.Stopped, res.StopDetail = why, detail
			stopDispatch()
		})
	}
}

// replayError is the error a replay returns: the journal's first, then the
// dataset's, unless reading only ended because the replay stopped.
func replayError(writeErr, readErr error) error {
	if writeErr != nil {
		return fmt.Errorf("write journal: %w", writeErr)
	}
	if readErr != nil && !errors.Is(readErr, context.Canceled) {
		return fmt.Errorf("read dataset: %w", readErr)
	}
	return nil
}

func withDefaults(opt Options, pipes []Pipe) Options {
	paced := 0
	for _, p := range pipes {
		if t, ok := p.Pipeline.(pipeline.Throughput); ok {
			paced += t.Concurrency()
		}
	}
	if opt.Concurrency <= 0 {
		// Twice the pipelines' own limits: a worker whose call waits out a
		// retry backoff leaves another to keep the pipeline's slots busy.
		opt.Concurrency = max(runtime.NumCPU(), 2*paced)
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = 128
		if paced > 0 {
			opt.BatchSize = 8
		}
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.ProgressEvery <= 0 {
		opt.ProgressEvery = 200 * time.Millisecond
	}
	if opt.MinRecords <= 0 {
		opt.MinRecords = 50
	}
	if opt.SyncEvery <= 0 {
		opt.SyncEvery = DefaultSyncEvery
	}
	return opt
}

// newResult is the empty result of a replay that started at now: fresh
// accumulators of mets for every pipeline, and an empty column for each of
// the segment columns.
func newResult(pipes []Pipe, mets []metrics.Metric, segments []string, now time.Time) *Result {
	n := len(pipes)
	res := &Result{
		Accumulators:        make([][]metrics.Accumulator, n),
		Failures:            make([]int, n),
		FailureExamples:     make([][]pipeline.Prediction, n),
		Unparseable:         make([]int, n),
		UnparseableExamples: make([][]pipeline.Prediction, n),
		Cached:              make([]int, n),
		LabelCounts:         map[string]int{},
		Started:             now,
	}
	for p := range pipes {
		res.Accumulators[p] = make([]metrics.Accumulator, len(mets))
		for m, metric := range mets {
			res.Accumulators[p][m] = metric.New()
		}
	}
	res.Kept = map[string]*Column{}
	for _, col := range segments {
		res.Segments = append(res.Segments, SegmentColumn{Column: col, index: map[string]int32{}})
	}
	return res
}

// readBatches sends the records of r in numbered batches until EOF, an
// error, or cancellation; it takes an in-flight slot for each batch, which
// the writer gives back, so memory stays bounded when a record is slow.
func readBatches(ctx context.Context, r datasets.Reader, size int, inflight chan struct{}, free <-chan *batch, out chan<- *batch) error {
	seq := 0
	newBatch := func() *batch {
		select {
		case b := <-free:
			return b.reuse(seq)
		default:
			return &batch{seq: seq, records: make([]datasets.Record, 0, size)}
		}
	}
	cur := newBatch()
	send := func() bool {
		select {
		case inflight <- struct{}{}:
		case <-ctx.Done():
			return false
		}
		select {
		case out <- cur:
		case <-ctx.Done():
			<-inflight
			return false
		}
		seq++
		cur = newBatch()
		return true
	}
	for {
		rec, err := r.Next()
		if err == io.EOF {
			if len(cur.records) > 0 {
				send()
			}
			return nil
		}
		if err != nil {
			if len(cur.records) > 0 {
				send()
			}
			return err
		}
		cur.records = append(cur.records, rec)
		if len(cur.records) == size && !send() {
			return ctx.Err()
		}
	}
}

// dispatch prepares b and sends its tasks. It reports false when it stopped
// dispatching (cancellation or budget); the batch is then left incomplete
// and is never written.
func dispatch(ctx context.Context, b *batch, pipes []Pipe, opt Options, budget *spendGuard,
	tasks chan<- task, done chan<- *batch, stop func(Stop, string)) bool {
	need := prepareBatch(b, len(pipes), opt)
	// A pipeline that paces itself (an API) gets one task per record, so
	// that its calls overlap; any other gets the whole batch in one task.
	var todo []task
	for p, pipe := range pipes {
		if len(need[p]) == 0 {
			continue
		}
		if _, paced := pipe.Pipeline.(pipeline.Throughput); paced {
			for _, i := range need[p] {
				todo = append(todo, task{b: b, p: p, idx: []int{i}})
			}
		} else {
			todo = append(todo, task{b: b, p: p, idx: need[p]})
		}
	}
	b.pending.Store(int64(len(todo)))
	if len(todo) == 0 {
		b.encode(opt)
		done <- b
		return true
	}
	var costs []float64
	if opt.MaxCost > 0 {
		costs = estimates(todo, pipes)
	}
	for k, t := range todo {
		if _, ok := pipes[t.p].Pipeline.(pipeline.Estimator); ok && opt.MaxCost > 0 {
			cost := costs[k]
			if !budget.reserve(cost) {
				spent, held := budget.state()
				stop(BudgetExhausted, fmt.Sprintf("the next call of %q (up to %.4g) would take the run's spend of %.4g, with %.4g held for the calls in flight, beyond max_cost %.4g",
					pipes[t.p].Name, cost, spent, held, opt.MaxCost))
				return false
			}
			t.reserved = cost
		}
		select {
		case tasks <- t:
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// estimates returns what the budget holds back for each task: the sum of
// its records' reservations (pipeline.Estimator; 0 for a pipeline that
// estimates nothing). The estimates, which cost CPU (an LLM pipeline
// renders, pseudonymises and counts each request), are made on every CPU
// at once; the reservations are then made in order, as the tasks are sent.
func estimates(todo []task, pipes []Pipe) []float64 {
	costs := make([]float64, len(todo))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1)) - 1
				if k >= len(todo) {
					return
				}
				t := todo[k]
				est, ok := pipes[t.p].Pipeline.(pipeline.Estimator)
				if !ok {
					continue
				}
				for _, i := range t.idx {
					if e, err := est.Estimate(t.b.records[i]); err == nil {
						costs[k] += e.Reserve()
					}
				}
			}
		}()
	}
	wg.Wait()
	return costs
}

// prepareBatch fills b's predictions with what earlier attempts journaled
// (Options.Prior) and returns, for each pipeline, the positions in b of the
// records it must predict: every record without a prior prediction, and
// those whose prior prediction failed (a resume retries failures), unless
// the journal holds them already.
func prepareBatch(b *batch, npipes int, opt Options) [][]int {
	n := len(b.records)
	b.preds, b.prior, b.journaled = resize(b.preds, n), resize(b.prior, n), resize(b.journaled, n)
	if cap(b.all) < n*npipes {
		b.all = make([]pipeline.Prediction, n*npipes)
	}
	b.all = b.all[:n*npipes]
	need := make([][]int, npipes)
	for i, rec := range b.records {
		b.preds[i] = b.all[i*npipes : (i+1)*npipes : (i+1)*npipes]
		if opt.Prior != nil {
			if preds, ok := opt.Prior(rec.Seq); ok && len(preds) == npipes {
				copy(b.preds[i], preds)
				b.journaled[i] = rec.Seq < opt.Journaled
				b.prior[i] = true
				for p, pred := range preds {
					if pred.Failed() && !b.journaled[i] {
						need[p] = append(need[p], i)
						b.prior[i] = false
						b.retried++
					}
				}
				continue
			}
		}
		for p := range need {
			need[p] = append(need[p], i)
		}
	}
	return need
}

// resize is s with length n and zero values, reusing its room.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// run makes the predictions of one task. It reports false when the context
// ended a call: the failure is the cancellation's, not the pipeline's, and
// the batch is left incomplete.
func run(ctx context.Context, t task, pipes []Pipe, opt Options, budget *spendGuard) bool {
	pipe := pipes[t.p]
	// Only calls cost money now: a recorded cost (what a decision cost in
	// production) is a metric, not spend, so only pipelines that estimate
	// their calls (pipeline.Estimator) count against the budget.
	est, calls := pipe.Pipeline.(pipeline.Estimator)
	led := engineLedger(opt, pipe, calls)
	paid := 0.0
	defer func() { budget.settle(t.reserved, paid) }()
	for _, i := range t.idx {
		rec := t.b.records[i]
		key := strconv.Itoa(rec.Seq)
		if led != nil {
			e, _ := est.Estimate(rec)
			led.Sent(key, e.Reserve())
		}
		start := opt.Now()
		out, err := pipe.Pipeline.Predict(ctx, rec)
		elapsed := opt.Now().Sub(start)
		if err == nil {
			err = checkOutput(out)
		}
		if calls && err == nil && !out.Cached {
			paid += out.Cost
		}
		if err != nil && ctx.Err() != nil {
			return false // a call cut short may have been charged: the ledger keeps it open
		}
		if led != nil {
			if err == nil && !out.Cached {
				led.Paid(key, out.Cost, nil)
			} else {
				led.Paid(key, 0, nil)
			}
		}
		pred := pipeline.Prediction{Pipeline: pipe.Name, Seq: rec.Seq, RecordID: recordID(rec, opt.ID), Latency: elapsed}
		if err != nil {
			pred.Err = err.Error()
		} else {
			pred.Output = out
			if out.Latency > 0 {
				pred.Latency = out.Latency
			}
		}
		scrubPrediction(&pred, opt.Secrets)
		t.b.preds[i][t.p] = pred
	}
	return true
}

// engineLedger is the ledger the engine keeps for a pipeline that pays for
// its calls (calls) and keeps none itself, or nil.
func engineLedger(opt Options, pipe Pipe, calls bool) pipeline.Ledger {
	if opt.Ledger == nil || !calls {
		return nil
	}
	if _, own := pipe.Pipeline.(pipeline.LedgerUser); own {
		return nil
	}
	return opt.Ledger.For(pipe.Name)
}

// scrubPrediction replaces every secret in the texts of pred: an answer
// that echoes an API key must not carry it into the journal, the reports
// or the metrics.
func scrubPrediction(pred *pipeline.Prediction, secrets []string) {
	if len(secrets) == 0 {
		return
	}
	o := &pred.Output
	pred.Err = pipeline.ScrubSecrets(pred.Err, secrets)
	o.Label = pipeline.ScrubSecrets(o.Label, secrets)
	o.Text = pipeline.ScrubSecrets(o.Text, secrets)
	o.Raw = pipeline.ScrubSecrets(o.Raw, secrets)
	if len(o.Fields) > 0 {
		o.Fields = scrubValue(o.Fields, secrets).(map[string]any)
	}
}

// scrubValue returns v with the secrets replaced in every string it holds.
func scrubValue(v any, secrets []string) any {
	switch x := v.(type) {
	case string:
		return pipeline.ScrubSecrets(x, secrets)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[pipeline.ScrubSecrets(k, secrets)] = scrubValue(e, secrets)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = scrubValue(e, secrets)
		}
		return out
	}
	return v
}

// checkOutput refuses numbers in an output that make no sense: a score or
// a cost that is NaN or infinite, or a negative cost. Such an output is the
// record's failure, counted against the pipeline like any other, instead of
// a value that sorts nowhere in an AUC or poisons a sum.
func checkOutput(out pipeline.Output) error {
	switch {
	case out.HasScore && (math.IsNaN(out.Score) || math.IsInf(out.Score, 0)):
		return fmt.Errorf("the score is %v: a score must be a finite number", out.Score)
	case math.IsNaN(out.Cost) || math.IsInf(out.Cost, 0) || out.Cost < 0:
		return fmt.Errorf("the cost is %v: a cost must be a finite number, 0 or more", out.Cost)
	}
	return nil
}

// recordID is the record's id column, or its 1-based position.
func recordID(rec datasets.Record, column string) string {
	if column != "" {
		if v := datasets.FormatValue(rec.Fields[column]); v != "" {
			return v
		}
	}
	return strconv.Itoa(rec.Seq + 1)
}

// spendGuard keeps the spend of the run and the most the calls in flight
// can cost, so that no call starts that could take the spend past the
// budget. The spend is the earlier attempts' and this replay's calls', or
// the ledger's when it knows more (it also counts attempts charged without
// an answer).
type spendGuard struct {
	mu       sync.Mutex
	max      float64
	prior    float64
	paid     float64
	reserved float64
	ledger   *Ledger
}

func (g *spendGuard) reserve(cost float64) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.max > 0 && g.spentLocked()+g.reserved+cost > g.max {
		return false
	}
	g.reserved += cost
	return true
}

func (g *spendGuard) settle(reserved, paid float64) {
	g.mu.Lock()
	g.reserved -= reserved
	g.paid += paid
	g.mu.Unlock()
}

// spentLocked is the run's spend; g.mu is held.
func (g *spendGuard) spentLocked() float64 {
	s := g.prior + g.paid
	if g.ledger != nil {
		s = max(s, g.ledger.Charged())
	}
	return s
}

// state returns the run's spend and what is held for the calls in flight.
func (g *spendGuard) state() (spent, held float64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.spentLocked(), g.reserved
}

// spent is what this replay's calls cost.
func (g *spendGuard) spent() float64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.paid
}

// writer folds finished batches, in order, into the result and the journal.
type writer struct {
	res      *Result
	pipes    []Pipe
	opt      Options
	journal  *bufio.Writer
	failures int
	cached   int
	lastTick time.Time
	dirty    bool // written since the last sync
	headed   bool // the journal header is written
	spent    func() float64
	columns  *results.Collector
	// recycle hands a written batch back (its records' fields and itself);
	// fields is its scratch.
	recycle func(b *batch)
	fields  []map[string]any
}

// shareLatencies hands the latency accumulators of each pipeline the
// column of latencies the collector keeps for it (metrics.LatencySharer):
// the writer adds every record's prediction to both, in the same order, so
// the accumulators need no copy of their own.
func shareLatencies(res *Result, pipes []Pipe, columns *results.Collector) {
	for p, accs := range res.Accumulators {
		name := pipes[p].Name
		for _, acc := range accs {
			if ls, ok := acc.(metrics.LatencySharer); ok {
				ls.ShareLatencies(func() []float64 { return columns.Latencies(name) })
			}
		}
	}
}

// adoptCosts hands the cost accumulators of each pipeline the column of
// costs the collector kept for it (metrics.CostAdopter), once the replay is
// over: they then hold no copy of their own.
func adoptCosts(res *Result, pipes []Pipe) {
	for p, accs := range res.Accumulators {
		pp := res.Predictions.Pipeline(pipes[p].Name)
		if pp == nil {
			continue
		}
		col := pp.Costs(pp.Len())
		for _, acc := range accs {
			if ca, ok := acc.(metrics.CostAdopter); ok && col != nil {
				ca.AdoptCosts(col)
			}
		}
	}
}

func newWriter(res *Result, pipes []Pipe, opt Options) *writer {
	w := &writer{res: res, pipes: pipes, opt: opt, lastTick: opt.Now(), columns: results.NewCollector(opt.Segments, opt.Expect)}
	if opt.Journal != nil {
		w.journal = bufio.NewWriterSize(opt.Journal, 1<<20)
	}
	return w
}

// writeInOrder writes the batches arriving on done in sequence order,
// holding back those that finish ahead of their turn, and gives back each
// written batch's in-flight slot. After a journal error it writes nothing
// more, but still drains done; it stops the replay on that error and when
// a pipeline exceeds the error budget. It is the replay's single writer.
func (w *writer) writeInOrder(done <-chan *batch, inflight <-chan struct{}, stop func(Stop, string)) error {
	pending := map[int]*batch{}
	next := 0
	var writeErr error
	tick := time.NewTicker(w.opt.SyncEvery)
	defer tick.Stop()
	for {
		var b *batch
		select {
		case <-tick.C:
			if writeErr == nil {
				if writeErr = w.sync(); writeErr != nil {
					stop(Interrupted, "the journal could not be synced to disk")
				}
			}
			continue
		case nb, ok := <-done:
			if !ok {
				return writeErr
			}
			b = nb
		}
		pending[b.seq] = b
		for writeErr == nil {
			nb, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			<-inflight
			if writeErr = w.write(nb); writeErr != nil {
				stop(Interrupted, "the journal could not be written")
				break
			}
			if w.recycle != nil {
				w.recycle(nb)
			}
			if l := w.opt.Ledger; l != nil && l.Err() != nil {
				writeErr = l.Err()
				stop(Interrupted, "the spend ledger could not be written")
				break
			}
			if why := w.errorBudget(); why != "" {
				stop(TooManyErrors, why)
			}
		}
	}
}

// finish completes the result once every batch is written: the spend, the
// end time, the final progress call, and why the replay stopped early (an
// interruption when ctx ended and nothing else stopped it first).
func (w *writer) finish(ctx context.Context) {
	res := w.res
	res.Spent = w.spent()
	res.Finished = w.opt.Now()
	res.Predictions = w.columns.Predictions()
	adoptCosts(res, w.pipes)
	w.progress(true)
	if ctx.Err() != nil && res.Stopped == "" {
		res.Stopped, res.StopDetail = Interrupted, "the run was interrupted"
	}
	res.Interrupted = res.Stopped != ""
}

func (w *writer) write(b *batch) error {
	w.res.Retried += b.retried
	ns := len(w.opt.Segments)
	for i, rec := range b.records {
		truth, values := b.truths[i], b.values[i*ns:(i+1)*ns]
		w.res.LabelCounts[truth]++
		for k := range w.res.Segments {
			w.res.Segments[k].add(values[k])
		}
		if b.prior[i] {
			w.res.Resumed++
		}
		w.columns.Record(rec.Seq, b.ids[i], truth, b.stamps[i], values)
		for _, col := range w.opt.Keep {
			w.res.Kept[col].add(rec.Fields[col])
		}
		for p, pred := range b.preds[i] {
			obs := metrics.Observation{Record: rec, Truth: truth, Pred: pred}
			for _, acc := range w.res.Accumulators[p] {
				acc.Add(obs)
			}
			w.count(p, pred)
			e := entryOf(truth, &b.preds[i][p])
			w.columns.Add(&e)
		}
		w.res.Records++
	}
	if w.journal != nil {
		if !w.headed && len(b.lines) > 0 { // each attempt's lines open with the header their pipeline numbers refer to
			names := make([]string, len(w.pipes))
			for i, p := range w.pipes {
				names[i] = p.Name
			}
			if _, err := w.journal.Write(results.AppendJournalHeader(nil, names, w.opt.Segments)); err != nil {
				return err
			}
			w.headed = true
		}
		if _, err := w.journal.Write(b.lines); err != nil {
			return err
		}
		if err := w.journal.Flush(); err != nil {
			return err
		}
	}
	w.dirty = true
	w.progress(false)
	return nil
}

// sync makes what was written since the last sync durable: the journal
// (when it is a file) and the ledger. The writer calls it every
// Options.SyncEvery, so that power loss costs at most that much of the
// records finished, while a kill of the process costs nothing written.
func (w *writer) sync() error {
	if !w.dirty {
		return nil
	}
	w.dirty = false
	if s, ok := w.opt.Journal.(interface{ Sync() error }); ok && w.journal != nil {
		if err := s.Sync(); err != nil {
			return fmt.Errorf("sync: %w", err)
		}
	}
	if w.opt.Ledger != nil {
		return w.opt.Ledger.Sync()
	}
	return nil
}

func (w *writer) count(p int, pred pipeline.Prediction) {
	switch {
	case pred.Failed():
		w.res.Failures[p]++
		w.failures++
		if len(w.res.FailureExamples[p]) < maxExamples {
			w.res.FailureExamples[p] = append(w.res.FailureExamples[p], pred)
		}
	case pred.Output.Unparseable:
		w.res.Unparseable[p]++
		if len(w.res.UnparseableExamples[p]) < maxExamples {
			w.res.UnparseableExamples[p] = append(w.res.UnparseableExamples[p], pred)
		}
	}
	if pred.Output.Cached {
		w.res.Cached[p]++
		w.cached++
	}
}

// errorBudget returns why the run must stop for failures, or "".
func (w *writer) errorBudget() string {
	if w.opt.MaxErrorRate <= 0 || w.res.Records < w.opt.MinRecords {
		return ""
	}
	for p, f := range w.res.Failures {
		if rate := float64(f) / float64(w.res.Records); rate > w.opt.MaxErrorRate {
			last := ""
			if ex := w.res.FailureExamples[p]; len(ex) > 0 {
				last = fmt.Sprintf(" (first error: %s)", ex[0].Err)
			}
			return fmt.Sprintf("pipeline %q failed on %d of %d records (%.1f%%), beyond max_error_rate %.1f%%%s",
				w.pipes[p].Name, f, w.res.Records, 100*rate, 100*w.opt.MaxErrorRate, last)
		}
	}
	return ""
}

func (w *writer) progress(final bool) {
	if w.opt.Progress == nil {
		return
	}
	now := w.opt.Now()
	if !final && now.Sub(w.lastTick) < w.opt.ProgressEvery {
		return
	}
	w.lastTick = now
	w.opt.Progress(Progress{
		Records: w.res.Records, Failures: w.failures, Cached: w.cached, Spent: w.spent(),
		Elapsed: now.Sub(w.res.Started), Done: final,
	})
}
