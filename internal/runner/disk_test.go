package runner

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/poc-harness/poc/internal/results"
)

// fullDisk is a journal file that fills up after room bytes, failing as a
// full disk does (ENOSPC, naming the file).
type fullDisk struct {
	f    *os.File
	room int
}

func (d *fullDisk) Write(b []byte) (int, error) {
	if len(b) > d.room {
		n, _ := d.f.Write(b[:d.room]) // a torn last line, as on a real disk
		d.room = 0
		return n, &os.PathError{Op: "write", Path: d.f.Name(), Err: syscall.ENOSPC}
	}
	d.room -= len(b)
	return d.f.Write(b)
}

func (d *fullDisk) Sync() error { return d.f.Sync() }

// TestFullDiskWhileJournaling fills the disk under the journal mid-run:
// the error names the journal and the space, the run is marked failed
// where it stopped, no temporary file is left, and a resume once there is
// room completes the run with every record once.
func TestFullDiskWhileJournaling(t *testing.T) {
	exp, err := Load(example)
	if err != nil {
		t.Fatal(err)
	}
	journalWriter = func(f *os.File) io.Writer { return &fullDisk{f: f, room: 300_000} }
	defer func() { journalWriter = func(f *os.File) io.Writer { return f } }()
	out, err := Run(context.Background(), exp, Options{Out: t.TempDir(), SkipReports: true})
	if err == nil || out == nil || out.Dir == "" {
		t.Fatalf("Run on a full disk = %v, %+v", err, out)
	}
	for _, s := range []string{results.JournalFile, "no space left on device", "marked failed", "--resume"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q lacks %q", err, s)
		}
	}
	var man results.Manifest
	b, _ := os.ReadFile(filepath.Join(out.Dir, results.ManifestFile))
	if err := json.Unmarshal(b, &man); err != nil {
		t.Fatal(err)
	}
	if man.Status != results.Failed || man.StoppedIn != "replay" || !strings.Contains(man.StopDetail, results.JournalFile) {
		t.Errorf("manifest: status %s in %q, detail %q", man.Status, man.StoppedIn, man.StopDetail)
	}
	entries, _ := os.ReadDir(out.Dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}

	journalWriter = func(f *os.File) io.Writer { return f } // space was freed
	_, resumed, err := Resume(context.Background(), out.Dir, Load, Options{SkipReports: true})
	if err != nil {
		t.Fatal(err)
	}
	if m := resumed.Run.Manifest; m.Status != results.Complete || m.Attempts != 2 || m.Resumed == 0 || m.Dataset.Records != 19840 {
		t.Errorf("resumed: status %s, attempt %d, %d resumed of %d records", m.Status, m.Attempts, m.Resumed, m.Dataset.Records)
	}
}
