package metrics

import (
	"reflect"
	"testing"
	"time"

	"github.com/poc-harness/poc/pipeline"
)

// A latency accumulator that reads a shared column gives what one keeping
// its own copy gives — value, values, resampled values —, makes no room of
// its own, and keeps its own copy again once merged.
func TestSharedLatencies(t *testing.T) {
	m := &latencyMetric{name: "latency_p90", q: 0.9}
	own, shared := m.New().(*latencyAcc), m.New().(*latencyAcc)
	var col []float64
	shared.ShareLatencies(func() []float64 { return col })
	shared.Reserve(1000)
	if cap(shared.ms) != 0 {
		t.Errorf("a shared accumulator made room for %d latencies of its own", cap(shared.ms))
	}
	for i := range 200 {
		lat := time.Duration(i*7919%1000) * time.Microsecond
		o := Observation{Pred: pipeline.Prediction{Latency: lat}}
		own.Add(o)
		shared.Add(o)
		col = append(col, float64(lat)/float64(time.Millisecond)) // as the collector keeps it
	}
	if g, w := shared.Result(), own.Result(); g.Value != w.Value || g.N != w.N {
		t.Errorf("shared %+v, own %+v", g, w)
	}
	_, gv := shared.Quantile()
	_, wv := own.Quantile()
	if !reflect.DeepEqual(gv, wv) {
		t.Error("the shared values differ from the accumulator's own")
	}
	idx := []int{3, 3, 150, 7, 199}
	if shared.ValueAt(idx) != own.ValueAt(idx) {
		t.Errorf("resampled: shared %v, own %v", shared.ValueAt(idx), own.ValueAt(idx))
	}
	other := m.New().(*latencyAcc)
	other.Add(Observation{Pred: pipeline.Prediction{Latency: time.Second}})
	if err := shared.Merge(other); err != nil {
		t.Fatal(err)
	}
	col[0] = -1 // the column changes: the merged accumulator holds its own copy
	if shared.shared != nil || shared.Len() != 201 || shared.values()[0] != wv[0] || shared.values()[200] != 1000 {
		t.Errorf("merged: shared %v, %d values, first %v, last %v", shared.shared != nil, shared.Len(), shared.values()[0], shared.values()[200])
	}
}
