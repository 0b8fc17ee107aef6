// Package spec is the experiment file: schema version 1, its loader and its
// diagnostics.
//
// Load reads one YAML experiment, expands ${ENV} references in its scalar
// values, resolves paths against the file's folder, decodes every block
// strictly (an unknown key is reported with a did-you-mean), builds each
// pipeline and metric through the public registries, and checks every
// reference to a metric, a pipeline or a dataset column. All problems come
// back at once as Diagnostics, each pointing at a line and column of the file.
//
// The package sits between the public registries (pipeline, metrics) and the
// commands. It must never import internal/engine or cmd (the engine consumes an
// Experiment, not the other way round), and it does not import datasets: the
// dataset's columns and the filter check arrive through LoadOptions.
package spec
