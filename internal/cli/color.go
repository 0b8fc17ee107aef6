package cli

import (
	"io"
	"os"
	"strings"

	"github.com/poc-harness/poc/internal/results"
)

// consoleSettings holds how the console output looks; NewRootCmd sets it.
type consoleSettings struct {
	// noColor is --no-color: plain text whatever the terminal.
	noColor bool
	// forceColor colours the output even when it is not a terminal (tests
	// write to buffers); NO_COLOR and --no-color still win.
	forceColor bool
	// quiet (-q) prints the verdict, the run folder, warnings and errors
	// only; verbose (-v) adds every metric of every pipeline.
	quiet, verbose bool
}

// ANSI SGR sequences of the colours the console uses.
const (
	ansiGreen  = "\x1b[32m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiReset  = "\x1b[0m"
)

// useColor says whether output to w is coloured: only on a terminal (or
// when forced), and never with --no-color or a non-empty NO_COLOR
// (https://no-color.org).
func useColor(w io.Writer, s *consoleSettings, getenv func(string) string) bool {
	if s != nil && s.noColor {
		return false
	}
	if getenv("NO_COLOR") != "" {
		return false
	}
	return (s != nil && s.forceColor) || isTerminal(w)
}

// palette paints the console's status words; the zero value is plain text.
type palette struct{ on bool }

// newPalette is the palette for output to io.Out.
func newPalette(io IO) palette {
	return palette{on: useColor(io.Out, io.console, os.Getenv)}
}

// paint wraps s in the colour code when the palette is on.
func (p palette) paint(code, s string) string {
	if !p.on || s == "" {
		return s
	}
	return code + s + ansiReset
}

// status is a criterion status in capitals, padded to width with the
// padding left uncoloured: PASS green, FAIL red, the others yellow.
func (p palette) status(s results.CriterionStatus, width int) string {
	word := strings.ToUpper(string(s))
	pad := strings.Repeat(" ", max(width-len(word), 0))
	code := ansiYellow
	switch s {
	case results.Pass:
		code = ansiGreen
	case results.Fail:
		code = ansiRed
	}
	return p.paint(code, word) + pad
}

// verdict is the verdict word: GO green, NO-GO red, INCONCLUSIVE yellow.
func (p palette) verdict(v results.Decision) string {
	code := ansiYellow
	switch v {
	case results.Go:
		code = ansiGreen
	case results.NoGo:
		code = ansiRed
	}
	return p.paint(code, string(v))
}
