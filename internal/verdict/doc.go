// Package verdict judges each success criterion written in the experiment
// file and derives the verdict: GO, NO-GO or INCONCLUSIVE.
//
// It holds criterion logic only, over plain values: the bound a criterion
// is held to, pass / fail / inconclusive from the interval, the
// Holm–Bonferroni correction across the must-criteria, the verdict, the
// explanations and the sample-size advice. The evidence for each criterion
// (estimate, interval, the p-value that inverts it) comes from a Tester,
// which internal/analysis implements over the metrics.
//
// It fails closed: a criterion whose value cannot be computed (recall with
// no positive record, an interval that cannot be formed) is never a pass.
//
// It imports internal/results, internal/format and internal/stats; it must
// never import metrics, internal/report, internal/cli or cmd.
package verdict
