package report

import (
	"bytes"
	"cmp"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/results"
)

// HTMLFile is the HTML report's name inside the run folder.
const HTMLFile = "report.html"

// maxDisagreements is how many records where a candidate and a baseline
// disagree the HTML report shows, all baselines together.
const maxDisagreements = 20

//go:embed report.html.tmpl
var htmlSource string

// htmlTemplate escapes every piece of data by context (html/template): text
// from the experiment, the dataset or a model's answer never becomes markup.
var htmlTemplate = template.Must(template.New("report").Parse(htmlSource))

// kv is one labelled line of a description list.
type kv struct{ K, V string }

// htmlCriterion is one row of the criteria table.
type htmlCriterion struct {
	Name, Priority                string
	Estimate, Values              string
	Interval, Threshold           string
	Status, StatusClass, Plain    string
	Explanation, Why, Test, Extra string
}

// htmlPipeline is one pipeline of the auditors' detail.
type htmlPipeline struct {
	Name, Role, Type, Description string
	Config                        string
	Failures                      string
	Examples                      []kv
	Unparseable                   []kv
}

// htmlPage is everything report.html shows.
type htmlPage struct {
	Title, Experiment, Description string
	Verdict, VerdictClass, Why     string
	Interrupted                    string
	LabelWarning                   string
	// ThresholdWarnings say that a candidate decides at a threshold an
	// earlier run chose from these same records.
	ThresholdWarnings []string
	ChecksWarning     string
	Checks            []checkRow
	ChecksPassed      string
	Facts             []kv
	Criteria          []htmlCriterion
	Segments          []htmlSegments
	Conf              string
	Recommendation    string
	// Next is the banner's next step: the recommendation and, when a
	// threshold fixes the verdict, that threshold.
	Next string
	// HasComparison is set when a criterion compares two pipelines, for
	// the note that explains the difference.
	HasComparison bool
	// Monitor lists what to watch after launch (a GO only).
	Monitor []string
	Changes []string
	// Operating are the operating-point analyses of scored candidates.
	Operating     []operatingView
	Impact        impact
	Figures       []htmlFigure
	Metrics       []metricTable
	Skipped       []htmlFigure
	Dataset       []kv
	Pipelines     []htmlPipeline
	Manifest      []kv
	Disagreements []disagreementSet
	DisagreeNote  string
	Method        string
	Tests         []kv
}

// htmlSegments is the table of a segmented criterion's segments, with its
// forest plot as a data: URI ("" when none is drawn).
type htmlSegments struct {
	segmentTable
	ID  string
	Src template.URL
}

// htmlFigure is a figure with its image as a data: URI.
type htmlFigure struct {
	figure
	Src template.URL
}

// WriteHTML writes report.html of run to w: one self-contained page (inline
// CSS, images as data: URIs, no script, no external request) with the
// verdict, the criteria, the recommendation, the projected costs, the plots
// and the detail an auditor checks. figs are the plots to embed (drawn or
// skipped); j is the digest of the predictions journal, nil without one.
func WriteHTML(w io.Writer, run *results.Run, figs []figure, j *journal) error {
	if run == nil {
		return fmt.Errorf("write html report: no run")
	}
	page := buildPage(run, figs, j)
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, page); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}

