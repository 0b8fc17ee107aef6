package report

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/poc-harness/poc/internal/analysis"
	"github.com/poc-harness/poc/internal/results"
)

// scriptMarker is an injected script that, if it ever ran, would add a
// <pwned-marker> element to the page. Its own text never spells the
// element's tag, so the marker in a DOM dump means the script ran.
const scriptMarker = `<script>document.body.appendChild(document.createElement('pwned-'+'marker'))</script>`

// hostileRun is sampleRun with script, markup and network references in
// every kind of data text the report prints, and a predictions journal,
// in a temporary run folder. url is where an injected reference points.
func hostileRun(t *testing.T, url string) *results.Run {
	t.Helper()
	run := sampleRun()
	run.Dir = t.TempDir()
	lure := fmt.Sprintf(`<img src="%s/img"><link rel="stylesheet" href="%s/css">`, url, url)
	run.Manifest.Experiment.Description = "Replay of Q1 " + scriptMarker + lure
	run.Manifest.Pipelines[1].Description = "prompted model " + lure
	run.Manifest.Pipelines[1].Config = map[string]any{
		"model":    "${POC_LLM_MODEL:-gpt-4o-mini}",
		"api_key":  "sk-live-should-never-show",
		"base_url": "${POC_LLM_BASE_URL}",
		"prompt":   "Ticket: {{.body}}\n" + scriptMarker,
	}
	run.Metrics.Pipelines[1].FailureExamples[0].Error = "model said " + scriptMarker
	writeJournal(t, run.Dir)
	return run
}

