package analysis

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/verdict"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
)

// stopRecords is the size of the synthetic replays of the cancellation
// tests: large enough that a loop that does not stop takes seconds.
const stopRecords = 200_000

// countingAcc is a mean that counts the evaluations of its statistic and
// closes stop on the evaluation numbered at (0: never), so that a test
// cancels the analysis while it is certainly under way, however fast the
// machine.
type countingAcc struct {
	meanAcc
	calls *atomic.Int64
	at    int64
	stop  func()
}

func (a *countingAcc) ValueAt(idx []int) float64 {
	if c := a.calls.Add(1); c == a.at {
		a.stop()
	}
	return a.meanAcc.ValueAt(idx)
}

// stopSetup is two pipelines with a bootstrapped mean on stopRecords
// records, split into 40 segments, whose statistic closes done on its
// evaluation numbered at (after New, which evaluates it once per pipeline).
func stopSetup(t *testing.T, at int64) (*Analysis, *atomic.Int64, map[string][]verdict.Segment) {
	t.Helper()
	done := make(chan struct{})
	var once atomic.Bool
	stop := func() {
		if once.CompareAndSwap(false, true) {
			close(done)
		}
	}
	calls := &atomic.Int64{}
	acc := func(shift float64) metrics.Accumulator {
		return &countingAcc{meanAcc: meanAcc{values: values(stopRecords, func(i int) float64 { return float64(i%7) + shift })},
			calls: calls, at: at, stop: stop}
	}
	m := fakeMetric{name: "score", acc: func() metrics.Accumulator { return &meanAcc{} }}
	a, err := New([]string{"c", "b"}, []metrics.Metric{m}, [][]metrics.Accumulator{{acc(0.1)}, {acc(0)}},
		Settings{Confidence: 0.95, Resamples: 2000, Seed: 1, Done: done})
	if err != nil {
		t.Fatal(err)
	}
	calls.Store(0)
	if at < 0 {
		stop()
	}
	segs := map[string][]verdict.Segment{}
	for v := range 40 {
		s := verdict.Segment{Column: "country", Value: fmt.Sprint(v)}
		for i := v; i < stopRecords; i += 40 {
			s.Positions = append(s.Positions, i)
		}
		segs["country"] = append(segs["country"], s)
	}
	return a, calls, segs
}

// A cancelled analysis stops the estimates and the judging at once, before
// it starts and while it runs, and says so with an error wrapping
// context.Canceled. Uncancelled, each bootstrapped estimate evaluates the
// statistic 2000 + 1000 times (resamples and grouped jackknife), and the
// criterion below once more per segment and resample.
func TestCancelledAnalysisStops(t *testing.T) {
	const full = 2 * (2000 + 1000)
	crit := []verdict.Criterion{
		{Metric: "score", Pipeline: "c", Kind: results.AtLeast, Threshold: 3, InEvery: []string{"country"}, Must: true},
		{Metric: "score", Pipeline: "c", Kind: results.BetterThan, Baseline: "b", InEvery: []string{"country"}, Must: true},
	}
	for _, tc := range []struct {
		name string
		at   int64 // −1: before
	}{{"before", -1}, {"during", 20}} {
		t.Run("estimates/"+tc.name, func(t *testing.T) {
			a, calls, _ := stopSetup(t, tc.at)
			_, err := a.Estimates()
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want one wrapping context.Canceled", err)
			}
			if c := calls.Load(); c > 100 {
				t.Errorf("the statistic was evaluated %d times (%d uncancelled)", c, full)
			}
		})
		t.Run("judge/"+tc.name, func(t *testing.T) {
			a, calls, segs := stopSetup(t, tc.at)
			sum := verdict.Judge(crit, a.Input(stopRecords, segs), verdict.Settings{Confidence: 0.95, MinSegmentSize: 30})
			if !errors.Is(a.Err(), context.Canceled) {
				t.Fatalf("Err = %v, want one wrapping context.Canceled", a.Err())
			}
			if c := calls.Load(); c > 100 {
				t.Errorf("the statistic was evaluated %d times (more than %d uncancelled)", c, full)
			}
			if j := sum.Criteria[0]; j.Status != results.Undefined || !strings.Contains(j.Explanation+j.Segments[0].Note, "stopped") {
				// Discarded by the caller, but never a pass.
				t.Errorf("criterion %s: %s", j.Status, j.Explanation)
			}
		})
	}
}

// impactInput is a synthetic projection over n records: a candidate and a
// baseline with varying costs and errors.
func stopImpactInput(n int) ImpactInput {
	in := ImpactInput{Currency: "EUR", Volume: 1_000_000, Positive: "1", Label: "fraud", Records: n,
		MissedPositive: &PerRecord{Value: 100}, FalsePositive: &PerRecord{Value: 5}}
	for k, name := range []string{"model", "rules"} {
		p := ImpactPipeline{Name: name, Role: []string{"candidate", "baseline"}[k], Cost: make([]float64, n), Outcomes: make([]metrics.Outcome, n)}
		for i := range n {
			p.Cost[i] = float64((i+k)%5) / 100
			p.Outcomes[i] = []metrics.Outcome{metrics.TruePositive, metrics.FalseNegative, metrics.TrueNegative, metrics.FalsePositive}[(i*(k+1))%4]
		}
		in.Pipelines = append(in.Pipelines, p)
	}
	return in
}

