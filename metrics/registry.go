package metrics

import (
	"fmt"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/registry"
	"github.com/poc-harness/poc/pipeline"
)

// Spec is the configuration of one metric type, decoded from its entry in the
// experiment's `metrics:` list. Implementations are structs with `yaml` tags
// for their own keys (such as `weight:`); a metric written as a bare name
// builds from the zero Spec.
type Spec interface {
	// Build checks the configuration against env and returns the metric.
	// Problems with a key are returned as *pipeline.FieldError.
	Build(env Env) (Metric, error)
}

// Env is what a metric spec may consult when it is built.
type Env struct {
	// Name is the metric's name in the experiment file.
	Name string
	// Columns lists the dataset's columns.
	Columns []string
	// Kinds says what kind of value a column holds (see pipeline.Env).
	Kinds map[string]string
	// Label is the dataset's label column.
	Label string
	// Positive is the positive class of a binary label, in canonical form.
	Positive string
	// Labels are the classes the label column holds (see pipeline.Env).
	Labels []string
	// Currency names the unit of cost figures ("USD" by default).
	Currency string
	// Dir is the experiment file's folder, against which relative paths in a
	// metric's configuration (a subprocess command) are resolved; "" for
	// the working directory.
	Dir string
	// Time is the dataset's time column ("" when it declares none): the
	// default column of by_window.
	Time string

	// The connection environment of metrics that call a model (llm_judge),
	// as the pipelines get it (see pipeline.Env).

	// Cache is the response cache; nil when caching is off.
	Cache pipeline.Cache
	// Privacy pseudonymises what is sent out; nil when the experiment
	// turns it off.
	Privacy pipeline.Privacy
	// AllowedURLs lists the base URLs a judge may call; empty means no
	// allow-list was given.
	AllowedURLs []string
	// LookupEnv reads environment variables (API keys); nil means
	// os.LookupEnv.
	LookupEnv func(name string) (string, bool)
	// NewGrader builds the model of an llm_judge (an llm pipeline with a
	// number output); the loader's caller wires it, so that this package
	// never imports pipeline/llm. When nil, llm_judge does not build.
	NewGrader func(GraderRequest) (Grader, error)
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

// Factory returns a new, zero Spec for a metric type.
type Factory func() Spec

// Info describes a registered metric type for `poc metrics` and the report.
type Info struct {
	// Type is the registered name.
	Type string
	// Doc is one sentence on what the metric measures.
	Doc string
	// Direction says which way the metric improves.
	Direction Direction
	// Accepts lists the output kinds the metric reads: "label", "score",
	// "text", "fields", or "any" for metrics of the prediction itself
	// (latency, cost, failures) or of an expression or a subprocess.
	Accepts []string
}

type entry struct {
	info    Info
	factory Factory
}

// entries holds the registered metric types.
var entries = registry.New[entry]("metrics")

// Register makes a metric type available under info.Type. It panics when the
// name is empty, f is nil or the name is taken.
func Register(info Info, f Factory) {
	if f == nil {
		panic(fmt.Sprintf("metrics: Register with a nil factory for %q", info.Type))
	}
	entries.Register(info.Type, entry{info: info, factory: f})
}

// Lookup returns the factory registered under typ.
func Lookup(typ string) (Factory, bool) {
	e, ok := entries.Lookup(typ)
	return e.factory, ok
}

// Types lists the registered metric types, sorted by name.
func Types() []Info {
	names := entries.Names()
	out := make([]Info, 0, len(names))
	for _, n := range names {
		if e, ok := entries.Lookup(n); ok {
			out = append(out, e.info)
		}
	}
	return out
}

// columnError is the FieldError for a key that names a column the dataset lacks.
func columnError(env Env, field, column string) *pipeline.FieldError {
	return pipeline.Errorf(field, "column %q is not in the dataset (%s)", column, datasets.ColumnList(env.Columns, 12))
}

// noKeys is the Spec of a built-in metric that takes no keys of its own.
type noKeys struct {
	build func(Env) (Metric, error)
}

// Build builds the metric.
func (s *noKeys) Build(env Env) (Metric, error) { return s.build(env) }

// register adds a built-in metric that takes no keys.
func register(info Info, build func(Env) (Metric, error)) {
	Register(info, func() Spec { return &noKeys{build: build} })
}