// buildPage gathers everything report.html shows, section by section.
func buildPage(run *results.Run, figs []figure, j *journal) htmlPage {
	mf, v := run.Manifest, run.Verdict
	conf := confidence(run)
	name := cmp.Or(mf.Experiment.Name, v.Experiment, "experiment")
	p := htmlPage{
		Experiment:  name,
		Title:       name + " — proof-of-concept report",
		Description: strings.TrimSpace(mf.Experiment.Description),
		Verdict:     cmp.Or(string(v.Verdict), "NO VERDICT"),
		Why:         sentence(reasonText(v)),
		Conf:        confLabel(conf),
	}
	p.VerdictClass = verdictClass(v.Verdict)
	p.LabelWarning = labelWarning(mf.Dataset)
	p.ThresholdWarnings = reusedWarnings(run)
	p.ChecksWarning, p.Checks = checksSummary(mf), checkRows(mf)
	if len(p.Checks) == 0 {
		p.ChecksPassed = checksPassed(mf.Dataset)
	}
	p.Interrupted = interruptedNote(mf)
	p.Facts = pageFacts(run, p.Conf)
	for _, jd := range v.Criteria {
		p.HasComparison = p.HasComparison || isComparison(jd)
		p.Criteria = append(p.Criteria, htmlCriterionOf(jd))
		p.Tests = append(p.Tests, kv{criterionName(jd), judgementText(cmp.Or(jd.Test, "no test recorded"), jd)})
	}
	p.Segments = htmlSegmentsOf(run, figs)
	p.Recommendation, p.Changes = recommend(run)
	p.Operating = operatingViews(run)
	p.Next = strings.TrimSpace(p.Recommendation + " " + operatingNext(run))
	p.Monitor = monitoring(run)
	p.Impact = impactOf(run)
	p.Figures, p.Skipped = htmlFigures(figs)
	for _, pm := range run.Metrics.Pipelines {
		mt := markUnmeasured(run, pm, metricTableOf(pm))
		mt.Fairness = fairnessTables(pm, confidence(run))
		mt.Confusions = topConfusions(pm.Confusion, run.Manifest.Dataset.LabelNames)
		p.Metrics = append(p.Metrics, mt)
	}
	p.Dataset = datasetFacts(run)
	p.Pipelines = pipelineDetail(run, j)
	p.Manifest = manifestFacts(run)
	p.Disagreements, p.DisagreeNote = disagreementsOf(run, j)
	p.Method = methodText(p.Conf)
	return p
}

// verdictClass is the CSS class that colours the verdict.
func verdictClass(v results.Decision) string {
	switch v {
	case results.Go:
		return "go"
	case results.NoGo:
		return "nogo"
	case results.Undecided:
		return "inconclusive"
	default:
		return "none"
	}
}

// interruptedNote warns that an interrupted run's figures cover only part
// of the data; "" for a run that finished.
func interruptedNote(mf results.Manifest) string {
	if mf.Status != results.Interrupted {
		return ""
	}
	return fmt.Sprintf("This run was interrupted (%s); its figures cover only the %s records replayed before it stopped.",
		cmp.Or(mf.StopDetail, mf.StopReason, "no reason recorded"), group(int64(mf.Dataset.Records)))
}

// pageFacts are the key facts at the top of the page: the question, its
// owner, the yearly volume, the evidence and, once finished, the run; conf
// labels the intervals.
func pageFacts(run *results.Run, conf string) []kv {
	mf, v := run.Manifest, run.Verdict
	uc := mf.UseCase
	volume := na
	if uc.VolumePerYear > 0 {
		volume = group(uc.VolumePerYear) + " records a year"
	}
	facts := []kv{
		{"Question", cmp.Or(uc.Question, v.Question, na)},
		{"Owner", cmp.Or(uc.Owner, na)},
		{"Yearly volume", volume},
		{"Evidence", fmt.Sprintf("%s records replayed through %d pipelines; intervals at %s confidence",
			group(int64(cmp.Or(v.Records, mf.Dataset.Records))), len(pipelinesOf(run)), conf)},
	}
	if !mf.Finished.IsZero() {
		facts = append(facts, kv{"Run", cmp.Or(mf.RunID, v.RunID, na) + ", finished " + formatTime(mf.Finished)})
	}
	return facts
}

// htmlFigures splits figs into the drawn ones, each with its PNG as a
// data: URI, and the skipped ones.
func htmlFigures(figs []figure) (drawn, skipped []htmlFigure) {
	for _, f := range figs {
		if f.Inline {
			continue
		}
		if f.Skipped != "" {
			skipped = append(skipped, htmlFigure{figure: f})
			continue
		}
		drawn = append(drawn, htmlFigure{figure: f, Src: dataURI(f.PNG)})
	}
	return drawn, skipped
}

