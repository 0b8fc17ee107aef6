package cli

import (
	"math"
	"strings"
	"testing"

	"github.com/poc-harness/poc/internal/results"
)

// impactOf is an impact.json of one candidate against the people's
// baseline (when people is set) and a rule set, with the given yearly
// savings against each (value, lo, hi) and the candidate's running cost.
func impactOf(people bool, vsPeople, vsRules [3]float64, running float64) *results.Impact {
	proj := func(v [3]float64) results.Projection {
		return results.Projection{Value: results.Number(v[0]), Interval: results.Interval{Lo: results.Number(v[1]), Hi: results.Number(v[2])}}
	}
	ij := &results.Impact{Currency: "EUR", Confidence: 0.95,
		Pipelines: []results.PipelineImpact{
			{Name: "rules", Role: "baseline"},
			{Name: "agents", Role: "baseline"},
			{Name: "model", Role: "candidate", RunningCost: results.Projection{Value: results.Number(running)}},
		},
		Savings: []results.Saving{
			{Candidate: "model", Baseline: "rules", Yearly: proj(vsRules)},
			{Candidate: "model", Baseline: "agents", Yearly: proj(vsPeople)},
		}}
	if people {
		ij.Workload = &results.Workload{Baseline: "agents"}
		ij.Incumbent = "agents" // the file names the people as today's process
	}
	return ij
}

// withIncumbent is ij with use_case.incumbent set to name.
func withIncumbent(ij *results.Impact, name string) *results.Impact {
	ij.Incumbent = name
	return ij
}

