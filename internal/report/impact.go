package report

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/poc-harness/poc/internal/results"
)

// costMetric is the metric the cost projection rests on.
const costMetric = "cost_per_record"

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
	// Sense is "more" or "less" (or "the same").
	Sense string
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
	case len(im.Notes) > 0:
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

// projectCosts projects each pipeline's yearly running cost from its
// cost_per_record metric and the use case's yearly volume.
func projectCosts(run *results.Run) impact {
	uc := run.Manifest.UseCase
	cur := cmp.Or(uc.Currency, "USD")
	var im impact
	hasCost := false
	for _, p := range run.Metrics.Pipelines {
		if _, ok := estimateOf(run, p.Name, costMetric); ok {
			hasCost = true
		}
	}
	switch {
	case !hasCost && uc.VolumePerYear <= 0:
		im.Missing = "The experiment has neither a cost metric nor a yearly volume. Add `- cost_per_record` under `metrics:` " +
			"(and a cost per call or a token price to the pipelines), and `volume_per_year:` under `use_case:`, to project the yearly running cost."
		return im
	case !hasCost:
		im.Missing = "The experiment has no cost metric. Add `- cost_per_record` under `metrics:` (and a cost per call or a token " +
			"price to the pipelines) to project each pipeline's yearly running cost."
		return im
	case uc.VolumePerYear <= 0:
		im.Missing = "The experiment gives no yearly volume. Add `volume_per_year:` under `use_case:` (production records a year) " +
			"to turn the cost per record into a yearly running cost."
		return im
	}
	vol := float64(uc.VolumePerYear)
	im.Volume = group(uc.VolumePerYear)
	yearly := map[string]float64{}
	var baselines []string
	for _, p := range run.Metrics.Pipelines {
		e, ok := estimateOf(run, p.Name, costMetric)
		if !ok {
			continue
		}
		unit := cmp.Or(e.Unit, cur)
		row := costRow{Pipeline: p.Name, Role: cmp.Or(p.Role, na), Candidate: p.Role == "candidate",
			PerRecord: formatValue(e.Value, unit), Yearly: money(float64(e.Value)*vol, unit)}
		if finite(float64(e.Value)) {
			yearly[p.Name] = float64(e.Value) * vol
		}
		if !e.Interval.Lo.IsNaN() && !e.Interval.Hi.IsNaN() && e.Interval.Lo != e.Interval.Hi {
			row.Interval = money(float64(e.Interval.Lo)*vol, unit) + " to " + money(float64(e.Interval.Hi)*vol, unit)
		}
		row.Assumption = fmt.Sprintf("%s per record measured on %s records, × %s records a year (use_case.volume_per_year)",
			row.PerRecord, group(int64(cmp.Or(p.Records, e.N))), im.Volume)
		if float64(e.Value) == 0 {
			row.Assumption += "; a cost of zero means the experiment states no running cost for this pipeline, not that it is free"
		}
		if p.Role != "candidate" {
			baselines = append(baselines, p.Name)
		}
		im.Rows = append(im.Rows, row)
	}
	for i, r := range im.Rows {
		if !r.Candidate {
			continue
		}
		c, ok := yearly[r.Pipeline]
		if !ok {
			continue
		}
		for _, b := range baselines {
			bv, ok := yearly[b]
			if !ok {
				continue
			}
			d := costDiff{Baseline: b, Diff: money(c-bv, cur), Sense: "the same"}
			switch {
			case c > bv:
				d.Sense = "more"
			case c < bv:
				d.Sense, d.Diff = "less", money(bv-c, cur)
			}
			im.Rows[i].Diffs = append(im.Rows[i].Diffs, d)
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

// money prints an amount with thousands separators and cents below 100.
func money(v float64, unit string) string {
	if !finite(v) {
		return na
	}
	if v != 0 && v < 100 && v > -100 {
		return formatValue(results.Number(v), unit)
	}
	return group(int64(v+0.5*sign(v))) + " " + unit
}

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}
