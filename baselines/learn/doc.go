// Package learn registers the built-in learners, pipeline type `learn`: a
// logistic regression over tabular features (`model: logistic`) and a text
// classifier over TF-IDF n-grams (`model: text`, multinomial logistic
// regression or complement naive Bayes), usable as a candidate or a
// baseline.
//
// A learner is trained before the replay (it implements pipeline.Trainer).
// Feature lists that name the label or a column declared as leaking are
// refused when the experiment is loaded. Thresholds chosen for a target (a
// false-positive rate, a precision) are chosen on the training data only,
// by inner cross-fitting.
//
// # No leakage, by construction
//
// A record is never scored by a model that saw it. The `train:` block names
// one of three schemes:
//
//   - A separate training file, `train: {file: train.csv}` (a split the data
//     came with). The model never reads the replayed records. With the
//     dataset's id column named, `train: {file: train.csv, id: ticket_id}`,
//     Train refuses a file holding any id that is also replayed, giving how
//     many and the first few; without `id:` this check is skipped and the
//     file is trusted to be disjoint from the replay.
//   - Time cuts, `train: {before: "2026-04-01"}` or walk-forward with several,
//     `train: {before: ["2026-02-01", "2026-03-01", "2026-04-01"]}`. For each
//     cut one model is fitted, once and deterministically, on the labelled
//     records of the whole dataset file (not only the replay) strictly
//     before it, read separately so that nothing at or after the cut reaches
//     it. A record at time t is scored by the model of the latest cut <= t,
//     so never by a model that saw its own period or anything later; the
//     output's Fields["model_cut"] names that cut. A record before the first
//     cut was training data and is refused. The class list is the union of
//     the labels before the last cut, so a class first seen in a later
//     period is known by name to earlier models but has no examples there.
//   - K-fold cross-fitting over the replayed records, `train: {folds: 5}`:
//     record i is scored by the model fitted on the other folds
//     (fold = Seq mod k); a record outside the replay is refused.
//
// Numerics: L-BFGS from gonum.org/v1/gonum/optimize on an L2-penalised
// log-loss (the intercept is not penalised, C = 1/l2 as in scikit-learn),
// with the gradient summed over row chunks by a few goroutines in a fixed
// order, so that a fit is deterministic.
//
// This package imports datasets, pipeline, gonum and the standard library
// only; it must never import metrics or anything under internal/.
package learn
