package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportCmdNotARun(t *testing.T) {
	for name, dir := range map[string]string{"missing": filepath.Join(t.TempDir(), "nope"), "empty": t.TempDir()} {
		t.Run(name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := Run(context.Background(), []string{"report", dir}, IO{Out: &out, Err: &errOut})
			if code != ExitInvalid {
				t.Errorf("exit code %d, want %d", code, ExitInvalid)
			}
			if !strings.Contains(errOut.String(), "not a") || !strings.Contains(errOut.String(), "run folder") {
				t.Errorf("message %q does not say the folder is not a run folder", errOut.String())
			}
			if _, err := os.Stat(filepath.Join(dir, "report.html")); err == nil {
				t.Error("report.html written into a folder that is not a run")
			}
		})
	}
}

func TestReportCmdArgs(t *testing.T) {
	var got *ReportOptions
	cmd := newReportCmd(IO{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}, func(o *ReportOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"results/x/1"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Dir != "results/x/1" {
		t.Errorf("options %+v", got)
	}
}
