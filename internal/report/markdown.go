package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/poc-harness/poc/internal/results"
)

// CriteriaPlotPNG is the criteria plot's path inside the run folder, as
// report.md links it.
const CriteriaPlotPNG = results.PlotsDir + "/criteria.png"

// maxFailureExamples is how many failures of each pipeline report.md lists.
const maxFailureExamples = 3

// WriteMarkdown writes report.md of run to w: the verdict and its reason,
// the use case, the criteria (table, plot and plain-language explanation),
// the impact and cost projection, every pipeline's metrics, the dataset, the pipelines and their failures,
// how the verdict was reached and what ran. Undefined numbers print as n/a.
func WriteMarkdown(w io.Writer, run *results.Run) error {
	return writeMarkdown(w, run, nil)
}

// writeMarkdown is WriteMarkdown listing the figures drawn into plots/ (and
// those skipped, with the reason) under "Charts"; none when figs is nil.
func writeMarkdown(w io.Writer, run *results.Run, figs []figure) error {
	if run == nil {
		return fmt.Errorf("write markdown report: no run")
	}
	m := &mdWriter{run: run, conf: confidence(run)}
	m.header()
	m.criteria()
	m.recommendation()
	m.impact()
	m.charts(figs)
	m.metrics()
	m.dataset()
	m.checks()
	m.pipelines()
	m.method()
	m.runInfo()
	if _, err := io.WriteString(w, m.b.String()); err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	return nil
}

// confidence is the run's confidence level, from whichever file has it.
func confidence(run *results.Run) float64 {
	for _, c := range []float64{run.Verdict.Confidence, run.Metrics.Confidence, run.Manifest.Settings.Confidence} {
		if c > 0 {
			return c
		}
	}
	return 0
}

type mdWriter struct {
	b    strings.Builder
	run  *results.Run
	conf float64
}

func (m *mdWriter) f(format string, a ...any) { fmt.Fprintf(&m.b, format, a...) }

func (m *mdWriter) line(s string) { m.b.WriteString(s + "\n") }

// table writes a Markdown table; every cell is escaped.
func (m *mdWriter) table(head []string, rows [][]string) {
	esc := func(cells []string) string {
		out := make([]string, len(cells))
		for i, c := range cells {
			out[i] = cell(c)
		}
		return "| " + strings.Join(out, " | ") + " |"
	}
	m.line(esc(head))
	sep := make([]string, len(head))
	for i := range sep {
		sep[i] = "---"
	}
	m.line("|" + strings.Join(sep, "|") + "|")
	for _, r := range rows {
		m.line(esc(r))
	}
	m.line("")
}

func (m *mdWriter) confLabel() string {
	if m.conf == 0 {
		return "confidence"
	}
	return percentLabel(m.conf)
}

func (m *mdWriter) header() {
	r := m.run
	name := cmp.Or(r.Manifest.Experiment.Name, r.Verdict.Experiment, "experiment")
	m.f("# %s — proof-of-concept report\n\n", oneLine(name))
	decision := cmp.Or(string(r.Verdict.Verdict), "NO VERDICT")
	m.f("**Verdict: %s** — %s\n\n", oneLine(decision), oneLine(reasonText(r.Verdict)))
	if r.Manifest.Status == results.Interrupted {
		m.f("> **Warning:** this run was interrupted; its figures cover only the %s records replayed before it stopped.\n\n",
			group(int64(r.Manifest.Dataset.Records)))
	}
	if w := labelWarning(r.Manifest.Dataset); w != "" {
		m.f("> **Read with care:** %s\n\n", oneLine(w))
	}
	if w := checksSummary(r.Manifest); w != "" {
		m.f("> **Read with care:** %s\n\n", oneLine(w))
	}
	for _, w := range reusedWarnings(r) {
		m.f("> **Read with care:** %s\n\n", oneLine(w))
	}
	if d := r.Manifest.Experiment.Description; d != "" {
		m.f("%s\n\n", oneLine(d))
	}
	uc := r.Manifest.UseCase
	m.f("- **Question:** %s\n", oneLine(cmp.Or(uc.Question, r.Verdict.Question, na)))
	m.f("- **Owner:** %s\n", oneLine(cmp.Or(uc.Owner, na)))
	if uc.VolumePerYear > 0 {
		m.f("- **Yearly volume:** %s records\n", group(uc.VolumePerYear))
	} else {
		m.f("- **Yearly volume:** %s\n", na)
	}
	m.f("- **Evidence:** %s records replayed, intervals at %s confidence\n\n",
		group(int64(cmp.Or(r.Verdict.Records, r.Manifest.Dataset.Records))), m.confLabel())
}

