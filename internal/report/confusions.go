package report

import (
	"sort"

	"github.com/poc-harness/poc/internal/results"
)

// maxConfusionRows is how many confusions the table of a matrix too large
// to draw lists.
const maxConfusionRows = 10

// confusionRow is one cell of a confusion matrix off its diagonal: records
// of a true label decided as another.
type confusionRow struct {
	Truth, Decided string
	Count, Share   string
}

// topConfusions lists a confusion matrix's most frequent errors, most
// first, when the matrix has too many labels to draw
// (maxConfusionLabels): the count and its share of the true label's
// records. Nil for a drawable or missing matrix.
func topConfusions(cm *results.Confusion, names map[string]string) []confusionRow {
	if cm == nil || len(cm.Labels) <= maxConfusionLabels {
		return nil
	}
	type cell struct{ i, j, n, row int }
	var cells []cell
	for i, r := range cm.Counts {
		total := 0
		for _, n := range r {
			total += n
		}
		for j, n := range r {
			if i != j && n > 0 && i < len(cm.Labels) && j < len(cm.Labels) {
				cells = append(cells, cell{i, j, n, total})
			}
		}
	}
	sort.SliceStable(cells, func(a, b int) bool { return cells[a].n > cells[b].n })
	if len(cells) > maxConfusionRows {
		cells = cells[:maxConfusionRows]
	}
	out := make([]confusionRow, len(cells))
	for k, c := range cells {
		out[k] = confusionRow{Truth: className(names, cm.Labels[c.i]), Decided: className(names, cm.Labels[c.j]), Count: group(int64(c.n)),
			Share: formatValue(results.Number(float64(c.n)/float64(c.row)), "")}
	}
	return out
}

// className is how the reports show a class: its name from
// dataset.label_names with the code ("fraud (1)"), or the code alone.
func className(names map[string]string, code string) string {
	if n, ok := names[code]; ok && n != "" && n != code {
		return n + " (" + code + ")"
	}
	return code
}
