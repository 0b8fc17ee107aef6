// Package verdict turns accumulated metrics into estimates with intervals,
// judges each success criterion written in the experiment file, and derives
// the verdict: GO, NO-GO or INCONCLUSIVE.
//
// It fails closed: a criterion whose value cannot be computed (recall with
// no positive record, an interval that cannot be formed) is never a pass.
//
// It imports metrics and internal/stats; it must never import
// internal/report, internal/cli or cmd.
package verdict