// htmlSegmentsOf is every segmented criterion's table, each with its forest
// plot when figs has it.
func htmlSegmentsOf(run *results.Run, figs []figure) []htmlSegments {
	var out []htmlSegments
	for i, t := range segmentTables(run) {
		hs := htmlSegments{segmentTable: t, ID: fmt.Sprintf("segments-%d", i+1)}
		if f, ok := figureNamed(figs, t.Figure); ok && t.Figure != "" {
			hs.Src = dataURI(f.PNG)
		}
		out = append(out, hs)
	}
	return out
}

// dataURI is a PNG as a data: URI.
func dataURI(png []byte) template.URL {
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
}

// methodText explains how intervals decide criteria and criteria the
// verdict; conf labels the intervals.
func methodText(conf string) string {
	return fmt.Sprintf("Every interval is a two-sided %s confidence interval. A criterion passes when its whole interval "+
		"clears the threshold, fails when its whole interval lies on the wrong side, and is inconclusive when the interval "+
		"straddles the threshold; a criterion whose value cannot be computed is undefined and never passes. GO needs every "+
		"must-criterion to pass; NO-GO follows if any must-criterion fails; otherwise the verdict is INCONCLUSIVE. "+
		"Should-criteria are reported but do not change the verdict.", conf)
}

func confLabel(conf float64) string {
	if conf == 0 {
		return "the stated"
	}
	return percentLabel(conf)
}