// writeJournal writes a seeded synthetic predictions.jsonl for sampleRun's
// two pipelines: a scored candidate and an unscored baseline.
func writeJournal(t *testing.T, dir string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 7))
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for seq := range 400 {
		truth := "0"
		if seq%8 == 0 {
			truth = "1"
		}
		id := fmt.Sprintf("t-%d", seq)
		base := map[string]any{"seq": seq, "id": id, "pipeline": "rules-v12", "truth": truth,
			"label": map[bool]string{true: "1", false: "0"}[rng.Float64() < 0.15], "latency_ms": 0.001 + rng.Float64()*0.01, "cost": 0}
		score := rng.Float64() * 0.6
		if truth == "1" {
			score += 0.35
		}
		label := "0"
		if score > 0.5 {
			label = "1"
		}
		raw := fmt.Sprintf(`{"label": %q, "score": %.3f}`, label, score)
		if seq == 3 {
			raw = "I think " + scriptMarker
		}
		cand := map[string]any{"seq": seq, "id": id, "pipeline": "fraud|model-v3", "truth": truth, "label": label,
			"score": score, "latency_ms": 200 + rng.ExpFloat64()*150, "cost": 0.0042, "raw": raw}
		if seq == 5 {
			cand["unparseable"], cand["label"], cand["raw"] = true, "", "maybe? "+scriptMarker
		}
		for _, e := range []map[string]any{base, cand} {
			if err := enc.Encode(e); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(dir, results.JournalFile), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeRun(t *testing.T, run *results.Run) string {
	t.Helper()
	summarise(t, run)
	if err := Write(context.Background(), run); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(run.Dir, HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// summarise adds to the run model what the runner's analysis works out from
// the journal in run.Dir (the breakdown and the candidates' confusion
// matrices), when there is a journal and the run has none yet.
func summarise(t *testing.T, run *results.Run) {
	t.Helper()
	if run.Metrics.Breakdown != nil {
		return
	}
	preds, err := results.ReadPredictions(context.Background(), run.Dir, results.ReadOptions{})
	if errors.Is(err, os.ErrNotExist) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range run.Metrics.Pipelines {
		names = append(names, p.Name)
	}
	d := run.Manifest.Dataset
	if run.Metrics.Breakdown, err = analysis.Breakdown(nil, preds, names, d.Positive, d.Segments, run.Metrics.Confidence); err != nil {
		t.Fatal(err)
	}
	for i, p := range run.Metrics.Pipelines {
		if p.Role == "candidate" {
			run.Metrics.Pipelines[i].Confusion = analysis.Confusion(preds, p.Name)
		}
	}
}

var (
	tagRe     = regexp.MustCompile(`<[a-zA-Z][^<>]*>`)
	attrRe    = regexp.MustCompile(`(?i)\s(src|href|srcset|action|poster|data)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)`)
	imgSrcRe  = regexp.MustCompile(`(?i)<img\s[^>]*src="data:image/(png|svg\+xml);base64,([^"]+)"`)
	imgTagRe  = regexp.MustCompile(`(?i)<img\s`)
	netAttrRe = regexp.MustCompile(`(?i)^["']?\s*(https?:|//|ftp:)`)
)

// checkSelfContained fails when the markup could make a request: an
// attribute pointing at the network, a script, an external stylesheet or a
// CSS url() or @import; and decodes every embedded image.
func checkSelfContained(t *testing.T, doc string) {
	t.Helper()
	// Text never holds a raw "<" (it is escaped), so a tag starts at one.
	for _, tag := range tagRe.FindAllString(doc, -1) {
		for _, m := range attrRe.FindAllStringSubmatch(tag, -1) {
			if netAttrRe.MatchString(m[2]) {
				t.Errorf("%s attribute points at the network: %.120s", m[1], m[2])
			}
		}
	}
	lower := strings.ToLower(doc)
	for _, bad := range []string{"<script", "<link", "<iframe", "<object", "<embed", "@import", "url("} {
		if strings.Contains(lower, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	imgs := imgSrcRe.FindAllStringSubmatch(doc, -1)
	if n := len(imgTagRe.FindAllString(doc, -1)); n != len(imgs) || n == 0 {
		t.Errorf("%d <img> elements, %d of them with a data: URI", n, len(imgs))
	}
	for i, m := range imgs {
		raw, err := base64.StdEncoding.DecodeString(html.UnescapeString(m[2]))
		if err != nil {
			t.Errorf("image %d: bad base64: %v", i, err)
			continue
		}
		switch m[1] {
		case "png":
			img, err := png.Decode(bytes.NewReader(raw))
			if err != nil {
				t.Errorf("image %d: not a PNG: %v", i, err)
			} else if b := img.Bounds(); b.Dx() < 100 || b.Dy() < 100 {
				t.Errorf("image %d: only %v", i, b)
			}
		default:
			if !bytes.Contains(raw, []byte("<svg")) {
				t.Errorf("image %d: not an SVG", i)
			}
		}
	}
}

func TestWriteHTML(t *testing.T) {
	run := hostileRun(t, "http://example.invalid")
	run.Impact = sampleImpact()
	doc := writeRun(t, run)
	checkSelfContained(t, doc)
	for _, want := range []string{
		`class="banner nogo"`, ">NO-GO<",
		"Should the shadow-mode fraud model replace rule set v12?", "Risk Operations",
		"about 79,400 more records",
		"Impact and cost", "50,564 USD", // impact.json's running cost
		"Detail for auditors",
		"&lt;script&gt;document.body.appendChild", // the injected script, as text
		"${POC_LLM_MODEL:-gpt-4o-mini}",           // shown as written
		"(hidden)",
		"Where the candidate and a baseline disagree",
		"Metric by month", "the records have no time",
		"Charts not drawn",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if strings.Contains(doc, "sk-live-should-never-show") {
		t.Error("report.html shows a secret")
	}
	for _, f := range []string{"criteria", figMetrics, figQualityCost, figLatency, figConfusion, figScores} {
		for _, ext := range []string{".png", ".svg"} {
			if fi, err := os.Stat(filepath.Join(run.Dir, results.PlotsDir, f+ext)); err != nil || fi.Size() == 0 {
				t.Errorf("plots/%s%s: %v", f, ext, err)
			}
		}
		if !strings.Contains(doc, `id="fig-`+f+`"`) {
			t.Errorf("report.html does not embed %s", f)
		}
	}
}

// Every plot copes with what a run may lack: no journal, one pipeline, no
// scores, no cost metric, no criteria.
func TestWriteHTMLMissingData(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*results.Run)
		notes []string
	}{
		{"no journal", func(r *results.Run) { _ = os.Remove(filepath.Join(r.Dir, results.JournalFile)) },
			[]string{"the run folder has no predictions.jsonl", "no confusion counts"}},
		{"one pipeline", func(r *results.Run) {
			r.Manifest.Pipelines = r.Manifest.Pipelines[1:]
			r.Metrics.Pipelines = r.Metrics.Pipelines[1:]
		}, []string{"The run needs a candidate and a baseline to compare."}},
		{"no scores", func(r *results.Run) {
			b, _ := os.ReadFile(filepath.Join(r.Dir, results.JournalFile))
			b = regexp.MustCompile(`"score":[0-9.e-]+,`).ReplaceAll(b, nil)
			_ = os.WriteFile(filepath.Join(r.Dir, results.JournalFile), b, 0o644)
		}, []string{"no pipeline gave scores"}},
		{"no cost, no volume, no criteria", func(r *results.Run) {
			r.Verdict.Criteria = nil
			r.Manifest.UseCase.VolumePerYear = 0
			for i := range r.Metrics.Pipelines {
				r.Metrics.Pipelines[i].Metrics = r.Metrics.Pipelines[i].Metrics[:min(2, len(r.Metrics.Pipelines[i].Metrics))]
			}
		}, []string{"gives no yearly volume", "The experiment sets no criteria.", "no cost_per_record metric"}},
		{"nothing at all", func(r *results.Run) {
			*r = results.Run{Dir: r.Dir}
		}, []string{"NO VERDICT", "metrics.json records no pipeline"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			run := sampleRun()
			run.Dir = t.TempDir()
			writeJournal(t, run.Dir)
			tc.edit(run)
			doc := writeRun(t, run)
			checkSelfContained(t, doc)
			for _, n := range tc.notes {
				if !strings.Contains(doc, n) {
					t.Errorf("report.html lacks %q", n)
				}
			}
		})
	}
}

func TestParetoFront(t *testing.T) {
	pts := []qcPoint{{"a", 0, 40, true, 0}, {"b", 0, 10, true, 0}, {"c", 1, 60, true, 0}, {"d", 2, 50, true, 0}, {"e", 3, 90, true, 0}}
	var got []string
	for _, p := range paretoFront(pts) {
		got = append(got, p.name)
	}
	if strings.Join(got, ",") != "a,c,e" {
		t.Errorf("front %v, want a,c,e", got)
	}
}

func TestRocPR(t *testing.T) {
	perfect := []scored{{0.9, true}, {0.8, true}, {0.3, false}, {0.1, false}}
	roc, pr, ok := rocPR(perfect)
	if !ok || roc.area != 1 || pr.area != 1 {
		t.Errorf("perfect ranking: AUC %v, AP %v, ok %v", roc.area, pr.area, ok)
	}
	inverse := []scored{{0.9, false}, {0.8, false}, {0.3, true}, {0.1, true}}
	if roc, _, _ := rocPR(inverse); roc.area != 0 {
		t.Errorf("inverse ranking: AUC %v", roc.area)
	}
	if _, _, ok := rocPR([]scored{{0.5, true}}); ok {
		t.Error("one class gave a curve")
	}
}

// The note that explains a comparison's difference appears only when a
// criterion compares two pipelines.
func TestComparisonNoteOnlyWithComparisons(t *testing.T) {
	const note = "For a comparison, the estimate is the difference"
	absolute := sampleRun()
	var kept []results.Judgement
	for _, j := range absolute.Verdict.Criteria {
		if !isComparison(j) {
			kept = append(kept, j)
		}
	}
	absolute.Verdict.Criteria = kept
	tests := []struct {
		name string
		run  *results.Run
		want bool
	}{
		{"with a comparison", sampleRun(), true},
		{"absolute criteria only", absolute, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteHTML(&buf, tt.run, nil, nil); err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(buf.String(), note); got != tt.want {
				t.Errorf("note shown %v, want %v", got, tt.want)
			}
		})
	}
}
