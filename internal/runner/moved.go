package runner

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/poc-harness/poc/internal/history"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/spec"
)

// criteriaMoved warns when an earlier complete run of the experiment (a
// sibling of dir) judged the same data under other criteria: success
// criteria written down before anything ran are the point, and criteria
// moved after a result was seen are shown, never hidden. It names the
// latest such run, its verdict, and what changed since.
func criteriaMoved(exp *spec.Experiment, dir string, run *results.Run) spec.Diagnostics {
	data := run.Manifest.Dataset.SHA256
	if data == "" {
		return nil
	}
	now := history.CriteriaHash(run.Verdict.Criteria)
	runs, err := history.Runs(filepath.Join(filepath.Dir(dir), "*"))
	if err != nil {
		return nil
	}
	var latest *history.Run
	for i, r := range runs {
		man := r.Manifest
		if r.Dir == dir || man.Status != results.Complete || man.Dataset.SHA256 != data || r.Verdict == nil ||
			history.CriteriaHash(r.Verdict.Criteria) == now || !man.Started.Before(run.Manifest.Started) {
			continue
		}
		latest = &runs[i] // oldest first: the last one kept is the latest
	}
	if latest == nil {
		return nil
	}
	pairs := history.PairCriteria(latest.Verdict.Criteria, run.Verdict.Criteria)
	changes := history.CriteriaChanges(pairs)
	if len(changes) == 0 {
		return nil
	}
	at := spec.Pos{}
	if len(exp.Criteria) > 0 {
		at = exp.Criteria[0].Pos
	}
	for _, p := range pairs { // at the first criterion that changed or came
		if len(history.CriteriaChanges([]history.CriterionPair{p})) == 0 || p.B == nil {
			continue
		}
		for k := range run.Verdict.Criteria {
			if &run.Verdict.Criteria[k] == p.B && k < len(exp.Criteria) {
				at = exp.Criteria[k].Pos
			}
		}
		break
	}
	return spec.Diagnostics{{File: exp.File, Line: at.Line, Col: at.Col, Field: "criteria", Severity: spec.Warning,
		Msg: fmt.Sprintf("the criteria changed since run %s (%s) judged these same records %s: %s", latest.Manifest.RunID,
			latest.Manifest.Started.UTC().Format(time.DateTime+" UTC"), latest.Verdict.Verdict, strings.Join(changes, "; ")),
		Hint: "criteria moved after a result was seen make the verdict weaker evidence: keep the ones written first, or judge the new ones on records no run has seen (`poc compare` shows both runs)"}}
}
