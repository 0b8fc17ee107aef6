package runner

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/spec"
	"github.com/poc-harness/poc/internal/stats"
	"github.com/poc-harness/poc/pipeline"
)

// writeImpact projects the yearly figures of impact.json from the run's
// journal and the dataset columns the use case names (re-read with the
// replay's options, so that record k is the journal's seq k), writes
// impact.json into dir and returns it. It returns nil and writes nothing
// when the use case states no yearly volume. A value of a cost or minutes
// column that is missing, not a number or negative counts as 0 and is
// reported in the notes; only an unreadable journal or dataset is an error.
func writeImpact(exp *spec.Experiment, dir string, dopt datasets.Options, records int) (*results.Impact, error) {
	uc := exp.UseCase
	if uc.VolumePerYear <= 0 || records == 0 {
		return nil, nil
	}
	in, err := readImpactInputs(exp, dir, dopt, records)
	if err != nil {
		return nil, fmt.Errorf("project impact: %w", err)
	}
	im := project(exp, in)
	if err := results.WriteJSON(dir, results.ImpactFile, im); err != nil {
		return nil, err
	}
	return im, nil
}

// perRecordValues is a use_case figure resolved for every replayed record.
type perRecordValues struct {
	spec   spec.PerRecord
	values []float64
	// bad counts records whose column value was missing, not a number or
	// negative, and counted as 0.
	bad int
}

// at returns record seq's value.
func (v *perRecordValues) at(seq int) float64 {
	if v.spec.Column == "" {
		return v.spec.Value
	}
	return v.values[seq]
}

// impactInputs are the per-record values the projection rests on.
type impactInputs struct {
	n int
	// cost, errCost and people are indexed [pipeline][seq].
	cost, errCost [][]float64
	fn, fp        []int
	// missed, falsePos and minutes are the use case's figures per record
	// (nil when the use case does not state them).
	missed, falsePos, minutes *perRecordValues
	// missedSum is the sum of missed over the records where some pipeline
	// missed a positive, per pipeline, for the assumptions.
	missedSum []float64
}

