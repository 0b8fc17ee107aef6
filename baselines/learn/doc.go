// Package learn registers the built-in learners, pipeline type `learn`: a
// logistic regression over tabular features (`model: logistic`) and a text
// classifier over TF-IDF n-grams (`model: text`, multinomial logistic
// regression or complement naive Bayes), usable as a candidate or a
// baseline.
//
// A learner is trained before the replay (it implements pipeline.Trainer)
// and never scores a record with a model that saw it: it trains on a
// separate file, on the records before a time cut (and refuses the ones
// before it), or by k-fold cross-fitting over the replayed records. Feature
// lists that name the label or a column declared as leaking are refused when
// the experiment is loaded. Thresholds chosen for a target (a false-positive
// rate, a precision) are chosen on the training data only.
//
// Numerics: L-BFGS from gonum.org/v1/gonum/optimize on an L2-penalised
// log-loss (the intercept is not penalised, C = 1/l2 as in scikit-learn),
// with the gradient summed over row chunks by a few goroutines in a fixed
// order, so that a fit is deterministic.
//
// This package imports datasets, pipeline, gonum and the standard library
// only; it must never import metrics or anything under internal/.
package learn
