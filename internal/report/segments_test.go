package report

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
