package verdict

import (
	"fmt"
	"math"

	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/stats"
)

// The sample-size advice: for an inconclusive criterion, about how many
// more records would decide it (let it pass) with the settings' power
// (80% by default), if the truth is what the replay measured.
//
// A criterion passes when every one of its tests passes: the overall one
// and, for `in_every`, each segment's. Each test still open is a part of
// the advice, sized by the analysis that matches how it is decided:
//   - a proportion held to a threshold (Wilson interval, score test): the
//     score test's sample size, [stats.SampleSizeOneProportion];
//   - a paired difference of two proportions (paired bootstrap, which
//     estimates the variance (ψ − Δ²)/n of the difference):
//     [stats.SampleSizePairedMargin];
//   - any other interval (bootstrap, DeLong, order statistic, a metric's own
//     bounds): the normal approximation from the standard error the
//     interval gives (its width over 2z; the half on the threshold's side
//     over z when the interval is lopsided), [stats.SampleSizeFromSE];
//   - a segment too small to judge: the records that bring it to the
//     minimum size; a quantile measured on fewer records than a
//     distribution-free bound needs: that many.
//
// Each is worked out in the units it is measured in (trials, pairs,
// records) and scaled to the whole replay by the share of its records.
// The advice is the largest part; 0 when an open part is on the wrong side
// of the threshold, on it, or gives no spread to extrapolate from.

// part is one open test of a criterion: overall or in one segment.
type part struct {
	ev Evidence
	// records are those the test is measured on.
	records int
	// small marks a segment too small to judge.
	small bool
}

// advise is the advice for inconclusive criterion j, whose overall test
// alone (before its segments were folded in) has status overall.
//
// Levels. Under Holm's correction a test passes when its p-value is within
// α/r, where r counts the tests not yet rejected when Holm's step-down
// reaches it. The must-tests that pass now pass with more records too, and
// with smaller p-values, so they come first; each open test here is aimed
// at α/r with r the number of open must-tests (holmOpen, counting failing
// ones: Holm does not drop them). Whichever open test comes first among
// them is tested at α/r exactly, and if every open test reaches α/r the
// step-down rejects them all, so the level is never too lenient; with one
// open test it is α itself. Parts: the segments are disjoint sets of
// records, so their tests are independent, and all must pass; each of k
// power-sized parts aims at power^(1/k), so that the criterion passes with
// the promised power.
func advise(j *judged, overall results.CriterionStatus, records int, s Settings) (int, string) {
	parts := openParts(j, overall, records)
	if records <= 0 || len(parts) == 0 {
		return 0, ""
	}
	k := 0
	for _, p := range parts {
		if !p.small && !needsBound(p.ev) {
			k++
		}
	}
	alpha := s.alpha() / float64(max(1, j.holmOpen))
	power := math.Pow(s.power(), 1/float64(max(1, k)))
	best, method := 0.0, ""
	for _, p := range parts {
		need, units, m := partNeed(j, p, alpha, power, s)
		if units <= 0 || !(need > 0) || math.IsInf(need, 0) {
			return 0, ""
		}
		if total := need * float64(records) / float64(units); total > best {
			best, method = total, m
		}
	}
	if best > 1e12 || math.Ceil(best) <= float64(records) {
		return 0, ""
	}
	return int(math.Ceil(best)) - records, method + levels(j, s, k, alpha, power)
}

// openParts lists the tests of criterion j that do not pass: the overall
// one unless it passes, and every segment that is undecided or too small.
func openParts(j *judged, overall results.CriterionStatus, records int) []part {
	var parts []part
	if overall != results.Pass {
		parts = append(parts, part{ev: j.ev, records: records})
	}
	for i, sg := range j.Segments {
		switch sg.Status {
		case results.Inconclusive, results.Undefined:
			parts = append(parts, part{ev: j.segEv[i], records: sg.Records})
		case results.TooSmall:
			parts = append(parts, part{ev: j.segEv[i], records: sg.Records, small: true})
		}
	}
	return parts
}

