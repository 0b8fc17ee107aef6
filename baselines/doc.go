// Package baselines holds the pipelines a candidate must beat or match:
// today's rule set (`type: rules`), a decision or score already recorded in
// the data (`type: column` — what the human agents did, what a model logged
// in shadow mode), and the trivial floors (`type: constant`, `type: majority`).
//
// They register into the same pipeline registry as the AI pipelines and run
// through the same engine, so a baseline and a candidate are measured alike;
// any of them may also be given the candidate role.
//
// This package imports datasets and pipeline; it must never import metrics
// or anything under internal/.
package baselines
