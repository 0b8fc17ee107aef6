// Package metrics scores pipelines: a Metric is a named scorer over
// (record, prediction) pairs with one Accumulator per pipeline.
//
// Metric types register a Spec constructor under their `type:` name with
// Register (a duplicate panics, as database/sql does). An accumulator can
// merge another's state, so the same code serves streaming, sharded and
// bootstrap computation; accumulators that keep per-record values expose them
// through the optional Resampler, Proportion and Quantiler interfaces, from
// which the statistics layer computes intervals and paired comparisons
// without any code from the metric's author.
//
// This package imports datasets, pipeline, pipeline/remote (the llm_judge
// judge's keys) and internal/registry (the registry shared with pipeline, a
// leaf of the standard library); it must never import pipeline/llm (the
// judge's model comes through Env.NewGrader), baselines or anything else
// under internal/.
package metrics