func (m *mdWriter) criteria() {
	js := m.run.Verdict.Criteria
	m.line("## Criteria")
	m.line("")
	if len(js) == 0 {
		m.line("The experiment sets no criteria.")
		m.line("")
		m.f("![Criteria](%s)\n\n", CriteriaPlotPNG)
		return
	}
	rows := make([][]string, 0, len(js))
	for _, j := range js {
		est, iv, thr := judgementValues(j)
		if isComparison(j) && (j.CandidateValue != nil || j.BaselineValue != nil) {
			est += fmt.Sprintf(" (%s vs %s)", formatValue(deref(j.CandidateValue), j.Unit), formatValue(deref(j.BaselineValue), j.Unit))
		}
		rows = append(rows, []string{criterionName(j), priority(j.Must), est, iv, thr, statusText(j)})
	}
	m.table([]string{"Criterion", "Priority", "Estimate", m.confLabel() + " interval", "Threshold", "Status"}, rows)
	m.line("For a comparison the estimate is the difference candidate − baseline on the same records " +
		"(pp: percentage points), shown with the two values.")
	m.line("")
	m.f("![Criteria](%s)\n\n", CriteriaPlotPNG)
	m.line("### What each criterion says")
	m.line("")
	for _, j := range js {
		m.f("- **%s** (%s): %s.", oneLine(criterionName(j)), priority(j.Must), oneLine(judgementText(cmp.Or(j.Explanation, "no explanation recorded"), j)))
		if j.Why != "" {
			m.f(" *Why it matters:* %s", oneLine(j.Why))
		}
		m.line("")
	}
	m.line("")
	m.segments()
}

// recommendation writes the advice that follows from the verdict, what
// would change it and, after a GO, what to watch once it is live — the
// same as report.html's.
func (m *mdWriter) recommendation() {
	rec, changes := recommend(m.run)
	m.line("## Recommendation")
	m.line("")
	m.line(oneLine(rec))
	m.line("")
	if len(changes) > 0 {
		m.line("What would change it:")
		m.line("")
		for _, c := range changes {
			m.line("- " + oneLine(c))
		}
		m.line("")
	}
	if watch := monitoring(m.run); len(watch) > 0 {
		m.line("After launch, watch:")
		m.line("")
		for _, w := range watch {
			m.line("- " + oneLine(w))
		}
		m.line("")
	}
	m.operating()
}

// operating writes the operating-point analysis of every scored candidate,
// as report.html shows it.
func (m *mdWriter) operating() {
	for _, v := range operatingViews(m.run) {
		m.f("### Operating point: %s\n\n", oneLine(v.Pipeline))
		if v.Warning != "" {
			m.f("> **Read with care:** %s\n\n", oneLine(v.Warning))
		}
		m.line(oneLine(v.Lead))
		m.line("")
		if len(v.Rows) > 0 {
			head := []string{"Decisions", "Threshold", "Recall", "False-positive rate", "Precision", "Flagged"}
			if v.HasMoney {
				head = append(head, v.SavingHead)
			}
			var rows [][]string
			for _, r := range v.Rows {
				row := []string{r.Label, r.Threshold, r.Recall, r.FPR, r.Precision, r.Flagged}
				if v.HasMoney {
					row = append(row, r.Saving)
				}
				rows = append(rows, row)
			}
			m.table(head, rows)
		}
		if v.Money != "" {
			m.line(oneLine(v.Money))
			m.line("")
		}
		if len(v.Criteria) > 0 {
			var rows [][]string
			for _, c := range v.Criteria {
				rows = append(rows, []string{c.Name + " (" + c.Priority + ")", c.Estimate, c.Interval, c.Threshold, c.Status})
			}
			m.table([]string{"At the suggested threshold, on the confirmation half", "Estimate", m.confLabel() + " interval", "Required", "Status"}, rows)
		}
		for _, c := range v.Closest {
			m.line("- " + oneLine(c))
		}
		if len(v.Closest) > 0 {
			m.line("")
		}
		if v.Caveat != "" {
			m.line(oneLine(v.Caveat))
			m.line("")
		}
	}
}

