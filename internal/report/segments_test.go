package report

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"

	"github.com/poc-harness/poc/internal/results"
)

// segment is a judged segment of column channel.
func segment(value string, records int, est, lo, hi float64, status results.CriterionStatus) results.SegmentJudgement {
	return results.SegmentJudgement{Column: "channel", Value: value, Records: records, Estimate: results.Number(est),
		Interval: results.Interval{Lo: results.Number(lo), Hi: results.Number(hi), Method: "wilson"}, Status: status}
}

// tooSmall is a segment too small to judge, as the verdict writes it.
func tooSmall(value string, records int) results.SegmentJudgement {
	return results.SegmentJudgement{Column: "channel", Value: value, Records: records, Estimate: results.NaN(),
		Interval: results.NoInterval(), Status: results.TooSmall, Note: "12 records, fewer than the minimum of 100"}
}

func TestWeakestFirst(t *testing.T) {
	segs := []results.SegmentJudgement{
		segment("web", 900, 0.83, 0.75, 0.89, results.Pass),
		tooSmall("kiosk", 12),
		segment("app", 800, 0.55, 0.34, 0.74, results.Pass),
		segment("moto", 90, 0.83, 0.63, 0.93, results.Pass),
	}
	tests := []struct {
		sense string
		want  []string
	}{
		// Higher is better: lowest first; a tie goes to the lower bound.
		{">=", []string{"app", "moto", "web", "kiosk"}},
		// Lower is better: highest first; a tie goes to the upper bound.
		{"<=", []string{"moto", "web", "app", "kiosk"}},
	}
	for _, tc := range tests {
		t.Run(tc.sense, func(t *testing.T) {
			var got []string
			for _, s := range weakestFirst(segs, tc.sense) {
				got = append(got, s.Value)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("order %v, want %v", got, tc.want)
			}
		})
	}
}

// segmentedRun is sampleRun, in a temporary folder, with one more
// criterion that must hold in every channel: three judged segments and one
// too small to judge.
func segmentedRun(t *testing.T, sense string, unit string, segs []results.SegmentJudgement) *results.Run {
	t.Helper()
	run := sampleRun()
	run.Dir = t.TempDir()
	kind := results.AtLeast
	if sense == "<=" {
		kind = results.AtMost
	}
	run.Verdict.Criteria = append(run.Verdict.Criteria, results.Judgement{
		Name: "metric of fraud|model-v3 in every channel", Metric: "precision", Pipeline: "fraud|model-v3", Kind: kind,
		Estimate: 0.6, Interval: results.Interval{Lo: 0.5, Hi: 0.7, Method: "wilson"}, Threshold: 0.3, Sense: sense,
		Unit: unit, Status: results.Inconclusive, Segments: segs,
	})
	return run
}

