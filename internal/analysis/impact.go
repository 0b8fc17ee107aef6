package analysis

import (
	"fmt"
	"math"
	"strings"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/stats"
	"github.com/poc-harness/poc/metrics"
)

// ImpactInput is what the yearly projection of impact.json rests on, record
// by record: every slice indexed by pipeline is in file order, every
// per-record slice by the record's position in the replay.
type ImpactInput struct {
	// Currency, Volume and Positive restate the use case and the label.
	Currency string
	Volume   int64
	Positive string
	// Label is the label column's name, and PositiveName the positive
	// class's name from dataset.label_names ("" without one), for the notes.
	Label, PositiveName string
	// Records is the number of replayed records.
	Records   int
	Pipelines []ImpactPipeline
	// MissedPositive and FalsePositive price the errors (nil without
	// use_case.cost_of_error).
	MissedPositive, FalsePositive *PerRecord
	// People is the people's handling time (nil without use_case.people).
	People *People
}

// ImpactPipeline is one pipeline's part of the projection.
type ImpactPipeline struct {
	Name string
	// Role is "candidate" or "baseline".
	Role string
	// Cost is the cost of each record's call. The projection only reads
	// it, so pipelines may share one (the zeros of those that cost nothing).
	Cost []float64
	// Outcomes are each record's decision under metrics.Classify.
	Outcomes []metrics.Outcome
}

// PerRecord is a use-case figure: a fixed Value, or the values of Column
// record by record.
type PerRecord struct {
	Column string
	Value  float64
	// Values are the column's values (nil for a fixed value).
	Values []float64
	// Bad counts records whose column value was missing, not a number or
	// negative, and counted as 0.
	Bad int
}

// Figure is a record's value v of the column as a figure: a missing,
// non-numeric, negative or infinite value counts as 0 and in Bad.
func (v *PerRecord) Figure(value any) float64 {
	f, ok := datasets.ToFloat(value)
	if !ok || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		v.Bad++
		return 0
	}
	return f
}

// At is record seq's value.
func (v *PerRecord) At(seq int) float64 {
	if v.Column == "" {
		return v.Value
	}
	return v.Values[seq]
}

// String is the figure as the experiment states it: the column or the value.
func (v *PerRecord) String() string {
	if v.Column != "" {
		return v.Column
	}
	return fmt.Sprintf("%g", v.Value)
}

// valuesOr returns the per-record values, the fixed value repeated n times
// when the figure is a number.
func (v *PerRecord) valuesOr(n int) []float64 {
	if v.Column != "" {
		return v.Values
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = v.Value
	}
	return out
}

// source says where a figure comes from, for an assumption.
func (v *PerRecord) source(n int, key string) string {
	if v.Column != "" {
		return fmt.Sprintf("mean of column %s over %s records", v.Column, format.Group(int64(n)))
	}
	return key
}

// People is the people's work on the records.
type People struct {
	// Baseline is the pipeline that stands for the people's decisions.
	Baseline   string
	Minutes    PerRecord
	HourlyCost float64
	// HoursPerFTE is the working hours of one full-time equivalent a year.
	HoursPerFTE float64
}

// impactRows are the per-record amounts of each pipeline.
type impactRows struct {
	in ImpactInput
	// errCost and total are indexed [pipeline][seq]; fn, fp and missedSum
	// by pipeline.
	errCost, total []column
	fn, fp         []int
	missedSum      []float64
	// sameTotal[i] is whether pipeline i's total is its error cost (it
	// costs nothing to run and is not the people's).
	sameTotal []bool
	// people is the index of the people's baseline (−1: none), and
	// peopleCost its handling cost per record.
	people     int
	peopleCost column
	// cols resamples every per-record amount together: col[p] are
	// pipeline p's cost, error cost and total, and minutesCol the people's
	// handling minutes (−1: none), of which their cost is a multiple.
	cols       *columns
	col        [][3]int
	minutesCol int
}

// Impact projects impact.json: each pipeline's yearly running cost and
// error cost, each candidate's saving against each baseline with a paired
// bootstrap interval over the same records, and the people's workload.
// Closing s.Done stops it with an error wrapping stats.ErrStopped (and so
// context.Canceled).
func Impact(in ImpactInput, s Settings) (*results.Impact, error) {
	im, err := impact(in, s)
	if err != nil {
		return nil, fmt.Errorf("project the impact: %w", err)
	}
	return im, nil
}

