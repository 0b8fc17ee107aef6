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

// entryOf is the journal entry of pred, whose record's truth is truth
// (without the record-level fields).
func entryOf(truth string, pred *pipeline.Prediction) results.Entry {
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
	return e
}

// recordFields works out the record-level fields of rec: its time column
// in UTC and RFC 3339 ("" when it has none or it is no time; formatted into
// buf, which is returned for reuse) and its segment values (formatted into
// values, returned likewise).
func recordFields(buf []byte, rec datasets.Record, timeColumn string, segments, values []string) ([]byte, []string, string) {
	stamp := ""
	if timeColumn != "" {
		if t, err := datasets.ParseTime(rec.Fields[timeColumn]); err == nil {
			buf = t.UTC().AppendFormat(buf, time.RFC3339)
			stamp = string(buf)
		}
	}
	values = values[:0]
	for _, col := range segments {
		values = append(values, datasets.FormatValue(rec.Fields[col]))
	}
	return buf, values, stamp
}

// appendRecordFields encodes the record-level journal fields: the time
// (as recordFields gives it) and the segment values, in the order of the
// journal header's segment columns.
func appendRecordFields(dst []byte, stamp string, values []string) []byte {
	if stamp != "" {
		dst = append(dst, `,"time":"`...)
		dst = append(dst, stamp...)
		dst = append(dst, '"')
	}
	return results.AppendRecordSegments(dst, values)
}

// Resumable is what an interrupted run's journal gives its next attempt.
type Resumable struct {
	// Prior holds the predictions of the records the journal holds
	// completely, in order from record 0.
	Prior [][]pipeline.Prediction
	// Keep is the number of records to keep in the journal: up to the
	// first record with a failed prediction, which a resume makes again.
	Keep int
	// Length is the byte length of the journal's first Keep records.
	Length int64
}

// ReadResumable reads the journal of an interrupted run, written for the
// named pipelines (see results.JournalRecords).
func ReadResumable(r io.Reader, pipes []string) (Resumable, error) {
	entries, ends, err := results.JournalRecords(r, pipes)
	if err != nil {
		return Resumable{}, fmt.Errorf("resume: %w", err)
	}
	res := Resumable{Prior: make([][]pipeline.Prediction, len(entries)), Keep: len(entries)}
	for seq, es := range entries {
		res.Prior[seq] = make([]pipeline.Prediction, len(es))
		for i, e := range es {
			res.Prior[seq][i] = Prediction(e)
			if e.Error != "" && seq < res.Keep {
				res.Keep = seq
			}
		}
	}
	if res.Keep > 0 {
		res.Length = ends[res.Keep-1]
	}
	return res, nil
}
