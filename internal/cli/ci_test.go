package cli

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/poc-harness/poc/internal/cache"
	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/results"
)

// A CI job's outputs of a run, as a CI job reads them: standard output
// holds the JSON summary and nothing else, agreeing with verdict.json and
// the exit code; the JUnit report has a test case per criterion and
// segment, counted as its elements are and valid against the schema CI
// systems read; the step summary of GitHub Actions has every criterion;
// `latest` leads to the run folder.
func TestCIOutputsOfARun(t *testing.T) {
	out := t.TempDir()
	junit := filepath.Join(out, "reports", "poc.xml")
	summary := filepath.Join(out, "step-summary.md")
	if err := os.WriteFile(summary, []byte("earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(stepSummaryEnv, summary)
	code, stdout, stderr := runCLIWithSummary(t, "run", example, "--out", out, "--json", "--junit", junit, "--fail-on", "no-go")

	var s Summary
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("stdout is not the JSON summary: %v\n%s", err, stdout)
	}
	if dec.More() {
		t.Errorf("stdout holds more than the JSON summary:\n%s", stdout)
	}
	run, err := results.Load(s.RunDir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Verdict != run.Verdict.Verdict || s.ExitCode != code || s.RunID != run.Manifest.RunID || len(s.Criteria) != len(run.Verdict.Criteria) {
		t.Errorf("summary %s (exit %d, run %s, %d criteria), want %s (exit %d, run %s, %d criteria)", s.Verdict, s.ExitCode, s.RunID, len(s.Criteria),
			run.Verdict.Verdict, code, run.Manifest.RunID, len(run.Verdict.Criteria))
	}
	if want := map[results.Decision]int{results.Go: ExitOK, results.NoGo: ExitNoGo, results.Undecided: ExitOK}[run.Verdict.Verdict]; code != want {
		t.Errorf("exit %d for %s with --fail-on no-go, want %d", code, run.Verdict.Verdict, want)
	}
	if s.Reports["html"] != filepath.Join(s.RunDir, "report.html") || !strings.Contains(stderr, "Verdict: ") {
		t.Errorf("reports %v; the human summary belongs on stderr:\n%s", s.Reports, stderr)
	}

	b, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var rep junitSuites
	if err := xml.Unmarshal(b, &rep); err != nil {
		t.Fatalf("JUnit report: %v", err)
	}
	wantCases, wantFail, wantSkip := 1+len(run.Manifest.Warnings), 0, len(run.Manifest.Warnings) // the verdict, the warnings
	if run.Verdict.Verdict == results.NoGo {
		wantFail++
	}
	count := func(st results.CriterionStatus) {
		wantCases++
		switch st {
		case results.Pass:
		case results.Fail:
			wantFail++
		default:
			wantSkip++
		}
	}
	for _, j := range run.Verdict.Criteria {
		count(j.Status)
		for _, sg := range j.Segments {
			count(sg.Status)
		}
	}
	if len(rep.Suites) != 1 {
		t.Fatalf("%d test suites, want 1", len(rep.Suites))
	}
	su := rep.Suites[0]
	gotFail, gotSkip := 0, 0
	for _, c := range su.Cases {
		if c.Failure != nil {
			gotFail++
		}
		if c.Skipped != nil {
			gotSkip++
			if c.Skipped.Message == "" {
				t.Errorf("skipped case %q says not why", c.Name)
			}
		}
	}
	if len(su.Cases) != wantCases || su.Tests != wantCases || rep.Tests != wantCases || gotFail != wantFail || su.Failures != wantFail ||
		gotSkip != wantSkip || su.Skipped != wantSkip {
		t.Errorf("JUnit: %d cases (tests=%d, %d), %d failed (failures=%d), %d skipped (skipped=%d); want %d, %d, %d",
			len(su.Cases), su.Tests, rep.Tests, gotFail, su.Failures, gotSkip, su.Skipped, wantCases, wantFail, wantSkip)
	}
	if wantFail == 0 && wantSkip == 0 {
		t.Error("the example's run neither fails nor leaves a criterion undecided: the test checks no failure or skip")
	}
	validateJUnit(t, junit)

	md, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(md), "earlier step\n### poc: card-fraud-screening — "+string(run.Verdict.Verdict)) {
		t.Errorf("the step summary is not appended with the verdict:\n%s", md)
	}
	for _, j := range run.Verdict.Criteria {
		if name := format.CriterionName(j.Name, j.Metric); !strings.Contains(string(md), name) {
			t.Errorf("the step summary lacks %q", name)
		}
	}

	latest, err := filepath.EvalSymlinks(filepath.Join(filepath.Dir(s.RunDir), LatestLink))
	if err != nil || latest != s.RunDir {
		t.Errorf("latest leads to %q (%v), want %s", latest, err, s.RunDir)
	}
	code2, stdout2, _ := runCLIWithSummary(t, "run", example, "--out", out, "--json")
	var s2 Summary
	if err := json.Unmarshal([]byte(stdout2), &s2); err != nil || code2 != ExitOK {
		t.Fatalf("second run: exit %d, %v", code2, err)
	}
	if latest, _ := filepath.EvalSymlinks(filepath.Join(filepath.Dir(s.RunDir), LatestLink)); latest != s2.RunDir || s2.RunDir == s.RunDir {
		t.Errorf("after a second run latest leads to %s, want %s", latest, s2.RunDir)
	}
	if code, _, stderr := runCLIWithSummary(t, "run", "--resume", s2.RunDir); code != ExitInvalid || !strings.Contains(stderr, "nothing is left to resume") {
		t.Errorf("resuming a complete run: exit %d, want %d (nothing was run):\n%s", code, ExitInvalid, stderr)
	}
}

// A warning that could change the verdict shows where a CI job looks: a
// skipped test case of the JUnit report each, and the step summary; the
// verdict's own test case fails where --fail-on fails the job.
func TestCIOutputsShowWarnings(t *testing.T) {
	src := exampleAnywhere(t)
	exp := strings.Replace(src, "when: txn_last_hour >= 5", `when: txn_last_hour >= 5 || channel == "mobile"`, 1) // no record's channel is mobile
	if exp == src {
		t.Fatal("the example changed: the test adds no rule")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "warned.yaml")
	if err := os.WriteFile(file, []byte(exp), 0o644); err != nil {
		t.Fatal(err)
	}
	summary := filepath.Join(dir, "summary.md")
	t.Setenv(stepSummaryEnv, summary)
	junit := filepath.Join(dir, "junit.xml")
	code, stdout, stderr := runCLIWithSummary(t, "run", file, "--out", dir, "--junit", junit, "--json", "--fail-on", "inconclusive")
	var s Summary
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("exit %d: %v\n%s", code, err, stderr)
	}
	var warned []results.Warning
	for _, w := range s.Warnings {
		if strings.Contains(w.Message, `"mobile"`) {
			warned = append(warned, w)
		}
	}
	if len(warned) != 1 {
		t.Fatalf("warnings %+v: want the one on \"mobile\"", s.Warnings)
	}
	b, _ := os.ReadFile(junit)
	var rep junitSuites
	if err := xml.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range rep.Suites[0].Cases {
		if strings.HasPrefix(c.Name, "warning: ") && c.Skipped != nil && strings.Contains(c.Skipped.Message, `"mobile"`) {
			found = true
		}
		if strings.HasPrefix(c.Name, "verdict: ") {
			gated := code != ExitOK
			if (c.Failure != nil) != gated || !strings.Contains(c.Name, string(s.Verdict)) {
				t.Errorf("verdict case %q failed %v, the job exits %d", c.Name, c.Failure != nil, code)
			}
			msg := ""
			if c.Failure != nil {
				msg = c.Failure.Message
			} else if c.SystemOut != nil {
				msg = c.SystemOut.Text
			}
			if !strings.Contains(msg, "read with care") {
				t.Errorf("the verdict case does not say warnings could change it: %q", msg)
			}
		}
	}
	if !found {
		t.Errorf("no skipped test case for the warning:\n%s", b)
	}
	validateJUnit(t, junit)
	md, _ := os.ReadFile(summary)
	if !strings.Contains(string(md), "Read with care: ") || !strings.Contains(string(md), `"mobile"`) {
		t.Errorf("the step summary lacks the warning:\n%s", md)
	}
}

