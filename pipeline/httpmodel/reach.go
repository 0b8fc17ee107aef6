package httpmodel

import "github.com/poc-harness/poc/pipeline"

var _ pipeline.Reacher = (*Spec)(nil)

// Reach returns the model endpoint the records are sent to.
func (s *Spec) Reach(string) pipeline.Reach {
	var r pipeline.Reach
	r.AddURL(pipeline.URL("url", s.URL))
	return r
}