// A cancelled impact projection stops its resampling: before it starts,
// and while it runs, well before the time it takes uncancelled (measured
// here, on the same machine).
func TestCancelledImpactStops(t *testing.T) {
	const n = 1_000_000
	in := stopImpactInput(n)
	s := Settings{Confidence: 0.95, Resamples: 500, Seed: 1}
	start := time.Now()
	if _, err := Impact(in, s); err != nil {
		t.Fatal(err)
	}
	full := time.Since(start)

	done := make(chan struct{})
	close(done)
	s.Done = done
	if _, err := Impact(in, s); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled before: err = %v, want one wrapping context.Canceled", err)
	}

	done = make(chan struct{})
	s.Done = done
	time.AfterFunc(full/10, func() { close(done) })
	start = time.Now()
	_, err := Impact(in, s)
	took := time.Since(start)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled during: err = %v, want one wrapping context.Canceled", err)
	}
	if took > full/2 {
		t.Errorf("cancelled after %v, it took %v; uncancelled %v", full/10, took, full)
	}
}

// A cancelled breakdown returns at once with an error wrapping
// context.Canceled.
func TestCancelledBreakdownStops(t *testing.T) {
	rows := make([][3]string, stopRecords/10)
	for i := range rows {
		rows[i] = [3]string{"1", []string{"1", "0"}[i%2], ""}
	}
	p := journalOf(t, rows, []string{"2024-01-05T00:00:00Z", "2024-02-05T00:00:00Z"}, []string{"DE", "FR"})
	done := make(chan struct{})
	close(done)
	if _, err := Breakdown(done, p, []string{"p"}, "1", nil, 0.95); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want one wrapping context.Canceled", err)
	}
	if b, err := Breakdown(nil, p, []string{"p"}, "1", nil, 0.95); err != nil || len(b.Months) != 2 {
		t.Fatalf("uncancelled: %v, %+v", err, b)
	}
}

// TestApproximatedIntervalSaysSo gives a mean cost that differs on every
// one of 250,000 records: the resamples draw them from their normal
// approximation, and the estimate's note says so, while a count metric
// on the same records, resampled exactly, says nothing of it.
func TestApproximatedIntervalSaysSo(t *testing.T) {
	build := func(typ string) metrics.Metric {
		mk, _ := metrics.Lookup(typ)
		m, err := mk().Build(metrics.Env{Name: typ, Positive: "1"})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	cost, acc := build("cost_per_record"), build("accuracy")
	ca, aa := cost.New(), acc.New()
	for i := range 250_000 {
		o := metrics.Observation{Truth: "1", Pred: pipeline.Prediction{Output: pipeline.Output{Label: flagged(i%3 == 0), Cost: 0.001 + float64(i)*1e-9}}}
		ca.Add(o)
		aa.Add(o)
	}
	an, err := New([]string{"p"}, []metrics.Metric{cost, acc}, [][]metrics.Accumulator{{ca, aa}}, Settings{Confidence: 0.95, Resamples: 200, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	est, err := an.Estimates()
	if err != nil {
		t.Fatal(err)
	}
	if note := est[0][0].Note; !strings.Contains(note, "the 250,000 records whose values are nearly all distinct") || !strings.Contains(note, "normal approximation") {
		t.Errorf("the mean cost's note is %q, want it to say its resamples were approximated", note)
	}
	if note := est[0][1].Note; strings.Contains(note, "normal approximation") {
		t.Errorf("accuracy, resampled exactly, has the note %q", note)
	}
}

// TestZeroWidthIntervalSaysSo: a pipeline that never flags has an F1 of 0
// on every resample, and its estimate says that the zero width is no
// evidence; a recall that varies says nothing of it.
func TestZeroWidthIntervalSaysSo(t *testing.T) {
	mk, _ := metrics.Lookup("f1")
	f1, err := mk().Build(metrics.Env{Name: "f1", Positive: "1"})
	if err != nil {
		t.Fatal(err)
	}
	never, model := f1.New(), f1.New()
	for i := range 400 {
		truth := flagged(i%4 == 0)
		never.Add(metrics.Observation{Truth: truth, Pred: pipeline.Prediction{Output: pipeline.Output{Label: "0"}}})
		model.Add(metrics.Observation{Truth: truth, Pred: pipeline.Prediction{Output: pipeline.Output{Label: flagged(i%3 == 0)}}})
	}
	an, err := New([]string{"never", "model"}, []metrics.Metric{f1}, [][]metrics.Accumulator{{never}, {model}}, Settings{Confidence: 0.95, Resamples: 200, Seed: 1, Method: "bca"})
	if err != nil {
		t.Fatal(err)
	}
	est, err := an.Estimates()
	if err != nil {
		t.Fatal(err)
	}
	if e := est[0][0]; e.Value != 0 || e.Interval.Lo != 0 || e.Interval.Hi != 0 || !strings.Contains(e.Note, "zero width is no evidence") {
		t.Errorf("never-flagging F1 = %v [%v, %v], note %q", e.Value, e.Interval.Lo, e.Interval.Hi, e.Note)
	}
	if e := est[1][0]; strings.Contains(e.Note, "zero width") || !(e.Interval.Lo < e.Interval.Hi) {
		t.Errorf("a varying F1 = [%v, %v], note %q", e.Interval.Lo, e.Interval.Hi, e.Note)
	}
}
