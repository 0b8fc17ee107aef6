package learn

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

// trainWalkForward fits one model per time cut, each on the labelled records
// of the whole dataset file strictly before its cut. Each model's table is
// read afresh with its own filter, so nothing about a record at or after the
// cut reaches it: not its features, its label, nor whether a column holds
// text (which decides how the column is encoded). The models are fitted once
// each, in a fixed order, and the fit is deterministic.
func (l *Learner) trainWalkForward(ctx context.Context, data pipeline.TrainingData) error {
	if data.Time == "" {
		return errors.New("learn: train.before needs the dataset's `time:` column")
	}
	if data.All == nil {
		return errors.New("learn: the runner gave no way to open the dataset file for train.before")
	}
	l.timeCol = data.Time
	l.fitted = make([]*fitted, len(l.cuts))
	// The records before the last cut include those before every other
	// cut: they fix the classes, which every model must share.
	for k := len(l.cuts) - 1; k >= 0; k-- {
		cut := l.cuts[k]
		what := "records before " + cut.Format(time.RFC3339)
		var latest time.Time
		keep := func(rec datasets.Record) (bool, error) {
			at, err := datasets.ParseTime(rec.Fields[data.Time])
			if err != nil {
				return false, fmt.Errorf("line %d: time column %q: %w", rec.Line, data.Time, err)
			}
			if !at.Before(cut) {
				return false, nil
			}
			if latest.IsZero() || at.After(latest) {
				latest = at
			}
			return true, nil
		}
		t, err := l.readTable(ctx, data.All, data.Label, keep)
		if err != nil {
			return fmt.Errorf("learn: read %s: %w", what, err)
		}
		if t.rows() == 0 {
			return fmt.Errorf("learn: %s: no labelled records to train on", what)
		}
		if k == len(l.cuts)-1 {
			if err := l.setClasses(t); err != nil {
				return fmt.Errorf("learn: %s: %w", what, err)
			}
			// The records before the last cut hold those of every
			// model: their codes are the ones to warn of.
			l.checkCodes(t, data)
		} else if classes := distinct(t.labels); len(classes) < 2 {
			return fmt.Errorf("learn: %s: the training labels have one class (%v): nothing to learn; move the first cut later", what, classes)
		}
		rows := make([]int, t.rows())
		for i := range rows {
			rows[i] = i
		}
		f, err := l.fitRows(ctx, t, l.classIndex(t), rows)
		if err != nil {
			return fmt.Errorf("learn: %s: %w", what, err)
		}
		f.schema, f.cut, f.rows, f.latest = t.schema(), cut, t.rows(), latest
		l.fitted[k] = f
	}
	l.schema = l.fitted[len(l.fitted)-1].schema
	return nil
}

// distinct returns the distinct values of s, sorted.
func distinct(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	return slices.Compact(out)
}

// cutFor returns the index of the latest cut at or before the record's time,
// whose model scores it. A record before the first cut was training data
// and is refused.
func (l *Learner) cutFor(rec datasets.Record) (int, error) {
	t, err := datasets.ParseTime(rec.Fields[l.timeCol])
	if err != nil {
		return 0, fmt.Errorf("learn: time column %q: %w", l.timeCol, err)
	}
	k := sort.Search(len(l.cuts), func(i int) bool { return l.cuts[i].After(t) }) - 1
	if k < 0 {
		which := "the cut"
		if len(l.cuts) > 1 {
			which = "the first cut"
		}
		return 0, fmt.Errorf("learn: refused: the record was used for training (its time %s is before %s %s)",
			t.Format(time.RFC3339), which, l.cuts[0].Format(time.RFC3339))
	}
	return k, nil
}

// shownIDs is how many overlapping ids an error names.
const shownIDs = 5

// overlapCheck finds the ids of a training file that are also replayed.
type overlapCheck struct {
	col      string
	replayed map[string]bool
	found    map[string]bool
	first    []string // the first shownIDs found, in training-file order
}

