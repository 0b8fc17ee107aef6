// Package runner carries out `poc run`: it loads the experiment, opens the
// dataset, replays it through every pipeline with the engine, judges the
// criteria and writes the run folder. The CLI is a thin layer over it.
//
// It may import every other package of poc except internal/cli and cmd.
package runner
