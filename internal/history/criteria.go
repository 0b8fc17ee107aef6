// Package history compares the runs of an experiment: which criteria
// changed between two runs, and a hash of what decides each criterion, so
// that a run can tell whether the success criteria moved after an earlier
// run on the same data.
package history

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/results"
)

// CriterionPair is a criterion of run a and the same criterion of run b
// (nil where a run lacks it).
type CriterionPair struct{ A, B *results.Judgement }

// PairCriteria pairs the criteria of a and b: by name, then — a name made
// from the threshold changes with it — what is left by metric, pipeline,
// kind and baseline, in order; then each left alone.
func PairCriteria(a, b []results.Judgement) []CriterionPair {
	usedB := make([]bool, len(b))
	pairs := make([]CriterionPair, len(a))
	for i := range a {
		pairs[i].A = &a[i]
		for k := range b {
			if !usedB[k] && b[k].Name == a[i].Name {
				pairs[i].B, usedB[k] = &b[k], true
				break
			}
		}
	}
	for i := range pairs {
		if pairs[i].B != nil {
			continue
		}
		ja := pairs[i].A
		for k := range b {
			if jb := &b[k]; !usedB[k] && jb.Metric == ja.Metric && jb.Pipeline == ja.Pipeline && jb.Kind == ja.Kind && jb.Baseline == ja.Baseline {
				pairs[i].B, usedB[k] = jb, true
				break
			}
		}
	}
	for k := range b {
		if !usedB[k] {
			pairs = append(pairs, CriterionPair{B: &b[k]})
		}
	}
	return pairs
}

// CriteriaChanges lists the criteria added, removed or changed (in what
// decides them) from a to b.
func CriteriaChanges(pairs []CriterionPair) []string {
	var out []string
	for _, p := range pairs {
		ja, jb := p.A, p.B
		switch {
		case jb == nil:
			out = append(out, "removed: "+ja.Name)
		case ja == nil:
			out = append(out, "added: "+jb.Name)
		default:
			var diffs []string
			show := format.Value[results.Number]
			if ja.Kind.Comparison() {
				show = format.Diff[results.Number]
			}
			if ja.Threshold != jb.Threshold || ja.Sense != jb.Sense {
				diffs = append(diffs, fmt.Sprintf("required %s %s → %s %s", ja.Sense, show(ja.Threshold, ja.Unit), jb.Sense, show(jb.Threshold, jb.Unit)))
			}
			if ja.Must != jb.Must {
				diffs = append(diffs, fmt.Sprintf("must %v → %v", ja.Must, jb.Must))
			}
			if ja.Name != jb.Name && len(diffs) == 0 {
				diffs = append(diffs, fmt.Sprintf("renamed %q", jb.Name))
			}
			if len(diffs) > 0 {
				out = append(out, "changed: "+ja.Name+": "+strings.Join(diffs, "; "))
			}
		}
	}
	return out
}

// CriteriaHash is a hash of what decides the verdict of each criterion.
func CriteriaHash(cs []results.Judgement) string {
	type decides struct {
		Name, Metric, Pipeline, Baseline, Sense string
		Kind                                    results.Kind
		Threshold                               results.Number
		Must, Relative                          bool
	}
	d := make([]decides, len(cs))
	for i, c := range cs {
		d[i] = decides{c.Name, c.Metric, c.Pipeline, c.Baseline, c.Sense, c.Kind, c.Threshold, c.Must, c.Relative}
	}
	b, _ := json.Marshal(d)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