func TestSegmentedCriterionInBothReports(t *testing.T) {
	tests := []struct {
		name  string
		sense string
		segs  []results.SegmentJudgement
		// want are the segment cells in the order the tables must list them.
		want []string
	}{
		{"higher is better: lowest first", ">=", []results.SegmentJudgement{
			segment("web", 10758, 0.832, 0.750, 0.891, results.Pass),
			segment("app", 8101, 0.55, 0.342, 0.742, results.Pass),
			tooSmall("kiosk", 12),
			segment("moto", 981, 0.826, 0.629, 0.930, results.Pass),
		}, []string{"channel = app", "channel = moto", "channel = web", "channel = kiosk"}},
		{"lower is better: highest first", "<=", []results.SegmentJudgement{
			segment("web", 10758, 0.12, 0.08, 0.16, results.Pass),
			segment("app", 8101, 0.41, 0.22, 0.58, results.Inconclusive),
			tooSmall("kiosk", 12),
			segment("moto", 981, 0.2, 0.11, 0.29, results.Pass),
		}, []string{"channel = app", "channel = moto", "channel = web", "channel = kiosk"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			run := segmentedRun(t, tc.sense, "", tc.segs)
			if err := Write(context.Background(), run); err != nil {
				t.Fatal(err)
			}
			md := readFile(t, filepath.Join(run.Dir, results.MarkdownFile))
			page := readFile(t, filepath.Join(run.Dir, HTMLFile))
			mdSeg := section(t, md, "### By segment: metric of fraud|model-v3 in every channel", "\n## ")
			htmlSeg := section(t, page, ">By segment: metric of fraud|model-v3 in every channel</h3>", "</table>")
			inOrder(t, "report.md", mdSeg, tc.want)
			inOrder(t, "report.html", htmlSeg, tc.want)
			for _, doc := range []struct{ name, text string }{{"report.md", mdSeg}, {"report.html", htmlSeg}} {
				for _, want := range []string{"12 records, fewer than the minimum of 100", "TOO SMALL TO JUDGE", "undefined", "30.0%"} {
					if !strings.Contains(doc.text, want) {
						t.Errorf("%s: the segment table lacks %q", doc.name, want)
					}
				}
			}
			name := segmentFigureName(len(run.Verdict.Criteria) - 1)
			if !strings.Contains(mdSeg, "](plots/"+name+".png)") {
				t.Errorf("report.md does not link plots/%s.png:\n%s", name, mdSeg)
			}
			if !strings.Contains(page, `<figure id="fig-`+name+`">`) || !strings.Contains(page, `<img src="data:image/png;base64,`) {
				t.Errorf("report.html does not embed the forest plot %s", name)
			}
			if strings.Contains(section(t, md, "## Charts", "\n## "), name) {
				t.Error("the forest plot of the segments is listed again under Charts")
			}
			f, err := os.Open(filepath.Join(run.Dir, results.PlotsDir, name+".png"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			img, err := png.Decode(f)
			if err != nil {
				t.Fatalf("decode %s.png: %v", name, err)
			}
			if n := distinctColours(img); n < 5 {
				t.Errorf("%d distinct colours: the forest plot looks blank", n)
			}
			svg, err := os.ReadFile(filepath.Join(run.Dir, results.PlotsDir, name+".svg"))
			if err != nil || !bytes.Contains(svg, []byte("<svg")) {
				t.Errorf("%s.svg: %v", name, err)
			}
		})
	}
}

// A criterion whose segments all lack a value still gets its table, with
// no plot to link.
func TestSegmentsWithoutValues(t *testing.T) {
	run := segmentedRun(t, ">=", "", []results.SegmentJudgement{tooSmall("a", 12), tooSmall("b", 3)})
	if err := Write(context.Background(), run); err != nil {
		t.Fatal(err)
	}
	md := readFile(t, filepath.Join(run.Dir, results.MarkdownFile))
	seg := section(t, md, "### By segment:", "\n## ")
	inOrder(t, "report.md", seg, []string{"channel = a", "channel = b"})
	if strings.Contains(seg, "plots/criterion-") {
		t.Errorf("a plot is linked though no segment has a value:\n%s", seg)
	}
	name := segmentFigureName(len(run.Verdict.Criteria) - 1)
	if _, err := os.Stat(filepath.Join(run.Dir, results.PlotsDir, name+".png")); err == nil {
		t.Errorf("%s.png drawn without a value to show", name)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// section is the part of doc from start up to the next end after it.
func section(t *testing.T, doc, start, end string) string {
	t.Helper()
	i := strings.Index(doc, start)
	if i < 0 {
		t.Fatalf("no %q in the document", start)
	}
	s := doc[i:]
	if k := strings.Index(s[len(start):], end); k >= 0 {
		s = s[:len(start)+k]
	}
	return s
}

// inOrder checks that every string of want appears in s, in that order.
func inOrder(t *testing.T, doc, s string, want []string) {
	t.Helper()
	at := 0
	for _, w := range want {
		k := strings.Index(s[at:], w)
		if k < 0 {
			t.Errorf("%s: %q missing or out of order (want %v) in:\n%s", doc, w, want, s)
			return
		}
		at += k + len(w)
	}
}

// segmentJournal is a journal of eight records in two channels, decided
// by a model and by a baseline that never flags.
func segmentJournal() *journal {
	truths := []string{"1", "0", "1", "0", "1", "1", "0", "0"}
	chans := []string{"web", "web", "web", "web", "app", "app", "app", "app"}
	model := []string{"1", "1", "1", "0", "1", "0", "1", "1"}
	j := &journal{byName: map[string]*pipeJournal{}, positive: "1"}
	c := results.NewCollector([]string{"channel"}, 0)
	for i, ch := range chans {
		c.Record(i, "", truths[i], "", []string{ch})
	}
	add := func(name string, labels []string) {
		for i, l := range labels {
			c.Add(&results.Entry{Seq: i, Pipeline: name, Label: l})
		}
		pj := &pipeJournal{name: name, cols: c.Predictions().Pipeline(name), records: len(labels),
			has: make([]bool, len(labels)), failedAt: make([]bool, len(labels))}
		for i := range pj.has {
			pj.has[i] = true
		}
		j.pipes, j.byName[name] = append(j.pipes, pj), pj
	}
	add("model", model)
	add("never", []string{"0", "0", "0", "0", "0", "0", "0", "0"})
	j.preds = c.Predictions()
	return j
}

// The segment plot shows, for a column a criterion must hold in every value
// of, the criterion's own metric; for another metric it falls back to the
// breakdown's and says so.
func TestCriterionGroups(t *testing.T) {
	sb := results.SegmentBreakdown{Column: "channel", Values: []results.Group{{Key: "web", Records: 4}, {Key: "app", Records: 4}}}
	crit := func(metric string, web, app float64) results.Judgement {
		return results.Judgement{Name: metric + " of model in every channel", Metric: metric, Pipeline: "model", Kind: results.AtLeast,
			Threshold: 0.3, Sense: ">=", Segments: []results.SegmentJudgement{
				{Column: "channel", Value: "app", Estimate: results.Number(app)}, {Column: "channel", Value: "web", Estimate: results.Number(web)}}}
	}
	tests := []struct {
		name string
		c    results.Judgement
		ok   bool
		// want are the shares by value then pipeline, "-" for no share.
		want []string
	}{
		// web: the model flags 3, 2 of them fraud; app: flags 3, 1 fraud.
		{"precision", crit("precision", 2.0/3, 1.0/3), true, []string{"model 2/3", "never -", "model 1/3", "never -"}},
		// web: 2 of 2 frauds caught; app: 1 of 2.
		{"recall", crit("recall", 1, 0.5), true, []string{"model 2/2", "never 0/2", "model 1/2", "never 0/2"}},
		{"accuracy", crit("accuracy", 0.75, 0.25), true, []string{"model 3/4", "never 2/4", "model 1/4", "never 2/4"}},
		{"a metric the report cannot work out", crit("money_caught", 0.5, 0.5), false, nil},
		{"a metric of a known name that is another one", crit("precision", 0.9, 0.9), false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gs, ok := criterionGroups(segmentJournal(), tc.c, sb, []string{"model", "never"}, 0.95)
			if ok != tc.ok {
				t.Fatalf("ok %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			var got []string
			for _, g := range gs {
				for _, name := range []string{"model", "never"} {
					s := name + " -"
					for _, r := range g.Rates {
						if r.Pipeline == name {
							s = name + " " + strconv.Itoa(r.Successes) + "/" + strconv.Itoa(r.Trials)
						}
					}
					got = append(got, s)
				}
			}
			if strings.Join(got, ", ") != strings.Join(tc.want, ", ") {
				t.Errorf("shares %v, want %v", got, tc.want)
			}
		})
	}
}

// The caption of the segment plot names the metric of every panel; the
// legend is drawn once, at the top.
func TestSegmentFigureCaption(t *testing.T) {
	run := sampleRun()
	run.Manifest.Pipelines = []results.Pipeline{{Name: "never", Role: "baseline"}, {Name: "model", Role: "candidate"}}
	run.Metrics.Breakdown = &results.Breakdown{Metric: "recall", Positive: "1", Segments: []results.SegmentBreakdown{
		{Column: "channel", Values: []results.Group{
			{Key: "web", Records: 4, Rates: []results.Rate{{Pipeline: "model", Value: 1}, {Pipeline: "never", Value: 0}}},
			{Key: "app", Records: 4, Rates: []results.Rate{{Pipeline: "model", Value: 0.5}, {Pipeline: "never", Value: 0}}}}},
	}}
	tests := []struct {
		name   string
		metric string
		want   []string
	}{
		{"the criterion's metric", "precision", []string{"The channel panel shows precision, the metric of the criterion “precision of model in every channel”",
			"the black line is its threshold, ≥ 30.0%"}},
		{"a fallback said", "money_caught", []string{"The channel panel shows recall, not money_caught"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			est := map[string][2]float64{"precision": {2.0 / 3, 1.0 / 3}, "money_caught": {0.5, 0.5}}[tc.metric]
			run.Verdict.Criteria = []results.Judgement{{Name: tc.metric + " of model in every channel", Metric: tc.metric, Pipeline: "model",
				Kind: results.AtLeast, Threshold: 0.3, Sense: ">=", Segments: []results.SegmentJudgement{
					{Column: "channel", Value: "web", Estimate: results.Number(est[0])}, {Column: "channel", Value: "app", Estimate: results.Number(est[1])}}}}
			d, h, caption, why := segmentFigure(run, segmentJournal(), newPalette(run))
			if why != "" || d == nil || h <= 0 {
				t.Fatalf("not drawn: %s", why)
			}
			for _, w := range tc.want {
				if !strings.Contains(caption, w) {
					t.Errorf("caption lacks %q:\n%s", w, caption)
				}
			}
		})
	}
}

func TestStripLines(t *testing.T) {
	entries := []legendEntry{{name: "rules-v12"}, {name: "analysts"}, {name: "never-block"}, {name: "fraud-model-v3", strong: true}}
	tests := []struct {
		name  string
		width vg.Length
		lines int
	}{
		{"all on one line", plotWidth, 1},
		{"one a line when narrow", vg.Points(60), 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ls := stripLines(entries, tc.width)
			n := 0
			for _, l := range ls {
				n += len(l)
			}
			if len(ls) != tc.lines || n != len(entries) {
				t.Errorf("%d lines of %d entries, want %d lines of %d", len(ls), n, tc.lines, len(entries))
			}
			if h := stripHeight(entries, tc.width); h <= vg.Length(tc.lines-1)*stripLineH {
				t.Errorf("height %v too small for %d lines", h, tc.lines)
			}
		})
	}
}
