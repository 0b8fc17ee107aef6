package report

import (
	"bytes"
	"strings"
	"testing"
)

// report.html has report.md's per-pipeline metrics table: every metric of
// every pipeline with its value, interval, method and records.
func TestHTMLMetricsTable(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, sampleRun(), nil, nil); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	sec := section(t, page, `<section id="metrics"`, "</section>")
	tests := []struct {
		name string
		// cells are the row's cells, in order, as the table prints them.
		cells []string
	}{
		{"a baseline's share", []string{"<h3>rules-v12", "<td>recall</td>", "41.0%", "[31.8%, 50.8%]", "100"}},
		{"a candidate's share", []string{"<h3>fraud|model-v3", "<td>recall</td>", "48.3%", "[38.8%, 58.0%]", "100"}},
		{"a latency", []string{"<h3>fraud|model-v3", "<td>latency p99</td>", "812.4 ms", "[774.1 ms, 866.1 ms]", "2,000"}},
		{"a cost", []string{"<h3>fraud|model-v3", "<td>cost per record</td>", "0.004214 USD", "[0.0039 USD, 0.00455 USD]"}},
		{"an undefined metric with its note", []string{"<h3>fraud|model-v3", "<td>recall night</td>", ">undefined<", ">no interval<",
			"undefined on these records (for example recall with no positive record)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inOrder(t, "report.html", sec, tc.cells)
		})
	}
	if !strings.Contains(sec, "<th>95% interval</th>") {
		t.Error("the metrics table does not say the intervals' confidence")
	}
	if n := strings.Count(sec, "<table"); n != 2 {
		t.Errorf("%d metrics tables, want one per pipeline (2)", n)
	}
}
