// Package experiments holds poc's example experiments: the shipped ones
// (card-fraud.yaml, support-triage.yaml and their prompts) and the
// templates of `poc init` (templates/), embedded so that the binary writes
// them as they are in the repository.
package experiments

import "embed"

// Files are the example experiment files and prompts, and the templates.
//
//go:embed card-fraud.yaml support-triage.yaml prompts templates
var Files embed.FS
