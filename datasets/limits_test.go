package datasets

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A field over the limit is a bad row naming the file, the line and the
// column: the run fails on it by default, and with SkipBadRows it is
// skipped and counted, the rows around it read as usual.
func TestOversizedFieldsAreBadRows(t *testing.T) {
	big := strings.Repeat("x", 2<<20) // 2 MiB, over the 1 MiB default
	tests := []struct {
		name, file, body string
		opt              Options
		line             int
		column           string
	}{
		{"csv field", "data.csv", "id,note,y\n1,ok,0\n2," + big + ",1\n3,fine,0\n", Options{}, 3, "note"},
		{"csv quoted field over lines", "data.csv", "id,note,y\n1,ok,0\n2,\"a\n" + big + "\",1\n3,fine,0\n", Options{}, 3, "note"},
		{"jsonl field", "data.jsonl", `{"id":1,"note":"ok","y":0}` + "\n" + `{"id":2,"note":"` + big + `","y":1}` + "\n" + `{"id":3,"note":"fine","y":0}` + "\n",
			Options{}, 2, "note"},
		{"jsonl line over the record limit", "data.jsonl", `{"id":1,"note":"ok","y":0}` + "\n" + `{"id":2,"note":"` + big + `","y":1}` + "\n" + `{"id":3,"note":"fine","y":0}` + "\n",
			Options{Limits: Limits{MaxFieldBytes: -1, MaxRecordBytes: 1 << 20}}, 2, "note"},
		{"csv record over the record limit", "data.csv", "id,a,b,y\n1,ok,ok,0\n2," + big[:600<<10] + "," + big[:600<<10] + ",1\n3,fine,fine,0\n",
			Options{Limits: Limits{MaxRecordBytes: 1 << 20}}, 3, "b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.file)
			if err := os.WriteFile(path, []byte(tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := Open(path, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Next(); err != nil {
				t.Fatal(err)
			}
			_, err = s.Next()
			var re *RowError
			if !errors.As(err, &re) || re.Line != tc.line || re.Column != tc.column || !strings.Contains(err.Error(), "over the limit") {
				t.Fatalf("err = %v, want a row error at line %d, column %q", err, tc.line, tc.column)
			}
			if !strings.HasPrefix(err.Error(), tc.file+":") {
				t.Errorf("%q does not name the file", err)
			}
			s.Close()

			opt := tc.opt
			opt.SkipBadRows = true
			s, err = Open(path, opt)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var ids []string
			for {
				rec, err := s.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, FormatValue(rec.Fields["id"]))
			}
			if strings.Join(ids, ",") != "1,3" || s.Stats().Skipped != 1 || len(s.SkippedRows()) != 1 || s.SkippedRows()[0].Line != tc.line {
				t.Errorf("skipping: ids %v, stats %+v, skipped %v", ids, s.Stats(), s.SkippedRows())
			}
		})
	}
}

// The limits can be raised: a 2 MiB field reads with a 4 MiB field limit.
func TestLimitsCanBeRaised(t *testing.T) {
	big := strings.Repeat("x", 2<<20)
	path := filepath.Join(t.TempDir(), "data.jsonl")
	if err := os.WriteFile(path, []byte(`{"id":1,"note":"ok"}`+"\n"+`{"id":2,"note":"`+big+`"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{Limits: Limits{MaxFieldBytes: 4 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	readAll(t, s)
}
