package spec

import (
	"fmt"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/poc-harness/poc/pipeline"
)

// Reach returns what a run of the experiment reaches beyond poc: the
// programs its pipelines and metrics start, the files it reads (the
// dataset, training, prompt and schema files) and the destinations its
// records are sent to, each with who reaches it; sorted, each target once.
// It is known from the file alone, whether or not the experiment is valid.
// Writes holds the response cache's folder when a pipeline or metric calls
// a URL and the cache is on (LoadOptions.CacheDir).
func (e *Experiment) Reach() pipeline.Reach {
	var ds pipeline.Reach
	if e.Dataset.Path != "" {
		ds.AddFile(pipeline.Access{Target: e.Dataset.Path, By: []string{"dataset"}})
	}
	all := []pipeline.Reach{ds}
	for _, p := range e.Pipelines {
		all = append(all, p.Reach)
	}
	for _, m := range e.Metrics {
		all = append(all, m.Reach)
	}
	r := pipeline.Reach{}.Merge(all...)
	if len(r.URLs) > 0 && e.CacheDir != "" {
		r.Writes = []pipeline.Access{{Target: e.CacheDir, By: []string{"response cache"}}}
	}
	return r
}

// confinement decodes the top-level `confine:` setting and LoadOptions.Confine
// into l.confined, and says where it came from, for messages.
func (l *loader) confinement(top *fields, exp *Experiment) {
	on, _ := top.bool("confine")
	switch {
	case l.opt.Confine:
		l.confined = "--confine"
	case on:
		l.confined = fmt.Sprintf("confine: true, line %d", top.val("confine").Line)
	}
	exp.Confine = l.confined != ""
}

// confineHint is the hint of a refusal: what to do instead.
func (l *loader) confineHint(fix string) string {
	off := "remove `confine: true`"
	if l.opt.Confine {
		off = "run without --confine"
	}
	return fix + ", or " + off + " if you trust the file"
}

// refuseFile reports, at n, a file read outside the experiment's folder
// when the experiment is confined; it returns whether it did. path is
// absolute; shown is the path as written.
func (l *loader) refuseFile(n *yaml.Node, field, shown, path string) bool {
	if l.confined == "" {
		return false
	}
	resolved, ok := Inside(l.dir, path)
	if ok {
		return false
	}
	where := ""
	if resolved != filepath.Clean(path) {
		where = fmt.Sprintf(", through a symbolic link, to %s", resolved)
	} else if shown != resolved {
		where = fmt.Sprintf(" (%s)", resolved)
	}
	l.errorf(n, field, l.confineHint("copy the file into "+l.dir),
		"the experiment is confined (%s) and %q is outside its folder%s: a confined experiment reads only files inside %s",
		l.confined, shown, where, l.dir)
	return true
}

// refuseProgram reports, at n, a program that is not a path inside the
// experiment's folder when the experiment is confined; it returns whether
// it did. A bare name, looked up in PATH, is refused: what PATH finds is
// not the experiment's to choose.
func (l *loader) refuseProgram(n *yaml.Node, field string, a pipeline.Access) bool {
	if l.confined == "" {
		return false
	}
	hint := l.confineHint("start a program kept in the experiment's folder, such as a script with a #! line (`command: [./score.sh]`)")
	if !filepath.IsAbs(a.Program) {
		l.errorf(n, field, hint,
			"the experiment is confined (%s) and the program %q is looked up in PATH: a confined experiment starts only programs inside %s",
			l.confined, a.Program, l.dir)
		return true
	}
	resolved, ok := Inside(l.dir, a.Program)
	if ok {
		return false
	}
	where := ""
	if resolved != filepath.Clean(a.Program) {
		where = fmt.Sprintf(", through a symbolic link, to %s", resolved)
	}
	l.errorf(n, field, hint, "the experiment is confined (%s) and the program %s is outside its folder%s: a confined experiment starts only programs inside %s",
		l.confined, a.Program, where, l.dir)
	return true
}

// refuseReach checks a block's reach r against confinement, reporting each
// refusal at its key within the block el (path is the block's field path);
// it returns whether anything was refused, in which case the block must
// not be built (Build would read the file).
func (l *loader) refuseReach(el *yaml.Node, path string, r pipeline.Reach) bool {
	refused := false
	for _, a := range r.Programs {
		n, ok := findPath(el, a.Field+"[0]")
		if !ok {
			n, _ = findPath(el, a.Field)
		}
		refused = l.refuseProgram(n, joinFieldPath(path, a.Field), a) || refused
	}
	for _, a := range r.Files {
		n, _ := findPath(el, a.Field)
		shown := a.Target
		if n != nil && n.Kind == yaml.ScalarNode && n.Value != "" {
			shown = n.Value
		}
		refused = l.refuseFile(n, joinFieldPath(path, a.Field), shown, a.Target) || refused
	}
	return refused
}

// specReach returns the reach of a decoded pipeline or metric spec, with
// who as its user; the zero Reach when the type reaches nothing.
func (l *loader) specReach(spec any, who string) pipeline.Reach {
	// pipeline.Reacher and metrics.Reacher, without importing the latter's
	// Spec type here.
	if r, ok := spec.(interface{ Reach(string) pipeline.Reach }); ok {
		return r.Reach(l.dir).By(who, "")
	}
	return pipeline.Reach{}
}

// Inside reports whether path lies inside the folder dir once both are
// resolved (symbolic links followed, `..` removed), and returns path
// resolved. A path that does not exist is resolved as far as it does, so
// that a missing file under a link that leaves the folder is still outside.
func Inside(dir, path string) (resolved string, ok bool) {
	d := resolvePath(dir)
	p := resolvePath(path)
	rel, err := filepath.Rel(d, p)
	if err != nil {
		return p, false
	}
	return p, rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)))
}

// resolvePath is filepath.EvalSymlinks of the longest existing prefix of
// path, with the rest appended; path is made absolute and clean first.
func resolvePath(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = filepath.Clean(path)
	}
	rest := ""
	for cur := abs; ; {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(r, rest)
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return abs
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}
