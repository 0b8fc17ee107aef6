package pipeline

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/datasets/fieldexpr"
	"github.com/poc-harness/poc/internal/registry"
)

// Spec is the configuration of one pipeline type, decoded from its block in
// the experiment file. Implementations are structs with `yaml` tags for their
// own keys; the loader decodes the block strictly (an unknown key is an error
// that points at its line) and then calls Build.
type Spec interface {
	// Build checks the configuration against env and returns the pipeline.
	// Problems with a particular key are returned as *FieldError (or
	// FieldErrors for several) so the loader can point at the line.
	Build(env Env) (Pipeline, error)
}

// Env is what a spec may consult when it is built.
type Env struct {
	// Name is the pipeline's name in the experiment file.
	Name string
	// Role is candidate or baseline.
	Role Role
	// Dir is the folder of the experiment file; relative paths resolve here.
	Dir string
	// Columns lists the dataset's columns.
	Columns []string
	// Kinds says what kind of value a column holds (fieldexpr.KindText,
	// KindNumber, KindBool), for the columns whose kind is known; a
	// condition's constants are checked against it (fieldexpr.CheckKinds).
	Kinds map[string]string
	// Label is the dataset's label column ("" when there is none).
	Label string
	// Positive is the positive class of a binary label, in canonical form.
	Positive string
	// Labels are the values the label column holds, in canonical form and
	// sorted; nil when they were not read or the label is a number rather
	// than a class (a regression target).
	Labels []string

	// Cache is the response cache; nil when caching is off.
	Cache Cache
	// Privacy pseudonymises what is sent out; nil when the experiment
	// turns it off.
	Privacy Privacy
	// AllowedURLs lists the base URLs a network pipeline may call; empty
	// means no allow-list was given (the loader warns).
	AllowedURLs []string
	// LookupEnv reads environment variables (API keys); nil means
	// os.LookupEnv. Tests inject their own.
	LookupEnv func(name string) (string, bool)
}

// HasColumn reports whether the dataset has the named column.
func (e Env) HasColumn(name string) bool {
	for _, c := range e.Columns {
		if c == name {
			return true
		}
	}
	return false
}

// MissingColumn says that a column the spec names is not in the dataset,
// with the closest column when one is close: `column "Incme" is not in
// the dataset (did you mean "Income"?)`.
func (e Env) MissingColumn(name string) string {
	msg := fmt.Sprintf("column %q is not in the dataset", name)
	if !datasets.LooksLikeNames(e.Columns) {
		return msg + " (" + datasets.ColumnList(e.Columns, 0) + ")"
	}
	if c := fieldexpr.Closest(name, e.Columns); c != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", c)
	}
	return msg
}

// NegativeOf is the decision below a score's threshold for the positive
// class positive: the other class of a two-class label (`no` for yes/no
// data), else "0".
func (e Env) NegativeOf(positive string) string {
	if len(e.Labels) == 2 && slices.Contains(e.Labels, positive) {
		if e.Labels[0] == positive {
			return e.Labels[1]
		}
		return e.Labels[0]
	}
	return "0"
}

// ThresholdProblem says why the decision below a score's threshold, the
// other class of a two-class label, cannot be made: the label holds three
// or more classes, none of them "0"; "" when it can.
func (e Env) ThresholdProblem(positive string) string {
	negative := e.NegativeOf(positive)
	if len(e.Labels) < 3 || e.LabelProblem(negative) == "" {
		return "" // one class seen: the other may simply be absent from the data
	}
	return fmt.Sprintf("a score gives two decisions, but the label holds %d classes, and the decision below the threshold, %q, is not one of them: "+
		"check the label for stray values (a class written two ways, a placeholder such as N/A)", len(e.Labels), negative)
}

// LabelProblem says why a decision the file states (a rule's output, a
// constant, a label set) is not a class the data holds, with the closest
// one when there is a close one; "" when it is one, or when the data's
// classes are unknown. A decision the data never holds is never right and
// never the positive class, so it would change a verdict without a word.
func (e Env) LabelProblem(value string) string {
	return LabelProblem(value, e.Labels)
}

// LabelProblem is Env.LabelProblem over the given classes.
func LabelProblem(value string, labels []string) string {
	if len(labels) == 0 || slices.Contains(labels, value) {
		return ""
	}
	msg := fmt.Sprintf("%q is not a class of the label column, which holds %s", value, quoted(labels, 12))
	if c := SameNumber(value, labels); c != "" {
		return msg + fmt.Sprintf(" (did you mean %q? the data's numbers are written without trailing zeros)", c)
	}
	if c := fieldexpr.Closest(value, labels); c != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", c)
	}
	return msg
}