// replayedIDs reads the ids of the replayed records.
func (l *Learner) replayedIDs(ctx context.Context, data pipeline.TrainingData) (*overlapCheck, error) {
	if data.Replay == nil {
		return nil, errors.New("learn: train.id: the runner gave no way to open the replayed records")
	}
	r, err := data.Replay()
	if err != nil {
		return nil, fmt.Errorf("learn: train.id: open the replayed records: %w", err)
	}
	defer r.Close()
	if !slices.Contains(r.Columns(), l.idCol) {
		return nil, fmt.Errorf("learn: train.id: the replayed records have no column %q", l.idCol)
	}
	c := &overlapCheck{col: l.idCol, replayed: map[string]bool{}, found: map[string]bool{}}
	err = datasets.Each(ctx, r, func(rec datasets.Record) error {
		if id := datasets.FormatValue(rec.Fields[l.idCol]); id != "" {
			c.replayed[id] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("learn: train.id: read the replayed records: %w", err)
	}
	return c, nil
}

// keep notes a training record whose id is replayed; it keeps every record
// (the error comes once the whole file is read, with the count).
func (c *overlapCheck) keep(rec datasets.Record) (bool, error) {
	id := datasets.FormatValue(rec.Fields[c.col])
	if id != "" && c.replayed[id] && !c.found[id] {
		c.found[id] = true
		if len(c.first) < shownIDs {
			c.first = append(c.first, id)
		}
	}
	return true, nil
}

// err refuses a training file that shares ids with the replay.
func (c *overlapCheck) err(file string) error {
	n := len(c.found)
	if n == 0 {
		return nil
	}
	quoted := make([]string, len(c.first))
	for i, id := range c.first {
		quoted[i] = strconv.Quote(id)
	}
	list := strings.Join(quoted, ", ")
	if n > len(c.first) {
		list += fmt.Sprintf(" and %d more", n-len(c.first))
	}
	ids := "ids"
	if n == 1 {
		ids = "id"
	}
	return pipeline.Errorf("train.file", "refused: training file %q shares %d %s (column %q) with the replayed records: %s; "+
		"a model must not score a record it was trained on, so take them out of the training file or the replay",
		file, n, ids, c.col, list)
}

// requireColumn wraps open so that a reader without column col is an error.
func requireColumn(open func() (datasets.Reader, error), col string) func() (datasets.Reader, error) {
	return func() (datasets.Reader, error) {
		r, err := open()
		if err != nil {
			return nil, err
		}
		if !slices.Contains(r.Columns(), col) {
			r.Close()
			return nil, fmt.Errorf("column %q (train.id) is missing", col)
		}
		return r, nil
	}
}

// contentShare is the share of the replayed records that may reappear
// verbatim in a training file without an id column before the file is
// refused: a few identical rows happen by chance, a training file that is
// the replay (or a copy of it) repeats all of them.
const contentShare = 0.10

// contentCheck finds training records that repeat a replayed record in
// every column the two share (or in the model's columns only: see
// checkModelColumns).
type contentCheck struct {
	h    maphash.Hash
	cols []string
	ids  []string // id columns left out of the comparison
	// replayed counts the replayed records by hash; found marks the hashes
	// the training file repeats; trained counts the training records by
	// hash (kept for the model's columns only).
	replayed map[uint64]int
	records  int
	found    map[uint64]bool
	trained  map[uint64]int
	training int
	// near compares the training file with the replay in every shared
	// column but one (nil when it is not made).
	near *nearCheck
}

// replayedRows reads the replay once and hashes every replayed record's
// values in the columns it shares with the training file that open opens
// (content, with the near-copy check), and in those of them that are among
// model, the columns the model reads (nil when they are all of them); the
// exclude columns (ids) are left out of both.
func replayedRows(ctx context.Context, data pipeline.TrainingData, open func() (datasets.Reader, error), model []string,
	exclude ...string) (content, inModel *contentCheck, err error) {
	if data.Replay == nil {
		return nil, nil, errors.New("learn: the runner gave no way to open the replayed records")
	}
	t, err := open()
	if err != nil {
		return nil, nil, err
	}
	trainCols := t.Columns()
	t.Close()
	r, err := data.Replay()
	if err != nil {
		return nil, nil, fmt.Errorf("learn: open the replayed records: %w", err)
	}
	defer r.Close()
	content = &contentCheck{replayed: map[uint64]int{}, found: map[uint64]bool{}}
	inModel = &contentCheck{replayed: map[uint64]int{}, found: map[uint64]bool{}, trained: map[uint64]int{}}
	for _, col := range r.Columns() {
		if slices.Contains(exclude, col) {
			content.ids = append(content.ids, col)
			continue
		}
		if slices.Contains(trainCols, col) {
			content.cols = append(content.cols, col)
			if slices.Contains(model, col) {
				inModel.cols = append(inModel.cols, col)
			}
		}
	}
	slices.Sort(content.cols)
	slices.Sort(inModel.cols)
	inModel.ids = content.ids
	if slices.Equal(inModel.cols, content.cols) {
		inModel = nil // the model reads every shared column: the content check is that check
	}
	content.near = newNearCheck(content.cols)
	err = datasets.Each(ctx, r, func(rec datasets.Record) error {
		content.replayed[content.hash(rec)]++
		content.records++
		if content.near != nil {
			content.near.addReplayed(rec)
		}
		if inModel != nil {
			inModel.replayed[inModel.hash(rec)]++
			inModel.records++
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("learn: read the replayed records: %w", err)
	}
	return content, inModel, nil
}

// hash is a hash of a record's values in the shared columns.
//
// It writes each value by its kind, without formatting numbers: numbers as
// float64 and times as RFC 3339 text, so that a training file read by
// another reader than the replay's still matches. It runs once
// for every replayed and every training record.
func (c *contentCheck) hash(rec datasets.Record) uint64 {
	h := &c.h
	h.Reset()
	for _, k := range c.cols {
		writeValue(h, rec.Fields[k])
		h.WriteByte(0xff) // a separator, so that "ab","c" and "a","bc" differ
	}
	return h.Sum64()
}

// writeValue writes v to h by its kind (see contentCheck.hash).
func writeValue(h *maphash.Hash, v any) {
	var buf [8]byte
	switch v := v.(type) {
	case nil:
		h.WriteByte(0)
	case string:
		h.WriteByte(1)
		h.WriteString(v)
	case float64:
		h.WriteByte(2)
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
		h.Write(buf[:])
	case int64: // as a float64, so that 1 and 1.0 from two readers agree
		h.WriteByte(2)
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(float64(v)))
		h.Write(buf[:])
	case time.Time: // as text, so that a Parquet time and a CSV cell agree
		h.WriteByte(1)
		h.WriteString(v.UTC().Format(time.RFC3339Nano))
	case bool:
		h.WriteByte(4)
		if v {
			h.WriteByte(1)
		} else {
			h.WriteByte(0)
		}
	default:
		h.WriteByte(5)
		h.WriteString(datasets.FormatValue(v))
	}
}

// keep notes a training record that repeats a replayed one; it keeps every
// record (the error comes once the whole file is read, with the count).
func (c *contentCheck) keep(rec datasets.Record) (bool, error) {
	h := c.hash(rec)
	if c.replayed[h] > 0 {
		c.found[h] = true
	}
	if c.trained != nil {
		c.trained[h]++
		c.training++
	}
	if c.near != nil {
		c.near.addTraining(rec)
	}
	return true, nil
}

// repeated is how many replayed records the training file repeats,
// counted with their multiplicity.
func (c *contentCheck) repeated() int {
	n := 0
	for h := range c.found {
		n += c.replayed[h]
	}
	return n
}

// modelUnique is the share of records, in the replay and in the training
// file, that their values in the model's columns must tell apart before a
// repeat there says the records were copied: on coarse columns, an
// independent sample repeats the replay by chance.
const modelUnique = 0.9

// checkModelColumns refuses a training file that repeats contentShare or
// more of the replayed records in the columns the model reads (its
// features, text fields and label), and warns of one that repeats fewer,
// where the check of every shared column found fewer repeats (other found
// by it): a copy of the replay with a column added, dropped or changed — a
// note, an export time, a reformatted id — is still the records the model
// is scored on. It says nothing unless the model's columns tell at least
// modelUnique of the records apart in both files.
func (c *contentCheck) checkModelColumns(file string, other int) (*pipeline.TrainingWarning, error) {
	if c.records == 0 || c.training == 0 || float64(len(c.replayed)) < modelUnique*float64(c.records) ||
		float64(len(c.trained)) < modelUnique*float64(c.training) {
		return nil, nil
	}
	n := c.repeated()
	if n <= other {
		return nil, nil
	}
	cols := strings.Join(c.cols, ", ")
	if float64(n) < contentShare*float64(c.records) {
		return &pipeline.TrainingWarning{Field: "train.file",
			Msg: fmt.Sprintf("training file %q repeats %d of the %d replayed records in the columns the model reads (%s), though other columns differ: "+
				"the model is scored on records it was trained on, which flatters its results", file, n, c.records, cols),
			Hint: fmt.Sprintf("drop the repeated records from the training file; one that repeats %.0f%% or more of the replayed records is refused",
				100*contentShare)}, nil
	}
	return nil, pipeline.Errorf("train.file", "refused: training file %q repeats %d of the %d replayed records in the columns the model reads (%s), "+
		"though other columns differ: the same records with a column added, dropped or changed; a model must not score records it was trained on, "+
		"so take them out of the training file", file, n, c.records, cols)
}

// check refuses a training file that repeats contentShare or more of the
// replayed records, counted with their multiplicity, and warns of one that
// repeats fewer: a model scored on records it was trained on looks better
// than it is, a little or a lot. Where the replayed rows are mostly not
// unique (a few categorical columns), a repeat says nothing about copying,
// and the check is left out.
func (c *contentCheck) check(file string) (*pipeline.TrainingWarning, error) {
	if c.records == 0 || 2*len(c.replayed) < c.records {
		return nil, nil
	}
	n := c.repeated()
	if n == 0 {
		return nil, nil
	}
	if float64(n) < contentShare*float64(c.records) {
		what := "in every column"
		if len(c.ids) > 0 {
			what = fmt.Sprintf("in every column but the id %q", c.ids[0])
		}
		return &pipeline.TrainingWarning{Field: "train.file",
			Msg: fmt.Sprintf("training file %q repeats %d of the %d replayed records %s: the model is scored on records it was trained on, "+
				"which flatters its results", file, n, c.records, what),
			Hint: fmt.Sprintf("drop the repeated records from the training file; one that repeats %.0f%% or more of the replayed records is refused",
				100*contentShare)}, nil
	}
	if len(c.ids) > 0 {
		return nil, pipeline.Errorf("train.file", "refused: training file %q repeats %d of the %d replayed records in every column but the id %q: "+
			"the replayed records themselves, whatever their ids (the ids are left out of the comparison); a model must not score records it was trained on, so take them out of the training file",
			file, n, c.records, c.ids[0])
	}
	return nil, pipeline.Errorf("train.file", "refused: training file %q repeats %d of the %d replayed records in every column: "+
		"a model must not score records it was trained on; take them out of the training file, or name the record id "+
		"(dataset.id) so that poc checks the overlap record by record", file, n, c.records)
}

// Proxy thresholds: a feature that alone ranks the two classes with an AUC
// of at least proxyAUC, or whose values alone decide the class for at least
// proxyAccuracy of the records (with few distinct values, and a label that
// is not nearly constant), carries the answer.
const (
	proxyAUC      = 0.98
	proxyAccuracy = 0.99
	// proxyMinClass is the fewest records of each class (with a value) the
	// check needs: on fewer, a near-perfect ranking happens by chance.
	proxyMinClass = 20
)

// checkProxies refuses a feature that alone predicts the label almost
// perfectly on the training data, unless the file acknowledges it under
// proxies: a column equal to the label under another name (a decision
// recorded after the fact, an amount only known for accepted applicants)
// gives a model a GO it would never earn in production.
func (l *Learner) checkProxies(t *table) error {
	for _, c := range t.cols {
		if slices.Contains(l.proxies, c.name) {
			continue
		}
		how := l.proxyStrength(t, c)
		if how == "" {
			continue
		}
		return pipeline.Errorf(l.featureField(c.name), "refused: feature %q alone predicts the label almost perfectly on the training data (%s): "+
			"it most likely carries the answer, as a decision or an amount recorded after the fact would; drop it, list it under "+
			"leaking:, or, if it is truly known when the decision is made, acknowledge it under proxies: [%s]", c.name, how, c.name)
	}
	return nil
}

// featureField is the path of feature name in the learner's block
// ("features[i]", or "text[i]" for a text field), for a positioned error.
func (l *Learner) featureField(name string) string {
	if i := slices.Index(l.features, name); i >= 0 {
		return fmt.Sprintf("features[%d]", i)
	}
	if i := slices.Index(l.text.fields, name); i >= 0 {
		return fmt.Sprintf("text[%d]", i)
	}
	return "features"
}

// proxyStrength says how well column c alone predicts the label, when it
// does so almost perfectly; "" otherwise.
func (l *Learner) proxyStrength(t *table, c *column) string {
	if !c.categorical && l.posIndex >= 0 {
		if !enoughOfEach(c.nums, t.labels, l.classes[l.posIndex]) {
			return ""
		}
		if auc := singleAUC(c.nums, t.labels, l.classes[l.posIndex]); auc >= proxyAUC {
			return fmt.Sprintf("alone, its values rank the classes with an AUC of %.3f", auc)
		}
		return ""
	}
	if !c.categorical {
		return ""
	}
	byValue := map[string]map[string]int{}
	classes := map[string]int{}
	for i, v := range c.strs {
		if byValue[v] == nil {
			byValue[v] = map[string]int{}
		}
		byValue[v][t.labels[i]]++
		classes[t.labels[i]]++
	}
	n := len(c.strs)
	if n < 5*proxyMinClass || len(byValue) > min(50, n/10) || float64(maxCount(classes)) >= 0.95*float64(n) {
		return "" // an id-like column, or a label too constant for purity to mean anything
	}
	right := 0
	for _, counts := range byValue {
		right += maxCount(counts)
	}
	if acc := float64(right) / float64(n); acc >= proxyAccuracy {
		return fmt.Sprintf("its %d values decide the class of %.1f%% of the records", len(byValue), 100*acc)
	}
	return ""
}

// enoughOfEach reports whether both classes have proxyMinClass records
// with a value.
func enoughOfEach(values []float64, labels []string, positive string) bool {
	var pos, neg int
	for i, v := range values {
		switch {
		case math.IsNaN(v):
		case labels[i] == positive:
			pos++
		default:
			neg++
		}
	}
	return pos >= proxyMinClass && neg >= proxyMinClass
}

// maxCount is the largest count of the map.
func maxCount(m map[string]int) int {
	best := 0
	for _, v := range m {
		best = max(best, v)
	}
	return best
}

// singleAUC is the larger of AUC and 1 − AUC of the values as a score for
// the positive class (ties count one half; missing values are left out).
func singleAUC(values []float64, labels []string, positive string) float64 {
	type pt struct {
		v   float64
		pos bool
	}
	var pts []pt
	var npos, nneg float64
	for i, v := range values {
		if math.IsNaN(v) {
			continue
		}
		p := labels[i] == positive
		pts = append(pts, pt{v, p})
		if p {
			npos++
		} else {
			nneg++
		}
	}
	if npos == 0 || nneg == 0 {
		return 0
	}
	slices.SortFunc(pts, func(a, b pt) int { return cmp.Compare(a.v, b.v) })
	// Mann–Whitney: the sum of the positives' mid-ranks.
	var rankSum float64
	for i := 0; i < len(pts); {
		j := i
		for j < len(pts) && pts[j].v == pts[i].v {
			j++
		}
		mid := float64(i+j+1) / 2 // ranks i+1 … j
		for k := i; k < j; k++ {
			if pts[k].pos {
				rankSum += mid
			}
		}
		i = j
	}
	auc := (rankSum - npos*(npos+1)/2) / (npos * nneg)
	return math.Max(auc, 1-auc)
}
