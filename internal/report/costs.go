package report

import (
	"math"

	"github.com/poc-harness/poc/internal/results"
)

// peopleCostPerRecord is what the people's handling time costs per record
// for pipeline name, as impact.json prices it: the yearly PeopleCost / the
// yearly volume, or else, for the workload's baseline, the mean
// minutes_per_record × hourly_cost / 60. ok is false when the run prices no
// people's time for that pipeline (or the figure is not finite).
//
// A people's baseline is never free: wherever the report presents a cost
// per record (not a metric's value), this is added to the running cost.
func peopleCostPerRecord(ij *results.Impact, name string) (cost float64, ok bool) {
	if ij == nil {
		return 0, false
	}
	if ij.VolumePerYear > 0 {
		for _, p := range ij.Pipelines {
			if p.Name != name || p.PeopleCost == nil {
				continue
			}
			if v := float64(p.PeopleCost.Value) / float64(ij.VolumePerYear); finite(v) {
				return v, true
			}
		}
	}
	if w := ij.Workload; w != nil && w.Baseline == name && w.HourlyCost > 0 {
		if v := float64(w.MinutesPerRecord.Value) * w.HourlyCost / 60; finite(v) {
			return v, true
		}
	}
	return 0, false
}

// peopleMinutesPerRecord is the people's mean handling time per record,
// from impact.json's workload, and the pipeline that stands for them; ok is
// false when the use case states no handling time.
func peopleMinutesPerRecord(ij *results.Impact) (baseline string, minutes float64, ok bool) {
	if ij == nil || ij.Workload == nil || ij.Workload.Baseline == "" {
		return "", 0, false
	}
	m := float64(ij.Workload.MinutesPerRecord.Value)
	if !finite(m) {
		return "", 0, false
	}
	return ij.Workload.Baseline, m, true
}

// sameCurrency reports whether amounts in units a and b can be added: the
// same unit, or one of them unstated.
func sameCurrency(a, b string) bool { return a == "" || b == "" || a == b }

// minutesText prints a handling time in minutes, to two decimals below
// ten ("0.64 minutes"), else to one ("12.5 minutes").
func minutesText(m float64) string {
	if m == 1 {
		return "1 minute"
	}
	if math.Abs(m) < 10 {
		return fixed(m, 2) + " minutes"
	}
	return fixed(m, 1) + " minutes"
}
