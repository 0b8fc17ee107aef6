package cli

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/report"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/runner"
)

// What a CI job reads of a finished run: the verdict summary as JSON on
// standard output (--json), a JUnit report (--junit), the criteria table
// in GitHub's job summary, and a `latest` link to the newest run of the
// experiment.

// Summary is what `poc run --json` prints on standard output, and nothing
// else: the verdict, the run folder and its reports, every criterion as
// verdict.json has it, and the warnings of the file and of the run, as
// manifest.json has them.
type Summary struct {
	Experiment string              `json:"experiment"`
	RunID      string              `json:"run_id"`
	RunDir     string              `json:"run_dir"`
	Verdict    results.Decision    `json:"verdict"`
	Reason     string              `json:"reason"`
	ExitCode   int                 `json:"exit_code"`
	Reports    map[string]string   `json:"reports"`
	Criteria   []results.Judgement `json:"criteria"`
	Warnings   []results.Warning   `json:"warnings"`
}

// summaryOf is the JSON summary of a finished run that exits with code.
func summaryOf(out *runner.Outcome, code int) Summary {
	r := out.Run
	s := Summary{Experiment: r.Verdict.Experiment, RunID: r.Manifest.RunID, RunDir: out.Dir, Verdict: r.Verdict.Verdict,
		Reason: r.Verdict.Reason, ExitCode: code, Reports: map[string]string{}, Criteria: r.Verdict.Criteria,
		Warnings: []results.Warning{}}
	for key, name := range map[string]string{"html": report.HTMLFile, "markdown": results.MarkdownFile} {
		if path := filepath.Join(out.Dir, name); fileExists(path) {
			s.Reports[key] = path
		}
	}
	s.Warnings = append(s.Warnings, r.Manifest.Warnings...) // the file's, then the run's
	return s
}

// writeSummary prints the JSON summary.
func writeSummary(w io.Writer, s Summary) error { return writeJSON(w, s, "write the JSON summary") }

// The JUnit XML report, as Jenkins, GitLab, GitHub's test reporters and
// Azure DevOps read it (the Ant/Surefire format): one suite for the
// experiment, one test case per criterion and per segment a criterion
// holds in; a failed criterion is a failure, an undecided or undefined one
// is skipped, with why.
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Skipped  int          `xml:"skipped,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string          `xml:"name,attr"`
		Tests      int             `xml:"tests,attr"`
		Failures   int             `xml:"failures,attr"`
		Errors     int             `xml:"errors,attr"`
		Skipped    int             `xml:"skipped,attr"`
		Time       string          `xml:"time,attr"`
		Timestamp  string          `xml:"timestamp,attr"`
		Properties []junitProperty `xml:"properties>property"`
		Cases      []junitCase     `xml:"testcase"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Name      string         `xml:"name,attr"`
		Classname string         `xml:"classname,attr"`
		Time      string         `xml:"time,attr"`
		Failure   *junitProblem  `xml:"failure"`
		Skipped   *junitProblem  `xml:"skipped"`
		SystemOut *junitCharData `xml:"system-out"`
	}
	junitProblem struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr,omitempty"`
		Text    string `xml:",chardata"`
	}
	junitCharData struct {
		Text string `xml:",chardata"`
	}
)