// sentence capitalises s and ends it with a full stop. It never
// capitalises an identifier: a first word that is one of ids (pipeline
// names), or holds anything but lower-case letters and hyphens (an
// underscore, a digit: "money_caught", "fraud-model-v3"), is left as
// written; "false-positive rate" reads "False-positive rate".
func sentence(s string, ids ...string) string {
	s = oneLine(s)
	if s == "" {
		return s
	}
	first, _, _ := strings.Cut(s, " ")
	first = strings.TrimRight(first, ":;,.")
	plain := first != "" && first[0] != '-' && !strings.ContainsFunc(first, func(r rune) bool { return (r < 'a' || r > 'z') && r != '-' })
	if plain && !slices.Contains(ids, first) {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

func htmlCriterionOf(j results.Judgement) htmlCriterion {
	est, iv, thr := judgementValues(j)
	c := htmlCriterion{
		Name: criterionName(j), Priority: priority(j.Must), Estimate: est, Interval: iv, Threshold: thr,
		Status: strings.ToUpper(string(j.Status)), StatusClass: string(j.Status),
		Explanation: sentence(judgementText(j.Explanation, j), j.Pipeline, j.Baseline), Why: j.Why, Test: judgementText(j.Test, j),
	}
	if isComparison(j) && (j.CandidateValue != nil || j.BaselineValue != nil) {
		c.Values = fmt.Sprintf("%s: %s · %s: %s", j.Pipeline, formatValue(deref(j.CandidateValue), j.Unit),
			j.Baseline, formatValue(deref(j.BaselineValue), j.Unit))
	}
	switch j.Status {
	case results.Pass:
		c.Plain = "Met, even at the unfavourable end of the uncertainty range."
	case results.Fail:
		c.Plain = "Not met, even at the favourable end of the uncertainty range."
	case results.Inconclusive:
		c.Plain = "Not yet decided: the uncertainty range spans the requirement."
		if j.MoreRecords > 0 {
			c.Extra = fmt.Sprintf("about %s more records", group(int64(j.MoreRecords)))
			c.Plain += fmt.Sprintf(" About %s more records would likely settle it.", group(int64(j.MoreRecords)))
		}
	default:
		c.Plain = "Could not be judged on these records, so it cannot pass."
	}
	return c
}

// candidates and baselines name the run's pipelines by role.
func roles(run *results.Run) (cands, bases []string) {
	for _, p := range pipelinesOf(run) {
		if p.Role == "candidate" {
			cands = append(cands, p.Name)
		} else {
			bases = append(bases, p.Name)
		}
	}
	return cands, bases
}

// ivText prints an interval for a sentence: "95% interval a to b".
func ivText(j results.Judgement, conf float64) string {
	_, iv, _ := judgementValues(j)
	if iv == na || iv == noInterval {
		return noInterval
	}
	iv = strings.Replace(strings.Trim(iv, "[]"), ", ", " to ", 1)
	return confLabel(conf) + " interval " + iv
}

// recommend writes the recommendation and what would change it.
func recommend(run *results.Run) (string, []string) {
	cands, _ := roles(run)
	cand := cmp.Or(joinNames(cands), "the candidate")
	failed, open, shouldOpen := openCriteria(run.Verdict.Criteria)
	changes, most := whatWouldChange(run, failed, open, shouldOpen, confidence(run))
	return recommendation(run, cand, len(failed), len(open), most), append(operatingAdvice(run), changes...)
}

// monitoring is what to watch once a GO candidate is live: every
// must-criterion as an alert at its threshold, with today's estimate, and
// the drift of the inputs (the run's psi metrics, or the advice to add
// one). Nil unless the verdict is GO.
func monitoring(run *results.Run) []string {
	if run.Verdict.Verdict != results.Go {
		return nil
	}
	conf := confidence(run)
	var out []string
	for _, j := range run.Verdict.Criteria {
		if !j.Must {
			continue
		}
		est, _, thr := judgementValues(j)
		out = append(out, fmt.Sprintf("%s: alert when it no longer holds (required %s; measured %s, %s on the replay).",
			criterionName(j), thr, est, ivText(j, conf)))
	}
	var psi []string
	if len(run.Metrics.Pipelines) > 0 {
		for _, e := range run.Metrics.Pipelines[0].Metrics {
			if strings.Contains(strings.ToLower(e.Metric), "psi") {
				psi = append(psi, metricName(e.Metric))
			}
		}
	}
	if len(psi) > 0 {
		out = append(out, fmt.Sprintf("Drift: %s on the live records against the replayed ones (a PSI above 0.25 is a shift worth a re-run).",
			strings.Join(psi, ", ")))
	} else {
		out = append(out, "Drift: the experiment measures none; add a psi metric on the inputs the candidate relies on, "+
			"and re-run the experiment on recent records at a fixed interval.")
	}
	return out
}

// openCriteria sorts the criteria that keep a GO away: the failed
// must-criteria, the undecided or undefined ones, and the should-criteria
// that did not pass.
func openCriteria(criteria []results.Judgement) (failed, open, shouldOpen []results.Judgement) {
	for _, j := range criteria {
		switch {
		case j.Must && j.Status == results.Fail:
			failed = append(failed, j)
		case j.Must && (j.Status == results.Inconclusive || j.Status == results.Undefined):
			open = append(open, j)
		case !j.Must && j.Status != results.Pass:
			shouldOpen = append(shouldOpen, j)
		}
	}
	return failed, open, shouldOpen
}

// whatWouldChange says, criterion by criterion, what would change the
// verdict, and returns the most further records an open criterion needs
// (0 when none says).
func whatWouldChange(run *results.Run, failed, open, shouldOpen []results.Judgement, conf float64) (changes []string, most int) {
	for _, j := range failed {
		est, _, thr := judgementValues(j)
		iv := ivText(j, conf)
		remedy := j.Pipeline + " itself would have to improve"
		switch {
		case thresholdFixes(run, j.Pipeline):
			remedy = j.Pipeline + " would have to decide differently: another threshold on its score does (see Operating point)"
		case thresholdTried(run, j.Pipeline):
			remedy = j.Pipeline + " would have to improve, or decide at another threshold, which is not yet shown to be enough (see Operating point)"
		}
		changes = append(changes, fmt.Sprintf("%s: measured %s (%s), required %s. The whole interval is on the wrong side, "+
			"so more records of the same kind will not change this; %s.", criterionName(j), est, iv, thr, remedy))
	}
	for _, j := range open {
		est, _, thr := judgementValues(j)
		iv := ivText(j, conf)
		switch {
		case j.Status == results.Undefined:
			changes = append(changes, fmt.Sprintf("%s: could not be computed; the replay needs records on which %s is defined.", criterionName(j), metricName(j.Metric)))
		case j.MoreRecords > 0:
			most = max(most, j.MoreRecords)
			changes = append(changes, fmt.Sprintf("%s: measured %s (%s), required %s. About %s more records would likely settle it.",
				criterionName(j), est, iv, thr, group(int64(j.MoreRecords))))
		default:
			changes = append(changes, fmt.Sprintf("%s: measured %s (%s), required %s. The estimate sits on or near the wrong side "+
				"of the threshold, so more records are more likely to confirm a failure than a pass.", criterionName(j), est, iv, thr))
		}
	}
	for _, j := range shouldOpen {
		changes = append(changes, fmt.Sprintf("%s (should, %s): does not change the verdict, but is worth knowing before deciding.",
			criterionName(j), strings.ToLower(string(j.Status))))
	}
	return changes, most
}

// recommendation is the advice that follows from the verdict on cand, given
// the number of failed and open must-criteria and the most further records
// one of them needs.
func recommendation(run *results.Run, cand string, failed, open, most int) string {
	v := run.Verdict
	switch v.Verdict {
	case results.Go:
		return fmt.Sprintf("Proceed with %s: every must-criterion is met with %s confidence. "+
			"A re-run on newer records that moved a must-criterion's interval across its threshold would change this.", cand, confLabel(confidence(run)))
	case results.NoGo:
		return fmt.Sprintf("Do not put %s into production as it stands: %s.", cand, plural(failed, "must-criterion fails", "must-criteria fail"))
	case results.Undecided:
		return undecidedAdvice(run, open, most)
	default:
		return "The run recorded no verdict."
	}
}

// undecidedAdvice is the advice on an INCONCLUSIVE run, given the number of
// open must-criteria and the most further records one of them needs.
func undecidedAdvice(run *results.Run, open, most int) string {
	v := run.Verdict
	switch {
	case len(v.Criteria) == 0 || !slices.ContainsFunc(v.Criteria, func(j results.Judgement) bool { return j.Must }):
		return "No decision is possible: the experiment sets no must-criterion. Add at least one `must: true` criterion and re-run."
	case most > 0:
		total := cmp.Or(v.Records, run.Manifest.Dataset.Records) + most
		history := ""
		if h := format.History(most, run.Manifest.UseCase.VolumePerYear); h != "" {
			history = ": " + h
		}
		return fmt.Sprintf("Do not decide yet: the evidence does not settle %s. Replay about %s more records "+
			"(about %s in all%s) and run again.", plural(open, "must-criterion", "must-criteria"), group(int64(most)), group(int64(total)), history)
	default:
		return fmt.Sprintf("Do not decide yet: the evidence does not settle %s, and more records of the same kind are unlikely to.",
			plural(open, "must-criterion", "must-criteria"))
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func datasetFacts(run *results.Run) []kv {
	d := run.Manifest.Dataset
	path := datasetPath(run.Manifest)
	if d.Format != "" {
		path += " (" + d.Format + ")"
	}
	filtered := group(int64(d.FilteredOut))
	if d.Filter != "" {
		filtered += " by the filter " + d.Filter
	}
	sampled := sampledOut(d, func(s string) string { return s })
	period := na
	if d.From != nil && d.To != nil {
		period = formatTime(*d.From) + " to " + formatTime(*d.To)
		if d.Time != "" {
			period += " (column " + d.Time + ")"
		}
	}
	out := []kv{
		{"File", path},
		{"Records replayed", group(int64(d.Records))},
		{"Rows read", group(int64(d.RowsRead))},
		{"Filtered out", filtered},
		{"Sampled out", sampled},
		{"Skipped bad rows", group(int64(d.Skipped))},
		{"Period", period},
		{"Label balance", strings.ReplaceAll(labelBalance(d), "`", "")},
	}
	if d.Positive != "" {
		out = append(out, kv{"Positive label", className(d.LabelNames, d.Positive)})
	}
	if len(d.Segments) > 0 {
		out = append(out, kv{"Segments", strings.Join(d.Segments, ", ")})
	}
	if d.ID != "" {
		out = append(out, kv{"Record id column", d.ID})
	}
	out = append(out, kv{"sha256", cmp.Or(d.SHA256, na)})
	return out
}

// secretKey matches configuration keys whose values are secrets; a key
// naming an environment variable (api_key_env) is not one.
var secretKey = regexp.MustCompile(`(?i)(api_?key|secret|token|password|passwd|authori[sz]ation|bearer)$`)

// redact hides secret values in a pipeline's configuration. A value written
// as ${VAR} is kept as written: it names the variable, not its content.
func redact(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			if s, ok := x.(string); ok && secretKey.MatchString(k) && s != "" && !strings.Contains(s, "${") {
				out[k] = "(hidden)"
				continue
			}
			out[k] = redact(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = redact(x)
		}
		return out
	}
	return v
}

// configText prints a pipeline's configuration as YAML, secrets hidden.
func configText(cfg map[string]any) string {
	if len(cfg) == 0 {
		return ""
	}
	b, err := yaml.Marshal(redact(cfg))
	if err != nil {
		return fmt.Sprintf("(configuration not printable: %v)", err)
	}
	return strings.TrimRight(string(b), "\n")
}

func pipelineDetail(run *results.Run, j *journal) []htmlPipeline {
	byName := map[string]results.PipelineMetrics{}
	for _, p := range run.Metrics.Pipelines {
		byName[p.Name] = p
	}
	var out []htmlPipeline
	for _, p := range pipelinesOf(run) {
		hp := htmlPipeline{Name: p.Name, Role: cmp.Or(p.Role, na), Type: cmp.Or(p.Type, na), Description: p.Description,
			Config: configText(p.Config), Failures: na}
		if pm, ok := byName[p.Name]; ok {
			hp.Failures = group(int64(pm.Failures)) + " of " + group(int64(pm.Records)) + " failed"
			if pm.Records > 0 {
				hp.Failures += " (" + formatValue(results.Number(float64(pm.Failures)/float64(pm.Records)), "") + ")"
			}
			hp.Failures += "; " + group(int64(pm.Unparseable)) + " unparseable"
			if pm.Cached > 0 {
				hp.Failures += "; " + group(int64(pm.Cached)) + " from the cache"
			}
			for _, f := range pm.FailureExamples[:min(len(pm.FailureExamples), 5)] {
				hp.Examples = append(hp.Examples, kv{cmp.Or(f.RecordID, "?"), shorten(f.Error, 300)})
			}
			for _, u := range pm.UnparseableExamples[:min(len(pm.UnparseableExamples), 5)] {
				hp.Unparseable = append(hp.Unparseable, kv{cmp.Or(u.RecordID, "?"), shorten(u.Error, 300)})
			}
		}
		if j != nil && len(hp.Unparseable) == 0 {
			if pj := j.pipe(p.Name); pj != nil {
				for _, r := range pj.unparseableRaw {
					hp.Unparseable = append(hp.Unparseable, kv{cmp.Or(r.ID, "?"), "answer: " + r.Raw})
				}
			}
		}
		out = append(out, hp)
	}
	return out
}

func manifestFacts(run *results.Run) []kv {
	mf := run.Manifest
	tool := cmp.Or(mf.Tool.Name, "poc") + " " + cmp.Or(mf.Tool.Version, na)
	if mf.Tool.Go != "" {
		tool += " (" + mf.Tool.Go + ")"
	}
	cur := cmp.Or(mf.UseCase.Currency, "USD")
	spent := formatValue(results.Number(mf.Spent), cur)
	if mf.Budget.MaxCost > 0 {
		spent += " of a budget of " + formatValue(results.Number(mf.Budget.MaxCost), cur)
	}
	cache := "off"
	if mf.Cache.Enabled {
		cache = fmt.Sprintf("on, %s answers reused", group(int64(mf.Cache.Hits)))
	}
	privacy := "off"
	if kinds := append(slices.Clone(mf.Privacy.Detectors), mf.Privacy.Patterns...); len(kinds) > 0 {
		privacy = strings.Join(kinds, ", ")
		var counts []string
		for _, k := range sortedKeys(mf.Privacy.Replaced) {
			counts = append(counts, fmt.Sprintf("%s %s", group(int64(mf.Privacy.Replaced[k])), k))
		}
		if len(counts) > 0 {
			privacy += " — replaced: " + strings.Join(counts, ", ")
		}
	}
	out := []kv{
		{"Run id", cmp.Or(mf.RunID, run.Verdict.RunID, na)},
		{"Status", cmp.Or(string(mf.Status), na)},
		{"Tool", tool},
		{"Experiment file", experimentPath(mf)},
		{"Experiment sha256", cmp.Or(mf.Experiment.SHA256, na)},
		{"Confidence", confLabel(confidence(run))},
		{"Bootstrap", fmt.Sprintf("%s resamples, seed %d", group(int64(mf.Settings.Resamples)), mf.Settings.Seed)},
		{"Started", formatTime(mf.Started)},
		{"Finished", formatTime(mf.Finished)},
		{"Duration (replay and analysis)", duration(mf.DurationSeconds)},
		{"Attempts", fmt.Sprintf("%d", mf.Attempts)},
		{"Spent on calls", spent},
		{"Response cache", cache},
		{"Pseudonymised before leaving the machine", privacy},
	}
	if notes := attemptNotes(mf); len(notes) > 0 {
		out = append(out, kv{"How the run went", strings.Join(notes, "; ")})
	}
	if len(mf.Privacy.AllowURLs) > 0 {
		out = append(out, kv{"Endpoints allowed", strings.Join(mf.Privacy.AllowURLs, ", ")})
	}
	return out
}

func disagreementsOf(run *results.Run, j *journal) ([]disagreementSet, string) {
	cands, bases := roles(run)
	switch {
	case j == nil:
		return nil, "The run folder has no predictions.jsonl, so records cannot be compared."
	case len(cands) == 0 || len(bases) == 0:
		return nil, "The run needs a candidate and a baseline to compare."
	}
	sets := j.disagreements(cands[0], bases, maxDisagreements)
	if len(sets) == 0 {
		return nil, "The predictions journal holds no predictions of " + cands[0] + " and its baselines."
	}
	if names := run.Manifest.Dataset.LabelNames; len(names) > 0 {
		for i := range sets {
			for k := range sets[i].Sample {
				d := &sets[i].Sample[k]
				d.Truth, d.CandidateLabel, d.BaseLabel = className(names, d.Truth), className(names, d.CandidateLabel), className(names, d.BaseLabel)
			}
		}
	}
	return sets, fmt.Sprintf("Records on which %s decided differently from a baseline, up to %d in all, "+
		"alternating between records the candidate got right and records the baseline got right.", cands[0], maxDisagreements)
}

// sampledOut describes the records a sample left out and how the sample was
// drawn; quote formats column names (a code span in Markdown).
func sampledOut(d results.Dataset, quote func(string) string) string {
	sampled := group(int64(d.SampledOut))
	s := d.Sample
	if s == nil {
		return sampled
	}
	var parts []string
	if s.Size > 0 {
		parts = append(parts, "size "+group(int64(s.Size)))
	}
	if s.Fraction > 0 {
		parts = append(parts, "fraction "+sig(s.Fraction))
	}
	parts = append(parts, fmt.Sprintf("seed %d", s.Seed))
	if s.Stratify != "" {
		parts = append(parts, "stratified by "+quote(s.Stratify))
	}
	return sampled + " (sample: " + strings.Join(parts, ", ") + ")"
}
