package spec

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// expandEnv rewrites ${VAR} and ${VAR:-default} in every scalar value under
// n (mapping keys are left alone), reporting an unset variable without a
// default at its scalar. $${ stands for a literal ${. The original text of
// each rewritten scalar is kept in l.originals.
func (l *loader) expandEnv(n *yaml.Node, path string) {
	if n == nil {
		return
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			l.expandEnv(c, path)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			l.expandEnv(n.Content[i+1], join(path, n.Content[i].Value))
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			l.expandEnv(c, index(path, i))
		}
	case yaml.ScalarNode:
		if !strings.Contains(n.Value, "${") {
			return
		}
		out, err := expandString(n.Value, l.lookupEnv)
		if err != nil {
			l.errorf(n, path, err.hint, "%s", err.msg)
			return
		}
		if out == n.Value {
			return
		}
		l.originals[n] = n.Value
		n.Value = out
		// A plain scalar is typed by its text: let the decoder resolve the
		// expanded text again, so that ${PORT} can be an integer.
		if n.Style&(yaml.TaggedStyle|yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
			n.Tag = ""
		}
	}
}

// lookupEnv is the loader's environment.
func (l *loader) lookupEnv(name string) (string, bool) {
	return l.opt.lookupEnv()(name)
}

// expandError is a problem with a ${...} reference.
type expandError struct{ msg, hint string }

// expandString expands the references in s.
func expandString(s string, lookup func(string) (string, bool)) (string, *expandError) {
	var b strings.Builder
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "$${") {
			b.WriteString("${")
			i += 3
			continue
		}
		if !strings.HasPrefix(s[i:], "${") {
			b.WriteByte(s[i])
			i++
			continue
		}
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			return "", &expandError{msg: fmt.Sprintf("unclosed %q", s[i:]), hint: "write ${NAME} or ${NAME:-default}; $${ for a literal ${"}
		}
		ref := s[i+2 : i+2+end]
		name, def, hasDef := strings.Cut(ref, ":-")
		if !validEnvName(name) {
			return "", &expandError{msg: fmt.Sprintf("invalid environment variable reference \"${%s}\"", ref), hint: "write ${NAME} or ${NAME:-default}"}
		}
		v, ok := lookup(name)
		switch {
		case ok && (v != "" || !hasDef):
			b.WriteString(v)
		case hasDef:
			b.WriteString(def)
		default:
			return "", &expandError{
				msg:  fmt.Sprintf("environment variable %s is not set", name),
				hint: fmt.Sprintf("set it, or give a default: ${%s:-value}", name),
			}
		}
		i += 2 + end + 1
	}
	return b.String(), nil
}

// validEnvName reports whether s is a shell-style variable name.
func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
