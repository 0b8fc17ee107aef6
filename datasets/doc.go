// Package datasets reads the historical records an experiment replays.
//
// A Reader streams records in file order until io.EOF; formats (csv, jsonl,
// parquet) register themselves with RegisterFormat, in the style of
// database/sql drivers. Open picks a format from the file extension or an
// explicit name, applies an optional filter expression and a seeded sample,
// so that a rerun replays exactly the same records.
//
// Columns mean what the data means: a delimited text file gives each column
// one type, inferred over the whole column (number, bool or string; see
// InferCSVTypes), and Options.Types declares a column's type (string,
// category, number, bool, time) for every format, overriding the format's
// own reading.
//
// This package is the bottom of poc's import graph: it must never import
// pipeline, metrics, baselines or anything under internal/.
package datasets
