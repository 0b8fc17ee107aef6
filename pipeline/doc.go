// Package pipeline defines what turns a record into an output: an LLM prompt,
// an HTTP model, a subprocess, a rule set, a recorded column. Candidates and
// baselines are the same kind of thing here; their role only matters to the
// verdict, so both run through one code path and the comparison stays fair.
//
// Pipeline types register a Spec constructor under their `type:` name with
// Register; a duplicate registration panics, as database/sql does (the
// registry is internal/registry's, shared with metrics).
//
// This package imports only datasets and internal/registry (a leaf of the
// standard library); it must never import metrics, baselines or anything
// else under internal/.
package pipeline