// segments writes, for every criterion that must hold in every segment, a
// table of its segments weakest first and a link to their forest plot.
func (m *mdWriter) segments() {
	for _, t := range segmentTables(m.run) {
		m.f("### By segment: %s\n\n", oneLine(t.Criterion))
		m.f("The criterion must hold in every segment; overall %s, required %s. Weakest segment first.\n\n", t.Overall, t.Threshold)
		head := []string{"Segment", "Records", "Estimate", m.confLabel() + " interval", "Threshold", "Status"}
		if t.HasNote {
			head = append(head, "Note")
		}
		rows := make([][]string, 0, len(t.Rows))
		for _, r := range t.Rows {
			row := []string{r.Segment, r.Records, r.Estimate, r.Interval, t.Threshold, r.Status}
			if t.HasNote {
				row = append(row, r.Note)
			}
			rows = append(rows, row)
		}
		m.table(head, rows)
		if t.Figure != "" {
			m.f("![Segments of %s](%s/%s.png) ([SVG](%s/%s.svg))\n\n", cell(t.Criterion), results.PlotsDir, t.Figure, results.PlotsDir, t.Figure)
		}
	}
}

// deref is *n, or NaN when n is nil (a null in verdict.json).
func deref(n *results.Number) results.Number {
	if n == nil {
		return results.NaN()
	}
	return *n
}

func priority(must bool) string {
	if must {
		return "must"
	}
	return "should"
}

func (m *mdWriter) metrics() {
	m.line("## Metrics")
	m.line("")
	ps := m.run.Metrics.Pipelines
	if len(ps) == 0 {
		m.line("No metrics were recorded.")
		m.line("")
		return
	}
	for _, p := range ps {
		m.f("### %s (%s)\n\n", oneLine(p.Name), oneLine(cmp.Or(p.Role, "no role")))
		if len(p.Metrics) == 0 {
			m.line("No metrics were recorded for this pipeline.")
			m.line("")
			continue
		}
		mt := markUnmeasured(m.run, p, metricTableOf(p))
		mt.Fairness = fairnessTables(p, confidence(m.run))
		mt.Confusions = topConfusions(p.Confusion, m.run.Manifest.Dataset.LabelNames)
		head := []string{"Metric", "Value", m.confLabel() + " interval", "Method", "Records"}
		if mt.HasNote {
			head = append(head, "Note")
		}
		rows := make([][]string, 0, len(mt.Rows))
		for _, r := range mt.Rows {
			row := []string{r.Metric, r.Value, r.Interval, r.Method, r.Records}
			if mt.HasNote {
				row = append(row, r.Note)
			}
			rows = append(rows, row)
		}
		m.table(head, rows)
		for _, ft := range mt.Fairness {
			m.f("%s by group (reference: %s, the compared group with the highest selection rate; %s intervals, Wilson):\n\n",
				ft.Metric, cmp.Or(ft.Reference, "none"), m.confLabel())
			var frows [][]string
			for _, r := range ft.Rows {
				g := r.Group
				switch {
				case r.IsReference:
					g += " (reference)"
				case !r.Compared:
					g += " (too small to compare)"
				}
				frows = append(frows, []string{g, r.Records, r.Selection + " " + r.SelectionIv, r.TPR + " " + r.TPRIv, r.FPR + " " + r.FPRIv})
			}
			m.table([]string{"Group", "Records", "Selection rate", "True-positive rate", "False-positive rate"}, frows)
		}
		if len(mt.Confusions) > 0 {
			m.f("Its most frequent confusions (%d labels, too many to draw the matrix):\n\n", len(p.Confusion.Labels))
			var crows [][]string
			for _, c := range mt.Confusions {
				crows = append(crows, []string{c.Truth, c.Decided, c.Count, c.Share})
			}
			m.table([]string{"True label", "Decided as", "Records", "Share of the true label"}, crows)
		}
	}
}

