package report

import (
	"github.com/poc-harness/poc/internal/results"
)

// notMeasured is what the report shows instead of the latency of a pipeline
// evaluated in-process: the harness's own time is no latency of the real
// system.
const notMeasured = "not measured (in-process)"

// latencyMeasured reports whether the latencies journaled for p are real:
// measured on a call to a remote service or a subprocess (types llm, http
// and exec), or recorded in the data (a column pipeline with a `latency:`
// column). The other built-in types (rules, constant, majority, learn and a
// column without latency) are evaluated in-process, so their latency is the
// harness's own time. A type the report does not know (a plugin, or a run
// whose manifest names none) is taken as measured, as before.
func latencyMeasured(p results.Pipeline) bool {
	switch p.Type {
	case "rules", "constant", "majority", "learn":
		return false
	case "column":
		col, _ := p.Config["latency"].(string)
		return col != ""
	}
	return true
}

// pipelineOf is the manifest's (or metrics.json's) pipeline called name;
// ok is false when the run has none of that name.
func pipelineOf(run *results.Run, name string) (results.Pipeline, bool) {
	for _, p := range pipelinesOf(run) {
		if p.Name == name {
			return p, true
		}
	}
	return results.Pipeline{}, false
}

// latencyMeasuredIn reports whether the run's pipeline called name has a
// real latency (see latencyMeasured); a name the run does not describe is
// taken as measured.
func latencyMeasuredIn(run *results.Run, name string) bool {
	p, ok := pipelineOf(run, name)
	return !ok || latencyMeasured(p)
}

// isLatency reports whether e is a latency metric (in milliseconds).
func isLatency(e results.Estimate) bool { return e.Unit == "ms" }

// markUnmeasured rewrites, in t (the table of pipeline p), the rows of the
// latency metrics of a pipeline evaluated in-process to say they were not
// measured, keeping the harness's time in the note. It changes only what
// the reports display: metrics.json keeps its values.
func markUnmeasured(run *results.Run, p results.PipelineMetrics, t metricTable) metricTable {
	if latencyMeasuredIn(run, p.Name) || len(t.Rows) != len(p.Metrics) {
		return t
	}
	for i, e := range p.Metrics {
		if !isLatency(e) || !finite(float64(e.Value)) {
			continue
		}
		r := &t.Rows[i]
		harness := ms(float64(e.Value))
		r.Value, r.Interval, r.Method = notMeasured, noInterval, methodName("none")
		r.Note = "evaluated in-process: " + harness + " is the harness's own time, not a latency of the real process"
		t.HasNote = true
	}
	return t
}
