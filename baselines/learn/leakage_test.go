package learn

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

var keyEnv = pipeline.Env{Name: "lr", Columns: []string{"ticket_id", "a", "b", "created_at", "y"}, Label: "y", Positive: "1"}

func TestBuildTrainKeys(t *testing.T) {
	feats := []string{"a", "b"}
	cases := []struct {
		name  string
		train TrainSpec
		field string // "" when the spec is valid
		msg   string
		cuts  int
	}{
		{"one cut", TrainSpec{Before: "2026-04-01"}, "", "", 1},
		{"list of cuts", TrainSpec{Before: []any{"2026-02-01", "2026-03-01", "2026-04-01T12:00:00Z"}}, "", "", 3},
		{"string list", TrainSpec{Before: []string{"2026-02-01", "2026-03-01"}}, "", "", 2},
		{"a time", TrainSpec{Before: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}, "", "", 1},
		{"file with id", TrainSpec{File: "train.csv", ID: "ticket_id"}, "", "", 0},
		{"bad single cut", TrainSpec{Before: "soon"}, "train.before", "not a date", 0},
		{"bad cut in list", TrainSpec{Before: []any{"2026-02-01", "soon"}}, "train.before[1]", "not a date", 0},
		{"number in list", TrainSpec{Before: []any{"2026-02-01", 3}}, "train.before[1]", "not a date", 0},
		{"decreasing cuts", TrainSpec{Before: []any{"2026-03-01", "2026-02-01"}}, "train.before[1]", "increasing order", 0},
		{"repeated cut", TrainSpec{Before: []string{"2026-02-01", "2026-02-01"}}, "train.before[1]", "increasing order", 0},
		{"empty list", TrainSpec{Before: []any{}}, "train.before", "empty", 0},
		{"a number", TrainSpec{Before: 2026}, "train.before", "give a date", 0},
		{"cuts and folds", TrainSpec{Before: []any{"2026-02-01"}, Folds: 3}, "train", "exactly one", 0},
		{"id without file", TrainSpec{Folds: 3, ID: "ticket_id"}, "train.id", "training file", 0},
		{"id with cuts", TrainSpec{Before: "2026-04-01", ID: "ticket_id"}, "train.id", "training file", 0},
		{"unknown id column", TrainSpec{File: "train.csv", ID: "ticket"}, "train.id", "not in the dataset", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			train := tc.train
			p, err := (&Spec{Features: feats, Train: &train}).Build(keyEnv)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("valid spec refused: %v", err)
				}
				if got := len(p.(*Learner).cuts); got != tc.cuts {
					t.Errorf("%d cuts, want %d", got, tc.cuts)
				}
				return
			}
			if err == nil {
				t.Fatal("Build succeeded")
			}
			for _, fe := range pipeline.AsFieldErrors(err) {
				if fe.Field == tc.field && strings.Contains(fe.Msg, tc.msg) {
					return
				}
			}
			t.Errorf("Build error %q: want a problem at %q containing %q", err, tc.field, tc.msg)
		})
	}
}

// TestTrainBlockFromYAML decodes train blocks as the experiment loader does
// (yaml.v3 into the Spec): unquoted dates stay text, a list is a list.
func TestTrainBlockFromYAML(t *testing.T) {
	cases := []struct {
		yaml string
		cuts []string
		id   string
	}{
		{`{before: 2026-04-01}`, []string{"2026-04-01T00:00:00Z"}, ""},
		{`{before: "2026-04-01"}`, []string{"2026-04-01T00:00:00Z"}, ""},
		{`{before: [2026-02-01, "2026-03-01", 2026-04-01T06:00:00Z]}`,
			[]string{"2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-04-01T06:00:00Z"}, ""},
		{`{file: train.csv, id: ticket_id}`, nil, "ticket_id"},
	}
	for _, tc := range cases {
		t.Run(tc.yaml, func(t *testing.T) {
			var s Spec
			if err := yaml.Unmarshal([]byte("features: [a]\ntrain: "+tc.yaml), &s); err != nil {
				t.Fatal(err)
			}
			l := build(t, &s, keyEnv)
			var got []string
			for _, c := range l.cuts {
				got = append(got, c.Format(time.RFC3339))
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.cuts) || l.idCol != tc.id {
				t.Errorf("cuts %v, id %q; want %v, %q", got, l.idCol, tc.cuts, tc.id)
			}
		})
	}
}