// exampleAnywhere is the shipped example with its dataset's path made
// absolute, so that a copy of it can be written in any folder.
func exampleAnywhere(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	data, err := filepath.Abs(filepath.Join(filepath.Dir(example), "data", "card-transactions.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	exp := strings.Replace(string(src), "path: data/card-transactions.parquet", "path: "+data, 1)
	if exp == string(src) {
		t.Fatal("the example's dataset path changed: the tests' copies would not find it")
	}
	return exp
}

// runCLIWithSummary is runCLI with the test's own GITHUB_STEP_SUMMARY.
func runCLIWithSummary(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCLIWith(t, context.Background(), nil, args...)
}

// validateJUnit checks a JUnit report against testdata/junit.xsd with
// libxml2's xmllint, which .ci/run installs.
func validateJUnit(t *testing.T, path string) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint (Debian's libxml2-utils, which .ci/run installs) is not installed: the JUnit report is not validated against its schema")
	}
	out, err := exec.Command(xmllint, "--noout", "--schema", "testdata/junit.xsd", path).CombinedOutput()
	if err != nil {
		t.Errorf("the JUnit report does not validate: %v\n%s", err, out)
	}
}

// The schema the JUnit report is checked against refuses what CI systems
// cannot read: a test case without a class name, a timestamp with a zone,
// a test case both failed and skipped.
func TestJUnitSchemaRefusesWhatCIRejects(t *testing.T) {
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Skip("xmllint (Debian's libxml2-utils, which .ci/run installs) is not installed")
	}
	for name, doc := range map[string]string{
		"no class name":  `<testsuites><testsuite name="s" tests="1"><testcase name="c"/></testsuite></testsuites>`,
		"zoned time":     `<testsuites><testsuite name="s" tests="0" timestamp="2026-12-04T21:50:46Z"/></testsuites>`,
		"failed skipped": `<testsuites><testsuite name="s" tests="1"><testcase name="c" classname="k"><failure/><skipped/></testcase></testsuite></testsuites>`,
	} {
		path := filepath.Join(t.TempDir(), "bad.xml")
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("xmllint", "--noout", "--schema", "testdata/junit.xsd", path).CombinedOutput(); err == nil {
			t.Errorf("%s: the schema accepts %s (%s)", name, doc, out)
		}
	}
}

