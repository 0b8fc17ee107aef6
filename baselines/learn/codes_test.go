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

// A numeric feature of a few distinct whole numbers looks like category
// codes (a home type 1..6): the learner warns, naming the column, its
// values and the fix, unless the file declares the column category (it is
// then one-hot encoded) or number (it says the codes are a quantity).
func TestNumericCodesWarn(t *testing.T) {
	tests := []struct {
		name  string
		code  func(i int) string // the feature's value in record i
		rows  int
		types map[string]datasets.Type
		want  string // the warning expected, "" for none
	}{
		{name: "codes 1..6", code: func(i int) string { return fmt.Sprint(1 + i%6) }, rows: 120,
			want: `features[0]: feature "home" is read as a number, but holds only 6 distinct whole numbers (1, 2, 3, 4, 5, 6): ` +
				`if they are category codes, the model reads them as amounts (code 4 as twice code 2), and recoding them changes its results ` +
				`(declare it category under dataset.columns (columns: {home: category}); ` +
				`if the codes are ordered (a count, a term in months), declare it number there to keep it numeric)`},
		{name: "codes with missing values", code: func(i int) string { return []string{"", "3", "7", "9"}[i%4] }, rows: 120,
			want: `holds only 3 distinct whole numbers (3, 7, 9)`},
		{name: "twelve codes, the most that warn", code: func(i int) string { return fmt.Sprint(i % 12) }, rows: 120,
			want: `holds only 12 distinct whole numbers (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)`},
		{name: "thirteen values are a quantity", code: func(i int) string { return fmt.Sprint(i % 13) }, rows: 130},
		{name: "two values fit as one slope what one-hot would", code: func(i int) string { return fmt.Sprint(i % 2) }, rows: 120},
		{name: "fractions are no codes", code: func(i int) string { return fmt.Sprintf("%d.5", i%4) }, rows: 120},
		{name: "a handful of records says nothing", code: func(i int) string { return fmt.Sprint(1 + i%6) }, rows: 12},
		{name: "declared category", code: func(i int) string { return fmt.Sprint(1 + i%6) }, rows: 120,
			types: map[string]datasets.Type{"home": datasets.TypeCategory}},
		{name: "declared number", code: func(i int) string { return fmt.Sprint(1 + i%6) }, rows: 120,
			types: map[string]datasets.Type{"home": datasets.TypeNumber}},
		{name: "text levels", code: func(i int) string { return []string{"rent", "owner", "parents"}[i%3] }, rows: 120},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("home,amount,y\n")
			for i := range tt.rows {
				fmt.Fprintf(&b, "%s,%d,%d\n", tt.code(i), (i*37)%101, (i/7)%2)
			}
			path := filepath.Join(t.TempDir(), "loans.csv")
			if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			open := func() (datasets.Reader, error) { return datasets.Open(path, datasets.Options{Types: tt.types}) }
			var warns []string
			data := pipeline.TrainingData{Replay: open, All: open, Label: "y", Positive: "1", Types: tt.types,
				Warn: func(w pipeline.TrainingWarning) { warns = append(warns, w.Field+": "+w.Msg+" ("+w.Hint+")") }}
			env := pipeline.Env{Name: "lr", Columns: []string{"home", "amount", "y"}, Label: "y", Positive: "1"}
			l := build(t, &Spec{Features: []string{"home", "amount"}, Train: &TrainSpec{Folds: 2}}, env)
			if err := l.CheckTraining(context.Background(), data); err != nil {
				t.Fatalf("CheckTraining: %v", err)
			}
			switch {
			case tt.want == "" && len(warns) > 0:
				t.Errorf("warnings %q, want none", warns)
			case tt.want != "" && (len(warns) != 1 || !strings.Contains(warns[0], tt.want)):
				t.Errorf("warnings %q, want one containing %q", warns, tt.want)
			}
		})
	}
}
