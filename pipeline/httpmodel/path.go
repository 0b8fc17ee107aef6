package httpmodel

import (
	"fmt"
	"strconv"
	"strings"
)

// step is one element of a response path: a key, or an index when key is
// empty and index >= 0.
type step struct {
	key   string
	index int
}

// parsePath parses a dotted path with [i] indexes: prediction.label,
// choices[0].text, [0].score, outputs[1][0].
func parsePath(p string) ([]step, error) {
	if strings.TrimSpace(p) == "" {
		return nil, fmt.Errorf("empty path")
	}
	var steps []step
	for i, part := range strings.Split(p, ".") {
		key, rest, _ := strings.Cut(part, "[")
		if key == "" && (i > 0 || rest == "" && !strings.HasPrefix(part, "[")) {
			return nil, fmt.Errorf("empty key in path %q", p)
		}
		if key != "" {
			steps = append(steps, step{key: key, index: -1})
		}
		if !strings.Contains(part, "[") {
			continue
		}
		idx := part[len(key):]
		for idx != "" {
			end := strings.IndexByte(idx, ']')
			if idx[0] != '[' || end < 0 {
				return nil, fmt.Errorf("bad index in path %q: use name[0]", p)
			}
			n, err := strconv.Atoi(idx[1:end])
			if err != nil || n < 0 {
				return nil, fmt.Errorf("bad index %q in path %q", idx[1:end], p)
			}
			steps = append(steps, step{index: n})
			idx = idx[end+1:]
		}
	}
	return steps, nil
}

// lookup follows steps into v; it reports false when a step is missing.
func lookup(v any, steps []step) (any, bool) {
	for _, s := range steps {
		if s.index >= 0 {
			l, ok := v.([]any)
			if !ok || s.index >= len(l) {
				return nil, false
			}
			v = l[s.index]
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[s.key]; !ok {
			return nil, false
		}
	}
	return v, true
}