// metricTable is one pipeline's metrics, formatted for both reports.
type metricTable struct {
	Name, Role string
	Candidate  bool
	Rows       []metricRow
	// Confusions are the most frequent errors of a confusion matrix too
	// large to draw (nil otherwise).
	Confusions []confusionRow
	// Fairness holds the pipeline's fairness metrics group by group.
	Fairness []fairnessTable
	// HasNote reports whether a row has a note (the table then has a
	// column for notes).
	HasNote bool
}

// metricRow is one metric of a metricTable.
type metricRow struct {
	Metric, Value, Interval, Method, Records, Note string
}

// metricTableOf formats a pipeline's row of metrics.json.
func metricTableOf(p results.PipelineMetrics) metricTable {
	t := metricTable{Name: p.Name, Role: cmp.Or(p.Role, "no role"), Candidate: p.Role == "candidate"}
	t.Confusions = topConfusions(p.Confusion, nil)
	for _, e := range p.Metrics {
		r := metricRow{Metric: metricName(e.Metric), Value: formatValue(e.Value, e.Unit),
			Interval: formatInterval(e.Interval, formatValue, e.Unit), Method: methodName(e.Interval.Method),
			Records: group(int64(e.N)), Note: e.Note}
		if !finite(float64(e.Value)) {
			r.Value = "undefined" // never a number that looks measured; the note says why
		}
		if r.Interval == na {
			r.Interval = noInterval
		}
		t.Rows = append(t.Rows, r)
	}
	t.HasNote = slices.ContainsFunc(p.Metrics, func(e results.Estimate) bool { return e.Note != "" })
	return t
}

func (m *mdWriter) dataset() {
	d := m.run.Manifest.Dataset
	m.line("## Dataset")
	m.line("")
	path := code(datasetPath(m.run.Manifest))
	if d.Format != "" {
		path += " (" + oneLine(d.Format) + ")"
	}
	m.f("- **Path:** %s\n", path)
	m.f("- **Rows read:** %s\n", group(int64(d.RowsRead)))
	filtered := group(int64(d.FilteredOut))
	if d.Filter != "" {
		filtered += " by the filter " + code(d.Filter)
	}
	m.f("- **Filtered out:** %s\n", filtered)
	sampled := sampledOut(d, code)
	m.f("- **Sampled out:** %s\n", sampled)
	m.f("- **Skipped bad rows:** %s\n", group(int64(d.Skipped)))
	m.f("- **Records replayed:** %s\n", group(int64(d.Records)))
	m.f("- **Label balance:** %s\n", labelBalance(d))
	if d.Positive != "" && len(d.LabelCounts) == 2 {
		m.f("- **Positive class:** %s\n", className(d.LabelNames, d.Positive))
	}
	rng := na
	if d.From != nil && d.To != nil {
		rng = formatTime(*d.From) + " to " + formatTime(*d.To)
		if d.Time != "" {
			rng += " (column " + code(d.Time) + ")"
		}
	}
	m.f("- **Time range:** %s\n", rng)
	if len(d.Segments) > 0 {
		segs := make([]string, len(d.Segments))
		for i, s := range d.Segments {
			segs[i] = code(s)
		}
		m.f("- **Segments:** %s\n", strings.Join(segs, ", "))
	}
	m.line("")
}