func impact(in ImpactInput, s Settings) (*results.Impact, error) {
	r, err := rows(in, s.Done)
	if err != nil {
		return nil, err
	}
	vol, cur := float64(in.Volume), in.Currency
	im := &results.Impact{SchemaVersion: results.SchemaVersion, Currency: cur, VolumePerYear: in.Volume, Records: in.Records,
		Confidence: s.Confidence, Positive: in.Positive, Savings: []results.Saving{}}
	if in.MissedPositive != nil {
		im.CostOfError = &results.CostOfError{MissedPositive: in.MissedPositive.String(), FalsePositive: in.FalsePositive.String()}
		im.Positives, im.PositiveName = positives(in), in.PositiveName
	}
	r.resampled(s)
	for i := range in.Pipelines {
		row, err := r.pipelineRow(i)
		if err != nil {
			return nil, err
		}
		im.Pipelines = append(im.Pipelines, row)
	}
	for c, cp := range in.Pipelines {
		if cp.Role != "candidate" {
			continue
		}
		for b, bp := range in.Pipelines {
			if bp.Role != "candidate" {
				sv, err := r.saving(c, b)
				if err != nil {
					return nil, err
				}
				im.Savings = append(im.Savings, sv)
			}
		}
	}
	if in.People != nil && r.people >= 0 {
		if im.Workload, err = r.workload(vol); err != nil {
			return nil, err
		}
	}
	im.Notes = notes(in, im.Positives)
	return im, nil
}

// positives counts the replayed records of the positive class: those a
// pipeline's outcomes say are positive, flagged or not (every pipeline
// sees the same labels; a record a pipeline lacks counts for none).
func positives(in ImpactInput) int {
	most := 0
	for _, p := range in.Pipelines {
		n := 0
		for _, o := range p.Outcomes {
			if o == metrics.TruePositive || o == metrics.FalseNegative {
				n++
			}
		}
		most = max(most, n)
	}
	return most
}

// pollEvery is how many records a loop over the records handles between
// two looks at the done channel.
const pollEvery = 1 << 14

// stopAt is stats.ErrStopped when i is a multiple of pollEvery and done is
// closed, nil otherwise.
func stopAt(i int, done <-chan struct{}) error {
	if i%pollEvery != 0 {
		return nil
	}
	select {
	case <-done:
		return stats.ErrStopped
	default:
		return nil
	}
}

// rows classifies every decision and prices it; closing done stops it.
// The prices are columns worked out from the outcomes record by record,
// not kept: at ten million records each kept column of a pipeline took
// 80 MB.
func rows(in ImpactInput, done <-chan struct{}) (*impactRows, error) {
	np, n := len(in.Pipelines), in.Records
	r := &impactRows{in: in, errCost: make([]column, np), total: make([]column, np), sameTotal: make([]bool, np),
		fn: make([]int, np), fp: make([]int, np), missedSum: make([]float64, np), people: -1}
	if p := in.People; p != nil {
		for i, q := range in.Pipelines {
			if q.Name == p.Baseline {
				r.people = i
			}
		}
		r.peopleCost = column{at: func(seq int) float64 { return p.Minutes.At(seq) / 60 * p.HourlyCost }, n: n}
	}
	for i, p := range in.Pipelines {
		outcomes := p.Outcomes
		errCost := column{at: func(seq int) float64 { return in.errorPrice(outcomes[seq], seq) }, n: n}
		for seq, o := range outcomes {
			if err := stopAt(seq, done); err != nil {
				return nil, err
			}
			switch o {
			case metrics.FalseNegative:
				r.fn[i]++
				r.missedSum[i] += in.errorPrice(o, seq)
			case metrics.FalsePositive:
				r.fp[i]++
			}
		}
		r.errCost[i] = errCost
		if i != r.people && allZero(p.Cost) {
			r.total[i], r.sameTotal[i] = errCost, true // nothing to add: the same amounts, resampled once
			continue
		}
		cost, people := p.Cost, i == r.people
		r.total[i] = column{at: func(seq int) float64 {
			t := cost[seq] + errCost.at(seq)
			if people {
				t += r.peopleCost.at(seq)
			}
			return t
		}, n: n}
	}
	return r, nil
}

// allZero reports whether every value of v is zero.
func allZero(v []float64) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

// resampled puts every per-record amount in one set of resampled columns.
func (r *impactRows) resampled(s Settings) {
	r.cols = &columns{s: s}
	r.minutesCol = -1
	for i, p := range r.in.Pipelines {
		cost, errCost := r.cols.add(p.Cost), r.cols.addFunc(r.errCost[i].n, r.errCost[i].at)
		total := errCost
		if !r.sameTotal[i] {
			total = r.cols.addFunc(r.total[i].n, r.total[i].at)
		}
		r.col = append(r.col, [3]int{cost, errCost, total})
	}
	if p := r.in.People; p != nil {
		r.minutesCol = r.cols.add(p.Minutes.valuesOr(r.in.Records))
	}
}

