package pipeline

import (
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Reach is what a pipeline, a metric or a whole experiment reaches beyond
// poc itself: the programs it starts, the files it reads and the network
// destinations it sends records to. An experiment file is code; its reach is
// what `poc validate`, `poc plan` and `poc run` show before anything runs,
// and what confinement (`confine: true`, `--confine`) checks.
//
// A Reach is a value: Merge returns a new one, sorted by target, with each
// target once.
type Reach struct {
	// Programs lists the programs started, each with Target the command
	// line as it will be started.
	Programs []Access `json:"programs,omitempty"`
	// Files lists the files read, each with Target its absolute path.
	Files []Access `json:"files,omitempty"`
	// URLs lists the destinations records are sent to, each with Target
	// the URL without credentials (RedactURL).
	URLs []Access `json:"urls,omitempty"`
	// Writes lists the folders written outside the run folder (the response
	// cache), each with Target its absolute path.
	Writes []Access `json:"writes,omitempty"`
}

// Access is one program, file or destination of a Reach.
type Access struct {
	// Target is the command line, the absolute path or the URL.
	Target string `json:"target"`
	// Program is, for a program, the executable as it will be started: an
	// absolute path, or a bare name looked up in PATH. Empty for files and
	// URLs.
	Program string `json:"program,omitempty"`
	// Field is the key of the configuration block that names the target
	// ("command", "prompt_file", "train.file"), so that a refusal points at
	// its line; empty once blocks are merged into an experiment's reach.
	Field string `json:"-"`
	// By names who reaches the target, such as "pipeline triage" or
	// "metric judge"; set by Reach.By.
	By []string `json:"by,omitempty"`
}

// Reacher is implemented by a pipeline Spec that starts a program, reads a
// file or calls a URL. Reach is a pure function of the decoded configuration
// and the experiment's folder dir (against which relative paths resolve):
// it reads nothing, so that the loader can show, and refuse, what Build
// would read before Build reads it.
type Reacher interface {
	Spec
	Reach(dir string) Reach
}

// Program returns the Access of a command (the program and its
// arguments) started in dir, named by the key field: a relative program
// path containing a slash resolves against dir, as the exec pipeline and
// the command metric start it; a bare name is left for PATH.
func Program(field, dir string, command []string) Access {
	if len(command) == 0 || command[0] == "" {
		return Access{}
	}
	prog := command[0]
	if !filepath.IsAbs(prog) && strings.ContainsRune(prog, '/') && dir != "" {
		prog = filepath.Join(dir, prog)
	}
	words := make([]string, len(command))
	words[0] = quoteWord(prog)
	for i, a := range command[1:] {
		words[i+1] = quoteWord(a)
	}
	return Access{Target: strings.Join(words, " "), Program: prog, Field: field}
}

// File returns the Access of the file at path (relative to dir), named by
// the key field; the zero Access when path is empty.
func File(field, dir, path string) Access {
	if path == "" {
		return Access{}
	}
	if !filepath.IsAbs(path) && dir != "" {
		path = filepath.Join(dir, path)
	}
	return Access{Target: filepath.Clean(path), Field: field}
}

// URL returns the Access of the destination raw, named by the key field,
// without credentials; the zero Access when raw is empty.
func URL(field, raw string) Access {
	if strings.TrimSpace(raw) == "" {
		return Access{}
	}
	return Access{Target: RedactURL(raw), Field: field}
}

// RedactURL returns raw without the credentials a URL can carry: the user
// and password are dropped and every query value is replaced by REDACTED
// (a key in `?api_key=...`). A string that does not parse as a URL is
// replaced by a placeholder, since it may hold anything.
func RedactURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "(an invalid URL)"
	}
	u.User = nil
	if u.RawQuery != "" {
		q := u.Query()
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = url.QueryEscape(k) + "=REDACTED"
		}
		u.RawQuery = strings.Join(parts, "&")
	}
	u.Fragment = ""
	return u.String()
}

// quoteWord quotes a command-line word that a shell would split or expand.
func quoteWord(w string) string {
	if w != "" && !strings.ContainsAny(w, " \t\n'\"\\$`*?[]{}()<>|&;#~!") {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}

// AddProgram appends a program's Access, unless it is the zero Access.
func (r *Reach) AddProgram(a Access) {
	if a.Target != "" {
		r.Programs = append(r.Programs, a)
	}
}

// AddFile appends a file's Access, unless it is the zero Access.
func (r *Reach) AddFile(a Access) {
	if a.Target != "" {
		r.Files = append(r.Files, a)
	}
}

// AddURL appends a destination's Access, unless it is the zero Access.
func (r *Reach) AddURL(a Access) {
	if a.Target != "" {
		r.URLs = append(r.URLs, a)
	}
}

// Len returns the number of programs, files, destinations and folders
// written.
func (r Reach) Len() int { return len(r.Programs) + len(r.Files) + len(r.URLs) + len(r.Writes) }

// By returns r with who (such as "pipeline triage") as the user of every
// access and each Field prefixed with prefix (such as "metric", for a
// nested block), so that the loader can point at the key; who "" keeps the
// users and prefix "" the fields.
func (r Reach) By(who, prefix string) Reach {
	tag := func(list []Access) []Access {
		out := make([]Access, len(list))
		for i, a := range list {
			if who != "" {
				a.By = []string{who}
			}
			if prefix != "" && a.Field != "" {
				a.Field = prefix + "." + a.Field
			}
			out[i] = a
		}
		return out
	}
	return Reach{Programs: tag(r.Programs), Files: tag(r.Files), URLs: tag(r.URLs), Writes: tag(r.Writes)}
}

// Merge returns r and others together: each list sorted by target, each
// target once, with the users of all its copies (sorted, deduplicated) and
// no Field (which names a key of one block only).
func (r Reach) Merge(others ...Reach) Reach {
	all := []Reach{r}
	all = append(all, others...)
	var out Reach
	for _, o := range all {
		out.Programs = append(out.Programs, o.Programs...)
		out.Files = append(out.Files, o.Files...)
		out.URLs = append(out.URLs, o.URLs...)
		out.Writes = append(out.Writes, o.Writes...)
	}
	out.Programs, out.Files, out.URLs = dedupe(out.Programs), dedupe(out.Files), dedupe(out.URLs)
	out.Writes = dedupe(out.Writes)
	return out
}

// dedupe sorts list by target and merges the copies of each target.
func dedupe(list []Access) []Access {
	if len(list) == 0 {
		return nil
	}
	byTarget := map[string]*Access{}
	var order []string
	for _, a := range list {
		if a.Target == "" {
			continue
		}
		if b, ok := byTarget[a.Target]; ok {
			b.By = append(b.By, a.By...)
			continue
		}
		c := Access{Target: a.Target, Program: a.Program, By: slices.Clone(a.By)}
		byTarget[a.Target] = &c
		order = append(order, a.Target)
	}
	sort.Strings(order)
	out := make([]Access, 0, len(order))
	for _, t := range order {
		a := byTarget[t]
		sort.Strings(a.By)
		a.By = slices.Compact(a.By)
		out = append(out, *a)
	}
	return out
}
