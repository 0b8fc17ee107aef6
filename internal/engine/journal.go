package engine

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/poc-harness/poc/pipeline"
)

// Entry is one line of a run's journal (predictions.jsonl): one pipeline's
// prediction for one record. The field names are part of the run folder's
// documented format.
type Entry struct {
	// Seq is the record's position in the replay, from 0.
	Seq int `json:"seq"`
	// ID is the record's id.
	ID string `json:"id"`
	// Pipeline is the pipeline's name.
	Pipeline string `json:"pipeline"`
	// Truth is the record's label, in canonical form.
	Truth string `json:"truth"`
	// Label is the pipeline's decision ("" when it failed or gave none).
	Label string `json:"label"`
	// Score is the pipeline's score, when it gave one.
	Score *float64 `json:"score,omitempty"`
	// LatencyMS is the latency in milliseconds.
	LatencyMS float64 `json:"latency_ms"`
	// Cost is the cost of the decision.
	Cost float64 `json:"cost"`
	// Error is the failure, when the pipeline failed.
	Error string `json:"error,omitempty"`
}

// AppendJournalLine appends the journal line of pred (with its newline) to
// dst. It writes the same JSON as encoding/json would for an Entry, without
// reflection, since it runs once per record and pipeline.
func AppendJournalLine(dst []byte, truth string, pred pipeline.Prediction) []byte {
	dst = append(dst, `{"seq":`...)
	dst = strconv.AppendInt(dst, int64(pred.Seq), 10)
	dst = append(dst, `,"id":`...)
	dst = appendString(dst, pred.RecordID)
	dst = append(dst, `,"pipeline":`...)
	dst = appendString(dst, pred.Pipeline)
	dst = append(dst, `,"truth":`...)
	dst = appendString(dst, truth)
	dst = append(dst, `,"label":`...)
	dst = appendString(dst, pred.Output.Label)
	if pred.Output.HasScore {
		dst = append(dst, `,"score":`...)
		dst = appendFloat(dst, pred.Output.Score)
	}
	dst = append(dst, `,"latency_ms":`...)
	dst = appendFloat(dst, float64(pred.Latency)/float64(time.Millisecond))
	dst = append(dst, `,"cost":`...)
	dst = appendFloat(dst, pred.Output.Cost)
	if pred.Err != "" {
		dst = append(dst, `,"error":`...)
		dst = appendString(dst, pred.Err)
	}
	return append(dst, "}\n"...)
}

// appendString appends s as a JSON string: plain ASCII directly, anything
// needing escapes through encoding/json.
func appendString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x7f {
			b, _ := json.Marshal(s)
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// appendFloat appends f as a JSON number; NaN and infinities, which JSON
// cannot hold, become null.
func appendFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	return strconv.AppendFloat(dst, f, 'g', -1, 64)
}

// ReadJournal calls fn for every entry of a journal, in file order. A torn
// last line (the process was killed mid-write) is ignored; a bad line
// elsewhere is an error naming its line number.
func ReadJournal(r io.Reader, fn func(Entry) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<26)
	line := 0
	var pendingErr error
	for sc.Scan() {
		line++
		if pendingErr != nil {
			return pendingErr
		}
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			pendingErr = fmt.Errorf("journal line %d: %w", line, err)
			continue
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return sc.Err()
}