// The shell completion offers what each place takes: experiment files,
// the values of --fail-on, and the run folders under --out for --resume.
func TestCompletion(t *testing.T) {
	out := t.TempDir()
	for _, d := range []string{"exp/20261201T100000Z", "exp/20261202T100000Z", "exp/20261203T100000Z", "exp/not-a-run"} {
		if err := os.MkdirAll(filepath.Join(out, d), 0o755); err != nil {
			t.Fatal(err)
		}
		status := map[bool]string{true: "complete", false: "interrupted"}[strings.HasSuffix(d, "3T100000Z")]
		if !strings.HasSuffix(d, "not-a-run") {
			if err := os.WriteFile(filepath.Join(out, d, results.ManifestFile), []byte(`{"status":"`+status+`"}`), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.Symlink("20261202T100000Z", filepath.Join(out, "exp", LatestLink)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"run", "--fail-on", ""}, []string{"never\t", "no-go\t", "inconclusive\t", ":4"}},
		{[]string{"validate", ""}, []string{"yaml\n", "yml\n", ":8"}},
		{[]string{"run", "--out", out, "--resume", ""}, []string{ // newest first, not the complete one
			filepath.Join(out, "exp/20261202T100000Z") + "\n" + filepath.Join(out, "exp/20261201T100000Z") + "\n:4"}},
	}
	for _, tc := range tests {
		code, stdout, _ := runCLI(t, context.Background(), append([]string{"__complete"}, tc.args...)...)
		if code != ExitOK {
			t.Errorf("%v: exit %d", tc.args, code)
		}
		for _, w := range tc.want {
			if !strings.Contains(stdout, w) {
				t.Errorf("%v: completions lack %q:\n%s", tc.args, w, stdout)
			}
		}
		if strings.Contains(stdout, "not-a-run") || strings.Contains(stdout, LatestLink) || strings.Contains(stdout, "20261203T100000Z") {
			t.Errorf("%v: offers a folder that is no run, the latest link or a complete run:\n%s", tc.args, stdout)
		}
	}
	t.Chdir(filepath.Dir(out))
	if err := os.Rename(out, "results"); err != nil {
		t.Fatal(err)
	}
	if _, stdout, _ := runCLI(t, context.Background(), "__complete", "report", ""); !strings.Contains(stdout, "results/exp/20261203T100000Z\n") {
		t.Errorf("poc report does not offer the complete run:\n%s", stdout)
	}
}

// `poc validate -` reads the experiment from standard input, resolving its
// paths against the working folder and naming it stdin in every message.
func TestValidateFromStandardInput(t *testing.T) {
	src, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	validate := func(dir string, src []byte) (int, string, string) {
		t.Helper()
		t.Chdir(dir)
		var out, errb strings.Builder
		code := Run(context.Background(), []string{"validate", "-"}, IO{In: strings.NewReader(string(src)), Out: &out, Err: &errb})
		return code, out.String(), errb.String()
	}
	exps, err := filepath.Abs(filepath.Dir(example))
	if err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := validate(exps, src); code != ExitOK || !strings.HasPrefix(stdout, "stdin: valid — 4 pipelines") {
		t.Errorf("from the example's folder: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, _, stderr := validate(t.TempDir(), src)
	if code != ExitInvalid || !strings.Contains(stderr, `stdin:27:9: dataset.path: file "data/card-transactions.parquet" not found`) ||
		!strings.Contains(stderr, "working folder") {
		t.Errorf("from another folder: exit %d, want %d and the dataset not found there:\n%s", code, ExitInvalid, stderr)
	}
	bad := strings.Replace(string(src), "  label: is_fraud", "  lable: is_fraud", 1)
	code, _, stderr = validate(exps, []byte(bad))
	if code != ExitInvalid || !strings.Contains(stderr, `unknown key "lable" (did you mean "label"?)`) || !strings.Contains(stderr, "      lable: is_fraud") {
		t.Errorf("a misspelt key: exit %d, want the key with its source line:\n%s", code, stderr)
	}
}

// -q prints the verdict and the run folder (and warnings, on stderr); -v
// adds every metric of every pipeline; both at once is a usage error.
func TestQuietAndVerbose(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, context.Background(), "run", "-q", example, "--out", out)
	if code != ExitOK || !regexp.MustCompile(`^Verdict: (GO|NO-GO|INCONCLUSIVE) — .+\nRun folder: \S+\n$`).MatchString(stdout) {
		t.Errorf("-q: exit %d, stdout:\n%s", code, stdout)
	}
	if strings.Contains(stderr, "This run will start") || strings.Contains(stderr, "records,") {
		t.Errorf("-q: stderr holds the reach list or progress:\n%s", stderr)
	}
	code, stdout, _ = runCLI(t, context.Background(), "run", "--verbose", example, "--out", out)
	if code != ExitOK || !strings.Contains(stdout, "every metric, 95% intervals:") || !strings.Contains(stdout, "  never-block (baseline)\n") ||
		!regexp.MustCompile(`\n    recall +\S+% \[\S+%, \S+%\] wilson\n`).MatchString(stdout) {
		t.Errorf("-v: exit %d, stdout lacks the metrics:\n%s", code, stdout)
	}
	if code, _, stderr := runCLI(t, context.Background(), "validate", "-q", "-v", example); code != ExitInvalid || !strings.Contains(stderr, "--quiet and --verbose") {
		t.Errorf("-q -v: exit %d, %s", code, stderr)
	}
	code, stdout, _ = runCLI(t, context.Background(), "validate", "-q", example)
	if code != ExitOK || strings.Count(stdout, "\n") != 1 {
		t.Errorf("validate -q: exit %d, want the one valid line:\n%s", code, stdout)
	}
}

// `poc cache stats` counts the answers; `poc cache clear` removes those
// older than its age, or all with --all, and refuses to guess which.
func TestCacheCommands(t *testing.T) {
	dir := t.TempDir()
	d, err := cache.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"0123456789abcdef", "fedcba9876543210"} {
		if err := d.Put(k, []byte(`{"choices":[]}`)); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-40 * 24 * time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "01", "0123456789abcdef.json"), old, old); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"cache", "stats", "--cache-dir", dir}, ExitOK, ": 2 answers, "},
		{[]string{"cache", "clear", "--cache-dir", dir}, ExitInvalid, ""},
		{[]string{"cache", "clear", "--older-than", "soon", "--cache-dir", dir}, ExitInvalid, ""},
		{[]string{"cache", "clear", "--older-than", "30d", "--cache-dir", dir}, ExitOK, ": removed 1 answer ("},
		{[]string{"cache", "stats", "--cache-dir", dir}, ExitOK, ": 1 answer, "},
		{[]string{"cache", "clear", "--all", "--cache-dir", dir}, ExitOK, ": removed 1 answer ("},
		{[]string{"cache", "stats", "--cache-dir", dir}, ExitOK, ": 0 answers, 0 bytes\n"},
		{[]string{"cache", "stats", "--cache-dir", filepath.Join(dir, "typo")}, ExitInvalid, ""},
		{[]string{"cache", "stat", "--cache-dir", dir}, ExitInvalid, ""},
	}
	for _, tc := range tests {
		code, stdout, stderr := runCLI(t, context.Background(), tc.args...)
		if code != tc.code || !strings.Contains(stdout, tc.out) {
			t.Errorf("%v: exit %d, stdout %q (stderr %q); want %d and %q", tc.args, code, stdout, stderr, tc.code, tc.out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "typo")); err == nil {
		t.Error("cache stats made the folder it was pointed at by mistake")
	}
}

