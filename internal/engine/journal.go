package engine

import (
	"fmt"
	"io"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/pipeline"
)

// Prediction turns a journal entry back into the prediction it records.
func Prediction(e results.Entry) pipeline.Prediction {
	p := pipeline.Prediction{
		Pipeline: e.Pipeline, Seq: e.Seq, RecordID: e.ID, Err: e.Error,
		Latency: time.Duration(e.LatencyMS * float64(time.Millisecond)),
		Output: pipeline.Output{
			Label: e.Label, Cost: e.Cost, Text: e.Text, Fields: e.Fields, Raw: e.Raw, Unparseable: e.Unparseable,
			InputTokens: e.InputTokens, OutputTokens: e.OutputTokens, Cached: e.Cached, Attempts: e.Attempts,
		},
	}
	if e.Score != nil {
		p.Output.Score, p.Output.HasScore = *e.Score, true
	}
	return p
}

// appendJournalLine appends the journal line of pred (with its newline) to
// dst, through results.AppendEntryRecord: record holds the record-level
// fields, encoded once per record by appendRecordFields.
func appendJournalLine(dst []byte, truth string, pred *pipeline.Prediction, record []byte) []byte {
	o := &pred.Output
	e := results.Entry{
		Seq: pred.Seq, ID: pred.RecordID, Pipeline: pred.Pipeline, Truth: truth, Label: o.Label,
		LatencyMS: float64(pred.Latency) / float64(time.Millisecond), Cost: o.Cost, Error: pred.Err,
		Unparseable: o.Unparseable, Text: o.Text, Fields: o.Fields, Raw: o.Raw,
		InputTokens: o.InputTokens, OutputTokens: o.OutputTokens, Cached: o.Cached, Attempts: o.Attempts,
	}
	if o.HasScore {
		e.Score = &o.Score
	}
	return results.AppendEntryRecord(dst, &e, record)
}

// appendRecordFields encodes the record-level journal fields: the time
// column and the segment columns, whose values it formats into values (a
// buffer reused from record to record, returned).
func appendRecordFields(dst []byte, rec datasets.Record, timeColumn string, segments, values []string) ([]byte, []string) {
	if timeColumn != "" {
		if t, err := datasets.ParseTime(rec.Fields[timeColumn]); err == nil {
			dst = results.AppendRecordTime(dst, t)
		}
	}
	values = values[:0]
	for _, col := range segments {
		values = append(values, datasets.FormatValue(rec.Fields[col]))
	}
	return results.AppendRecordSegments(dst, segments, values), values
}

// JournalPrefix reads a journal written for the named pipelines and returns
// the predictions of the records it holds completely, in order from record
// 0, and the byte length of that prefix (see results.JournalPrefix).
func JournalPrefix(r io.Reader, pipes []string) (preds [][]pipeline.Prediction, length int64, err error) {
	entries, length, err := results.JournalPrefix(r, pipes)
	if err != nil {
		return nil, 0, fmt.Errorf("resume: %w", err)
	}
	preds = make([][]pipeline.Prediction, len(entries))
	for seq, es := range entries {
		preds[seq] = make([]pipeline.Prediction, len(es))
		for i, e := range es {
			preds[seq][i] = Prediction(e)
		}
	}
	return preds, length, nil
}
