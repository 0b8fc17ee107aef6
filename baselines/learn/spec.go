package learn

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/datasets/fieldexpr"
	"github.com/poc-harness/poc/pipeline"
)

func init() {
	pipeline.Register("learn", func() pipeline.Spec { return new(Spec) })
}

// Spec configures `type: learn`, a classic model trained before the replay
// without ever scoring a record it saw:
//
//	type: learn
//	model: logistic                 # logistic | text | majority (the floor: no inputs)
//	features: [amount, country]     # numbers standardised, text one-hot
//	text: [subject, body]           # model: text — TF-IDF of word 1-2-grams
//	char_ngrams: [3, 5]             # model: text — also character n-grams
//	algorithm: logistic             # model: text — logistic | naive_bayes
//	class_weight: balanced          # or none
//	l2: 1.0                         # penalty on coefficients, C = 1/l2
//	train: {folds: 5}               # or {file: train.csv, id: ticket_id}, or {before: "2026-04-01"},
//	                                # or walk-forward: {before: ["2026-02-01", "2026-03-01"]},
//	                                # or rows of the dataset file: {where: 'split == "train"'}
//	threshold: {target_fpr: 0.01}   # or a number, or {target_precision: 0.8}
//	leaking: [analyst_decision]     # columns refused as features
type Spec struct {
	// Model is logistic (tabular features, the default), text (TF-IDF
	// over the Text fields, plus any Features) or majority (no inputs: the
	// training labels' class frequencies, the floor of `type: majority`
	// when it has a training set).
	Model string `yaml:"model"`
	// Features are the input columns. A column whose training values are
	// all numbers is standardised (missing values imputed with the mean and
	// flagged in an indicator column); any other is one-hot encoded
	// (missing is its own category, an unseen category encodes as zeros).
	// Numeric codes (a status -2..8, a region code) are numbers to the file:
	// declared `category` under dataset.columns, they reach the learner as
	// text and are one-hot encoded, one weight per code.
	Features []string `yaml:"features"`
	// Text names the text fields of a text model, joined into one document.
	Text []string `yaml:"text"`
	// CharNgrams, [min, max], adds character n-grams within word boundaries
	// to a text model.
	CharNgrams []int `yaml:"char_ngrams"`
	// MinDF is the number of training documents a term must appear in
	// (default 2).
	MinDF int `yaml:"min_df"`
	// MaxFeatures caps the vocabulary at the most frequent terms (default
	// 50000).
	MaxFeatures int `yaml:"max_features"`
	// Algorithm is the text classifier: logistic (multinomial, the default)
	// or naive_bayes (complement naive Bayes, faster).
	Algorithm string `yaml:"algorithm"`
	// ClassWeight is balanced (weights inversely proportional to class
	// frequency) or none (the default).
	ClassWeight string `yaml:"class_weight"`
	// L2 is the penalty on the coefficients, not the intercept: 1/C in
	// scikit-learn's terms (default 1).
	L2 *float64 `yaml:"l2"`
	// MaxIter bounds the optimiser's iterations (default 1000).
	MaxIter int `yaml:"max_iter"`
	// Train says what the model learns from; exactly one scheme.
	Train *TrainSpec `yaml:"train"`
	// Threshold turns P(positive) into a decision for a binary label: a
	// number (default 0.5), or a map with target_fpr or target_precision,
	// reached on the training data.
	Threshold any `yaml:"threshold"`
	// Leaking lists columns known to carry the answer; they are refused as
	// features.
	Leaking []string `yaml:"leaking"`
	// Proxies lists features the file acknowledges predict the label almost
	// alone on the training data (and are truly known at decision time);
	// any other such feature is refused as a likely leak.
	Proxies []string `yaml:"proxies"`
	// Seed seeds the inner folds that choose a target threshold.
	Seed uint64 `yaml:"seed"`
}

// TrainSpec names the training scheme: exactly one of File, Before, Where
// and Folds.
type TrainSpec struct {
	// File is a separate training file (relative to the experiment file).
	File string `yaml:"file"`
	// ID names the dataset's id column, with File only: Train then refuses a
	// training file that holds any id also found among the replayed records
	// (the error gives how many and the first few). Without ID the overlap
	// is not checked: the training file is trusted to be disjoint.
	ID string `yaml:"id"`
	// Before is a time cut on the dataset's time column, one date or time
	// ("2026-04-01"), or a list of them in increasing order for walk-forward
	// training (["2026-02-01", "2026-03-01", "2026-04-01"]). For each cut a
	// model is fitted, once, on every labelled record of the whole dataset
	// file (without the experiment's filter or sample) strictly before that
	// cut. A record at time t is scored by the model of the latest cut <= t,
	// so it never sees the record's own period or anything later; a record
	// before the first cut was training data and is refused. The output's
	// Fields["model_cut"] names the cut whose model scored the record.
	Before any `yaml:"before"`
	// Folds is k for k-fold cross-fitting over the replayed records: record
	// i is scored by the model trained on the other folds (fold = Seq mod k).
	Folds int `yaml:"folds"`
	// Where is a boolean expression over the dataset's columns (derived
	// ones included) selecting training rows of the dataset file itself,
	// read without the experiment's filter or sample: `split == "train"`.
	// A replayed record the expression selects is refused as a leak, so the
	// dataset's filter must leave the training rows out.
	Where string `yaml:"where"`
}