// `poc runs` lists the past runs oldest first, with the data and criteria
// hashes: criteria moved after a run show as another hash on the same data.
func TestRunsListsPastRuns(t *testing.T) {
	out := t.TempDir()
	if _, stdout, _ := runCLI(t, context.Background(), "runs", "--out", out); !strings.Contains(stdout, "no runs under "+out) {
		t.Errorf("an empty folder: %q", stdout)
	}
	first := exampleAnywhere(t)
	moved := strings.Replace(first, "    at_least: 30%\n    must: true", "    at_least: 25%\n    must: true", 1) // the goalposts, after a result
	if moved == first {
		t.Fatal("the example changed: the test moves no criterion")
	}
	dir := t.TempDir()
	for i, exp := range []string{first, moved} {
		file := filepath.Join(dir, fmt.Sprintf("exp%d.yaml", i))
		if err := os.WriteFile(file, []byte(exp), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runCLI(t, context.Background(), "run", "-q", file, "--out", out)
		if code != ExitOK {
			t.Fatalf("run %d: exit %d: %s", i, code, stderr)
		}
		if moved := strings.Contains(stderr, "the criteria changed since run"); moved != (i == 1) ||
			i == 1 && !strings.Contains(stderr, "required >= 30.0% → >= 25.0%") {
			t.Errorf("run %d: the warning of criteria moved on the same data is %v, want %v:\n%s", i, moved, i == 1, stderr)
		}
	}
	code, stdout, _ := runCLI(t, context.Background(), "runs", "card-fraud-screening", "--out", out, "--json")
	var runs []RunEntry
	if err := json.Unmarshal([]byte(stdout), &runs); err != nil || code != ExitOK {
		t.Fatalf("exit %d: %v\n%s", code, err, stdout)
	}
	if len(runs) != 2 || runs[0].Started.After(runs[1].Started) || runs[0].Status != results.Complete || runs[0].Verdict == "" {
		t.Fatalf("runs %+v: want the two complete runs, oldest first", runs)
	}
	if runs[0].DataSHA256 != runs[1].DataSHA256 || runs[0].CriteriaHash == runs[1].CriteriaHash || runs[0].FileSHA256 == runs[1].FileSHA256 {
		t.Errorf("same data, moved criteria: data %s/%s, criteria %s/%s", runs[0].DataSHA256[:8], runs[1].DataSHA256[:8],
			runs[0].CriteriaHash[:8], runs[1].CriteriaHash[:8])
	}
	if _, stdout, _ := runCLI(t, context.Background(), "runs", "card-fraud", "--out", out); !strings.Contains(stdout, `did you mean "card-fraud-screening"?`) {
		t.Errorf("runs of a misspelt experiment: %q", stdout)
	}
	_, table, _ := runCLI(t, context.Background(), "runs", "--out", out)
	if strings.Count(table, "card-fraud-screening") != 2 || !strings.Contains(table, runs[1].CriteriaHash[:12]) {
		t.Errorf("table:\n%s", table)
	}

	code, cmpOut, stderr := runCLI(t, context.Background(), "compare", runs[0].Dir, runs[1].Dir)
	if code != ExitOK {
		t.Fatalf("compare: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"data:     the same (" + runs[0].DataSHA256[:12] + ")", "file:     changed (",
		"criteria: changed —", "changed: precision of fraud-model-v3 at least 30.0%: required >= 30.0% → >= 25.0%",
		"verdict:  ", "CRITERION", "recall of fraud-model-v3 better than rules-v12 by 5.0 pp"} {
		if !strings.Contains(cmpOut, want) {
			t.Errorf("compare lacks %q:\n%s", want, cmpOut)
		}
	}
	if strings.Contains(cmpOut, "removed:") || strings.Contains(cmpOut, "added:") {
		t.Errorf("a moved threshold shows as a criterion removed and another added:\n%s", cmpOut)
	}
	if code, _, _ := runCLI(t, context.Background(), "compare", runs[0].Dir); code != ExitInvalid {
		t.Errorf("compare of one run: exit %d, want %d", code, ExitInvalid)
	}
}

// Every template of `poc init` writes an experiment that validates as
// written, named after its folder, with data beside it; the offline ones
// run to a verdict. A folder with files in it is never written into.
func TestInitTemplates(t *testing.T) {
	for _, name := range templateNames() {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "My "+name+" POC")
			code, stdout, stderr := runCLI(t, context.Background(), "init", "--template", name, dir)
			if code != ExitOK || !strings.Contains(stdout, "experiment my-"+name+"-poc") {
				t.Fatalf("init: exit %d\n%s\n%s", code, stdout, stderr)
			}
			exp := filepath.Join(dir, "experiment.yaml")
			if code, stdout, stderr := runCLI(t, context.Background(), "validate", "-q", exp); code != ExitOK || !strings.Contains(stdout, ": valid — ") {
				t.Fatalf("validate: exit %d\n%s\n%s", code, stdout, stderr)
			}
			if _, err := os.Stat(filepath.Join(dir, templates[name].data)); err != nil {
				t.Errorf("no data: %v", err)
			}
			if src, _ := os.ReadFile(exp); !strings.Contains(string(src), "\nname: my-"+name+"-poc\n") || !strings.HasPrefix(string(src), "# ") ||
				strings.Contains(string(src), "experiments/") || strings.Contains(string(src), "data/README.md") {
				t.Errorf("the experiment is not named after its folder, has lost its comments or speaks of the repository's files:\n%.600s", src)
			}
			if strings.Contains(templates[name].doc, "offline") {
				code, stdout, stderr := runCLI(t, context.Background(), "run", "-q", exp, "--out", t.TempDir())
				if code != ExitOK || !strings.HasPrefix(stdout, "Verdict: ") {
					t.Errorf("run: exit %d\n%s\n%s", code, stdout, stderr)
				}
			}
			if code, _, stderr := runCLI(t, context.Background(), "init", "--template", name, dir); code != ExitInvalid || !strings.Contains(stderr, "overwrites nothing") {
				t.Errorf("init into the same folder: exit %d: %s", code, stderr)
			}
		})
	}
	if code, _, stderr := runCLI(t, context.Background(), "init", "--template", "credt", t.TempDir()+"/x"); code != ExitInvalid || !strings.Contains(stderr, `did you mean "credit"?`) {
		t.Errorf("a misspelt template: exit %d: %s", code, stderr)
	}
}
