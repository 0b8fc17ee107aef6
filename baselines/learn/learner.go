package learn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/datasets/fieldexpr"
	"github.com/poc-harness/poc/pipeline"
)

// Learner is the pipeline built from a Spec. It implements pipeline.Trainer:
// Train fits it before the replay, after which Predict is safe for
// concurrent use.
type Learner struct {
	name      string
	model     string // logistic | text | majority
	algorithm string // logistic | naive_bayes
	features  []string
	text      textOptions
	balanced  bool
	threshold thresholdSpec
	fit       fitOptions
	seed      uint64
	positive  string
	proxies   []string // features acknowledged to predict the label almost alone

	trainFile string
	idCol     string      // with trainFile: the id column checked against the replay
	cuts      []time.Time // time cuts, increasing; one model per cut
	folds     int
	where     *fieldexpr.Program // selects training rows of the dataset file

	// Set by Train.
	timeCol  string
	schema   *table // column names and kinds, without data
	classes  []string
	posIndex int // index of the positive class when binary, else -1
	fitted   []*fitted
	nReplay  int // number of replayed records, with folds
}

var (
	_ pipeline.Pipeline        = (*Learner)(nil)
	_ pipeline.Trainer         = (*Learner)(nil)
	_ pipeline.TrainingChecker = (*Learner)(nil)
)

// fitted is one trained model: its encoder, weights and threshold, and the
// shape of the table it was trained on.
type fitted struct {
	enc       *encoder
	lin       *linear
	threshold float64
	schema    *table // column names and kinds, without data

	// With time cuts: the cut, the number of training records and the time
	// of the latest one (always before the cut).
	cut    time.Time
	rows   int
	latest time.Time
}

// Classes returns the classes learnt, sorted (nil before Train).
func (l *Learner) Classes() []string { return l.classes }

// Threshold returns the decision threshold on P(positive) of the model that
// scores fold k, or of the k-th time cut (k = 0 with a training file or one
// cut); NaN for a multi-class model.
func (l *Learner) Threshold(k int) float64 {
	if l.posIndex < 0 || k >= len(l.fitted) {
		return math.NaN()
	}
	return l.fitted[k].threshold
}

// DecisionThreshold is the threshold on P(positive) every fitted model
// decides at, when they share one (a fixed threshold, or one model); NaN
// before Train, for a multi-class model, or when the folds or time cuts
// chose thresholds of their own.
func (l *Learner) DecisionThreshold() float64 {
	if l.posIndex < 0 || len(l.fitted) == 0 {
		return math.NaN()
	}
	t := l.fitted[0].threshold
	for _, f := range l.fitted[1:] {
		if f.threshold != t {
			return math.NaN()
		}
	}
	return t
}

// Train reads the training records and fits the model (one per fold with
// cross-fitting, one per cut with time cuts). With a training file and an
// id column it first refuses a file that shares ids with the replay.
func (l *Learner) Train(ctx context.Context, data pipeline.TrainingData) error {
	if data.Label == "" {
		return errors.New("learn: the dataset has no label column to learn from")
	}
	if data.Positive != "" {
		l.positive = data.Positive
	}
	l.fitted = nil
	if len(l.cuts) > 0 {
		return l.trainWalkForward(ctx, data)
	}
	src, err := l.trainingSource(ctx, data)
	if err != nil {
		return err
	}
	t, err := l.readTraining(ctx, src, data)
	if err != nil {
		return err
	}
	y := l.classIndex(t)
	if l.folds > 0 {
		err = l.fitFolds(ctx, t, y)
	} else {
		err = l.fitAll(ctx, t, y, src.what)
	}
	if err != nil {
		return err
	}
	l.schema = t.schema()
	for _, f := range l.fitted {
		f.schema = l.schema
	}
	return nil
}

// CheckTraining reads the training data as Train does and makes its
// checks (overlap with the replay by id and by content, training rows in
// the replay, two classes, proxy features, category codes read as numbers)
// without fitting a model; what does not stop the run goes to data.Warn,
// as it does when training. A walk-forward learner is checked when it
// trains.
func (l *Learner) CheckTraining(ctx context.Context, data pipeline.TrainingData) error {
	if len(l.cuts) > 0 || data.Label == "" {
		return nil
	}
	if data.Positive != "" {
		l.positive = data.Positive
	}
	src, err := l.trainingSource(ctx, data)
	if err != nil {
		return err
	}
	_, err = l.readTraining(ctx, src, data)
	return err
}

