package spec

import (
	"strings"
	"testing"
)

// impactUseCase is base with a use case that states people and the cost of
// errors; the comments give each value's line and column.
var impactUseCase = strings.Replace(strings.Replace(base, "POSITIVE", "1", 1), "  question: q?\n", `  question: q?
  volume_per_year: 1000
  people:
    baseline: rules
    minutes_per_record: 4.5
    hourly_cost: 48
    hours_per_fte: 1600
  cost_of_error:
    missed_positive: amount
    false_positive: 12
`, 1)

// Value positions in impactUseCase: baseline 7:15, minutes_per_record 8:25,
// hourly_cost 9:18, hours_per_fte 10:20, missed_positive 12:22,
// false_positive 13:21.

func TestUseCaseImpactKeys(t *testing.T) {
	exp, ds := loadInline(t, impactUseCase, testOptions)
	if len(ds) > 0 {
		t.Fatalf("unexpected diagnostics:\n%v", ds)
	}
	uc := exp.UseCase
	if p := uc.People; p == nil || p.Baseline != "rules" || p.MinutesPerRecord != (PerRecord{Value: 4.5}) ||
		p.HourlyCost != 48 || p.HoursPerFTE != 1600 {
		t.Errorf("people = %+v", uc.People)
	}
	if c := uc.CostOfError; c == nil || c.MissedPositive != (PerRecord{Column: "amount"}) || c.FalsePositive != (PerRecord{Value: 12}) {
		t.Errorf("cost_of_error = %+v", uc.CostOfError)
	}

	// Defaults: hours_per_fte 1680; a missing cost of error is 0; a column
	// of minutes.
	src := strings.NewReplacer("    hours_per_fte: 1600\n", "", "    false_positive: 12\n", "",
		"minutes_per_record: 4.5", "minutes_per_record: amount").Replace(impactUseCase)
	exp, ds = loadInline(t, src, testOptions)
	if len(ds) > 0 {
		t.Fatalf("unexpected diagnostics:\n%v", ds)
	}
	if p := exp.UseCase.People; p.HoursPerFTE != DefaultHoursPerFTE || p.MinutesPerRecord != (PerRecord{Column: "amount"}) {
		t.Errorf("people = %+v", p)
	}
	if c := exp.UseCase.CostOfError; c.FalsePositive != (PerRecord{}) || c.MissedPositive.String() != "amount" {
		t.Errorf("cost_of_error = %+v", c)
	}

	// Without the people and the cost of errors, nothing is set.
	exp, _ = loadInline(t, strings.Replace(base, "POSITIVE", "1", 1), testOptions)
	if exp.UseCase.People != nil || exp.UseCase.CostOfError != nil {
		t.Errorf("use case without impact keys = %+v", exp.UseCase)
	}
}

func TestUseCaseImpactProblems(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		sev      Severity
		w        want
	}{
		{"unknown pipeline", "baseline: rules", "baseline: rulez", Error,
			want{7, 15, `use_case.people.baseline: pipeline "rulez" is not defined under pipelines (did you mean "rules"?)`}},
		{"pipeline far from any", "baseline: rules", "baseline: humans", Error,
			want{7, 15, `pipeline "humans" is not defined under pipelines (pipelines defined: model, rules)`}},
		{"candidate as people", "baseline: rules", "baseline: model", Error,
			want{7, 15, `use_case.people.baseline: pipeline "model" is a candidate`}},
		{"unknown minutes column", "minutes_per_record: 4.5", "minutes_per_record: amout", Error,
			want{8, 25, `use_case.people.minutes_per_record: column "amout" is not in the dataset (did you mean "amount"?)`}},
		{"negative minutes", "minutes_per_record: 4.5", "minutes_per_record: -4.5", Error,
			want{8, 25, "use_case.people.minutes_per_record: minutes_per_record must be 0 or more, got -4.5"}},
		{"minutes as a list", "minutes_per_record: 4.5", "minutes_per_record: [4, 5]", Error,
			want{8, 25, "expected minutes as a number or a column name, got a list"}},
		{"negative hourly cost", "hourly_cost: 48", "hourly_cost: -48", Error,
			want{9, 18, "use_case.people.hourly_cost: hourly_cost must be 0 or more, got -48"}},
		{"hourly cost as text", "hourly_cost: 48", "hourly_cost: lots", Error,
			want{9, 18, `use_case.people.hourly_cost: expected a number, got "lots"`}},
		{"zero hours per fte", "hours_per_fte: 1600", "hours_per_fte: 0", Error,
			want{10, 20, "use_case.people.hours_per_fte: hours_per_fte must be above 0, got 0 (1680 is usual)"}},
		{"missing hourly cost", "    hourly_cost: 48\n", "", Error,
			want{7, 5, `use_case.people.hourly_cost: missing required key "hourly_cost"`}},
		{"misspelt key", "    baseline: rules\n", "    baseline: rules\n    hourly_cots: 3\n", Error,
			want{8, 5, `use_case.people.hourly_cots: unknown key "hourly_cots" (did you mean "hourly_cost"?)`}},
		{"unknown amount column", "missed_positive: amount", "missed_positive: amont", Error,
			want{12, 22, `use_case.cost_of_error.missed_positive: column "amont" is not in the dataset (did you mean "amount"?)`}},
		{"negative false positive", "false_positive: 12", "false_positive: -12", Error,
			want{13, 21, "use_case.cost_of_error.false_positive: false_positive must be 0 or more, got -12"}},
		{"empty cost of error", "    missed_positive: amount\n    false_positive: 12\n", "    {}\n", Error,
			want{12, 5, "cost_of_error needs missed_positive or false_positive"}},
		{"no yearly volume", "  volume_per_year: 1000\n", "", Warning,
			want{4, 3, "warning: use_case.volume_per_year: people and cost_of_error are projected over a year only with a yearly volume"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(impactUseCase, tt.old, tt.new, 1)
			if src == impactUseCase {
				t.Fatalf("%q is not in the experiment", tt.old)
			}
			_, ds := loadInline(t, src, testOptions)
			if !hasDiag(ds, tt.sev, tt.w) {
				t.Errorf("missing %s at %d:%d containing %q; got:\n%v", tt.sev, tt.w.line, tt.w.col, tt.w.text, ds)
			}
		})
	}
}

// Without ReadColumns the columns are not checked, but pipelines are.
func TestUseCaseImpactWithoutColumns(t *testing.T) {
	src := strings.Replace(impactUseCase, "missed_positive: amount", "missed_positive: anything", 1)
	exp, ds := loadInline(t, src, LoadOptions{})
	if len(ds.Errors()) > 0 {
		t.Fatalf("unexpected errors:\n%v", ds)
	}
	if exp.UseCase.CostOfError.MissedPositive.Column != "anything" {
		t.Errorf("cost_of_error = %+v", exp.UseCase.CostOfError)
	}
}
