package results

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Files of a run folder that the runner keeps beside the journal.
const (
	// SpendFile is the run's ledger of paid calls, one JSON line per event,
	// appended as it happens (see LedgerLine).
	SpendFile = "spend.jsonl"
	// LockFile is held (flock) by the process writing the run folder; it
	// names that process.
	LockFile = "run.lock"
)

// Ledger events, the values of LedgerLine.Event.
const (
	// LedgerStart opens an attempt of the run (the first run, or a resume).
	LedgerStart = "start"
	// LedgerSent: a paid request is about to be sent.
	LedgerSent = "sent"
	// LedgerPaid: its answer arrived; Cost is what it cost.
	LedgerPaid = "paid"
	// LedgerFailed: the request ended without an answer (nothing charged).
	LedgerFailed = "failed"
)

// LedgerLine is one line of spend.jsonl. A "sent" line without a "paid" or
// "failed" line of the same attempt and key is a request that was in
// flight when its attempt stopped: it counts as spent at its estimate.
type LedgerLine struct {
	// Event is start, sent, paid or failed.
	Event string `json:"ev"`
	// Attempt numbers the attempt of the run, from 1.
	Attempt int `json:"attempt"`
	// Pipeline is the pipeline that pays (sent, paid, failed).
	Pipeline string `json:"pipeline,omitempty"`
	// Key is the request's cache key.
	Key string `json:"key,omitempty"`
	// Estimate is the most the request is expected to cost (sent).
	Estimate float64 `json:"estimate,omitempty"`
	// Cost is what the answer cost (paid).
	Cost float64 `json:"cost,omitempty"`
	// Answer is the answer as the pipeline caches it (paid).
	Answer []byte `json:"answer,omitempty"`
	// PID, Host, Command and At describe the process of an attempt (start).
	PID     int       `json:"pid,omitempty"`
	Host    string    `json:"host,omitempty"`
	Command string    `json:"command,omitempty"`
	At      time.Time `json:"at,omitzero"`
}

// AppendLedgerLine appends l's JSON line, with its newline, to dst.
func AppendLedgerLine(dst []byte, l LedgerLine) []byte {
	b, err := json.Marshal(l)
	if err != nil {
		// Strings, numbers, bytes and a time always marshal.
		panic("results: encode ledger line: " + err.Error())
	}
	return append(append(dst, b...), '\n')
}

// ReadLedger reads spend.jsonl and returns its complete lines and their
// byte length: a last line torn by a crash is left out (the caller cuts
// the file there before appending). A complete line that does not decode
// is an error naming it.
func ReadLedger(r io.Reader) (lines []LedgerLine, length int64, err error) {
	n := 0
	err = eachLine(r, func(line []byte) error {
		if line[len(line)-1] != '\n' {
			return errStop
		}
		n++
		var l LedgerLine
		if err := json.Unmarshal(line, &l); err != nil {
			return &LedgerError{Line: n, Err: err}
		}
		lines = append(lines, l)
		length += int64(len(line))
		return nil
	})
	return lines, length, err
}

// LedgerError is a line of spend.jsonl that cannot be read.
type LedgerError struct {
	Line int
	Err  error
}

func (e *LedgerError) Error() string {
	return fmt.Sprintf("%s line %d: %v", SpendFile, e.Line, e.Err)
}

func (e *LedgerError) Unwrap() error { return e.Err }
