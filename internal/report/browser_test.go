package report

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/poc-harness/poc/internal/results"
)

var screenshot = flag.Bool("screenshot", false, "rewrite testdata/screenshot-page1.png from the headless browser")

// screenshotFile is page one of the report as Chromium renders it, kept for
// review; the browser test writes it with -screenshot or when it is missing.
var screenshotFile = filepath.Join("testdata", "screenshot-page1.png")

// chromium finds Debian's chromium (installed by .ci/run) or skips.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("headless browser test skipped: chromium is not installed (apt-get install chromium; .ci/run installs it)")
	return ""
}

// runChromium runs headless Chromium on a page with args and returns its
// standard output.
func runChromium(t *testing.T, bin, page string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
		"--hide-scrollbars", "--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, bin, append(append(base, args...), "file://"+page)...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, errOut.String())
	}
	return out.String()
}

// TestHTMLInBrowser renders report.html of a run whose data is full of
// scripts and network references in headless Chromium, and checks the
// page as the browser built it: the verdict banner is there, every image
// is an embedded, decodable PNG, no injected script ran (it would have
// added a <pwned-marker> element) and its text shows escaped, and the
// browser made no request (a local server counts any; the injected
// <img> and <link> point at it).
func TestHTMLInBrowser(t *testing.T) {
	bin := chromium(t)
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		t.Logf("request from the page: %s %s", r.Method, r.URL)
	}))
	defer srv.Close()

	run := hostileRun(t, srv.URL)
	writeRun(t, run)
	page, err := filepath.Abs(filepath.Join(run.Dir, HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	dom := runChromium(t, bin, page, "--dump-dom", "--virtual-time-budget=3000")

	if !strings.Contains(dom, `id="verdict"`) || !strings.Contains(dom, `class="decision">NO-GO<`) {
		t.Errorf("the rendered page has no NO-GO verdict banner:\n%.600s", dom)
	}
	if strings.Contains(dom, "<pwned-marker") {
		t.Error("an injected <script> ran in the page")
	}
	if !strings.Contains(dom, "&lt;script&gt;document.body.appendChild") {
		t.Error("the injected <script> does not show as text")
	}
	checkSelfContained(t, dom)
	if n := hits.Load(); n != 0 {
		t.Errorf("the page made %d network requests", n)
	}

	if _, err := os.Stat(screenshotFile); *screenshot || os.IsNotExist(err) {
		// The screenshot is for a reader's review: the run without the
		// injected text.
		clean := sampleRun()
		clean.Dir = t.TempDir()
		writeJournal(t, clean.Dir)
		writeRun(t, clean)
		shot, err := filepath.Abs(screenshotFile)
		if err != nil {
			t.Fatal(err)
		}
		runChromium(t, bin, filepath.Join(clean.Dir, HTMLFile), "--screenshot="+shot, "--window-size=1280,1800")
		if fi, err := os.Stat(shot); err != nil || fi.Size() == 0 {
			t.Fatalf("no screenshot written: %v", err)
		}
		t.Logf("wrote %s", screenshotFile)
	}
}

// layoutProbe is a page that loads the report in a 1440×900 frame and
// writes, into its own DOM, where the verdict, the headline and the next
// step are, and which text boxes overflow, for --dump-dom to read.
const layoutProbe = `<!doctype html><html><body style="margin:0">
<iframe id="f" src="report.html" style="width:1440px;height:900px;border:0"></iframe>
<script>
document.getElementById("f").onload = function () {
  var d = this.contentDocument, out = [];
  ["verdict", "headline", "next"].forEach(function (id) {
    var e = d.getElementById(id);
    out.push(id + "=" + (e ? Math.round(e.getBoundingClientRect().bottom) : "missing"));
  });
  var over = 0;
  d.querySelectorAll("td, th, p, h1, h2, h3, li, figcaption").forEach(function (e) {
    if (e.scrollWidth > e.clientWidth + 1) { over++; out.push("overflow=" + e.tagName + ":" + e.textContent.slice(0, 40)); }
  });
  out.push("overflows=" + over);
  document.body.setAttribute("data-layout", out.join("|"));
};
</script></body></html>`

// TestFirstViewport renders the report as a reader first sees it, in a
// 1440×900 window: the verdict, the headline against today's process and
// the next step are all above the fold, and no text box overflows.
func TestFirstViewport(t *testing.T) {
	bin := chromium(t)
	run := sampleRun()
	run.Dir = t.TempDir()
	run.Impact = sampleImpact()
	run.Impact.Incumbent = run.Impact.Savings[0].Baseline // today's process: the headline answers against it
	writeJournal(t, run.Dir)
	writeRun(t, run)
	probe := filepath.Join(run.Dir, "probe.html")
	if err := os.WriteFile(probe, []byte(layoutProbe), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := runChromium(t, bin, probe, "--dump-dom", "--virtual-time-budget=5000", "--window-size=1440,900",
		"--allow-file-access-from-files")
	i := strings.Index(dom, `data-layout="`)
	if i < 0 {
		t.Fatalf("the probe did not measure the page:\n%.400s", dom)
	}
	layout := dom[i+len(`data-layout="`):]
	layout = layout[:strings.Index(layout, `"`)]
	for _, id := range []string{"verdict", "headline", "next"} {
		var bottom int
		for _, kv := range strings.Split(layout, "|") {
			if v, ok := strings.CutPrefix(kv, id+"="); ok {
				if _, err := fmt.Sscan(v, &bottom); err != nil {
					t.Fatalf("%s: %s", id, v)
				}
			}
		}
		if bottom <= 0 || bottom > 900 {
			t.Errorf("%s ends at %dpx, outside the first 900px (layout %s)", id, bottom, layout)
		}
	}
	if !strings.Contains(layout, "overflows=0") {
		t.Errorf("text overflows its box: %s", layout)
	}
}

// auditProbe loads the report in a frame and writes into its own DOM, for
// --dump-dom to read, what an auditor must find: the first cell of every
// row of every segment table and of every fairness table, each with
// whether the browser lays it out (an element hidden by CSS has no box).
const auditProbe = `<!doctype html><html><body>
<iframe id="f" src="report.html" style="width:1440px;height:900px;border:0"></iframe>
<script>
document.getElementById("f").onload = function () {
  var d = this.contentDocument, out = [];
  [["segment", "table.segments"], ["group", "table.fairness"]].forEach(function (kind) {
    d.querySelectorAll(kind[1] + " tbody tr").forEach(function (tr) {
      var td = tr.cells[0], shown = td.getClientRects().length > 0 && td.offsetWidth > 0;
      out.push(kind[0] + "=" + td.textContent.replace(/\s+/g, " ").trim() + (shown ? "" : " (hidden)"));
    });
  });
  document.body.setAttribute("data-audit", out.join("|"));
};
</script></body></html>`

// probe writes page (a probe of report.html) beside the report of run,
// renders it with headless Chromium and returns the value the probe wrote
// into its body's attribute attr.
func probe(t *testing.T, bin string, run *results.Run, page, attr string) string {
	t.Helper()
	file := filepath.Join(run.Dir, "probe.html")
	if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := runChromium(t, bin, file, "--dump-dom", "--virtual-time-budget=5000", "--window-size=1440,900",
		"--allow-file-access-from-files")
	i := strings.Index(dom, attr+`="`)
	if i < 0 {
		t.Fatalf("the probe did not measure the page:\n%.400s", dom)
	}
	v := dom[i+len(attr+`="`):]
	return html.UnescapeString(v[:strings.Index(v, `"`)])
}

// TestAuditDetailInBrowser checks, from the DOM the browser built, that
// every segment of the in_every criterion (the one too small to judge
// too) and every group of the fairness metric, for each pipeline, is in
// the page and laid out.
func TestAuditDetailInBrowser(t *testing.T) {
	bin := chromium(t)
	run := auditRun(t)
	writeRun(t, run)
	found := map[string]int{}
	for _, kv := range strings.Split(probe(t, bin, run, auditProbe, "data-audit"), "|") {
		found[kv]++
	}
	tests := []struct {
		kind  string
		names []string
		// times is how often each must appear: one segment table, one
		// fairness table per pipeline.
		times int
	}{
		{"segment", auditSegments, 1},
		{"group", []string{"25 and over", "under 25 reference", "unknown (too small to compare)"}, len(run.Metrics.Pipelines)},
	}
	for _, tc := range tests {
		for _, name := range tc.names {
			if n := found[tc.kind+"="+name]; n != tc.times {
				t.Errorf("%s %q is in the page %d times, want %d (found %v)", tc.kind, name, n, tc.times, found)
			}
		}
	}
	for kv := range found {
		if strings.HasSuffix(kv, " (hidden)") {
			t.Errorf("%s is in the DOM but not laid out", kv)
		}
	}
	if len(auditGroups) != 3 || len(found) != len(auditSegments)+len(auditGroups) {
		t.Errorf("rows found %v, want the %d segments and %d groups only", found, len(auditSegments), len(auditGroups))
	}
}

// printProbe loads the report in a frame as wide as an A4 page's printable
// area, switches on the report's print stylesheet and writes, for
// --dump-dom to read, every table wider than its container.
//
// Why this way: Chromium's --print-to-pdf gives a PDF, whose layout can
// only be checked by parsing the PDF; the DOM can say directly whether a
// table fits. The frame is 182 mm wide (A4's 210 mm less the 14 mm side
// margins of the report's @page rule; 96 CSS px an inch), which is the
// width Chromium lays the page out at when it prints at 100%; and every
// @media print rule of the report is made to apply on screen by setting
// its media list to "all" (CSSOM), so the page is laid out with the print
// rules at the print width: the same layout the PDF gets, but measurable.
// A table fits when neither the table nor its container scrolls
// sideways (scrollWidth ≤ clientWidth, one pixel of rounding allowed) and
// its right edge is within its container's.
const printProbe = `<!doctype html><html><body style="margin:0">
<iframe id="f" src="report.html" style="width:182mm;height:257mm;border:0"></iframe>
<script>
document.getElementById("f").onload = function () {
  var d = this.contentDocument, out = [], rules = 0;
  for (var s = 0; s < d.styleSheets.length; s++) {
    var css = d.styleSheets[s].cssRules;
    for (var r = 0; r < css.length; r++) {
      if (css[r].media && css[r].media.mediaText === "print") { css[r].media.mediaText = "all"; rules++; }
    }
  }
  out.push("printrules=" + rules);
  var tables = d.querySelectorAll("table"), wide = 0;
  tables.forEach(function (tb) {
    var box = tb.parentElement, tr = tb.getBoundingClientRect(), br = box.getBoundingClientRect();
    if (tb.scrollWidth > tb.clientWidth + 1 || box.scrollWidth > box.clientWidth + 1 || tr.right > br.right + 1) {
      wide++;
      var cells = [];
      tb.querySelectorAll("td, th").forEach(function (c) {
        if (c.scrollWidth > c.clientWidth + 1) { cells.push(c.textContent.replace(/\s+/g, " ").trim().slice(0, 30) + " " + c.scrollWidth + ">" + c.clientWidth); }
      });
      out.push("wide=" + (tb.className || "table") + " " + tb.scrollWidth + "px in " + box.clientWidth + "px; cells overflowing: " + cells.join("; "));
    }
  });
  out.push("tables=" + tables.length, "wide=" + wide, "page=" + d.documentElement.scrollWidth + "/" + d.documentElement.clientWidth);
  document.body.setAttribute("data-print", out.join("|"));
};
</script></body></html>`

// TestPrintedTablesFit checks that the report prints: under its print
// stylesheet at an A4 page's width no table is wider than its container
// (printProbe says how and why), the page itself does not scroll
// sideways, and Chromium's --print-to-pdf gives a PDF of pages.
func TestPrintedTablesFit(t *testing.T) {
	bin := chromium(t)
	run := auditRun(t)
	writeRun(t, run)
	got := strings.Split(probe(t, bin, run, printProbe, "data-print"), "|")
	field := func(key string) string {
		for _, kv := range got {
			if v, ok := strings.CutPrefix(kv, key+"="); ok {
				return v
			}
		}
		return ""
	}
	if field("printrules") == "0" || field("printrules") == "" {
		t.Fatalf("no @media print rule was switched on, so nothing was measured under print: %v", got)
	}
	if n := field("tables"); n == "0" || n == "" {
		t.Fatalf("no table measured: %v", got)
	}
	if field("wide") != "0" {
		t.Errorf("tables wider than their container in print: %s", strings.Join(got, "\n"))
	}
	var scroll, client int
	if _, err := fmt.Sscanf(field("page"), "%d/%d", &scroll, &client); err != nil || scroll > client+1 {
		t.Errorf("the printed page scrolls sideways (%s): %v", field("page"), err)
	}

	pdf := filepath.Join(t.TempDir(), "report.pdf")
	runChromium(t, bin, filepath.Join(run.Dir, HTMLFile), "--print-to-pdf="+pdf, "--no-pdf-header-footer")
	b, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatalf("no PDF printed: %v", err)
	}
	if pages := pdfPages.FindAll(b, -1); !bytes.HasPrefix(b, []byte("%PDF-")) || len(pages) == 0 {
		t.Errorf("the PDF (%d bytes) has no pages", len(b))
	} else {
		t.Logf("printed %d pages", len(pages))
	}
}

// pdfPages matches a page object of a PDF.
var pdfPages = regexp.MustCompile(`/Type\s*/Page[^s]`)
