package report

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/results"
)

// costRow is one pipeline's projected yearly running cost.
type costRow struct {
	Pipeline, Role string
	Candidate      bool
	PerRecord      string
	Yearly         string
	// Interval is the yearly cost's interval, from cost_per_record's.
	Interval string
	// Assumption is what the figure rests on, in a sentence.
	Assumption string
	// Diffs compare a candidate with each baseline.
	Diffs []costDiff
}

// costDiff is a candidate's yearly cost minus a baseline's.
type costDiff struct {
	Baseline string
	Diff     string
	// Sense is "more than" or "less than" (or "the same as").
	Sense string
}

// Phrase is the comparison as both reports write it: "1,500 USD a year
// less than rules-v12", "0 USD a year the same as eligibility-rules".
func (d costDiff) Phrase() string {
	return fmt.Sprintf("%s a year %s %s", d.Diff, d.Sense, d.Baseline)
}

// impact is the "Impact and cost" section.
type impact struct {
	// Missing says what to add to the experiment for a projection; empty
	// when there is one.
	Missing string
	Volume  string
	Rows    []costRow
	// Notes are the general assumptions and limits of the projection.
	Notes []string

	// From impact.json (empty without one):
	// Headline is the executive summary line of page one.
	Headline string
	// Conf labels the intervals ("95%").
	Conf string
	// Errors is each pipeline's yearly error cost; People the yearly cost of
	// the people's handling time.
	Errors, People []projRow
	// Savings is each candidate's yearly saving against each baseline.
	Savings []savingRow
	// Workload is the people's work a candidate would absorb.
	Workload *workloadView
}

// impactOf is the whole "Impact and cost" section: the running costs from
// metrics.json and what impact.json projects.
func impactOf(run *results.Run) impact {
	im := projectCosts(run)
	projection(&im, run)
	switch ij := run.Impact; {
	case ij != nil:
		im.Notes = append([]string(nil), ij.Notes...)
		if ij.CostOfError == nil || ij.Workload == nil {
			im.Notes = append(im.Notes, missingImpactNote(ij.CostOfError == nil, ij.Workload == nil))
		}
	default:
		im.Notes = append(im.Notes, missingImpactNote(true, true))
	}
	return im
}

// missingImpactNote says how to add the projections the run lacks.
func missingImpactNote(errors, people bool) string {
	var what, keys []string
	if errors {
		what = append(what, "errors (the amount of a missed fraud, the cost of a wrongly blocked customer)")
		keys = append(keys, "`cost_of_error:`")
	}
	if people {
		what = append(what, "human handling time (minutes per case, hourly cost)")
		keys = append(keys, "`people:`")
	}
	return fmt.Sprintf("Savings from %s are not projected: add %s under `use_case:`.",
		strings.Join(what, " and from "), strings.Join(keys, " and "))
}

// projectCosts is each pipeline's yearly running cost as impact.json
// projects it (the one projection; the report recomputes nothing), with
// each candidate's difference from each baseline.
func projectCosts(run *results.Run) impact {
	var im impact
	ij := run.Impact
	if ij == nil || ij.VolumePerYear <= 0 {
		im.Missing = "The experiment gives no yearly volume. Add `volume_per_year:` under `use_case:` (production records a year), " +
			"and a cost per call or a token price to the pipelines, to project each pipeline's yearly running cost."
		return im
	}
	cur := cmp.Or(ij.Currency, "USD")
	vol := float64(ij.VolumePerYear)
	im.Volume = group(ij.VolumePerYear)
	yearly := map[string]float64{}
	withPeople := map[string]bool{}
	var baselines []string
	for _, p := range ij.Pipelines {
		rc := p.RunningCost
		row := costRow{Pipeline: p.Name, Role: cmp.Or(p.Role, na), Candidate: p.Role == "candidate",
			PerRecord: formatValue(rc.Value/results.Number(vol), cur), Yearly: money(float64(rc.Value), cur), Assumption: rc.Assumption}
		if finite(float64(rc.Value)) {
			yearly[p.Name] = float64(rc.Value)
		}
		if pc := p.PeopleCost; pc != nil && finite(float64(pc.Value)) && finite(float64(rc.Value)) {
			// The people's baseline is never free: a candidate is compared
			// with its running cost and its people's handling time.
			yearly[p.Name] += float64(pc.Value)
			withPeople[p.Name] = true
			row.Assumption += fmt.Sprintf("; the people's handling time (%s a year, %s per record) is not in this running cost, "+
				"but is counted when a candidate is compared with %s",
				money(float64(pc.Value), cur), formatValue(pc.Value/results.Number(vol), cur), p.Name)
		}
		if iv := rc.Interval; !iv.Lo.IsNaN() && !iv.Hi.IsNaN() && iv.Lo != iv.Hi {
			row.Interval = money(float64(iv.Lo), cur) + " to " + money(float64(iv.Hi), cur)
		}
		if !row.Candidate {
			baselines = append(baselines, p.Name)
		}
		im.Rows = append(im.Rows, row)
	}
	for i, r := range im.Rows {
		if c, ok := yearly[r.Pipeline]; ok && r.Candidate {
			im.Rows[i].Diffs = costDiffs(c, yearly, withPeople, baselines, cur)
		}
	}
	im.Notes = []string{
		"Running cost only: what each pipeline's calls cost per record, as the experiment measured or states it. " +
			"Build, integration, monitoring and staff costs are not included.",
		"The yearly figures assume next year's records cost what the replayed records cost on average, " +
			"at the volume the experiment states.",
	}
	return im
}

// costDiffs compares a candidate's yearly cost c with each baseline's; for
// the baselines in withPeople, that cost includes the people's handling
// time, and the comparison says so.
func costDiffs(c float64, yearly map[string]float64, withPeople map[string]bool, baselines []string, cur string) []costDiff {
	var out []costDiff
	for _, b := range baselines {
		bv, ok := yearly[b]
		if !ok {
			continue
		}
		d := costDiff{Baseline: b, Diff: money(c-bv, cur), Sense: "the same as"}
		if withPeople[b] {
			d.Baseline = b + " with the people's handling time"
		}
		switch {
		case c > bv:
			d.Sense = "more than"
		case c < bv:
			d.Sense, d.Diff = "less than", money(bv-c, cur)
		}
		out = append(out, d)
	}
	return out
}

// money prints an amount in its currency, as every document does.
var money = format.Money
