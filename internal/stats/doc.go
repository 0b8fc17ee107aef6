// Package stats holds the statistics poc uses to say whether an AI use case
// is ready for production: confidence intervals for proportions (Wilson),
// for arbitrary metrics (percentile and BCa bootstrap over record indices),
// for the paired difference between two pipelines replayed on the same
// records (paired bootstrap), for quantiles (distribution-free
// order-statistic intervals), McNemar tests for paired binary outcomes
// (exact, mid-p, asymptotic), DeLong's test for two correlated ROC AUCs,
// one-sided p-values that agree with the interval decisions, Holm's
// multiplicity adjustment, and sample-size and power formulas.
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
// REFERENCES.md lists every reference value the tests check, with its
// source and tolerance, and the measured coverage of the intervals.
//
// stats imports only the standard library and gonum. It must never import
// other poc packages, so that every other package may import it.
package stats
