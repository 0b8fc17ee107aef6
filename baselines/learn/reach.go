package learn

import "github.com/poc-harness/poc/pipeline"

var _ pipeline.Reacher = (*Spec)(nil)

// Reach returns the separate training file (train.file), when there is
// one; the other schemes train on the dataset file, which the experiment
// reads anyway.
func (s *Spec) Reach(dir string) pipeline.Reach {
	var r pipeline.Reach
	if s.Train != nil {
		r.AddFile(pipeline.File("train.file", dir, s.Train.File))
	}
	return r
}
