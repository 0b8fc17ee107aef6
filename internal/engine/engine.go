package engine

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/poc-harness/poc/datasets"
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
	// Concurrency is the number of workers (default: the number of CPUs).
	Concurrency int
	// Label is the dataset's label column; its canonical value is the truth
	// the metrics compare against.
	Label string
	// ID is the dataset's id column ("" for none: the 1-based position is used).
	ID string
	// Journal, when set, receives one JSON line per prediction, in record
	// order, flushed after every batch of records.
	Journal io.Writer
	// Progress, when set, is called from the writer every few thousand
	// records with the number of records finished so far.
	Progress func(done int)
	// Now is the clock used for latencies (default time.Now).
	Now func() time.Time
	// BatchSize is the number of records a worker takes at once (default 128).
	BatchSize int
}

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
	// LabelCounts counts the records by true label.
	LabelCounts map[string]int
	// Interrupted reports that the context ended the replay early.
	Interrupted bool
	// Started and Finished bound the replay in wall time.
	Started, Finished time.Time
}

// maxFailureExamples is how many failures per pipeline the result keeps.
const maxFailureExamples = 20

type batch struct {
	seq     int
	records []datasets.Record
	preds   [][]pipeline.Prediction // [record][pipe]
}

// Replay runs every pipeline on every record from r and feeds the metric
// accumulators. Records must arrive with Seq = 0, 1, 2, … as datasets.Open
// numbers them. An error reading the dataset ends the replay with that error;
// what finished before it is in the journal.
func Replay(ctx context.Context, r datasets.Reader, pipes []Pipe, mets []metrics.Metric, opt Options) (*Result, error) {
	if opt.Concurrency <= 0 {
		opt.Concurrency = runtime.NumCPU()
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = 128
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	res := &Result{
		Accumulators:    make([][]metrics.Accumulator, len(pipes)),
		Failures:        make([]int, len(pipes)),
		FailureExamples: make([][]pipeline.Prediction, len(pipes)),
		LabelCounts:     map[string]int{},
		Started:         opt.Now(),
	}
	for p := range pipes {
		res.Accumulators[p] = make([]metrics.Accumulator, len(mets))
		for m, metric := range mets {
			res.Accumulators[p][m] = metric.New()
		}
	}

	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	todo := make(chan *batch, opt.Concurrency*2)
	done := make(chan *batch, opt.Concurrency*2)
	var readErr error
	go func() { // reader
		defer close(todo)
		readErr = readBatches(ctx, r, opt.BatchSize, todo)
	}()
	var wg sync.WaitGroup
	for range opt.Concurrency {
		wg.Add(1)
		go func() { // worker
			defer wg.Done()
			for b := range todo {
				if !predictBatch(ctx, b, pipes, opt) {
					continue // cancelled mid-batch: drop it, nothing half-done is kept
				}
				done <- b
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	w := newWriter(res, pipes, mets, opt)
	pending := map[int]*batch{}
	next := 0
	var writeErr error
	for b := range done {
		pending[b.seq] = b
		for {
			nb, ok := pending[next]
			if !ok || writeErr != nil {
				break
			}
			delete(pending, next)
			next++
			if writeErr = w.write(nb); writeErr != nil {
				cancel()
			}
		}
	}
	res.Finished = opt.Now()
	res.Interrupted = parent.Err() != nil
	if writeErr != nil {
		return res, fmt.Errorf("write journal: %w", writeErr)
	}
	if readErr != nil && !errors.Is(readErr, context.Canceled) {
		return res, fmt.Errorf("read dataset: %w", readErr)
	}
	return res, nil
}

// readBatches sends the records of r in numbered batches until EOF, an
// error, or cancellation.
func readBatches(ctx context.Context, r datasets.Reader, size int, todo chan<- *batch) error {
	seq := 0
	cur := &batch{seq: seq, records: make([]datasets.Record, 0, size)}
	send := func() bool {
		select {
		case todo <- cur:
		case <-ctx.Done():
			return false
		}
		seq++
		cur = &batch{seq: seq, records: make([]datasets.Record, 0, size)}
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

// predictBatch runs every pipeline on every record of b. It reports false
// when the context ended before the batch was complete.
func predictBatch(ctx context.Context, b *batch, pipes []Pipe, opt Options) bool {
	b.preds = make([][]pipeline.Prediction, len(b.records))
	for i, rec := range b.records {
		if ctx.Err() != nil {
			return false
		}
		id := strconv.Itoa(rec.Seq + 1)
		if opt.ID != "" {
			if v := datasets.FormatValue(rec.Fields[opt.ID]); v != "" {
				id = v
			}
		}
		preds := make([]pipeline.Prediction, len(pipes))
		for p, pipe := range pipes {
			start := opt.Now()
			out, err := pipe.Pipeline.Predict(ctx, rec)
			elapsed := opt.Now().Sub(start)
			if err != nil && ctx.Err() != nil {
				return false // the failure is the cancellation, not the pipeline's
			}
			pred := pipeline.Prediction{Pipeline: pipe.Name, Seq: rec.Seq, RecordID: id, Latency: elapsed}
			if err != nil {
				pred.Err = err.Error()
			} else {
				pred.Output = out
				if out.Latency > 0 {
					pred.Latency = out.Latency
				}
			}
			preds[p] = pred
		}
		b.preds[i] = preds
	}
	return true
}

// writer folds finished batches, in order, into the result and the journal.
type writer struct {
	res     *Result
	pipes   []Pipe
	mets    []metrics.Metric
	opt     Options
	journal *bufio.Writer
	line    []byte
}

func newWriter(res *Result, pipes []Pipe, mets []metrics.Metric, opt Options) *writer {
	w := &writer{res: res, pipes: pipes, mets: mets, opt: opt}
	if opt.Journal != nil {
		w.journal = bufio.NewWriterSize(opt.Journal, 1<<20)
	}
	return w
}

func (w *writer) write(b *batch) error {
	for i, rec := range b.records {
		truth := ""
		if w.opt.Label != "" {
			truth = datasets.FormatValue(rec.Fields[w.opt.Label])
		}
		w.res.LabelCounts[truth]++
		for p, pred := range b.preds[i] {
			obs := metrics.Observation{Record: rec, Truth: truth, Pred: pred}
			for _, acc := range w.res.Accumulators[p] {
				acc.Add(obs)
			}
			if pred.Failed() {
				w.res.Failures[p]++
				if len(w.res.FailureExamples[p]) < maxFailureExamples {
					w.res.FailureExamples[p] = append(w.res.FailureExamples[p], pred)
				}
			}
			if w.journal != nil {
				w.line = AppendJournalLine(w.line[:0], truth, pred)
				if _, err := w.journal.Write(w.line); err != nil {
					return err
				}
			}
		}
		w.res.Records++
		if w.opt.Progress != nil && w.res.Records%4096 == 0 {
			w.opt.Progress(w.res.Records)
		}
	}
	if w.journal != nil {
		return w.journal.Flush()
	}
	return nil
}
