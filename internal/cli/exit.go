package cli

import (
	"errors"

	"github.com/poc-harness/poc/internal/runner"
	"github.com/poc-harness/poc/internal/spec"
)

// Exit codes of poc, documented in README.md and `poc --help`.
const (
	// ExitOK: the command succeeded; for `poc run`, any verdict unless
	// --fail-on says otherwise.
	ExitOK = 0
	// ExitFailure: a runtime failure (unreadable dataset, unwritable folder).
	ExitFailure = 1
	// ExitInvalid: the experiment file or the command line is invalid, or a
	// pipeline lacks what it needs to start (an API key): nothing was run.
	ExitInvalid = 2
	// ExitNoGo: the verdict is NO-GO and --fail-on is no-go or inconclusive.
	ExitNoGo = 3
	// ExitInconclusive: the verdict is INCONCLUSIVE and --fail-on is inconclusive.
	ExitInconclusive = 4
	// ExitInterrupted: the run was interrupted (Ctrl-C); finished records are kept.
	ExitInterrupted = 130
)

// exitError carries an exit code. Unless msg is set, the command has
// already reported the error in full and Run prints nothing more.
type exitError struct {
	code int
	err  error
	msg  bool
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// ExitCode maps an error returned by a command to poc's exit code.
func ExitCode(err error) int {
	var ee *exitError
	var diags spec.Diagnostics
	var check *runner.CheckError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &diags), errors.As(err, &check):
		return ExitInvalid
	case errors.Is(err, runner.ErrInterrupted):
		return ExitInterrupted
	case errors.Is(err, runner.ErrComplete): // nothing was run
		return ExitInvalid
	case isUsage(err):
		return ExitInvalid
	}
	return ExitFailure
}

// usageError marks a problem with the command line.
type usageError struct{ error }

func isUsage(err error) bool {
	var u usageError
	return errors.As(err, &u)
}
