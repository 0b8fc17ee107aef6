package learn

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

// Limits of the numeric-codes check: a numeric feature whose values are
// between codeMinValues and codeMaxValues distinct whole numbers, over at
// least codeMinRecords records with a value, looks like category codes (a
// home type 1..6, a job 1..4) that a model would read as a quantity. Two
// values are left out: one slope on a 0/1 column fits what one-hot
// encoding would.
const (
	codeMinValues  = 3
	codeMaxValues  = 12
	codeMinRecords = 20
)

// checkCodes warns, through data.Warn, of each numeric feature of t whose
// values look like category codes: the model fits one slope to them, as if
// code 4 were twice code 2, and recoding the levels changes its results
// without a word. A column the file declares number under dataset.columns
// is one it says is a quantity, and is left alone.
func (l *Learner) checkCodes(t *table, data pipeline.TrainingData) {
	for i, c := range t.cols {
		if c.categorical || data.Types[c.name] == datasets.TypeNumber {
			continue
		}
		values, ok := codes(c.nums)
		if !ok {
			continue
		}
		shown := make([]string, len(values))
		for j, v := range values {
			shown[j] = datasets.FormatValue(v)
		}
		data.Warning(pipeline.TrainingWarning{
			Field: fmt.Sprintf("features[%d]", i),
			Msg: fmt.Sprintf("feature %q is read as a number, but holds only %d distinct whole numbers (%s): "+
				"if they are category codes, the model reads them as amounts (code 4 as twice code 2), and recoding them changes its results",
				c.name, len(values), strings.Join(shown, ", ")),
			Hint: fmt.Sprintf("declare it category under dataset.columns (columns: {%s: category}); "+
				"if the codes are ordered (a count, a term in months), declare it number there to keep it numeric", c.name),
		})
	}
}

// codes returns the distinct values of nums, sorted, when they look like
// category codes (see codeMinValues); ok is false otherwise.
func codes(nums []float64) (values []float64, ok bool) {
	n := 0
	seen := map[float64]bool{}
	for _, x := range nums {
		if math.IsNaN(x) {
			continue
		}
		if x != math.Trunc(x) || math.IsInf(x, 0) {
			return nil, false
		}
		n++
		if !seen[x] {
			if len(seen) == codeMaxValues {
				return nil, false
			}
			seen[x] = true
		}
	}
	if n < codeMinRecords || len(seen) < codeMinValues {
		return nil, false
	}
	for v := range seen {
		values = append(values, v)
	}
	slices.Sort(values)
	return values, true
}
