package runner

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/poc-harness/poc/datasets"
)

// The classes checked at load time are those the run will see: read with
// the declared column types.
func TestLoadReadsLabelsWithTheDeclaredTypes(t *testing.T) {
	const data = "id,flag,amount\n1,true,10\n2,FALSE,20\n3,1,30\n4,0,40\n"
	tests := []struct {
		name, columns string
		want          []string
	}{
		{"inferred: one column, text", "", []string{"0", "1", "FALSE", "true"}},
		{"declared bool", "columns: {flag: bool}, ", []string{"0", "1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			exp := "version: 1\nname: flags\nuse_case: {question: Flag}\n" +
				"dataset: {path: data.csv, " + tc.columns + "label: flag, positive: 1}\n" +
				"pipelines:\n  - {name: c, role: candidate, type: constant, output: 1}\nmetrics: [accuracy]\n"
			writeFiles(t, dir, map[string]string{"data.csv": data, "exp.yaml": exp})
			e, err := Load(filepath.Join(dir, "exp.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(e.Dataset.Labels, tc.want) {
				t.Errorf("labels = %q, want %q", e.Dataset.Labels, tc.want)
			}
		})
	}
}

// A cell that is not of its declared type stops the load with
// on_bad_row: error, positioned on dataset.path with the file, line,
// column and value; with skip, the run skips it and counts it.
func TestDeclaredTypeBadCell(t *testing.T) {
	var csv strings.Builder
	csv.WriteString("id,note,y\n")
	for i := range 40 {
		note := fmt.Sprint(i)
		if i == 1 {
			note = "lots"
		}
		fmt.Fprintf(&csv, "%d,%s,%d\n", i, note, i%2)
	}
	exp := func(onBadRow string) string {
		return "version: 1\nname: bad-cell\nuse_case: {question: Good enough}\n" +
			"dataset: {path: data.csv, label: y, columns: {note: number}, on_bad_row: " + onBadRow + "}\n" +
			"pipelines:\n  - {name: c, role: candidate, type: constant, output: 1}\nmetrics: [accuracy]\n"
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"data.csv": csv.String(), "error.yaml": exp("error"), "skip.yaml": exp("skip")})
	_, err := Load(filepath.Join(dir, "error.yaml"))
	want := `:4:17: dataset.path: a row does not parse: data.csv:3: column "note": "lots" is not a number (column declared number); correct the value, or declare the column string`
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "on_bad_row: skip") {
		t.Errorf("Load = %v\nwant an error containing %s", err, want)
	}
	e, err := Load(filepath.Join(dir, "skip.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Run(context.Background(), e, Options{Out: filepath.Join(dir, "results")})
	if err != nil {
		t.Fatal(err)
	}
	if ds := out.Run.Manifest.Dataset; ds.Skipped != 1 || ds.RowsRead != 40 || out.Run.Metrics.Records != 39 {
		t.Errorf("rows read %d, skipped %d, replayed %d; want 40, 1, 39", ds.RowsRead, ds.Skipped, out.Run.Metrics.Records)
	}
}

// A learner trained on a separate file reads it with the declared types:
// region codes 1, 2, 3, where only 2 is positive, are learnt perfectly as
// categories and not at all as one slope.
func TestTrainingFileReadWithTheDeclaredTypes(t *testing.T) {
	rows := func(from int) string {
		var b strings.Builder
		b.WriteString("id,region,y\n")
		for i := range 90 {
			region := 1 + i%3
			fmt.Fprintf(&b, "%d,%d,%d\n", from+i, region, btoi(region == 2))
		}
		return b.String()
	}
	tests := []struct {
		name, columns string
		wantAbove     float64 // accuracy above it
		wantBelow     float64 // and below it
	}{
		{"inferred number", "", 0, 0.9},
		{"declared category", "columns: {region: category}, ", 0.99, 1.01},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			exp := "version: 1\nname: regions\nuse_case: {question: Good enough}\n" +
				"dataset: {path: data.csv, id: id, " + tc.columns + "label: y}\n" +
				"pipelines:\n  - {name: m, role: candidate, type: learn, features: [region], proxies: [region], train: {file: train.csv, id: id}}\n" +
				"metrics: [accuracy]\n"
			writeFiles(t, dir, map[string]string{"data.csv": rows(1000), "train.csv": rows(0), "exp.yaml": exp})
			e, err := Load(filepath.Join(dir, "exp.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			out, err := Run(context.Background(), e, Options{Out: filepath.Join(dir, "results")})
			if err != nil {
				t.Fatal(err)
			}
			acc := float64(out.Run.Metrics.Pipelines[0].Metrics[0].Value)
			t.Logf("accuracy %.3f", acc)
			if acc <= tc.wantAbove || acc >= tc.wantBelow {
				t.Errorf("accuracy = %.3f, want in (%g, %g)", acc, tc.wantAbove, tc.wantBelow)
			}
		})
	}
}

// btoi is 1 for true, 0 for false.
func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Data of which nothing is left to replay is refused at load time, at the
// line that explains why, rather than reported as a class problem.
func TestNothingLeftToReplay(t *testing.T) {
	const data = "id,note,y\n1,a,1\n2,b,0\n"
	tests := []struct {
		name, dataset, want string
	}{
		{"every row skipped as bad", "{path: data.csv, label: y, columns: {note: number}, on_bad_row: skip}",
			`:4:17: dataset.path: no record to replay: 2 rows are bad and skipped (on_bad_row: skip), and none is left; the first: data.csv:2: column "note": "a" is not a number`},
		{"the filter keeps none", "{path: data.csv, label: y, filter: id > 5}",
			`:4:45: dataset.filter: the filter keeps none of the dataset's records: nothing to replay`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			exp := "version: 1\nname: nothing\nuse_case: {question: Good enough}\ndataset: " + tc.dataset + "\n" +
				"pipelines:\n  - {name: c, role: candidate, type: constant, output: 1}\nmetrics: [accuracy]\n"
			writeFiles(t, dir, map[string]string{"data.csv": data, "exp.yaml": exp})
			_, err := Load(filepath.Join(dir, "exp.yaml"))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load = %v\nwant an error containing %s", err, tc.want)
			}
		})
	}
}

