// Package engine replays records through pipelines: a bounded pool of
// workers runs every pipeline on every record, and one writer folds the
// predictions, in record order, into the metric accumulators and appends them
// to the run's journal.
//
// A pipeline's failure on a record is data on that record's prediction; it
// never aborts the run. Cancelling the context stops the replay cleanly:
// every record whose predictions were all finished is kept, in order, with no
// gap, and the result says how far it got.
//
// It imports datasets, pipeline and metrics; it must never import
// internal/report, internal/cli or cmd.
package engine
