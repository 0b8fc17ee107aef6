package report

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/poc-harness/poc/internal/results"
)

// attemptNotes are what the reports say of how a run went beyond its
// records: the settings the command line gave (and those a resume kept
// from the start), spend that is presumed, requests re-sent after a stop,
// failed predictions made again, and answers the cache could not store.
func attemptNotes(mf results.Manifest) []string {
	cur := cmp.Or(mf.UseCase.Currency, "USD")
	var notes []string
	if f := flagsText(mf.Flags); f != "" {
		s := "Command line: " + f
		if len(mf.Flags.Kept) > 0 {
			s += fmt.Sprintf(" (%s given when the run started and kept on resume)", strings.Join(mf.Flags.Kept, ", "))
		}
		notes = append(notes, s)
	}
	if mf.SpentPresumed > 0 || mf.InFlightAtStop > 0 {
		notes = append(notes, fmt.Sprintf("%s of the spend is presumed: %s requests were in flight when an attempt stopped; they count at their most, as the provider may have charged them",
			formatValue(results.Number(mf.SpentPresumed), cur), group(int64(mf.InFlightAtStop))))
	}
	if mf.Retried > 0 {
		notes = append(notes, fmt.Sprintf("%s predictions that had failed in an earlier attempt were made again on resume", group(int64(mf.Retried))))
	}
	if mf.Cache.PutErrors > 0 {
		notes = append(notes, fmt.Sprintf("%s answers could not be stored in the response cache (first error: %s): a rerun pays for them again",
			group(int64(mf.Cache.PutErrors)), mf.Cache.FirstPutError))
	}
	return notes
}

// flagsText writes the command-line settings of a run as flags.
func flagsText(f results.Flags) string {
	var parts []string
	if f.MaxCost > 0 {
		parts = append(parts, fmt.Sprintf("--max-cost %g", f.MaxCost))
	}
	if f.Concurrency > 0 {
		parts = append(parts, fmt.Sprintf("--concurrency %d", f.Concurrency))
	}
	if f.NoCache {
		parts = append(parts, "--no-cache")
	}
	if f.CacheDir != "" {
		parts = append(parts, "--cache-dir "+f.CacheDir)
	}
	return strings.Join(parts, " ")
}
