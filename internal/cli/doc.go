// Package cli holds poc's cobra commands. Each command fills an options
// struct from its flags and calls a run function that is testable without a
// process; every output goes through the IO struct, and errors are mapped to
// documented exit codes in one place (ExitCode).
//
// It may import every package of poc except cmd.
package cli
