// Package report turns a finished run folder into the documents people read:
// report.md, written for a consultant and an executive alike; report.html,
// one self-contained page (inline CSS, plots embedded as data: URIs, no
// script, no network request, every piece of data escaped by html/template)
// with the verdict, the projected costs and the detail an auditor checks;
// and the plots under plots/ as PNG and SVG (criteria, metrics by pipeline,
// quality against cost, latency, confusion matrix, ROC, precision-recall
// and calibration, the metric by month and by segment with Wilson
// intervals, the projected yearly saving). Everything it needs
// is in a results.Run, so `poc report` rebuilds the reports from the run
// folder without replaying a single record.
//
// It imports internal/results, internal/verdict and internal/stats; it must never import
// internal/engine or internal/cli.
package report
