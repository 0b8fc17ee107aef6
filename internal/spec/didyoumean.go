package spec

import (
	"fmt"
	"strings"

	"github.com/poc-harness/poc/datasets/fieldexpr"
)

// suggest returns the candidate closest to word, or "" when none is close.
func suggest(word string, candidates []string) string {
	return fieldexpr.Closest(word, candidates)
}

// didYouMean returns a hint for word over candidates, or "".
func didYouMean(word string, candidates []string) string {
	if s := suggest(word, candidates); s != "" {
		return fmt.Sprintf("did you mean %q?", s)
	}
	return ""
}

// quoteList renders names as "a", "b", "c" for messages.
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