// driftRecords returns records from January to April 2026, every two hours
// for the first 20 days of each month (so the first record of each month
// falls exactly on a month-start cut). The label rule drifts: in January
// y = a > 0; from February on, y = b > 0.
func driftRecords() ([]string, []datasets.Record) {
	cols := []string{"a", "b", "created_at", "y"}
	rng := rand.New(rand.NewPCG(7, 7))
	var recs []datasets.Record
	for m := time.January; m <= time.April; m++ {
		start := time.Date(2026, m, 1, 0, 0, 0, 0, time.UTC)
		for j := 0; j < 240; j++ {
			a, b := rng.NormFloat64(), rng.NormFloat64()
			pos := b > 0
			if m == time.January {
				pos = a > 0
			}
			y := "0"
			if pos {
				y = "1"
			}
			recs = append(recs, datasets.Record{Seq: len(recs), Line: len(recs) + 2, Fields: map[string]any{
				"a": a, "b": b, "y": y, "created_at": start.Add(time.Duration(j) * 2 * time.Hour),
			}})
		}
	}
	return cols, recs
}

func TestWalkForward(t *testing.T) {
	cols, recs := driftRecords()
	env := pipeline.Env{Name: "lr", Columns: cols, Label: "y", Positive: "1"}
	cutText := []string{"2026-02-01", "2026-03-01", "2026-04-01"}
	spec := &Spec{Features: []string{"a", "b"}, Train: &TrainSpec{Before: cutText}}
	data := memData(cols, recs, "y", "1")
	data.Time = "created_at"
	opens := 0
	all := data.All
	data.All = func() (datasets.Reader, error) { opens++; return all() }
	l := build(t, spec, env)
	if err := l.Train(context.Background(), data); err != nil {
		t.Fatal(err)
	}
	if len(l.fitted) != 3 || opens != 3 {
		t.Fatalf("%d models from %d reads, want one of each per cut", len(l.fitted), opens)
	}
	// No model saw a record at or after its cut, and each saw every
	// labelled record before it.
	for k, f := range l.fitted {
		cut := l.cuts[k]
		want := 0
		for _, r := range recs {
			if r.Fields["created_at"].(time.Time).Before(cut) {
				want++
			}
		}
		if !f.cut.Equal(cut) || f.rows != want || !f.latest.Before(cut) {
			t.Errorf("model %d: cut %v, %d rows up to %v; want cut %v, %d rows, all before it", k, f.cut, f.rows, f.latest, cut, want)
		}
	}
	// Each replayed record is scored by the model of the latest cut at or
	// before its time; January was training data and is refused.
	type period struct{ correct, followsA, n int }
	byCut := map[string]*period{}
	for _, r := range recs {
		at := r.Fields["created_at"].(time.Time)
		o, err := l.Predict(context.Background(), r)
		if at.Month() == time.January {
			if err == nil || !strings.Contains(err.Error(), "used for training") || !strings.Contains(err.Error(), "first cut") {
				t.Fatalf("January record %d: %v", r.Seq, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("record %d: %v", r.Seq, err)
		}
		want := time.Date(2026, at.Month(), 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
		if got := o.Fields["model_cut"]; got != want {
			t.Fatalf("record %d at %v scored by the model of %v, want %v", r.Seq, at, got, want)
		}
		p := byCut[want]
		if p == nil {
			p = &period{}
			byCut[want] = p
		}
		p.n++
		if o.Label == r.Fields["y"] {
			p.correct++
		}
		if (o.Label == "1") == (r.Fields["a"].(float64) > 0) {
			p.followsA++
		}
	}
	// The February model learnt January's rule only: it follows a, and so
	// misses February's new rule. The April model has seen two months of
	// the new rule and mostly follows it.
	feb, apr := byCut["2026-02-01T00:00:00Z"], byCut["2026-04-01T00:00:00Z"]
	for cut, p := range byCut {
		t.Logf("cut %s: %d records, accuracy %.3f, follows January's rule %.3f", cut, p.n, float64(p.correct)/float64(p.n), float64(p.followsA)/float64(p.n))
	}
	if f := float64(feb.followsA) / float64(feb.n); f < 0.95 {
		t.Errorf("February model follows January's rule on %.3f of February; it should have learnt nothing else", f)
	}
	if acc := float64(feb.correct) / float64(feb.n); acc > 0.65 {
		t.Errorf("February model accuracy %.3f on February: it would have seen the new rule", acc)
	}
	if acc := float64(apr.correct) / float64(apr.n); acc < 0.8 {
		t.Errorf("April model accuracy %.3f on April, want the new rule learnt", acc)
	}
	// Deterministic: a second fit gives the same models.
	again := build(t, spec, env)
	if err := again.Train(context.Background(), data); err != nil {
		t.Fatal(err)
	}
	for k := range l.fitted {
		if !slicesEqual(l.fitted[k].lin.w, again.fitted[k].lin.w) || l.Threshold(k) != again.Threshold(k) {
			t.Errorf("model %d differs between two fits", k)
		}
	}
}

func TestWalkForwardRefusals(t *testing.T) {
	cols, recs := driftRecords()
	env := pipeline.Env{Name: "lr", Columns: cols, Label: "y", Positive: "1"}
	cases := []struct {
		name string
		cuts []string
		time string
		msg  string
	}{
		{"no time column", []string{"2026-02-01", "2026-03-01"}, "", "needs the dataset's `time:` column"},
		{"nothing before the first cut", []string{"2025-12-01", "2026-03-01"}, "created_at", "records before 2025-12-01T00:00:00Z: no labelled records"},
		{"one class before the first cut", []string{"2026-01-01T01:00:00Z", "2026-03-01"}, "created_at", "one class"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := memData(cols, recs, "y", "1")
			data.Time = tc.time
			err := build(t, &Spec{Features: []string{"a", "b"}, Train: &TrainSpec{Before: tc.cuts}}, env).Train(context.Background(), data)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("Train error %v, want one containing %q", err, tc.msg)
			}
		})
	}
}

// rekeyed gives records new ids, keeping every other value.
func rekeyed(recs []datasets.Record) []datasets.Record {
	for i := range recs {
		recs[i].Fields["ticket_id"] = fmt.Sprintf("NEW-%d", i)
	}
	return recs
}

// bumped changes column b, which the model does not read, of recs.
func bumped(recs []datasets.Record) []datasets.Record {
	for i := range recs {
		recs[i].Fields["b"] = recs[i].Fields["b"].(float64) + 0.25
	}
	return recs
}

// renamed changes column ticket_id, the id, which the model does not read,
// of recs.
func renamed(recs []datasets.Record) []datasets.Record {
	for i := range recs {
		recs[i].Fields["ticket_id"] = fmt.Sprintf("X-%d", i)
	}
	return recs
}

// distinctRecords returns n labelled records whose feature a differs from
// record to record and from every ticketRecords value.
func distinctRecords(n int) []datasets.Record {
	recs := make([]datasets.Record, n)
	for i := range recs {
		x := float64(i) - float64(n)/2 + 0.5
		recs[i] = datasets.Record{Seq: i, Line: i + 2, Fields: map[string]any{
			"ticket_id": fmt.Sprintf("D-%d", i), "a": x, "b": float64(i), "y": map[bool]string{true: "1", false: "0"}[x > 0],
		}}
	}
	return recs
}

// ticketRecords returns n labelled records with ids T-from ... .
func ticketRecords(from, n int) []datasets.Record {
	recs := make([]datasets.Record, n)
	for i := range recs {
		x := float64((i*37)%100) - 50
		y := "0"
		if x > 0 {
			y = "1"
		}
		recs[i] = datasets.Record{Seq: i, Line: i + 2, Fields: map[string]any{
			"ticket_id": fmt.Sprintf("T-%d", from+i), "a": x, "b": float64(from + i), "y": y,
		}}
	}
	return recs
}

func TestTrainingFileSharesNoIDs(t *testing.T) {
	cols := []string{"ticket_id", "a", "b", "y"}
	replay := ticketRecords(0, 100) // T-0 ... T-99
	cases := []struct {
		name  string
		id    string
		train []datasets.Record
		cols  []string
		msg   string // "" when training succeeds
		warn  string // the warning expected, "" for none
	}{
		{"disjoint", "ticket_id", ticketRecords(100, 200), cols, "", ""},
		{"three shared", "ticket_id", ticketRecords(97, 200), cols,
			`shares 3 ids (column "ticket_id") with the replayed records: "T-97", "T-98", "T-99";`, ""},
		{"eight shared", "ticket_id", ticketRecords(92, 200), cols,
			`shares 8 ids (column "ticket_id") with the replayed records: "T-92", "T-93", "T-94", "T-95", "T-96" and 3 more;`, ""},
		{"one shared", "ticket_id", append(ticketRecords(100, 200), ticketRecords(42, 1)...), cols, `shares 1 id (column "ticket_id")`, ""},
		{"no id: no record repeated", "", ticketRecords(50, 200), cols, "", ""},
		{"no id: the replay itself", "", ticketRecords(0, 100), cols,
			`training file "train.csv" repeats 100 of the 100 replayed records in every column`, ""},
		{"no id: a copy with the columns reordered", "", ticketRecords(0, 100), []string{"y", "b", "a", "ticket_id"},
			`repeats 100 of the 100 replayed records`, ""},
		{"no id: a few repeated", "", append(ticketRecords(500, 200), ticketRecords(0, 5)...), cols, "",
			`training file "train.csv" repeats 5 of the 100 replayed records in every column: the model is scored on records it was trained on`},
		{"no id: nine in a hundred repeated, the most that runs", "", append(ticketRecords(500, 200), ticketRecords(0, 9)...), cols, "",
			`repeats 9 of the 100 replayed records in every column: the model is scored on records it was trained on, which flatters its results ` +
				`(drop the repeated records from the training file; one that repeats 10% or more of the replayed records is refused)`},
		{"no id: ten in a hundred repeated are refused", "", append(ticketRecords(500, 200), ticketRecords(0, 10)...), cols,
			`refused: training file "train.csv" repeats 10 of the 100 replayed records in every column`, ""},
		{"a few replayed records under new ids", "ticket_id", append(ticketRecords(500, 200), rekeyed(ticketRecords(0, 3))...), cols, "",
			`repeats 3 of the 100 replayed records in every column but the id "ticket_id"`},
		{"the replay under new ids", "ticket_id", rekeyed(ticketRecords(0, 100)), cols,
			`repeats 100 of the 100 replayed records in every column but the id "ticket_id"`, ""},
		{"training file without the id", "ticket_id", ticketRecords(100, 200), []string{"a", "b", "y"}, `column "ticket_id" (train.id) is missing`, ""},
		// A column the model does not read changed: the full comparison
		// misses the copy, the model's columns (feature a and the label) see it.
		{"no id: the replay with a column changed", "", bumped(ticketRecords(0, 100)), cols,
			`refused: training file "train.csv" repeats 100% of the replayed records it was compared with (50 of 50, every other record from the first) ` +
				`in every column but "b": a copy of the replay with that column changed`, ""},
		// The model's columns see it when the copy changes more than one column.
		{"no id: the replay with two columns changed", "", bumped(renamed(ticketRecords(0, 100))), cols,
			`refused: training file "train.csv" repeats 100 of the 100 replayed records in the columns the model reads (a, y), though other columns differ`, ""},
		{"no id: a few replayed records with a column changed", "", append(distinctRecords(200), bumped(ticketRecords(0, 5))...), cols, "",
			`repeats 5 of the 100 replayed records in the columns the model reads (a, y), though other columns differ`},
		{"no id: others, never repeated in the model's columns", "", distinctRecords(200), cols, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// The synthetic label is a > 0: feature a is a proxy, acknowledged.
			l := build(t, &Spec{Features: []string{"a"}, Proxies: []string{"a"}, Train: &TrainSpec{File: "train.csv", ID: tc.id}}, keyEnv)
			data := pipeline.TrainingData{
				Replay: func() (datasets.Reader, error) { return &sliceReader{cols: cols, recs: replay}, nil },
				Open: func(path string) (datasets.Reader, error) {
					if path != "train.csv" {
						t.Errorf("opened %q", path)
					}
					return &sliceReader{cols: tc.cols, recs: tc.train}, nil
				},
				Label: "y", Positive: "1",
			}
			var warns []string
			data.Warn = func(w pipeline.TrainingWarning) { warns = append(warns, w.Field+": "+w.Msg+" ("+w.Hint+")") }
			err := l.Train(context.Background(), data)
			switch {
			case tc.warn == "" && len(warns) > 0:
				t.Errorf("warnings %q, want none", warns)
			case tc.warn != "" && (len(warns) != 1 || !strings.Contains(warns[0], tc.warn) || !strings.HasPrefix(warns[0], "train.file: ")):
				t.Errorf("warnings %q, want one on train.file containing %q", warns, tc.warn)
			}
			switch {
			case tc.msg == "" && err != nil:
				t.Fatalf("Train: %v", err)
			case tc.msg != "" && (err == nil || !strings.Contains(err.Error(), tc.msg)):
				t.Fatalf("Train error %v, want one containing %q", err, tc.msg)
			case tc.msg == "" && len(l.fitted) != 1:
				t.Fatalf("%d models", len(l.fitted))
			}
		})
	}
}