func (r *impactRows) volText() string { return format.Group(r.in.Volume) + " records a year" }

func (r *impactRows) onRecords() string {
	return "measured on " + format.Group(int64(r.in.Records)) + " records"
}

// pipelineRow is one pipeline's yearly figures.
func (r *impactRows) pipelineRow(i int) (results.PipelineImpact, error) {
	in, p := r.in, r.in.Pipelines[i]
	vol, cur := float64(in.Volume), in.Currency
	row := results.PipelineImpact{Name: p.Name, Role: p.Role, FalseNegatives: r.fn[i], FalsePositives: r.fp[i]}
	mc := mean(p.Cost)
	var err error
	row.RunningCost, err = r.cols.yearly(r.col[i][0], vol,
		fmt.Sprintf("%s × %s per record, the mean cost of the pipeline's calls %s", r.volText(), money(mc, cur), r.onRecords()))
	if err != nil {
		return row, err
	}
	if mc == 0 {
		row.RunningCost.Assumption += "; zero means the experiment states no running cost for this pipeline, not that it is free"
	}
	if in.MissedPositive != nil {
		e, err := r.cols.yearly(r.col[i][1], vol, fmt.Sprintf("%s × %s of errors per record %s: %s",
			r.volText(), money(r.errCost[i].mean(), cur), r.onRecords(), r.errorsText(i)))
		if err != nil {
			return row, err
		}
		row.ErrorCost = &e
	}
	if i == r.people {
		pp := in.People
		pc, err := r.cols.yearly(r.minutesCol, vol/60*pp.HourlyCost, fmt.Sprintf("%s × %s minutes of handling per record (%s) / 60 × %s an hour",
			r.volText(), format.Sig(mean(pp.Minutes.valuesOr(in.Records))), pp.Minutes.source(in.Records, "use_case.people.minutes_per_record"),
			money(pp.HourlyCost, cur)))
		if err != nil {
			return row, err
		}
		row.PeopleCost = &pc
	}
	return row, nil
}

// saving is candidate c's yearly saving against baseline b.
func (r *impactRows) saving(c, b int) (results.Saving, error) {
	in := r.in
	vol, cur := float64(in.Volume), in.Currency
	cp, bp := in.Pipelines[c], in.Pipelines[b]
	s := results.Saving{Candidate: cp.Name, Baseline: bp.Name,
		Running: results.Number((mean(bp.Cost) - mean(cp.Cost)) * vol),
		Errors:  results.Number((r.errCost[b].mean() - r.errCost[c].mean()) * vol),
	}
	if b == r.people {
		s.People = results.Number(r.peopleCost.mean() * vol)
	}
	parts := []string{"running cost " + money(float64(s.Running)/vol, cur)}
	if in.MissedPositive != nil {
		parts = append(parts, "errors "+money(float64(s.Errors)/vol, cur))
	}
	if b == r.people {
		parts = append(parts, "the people's handling time "+money(float64(s.People)/vol, cur))
	}
	var err error
	s.Yearly, err = r.cols.pairedYearly(r.col[c][2], r.col[b][2], vol, fmt.Sprintf(
		"the cost per record of %s minus that of %s on the same %s replayed records (%s), × %s; paired bootstrap over the records",
		bp.Name, cp.Name, format.Group(int64(in.Records)), strings.Join(parts, ", "), r.volText()))
	return s, err
}

// errorsText counts a pipeline's errors and what each costs, for the
// error cost's assumption.
func (r *impactRows) errorsText(p int) string {
	mp, fpv, cur := r.in.MissedPositive, r.in.FalsePositive, r.in.Currency
	missed := fmt.Sprintf("%s missed positives", format.Group(int64(r.fn[p])))
	switch {
	case mp.Column != "" && r.fn[p] > 0:
		missed += fmt.Sprintf(" at their %s (%s in all)", mp.Column, money(r.missedSum[p], cur))
	case mp.Column != "":
		missed += " at their " + mp.Column
	default:
		missed += " at " + money(mp.Value, cur) + " each"
	}
	fp := fmt.Sprintf("%s false positives", format.Group(int64(r.fp[p])))
	if fpv.Column != "" {
		fp += " at their " + fpv.Column
	} else {
		fp += " at " + money(fpv.Value, cur) + " each"
	}
	return missed + " and " + fp
}