// SameNumber returns the label that is the same number as value, written
// as the data writes it ("1" for "1.0"), or "".
func SameNumber(value string, labels []string) string {
	v, err := strconv.ParseFloat(value, 64)
	if err != nil {
		return ""
	}
	for _, l := range labels {
		if f, err := strconv.ParseFloat(l, 64); err == nil && f == v {
			return l
		}
	}
	return ""
}

// quoted lists up to max values as "a", "b", … and how many more.
func quoted(values []string, max int) string {
	var q []string
	for i, v := range values {
		if i == max {
			q = append(q, fmt.Sprintf("and %d more", len(values)-max))
			break
		}
		q = append(q, strconv.Quote(datasets.Shorten(v)))
	}
	return strings.Join(q, ", ")
}

// Factory returns a new, zero Spec for a pipeline type, ready to be decoded into.
type Factory func() Spec

// The kinds of output a pipeline gives, as metrics.Info.Accepts names them.
const (
	OutputLabel  = "label"
	OutputScore  = "score"
	OutputText   = "text"
	OutputFields = "fields"
)

// Outputs is implemented by pipelines that know which kinds of output they
// give (OutputLabel, OutputScore, …), so that a criterion on a metric that
// reads another kind — the ROC AUC of a rule set that gives no scores — is
// refused before the run instead of being undefined after it.
type Outputs interface {
	Outputs() []string
}

// TrainingChecker is implemented by learning pipelines that can check
// their training data — leaks into the replay, proxies of the label —
// without fitting, for `poc validate`.
type TrainingChecker interface {
	CheckTraining(ctx context.Context, data TrainingData) error
}

// TrainingSet is implemented by pipelines that learn before the replay.
// TrainsOn names the records they learn from when those are not the
// replayed records themselves (a training file, a time cut, a where
// expression), and is "" when they are (cross-fitting folds). The loader
// uses it to refuse a floor fitted on the replayed labels beside a model
// that never saw them.
type TrainingSet interface {
	TrainsOn() string
}

// LabelFitter is implemented by pipelines that learn from the distribution of
// labels before the replay (the majority-class floor). The engine calls
// FitLabels once, before any Predict, with the count of each label among the
// replayed records.
type LabelFitter interface {
	FitLabels(counts map[string]int) error
}

// factories holds the registered pipeline types.
var factories = registry.New[Factory]("pipeline")

// Register makes a pipeline type available under name, the value of `type:`
// in the experiment file. It panics if name is empty, f is nil, or the name is
// already registered: two packages claiming one type is a programming error.
func Register(name string, f Factory) { factories.Register(name, f) }

// Lookup returns the factory registered under name.
func Lookup(name string) (Factory, bool) { return factories.Lookup(name) }

// Types returns the registered type names, sorted.
func Types() []string { return factories.Names() }

// TrainingData gives a learning pipeline access to data before the replay.
type TrainingData struct {
	// Replay opens the records the run will replay (after the experiment's
	// filter and sample), in replay order, for k-fold cross-fitting.
	Replay func() (datasets.Reader, error)
	// All opens the whole dataset file without the experiment's filter or
	// sample, for a time cut that trains on records the replay leaves out.
	All func() (datasets.Reader, error)
	// Open opens another data file (a separate training file), in the
	// format its extension names; relative paths resolve against Env.Dir.
	Open func(path string) (datasets.Reader, error)
	// Label, Positive and Time are the dataset's label column, positive
	// class and time column ("" when none).
	Label, Positive, Time string
	// ID is the dataset's id column ("" when none): a training record that
	// repeats a replayed one in every other column is the same record
	// under another id.
	ID string
	// Types are the column types the experiment file declares under
	// dataset.columns (nil when none): a column declared number is one the
	// file says is a quantity, whatever its values look like.
	Types map[string]datasets.Type
	// Warn receives what a learner's checks find that does not stop the
	// run but could change its verdict (a training file that repeats a few
	// replayed records, category codes read as numbers); the runner shows
	// each on the console and in the report. Nil discards them.
	Warn func(TrainingWarning)
}

// TrainingWarning is one finding of a learner's training checks that does
// not stop the run: what was found and how to fix it.
type TrainingWarning struct {
	// Field is the key of the pipeline's block the warning is about, such
	// as "train.file" or "features[1]" ("" for the whole block).
	Field string
	// Msg says what was found, in lowercase, naming the file and column.
	Msg string
	// Hint says how to fix it.
	Hint string
}

// Warning passes w to d.Warn, when there is one.
func (d TrainingData) Warning(w TrainingWarning) {
	if d.Warn != nil {
		d.Warn(w)
	}
}

// Trainer is implemented by pipelines that learn from data before the
// replay (the built-in learners). The runner calls Train once, before any
// Predict; a record must never be scored by a model that saw it.
type Trainer interface {
	Train(ctx context.Context, data TrainingData) error
}
