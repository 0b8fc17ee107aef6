// Command poc tells a business, with evidence, whether an AI use case should
// go to production. See `poc --help` and README.md.
package main

import (
	"os"

	"github.com/poc-harness/poc/command"
)

func main() { os.Exit(command.Main()) }
