package llm

import "github.com/poc-harness/poc/pipeline"

var _ pipeline.Reacher = (*Spec)(nil)

// Reach returns the files Build reads (system_file, prompt_file) and the
// API the records are sent to (base_url; nothing when it is not set yet, as
// Check then refuses the run).
func (s *Spec) Reach(dir string) pipeline.Reach {
	var r pipeline.Reach
	r.AddFile(pipeline.File("system_file", dir, s.SystemFile))
	r.AddFile(pipeline.File("prompt_file", dir, s.PromptFile))
	r.AddURL(pipeline.URL("base_url", s.BaseURL))
	return r
}
