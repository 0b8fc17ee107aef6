package report

import (
	"fmt"
	"strings"

	"github.com/poc-harness/poc/internal/results"
)

// checkRow is one line of the "Data checks" section: a data check's
// finding or a warning of the experiment file.
type checkRow struct {
	// Kind is "error", "warning" or "file warning".
	Kind string
	// What names the check and column, or the file position.
	What string
	// Message says what was found, with the fix when there is one.
	Message string
}

// checkRows lists the data checks' findings and the file's warnings.
func checkRows(mf results.Manifest) []checkRow {
	var rows []checkRow
	for _, c := range mf.Dataset.Checks {
		kind := "warning"
		if c.Severity == "error" {
			kind = "error"
		}
		what := c.Check
		if c.Column != "" {
			what = fmt.Sprintf("%s in %s", c.Check, c.Column)
		}
		rows = append(rows, checkRow{Kind: kind, What: what, Message: c.Message})
	}
	for _, w := range mf.Warnings {
		msg := w.Message
		if w.Hint != "" {
			msg += " (" + w.Hint + ")"
		}
		rows = append(rows, checkRow{Kind: "file warning", What: strings.TrimSpace(w.Where + " " + w.Field), Message: msg})
	}
	return rows
}

// checksSummary is one sentence for the top of the report when the data
// checks or the experiment file raised anything; "" otherwise.
func checksSummary(mf results.Manifest) string {
	d, w := len(mf.Dataset.Checks), len(mf.Warnings)
	if d == 0 && w == 0 {
		return ""
	}
	var parts []string
	if d > 0 {
		parts = append(parts, "the data checks found "+plural(d, "problem", "problems")+" in the replayed records")
	}
	if w > 0 {
		parts = append(parts, "the experiment file drew "+plural(w, "warning", "warnings"))
	}
	return strings.Join(parts, " and ") + `; see "Data checks" before relying on the verdict.`
}

// checksPassed says which checks found nothing, for a clean run: only
// those the dataset's declared columns let run (ids are checked only with
// an id column, times only with a time column, labels only with a label).
func checksPassed(ds results.Dataset) string {
	found := []string{"text is valid UTF-8 without NUL bytes", "numbers are finite"}
	if ds.ID != "" {
		found = append(found, "ids are unique")
	}
	if ds.Time != "" {
		found = append(found, "times parse")
	}
	if ds.Label != "" {
		found = append(found, "every record has a label")
	}
	last := len(found) - 1
	return "Every data check passed on the replayed records: " + strings.Join(found[:last], ", ") + " and " + found[last] + "."
}
