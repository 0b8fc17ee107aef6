package engine

import (
	"testing"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

// BenchmarkAppendJournalLine measures the journal encoder on the two kinds
// of lines a replay writes: a rules baseline's short decision and an LLM's
// scored answer with a raw JSON reply (quotes to escape), both with a time
// and two segment columns. Figures: bench/RESULTS.md.
func BenchmarkAppendJournalLine(b *testing.B) {
	rec := datasets.Record{Fields: map[string]any{"at": "2026-03-04T10:00:00Z", "country": "DE", "channel": "web"}}
	_, values, stamp := recordFields(nil, rec, "at", []string{"country", "channel"}, nil)
	record := appendRecordFields(nil, stamp, values)
	cases := []struct {
		name string
		pred pipeline.Prediction
	}{
		{"rules", pipeline.Prediction{Seq: 123456, RecordID: "txn-0123456", Pipeline: "rules",
			Output: pipeline.Output{Label: "1"}, Latency: 850 * time.Nanosecond}},
		{"llm", pipeline.Prediction{Seq: 123456, RecordID: "T-2026-0042", Pipeline: "llm-triage",
			Output: pipeline.Output{Label: "billing", Score: 0.93, HasScore: true, Cost: 0.00042,
				Raw:         `{"label": "billing", "score": 0.93, "reason": "the customer asks about a double charge"}`,
				InputTokens: 412, OutputTokens: 31, Attempts: 1},
			Latency: 812345 * time.Microsecond}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var line []byte
			for b.Loop() {
				line = appendJournalLine(line[:0], "1", &c.pred, 0, record)
			}
			b.SetBytes(int64(len(line)))
		})
	}
}
