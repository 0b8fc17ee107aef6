// Package report turns a finished run folder into the documents people read:
// report.md, written for a consultant and an executive alike, and the plots
// under plots/ (a forest plot of the success criteria). Everything it needs
// is in a results.Run, so `poc report` rebuilds the reports from the run
// folder without replaying a single record.
//
// It imports internal/results and internal/verdict; it must never import
// internal/engine or internal/cli.
package report