// needsBound reports whether the evidence lacks an interval for want of the
// records a distribution-free bound needs.
func needsBound(ev Evidence) bool { return ev.NeedRecords > ev.Trials && ev.Trials > 0 }

// partNeed is the sample size of one open test, in units (trials, pairs or
// records) of which it was measured on `units`; NaN when no amount of
// records promises to decide it.
func partNeed(j *judged, p part, alpha, power float64, s Settings) (need float64, units int, method string) {
	ev := p.ev
	est, thr := ev.Estimate, float64(j.Threshold)
	switch {
	case p.small:
		return float64(s.MinSegmentSize), p.records, fmt.Sprintf("the minimum of %d records a segment is judged on", s.MinSegmentSize)
	case needsBound(ev):
		return float64(ev.NeedRecords), ev.Trials, "the fewest records a distribution-free bound on the quantile needs"
	case !(j.Sense == ">=" && est > thr || j.Sense == "<=" && est < thr):
		return math.NaN(), 0, ""
	case !j.Kind.Comparison() && ev.Trials > 0 && ev.Interval.Method == stats.MethodWilson:
		return stats.SampleSizeOneProportion(thr, est, alpha, power), ev.Trials,
			fmt.Sprintf("power analysis for one proportion against %s (score test)", j.format(j.Threshold))
	}
	if p10, p01, ok := pairedShares(j, ev); ok {
		return stats.SampleSizePairedMargin(p10, p01, thr, alpha, power), ev.Pairs,
			fmt.Sprintf("paired power analysis of the difference against %s, with %s of pairs discordant", j.format(j.Threshold), percent(p10+p01))
	}
	// The interval's standard error: its width over 2z. A skewed interval's
	// longer half (BCa's on a bounded metric) is skewness, which shrinks as
	// records are added faster than the spread does: the records advised
	// are several times the replay's, so the spread is what they depend on.
	// A lopsided interval, whose far half is less than half the half on the
	// threshold's side, is a bound pressing on the values (an AUC near 1),
	// which more records do not lift: its threshold-side half is the
	// spread then (and the advice at least doubles the records, where the
	// width would advise a handful).
	z := stats.Z(s.Confidence)
	near, far := est-float64(ev.Interval.Lo), float64(ev.Interval.Hi)-est
	if j.Sense == "<=" {
		near, far = far, near
	}
	se := (near + far) / (2 * z)
	if far < near/2 {
		se = near / z
	}
	gap := math.Abs(est - thr)
	return stats.SampleSizeFromSE(float64(p.records), se, gap, alpha, power), p.records,
		fmt.Sprintf("normal approximation from the standard error of %s", format.Interval(s.Confidence, ev.Interval.Method))
}

// pairedShares are, for a comparison of two proportions counted on the
// same records (the difference of the two is the difference of their
// discordant shares), the shares of pairs that are a success of the
// candidate alone and of the baseline alone.
func pairedShares(j *judged, ev Evidence) (p10, p01 float64, ok bool) {
	if !j.Kind.Comparison() || j.Relative || ev.Pairs <= 0 || ev.Discordant <= 0 {
		return 0, 0, false
	}
	n := float64(ev.Pairs)
	p10, p01 = float64(ev.CandidateOnly)/n, float64(ev.Discordant-ev.CandidateOnly)/n
	return p10, p01, math.Abs(p10-p01-ev.Estimate) < 1e-9
}

// levels says at which power and level the advice was worked out.
func levels(j *judged, s Settings, parts int, alpha, power float64) string {
	out := fmt.Sprintf(", at %s power", percent(s.power()))
	if parts > 1 {
		out = fmt.Sprintf(", at %.0f%% power for each of the %d undecided tests (overall and segments), %s for all of them",
			100*power, parts, percent(s.power()))
	}
	if j.holmOpen > 1 {
		out += fmt.Sprintf(" and the one-sided level %s that Holm's correction sets the first of the %d must-tests not yet passed",
			percent(alpha), j.holmOpen)
	}
	return out
}
