package pipeline

import (
	"os"
	"sort"
	"strconv"
	"strings"
)

// BaseEnviron names the variables every subprocess poc starts (an exec
// pipeline's processes, a command metric's program) gets from poc's own
// environment, when they are set: what programs need to run (the search
// path, the home folder, the locale, the time zone, the temporary folder)
// and nothing that holds a secret.
var BaseEnviron = []string{"PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR"}

// SubprocessEnviron returns the environment of a subprocess, as KEY=value
// sorted by name: the BaseEnviron variables set in poc's environment, the
// variables named by pass (looked up with lookup, os.LookupEnv when nil;
// unset ones are left out), then set (explicit values, which win). Nothing
// else of poc's environment is passed: API keys such as OPENAI_API_KEY stay
// with poc unless the experiment names them.
func SubprocessEnviron(lookup func(string) (string, bool), pass []string, set map[string]string) []string {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	vars := map[string]string{}
	for _, k := range BaseEnviron {
		if v, ok := os.LookupEnv(k); ok {
			vars[k] = v
		}
	}
	for _, k := range pass {
		if v, ok := lookup(k); ok {
			vars[k] = v
		}
	}
	for k, v := range set {
		vars[k] = v
	}
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]string, len(names))
	for i, k := range names {
		out[i] = k + "=" + vars[k]
	}
	return out
}

// EnvNameProblem says what is wrong with an environment variable name, ""
// when nothing is: it must be non-empty and hold no "=", NUL or space.
func EnvNameProblem(name string) string {
	switch {
	case name == "":
		return "empty variable name"
	case strings.ContainsAny(name, "=\x00 \t\r\n"):
		return "invalid variable name " + strconv.Quote(name) + ": it must not contain '=', spaces or NUL"
	}
	return ""
}
