package report

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
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