// workload projects the people's yearly hours, their cost and the
// full-time equivalents, from a bootstrap of the mean minutes per record.
func (r *impactRows) workload(vol float64) (*results.Workload, error) {
	in := r.in
	p, cur := in.People, in.Currency
	src := p.Minutes.source(in.Records, "use_case.people.minutes_per_record")
	m, err := r.cols.yearly(r.minutesCol, 1, fmt.Sprintf("the mean handling time per record (%s)", src))
	if err != nil {
		return nil, err
	}
	scale := func(f float64, assumption string) results.Projection {
		return results.Projection{Value: m.Value * results.Number(f),
			Interval:   results.Interval{Lo: m.Interval.Lo * results.Number(f), Hi: m.Interval.Hi * results.Number(f), Method: m.Interval.Method},
			Assumption: assumption}
	}
	hours := float64(m.Value) * vol / 60
	w := &results.Workload{Baseline: p.Baseline, HourlyCost: p.HourlyCost, HoursPerFTE: p.HoursPerFTE, MinutesPerRecord: m}
	w.Hours = scale(vol/60, fmt.Sprintf("%s × %s minutes per record (%s) / 60",
		format.Group(in.Volume)+" records a year", format.Sig(float64(m.Value)), src))
	w.Cost = scale(vol/60*p.HourlyCost, fmt.Sprintf("%s hours a year × %s an hour (use_case.people.hourly_cost)",
		format.Group(int64(math.Round(hours))), money(p.HourlyCost, cur)))
	w.FTE = scale(vol/60/p.HoursPerFTE, fmt.Sprintf("%s hours a year / %s working hours of one full-time equivalent",
		format.Group(int64(math.Round(hours))), format.Sig(p.HoursPerFTE)))
	for _, q := range in.Pipelines {
		if q.Role == "candidate" {
			w.Candidates = append(w.Candidates, q.Name)
		}
	}
	return w, nil
}

// notes are the general limits of the projection; positives is the number
// of positive records replayed.
func notes(in ImpactInput, positives int) []string {
	out := []string{
		"The yearly figures assume that next year's records resemble the replayed ones, at the volume the experiment states (use_case.volume_per_year).",
		"Running cost is what each pipeline's calls cost per record, as the experiment measured or states it; build, integration and monitoring are not included.",
	}
	if in.MissedPositive != nil {
		class := fmt.Sprintf("%s = %s", in.Label, in.Positive)
		if in.PositiveName != "" && in.PositiveName != in.Positive {
			class = in.PositiveName + ", " + class
		}
		out = append(out, fmt.Sprintf("An error is a positive record (%s) the pipeline did not flag, or a negative one it flagged; "+
			"a failed prediction flags nothing, and a record without a label is no error.", class))
		if in.Records > 0 {
			out = append(out, fmt.Sprintf("The error costs, and so the savings, rest on the replay's share of positive records: %s of %s (%s) are positive (%s). "+
				"They hold for production only if its share is the same: data sampled to keep every positive and a part of the rest overstates them by about as much as it was enriched.",
				format.Group(int64(positives)), format.Group(int64(in.Records)), format.Share(float64(positives)/float64(in.Records)), class))
		}
	}
	if p := in.People; p != nil {
		out = append(out, fmt.Sprintf("The saving against %s includes the cost of the people's handling time; "+
			"the workload assumes the candidate takes over every decision %s makes.", p.Baseline, p.Baseline))
	}
	var figures []*PerRecord
	if in.MissedPositive != nil {
		figures = append(figures, in.MissedPositive, in.FalsePositive)
	}
	if in.People != nil {
		figures = append(figures, &in.People.Minutes)
	}
	for _, v := range figures {
		if v.Bad > 0 {
			out = append(out, fmt.Sprintf("%s records had no usable value (missing, not a number or negative) in column %s; they count as 0.",
				format.Group(int64(v.Bad)), v.Column))
		}
	}
	return out
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

// constant reports whether every value of v is the same: its mean then has
// no sampling uncertainty.
func constant(v []float64) bool {
	for _, x := range v {
		if x != v[0] {
			return false
		}
	}
	return true
}

// money prints an amount in its currency, as every document does.
var money = format.Money

// totalAt is record seq's cost to the business when pipeline name, whose
// calls cost cost (nil: nothing), decides it with outcome o.
func (in *ImpactInput) totalAt(cost []float64, o metrics.Outcome, seq int, name string) float64 {
	var t float64
	if cost != nil {
		t = cost[seq]
	}
	t += in.errorPrice(o, seq)
	if p := in.People; p != nil && p.Baseline == name {
		t += p.Minutes.At(seq) / 60 * p.HourlyCost
	}
	return t
}

// errorPrice is what decision outcome o of record seq costs: a missed
// positive or a false positive at its price, nothing else.
func (in *ImpactInput) errorPrice(o metrics.Outcome, seq int) float64 {
	switch {
	case o == metrics.FalseNegative && in.MissedPositive != nil:
		return in.MissedPositive.At(seq)
	case o == metrics.FalsePositive && in.FalsePositive != nil:
		return in.FalsePositive.At(seq)
	}
	return 0
}