// A feature that alone predicts the label almost perfectly is refused as a
// likely leak, unless the file acknowledges it under proxies.
func TestProxyFeaturesAreRefused(t *testing.T) {
	recs := make([]datasets.Record, 400)
	for i := range recs {
		y := "0"
		if i%3 == 0 {
			y = "1"
		}
		noisy := float64(i%17) + 5*float64(i%3/2) // some signal, far from perfect
		spent := 0.0
		if y == "1" {
			spent = 10 + float64(i%7) // known only for accepted applicants
		}
		decision := map[string]string{"1": "approved", "0": "declined"}[y]
		recs[i] = datasets.Record{Seq: i, Line: i + 2, Fields: map[string]any{
			"noisy": noisy, "spent": spent, "decision": decision, "id": fmt.Sprintf("A-%d", i), "y": y,
		}}
	}
	cols := []string{"noisy", "spent", "decision", "id", "y"}
	cases := []struct {
		name     string
		features []string
		proxies  []string
		msg      string // "" when training succeeds
	}{
		{"a weak feature", []string{"noisy"}, nil, ""},
		{"an amount known only for one class", []string{"noisy", "spent"}, nil,
			`feature "spent" alone predicts the label almost perfectly on the training data (alone, its values rank the classes with an AUC of 1.000)`},
		{"acknowledged", []string{"noisy", "spent"}, []string{"spent"}, ""},
		{"a recorded decision", []string{"decision"}, nil, `feature "decision" alone predicts the label almost perfectly on the training data (its 2 values decide the class of 100.0% of the records)`},
		{"an id is no proxy", []string{"noisy", "id"}, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := pipeline.Env{Name: "lr", Columns: cols, Label: "y", Positive: "1"}
			l := build(t, &Spec{Features: tc.features, Proxies: tc.proxies, Train: &TrainSpec{Folds: 2}}, env)
			err := l.Train(context.Background(), memData(cols, recs, "y", "1"))
			switch {
			case tc.msg == "" && err != nil:
				t.Fatalf("Train: %v", err)
			case tc.msg != "" && (err == nil || !strings.Contains(err.Error(), tc.msg)):
				t.Fatalf("Train error %v, want one containing %q", err, tc.msg)
			}
		})
	}
}

