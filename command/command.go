// Package command is poc's command line as a library: a program that adds
// metrics (or pipelines) of its own to poc builds its own `poc` with it,
// without a fork. Its main blank-imports the packages that register them
// and calls Main, as cmd/poc does:
//
//	package main
//
//	import (
//		"os"
//
//		"github.com/poc-harness/poc/command"
//		_ "example.com/mypoc/langmetric" // registers same_language
//	)
//
//	func main() { os.Exit(command.Main()) }
//
// metrics/README.md has the whole example, as a module of its own.
package command

import "github.com/poc-harness/poc/internal/cli"

// Main runs poc with the process's arguments (every command, flag and exit
// code of the poc binary) and returns the exit code. The first Ctrl-C or
// SIGTERM stops the command cleanly; a second quits at once.
func Main() int { return cli.Main() }