// trainingSource is where Train reads its records from, and the checks the
// records pass on the way.
type trainingSource struct {
	open    func() (datasets.Reader, error)
	what    string // names the source in errors
	filter  func(datasets.Record) (bool, error)
	overlap *overlapCheck
	content *contentCheck
	// model checks the content in the columns the model reads only (nil
	// when those are every shared column).
	model *contentCheck
}

// trainingSource opens the training file, with its check against the
// replay (by id column, or by content without one), or else the replayed
// records themselves.
func (l *Learner) trainingSource(ctx context.Context, data pipeline.TrainingData) (*trainingSource, error) {
	src := &trainingSource{}
	switch {
	case l.trainFile != "":
		src.what = fmt.Sprintf("training file %q", l.trainFile)
		if data.Open == nil {
			return nil, errors.New("learn: the runner gave no way to open the training file")
		}
		src.open = func() (datasets.Reader, error) { return data.Open(l.trainFile) }
		var err error
		if l.idCol != "" {
			if src.overlap, err = l.replayedIDs(ctx, data); err != nil {
				return nil, err
			}
			src.open = requireColumn(src.open, l.idCol)
		}
		// By content too, leaving the ids out: a copy of replayed records
		// under new ids is the same records; and in the model's columns
		// alone: a copy with another column changed is still the records
		// the model is scored on.
		model := append(append([]string{data.Label}, l.features...), l.text.fields...)
		if src.content, src.model, err = replayedRows(ctx, data, src.open, model, l.idCol, data.ID); err != nil {
			return nil, err
		}
		src.filter = func(rec datasets.Record) (bool, error) {
			if src.overlap != nil {
				src.overlap.keep(rec)
			}
			if src.model != nil {
				src.model.keep(rec)
			}
			return src.content.keep(rec)
		}
	case l.where != nil:
		src.what = fmt.Sprintf("training rows where %s", l.where.Source())
		if err := l.replayedTrainingRows(ctx, data); err != nil {
			return nil, err
		}
		src.open = data.All
		src.filter = func(rec datasets.Record) (bool, error) {
			ok, err := l.where.Bool(rec.Fields)
			if err != nil {
				return false, fmt.Errorf("line %d: train.where: %w", rec.Line, err)
			}
			return ok, nil
		}
	default:
		src.what = "replayed records"
		src.open = data.Replay
	}
	if src.open == nil {
		return nil, errors.New("learn: the runner gave no way to open the training data")
	}
	return src, nil
}

// readTraining reads the labelled records of src into a table, refuses a
// training file that overlaps the replay (and warns of one that repeats a
// few replayed records), and fixes the classes.
func (l *Learner) readTraining(ctx context.Context, src *trainingSource, data pipeline.TrainingData) (*table, error) {
	t, err := l.readTable(ctx, src.open, data.Label, src.filter)
	if err != nil {
		return nil, fmt.Errorf("learn: read %s: %w", src.what, err)
	}
	if src.overlap != nil {
		if err := src.overlap.err(l.trainFile); err != nil {
			return nil, err
		}
	}
	if src.content != nil {
		w, err := src.content.check(l.trainFile)
		if err != nil {
			return nil, err
		}
		if w != nil {
			data.Warning(*w)
		}
		if w, err := src.content.near.check(l.trainFile, src.content.repeated(), src.content.records); err != nil {
			return nil, err
		} else if w != nil {
			data.Warning(*w)
		}
		if src.model != nil {
			w, err := src.model.checkModelColumns(l.trainFile, src.content.repeated())
			if err != nil {
				return nil, err
			}
			if w != nil {
				data.Warning(*w)
			}
		}
	}
	if t.rows() == 0 {
		return nil, fmt.Errorf("learn: %s: no labelled records to train on", src.what)
	}
	if err := l.setClasses(t); err != nil {
		return nil, fmt.Errorf("learn: %s: %w", src.what, err)
	}
	if err := l.checkProxies(t); err != nil {
		return nil, err
	}
	l.checkCodes(t, data)
	return t, nil
}

// fitFolds cross-fits one model per fold: the model of fold k is trained on
// the records whose Seq mod folds is not k.
func (l *Learner) fitFolds(ctx context.Context, t *table, y []int) error {
	l.nReplay = 0
	for _, s := range t.seqs {
		l.nReplay = max(l.nReplay, s+1)
	}
	for k := 0; k < l.folds; k++ {
		var rows []int
		for i, s := range t.seqs {
			if s%l.folds != k {
				rows = append(rows, i)
			}
		}
		f, err := l.fitRows(ctx, t, y, rows)
		if err != nil {
			return fmt.Errorf("learn: fold %d of %d: %w", k+1, l.folds, err)
		}
		l.fitted = append(l.fitted, f)
	}
	return nil
}