// thresholdSpec is a decoded threshold.
type thresholdSpec struct {
	fixed     float64
	targetFPR float64 // > 0 when chosen for a false-positive rate
	targetPre float64 // > 0 when chosen for a precision
}

// Build checks the configuration against the dataset's columns.
func (s *Spec) Build(env pipeline.Env) (pipeline.Pipeline, error) {
	var errs pipeline.FieldErrors
	model, algorithm := s.checkModel(&errs)
	if env.Label == "" {
		errs.Add("model", "a learner needs labels: set the dataset's `label:` column")
	}
	s.checkInputs(&errs, env)
	l2 := s.checkOptions(&errs)
	cuts, where := s.checkTrain(&errs, env)
	th, err := parseThreshold(s.Threshold)
	if err != nil {
		errs.Add("threshold", "%v", err)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	l := s.learner(env, model, algorithm, l2, th, cuts)
	l.where = where
	return l, nil
}

// checkModel checks that the model, its algorithm and the fields it takes
// agree, and returns the model and algorithm with their defaults filled in.
func (s *Spec) checkModel(errs *pipeline.FieldErrors) (model, algorithm string) {
	model = s.Model
	if model == "" {
		model = "logistic"
	}
	algorithm = s.Algorithm
	if algorithm == "" {
		algorithm = "logistic"
	}
	switch model {
	case "logistic":
		s.checkLogisticModel(errs, algorithm)
	case "text":
		s.checkTextModel(errs, algorithm)
	case "majority":
		if len(s.Features) > 0 || len(s.Text) > 0 || s.Algorithm != "" {
			errs.Add("model", "`model: majority` counts the training labels and takes no features, text or algorithm")
		}
	default:
		errs.Add("model", "unknown model %q: use logistic, text or majority", s.Model)
	}
	return model, algorithm
}

// checkLogisticModel checks the fields of `model: logistic`, which takes
// features and neither text nor another algorithm.
func (s *Spec) checkLogisticModel(errs *pipeline.FieldErrors, algorithm string) {
	if len(s.Features) == 0 {
		errs.Add("features", "missing: list the input columns, e.g. `features: [amount, country]`")
	}
	if len(s.Text) > 0 {
		errs.Add("text", "text fields need `model: text`")
	}
	if len(s.CharNgrams) > 0 {
		errs.Add("char_ngrams", "character n-grams need `model: text`")
	}
	if s.Algorithm != "" && algorithm != "logistic" {
		errs.Add("algorithm", "`model: logistic` has one algorithm; naive_bayes is for `model: text`")
	}
}

// checkTextModel checks the fields of `model: text`: text fields are
// required, and naive_bayes takes neither features nor class weights.
func (s *Spec) checkTextModel(errs *pipeline.FieldErrors, algorithm string) {
	if len(s.Text) == 0 {
		errs.Add("text", "missing: list the text fields, e.g. `text: [subject, body]`")
	}
	switch algorithm {
	case "logistic":
	case "naive_bayes":
		if len(s.Features) > 0 {
			errs.Add("features", "naive_bayes takes text fields only; use `algorithm: logistic` to add features")
		}
		if s.ClassWeight != "" && s.ClassWeight != "none" {
			errs.Add("class_weight", "naive_bayes does not take class weights")
		}
	default:
		errs.Add("algorithm", "unknown algorithm %q: use logistic or naive_bayes", s.Algorithm)
	}
}

// checkInputs checks the leaking columns, then the features and text fields:
// each must be in the dataset, listed once, and neither the label nor a
// leaking column.
func (s *Spec) checkInputs(errs *pipeline.FieldErrors, env pipeline.Env) {
	leaking := map[string]bool{}
	for i, c := range s.Leaking {
		leaking[c] = true
		if !env.HasColumn(c) {
			errs.Add(fmt.Sprintf("leaking[%d]", i), "%s", env.MissingColumn(c))
		}
	}
	seen := map[string]bool{}
	checkInputList(errs, env, leaking, seen, "features", s.Features)
	checkInputList(errs, env, leaking, seen, "text", s.Text)
}

// checkInputList checks the input columns cols listed under field, marking
// each in seen so that a column listed twice (in either list) is refused.
func checkInputList(errs *pipeline.FieldErrors, env pipeline.Env, leaking, seen map[string]bool, field string, cols []string) {
	for i, c := range cols {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case c == env.Label && c != "":
			errs.Add(f, "refused: the label %q as a feature would score the model on the answer", c)
		case leaking[c]:
			errs.Add(f, "refused: %q is listed in `leaking`; a leaking column as a feature would score the model on the answer", c)
		case !env.HasColumn(c):
			errs.Add(f, "%s", env.MissingColumn(c))
		case seen[c]:
			errs.Add(f, "column %q is listed twice", c)
		}
		seen[c] = true
	}
}