// checks writes the "Data checks" section: what the data checks found,
// and the experiment file's warnings.
func (m *mdWriter) checks() {
	m.line("## Data checks")
	m.line("")
	rows := checkRows(m.run.Manifest)
	if len(rows) == 0 {
		m.line(checksPassed(m.run.Manifest.Dataset))
		m.line("")
		return
	}
	cells := make([][]string, len(rows))
	for i, r := range rows {
		cells[i] = []string{r.Kind, r.What, r.Message}
	}
	m.table([]string{"Kind", "Where", "What was found"}, cells)
}

// labelBalance prints the label counts, commonest first, with their shares.
func labelBalance(d results.Dataset) string {
	if len(d.LabelCounts) == 0 {
		return na
	}
	type kv struct {
		label string
		n     int
	}
	var kvs []kv
	total := 0
	for k, n := range d.LabelCounts {
		kvs = append(kvs, kv{k, n})
		total += n
	}
	slices.SortFunc(kvs, func(a, b kv) int {
		return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.label, b.label))
	})
	parts := make([]string, len(kvs))
	for i, e := range kvs {
		share := results.NaN()
		if total > 0 {
			share = results.Number(float64(e.n) / float64(total))
		}
		name := code(e.label)
		if n, ok := d.LabelNames[e.label]; ok && n != "" && n != e.label {
			name = n + " " + code(e.label)
		}
		parts[i] = fmt.Sprintf("%s %s (%s)", name, group(int64(e.n)), formatValue(share, ""))
	}
	s := strings.Join(parts, ", ")
	if d.Label != "" {
		s = "label " + code(d.Label) + ": " + s
	}
	return s
}

func (m *mdWriter) pipelines() {
	m.line("## Pipelines")
	m.line("")
	byName := map[string]results.PipelineMetrics{}
	for _, p := range m.run.Metrics.Pipelines {
		byName[p.Name] = p
	}
	ps := m.run.Manifest.Pipelines
	if len(ps) == 0 {
		// An older or partial manifest: describe what metrics.json knows.
		for _, p := range m.run.Metrics.Pipelines {
			ps = append(ps, results.Pipeline{Name: p.Name, Role: p.Role})
		}
	}
	if len(ps) == 0 {
		m.line("No pipelines were recorded.")
		m.line("")
		return
	}
	rows := make([][]string, 0, len(ps))
	for _, p := range ps {
		failures, examples := na, ""
		if pm, ok := byName[p.Name]; ok {
			failures = group(int64(pm.Failures)) + " of " + group(int64(pm.Records))
			if pm.Records > 0 {
				failures += " (" + formatValue(results.Number(float64(pm.Failures)/float64(pm.Records)), "") + ")"
			}
			var ex []string
			for _, f := range pm.FailureExamples[:min(len(pm.FailureExamples), maxFailureExamples)] {
				ex = append(ex, code(cmp.Or(f.RecordID, "?"))+": "+shorten(oneLine(f.Error), 120))
			}
			for _, u := range pm.UnparseableExamples[:min(len(pm.UnparseableExamples), maxFailureExamples)] {
				ex = append(ex, code(cmp.Or(u.RecordID, "?"))+": "+shorten(oneLine(u.Error), 120))
			}
			examples = strings.Join(ex, "; ")
			if pm.Unparseable > 0 {
				failures += fmt.Sprintf("; %s unparseable", group(int64(pm.Unparseable)))
			}
			if pm.Cached > 0 {
				failures += fmt.Sprintf("; %s from the cache", group(int64(pm.Cached)))
			}
		}
		rows = append(rows, []string{p.Name, cmp.Or(p.Role, na), cmp.Or(p.Type, na), p.Description, failures, examples})
	}
	m.table([]string{"Pipeline", "Role", "Type", "Description", "Failures", "Examples"}, rows)
	m.callsAndPrivacy()
}