// fitAll fits one model on every row of t, read from the source named what.
func (l *Learner) fitAll(ctx context.Context, t *table, y []int, what string) error {
	rows := make([]int, t.rows())
	for i := range rows {
		rows[i] = i
	}
	f, err := l.fitRows(ctx, t, y, rows)
	if err != nil {
		return fmt.Errorf("learn: %s: %w", what, err)
	}
	l.fitted = []*fitted{f}
	return nil
}

// readTable reads the labelled records that pass keep into a table.
func (l *Learner) readTable(ctx context.Context, open func() (datasets.Reader, error), label string, keep func(datasets.Record) (bool, error)) (*table, error) {
	r, err := open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	have := map[string]bool{}
	for _, c := range r.Columns() {
		have[c] = true
	}
	for _, c := range append(append([]string{label}, l.features...), l.text.fields...) {
		if !have[c] {
			return nil, fmt.Errorf("column %q is missing", c)
		}
	}
	t := &table{}
	for _, f := range l.features {
		t.cols = append(t.cols, &column{name: f})
	}
	if len(l.text.fields) > 0 {
		t.words = [][]string{}
		if l.text.charLo > 0 {
			t.chars = [][]string{}
		}
	}
	err = datasets.Each(ctx, r, func(rec datasets.Record) error {
		lab := datasets.FormatValue(rec.Fields[label])
		if lab == "" {
			return nil
		}
		if keep != nil {
			ok, err := keep(rec)
			if err != nil || !ok {
				return err
			}
		}
		t.labels = append(reserve(t.labels, 1), lab)
		t.seqs = append(reserve(t.seqs, 1), rec.Seq)
		for i, f := range l.features {
			t.cols[i].add(rec.Fields[f])
		}
		if t.words != nil {
			doc := document(rec.Fields, l.text.fields)
			t.words = append(t.words, wordTerms(doc))
			if t.chars != nil {
				t.chars = append(t.chars, charTerms(doc, l.text.charLo, l.text.charHi))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// setClasses fixes the classes and, for two, which one is positive.
func (l *Learner) setClasses(t *table) error {
	seen := map[string]bool{}
	for _, lab := range t.labels {
		seen[lab] = true
	}
	l.classes = l.classes[:0]
	for c := range seen {
		l.classes = append(l.classes, c)
	}
	sort.Strings(l.classes)
	l.posIndex = -1
	switch {
	case len(l.classes) < 2:
		return fmt.Errorf("the training labels have one class (%v): nothing to learn", l.classes)
	case len(l.classes) == 2:
		pos := l.positive
		if pos == "" {
			pos = l.classes[1] // "1" of 0/1, "yes" of no/yes
		}
		for i, c := range l.classes {
			if c == pos {
				l.posIndex = i
			}
		}
		if l.posIndex < 0 {
			return fmt.Errorf("the positive class %q is not among the training labels %v", pos, l.classes)
		}
	default:
		if l.threshold.targetFPR > 0 || l.threshold.targetPre > 0 {
			return fmt.Errorf("a target threshold needs a binary label; the training labels have %d classes", len(l.classes))
		}
	}
	return nil
}

// classIndex maps the labels to class indexes; with two classes, 1 is the
// positive class.
func (l *Learner) classIndex(t *table) []int {
	idx := map[string]int{}
	for i, c := range l.classes {
		idx[c] = i
		if l.posIndex >= 0 {
			idx[c] = 0
			if i == l.posIndex {
				idx[c] = 1
			}
		}
	}
	y := make([]int, t.rows())
	for i, lab := range t.labels {
		y[i] = idx[lab]
	}
	return y
}

// fitRows fits one model on the given rows and chooses its threshold.
func (l *Learner) fitRows(ctx context.Context, t *table, y []int, rows []int) (*fitted, error) {
	f, err := l.fitModel(ctx, t, y, rows)
	if err != nil {
		return nil, err
	}
	f.threshold = l.threshold.fixed
	if l.threshold.targetFPR > 0 || l.threshold.targetPre > 0 {
		scores, err := l.innerScores(ctx, t, y, rows)
		if err != nil {
			return nil, fmt.Errorf("choose threshold: %w", err)
		}
		labels := make([]int, len(rows))
		for i, r := range rows {
			labels[i] = y[r]
		}
		if f.threshold, err = chooseThreshold(scores, labels, l.threshold); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// fitModel fits an encoder and a classifier on the given rows.
func (l *Learner) fitModel(ctx context.Context, t *table, y []int, rows []int) (*fitted, error) {
	enc := fitEncoder(t, rows, l.text)
	x := enc.matrix(t, rows)
	ys := make([]int, len(rows))
	for i, r := range rows {
		ys[i] = y[r]
	}
	k := len(l.classes)
	if l.model == "majority" {
		return &fitted{enc: enc, lin: priors(ys, k)}, nil
	}
	if l.algorithm == "naive_bayes" {
		return &fitted{enc: enc, lin: fitComplementNB(x, ys, k, 1)}, nil
	}
	var sw []float64
	if l.balanced {
		counts := make([]float64, k)
		for _, c := range ys {
			counts[c]++
		}
		sw = make([]float64, len(ys))
		for i, c := range ys {
			sw[i] = float64(len(ys)) / (float64(k) * counts[c])
		}
	}
	lin, err := fitLinear(ctx, x, ys, sw, k, l.fit)
	if err != nil {
		return nil, err
	}
	return &fitted{enc: enc, lin: lin}, nil
}

// innerFolds is the number of inner folds that score the training data for
// a target threshold.
const innerFolds = 5

// innerScores returns out-of-fold P(positive) for the given training rows
// (inner cross-fitting, so the threshold is not chosen on scores of records
// the model saw, nor on the replayed records it will score).
func (l *Learner) innerScores(ctx context.Context, t *table, y []int, rows []int) ([]float64, error) {
	perm := rand.New(rand.NewPCG(l.seed, 0x1ea4)).Perm(len(rows))
	fold := make([]int, len(rows))
	for i, p := range perm {
		fold[p] = i % innerFolds
	}
	scores := make([]float64, len(rows))
	p := make([]float64, max(2, len(l.classes)))
	var col []int32
	var val []float64
	for k := 0; k < innerFolds; k++ {
		var train []int
		for i, r := range rows {
			if fold[i] != k {
				train = append(train, r)
			}
		}
		f, err := l.fitModel(ctx, t, y, train)
		if err != nil {
			return nil, err
		}
		for i, r := range rows {
			if fold[i] == k {
				col, val = f.enc.encode(tableRow{t, r}, col[:0], val[:0])
				f.lin.probs(col, val, p)
				scores[i] = p[1]
			}
		}
	}
	return scores, nil
}

// chooseThreshold picks the lowest threshold that keeps the false-positive
// rate at or below the target, or the lowest whose precision reaches the
// target (the one with the most recall), on (score, label) pairs.
func chooseThreshold(scores []float64, labels []int, th thresholdSpec) (float64, error) {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	var nNeg, nPos int
	for _, y := range labels {
		if y == 1 {
			nPos++
		} else {
			nNeg++
		}
	}
	if nNeg == 0 || nPos == 0 {
		return 0, errors.New("the training data needs both classes to choose a threshold")
	}
	// Walk down the distinct scores; a threshold at score s flags every
	// record with a score >= s.
	best := math.NaN()
	tp, fp := 0, 0
	for i := 0; i < len(idx); {
		s := scores[idx[i]]
		for i < len(idx) && scores[idx[i]] == s {
			if labels[idx[i]] == 1 {
				tp++
			} else {
				fp++
			}
			i++
		}
		if th.targetFPR > 0 {
			if float64(fp) > th.targetFPR*float64(nNeg) {
				break
			}
			best = s
		} else if float64(tp) >= th.targetPre*float64(tp+fp) {
			best = s
		}
	}
	if math.IsNaN(best) {
		if th.targetFPR > 0 {
			// Even the highest score exceeds the rate: flag nothing.
			return math.Nextafter(scores[idx[0]], math.Inf(1)), nil
		}
		return 0, fmt.Errorf("no threshold reaches precision %.3g on the training data", th.targetPre)
	}
	return best, nil
}

// fitComplementNB fits complement naive Bayes (Rennie et al. 2003, as
// scikit-learn's ComplementNB with norm=False) with smoothing alpha. The
// result is a linear model whose softmax gives normalised class scores.
func fitComplementNB(x *matrix, y []int, k int, alpha float64) *linear {
	d := x.nCols
	count := make([]float64, d*k)
	total := make([]float64, d)
	for i := 0; i < x.rows(); i++ {
		c := y[i]
		for t := x.rowPtr[i]; t < x.rowPtr[i+1]; t++ {
			j := int(x.col[t])
			count[j*k+c] += x.val[t]
			total[j] += x.val[t]
		}
	}
	w := make([]float64, (d+1)*k)
	for c := 0; c < k; c++ {
		var sum float64
		for j := 0; j < d; j++ {
			sum += total[j] - count[j*k+c] + alpha
		}
		logSum := math.Log(sum)
		for j := 0; j < d; j++ {
			w[j*k+c] = -(math.Log(total[j]-count[j*k+c]+alpha) - logSum)
		}
	}
	return &linear{k: k, d: d, w: w}
}

// Outputs says that a learner gives a label and its score.
func (l *Learner) Outputs() []string { return []string{pipeline.OutputLabel, pipeline.OutputScore} }

// Predict scores one record with the model that never saw it.
func (l *Learner) Predict(ctx context.Context, rec datasets.Record) (pipeline.Output, error) {
	if len(l.fitted) == 0 {
		return pipeline.Output{}, errors.New("learn: not trained (the runner calls Train before the replay)")
	}
	f := l.fitted[0]
	var cut string
	switch {
	case l.folds > 0:
		if rec.Seq < 0 || rec.Seq >= l.nReplay {
			return pipeline.Output{}, fmt.Errorf("learn: record %d was not in the replay the folds were fitted on", rec.Seq)
		}
		f = l.fitted[rec.Seq%l.folds]
	case len(l.cuts) > 0:
		k, err := l.cutFor(rec)
		if err != nil {
			return pipeline.Output{}, err
		}
		f = l.fitted[k]
		cut = f.cut.Format(time.RFC3339)
	}
	col, val := f.enc.encode(recordRow{t: f.schema, fields: rec.Fields, text: l.text}, nil, nil)
	p := make([]float64, max(2, len(l.classes)))
	f.lin.probs(col, val, p)
	var out pipeline.Output
	out.HasScore = true
	if cut != "" {
		out.Fields = map[string]any{"model_cut": cut}
	}
	if l.posIndex >= 0 {
		out.Score = p[1]
		neg := l.classes[1-l.posIndex]
		out.Label = neg
		if p[1] >= f.threshold {
			out.Label = l.classes[l.posIndex]
		}
		return out, nil
	}
	best := 0
	for c := range l.classes {
		if p[c] > p[best] {
			best = c
		}
	}
	out.Label, out.Score = l.classes[best], p[best]
	return out, nil
}

// priors is the model of `model: majority`: no weights, and intercepts that
// make every record's probabilities the training labels' class shares, so
// the label is the most frequent class and the score its share.
func priors(ys []int, k int) *linear {
	counts := make([]float64, k)
	for _, c := range ys {
		counts[c]++
	}
	if k == 2 {
		return &linear{k: 1, w: []float64{math.Log(counts[1] / counts[0])}}
	}
	w := make([]float64, k)
	for c, n := range counts {
		w[c] = math.Log(n)
	}
	return &linear{k: k, w: w}
}

// TrainsOn names the records the learner learns from when they are not the
// replayed records themselves ("" with folds): the training file, the time
// cuts or the where expression. It implements pipeline.TrainingSet.
func (l *Learner) TrainsOn() string {
	switch {
	case l.trainFile != "":
		return fmt.Sprintf("the training file %q", l.trainFile)
	case len(l.cuts) > 0:
		return fmt.Sprintf("the records before %s", l.cuts[0].Format(time.DateOnly))
	case l.where != nil:
		return fmt.Sprintf("the rows where %s", l.where.Source())
	}
	return ""
}

// replayedTrainingRows refuses a replay that holds rows train.where
// selects: the model would score records it learnt from.
func (l *Learner) replayedTrainingRows(ctx context.Context, data pipeline.TrainingData) error {
	if data.Replay == nil || data.All == nil {
		return errors.New("learn: the runner gave no way to open the dataset file for train.where")
	}
	r, err := data.Replay()
	if err != nil {
		return fmt.Errorf("learn: read the replayed records for train.where: %w", err)
	}
	defer r.Close()
	var n, total int
	err = datasets.Each(ctx, r, func(rec datasets.Record) error {
		total++
		ok, err := l.where.Bool(rec.Fields)
		if err != nil {
			return fmt.Errorf("line %d: train.where: %w", rec.Line, err)
		}
		if ok {
			n++
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("learn: check the replay against train.where: %w", err)
	}
	if n > 0 {
		return pipeline.Errorf("train.where", "refused: %d of the %d replayed records are training rows (train.where %s), so the model would score records it learnt from: leave them out of the replay with `dataset.filter: '!(%s)'`",
			n, total, l.where.Source(), l.where.Source())
	}
	return nil
}