// singleAUC is the Mann–Whitney AUC, ties counting one half, as
// sklearn.metrics.roc_auc_score gives it (roc_auc_score([0,1,0,1], [1,2,3,4])
// = 0.75; roc_auc_score([1,0,1], [1,1,2]) = 0.75), folded to the side above
// one half, with missing values left out.
func TestSingleAUC(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		values []float64
		labels []string
		want   float64
	}{
		{[]float64{1, 2, 3, 4}, []string{"0", "1", "0", "1"}, 0.75},
		{[]float64{1, 1, 2}, []string{"1", "0", "1"}, 0.75},
		{[]float64{4, 3, 2, 1}, []string{"0", "1", "0", "1"}, 0.75}, // 0.25 folded
		{[]float64{1, nan, 2}, []string{"0", "1", "1"}, 1},
		{[]float64{1, 2}, []string{"1", "1"}, 0}, // one class: no ranking
	}
	for _, tc := range tests {
		if got := singleAUC(tc.values, tc.labels, "1"); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("singleAUC(%v, %v) = %v, want %v", tc.values, tc.labels, got, tc.want)
		}
	}
}

// On columns of few values, an independent training sample repeats every
// replayed row by chance: that is no copy, and is not refused; nor is a
// feature that separates a handful of records, which any column may do.
func TestLeakChecksNeedEvidence(t *testing.T) {
	coarse := func(from, n int) []datasets.Record {
		recs := make([]datasets.Record, n)
		for i := range recs {
			x := float64((from + i) % 3)
			y := map[bool]string{true: "1", false: "0"}[(from+i)%5 == 0]
			recs[i] = datasets.Record{Seq: i, Line: i + 2, Fields: map[string]any{"a": x, "y": y}}
		}
		return recs
	}
	cols := []string{"a", "y"}
	env := pipeline.Env{Name: "lr", Columns: cols, Label: "y", Positive: "1"}
	l := build(t, &Spec{Features: []string{"a"}, Train: &TrainSpec{File: "train.csv"}}, env)
	data := pipeline.TrainingData{
		Replay: func() (datasets.Reader, error) { return &sliceReader{cols: cols, recs: coarse(0, 300)}, nil },
		Open:   func(string) (datasets.Reader, error) { return &sliceReader{cols: cols, recs: coarse(1000, 300)}, nil },
		Label:  "y", Positive: "1",
	}
	if err := l.Train(context.Background(), data); err != nil {
		t.Errorf("a training sample of coarse columns: %v", err)
	}
	few := []datasets.Record{}
	for i := range 12 {
		y := map[bool]string{true: "1", false: "0"}[i%2 == 0]
		few = append(few, datasets.Record{Seq: i, Line: i + 2, Fields: map[string]any{"a": float64(i%2) + float64(i)/100, "y": y}})
	}
	l = build(t, &Spec{Features: []string{"a"}, Train: &TrainSpec{Folds: 2}}, env)
	if err := l.Train(context.Background(), memData(cols, few, "y", "1")); err != nil && strings.Contains(err.Error(), "alone predicts") {
		t.Errorf("12 records: %v", err)
	}
}