// junitOf is the JUnit report of a finished run that exits with code: a
// first test case for the verdict itself (a failure on NO-GO, and on
// INCONCLUSIVE when --fail-on makes that fail the job, so that the report
// fails where the gate does; skipped on an INCONCLUSIVE that passes), one
// per criterion and segment, and one skipped test case per warning of the
// file or the run (what could change the verdict shows where CI shows
// tests).
func junitOf(out *runner.Outcome, code int) junitSuites {
	r := out.Run
	mf := r.Manifest
	secs := fmt.Sprintf("%.3f", max(0, mf.Finished.Sub(mf.Started).Seconds()))
	suite := junitSuite{Name: r.Verdict.Experiment, Time: secs, Timestamp: mf.Started.UTC().Format("2006-01-02T15:04:05"),
		Properties: []junitProperty{{"verdict", string(r.Verdict.Verdict)}, {"reason", r.Verdict.Reason}, {"run_id", mf.RunID},
			{"run_dir", out.Dir}, {"confidence", format.Percent(r.Verdict.Confidence)}}}
	add := func(c junitCase, status results.CriterionStatus, must bool, line, why string) {
		kind := "should"
		if must {
			kind = "must"
		}
		switch status {
		case results.Pass:
		case results.Fail:
			c.Failure = &junitProblem{Message: "FAIL: " + line, Type: kind, Text: why}
			suite.Failures++
		default:
			c.Skipped = &junitProblem{Message: strings.ToUpper(string(status)) + ": " + line + explain(why)}
			suite.Skipped++
		}
		if status == results.Pass {
			c.SystemOut = &junitCharData{Text: "PASS: " + line}
		}
		suite.Tests++
		suite.Cases = append(suite.Cases, c)
	}
	verdict := junitCase{Name: "verdict: " + string(r.Verdict.Verdict), Classname: r.Verdict.Experiment, Time: "0"}
	why := r.Verdict.Reason
	if n := len(mf.Warnings); n > 0 {
		why += fmt.Sprintf(" (read with care: %d warning%s below could change it)", n, plural(n))
	}
	switch v := r.Verdict.Verdict; {
	case v == results.Go:
		verdict.SystemOut = &junitCharData{Text: "GO: " + why}
	case v == results.NoGo || code == ExitInconclusive:
		verdict.Failure = &junitProblem{Message: string(v) + ": " + why, Type: "verdict"}
		suite.Failures++
	default:
		verdict.Skipped = &junitProblem{Message: string(v) + ": " + why}
		suite.Skipped++
	}
	suite.Tests++
	suite.Cases = append(suite.Cases, verdict)
	for _, j := range r.Verdict.Criteria {
		name := format.CriterionName(j.Name, j.Metric)
		kind := " (should)"
		if j.Must {
			kind = " (must)"
		}
		class := r.Verdict.Experiment + "." + j.Pipeline
		add(junitCase{Name: name + kind, Classname: class, Time: "0"}, j.Status, j.Must, criterionText(j), j.Explanation)
		for _, sg := range j.Segments {
			seg := results.Judgement{Kind: j.Kind, Estimate: sg.Estimate, Interval: sg.Interval, Threshold: j.Threshold, Sense: j.Sense, Unit: j.Unit,
				Status: sg.Status, Explanation: sg.Note}
			add(junitCase{Name: fmt.Sprintf("%s [%s=%s]%s", name, sg.Column, sg.Value, kind), Classname: class, Time: "0"}, sg.Status, j.Must,
				criterionText(seg)+fmt.Sprintf(", on %s records", format.Group(int64(sg.Records))), sg.Note)
		}
	}
	for _, w := range mf.Warnings {
		field := cmp.Or(w.Field, w.Where)
		suite.Cases = append(suite.Cases, junitCase{Name: "warning: " + field, Classname: r.Verdict.Experiment + ".warnings", Time: "0",
			Skipped: &junitProblem{Message: warningText(w)}})
		suite.Tests++
		suite.Skipped++
	}
	return junitSuites{Name: "poc", Tests: suite.Tests, Failures: suite.Failures, Skipped: suite.Skipped, Time: secs, Suites: []junitSuite{suite}}
}

// warningText is a warning in one line: where, what, and the fix.
func warningText(w results.Warning) string {
	s := w.Where + ": "
	if w.Field != "" {
		s += w.Field + ": "
	}
	s += w.Message
	if w.Hint != "" {
		s += " (" + w.Hint + ")"
	}
	return s
}

// explain is ": why" when there is a why.
func explain(why string) string {
	if why == "" {
		return ""
	}
	return ": " + why
}

// criterionText is a criterion's estimate, interval and requirement in
// one line, as the console, the JUnit report and the step summary print
// it: "41.0% [37.0%, 45.0%], required >= 30.0%"; an undefined one says
// "undefined" or "…, no interval" in place of the interval.
func criterionText(j results.Judgement) string {
	show := format.Value[results.Number]
	if j.Kind.Comparison() {
		show = format.Diff[results.Number]
	}
	if j.Status == results.Undefined || j.Estimate.IsNaN() || j.Interval.Lo.IsNaN() || j.Interval.Hi.IsNaN() {
		est := "undefined"
		if !j.Estimate.IsNaN() {
			est = show(j.Estimate, j.Unit) + ", no interval"
		}
		return fmt.Sprintf("%s, required %s %s", est, j.Sense, show(j.Threshold, j.Unit))
	}
	return fmt.Sprintf("%s [%s, %s], required %s %s", show(j.Estimate, j.Unit), show(j.Interval.Lo, j.Unit), show(j.Interval.Hi, j.Unit),
		j.Sense, show(j.Threshold, j.Unit))
}