// TestLoadedCountIsTheReplays: the records the load counted are those the
// replay reads, when the load read them with the replay's options; with a
// sample or skipped bad rows the replay counts its own.
func TestLoadedCountIsTheReplays(t *testing.T) {
	const data = "id,flag,amount\n1,1,10\n2,0,20\n3,1,30\n4,0,40\n"
	tests := []struct {
		name, dataset string
		wantOK        bool
	}{
		{"all records", "", true},
		{"filtered", "filter: amount > 15, ", true},
		{"sampled", "sample: {size: 2, seed: 1}, ", false},
		{"bad rows skipped", "on_bad_row: skip, ", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			exp := "version: 1\nname: flags\nuse_case: {question: Flag}\n" +
				"dataset: {path: data.csv, " + tc.dataset + "label: flag, positive: 1}\n" +
				"pipelines:\n  - {name: c, role: candidate, type: constant, output: 1}\nmetrics: [accuracy]\n"
			writeFiles(t, dir, map[string]string{"data.csv": data, "exp.yaml": exp})
			e, err := Load(filepath.Join(dir, "exp.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			n, ok := loadedCount(e)
			if ok != tc.wantOK {
				t.Fatalf("loadedCount = %d, %v; want ok %v", n, ok, tc.wantOK)
			}
			if !ok {
				return
			}
			want, _, err := datasets.CountContext(context.Background(), e.Dataset.Path, datasetOptions(e), "")
			if err != nil {
				t.Fatal(err)
			}
			if n != want {
				t.Errorf("loadedCount = %d, the replay reads %d", n, want)
			}
		})
	}
}
