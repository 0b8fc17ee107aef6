// Package registry is the one implementation of the name → factory
// registries that plugins fill from their init functions: the pipeline
// types (pipeline.Register) and the metric types (metrics.Register).
//
// It is a leaf: it imports only the standard library, so pipeline and
// metrics may import it without breaking the rule that they never depend on
// the rest of internal/. It must never import anything of poc.
package registry
