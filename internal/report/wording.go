package report

import (
	"cmp"
	"regexp"
	"strconv"
	"strings"

	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/results"
)

// noInterval stands in the interval column of a value that has none.
const noInterval = "no interval"

// methodName is how an interval's method reads in a table: its name for
// people, a dash for none (the interval column says there is none), and an
// unknown name with its hyphens as spaces.
func methodName(m string) string {
	if s := format.Method(m); s != "" {
		return s
	}
	return "—"
}

// metricName is a metric's name for people ("false-positive rate" for
// false_positive_rate); files and keys keep the name itself.
func metricName(name string) string { return format.MetricName(name) }

// criterionName is a criterion's name for people: a name the verdict made
// up, with its metric's display name; verdict.json keeps the name itself.
func criterionName(j results.Judgement) string { return format.CriterionName(j.Name, j.Metric) }

// namedInterval matches "95% wilson interval" as runs of earlier versions
// wrote it: a confidence level, a method name (with a parenthesis, as
// "bootstrap-percentile (bca degenerate)") and the word interval.
var namedInterval = regexp.MustCompile(`(\d+(?:\.\d+)?)% ([a-z][a-z-]*(?: \([a-z ]+\))?) interval`)

// readable rewrites the verdict's sentences of earlier versions for
// people: "the 95% wilson interval" reads "the 95% Wilson score
// interval", "the 95% none interval" "the 95% interval", "p = < 0.0001"
// "p < 0.0001", and >= and <= read ≥ and ≤.
func readable(s string) string {
	s = namedInterval.ReplaceAllStringFunc(s, func(m string) string {
		sub := namedInterval.FindStringSubmatch(m)
		level, method := sub[1], sub[2]
		conf, err := strconv.ParseFloat(level, 64)
		if err != nil {
			return m
		}
		// A method's id (hyphenated, or spelt otherwise for people), or
		// none: plain words such as "confidence" are no method.
		if method == "none" || method == "undefined" || strings.Contains(method, "-") || format.Method(method) != method {
			return strings.TrimPrefix(format.Interval(conf/100, method), "the ")
		}
		return m // "95% confidence interval" and the like
	})
	return strings.NewReplacer("p = < ", "p < ", "p = > ", "p > ", " >= ", " ≥ ", " <= ", " ≤ ").Replace(s)
}

// withMetricNames writes, in a sentence of the verdict, each of metrics
// that stands as a whole word (not inside a pipeline's name) with its name
// for people: "latency_p99 is 812.4 ms" reads "latency p99 is 812.4 ms".
// Explanations of earlier versions name metrics as the file does.
func withMetricNames(s string, metrics ...string) string {
	for _, m := range metrics {
		d := metricName(m)
		if m == "" || d == m {
			continue
		}
		var b strings.Builder
		for {
			i := strings.Index(s, m)
			if i < 0 {
				b.WriteString(s)
				break
			}
			end := i + len(m)
			if isNameByte(s, i-1) || isNameByte(s, end) {
				b.WriteString(s[:end])
			} else {
				b.WriteString(s[:i] + d)
			}
			s = s[end:]
		}
		s = b.String()
	}
	return s
}

// isNameByte reports whether s[i] exists and could be part of a name.
func isNameByte(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	c := s[i]
	return c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// judgementText is a sentence of criterion j's judgement (its explanation
// or its test) for people: readable, with j's metric by its display name.
func judgementText(s string, j results.Judgement) string {
	return withMetricNames(readable(s), j.Metric)
}

// reasonText is the verdict's reason for people: readable, with every
// criterion's metric by its display name.
func reasonText(v results.Verdict) string {
	metrics := make([]string, 0, len(v.Criteria))
	for _, j := range v.Criteria {
		metrics = append(metrics, j.Metric)
	}
	return withMetricNames(readable(cmp.Or(v.Reason, "no reason recorded")), metrics...)
}