// callsAndPrivacy says what the run spent, what the cache saved and what
// was pseudonymised before leaving the machine.
func (m *mdWriter) callsAndPrivacy() {
	mf := m.run.Manifest
	var lines []string
	if mf.Spent > 0 || mf.Budget.MaxCost > 0 {
		s := fmt.Sprintf("- **Spent on calls:** %s", formatValue(results.Number(mf.Spent), cmp.Or(mf.UseCase.Currency, "USD")))
		if mf.Budget.MaxCost > 0 {
			s += fmt.Sprintf(" of a budget of %s", formatValue(results.Number(mf.Budget.MaxCost), cmp.Or(mf.UseCase.Currency, "USD")))
		}
		lines = append(lines, s)
	}
	if mf.Cache.Hits > 0 {
		lines = append(lines, fmt.Sprintf("- **Response cache:** %s answers reused at no cost", group(int64(mf.Cache.Hits))))
	}
	if mf.Resumed > 0 {
		lines = append(lines, fmt.Sprintf("- **Resumed:** %s records taken over from an interrupted attempt (attempt %d)",
			group(int64(mf.Resumed)), mf.Attempts))
	}
	for _, n := range attemptNotes(mf) {
		lines = append(lines, "- "+n)
	}
	if p := mf.Privacy; len(p.Detectors) > 0 || len(p.Patterns) > 0 {
		kinds := append(append([]string(nil), p.Detectors...), p.Patterns...)
		s := "- **Pseudonymised before leaving the machine:** " + strings.Join(kinds, ", ")
		var counts []string
		for _, k := range sortedKeys(p.Replaced) {
			counts = append(counts, fmt.Sprintf("%s %s", group(int64(p.Replaced[k])), k))
		}
		if len(counts) > 0 {
			s += " — values replaced: " + strings.Join(counts, ", ")
		} else {
			s += " — no value needed replacing"
		}
		lines = append(lines, s)
	} else if mf.Privacy.Replaced != nil {
		lines = append(lines, "- **Pseudonymisation:** off")
	}
	if len(mf.Privacy.AllowURLs) > 0 {
		lines = append(lines, "- **Endpoints allowed:** "+code(strings.Join(mf.Privacy.AllowURLs, ", ")))
	}
	if len(lines) == 0 {
		return
	}
	m.line("### Calls, spend and privacy")
	m.line("")
	for _, l := range lines {
		m.line(l)
	}
	m.line("")
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (m *mdWriter) method() {
	m.line("## How the verdict was reached")
	m.line("")
	m.f("Every interval is a two-sided %s confidence interval. A criterion passes when its whole interval "+
		"clears the threshold, fails when its whole interval lies on the wrong side, and is inconclusive when "+
		"the interval straddles the threshold; a criterion whose value cannot be computed is undefined and never "+
		"passes. **GO** needs every must-criterion's interval to clear its threshold; **NO-GO** follows if any "+
		"must-criterion's interval lies wholly on the wrong side; otherwise the verdict is **INCONCLUSIVE**. "+
		"Should-criteria are reported but do not change the verdict.\n\n", m.confLabel())
	for _, j := range m.run.Verdict.Criteria {
		m.f("- **%s** (%s): %s.\n", oneLine(criterionName(j)), priority(j.Must), oneLine(judgementText(cmp.Or(j.Test, "no test recorded"), j)))
	}
	if len(m.run.Verdict.Criteria) > 0 {
		m.line("")
	}
}

func (m *mdWriter) runInfo() {
	mf := m.run.Manifest
	m.line("## Run")
	m.line("")
	m.f("- **Run id:** %s\n", code(cmp.Or(mf.RunID, m.run.Verdict.RunID, na)))
	tool := cmp.Or(mf.Tool.Name, "poc") + " " + cmp.Or(mf.Tool.Version, na)
	if mf.Tool.Go != "" {
		tool += " (" + mf.Tool.Go + ")"
	}
	m.f("- **Tool:** %s\n", oneLine(tool))
	exp := code(experimentPath(mf))
	m.f("- **Experiment file:** %s, sha256 %s\n", exp, code(cmp.Or(mf.Experiment.SHA256, na)))
	m.f("- **Dataset sha256:** %s\n", code(cmp.Or(mf.Dataset.SHA256, na)))
	m.f("- **Seed:** %d\n", mf.Settings.Seed)
	m.f("- **Bootstrap resamples:** %s\n", group(int64(mf.Settings.Resamples)))
	if mf.Settings.Concurrency > 0 {
		m.f("- **Concurrency:** %d\n", mf.Settings.Concurrency)
	}
	if mf.Status != "" {
		m.f("- **Status:** %s\n", oneLine(string(mf.Status)))
	}
	m.f("- **Started:** %s\n", formatTime(mf.Started))
	m.f("- **Finished:** %s\n", formatTime(mf.Finished))
	m.f("- **Duration (replay and analysis):** %s\n", duration(mf.DurationSeconds))
}

// duration prints seconds as a Go duration, rounded for reading.
func duration(sec float64) string {
	if sec <= 0 || sec != sec {
		return na
	}
	d := time.Duration(sec * float64(time.Second))
	switch {
	case d >= time.Minute:
		d = d.Round(time.Second)
	case d >= time.Second:
		d = d.Round(10 * time.Millisecond)
	default:
		d = d.Round(time.Millisecond)
	}
	return d.String()
}

// oneLine folds line breaks into spaces, so that text from users and data
// cannot break a list item or a heading.
func oneLine(s string) string {
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	return strings.TrimSpace(s)
}

// cell escapes s for a Markdown table cell: one line, pipes escaped.
func cell(s string) string {
	return strings.ReplaceAll(oneLine(s), "|", `\|`)
}

// code puts s in a code span, with a longer fence when s holds backticks.
func code(s string) string {
	s = oneLine(s)
	if !strings.Contains(s, "`") {
		return "`" + s + "`"
	}
	return "`` " + s + " ``"
}

// impact writes the "Impact and cost" section: the yearly running cost from
// metrics.json and what impact.json projects, each figure with its
// assumption.
func (m *mdWriter) impact() {
	im := impactOf(m.run)
	m.line("## Impact and cost")
	m.line("")
	if im.Headline != "" {
		m.f("**%s**\n\n", oneLine(im.Headline))
	}
	m.runningCost(im)
	conf := cmp.Or(im.Conf, m.confLabel())
	m.errorCost(im.Errors, conf)
	m.peopleCost(im.People, conf)
	m.savings(im.Savings, conf)
	m.workload(im.Workload, conf)
	for _, n := range im.Notes {
		m.f("- %s\n", oneLine(n))
	}
	if len(im.Notes) > 0 {
		m.line("")
	}
}

// runningCost writes the "Running cost" table of the impact section, or
// what the experiment lacks for one.
func (m *mdWriter) runningCost(im impact) {
	m.line("### Running cost")
	m.line("")
	if im.Missing != "" {
		m.line(im.Missing)
		m.line("")
		return
	}
	rows := make([][]string, 0, len(im.Rows))
	for _, r := range im.Rows {
		var diffs []string
		for _, d := range r.Diffs {
			diffs = append(diffs, d.Text())
		}
		rows = append(rows, []string{r.Pipeline, r.Role, r.PerRecord, r.Yearly, cmp.Or(r.Interval, "—"),
			cmp.Or(strings.Join(diffs, "; "), "—"), "Assumes " + r.Assumption + "."})
	}
	m.table([]string{"Pipeline", "Role", "Per record", "Per year", "Interval", "Compared with the baselines", "Assumption"}, rows)
}

// errorCost writes the "Cost of errors" table, when impact.json projects
// one; conf labels the intervals.
func (m *mdWriter) errorCost(errs []projRow, conf string) {
	if len(errs) == 0 {
		return
	}
	m.line("### Cost of errors")
	m.line("")
	rows := make([][]string, 0, len(errs))
	for _, r := range errs {
		rows = append(rows, []string{r.Pipeline, r.Role, r.Detail, r.Value, cmp.Or(r.Interval, "—"), "Assumes " + r.Assumption + "."})
	}
	m.table([]string{"Pipeline", "Role", "Errors on the replay", "Per year", conf + " interval", "Assumption"}, rows)
}

// peopleCost writes the "Cost of the people's handling time" table, when
// impact.json projects one; conf labels the intervals.
func (m *mdWriter) peopleCost(people []projRow, conf string) {
	if len(people) == 0 {
		return
	}
	m.line("### Cost of the people's handling time")
	m.line("")
	rows := make([][]string, 0, len(people))
	for _, r := range people {
		rows = append(rows, []string{r.Pipeline, r.Value, cmp.Or(r.Interval, "—"), "Assumes " + r.Assumption + "."})
	}
	m.table([]string{"Pipeline", "Per year", conf + " interval", "Assumption"}, rows)
}

// savings writes the "Projected yearly saving" table, when impact.json
// projects one; conf labels the intervals.
func (m *mdWriter) savings(savings []savingRow, conf string) {
	if len(savings) == 0 {
		return
	}
	m.line("### Projected yearly saving")
	m.line("")
	m.line("The baseline's running cost, cost of errors and people's time, minus the candidate's; an extra cost is a negative saving.")
	m.line("")
	rows := make([][]string, 0, len(savings))
	for _, r := range savings {
		rows = append(rows, []string{r.Candidate, r.Baseline, r.Value + " " + r.Sense, cmp.Or(r.Interval, "—"), r.Parts,
			"Assumes " + r.Assumption + "."})
	}
	m.table([]string{"Candidate", "Against", "Per year", conf + " interval of the saving", "Made of", "Assumption"}, rows)
}

// workload writes the "Workload absorbed" paragraph and its assumptions,
// when impact.json projects one (w not nil); conf labels the interval.
func (m *mdWriter) workload(w *workloadView, conf string) {
	if w == nil {
		return
	}
	m.f("### %s\n\n", oneLine(w.Heading))
	iv := ""
	if w.FTEInterval != "" {
		iv = fmt.Sprintf(" (%s interval %s)", conf, w.FTEInterval)
	}
	m.f("%s, it would absorb **%s**%s: %s, worth %s.\n\n", oneLine(w.If), w.FTE, iv, w.Hours, w.Cost)
	for _, a := range w.Assumptions {
		m.f("- Assumes %s.\n", oneLine(a))
	}
	m.line("")
}

// charts lists the figures of the HTML report with their files under
// plots/, and the ones not drawn with the reason.
func (m *mdWriter) charts(figs []figure) {
	if figs == nil {
		return
	}
	m.line("## Charts")
	m.line("")
	for _, f := range figs {
		if f.Skipped != "" || f.Inline {
			continue
		}
		// Embedded, so that a Markdown viewer shows every chart as the HTML
		// page does; the SVG is linked beside it.
		m.f("### %s\n\n![%s](%s/%s.png)\n\n%s ([SVG](%s/%s.svg))\n\n", f.Title, f.Title, results.PlotsDir, f.Name,
			oneLine(f.Caption), results.PlotsDir, f.Name)
	}
	var skipped bool
	for _, f := range figs {
		if f.Skipped == "" {
			continue
		}
		if !skipped {
			m.line("")
			m.line("Not drawn:")
			m.line("")
			skipped = true
		}
		m.f("- **%s:** %s\n", f.Title, oneLine(f.Skipped))
	}
	m.line("")
}

// labelWarning says what the labels cannot show: outcomes the historical
// decisions hid (stated in the file), and records replayed without a label.
func labelWarning(d results.Dataset) string {
	var parts []string
	if d.SelectiveLabels != "" {
		parts = append(parts, "selective labels — "+strings.TrimSuffix(strings.TrimSpace(d.SelectiveLabels), ".")+
			". The metrics describe only the records whose outcome was observed")
	}
	if n := d.LabelCounts[""]; n > 0 {
		parts = append(parts, fmt.Sprintf("%s of the %s records replayed have no label and count in no label metric",
			group(int64(n)), group(int64(d.Records))))
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "; ") + "."
}
