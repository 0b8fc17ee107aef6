package datasets

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
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
//
// It never shows more of the data than the offending value, cut to
// MaxShown characters (ShortenQuoted): not the line, not the other fields.
func (e *RowError) Error() string {
	name := filepath.Base(e.File)
	msg := "<nil>"
	if e.Err != nil {
		msg = ShortenQuoted(e.Err.Error())
	}
	switch {
	case e.Column != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: column %q: %s", name, e.Line, Shorten(e.Column), msg)
	case e.Column != "":
		return fmt.Sprintf("%s: column %q: %s", name, Shorten(e.Column), msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", name, e.Line, msg)
	}
	return fmt.Sprintf("%s: %s", name, msg)
}

// Unwrap returns the underlying error.
func (e *RowError) Unwrap() error { return e.Err }

// MaxShown is the most characters of one value of a data file an error
// message shows: enough to recognise the offending field, too few to copy
// a record out through a message.
const MaxShown = 40

// Shorten returns v cut to MaxShown characters, with "…" when cut.
func Shorten(v string) string {
	r := []rune(v)
	if len(r) <= MaxShown {
		return v
	}
	return string(r[:MaxShown]) + "…"
}

// quotedRE matches a Go-quoted string as %q writes it.
var quotedRE = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// ShortenQuoted returns msg with every quoted value longer than MaxShown
// characters cut (see Shorten): an error from a parser quotes the value
// it could not read (`parsing "…": invalid syntax`), and a data file's
// value must not reach a message whole.
func ShortenQuoted(msg string) string {
	return quotedRE.ReplaceAllStringFunc(msg, func(q string) string {
		v, err := strconv.Unquote(q)
		if err != nil || len([]rune(v)) <= MaxShown {
			return q
		}
		return strconv.Quote(Shorten(v))
	})
}

// nameRE is what a column name looks like: up to 64 characters, none of
// them a control character or the punctuation of paths, addresses,
// assignments and markup (":/\\@=<>{}[]\"'` + "`" + `") that fills the lines of
// files that are not tables.
var nameRE = regexp.MustCompile(`^[^\x00-\x1f:/\\@=<>{}\[\]"'` + "`" + `]{1,64}$`)

// LooksLikeNames reports whether the first line of a file, split into
// cols, looks like a header: at least four in five of its cells look like
// column names (nameRE) and are not numbers. The first line of a file that
// is not a table with a header (a system file given as a CSV, a CSV
// without a header) is data, not names, and must not be listed in a
// message as the dataset's columns.
func LooksLikeNames(cols []string) bool {
	if len(cols) == 0 {
		return false
	}
	good := 0
	for _, c := range cols {
		if _, err := strconv.ParseFloat(strings.TrimSpace(c), 64); err != nil && nameRE.MatchString(c) {
			good++
		}
	}
	return 5*good >= 4*len(cols)
}

// ColumnList describes the columns cols for a message: "columns: a, b, c"
// (the first max, then "… (n in all)"), or, when they do not look like column
// names (LooksLikeNames), their number and a question about the file's
// format, naming none of them.
func ColumnList(cols []string, max int) string {
	if len(cols) == 0 {
		return "no columns"
	}
	if !LooksLikeNames(cols) {
		return fmt.Sprintf("the file's first line, read as the header of %d column%s, does not look like column names: is it a %s file with a header row?",
			len(cols), map[bool]string{true: "", false: "s"}[len(cols) == 1], "CSV, TSV, JSONL or Parquet")
	}
	shown := cols
	if max > 0 && len(shown) > max {
		shown = shown[:max]
	}
	s := "columns: " + strings.Join(shown, ", ")
	if len(cols) > len(shown) {
		s += fmt.Sprintf(", … (%d in all)", len(cols))
	}
	return s
}
