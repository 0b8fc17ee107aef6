package baselines

import (
	"context"
	"errors"
	"sort"

	"github.com/poc-harness/poc/baselines/learn"
	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

func init() {
	pipeline.Register("constant", func() pipeline.Spec { return new(ConstantSpec) })
	pipeline.Register("majority", func() pipeline.Spec { return new(MajoritySpec) })
}

// ConstantSpec configures `type: constant`: the same output for every record
// (the "never flag anything" floor).
type ConstantSpec struct {
	// Output is the decision given to every record.
	Output any `yaml:"output"`
}

// Build checks that an output is given.
func (s *ConstantSpec) Build(env pipeline.Env) (pipeline.Pipeline, error) {
	if s.Output == nil {
		return nil, pipeline.Errorf("output", "missing: the decision given to every record, e.g. `output: 0`")
	}
	out := datasets.FormatValue(s.Output)
	if msg := outputProblem(env, s.Output); msg != "" {
		return nil, pipeline.Errorf("output", "%s", msg)
	}
	return constant(out), nil
}

type constant string

// Predict returns the constant.
// Outputs says that a constant gives a label.
func (c constant) Outputs() []string { return []string{pipeline.OutputLabel} }

func (c constant) Predict(context.Context, datasets.Record) (pipeline.Output, error) {
	return pipeline.Output{Label: string(c)}, nil
}

// MajoritySpec configures `type: majority`: the most frequent label for
// every record. Without `train:` it counts the replayed records' labels: it
// has seen the labels it is judged on, so it is an optimistic floor — a
// candidate that cannot beat it has learnt nothing. With `train:` (the keys
// of `type: learn`: file, before, where or folds) it counts the training
// labels instead, with the same leak checks as a learner; an experiment
// whose learners train on other records than the replay must give its floor
// the same training set (spec checks it).
type MajoritySpec struct {
	// Train, when set, is the training data whose labels are counted.
	Train *learn.TrainSpec `yaml:"train"`
}

// Build returns an unfitted majority pipeline (the engine fits it), or with
// Train a majority model that counts the training labels.
func (s *MajoritySpec) Build(env pipeline.Env) (pipeline.Pipeline, error) {
	if s.Train != nil {
		return (&learn.Spec{Model: "majority", Train: s.Train}).Build(env)
	}
	return new(Majority), nil
}

// Majority predicts the most frequent label. It implements
// pipeline.LabelFitter; ties go to the label that sorts first, so the choice
// is repeatable.
type Majority struct {
	label string
}

// FitLabels picks the most frequent label.
func (m *Majority) FitLabels(counts map[string]int) error {
	labels := make([]string, 0, len(counts))
	for l := range counts {
		if l != "" {
			labels = append(labels, l)
		}
	}
	if len(labels) == 0 {
		return errors.New("majority: the dataset has no labels to count")
	}
	sort.Strings(labels)
	best := labels[0]
	for _, l := range labels[1:] {
		if counts[l] > counts[best] {
			best = l
		}
	}
	m.label = best
	return nil
}

// Predict returns the majority label; before FitLabels it is an error.
// Outputs says that the majority floor gives a label.
func (m *Majority) Outputs() []string { return []string{pipeline.OutputLabel} }

func (m *Majority) Predict(context.Context, datasets.Record) (pipeline.Output, error) {
	if m.label == "" {
		return pipeline.Output{}, errors.New("majority: not fitted (the engine calls FitLabels before the replay)")
	}
	return pipeline.Output{Label: m.label}, nil
}