// writeJUnit writes the JUnit report of a finished run to path, atomically,
// so that a CI job never reads half of one.
func writeJUnit(path string, out *runner.Outcome, code int) error {
	b, err := xml.MarshalIndent(junitOf(out, code), "", "  ")
	if err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	b = append([]byte(xml.Header), append(b, '\n')...)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	if err := results.WriteFile(filepath.Dir(path), filepath.Base(path), b); err != nil {
		return fmt.Errorf("JUnit report: %w", err)
	}
	return nil
}

// stepSummaryEnv names the file GitHub Actions appends a step's Markdown
// summary from.
const stepSummaryEnv = "GITHUB_STEP_SUMMARY"

// stepSummary is the Markdown GitHub Actions shows on the job's page: the
// verdict, its reason and the criteria table.
func stepSummary(out *runner.Outcome) string {
	r := out.Run
	var b strings.Builder
	fmt.Fprintf(&b, "### poc: %s — %s\n\n%s\n\n", r.Verdict.Experiment, r.Verdict.Verdict, r.Verdict.Reason)
	b.WriteString("| status | criterion | pipeline | estimate [interval], required |\n|---|---|---|---|\n")
	cell := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ") }
	for _, j := range r.Verdict.Criteria {
		kind := "should"
		if j.Must {
			kind = "must"
		}
		fmt.Fprintf(&b, "| %s | %s (%s) | %s | %s |\n", strings.ToUpper(string(j.Status)), cell(format.CriterionName(j.Name, j.Metric)), kind,
			cell(j.Pipeline), cell(criterionText(j)))
		for _, sg := range j.Segments {
			fmt.Fprintf(&b, "| %s | … %s=%s | %s | %s |\n", strings.ToUpper(string(sg.Status)), cell(sg.Column), cell(sg.Value), cell(j.Pipeline),
				cell(criterionText(results.Judgement{Kind: j.Kind, Estimate: sg.Estimate, Interval: sg.Interval, Threshold: j.Threshold,
					Sense: j.Sense, Unit: j.Unit})))
		}
	}
	if ws := r.Manifest.Warnings; len(ws) > 0 {
		fmt.Fprintf(&b, "\n**Read with care: %d warning%s could change the verdict.**\n\n", len(ws), plural(len(ws)))
		for _, w := range ws {
			fmt.Fprintf(&b, "- %s\n", cell(warningText(w)))
		}
	}
	fmt.Fprintf(&b, "\nRun folder: `%s`\n\n", out.Dir)
	return b.String()
}

// appendStepSummary appends the run's step summary to the file GitHub
// Actions names in GITHUB_STEP_SUMMARY; nothing when it names none.
func appendStepSummary(path string, out *runner.Outcome) error {
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("%s: %w", stepSummaryEnv, err)
	}
	if _, err := io.WriteString(f, stepSummary(out)); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", stepSummaryEnv, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%s: %w", stepSummaryEnv, err)
	}
	return nil
}

// LatestLink is the link, in an experiment's folder of runs, to its newest
// finished run.
const LatestLink = "latest"

// linkLatest points the experiment's `latest` link at the run folder dir
// (a relative link: the folder of runs can move), replacing the link
// atomically.
func linkLatest(dir string) error {
	parent := filepath.Dir(dir)
	link := filepath.Join(parent, LatestLink)
	if st, err := os.Lstat(link); err == nil && st.Mode()&os.ModeSymlink == 0 {
		return fmt.Errorf("link %s: a file or folder of that name is in the way", link)
	}
	tmp := filepath.Join(parent, "."+LatestLink+".tmp")
	os.Remove(tmp)
	if err := os.Symlink(filepath.Base(dir), tmp); err != nil {
		return fmt.Errorf("link %s: %w", link, err)
	}
	if err := os.Rename(tmp, link); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("link %s: %w", link, err)
	}
	return nil
}
