package exec

import "github.com/poc-harness/poc/pipeline"

var _ pipeline.Reacher = (*Spec)(nil)

// Reach returns the program the pipeline starts (one command line, however
// many processes the pool holds), resolved as Build resolves it.
func (s *Spec) Reach(dir string) pipeline.Reach {
	var r pipeline.Reach
	r.AddProgram(pipeline.Program("command", dir, s.Command))
	return r
}

// Environ is the processes' whole environment (pipeline.Subprocess).
func (p *Pipeline) Environ() []string { return p.env }
