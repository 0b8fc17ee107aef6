package engine

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/poc-harness/poc/datasets"
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
	// Unparseable marks an answer that could not be parsed.
	Unparseable bool `json:"unparseable,omitempty"`
	// Text and Fields are free-text and structured answers.
	Text   string         `json:"text,omitempty"`
	Fields map[string]any `json:"fields,omitempty"`
	// Raw is the model's raw answer.
	Raw string `json:"raw,omitempty"`
	// InputTokens and OutputTokens are the token usage.
	InputTokens  int `json:"input_tokens,omitempty"`
	OutputTokens int `json:"output_tokens,omitempty"`
	// Cached marks an answer from the response cache.
	Cached bool `json:"cached,omitempty"`
	// Attempts counts the calls made, retries included.
	Attempts int `json:"attempts,omitempty"`
	// Time is the record's time column, in RFC 3339, when the dataset has one.
	Time string `json:"time,omitempty"`
	// Segments holds the record's segment columns, by name.
	Segments map[string]string `json:"segments,omitempty"`
}

// Prediction turns a journal entry back into the prediction it records.
func (e Entry) Prediction() pipeline.Prediction {
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

// AppendJournalLine appends the journal line of pred (with its newline) to
// dst. It writes the same JSON as encoding/json would for an Entry, without
// reflection, since it runs once per record and pipeline. record holds the
// record-level fields (time, segments) already encoded, each starting with a
// comma, or nothing.
func AppendJournalLine(dst []byte, truth string, pred pipeline.Prediction, record ...byte) []byte {
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
	o := pred.Output
	if o.Unparseable {
		dst = append(dst, `,"unparseable":true`...)
	}
	if o.Text != "" {
		dst = append(dst, `,"text":`...)
		dst = appendString(dst, o.Text)
	}
	if len(o.Fields) > 0 {
		b, err := json.Marshal(o.Fields)
		if err != nil {
			b = []byte("null")
		}
		dst = append(dst, `,"fields":`...)
		dst = append(dst, b...)
	}
	if o.Raw != "" {
		dst = append(dst, `,"raw":`...)
		dst = appendString(dst, o.Raw)
	}
	if o.InputTokens != 0 {
		dst = append(dst, `,"input_tokens":`...)
		dst = strconv.AppendInt(dst, int64(o.InputTokens), 10)
	}
	if o.OutputTokens != 0 {
		dst = append(dst, `,"output_tokens":`...)
		dst = strconv.AppendInt(dst, int64(o.OutputTokens), 10)
	}
	if o.Cached {
		dst = append(dst, `,"cached":true`...)
	}
	if o.Attempts != 0 {
		dst = append(dst, `,"attempts":`...)
		dst = strconv.AppendInt(dst, int64(o.Attempts), 10)
	}
	dst = append(dst, record...)
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

// JournalPrefix reads a journal written for the named pipelines and
// returns the predictions of the records it holds completely, in order from
// record 0, and the byte length of that prefix. Whatever follows — a line
// torn by a crash, a record with only some of its pipelines — is not part of
// the prefix; a resumed run truncates the file there and goes on.
func JournalPrefix(r io.Reader, pipes []string) (preds [][]pipeline.Prediction, length int64, err error) {
	br := bufio.NewReaderSize(r, 1<<20)
	var cur []pipeline.Prediction
	var offset int64
	for {
		line, rerr := br.ReadBytes('\n')
		if len(line) > 0 && line[len(line)-1] == '\n' {
			var e Entry
			if json.Unmarshal(line, &e) != nil || e.Seq != len(preds) || e.Pipeline != pipes[len(cur)] {
				return preds, length, nil
			}
			cur = append(cur, e.Prediction())
			offset += int64(len(line))
			if len(cur) == len(pipes) {
				preds = append(preds, cur)
				cur = nil
				length = offset
			}
		}
		if rerr == io.EOF {
			return preds, length, nil
		}
		if rerr != nil {
			return nil, 0, fmt.Errorf("read journal: %w", rerr)
		}
	}
}

// appendRecordFields encodes the record-level journal fields: the time
// column and the segment columns.
func appendRecordFields(dst []byte, rec datasets.Record, timeColumn string, segments []string) []byte {
	if timeColumn != "" {
		if t, err := datasets.ParseTime(rec.Fields[timeColumn]); err == nil {
			dst = append(dst, `,"time":"`...)
			dst = t.UTC().AppendFormat(dst, time.RFC3339)
			dst = append(dst, '"')
		}
	}
	if len(segments) > 0 {
		dst = append(dst, `,"segments":{`...)
		for i, col := range segments {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, col)
			dst = append(dst, ':')
			dst = appendString(dst, datasets.FormatValue(rec.Fields[col]))
		}
		dst = append(dst, '}')
	}
	return dst
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
