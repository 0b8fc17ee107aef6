// Package analysis is the one stage between the replay and the documents
// that turns the metrics' accumulators into numbers with uncertainty.
//
// It is the only place that asks which optional interfaces of package
// metrics an accumulator implements: each metric gets one Method (bounded,
// wilson, quantile, bootstrap or none), and an inconsistent set is an error
// that `poc validate` reports through Check. It is also the only place that
// resamples: one set of bootstrap replicates per pipeline, metric and set of
// records, from which the estimate's interval, the p-value that inverts that
// interval, the paired comparisons (differences of replicates drawn on the
// same records) and the extra variance of a noisy metric all come.
//
// Analysis implements verdict.Tester, so that internal/verdict judges the
// criteria over plain values and never imports metrics.
//
// It imports metrics, internal/stats, internal/verdict and internal/results;
// it must never import internal/report, internal/runner, internal/cli or cmd.
package analysis
