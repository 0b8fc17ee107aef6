package metrics

import "github.com/poc-harness/poc/pipeline"

// Reacher is implemented by a metric Spec that starts a program, reads a
// file or calls a URL (see pipeline.Reacher): Reach is a pure function of
// the decoded configuration and the experiment's folder dir, so that the
// loader can show and refuse what Build would read before it reads it.
type Reacher interface {
	Spec
	Reach(dir string) pipeline.Reach
}

var (
	_ Reacher = (*CommandSpec)(nil)
	_ Reacher = (*JudgeSpec)(nil)
	_ Reacher = (*JSONSchemaSpec)(nil)
	_ Reacher = (*WindowSpec)(nil)
	_ Reacher = (*ByGroupSpec)(nil)
)

// Reach returns the program the metric starts (once per pipeline, after
// the replay).
func (s *CommandSpec) Reach(dir string) pipeline.Reach {
	var r pipeline.Reach
	r.AddProgram(pipeline.Program("command", dir, s.Command))
	return r
}

// Reach returns the judge's API, to which answers and records are sent.
func (s *JudgeSpec) Reach(string) pipeline.Reach {
	var r pipeline.Reach
	r.AddURL(pipeline.URL("judge.base_url", s.Judge.BaseURL))
	return r
}

// Reach returns the schema file, when the schema is read from one.
func (s *JSONSchemaSpec) Reach(dir string) pipeline.Reach {
	var r pipeline.Reach
	r.AddFile(pipeline.File("schema_file", dir, s.SchemaFile))
	return r
}

// Reach returns the inner metric's reach.
func (s *WindowSpec) Reach(dir string) pipeline.Reach { return s.Metric.reach(dir) }

// Reach returns the inner metric's reach.
func (s *ByGroupSpec) Reach(dir string) pipeline.Reach { return s.Metric.reach(dir) }

// reach is the inner metric's reach, its fields under `metric.`.
func (s MetricSpec) reach(dir string) pipeline.Reach {
	r, ok := s.Spec.(Reacher)
	if !ok {
		return pipeline.Reach{}
	}
	return r.Reach(dir).By("", "metric")
}

// Environ is the program's whole environment (pipeline.Subprocess).
func (m *commandMetric) Environ() []string { return m.environ }