// readImpactInputs reads the needed columns from the dataset, then the
// journal, into per-record values.
func readImpactInputs(exp *spec.Experiment, dir string, dopt datasets.Options, n int) (*impactInputs, error) {
	uc := exp.UseCase
	in := &impactInputs{n: n}
	var cols []*perRecordValues
	add := func(p spec.PerRecord) *perRecordValues {
		v := &perRecordValues{spec: p}
		if p.Column != "" {
			v.values = make([]float64, n)
			cols = append(cols, v)
		}
		return v
	}
	if c := uc.CostOfError; c != nil {
		in.missed, in.falsePos = add(c.MissedPositive), add(c.FalsePositive)
	}
	if p := uc.People; p != nil {
		in.minutes = add(p.MinutesPerRecord)
	}
	ids := make([]string, n)
	if len(cols) > 0 || exp.Dataset.ID != "" {
		if err := readImpactColumns(exp, dopt, cols, ids); err != nil {
			return nil, err
		}
	}

	index := map[string]int{}
	for i, p := range exp.Pipelines {
		index[p.Name] = i
	}
	np := len(exp.Pipelines)
	in.cost, in.errCost = make([][]float64, np), make([][]float64, np)
	for i := range np {
		in.cost[i], in.errCost[i] = make([]float64, n), make([]float64, n)
	}
	in.fn, in.fp, in.missedSum = make([]int, np), make([]int, np), make([]float64, np)
	f, err := os.Open(filepath.Join(dir, results.JournalFile))
	if err != nil {
		return nil, fmt.Errorf("read journal: %w", err)
	}
	defer f.Close()
	pos := exp.Dataset.Positive
	err = results.ReadJournal(f, func(e results.Entry) error {
		p, ok := index[e.Pipeline]
		if !ok || e.Seq < 0 || e.Seq >= n {
			return nil
		}
		if exp.Dataset.ID != "" && ids[e.Seq] != e.ID {
			return fmt.Errorf("record %d is %q in the journal but %q in the dataset: the dataset changed since the replay",
				e.Seq, e.ID, ids[e.Seq])
		}
		in.cost[p][e.Seq] = e.Cost
		flagged := e.Error == "" && e.Label == pos
		switch truth := e.Truth == pos; {
		case truth && !flagged:
			in.fn[p]++
			if in.missed != nil {
				in.errCost[p][e.Seq] = in.missed.at(e.Seq)
				in.missedSum[p] += in.missed.at(e.Seq)
			}
		case !truth && flagged:
			in.fp[p]++
			if in.falsePos != nil {
				in.errCost[p][e.Seq] = in.falsePos.at(e.Seq)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read journal: %w", err)
	}
	return in, nil
}

// readImpactColumns re-reads the replayed records and keeps each record's id and
// the values of cols.
func readImpactColumns(exp *spec.Experiment, dopt datasets.Options, cols []*perRecordValues, ids []string) error {
	for _, c := range cols {
		dopt.Require = append(dopt.Require, c.spec.Column)
	}
	stream, err := datasets.Open(exp.Dataset.Path, dopt)
	if err != nil {
		return fmt.Errorf("open dataset: %w", err)
	}
	defer stream.Close()
	for {
		rec, err := stream.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read dataset: %w", err)
		}
		if rec.Seq >= len(ids) {
			return nil
		}
		if exp.Dataset.ID != "" {
			ids[rec.Seq] = rec.String(exp.Dataset.ID)
		}
		for _, c := range cols {
			v, ok := rec.Float(c.spec.Column)
			if !ok || v < 0 || math.IsInf(v, 0) {
				c.bad++
				v = 0
			}
			c.values[rec.Seq] = v
		}
	}
}

// project computes impact.json from the per-record values.
func project(exp *spec.Experiment, in *impactInputs) *results.Impact {
	uc := exp.UseCase
	vol := float64(uc.VolumePerYear)
	cur := uc.Currency
	im := &results.Impact{
		SchemaVersion: results.SchemaVersion, Currency: cur, VolumePerYear: uc.VolumePerYear, Records: in.n,
		Confidence: exp.Report.Confidence, Positive: exp.Dataset.Positive,
		Savings: []results.Saving{},
	}
	opt := stats.BootstrapOptions{Resamples: exp.Report.Resamples, Confidence: exp.Report.Confidence,
		Seed: exp.Report.Seed, Method: exp.Report.Method}
	volText := format.Group(uc.VolumePerYear) + " records a year"
	onRecords := "measured on " + format.Group(int64(in.n)) + " records"
	if c := uc.CostOfError; c != nil {
		im.CostOfError = &results.CostOfError{MissedPositive: c.MissedPositive.String(), FalsePositive: c.FalsePositive.String()}
	}

	// The people's handling cost per record, for the people's baseline.
	people := -1
	var peopleCost []float64
	if p := uc.People; p != nil {
		if i := pipelineIndex(exp, p.Baseline); i >= 0 {
			people = i
			peopleCost = make([]float64, in.n)
			for seq := range peopleCost {
				peopleCost[seq] = in.minutes.at(seq) / 60 * p.HourlyCost
			}
		}
	}

	for i, p := range exp.Pipelines {
		row := results.PipelineImpact{Name: p.Name, Role: string(p.Role), FalseNegatives: in.fn[i], FalsePositives: in.fp[i]}
		mc := mean(in.cost[i])
		row.RunningCost = yearly(in.cost[i], vol, opt,
			fmt.Sprintf("%s × %s per record, the mean cost of the pipeline's calls %s", volText, money(mc, cur), onRecords))
		if mc == 0 {
			row.RunningCost.Assumption += "; zero means the experiment states no running cost for this pipeline, not that it is free"
		}
		if c := uc.CostOfError; c != nil {
			e := yearly(in.errCost[i], vol, opt, fmt.Sprintf("%s × %s of errors per record %s: %s",
				volText, money(mean(in.errCost[i]), cur), onRecords, errorsText(in, i, c, cur)))
			row.ErrorCost = &e
		}
		if i == people {
			pc := yearly(peopleCost, vol, opt, fmt.Sprintf("%s × %s minutes of handling per record (%s) / 60 × %s an hour",
				volText, format.Sig(mean(in.minutes.valuesOr(in.n))), minutesSource(in.minutes, in.n), money(uc.People.HourlyCost, cur)))
			row.PeopleCost = &pc
		}
		im.Pipelines = append(im.Pipelines, row)
	}

	totals := make([][]float64, len(exp.Pipelines))
	for i := range exp.Pipelines {
		totals[i] = make([]float64, in.n)
		for seq := range in.n {
			totals[i][seq] = in.cost[i][seq] + in.errCost[i][seq]
			if i == people {
				totals[i][seq] += peopleCost[seq]
			}
		}
	}
	for c, cp := range exp.Pipelines {
		if cp.Role != pipeline.Candidate {
			continue
		}
		for b, bp := range exp.Pipelines {
			if bp.Role == pipeline.Candidate {
				continue
			}
			s := results.Saving{Candidate: cp.Name, Baseline: bp.Name,
				Running: results.Number((mean(in.cost[b]) - mean(in.cost[c])) * vol),
				Errors:  results.Number((mean(in.errCost[b]) - mean(in.errCost[c])) * vol),
			}
			if b == people {
				s.People = results.Number(mean(peopleCost) * vol)
			}
			parts := []string{"running cost " + money(float64(s.Running)/vol, cur)}
			if uc.CostOfError != nil {
				parts = append(parts, "errors "+money(float64(s.Errors)/vol, cur))
			}
			if b == people {
				parts = append(parts, "the people's handling time "+money(float64(s.People)/vol, cur))
			}
			s.Yearly = pairedYearly(totals[c], totals[b], vol, opt, fmt.Sprintf(
				"the cost per record of %s minus that of %s on the same %s replayed records (%s), × %s; paired bootstrap over the records",
				bp.Name, cp.Name, format.Group(int64(in.n)), strings.Join(parts, ", "), volText))
			im.Savings = append(im.Savings, s)
		}
	}

	if p := uc.People; p != nil && people >= 0 {
		im.Workload = workload(exp, in, vol, opt)
	}
	im.Notes = notes(exp, in)
	return im
}

// valuesOr returns the per-record values, the fixed value repeated n times
// when the figure is a number.
func (v *perRecordValues) valuesOr(n int) []float64 {
	if v.spec.Column != "" {
		return v.values
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = v.spec.Value
	}
	return out
}

// minutesSource says where the minutes come from, for an assumption.
func minutesSource(v *perRecordValues, n int) string {
	if v.spec.Column != "" {
		return fmt.Sprintf("mean of column %s over %s records", v.spec.Column, format.Group(int64(n)))
	}
	return "use_case.people.minutes_per_record"
}

// errorsText counts a pipeline's errors and what each costs, for the
// error cost's assumption.
func errorsText(in *impactInputs, p int, c *spec.CostOfError, cur string) string {
	missed := fmt.Sprintf("%s missed positives", format.Group(int64(in.fn[p])))
	switch {
	case c.MissedPositive.Column != "" && in.fn[p] > 0:
		missed += fmt.Sprintf(" at their %s (%s in all)", c.MissedPositive.Column, money(in.missedSum[p], cur))
	case c.MissedPositive.Column != "":
		missed += " at their " + c.MissedPositive.Column
	default:
		missed += " at " + money(c.MissedPositive.Value, cur) + " each"
	}
	fp := fmt.Sprintf("%s false positives", format.Group(int64(in.fp[p])))
	if c.FalsePositive.Column != "" {
		fp += " at their " + c.FalsePositive.Column
	} else {
		fp += " at " + money(c.FalsePositive.Value, cur) + " each"
	}
	return missed + " and " + fp
}

// workload projects the people's yearly hours, their cost and the
// full-time equivalents, from a bootstrap of the mean minutes per record.
func workload(exp *spec.Experiment, in *impactInputs, vol float64, opt stats.BootstrapOptions) *results.Workload {
	p := exp.UseCase.People
	cur := exp.UseCase.Currency
	minutes := in.minutes.valuesOr(in.n)
	m := yearly(minutes, 1, opt, fmt.Sprintf("the mean handling time per record (%s)", minutesSource(in.minutes, in.n)))
	scale := func(f float64, assumption string) results.Projection {
		return results.Projection{Value: m.Value * results.Number(f),
			Interval:   results.Interval{Lo: m.Interval.Lo * results.Number(f), Hi: m.Interval.Hi * results.Number(f), Method: m.Interval.Method},
			Assumption: assumption}
	}
	hours := float64(m.Value) * vol / 60
	w := &results.Workload{Baseline: p.Baseline, HourlyCost: p.HourlyCost, HoursPerFTE: p.HoursPerFTE, MinutesPerRecord: m}
	w.Hours = scale(vol/60, fmt.Sprintf("%s × %s minutes per record (%s) / 60",
		format.Group(exp.UseCase.VolumePerYear)+" records a year", format.Sig(float64(m.Value)), minutesSource(in.minutes, in.n)))
	w.Cost = scale(vol/60*p.HourlyCost, fmt.Sprintf("%s hours a year × %s an hour (use_case.people.hourly_cost)",
		format.Group(int64(math.Round(hours))), money(p.HourlyCost, cur)))
	w.FTE = scale(vol/60/p.HoursPerFTE, fmt.Sprintf("%s hours a year / %s working hours of one full-time equivalent",
		format.Group(int64(math.Round(hours))), format.Sig(p.HoursPerFTE)))
	for _, q := range exp.Pipelines {
		if q.Role == pipeline.Candidate {
			w.Candidates = append(w.Candidates, q.Name)
		}
	}
	return w
}

// notes are the general limits of the projection.
func notes(exp *spec.Experiment, in *impactInputs) []string {
	out := []string{
		"The yearly figures assume that next year's records resemble the replayed ones, at the volume the experiment states (use_case.volume_per_year).",
		"Running cost is what each pipeline's calls cost per record, as the experiment measured or states it; build, integration and monitoring are not included.",
	}
	if exp.UseCase.CostOfError != nil {
		out = append(out, fmt.Sprintf("An error is a positive record (%s = %s) the pipeline did not flag, or a negative one it flagged; "+
			"a failed prediction flags nothing.", exp.Dataset.Label, exp.Dataset.Positive))
	}
	if p := exp.UseCase.People; p != nil {
		out = append(out, fmt.Sprintf("The saving against %s includes the cost of the people's handling time; "+
			"the workload assumes the candidate takes over every decision %s makes.", p.Baseline, p.Baseline))
	}
	for _, v := range []*perRecordValues{in.missed, in.falsePos, in.minutes} {
		if v != nil && v.bad > 0 {
			out = append(out, fmt.Sprintf("%s records had no usable value (missing, not a number or negative) in column %s; they count as 0.",
				format.Group(int64(v.bad)), v.spec.Column))
		}
	}
	return out
}

func pipelineIndex(exp *spec.Experiment, name string) int {
	for i, p := range exp.Pipelines {
		if p.Name == name {
			return i
		}
	}
	return -1
}

// mean is the mean of v (NaN when empty).
func mean(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// meanAt is the statistic "mean of v over the positions idx".
func meanAt(v []float64) stats.Statistic {
	return func(idx []int) float64 {
		if len(idx) == 0 {
			return math.NaN()
		}
		s := 0.0
		for _, i := range idx {
			s += v[i]
		}
		return s / float64(len(idx))
	}
}

// yearly is mean(v) × vol with a bootstrap interval of the mean, scaled.
func yearly(v []float64, vol float64, opt stats.BootstrapOptions, assumption string) results.Projection {
	p := results.Projection{Value: results.Number(mean(v) * vol), Assumption: assumption,
		Interval: results.Interval{Lo: results.NaN(), Hi: results.NaN(), Method: "none"}}
	if constant(v) {
		p.Interval = results.Interval{Lo: p.Value, Hi: p.Value, Method: "exact"}
		return p
	}
	iv, err := stats.Bootstrap(len(v), meanAt(v), opt)
	if err != nil {
		return p
	}
	p.Interval = results.Interval{Lo: results.Number(iv.Lo * vol), Hi: results.Number(iv.Hi * vol), Method: iv.Method}
	return p
}

// pairedYearly is (mean(base) − mean(cand)) × vol with a paired percentile
// bootstrap interval over the same records.
func pairedYearly(cand, base []float64, vol float64, opt stats.BootstrapOptions, assumption string) results.Projection {
	p := results.Projection{Value: results.Number((mean(base) - mean(cand)) * vol), Assumption: assumption,
		Interval: results.Interval{Lo: results.NaN(), Hi: results.NaN(), Method: "none"}}
	diff := make([]float64, len(cand))
	for i := range diff {
		diff[i] = base[i] - cand[i]
	}
	if constant(diff) {
		p.Interval = results.Interval{Lo: p.Value, Hi: p.Value, Method: "exact"}
		return p
	}
	_, reps, err := stats.PairedBootstrapReplicates(len(cand), meanAt(cand), meanAt(base), opt)
	if err != nil {
		return p
	}
	iv := stats.PercentileInterval(reps, opt.Confidence)
	p.Interval = results.Interval{Lo: results.Number(iv.Lo * vol), Hi: results.Number(iv.Hi * vol), Method: iv.Method}
	return p
}

// constant reports whether every value of v is the same: its mean then has
// no sampling uncertainty.
func constant(v []float64) bool {
	if len(v) == 0 {
		return true
	}
	for _, x := range v {
		if x != v[0] {
			return false
		}
	}
	return true
}

// money prints an amount in the currency: 0.0004 EUR, 12 EUR, 1,234,567 EUR.
func money(v float64, cur string) string {
	return format.Value(results.Number(v), cur)
}
