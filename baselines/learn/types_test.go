package learn

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

// A payment status coded -2..8 is a number to the file; declared category
// (dataset.columns), it is one-hot encoded, one feature per code, instead of
// one standardised slope. A declared string column is categorical too: the
// learner reads text as levels, never as a document (text models name their
// documents under text:).
func TestDeclaredCategoryIsOneHot(t *testing.T) {
	var b strings.Builder
	b.WriteString("status,amount,y\n")
	for i := range 110 {
		status := i%11 - 2
		fmt.Fprintf(&b, "%d,%d,%d\n", status, 10*i, btoi(status == 3))
	}
	path := filepath.Join(t.TempDir(), "pay.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		types       map[string]datasets.Type
		categorical bool
		width       int // encoded features: status, then amount
	}{
		{"inferred number", nil, false, 2},
		{"declared category", map[string]datasets.Type{"status": datasets.TypeCategory}, true, 11 + 1},
		{"declared string", map[string]datasets.Type{"status": datasets.TypeString}, true, 11 + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			open := func() (datasets.Reader, error) { return datasets.Open(path, datasets.Options{Types: tt.types}) }
			env := pipeline.Env{Name: "lr", Columns: []string{"status", "amount", "y"}, Label: "y", Positive: "1"}
			l := build(t, &Spec{Features: []string{"status", "amount"}, Train: &TrainSpec{Folds: 2}}, env)
			tab, err := l.readTable(context.Background(), open, "y", nil)
			if err != nil {
				t.Fatal(err)
			}
			rows := make([]int, tab.rows())
			for i := range rows {
				rows[i] = i
			}
			enc := fitEncoder(tab, rows, l.text)
			if tab.cols[0].categorical != tt.categorical || tab.cols[1].categorical || enc.width != tt.width {
				t.Errorf("status categorical %v, amount categorical %v, width %d; want %v, false, %d",
					tab.cols[0].categorical, tab.cols[1].categorical, enc.width, tt.categorical, tt.width)
			}
		})
	}
}

// btoi is 1 for true, 0 for false.
func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
