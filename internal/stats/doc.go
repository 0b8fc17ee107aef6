// Package stats holds the statistics poc uses to say whether an AI use case
// is ready for production: confidence intervals for proportions (Wilson),
// for arbitrary metrics (percentile and BCa bootstrap over record indices),
// for the paired difference between two pipelines replayed on the same
// records (paired bootstrap), for quantiles (distribution-free
// order-statistic intervals) and the exact McNemar test for paired
// binary outcomes.
//
// The package is pure computation: it knows nothing about datasets,
// pipelines, specs or reports. A metric enters as a [Statistic], a function
// of record positions, so the bootstrap works for metrics that do not
// decompose per record (F1, AUC, cost). Randomness is always seeded by the
// caller, so the same inputs and seed give the same interval.
//
// Reference implementations and the numbers the tests check against are
// produced by testdata/reference.py (numpy, scipy, statsmodels); the
// formulas are those of the project's statistics reference sheet
// (STATISTICS.md), with the departures noted on each function.
//
// stats imports only the standard library and gonum. It must never import
// other poc packages, so that every other package may import it.
package stats
