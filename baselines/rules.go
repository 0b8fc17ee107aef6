package baselines

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/datasets/fieldexpr"
	"github.com/poc-harness/poc/pipeline"
)

func init() {
	pipeline.Register("rules", func() pipeline.Spec { return new(RulesSpec) })
}

// RulesSpec configures `type: rules`: an ordered list of conditions over the
// record's fields, first match wins, with a default when none matches.
//
//	type: rules
//	rules:
//	  - when: amount > 1500 && account_age_days < 30
//	    output: 1
//	  - when: txn_last_hour >= 5
//	    output: 1
//	default: 0
type RulesSpec struct {
	// Rules are tried in order.
	Rules []Rule `yaml:"rules"`
	// Default is the output when no rule matches.
	Default any `yaml:"default"`
	// CostPerRecord is the running cost of one decision, if any.
	CostPerRecord float64 `yaml:"cost_per_record"`
}

// Rule is one condition and the output it gives.
type Rule struct {
	// Name labels the rule in reports (optional).
	Name string `yaml:"name"`
	// When is an expr-lang expression over the record's columns
	// (https://expr-lang.org), e.g. `amount > 1500 && country in ["NG", "BR"]`.
	When string `yaml:"when"`
	// Output is the decision the rule gives.
	Output any `yaml:"output"`
}

// Build compiles every condition once.
func (s *RulesSpec) Build(env pipeline.Env) (pipeline.Pipeline, error) {
	var errs pipeline.FieldErrors
	if len(s.Rules) == 0 {
		errs.Add("rules", "at least one rule is needed (a list of `when:` conditions with an `output:`)")
	}
	if s.Default == nil {
		errs.Add("default", "missing: the output when no rule matches (for example `default: 0`)")
	}
	if s.CostPerRecord < 0 {
		errs.Add("cost_per_record", "must not be negative")
	}
	p := &Rules{cost: s.CostPerRecord, fallback: datasets.FormatValue(s.Default)}
	if s.Default != nil {
		if msg := outputProblem(env, s.Default); msg != "" {
			errs.Add("default", "%s", msg)
		}
	}
	for i, r := range s.Rules {
		field := fmt.Sprintf("rules[%d]", i)
		if r.When == "" {
			errs.Add(field+".when", "missing: a condition such as `amount > 1000`")
			continue
		}
		if r.Output == nil {
			errs.Add(field+".output", "missing: the output this rule gives when it matches")
		}
		cond, err := fieldexpr.Compile(r.When, env.Columns, true)
		if err == nil {
			err = cond.CheckKinds(env.Kinds)
		}
		if err != nil {
			errs.Add(field+".when", "invalid expression: %v", err)
			continue
		}
		if msg := env.ReadsLabel(cond.Columns()); msg != "" {
			errs.Add(field+".when", "the condition %s", msg)
		}
		out := datasets.FormatValue(r.Output)
		if msg := outputProblem(env, r.Output); msg != "" && r.Output != nil {
			errs.Add(field+".output", "%s", msg)
		}
		p.rules = append(p.rules, compiledRule{cond: cond, output: out, name: r.Name, when: r.When})
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	p.fired = make([]atomic.Int64, len(p.rules))
	return p, nil
}

// outputProblem says what is wrong with an output written in the file: a
// mapping or a list where a label value belongs, or a value that is not a
// class the label column holds; "" when it is fine.
func outputProblem(env pipeline.Env, v any) string {
	switch v.(type) {
	case map[string]any, map[any]any, []any:
		return fmt.Sprintf("expected a label value such as 1 or \"fraud\", got %s (quote text that holds a colon or braces)", kindOf(v))
	}
	return env.LabelProblem(datasets.FormatValue(v))
}

// kindOf names a decoded YAML value's kind for messages.
func kindOf(v any) string {
	if _, ok := v.([]any); ok {
		return "a list"
	}
	return "a mapping"
}

type compiledRule struct {
	cond       *fieldexpr.Program
	output     string
	name, when string
}

// Rules is the rule-set pipeline built from a RulesSpec.
type Rules struct {
	rules    []compiledRule
	fallback string
	cost     float64
	fired    []atomic.Int64 // records each rule decided, as the first whose condition held
}

// RuleCount is how many records one rule decided.
type RuleCount struct {
	// Index is the rule's position in the list, from 0; Name its name (""
	// when it has none) and When its condition.
	Index      int
	Name, When string
	// Fired is the number of records the rule decided: those whose
	// condition held, where no earlier rule's did.
	Fired int64
}

// RuleComparisons are, rule by rule in order, the comparisons of a column
// with a text constant each rule's condition makes (fieldexpr.Comparisons):
// a constant the column never holds is a comparison never true.
func (p *Rules) RuleComparisons() [][]fieldexpr.Comparison {
	out := make([][]fieldexpr.Comparison, len(p.rules))
	for i, r := range p.rules {
		out[i] = r.cond.Comparisons()
	}
	return out
}

// RuleOutputs are the outputs the rules give, in rule order, and the
// default's.
func (p *Rules) RuleOutputs() (rules []string, fallback string) {
	for _, r := range p.rules {
		rules = append(rules, r.output)
	}
	return rules, p.fallback
}

// Fired is how many records each rule has decided so far, in rule order.
// A rule that decides none of a whole replay compares a column with a
// value it never holds (a misspelt category: Records == "Yes" where the
// column holds "yes") or is shadowed by the rules before it: either way
// the baseline is not the rule set people run, and every comparison with
// it is off.
func (p *Rules) Fired() []RuleCount {
	out := make([]RuleCount, len(p.rules))
	for i, r := range p.rules {
		out[i] = RuleCount{Index: i, Name: r.name, When: r.when, Fired: p.fired[i].Load()}
	}
	return out
}

// Outputs says that rules give a label.
func (p *Rules) Outputs() []string { return []string{pipeline.OutputLabel} }

// Predict returns the output of the first rule whose condition holds, or the
// default. A condition that cannot be evaluated on this record (a missing
// value compared with a number, say) is the record's error.
func (p *Rules) Predict(_ context.Context, rec datasets.Record) (pipeline.Output, error) {
	for i, r := range p.rules {
		ok, err := r.cond.Bool(rec.Fields)
		if err != nil {
			return pipeline.Output{}, fmt.Errorf("rule %d: %w", i+1, err)
		}
		if ok {
			p.fired[i].Add(1)
			return pipeline.Output{Label: r.output, Cost: p.cost}, nil
		}
	}
	return pipeline.Output{Label: p.fallback, Cost: p.cost}, nil
}