// The near-copy check refuses a copy of the replay with one column changed,
// and says nothing of an independent sample of the same source whose
// columns, one left out, match replayed records by chance.
func TestNearCopyNeedsEvidence(t *testing.T) {
	source := func(seed uint64, n int, tag string) []datasets.Record {
		rng := rand.New(rand.NewPCG(seed, 1))
		recs := make([]datasets.Record, n)
		for i := range recs {
			x, z := float64(rng.IntN(200)), float64(rng.IntN(200)) // without u, 19 in 20 sampled records differ
			recs[i] = datasets.Record{Seq: i, Fields: map[string]any{"u": fmt.Sprintf("%s-%d", tag, i), "x": x, "z": z,
				"y": map[bool]string{true: "1", false: "0"}[x+z > 200]}}
		}
		return recs
	}
	cols := []string{"u", "x", "y", "z"}
	run := func(replay, train []datasets.Record) (*pipeline.TrainingWarning, error) {
		near := newNearCheck(cols)
		for _, r := range replay {
			near.addReplayed(r)
		}
		for _, r := range train {
			near.addTraining(r)
		}
		return near.check("train.csv", 0, len(replay))
	}
	replay := source(1, 3000, "R")
	if w, err := run(replay, source(2, 3000, "T")); w != nil || err != nil {
		t.Errorf("an independent sample of the same source: %v, %v; want nothing", w, err)
	}
	copied := source(1, 3000, "R")
	for _, r := range copied {
		r.Fields["u"] = "copy-" + r.Fields["u"].(string)
	}
	if _, err := run(replay, copied); err == nil || !strings.Contains(err.Error(), `in every column but "u": a copy of the replay with that column changed`) {
		t.Errorf("the replay with its id-like column changed: %v, want a refusal", err)
	}
	if _, err := run(replay, append(source(2, 3000, "T"), copied[:400]...)); err != nil {
		t.Errorf("a tenth of the replay copied: %v, want at most a warning", err)
	}
}