func TestMoneyLine(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name    string
		impact  *results.Impact
		verdict results.Decision
		want    string
	}{
		{"the people's baseline is today's process",
			impactOf(true, [3]float64{1.2e6, 0.8e6, 1.6e6}, [3]float64{5e5, 1e5, 9e5}, 1e5), results.Go,
			"Against agents (today's process), model: a yearly saving of 1.2M EUR (95% interval 0.8M to 1.6M EUR), running cost 100k EUR a year."},
		{"the incumbent, not the people, is today's process",
			withIncumbent(impactOf(true, [3]float64{1.2e6, 0.8e6, 1.6e6}, [3]float64{5e5, 1e5, 9e5}, 1e5), "rules"), results.Go,
			"Against rules (today's process), model: a yearly saving of 500k EUR (95% interval 100k to 900k EUR), running cost 100k EUR a year."},
		{"without an incumbent the people's baseline is named, not called today's process",
			withIncumbent(impactOf(true, [3]float64{1.2e6, 0.8e6, 1.6e6}, [3]float64{5e5, 1e5, 9e5}, 1e5), ""), results.Go,
			"Against agents, model: a yearly saving of 1.2M EUR (95% interval 0.8M to 1.6M EUR), running cost 100k EUR a year."},
		{"without people, the first baseline",
			impactOf(false, [3]float64{1.2e6, 0.8e6, 1.6e6}, [3]float64{5e5, 1e5, 9e5}, 1e5), results.Undecided,
			"Against rules, model: a yearly saving of 500k EUR (95% interval 100k to 900k EUR), running cost 100k EUR a year."},
		{"an extra cost is stated as one, its interval too",
			impactOf(true, [3]float64{-47.4e6, -64.2e6, -31.1e6}, [3]float64{1, 0, 2}, 4800), results.Go,
			"Against agents (today's process), model: an extra yearly cost of 47.4M EUR (95% interval 31.1M to 64.2M EUR), running cost 4,800 EUR a year."},
		{"NO-GO is conditional",
			impactOf(true, [3]float64{-47.4e6, -64.2e6, -31.1e6}, [3]float64{1, 0, 2}, 4800), results.NoGo,
			"If model went to production, against agents (today's process): an extra yearly cost of 47.4M EUR (95% interval 31.1M to 64.2M EUR), running cost 4,800 EUR a year."},
		{"an interval across zero",
			impactOf(true, [3]float64{-2e5, -6e5, 3e5}, [3]float64{1, 0, 2}, 0), results.Undecided,
			"Against agents (today's process), model: an extra yearly cost of 200k EUR (95% interval -300k to 600k EUR), no running cost declared."},
		{"no interval",
			impactOf(true, [3]float64{950, nan, nan}, [3]float64{1, 0, 2}, 12.5), results.Go,
			"Against agents (today's process), model: a yearly saving of 950 EUR, running cost 12.5 EUR a year."},
		{"no impact", nil, results.Go,
			"No costs are declared in the experiment: add use_case.volume_per_year and costs (use_case.cost_of_error, use_case.people, a pipeline's cost_per_record or prices) to see the money."},
		{"nothing priced", impactOf(true, [3]float64{}, [3]float64{}, 0), results.NoGo,
			"No costs are declared in the experiment: add costs (use_case.cost_of_error, use_case.people, a pipeline's cost_per_record or prices) to see the money."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := moneyLine(tc.impact, tc.verdict); got != tc.want {
				t.Errorf("moneyLine =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestMoneyLineWithoutSavings says nothing when the candidate is compared
// with no baseline, though something is priced.
func TestMoneyLineWithoutSavings(t *testing.T) {
	ij := &results.Impact{Currency: "EUR", Pipelines: []results.PipelineImpact{
		{Name: "model", Role: "candidate", RunningCost: results.Projection{Value: 10}}}}
	if got := moneyLine(ij, results.Go); strings.TrimSpace(got) != "" {
		t.Errorf("moneyLine = %q, want nothing", got)
	}
}

func TestOperatingLines(t *testing.T) {
	run := func(v results.Decision, op *results.OperatingPoint) *results.Run {
		return &results.Run{Verdict: results.Verdict{Verdict: v},
			Metrics: results.Metrics{Pipelines: []results.PipelineMetrics{{Name: "model", OperatingPoint: op}}}}
	}
	suggested := func(v, today results.Decision, gain *results.Projection) *results.OperatingPoint {
		return &results.OperatingPoint{Pipeline: "model", Currency: "EUR", Incumbent: "rules",
			Current:   results.ThresholdPoint{Threshold: 0.62},
			Suggested: &results.ThresholdPoint{Threshold: 0.2248},
			Confirm: &results.Confirmation{Verdict: v, CurrentVerdict: today, Saving: &results.Projection{Value: 58_220_554},
				CurrentSaving: &results.Projection{Value: -1_200_000}, Gain: gain}}
	}
	gain := &results.Projection{Value: 2_500_000, Interval: results.Interval{Lo: 1e6, Hi: 4e6}}
	noGain := &results.Projection{Value: 2_500_000, Interval: results.Interval{Lo: -1e6, Hi: 4e6}}
	tests := []struct {
		name string
		run  *results.Run
		want string
	}{
		{"a threshold passes", run(results.NoGo, suggested(results.Go, results.NoGo, gain)),
			"Operating point: at threshold 0.2248 (current 0.62) model gives GO on the half of the records held out from choosing it (a yearly saving of 58.2M EUR against rules, projected from that half, 2.5M EUR more than the current threshold there); see the report's Operating point."},
		{"a weak suggestion says so", run(results.NoGo, func() *results.OperatingPoint {
			op := suggested(results.Go, results.NoGo, gain)
			op.Weak = true
			return op
		}()),
			"Operating point: at threshold 0.2248 (current 0.62) model gives GO on the half of the records held out from choosing it (a yearly saving of 58.2M EUR against rules, projected from that half, 2.5M EUR more than the current threshold there); a weak suggestion: no threshold passed its must-criteria's tests on the other half, only their estimates; see the report's Operating point."},
		{"a threshold passes on one half only", run(results.NoGo, suggested(results.Undecided, results.NoGo, gain)),
			"Operating point: at threshold 0.2248 (current 0.62) model gives INCONCLUSIVE on the half of the records held out from choosing it: a threshold alone is not shown to fix the verdict; see the report's Operating point."},
		{"none passes", run(results.NoGo, &results.OperatingPoint{Pipeline: "model", Current: results.ThresholdPoint{Threshold: results.NaN()}}),
			"Operating point: no threshold on model's score passes every must-criterion; the model itself would have to improve; see the report's Operating point."},
		{"a GO with a gain shown advises the switch", run(results.Go, suggested(results.Go, results.Go, gain)),
			"Operating point: at threshold 0.2248 (current 0.62) model gives GO on the half of the records held out from choosing it (a yearly saving of 58.2M EUR against rules, projected from that half, 2.5M EUR more than the current threshold there); see the report's Operating point."},
		{"a GO without a gain shown keeps today's", run(results.Go, suggested(results.Go, results.Go, noGain)),
			"Operating point: keep model's threshold 0.62: on the records held out from choosing it, 0.2248 (the best on the selection half) gives GO with a yearly saving of 58.2M EUR, the current threshold GO with an extra yearly cost of 1.2M EUR; see the report's Operating point."},
		{"a suggestion worse than today is not advised", run(results.Go, suggested(results.Undecided, results.Go, gain)),
			"Operating point: keep model's threshold 0.62: on the records held out from choosing it, 0.2248 (the best on the selection half) gives INCONCLUSIVE with a yearly saving of 58.2M EUR, the current threshold GO with an extra yearly cost of 1.2M EUR; see the report's Operating point."},
		{"today's threshold suggested", run(results.Go, &results.OperatingPoint{Pipeline: "model", Current: results.ThresholdPoint{Threshold: 0.62},
			Suggested: &results.ThresholdPoint{Threshold: 0.62}, Confirm: &results.Confirmation{Verdict: results.Go, CurrentVerdict: results.Go}}),
			"Operating point: model's threshold 0.62 is the one the analysis suggests; see the report's Operating point."},
		{"none passes on a GO says nothing", run(results.Go, &results.OperatingPoint{Pipeline: "model"}), ""},
		{"no analysis says nothing", run(results.NoGo, &results.OperatingPoint{Pipeline: "model", Note: "three classes"}), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(operatingLines(tt.run), "\n"); got != tt.want {
				t.Errorf("operatingLines =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