// checkOptions checks the numeric and class-weight options, and returns the
// L2 penalty (default 1).
func (s *Spec) checkOptions(errs *pipeline.FieldErrors) float64 {
	if len(s.CharNgrams) > 0 && (len(s.CharNgrams) != 2 || s.CharNgrams[0] < 1 || s.CharNgrams[1] < s.CharNgrams[0] || s.CharNgrams[1] > 10) {
		errs.Add("char_ngrams", "must be [min, max] with 1 <= min <= max <= 10, e.g. [3, 5]")
	}
	if s.MinDF < 0 {
		errs.Add("min_df", "must not be negative")
	}
	if s.MaxFeatures < 0 {
		errs.Add("max_features", "must not be negative")
	}
	if s.MaxIter < 0 {
		errs.Add("max_iter", "must not be negative")
	}
	switch s.ClassWeight {
	case "", "none", "balanced":
	default:
		errs.Add("class_weight", "unknown class weight %q: use balanced or none", s.ClassWeight)
	}
	l2 := 1.0
	if s.L2 != nil {
		l2 = *s.L2
		if l2 < 0 || math.IsNaN(l2) || math.IsInf(l2, 0) {
			errs.Add("l2", "must be a non-negative number (1/C), e.g. 1.0")
		}
	}
	return l2
}

// checkTrain checks `train:` — exactly one of file, before, where and
// folds, and an id column only with a file — and returns the time cuts of
// `before` and the compiled `where`.
func (s *Spec) checkTrain(errs *pipeline.FieldErrors, env pipeline.Env) ([]time.Time, *fieldexpr.Program) {
	if s.Train == nil {
		errs.Add("train", "missing: say what the model learns from — `train: {file: train.csv}`, `train: {before: \"2026-04-01\"}`, `train: {where: 'split == \"train\"'}` or `train: {folds: 5}`")
		return nil, nil
	}
	var where *fieldexpr.Program
	if s.Train.Where != "" {
		var err error
		if where, err = fieldexpr.Compile(s.Train.Where, env.Columns, true); err == nil {
			err = where.CheckKinds(env.Kinds)
		}
		if err != nil {
			errs.Add("train.where", "%v", err)
		}
	}
	var cuts []time.Time
	n := 0
	if s.Train.File != "" {
		n++
		checkTrainFile(errs, env.Dir, s.Train.File)
	}
	if s.Train.Before != nil && s.Train.Before != "" {
		n++
		cuts = parseCuts(s.Train.Before, errs)
	}
	if s.Train.Folds != 0 {
		n++
		if s.Train.Folds < 2 {
			errs.Add("train.folds", "must be at least 2")
		}
	}
	if s.Train.Where != "" {
		n++
	}
	if n != 1 {
		errs.Add("train", "give exactly one of file, before, where and folds")
	}
	if s.Train.ID != "" {
		switch {
		case s.Train.File == "":
			errs.Add("train.id", "the id check is for a training file: use it with `file:`, e.g. `train: {file: train.csv, id: ticket_id}`")
		case !env.HasColumn(s.Train.ID):
			errs.Add("train.id", "%s", env.MissingColumn(s.Train.ID))
		}
	}
	return cuts, where
}

