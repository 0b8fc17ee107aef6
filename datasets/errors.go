package datasets

import (
	"fmt"
	"path/filepath"
)

// RowError reports a record that could not be read or filtered: the file,
// the 1-based line (text formats) or row (Parquet), and the column when the
// problem is in one cell.
type RowError struct {
	// File is the dataset path as given to the reader.
	File string
	// Line is the 1-based line or row; 0 when unknown.
	Line int
	// Column names the offending column; empty when the whole row is at fault.
	Column string
	// Err is the underlying problem.
	Err error
}

// Error renders the problem as `tickets.csv:12: column "amount": ...`, with the
// file's base name so messages stay short.
func (e *RowError) Error() string {
	name := filepath.Base(e.File)
	switch {
	case e.Column != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: column %q: %v", name, e.Line, e.Column, e.Err)
	case e.Column != "":
		return fmt.Sprintf("%s: column %q: %v", name, e.Column, e.Err)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %v", name, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", name, e.Err)
}

// Unwrap returns the underlying error.
func (e *RowError) Unwrap() error { return e.Err }
