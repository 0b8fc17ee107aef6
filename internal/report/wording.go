package report

import (
	"regexp"
	"strings"
)

// noInterval stands in the interval column of a value that has none.
const noInterval = "no interval"

// methodNames say how an interval was formed, for people; the keys are
// the method names metrics.json and verdict.json record.
var methodNames = map[string]string{
	"wilson":                      "Wilson",
	"bootstrap":                   "bootstrap",
	"bootstrap-bca":               "bootstrap, BCa",
	"bca":                         "bootstrap, BCa",
	"percentile":                  "bootstrap percentile",
	"bootstrap-percentile":        "bootstrap percentile",
	"paired-percentile":           "paired bootstrap percentile",
	"paired-bootstrap-percentile": "paired bootstrap percentile",
	"studentized":                 "bootstrap, studentized",
	"order-statistic":             "order statistic",
	"delong":                      "DeLong",
	"exact":                       "exact",
	"t":                           "Student's t",
}

// methodName is how an interval's method reads in a table: its name for
// people, a dash for none (the interval column says there is none), and an
// unknown name with its hyphens as spaces.
func methodName(m string) string {
	switch m {
	case "", "none", "undefined":
		return "—"
	}
	if s, ok := methodNames[m]; ok {
		return s
	}
	return strings.ReplaceAll(m, "-", " ")
}

// namedInterval matches "95% wilson interval": a confidence level, a
// method name and the word interval.
var namedInterval = regexp.MustCompile(`(\d+(?:\.\d+)?%) ([a-z][a-z-]*) interval`)

// readable rewrites the verdict's sentences for people: "the 95% wilson
// interval" reads "the 95% interval (Wilson)", "the 95% none interval"
// "the 95% interval", "p = < 0.0001" "p < 0.0001", and >= and <= read ≥ and ≤.
func readable(s string) string {
	s = namedInterval.ReplaceAllStringFunc(s, func(m string) string {
		sub := namedInterval.FindStringSubmatch(m)
		level, method := sub[1], sub[2]
		switch {
		case method == "none" || method == "undefined":
			return level + " interval"
		case methodNames[method] != "":
			return level + " interval (" + methodNames[method] + ")"
		}
		return m // "95% confidence interval" and the like
	})
	return strings.NewReplacer("p = < ", "p < ", "p = > ", "p > ", " >= ", " ≥ ", " <= ", " ≤ ").Replace(s)
}