// learner makes the Learner of a checked Spec, filling in the defaults.
func (s *Spec) learner(env pipeline.Env, model, algorithm string, l2 float64, th thresholdSpec, cuts []time.Time) *Learner {
	l := &Learner{
		name: env.Name, model: model, algorithm: algorithm, features: s.Features,
		text:     textOptions{fields: s.Text, minDF: 2, maxFeature: 50000},
		balanced: s.ClassWeight == "balanced", threshold: th, cuts: cuts, seed: s.Seed,
		positive: env.Positive, fit: fitOptions{l2: l2, maxIter: s.MaxIter}, proxies: s.Proxies,
	}
	if s.MinDF > 0 {
		l.text.minDF = s.MinDF
	}
	if s.MaxFeatures > 0 {
		l.text.maxFeature = s.MaxFeatures
	}
	if len(s.CharNgrams) == 2 {
		l.text.charLo, l.text.charHi = s.CharNgrams[0], s.CharNgrams[1]
	}
	if s.Train != nil {
		l.trainFile, l.idCol, l.folds = s.Train.File, s.Train.ID, s.Train.Folds
	}
	return l
}

// parseCuts reads `train.before`: one date or time, or a non-empty list of
// them in strictly increasing order. Problems are added to errs.
func parseCuts(v any, errs *pipeline.FieldErrors) []time.Time {
	var items []any
	switch t := v.(type) {
	case string, time.Time:
		items = []any{t}
	case []string:
		for _, x := range t {
			items = append(items, x)
		}
	case []any:
		items = t
	default:
		errs.Add("train.before", "give a date such as \"2026-04-01\", or a list of dates for walk-forward training")
		return nil
	}
	if len(items) == 0 {
		errs.Add("train.before", "the list of cuts is empty: give at least one date, e.g. [\"2026-04-01\"]")
		return nil
	}
	_, single := v.(string)
	if _, isTime := v.(time.Time); isTime {
		single = true
	}
	field := func(i int) string {
		if single {
			return "train.before"
		}
		return fmt.Sprintf("train.before[%d]", i)
	}
	cuts := make([]time.Time, 0, len(items))
	ok := true
	for i, it := range items {
		var (
			t   time.Time
			err error
		)
		switch it.(type) {
		case string, time.Time:
			t, err = datasets.ParseTime(it)
		default:
			err = fmt.Errorf("%v is not a date", it)
		}
		if err != nil {
			errs.Add(field(i), "not a date or time: %v", err)
			ok = false
			continue
		}
		if len(cuts) > 0 && !t.After(cuts[len(cuts)-1]) {
			errs.Add(field(i), "cut %s is not after %s: list the cuts in increasing order, each once",
				t.Format(time.RFC3339), cuts[len(cuts)-1].Format(time.RFC3339))
			ok = false
		}
		cuts = append(cuts, t)
	}
	if !ok {
		return nil
	}
	return cuts
}

// parseThreshold reads `threshold:` — nil, a number in [0, 1], or a map with
// one target.
func parseThreshold(v any) (thresholdSpec, error) {
	th := thresholdSpec{fixed: 0.5}
	inUnit := func(x float64) bool { return x >= 0 && x <= 1 }
	switch t := v.(type) {
	case nil:
		return th, nil
	case map[string]any:
		if len(t) != 1 {
			return th, fmt.Errorf("give one target: {target_fpr: 0.01} or {target_precision: 0.8}")
		}
		for k, raw := range t {
			x, ok := datasets.ToFloat(raw)
			if _, isStr := raw.(string); isStr || !ok {
				return th, fmt.Errorf("%s: %v is not a number", k, raw)
			}
			switch k {
			case "target_fpr":
				if x <= 0 || x >= 1 {
					return th, fmt.Errorf("target_fpr must be between 0 and 1 (exclusive), e.g. 0.01")
				}
				th.targetFPR = x
			case "target_precision":
				if x <= 0 || x > 1 {
					return th, fmt.Errorf("target_precision must be in (0, 1], e.g. 0.8")
				}
				th.targetPre = x
			default:
				return th, fmt.Errorf("unknown key %q: use target_fpr or target_precision", k)
			}
		}
		return th, nil
	case bool:
		return th, fmt.Errorf("%v is not a probability: give a number such as 0.5, or {target_fpr: 0.01}", t)
	case string:
		return th, fmt.Errorf("%q is not a number: give a probability such as 0.5, or {target_fpr: 0.01}", t)
	}
	x, ok := datasets.ToFloat(v)
	if !ok || !inUnit(x) {
		return th, fmt.Errorf("must be a probability in [0, 1], or {target_fpr: x} or {target_precision: x}")
	}
	th.fixed = x
	return th, nil
}

// checkTrainFile refuses a training file that cannot be opened, when the
// experiment's folder is known (a loaded file), so that `poc validate`
// finds it before a run starts.
func checkTrainFile(errs *pipeline.FieldErrors, dir, file string) {
	if dir == "" {
		return
	}
	path := file
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	f, err := os.Open(path)
	if err != nil {
		errs.Add("train.file", "cannot open the training file %q (relative paths start at the experiment's folder): %v", file, errors.Unwrap(err))
		return
	}
	f.Close()
}
