package report

import (
	"testing"

	"github.com/poc-harness/poc/internal/results"
)

// The sentence of a clean run names only the checks that ran: ids without
// an id column, times without a time column and labels without a label
// column are not checked, so it does not claim them.
func TestChecksPassedSaysWhatWasChecked(t *testing.T) {
	tests := []struct {
		name string
		ds   results.Dataset
		want string
	}{
		{"id, time and label", results.Dataset{ID: "txn_id", Time: "created_at", Label: "is_fraud"},
			"Every data check passed on the replayed records: text is valid UTF-8 without NUL bytes, numbers are finite, ids are unique, times parse and every record has a label."},
		{"label only", results.Dataset{Label: "Status"},
			"Every data check passed on the replayed records: text is valid UTF-8 without NUL bytes, numbers are finite and every record has a label."},
		{"id without a time", results.Dataset{ID: "id", Label: "y"},
			"Every data check passed on the replayed records: text is valid UTF-8 without NUL bytes, numbers are finite, ids are unique and every record has a label."},
		{"time without an id", results.Dataset{Time: "at", Label: "y"},
			"Every data check passed on the replayed records: text is valid UTF-8 without NUL bytes, numbers are finite, times parse and every record has a label."},
		{"nothing declared", results.Dataset{},
			"Every data check passed on the replayed records: text is valid UTF-8 without NUL bytes and numbers are finite."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checksPassed(tt.ds); got != tt.want {
				t.Errorf("checksPassed:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}
