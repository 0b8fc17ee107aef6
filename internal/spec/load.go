package spec

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/datasets/fieldexpr"
	"github.com/poc-harness/poc/internal/analysis"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
)

// LoadOptions injects what the loader cannot know by itself.
type LoadOptions struct {
	// ReadColumns returns the column names of the data file at path (absolute)
	// in the given format ("" means "from the extension"). When nil, column
	// references are not checked and pipelines and metrics are built with no
	// columns. When it fails, the error is reported on dataset.path and
	// pipelines and metrics are not built (their column checks would only
	// repeat the same problem).
	ReadColumns func(path, format string) ([]string, error)
	// ReadData, when set, reads the data file ds.Path once, streaming, as
	// the run reads it (ds.Format, the declared ds.Types, the derived
	// columns, the filter and on_bad_row): it counts the values of the
	// label column ds.Label, so that every class the file names can be
	// checked against the data, and runs the data checks, whose findings
	// the loader keeps in Dataset.Read for the runner; nil skips both. A
	// filter that fails on the data (an error wrapping ErrFilter), a row
	// that does not parse with on_bad_row: error, or data whose every row is
	// skipped as bad (an error wrapping ErrNoRecords), is found before a run.
	ReadData func(ds Dataset) (DataRead, error)
	// ColumnKinds, when set, says what kind of value each column holds
	// (fieldexpr.KindText, KindNumber or KindBool; a column left out is
	// unknown), so that a condition comparing a column with a constant of
	// another kind — `region == 2` on codes read as text — is refused
	// before it silently matches no record.
	ColumnKinds func(ds Dataset) map[string]string
	// CheckFilter validates dataset.filter against the dataset's columns. It
	// is called only when the columns are known. When nil, the filter is not
	// checked.
	CheckFilter func(filter string, columns []string) error
	// LookupEnv resolves ${VAR} references; os.LookupEnv when nil. Pipelines
	// get it too, to read API keys.
	LookupEnv func(name string) (string, bool)
	// NewPrivacy builds the pseudonymiser from the file's `privacy:` block
	// (detector names and custom patterns). When nil, pipelines get no
	// pseudonymiser.
	NewPrivacy func(detectors []string, patterns []Pattern) (pipeline.Privacy, error)
	// Cache is the response cache handed to the pipelines (nil: no cache).
	Cache pipeline.Cache
	// NewGrader builds the model of an llm_judge metric, handed to the
	// metrics as metrics.Env.NewGrader. When nil, an llm_judge does not
	// build (its keys are still checked).
	NewGrader func(metrics.GraderRequest) (metrics.Grader, error)
	// Confine confines the experiment whatever its file says (`--confine`):
	// a program or a file outside the experiment's folder is a load error.
	Confine bool
	// CacheDir is the response cache's folder, for Experiment.Reach ("" when
	// unknown or off).
	CacheDir string
}

// lookupEnv returns the environment lookup to use.
func (o LoadOptions) lookupEnv() func(string) (string, bool) {
	if o.LookupEnv != nil {
		return o.LookupEnv
	}
	return os.LookupEnv
}

// Keys allowed at each level of the file.
var (
	topKeys      = []string{"version", "name", "description", "confine", "use_case", "dataset", "privacy", "budget", "pipelines", "metrics", "criteria", "report"}
	privacyKeys  = []string{"pseudonymise", "patterns", "allow_urls"}
	patternKeys  = []string{"name", "regex"}
	budgetKeys   = []string{"max_cost", "max_error_rate", "min_records"}
	useCaseKeys  = []string{"question", "owner", "incumbent", "volume_per_year", "currency", "people", "cost_of_error"}
	peopleKeys   = []string{"baseline", "minutes_per_record", "hourly_cost", "hours_per_fte"}
	errorCostKey = []string{"missed_positive", "false_positive"}
	datasetKeys  = []string{"path", "format", "id", "label", "positive", "time", "segments", "columns", "derive", "filter", "sample", "on_bad_row", "selective_labels", "checks", "max_field_bytes", "max_record_bytes", "label_names"}
	sampleKeys   = []string{"size", "fraction", "seed", "stratify"}
	pipelineKeys = []string{"name", "role", "type", "description"}
	metricKeys   = []string{"name", "type"}
	criterionKey = []string{"name", "metric", "pipeline", "at_least", "at_most", "better_than", "no_worse_than", "by", "margin", "relative", "in_every", "must", "why"}
	kindKeys     = []string{string(AtLeast), string(AtMost), string(BetterThan), string(NoWorseThan)}
	reportKeys   = []string{"confidence", "bootstrap", "min_segment_size", "min_records", "max_failure_rate", "multiplicity"}
	bootstrapKey = []string{"resamples", "seed", "method"}
)

// nameRE is the shape of an experiment name, which names a folder.
var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// Load reads and validates the experiment file at path. It returns the
// experiment and a nil error when the file is valid; warnings alone do not
// make it invalid and are in Experiment.Warnings. Otherwise it returns the
// partly decoded experiment and Diagnostics listing every problem found,
// sorted by position. An unreadable file is a plain error.
func Load(path string, opt LoadOptions) (*Experiment, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("load experiment %q: %w", path, err)
	}
	src, err := os.ReadFile(abs)
	if err != nil {
		return nil, fmt.Errorf("load experiment: %w", err)
	}
	exp, err := LoadBytes(path, src, filepath.Dir(abs), opt)
	if exp != nil {
		exp.File = abs
	}
	return exp, err
}

// LoadBytes is Load for an experiment held in memory: name is the file name
// used in diagnostics and dir the folder relative paths resolve against.
func LoadBytes(name string, src []byte, dir string, opt LoadOptions) (*Experiment, error) {
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("load experiment %q: %w", name, err)
	}
	sum := sha256.Sum256(src)
	exp := &Experiment{Dir: absDir, Hash: hex.EncodeToString(sum[:]), File: name}
	if !filepath.IsAbs(name) {
		exp.File = filepath.Join(absDir, filepath.Base(name))
	}
	l := &loader{file: name, dir: absDir, opt: opt, originals: map[*yaml.Node]string{}}

	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		l.syntaxError(err, src)
		return nil, l.diags
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		l.errorf(&next, "", "remove the --- line; one file holds one experiment", "a second YAML document is not allowed")
	case !errors.Is(err, io.EOF):
		l.syntaxError(err, src)
	}
	if len(doc.Content) == 0 {
		l.diags = append(l.diags, Diagnostic{File: name, Line: 1, Col: 1, Msg: "the experiment file is empty",
			Hint: "start with version: 1"})
		return nil, l.diags
	}
	root := doc.Content[0]
	l.expandEnv(root, "")
	l.experiment(root, exp)

	l.diags.Sort()
	exp.Warnings = l.diags.Warnings()
	if len(l.diags.Errors()) > 0 {
		return exp, l.diags
	}
	return exp, nil
}

var syntaxLineRE = regexp.MustCompile(`line (\d+): `)

// syntaxError reports a YAML syntax error at its line. The parser names
// the line before a tab that breaks the indentation, so a tab error points
// at the first line indented with a tab instead.
func (l *loader) syntaxError(err error, src []byte) {
	msg := err.Error()
	d := Diagnostic{File: l.file, Line: 1, Col: 1, Severity: Error}
	if m := syntaxLineRE.FindStringSubmatchIndex(msg); m != nil {
		d.Line, _ = strconv.Atoi(msg[m[2]:m[3]])
		msg = msg[:m[0]] + msg[m[1]:]
	}
	d.Msg = "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")
	if strings.Contains(msg, "did not find expected") {
		// A parser error names the 0-based line of the construct it was
		// reading (the flow mapping left open, the list an item breaks):
		// point at that construct's first line, 1-based.
		d.Line++
		d.Msg += " in the block that starts here"
	}
	if strings.Contains(msg, "tab") {
		d.Hint = "indent with spaces, not tabs"
		if line, col := firstTabIndent(src); line > 0 {
			d.Line, d.Col = line, col
		}
	}
	l.diags = append(l.diags, d)
}

// firstTabIndent returns the 1-based line and column of the first tab in a
// line's indentation, or 0, 0.
func firstTabIndent(src []byte) (line, col int) {
	for i, text := range strings.Split(string(src), "\n") {
		indent := text[:len(text)-len(strings.TrimLeft(text, " \t"))]
		if j := strings.IndexByte(indent, '\t'); j >= 0 {
			return i + 1, j + 1
		}
	}
	return 0, 0
}

// experiment decodes the whole document into exp.
func (l *loader) experiment(root *yaml.Node, exp *Experiment) {
	top := l.mapping(root, "", topKeys)
	if top == nil {
		return
	}
	if top.node.Kind != yaml.MappingNode {
		l.errorf(root, "", "start with version: 1", "the experiment file is empty")
		return
	}
	l.header(top, exp)
	l.confinement(top, exp)
	exp.CacheDir = l.opt.CacheDir

	if n := top.require("use_case"); n != nil {
		l.useCase(n, exp)
	}
	if exp.UseCase.Currency == "" {
		exp.UseCase.Currency = "USD"
	}
	canBuild := l.opt.ReadColumns == nil
	exp.Dataset.ValueColumns = ruleTextColumns(top.val("pipelines"))
	if n := top.require("dataset"); n != nil {
		canBuild = l.dataset(n, exp)
	}
	l.privacy(top.val("privacy"), exp)
	if n := top.val("budget"); !isNull(n) {
		l.budget(n, exp)
	}
	if n := top.require("pipelines"); n != nil {
		l.pipelines(n, exp, canBuild)
	}
	if n := top.require("metrics"); n != nil {
		l.metrics(n, exp, canBuild)
	}
	if n := top.val("criteria"); !isNull(n) {
		l.criteria(n, exp)
	}
	l.checkUseCaseRefs(exp)
	exp.Report = Report{Confidence: 0.95, Resamples: 2000, Seed: 1, Method: "bca", MinSegmentSize: 30, MinRecords: 30,
		MaxFailureRate: 0.01, Multiplicity: "holm"}
	if n := top.val("report"); !isNull(n) {
		l.report(n, exp)
	}

	if n := top.val("pipelines"); n != nil && len(exp.Pipelines) > 0 {
		l.checkPipelineSet(n, exp)
	}
}

// header decodes the version, name and description at the top of the file.
// The name must be usable as a folder name, so a near miss gets its slug
// as a did-you-mean.
func (l *loader) header(top *fields, exp *Experiment) {
	if top.require("version") != nil {
		if v, ok := top.int("version"); ok {
			exp.Version = int(v)
			if v != Version {
				l.errorf(top.val("version"), "version", "this poc reads version 1", "unsupported schema version %d", v)
			}
		}
	}
	if s, ok := top.requireStr("name"); ok {
		exp.Name = s
		if !nameRE.MatchString(s) {
			hint := ""
			if sl := slug(s); sl != "" && nameRE.MatchString(sl) {
				hint = fmt.Sprintf("did you mean %q?", sl)
			}
			l.errorf(top.val("name"), "name", hint,
				"name %q must use lowercase letters, digits, - and _ only, starting with a letter or digit (it names a folder)", s)
		}
	}
	exp.Description, _ = top.str("description")
}

// checkPipelineSet checks the decoded pipelines as a whole, reporting at the
// pipelines node n: a candidate is required, remote pipelines without an
// allow-list and a run with nothing to judge by are warned about.
func (l *loader) checkPipelineSet(n *yaml.Node, exp *Experiment) {
	var candidates, baselines int
	for _, p := range exp.Pipelines {
		switch p.Role {
		case pipeline.Candidate:
			candidates++
		case pipeline.Baseline:
			baselines++
		}
	}
	if candidates == 0 {
		l.errorf(n, "pipelines", "mark the AI pipeline being judged with role: candidate",
			"no pipeline has role candidate")
	}
	if len(exp.Privacy.AllowURLs) == 0 {
		for _, p := range exp.Pipelines {
			if r, ok := p.Pipeline.(pipeline.Remote); ok {
				at := &yaml.Node{Line: p.Pos.Line, Column: p.Pos.Col} // the pipeline that sends records out
				l.warnf(at, "privacy.allow_urls", "add privacy: {allow_urls: [...]} listing the endpoints you approved",
					"pipeline %q sends records to %s and the experiment has no allow-list of base URLs", p.Name, r.Endpoint())
			}
		}
	}
	l.checkSecretsToPrograms(exp)
	if exp.Budget.MaxCost > 0 {
		for _, p := range exp.Pipelines {
			if b, ok := p.Pipeline.(pipeline.CostBounder); ok && !b.CostBounded() {
				at := &yaml.Node{Line: p.Pos.Line, Column: p.Pos.Col}
				l.warnf(at, "max_tokens", "set max_tokens on the pipeline (a label needs a few)",
					"pipeline %q has no max_tokens, so nothing bounds what one answer costs: budget.max_cost %g holds back only the expected cost of the calls in flight, and their answers could take the spend past it",
					p.Name, exp.Budget.MaxCost)
			}
		}
	}
	if baselines == 0 && len(exp.Criteria) == 0 {
		l.warnf(n, "pipelines", "add a baseline (today's process) or criteria",
			"no baseline and no criteria: the run can report metrics but nothing to judge them by")
	}
	l.checkFloorTraining(exp)
}

// checkSecretsToPrograms warns when a program the run starts (an exec
// pipeline, a command metric) gets a configured secret in its environment,
// through pass_env or env: an API key handed to code the file starts.
func (l *loader) checkSecretsToPrograms(exp *Experiment) {
	var secrets []string
	for _, p := range exp.Pipelines {
		if h, ok := p.Pipeline.(pipeline.SecretHolder); ok {
			secrets = append(secrets, h.Secrets()...)
		}
	}
	for _, m := range exp.Metrics {
		if h, ok := m.Metric.(pipeline.SecretHolder); ok {
			secrets = append(secrets, h.Secrets()...)
		}
	}
	if len(secrets) == 0 {
		return
	}
	warn := func(pos Pos, who string, sp pipeline.Subprocess) {
		for _, k := range pipeline.SecretsIn(sp.Environ(), secrets) {
			l.warnf(&yaml.Node{Line: pos.Line, Column: pos.Col}, "pass_env",
				"leave it out: a program that calls an API itself should use a key of its own",
				"%s gets %s, which holds an API key the run uses: the program can read it", who, k)
		}
	}
	for _, p := range exp.Pipelines {
		if sp, ok := p.Pipeline.(pipeline.Subprocess); ok {
			warn(p.Pos, fmt.Sprintf("pipeline %q", p.Name), sp)
		}
	}
	for _, m := range exp.Metrics {
		if sp, ok := m.Metric.(pipeline.Subprocess); ok {
			warn(m.Pos, fmt.Sprintf("metric %q", m.Name), sp)
		}
	}
}

// checkFloorTraining refuses a floor fitted on the replayed labels (the
// majority class) beside a model that learns from other records: the floor
// would know the replay's class shares and the model would not, which
// flatters the floor and can turn a candidate's win into a loss (or hide a
// loss when the shares moved). The fix is to give the floor the model's
// training set.
func (l *loader) checkFloorTraining(exp *Experiment) {
	var learner, trainsOn string
	for _, p := range exp.Pipelines {
		if t, ok := p.Pipeline.(pipeline.TrainingSet); ok && t.TrainsOn() != "" {
			learner, trainsOn = p.Name, t.TrainsOn()
			break
		}
	}
	if learner == "" {
		return
	}
	for i, p := range exp.Pipelines {
		if _, ok := p.Pipeline.(pipeline.LabelFitter); !ok {
			continue
		}
		at := &yaml.Node{Line: p.Pos.Line, Column: p.Pos.Col}
		l.errorf(at, index("pipelines", i), fmt.Sprintf("give %q the same `train:` as %q", p.Name, learner),
			"pipeline %q counts the labels of the replayed records, but %q learns from %s: a floor must learn from the same training labels", p.Name, learner, trainsOn)
	}
}

// useCase decodes use_case.
func (l *loader) useCase(n *yaml.Node, exp *Experiment) {
	f := l.mapping(n, "use_case", useCaseKeys)
	if f == nil {
		return
	}
	exp.UseCase.Question, _ = f.requireStr("question")
	exp.UseCase.Owner, _ = f.str("owner")
	if name, ok := f.str("incumbent"); ok && name != "" {
		exp.UseCase.Incumbent = name
		l.useCaseRefs = append(l.useCaseRefs, useCaseRef{node: f.val("incumbent"), field: f.field("incumbent"), name: name, incumbent: true})
	}
	l.useCaseNode = f.node
	if v, ok := f.int("volume_per_year"); ok {
		if v < 0 {
			l.errorf(f.val("volume_per_year"), f.field("volume_per_year"), "", "volume per year must be 0 or more, got %d", v)
		} else {
			exp.UseCase.VolumePerYear = v
		}
	}
	exp.UseCase.Currency, _ = f.str("currency")
	if v := f.val("people"); !isNull(v) {
		l.people(v, exp)
	}
	if v := f.val("cost_of_error"); !isNull(v) {
		l.costNode = v
		l.costOfError(v, exp)
	}
	if (exp.UseCase.People != nil || exp.UseCase.CostOfError != nil) && exp.UseCase.VolumePerYear == 0 {
		l.warnf(f.node, "use_case.volume_per_year", "add volume_per_year: (production records a year)",
			"people and cost_of_error are projected over a year only with a yearly volume")
	}
}

// useCaseRef is a pipeline or column name written under use_case.
type useCaseRef struct {
	node        *yaml.Node
	field, name string
	// column is true for a dataset column, false for a pipeline.
	column bool
	// incumbent marks use_case.incumbent (today's process).
	incumbent bool
}

// people decodes use_case.people.
func (l *loader) people(n *yaml.Node, exp *Experiment) {
	f := l.mapping(n, "use_case.people", peopleKeys)
	if f == nil {
		return
	}
	p := &People{HoursPerFTE: DefaultHoursPerFTE}
	if name, ok := f.requireStr("baseline"); ok {
		p.Baseline = name
		l.useCaseRefs = append(l.useCaseRefs, useCaseRef{node: f.val("baseline"), field: f.field("baseline"), name: name})
	}
	if f.require("minutes_per_record") != nil {
		p.MinutesPerRecord, _ = l.perRecord(f, "minutes_per_record", "minutes")
	}
	if f.require("hourly_cost") != nil {
		p.HourlyCost, _ = l.nonNegative(f, "hourly_cost")
	}
	if f.has("hours_per_fte") {
		if h, ok := f.float("hours_per_fte"); ok {
			if h <= 0 {
				l.errorf(f.val("hours_per_fte"), f.field("hours_per_fte"), "1680 is usual",
					"hours_per_fte must be above 0, got %g", h)
			} else {
				p.HoursPerFTE = h
			}
		}
	}
	exp.UseCase.People = p
}

// costOfError decodes use_case.cost_of_error.
func (l *loader) costOfError(n *yaml.Node, exp *Experiment) {
	f := l.mapping(n, "use_case.cost_of_error", errorCostKey)
	if f == nil {
		return
	}
	if !f.has("missed_positive") && !f.has("false_positive") {
		l.errorf(f.node, "use_case.cost_of_error", "write missed_positive: and false_positive: (a number or a column)",
			"cost_of_error needs missed_positive or false_positive")
		return
	}
	c := &CostOfError{}
	if f.has("missed_positive") {
		c.MissedPositive, _ = l.perRecord(f, "missed_positive", "a cost")
	}
	if f.has("false_positive") {
		c.FalsePositive, _ = l.perRecord(f, "false_positive", "a cost")
	}
	exp.UseCase.CostOfError = c
}

// perRecord decodes key as a number of 0 or more, or as the name of a
// numeric column (checked against the dataset later). what names the
// figure in messages.
func (l *loader) perRecord(f *fields, key, what string) (PerRecord, bool) {
	v := f.val(key)
	if v.Kind != yaml.ScalarNode {
		l.errorf(v, f.field(key), "", "expected %s as a number or a column name, got %s", what, describe(v))
		return PerRecord{}, false
	}
	if v.ShortTag() == "!!str" {
		l.useCaseRefs = append(l.useCaseRefs, useCaseRef{node: v, field: f.field(key), name: v.Value, column: true})
		return PerRecord{Column: v.Value}, true
	}
	x, ok := l.nonNegative(f, key)
	return PerRecord{Value: x}, ok
}

// nonNegative decodes key as a number of 0 or more.
func (l *loader) nonNegative(f *fields, key string) (float64, bool) {
	x, ok := f.float(key)
	if !ok {
		return 0, false
	}
	if x < 0 {
		l.errorf(f.val(key), f.field(key), "", "%s must be 0 or more, got %g", key, x)
		return 0, false
	}
	return x, true
}

// checkUseCaseRefs checks the pipelines and columns named under use_case,
// once the dataset's columns and the pipelines are known. A column is
// checked only when the columns could be read.
func (l *loader) checkUseCaseRefs(exp *Experiment) {
	if c, labels := exp.UseCase.CostOfError, exp.Dataset.Labels; c != nil && len(labels) > 2 {
		// A missed positive and a false alarm are the errors of a two-class
		// decision: on more classes, every other error would cost nothing.
		l.errorf(l.costNode, "use_case.cost_of_error", "leave cost_of_error out, or derive a two-class label (dataset.derive) whose positive class is the costly event",
			"cost_of_error prices the errors of a two-class label, but %q has %d classes: every error between two other classes would be priced at 0",
			exp.Dataset.Label, len(labels))
	}
	var names []string
	for _, p := range exp.Pipelines {
		names = append(names, p.Name)
	}
	for _, r := range l.useCaseRefs {
		switch {
		case r.column:
			if exp.Dataset.Columns != nil && !contains(exp.Dataset.Columns, r.name) {
				l.columnError(r.node, r.field, r.name, exp.Dataset.Columns)
			}
		case len(exp.Pipelines) == 0:
			// The pipelines did not decode; their own errors say why.
		case exp.Pipeline(r.name) == nil:
			hint := didYouMean(r.name, names)
			if hint == "" {
				hint = "pipelines defined: " + strings.Join(names, ", ")
			}
			l.errorf(r.node, r.field, hint, "pipeline %q is not defined under pipelines", r.name)
		case exp.Pipeline(r.name).Role == pipeline.Candidate && r.incumbent:
			l.errorf(r.node, r.field, "name the baseline that stands for today's process",
				"pipeline %q is a candidate; today's process is a baseline", r.name)
		case exp.Pipeline(r.name).Role == pipeline.Candidate:
			l.errorf(r.node, r.field, "name the baseline that records what people decided",
				"pipeline %q is a candidate; the people's decisions are a baseline", r.name)
		}
	}
	if exp.UseCase.Incumbent == "" && len(exp.Pipelines) > 0 {
		l.inferIncumbent(exp)
	}
}

// namesWord reports whether text holds name as whole words, with - and _
// read as spaces ("rules-v12" in "replace rules v12", but "rule" not in
// "rules").
func namesWord(text, name string) bool {
	words := func(s string) []string {
		return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	}
	t, n := words(text), words(name)
	if len(n) == 0 {
		return false
	}
	for i := 0; i+len(n) <= len(t); i++ {
		if slices.Equal(t[i:i+len(n)], n) {
			return true
		}
	}
	return false
}

// inferIncumbent sets use_case.incumbent when the file leaves it out: the
// only baseline, else the only baseline the question names. With several
// baselines and none named it is required when the use case projects a
// yearly value (the headline's money is against today's process, and
// choosing one for the reader would change the answer); without one the
// reports compare the candidate with each, so it only warns.
func (l *loader) inferIncumbent(exp *Experiment) {
	var baselines, named []string
	q := strings.ToLower(exp.UseCase.Question)
	for _, p := range exp.Pipelines {
		if p.Role != pipeline.Baseline {
			continue
		}
		baselines = append(baselines, p.Name)
		if namesWord(q, strings.ToLower(p.Name)) {
			named = append(named, p.Name)
		}
	}
	switch {
	case len(baselines) == 1:
		exp.UseCase.Incumbent = baselines[0]
	case len(named) == 1:
		exp.UseCase.Incumbent = named[0]
	case len(baselines) > 1 && l.useCaseNode != nil && exp.UseCase.VolumePerYear > 0:
		l.errorf(l.useCaseNode, "use_case.incumbent", "add `incumbent: "+baselines[0]+"` (or another of "+strings.Join(baselines, ", ")+") under use_case",
			"%d baselines (%s) and none named as today's process: the yearly value is stated against today's process, so use_case.incumbent must say which baseline that is",
			len(baselines), strings.Join(baselines, ", "))
	case len(baselines) > 1 && l.useCaseNode != nil:
		l.warnf(l.useCaseNode, "use_case.incumbent", "add `incumbent: "+baselines[0]+"` (or another baseline) under use_case",
			"%d baselines (%s) and none named as today's process: the headline compares the candidate with each instead of giving one answer against what it would replace",
			len(baselines), strings.Join(baselines, ", "))
	}
}

// dataset decodes dataset, reads its columns and checks the column
// references. It reports whether pipelines and metrics can be built: false
// when ReadColumns was given but the columns could not be read.
func (l *loader) dataset(n *yaml.Node, exp *Experiment) bool {
	f := l.mapping(n, "dataset", datasetKeys)
	if f == nil {
		return l.opt.ReadColumns == nil
	}
	ds := &exp.Dataset
	rel, fileOK := l.datasetPath(f, ds)
	ds.Format, _ = f.str("format")
	ds.ID, _ = f.str("id")
	ds.Label, _ = f.requireStr("label")
	ds.Time, _ = f.str("time")
	ds.Positive = "1"
	if v := f.val("positive"); !isNull(v) {
		if v.Kind != yaml.ScalarNode {
			l.errorf(v, "dataset.positive", "", "expected a label value such as \"1\" or \"fraud\", got %s", describe(v))
		} else {
			ds.Positive = canonical(v)
		}
	}
	l.labelNames(f.val("label_names"), ds)
	segments, segNodes := f.strList("segments")
	ds.Segments = segments
	ds.Filter, _ = f.str("filter")
	ds.SelectiveLabels, _ = f.str("selective_labels")
	var stratifyNode *yaml.Node
	if v := f.val("sample"); !isNull(v) {
		stratifyNode = l.sample(v, ds)
	}
	if s, ok := f.oneOf("on_bad_row", []string{"error", "skip"}); ok {
		ds.SkipBadRows = s == "skip"
	}
	for _, lim := range []struct {
		key string
		to  *int
	}{{"max_field_bytes", &ds.MaxFieldBytes}, {"max_record_bytes", &ds.MaxRecordBytes}} {
		if v, ok := f.int(lim.key); ok {
			if v <= 0 {
				l.errorf(f.val(lim.key), "dataset."+lim.key, "leave it out for the default (1 MiB a field, 16 MiB a record)",
					"%s must be a positive number of bytes, got %d", lim.key, v)
				continue
			}
			*lim.to = int(v)
		}
	}
	l.dataChecks(f.val("checks"), ds)
	declared := l.columnTypes(f.val("columns"), ds)

	if l.opt.ReadColumns == nil {
		return true
	}
	if !fileOK {
		return false
	}
	cols, err := l.opt.ReadColumns(ds.Path, ds.Format)
	if err != nil {
		l.errorf(f.val("path"), "dataset.path", "", "read columns of %q: %s", rel, datasets.ShortenQuoted(err.Error()))
		return false
	}
	// Derived columns join the file's columns, in file order, so that the
	// label, segments, filter, pipelines and metrics may use them.
	if v := f.val("derive"); !isNull(v) {
		cols = l.derive(v, cols, ds)
	}
	ds.Columns = cols
	l.checkDatasetColumns(f, ds, segNodes, stratifyNode)
	l.checkColumnTypes(declared, ds)
	l.labels(f, ds)
	return true
}

// declaredType is one entry of dataset.columns: the key naming its column.
type declaredType struct {
	key  *yaml.Node
	name string
}

// columnTypes decodes dataset.columns (v, nil when absent), a mapping of
// column names to types, into ds.Types, reporting a type that is not one of
// datasets.TypeNames with a did-you-mean. It returns the entries whose value
// is a scalar, in file order, so that their columns are checked once the
// dataset's columns are known.
func (l *loader) columnTypes(v *yaml.Node, ds *Dataset) []declaredType {
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		l.errorf(v, "dataset.columns", "e.g. columns: {status_code: category, amount: number}",
			"expected a mapping of column names to types, got %s", describe(v))
		return nil
	}
	f := l.mapping(v, "dataset.columns", nil)
	var out []declaredType
	for _, name := range f.order {
		t := f.val(name)
		field := f.field(name)
		if t.Kind != yaml.ScalarNode || isNull(t) {
			l.errorf(t, field, "one of "+quoteList(datasets.TypeNames()), "expected a column type, got %s", describe(t))
			continue
		}
		d := declaredType{key: f.keys[name], name: name}
		out = append(out, d) // its column is checked even when its type is wrong
		typ, err := datasets.ParseType(t.Value)
		if err != nil {
			hint := "one of " + quoteList(datasets.TypeNames())
			if best, ok := datasets.SuggestType(t.Value); ok {
				hint = fmt.Sprintf("did you mean %q?", string(best))
			}
			l.errorf(t, field, hint, "unknown column type %q", t.Value)
			continue
		}
		if ds.Types == nil {
			ds.Types = map[string]datasets.Type{}
		}
		ds.Types[name] = typ
	}
	return out
}

// checkColumnTypes reports a declared column that is neither a column of
// the file nor a derived one, and drops it from ds.Types, so that reading
// the labels does not fail on it a second time.
func (l *loader) checkColumnTypes(declared []declaredType, ds *Dataset) {
	for _, d := range declared {
		if !contains(ds.Columns, d.name) {
			l.columnError(d.key, "dataset.columns."+d.name, d.name, ds.Columns)
			delete(ds.Types, d.name)
		}
	}
}

// DataRead is what LoadOptions.ReadData learns in its one pass over the
// data: the label counts, and the data checks' findings with the row
// counts of the pass.
type DataRead struct {
	// Labels counts the records by the canonical text of their label.
	Labels map[string]int
	// Findings are the data checks' findings (every check; the file's
	// severities are applied by the runner).
	Findings []datasets.Finding
	// Stats counts the rows read, filtered out and skipped.
	Stats datasets.Stats
	// Skipped holds the first rows skipped as bad.
	Skipped []*datasets.RowError
	// Values are the distinct values of the columns whose values are all
	// text and few (datasets.Checker.Values).
	Values map[string][]string
}

// ErrFilter marks, in an error from LoadOptions.ReadData, a filter that
// fails on a record of the data (a type error its text could not show).
var ErrFilter = errors.New("the filter fails on a record")

// ErrNoRecords marks, in an error from LoadOptions.ReadData, data whose
// every row was skipped as bad (on_bad_row: skip), so that nothing is left
// to replay.
var ErrNoRecords = errors.New("no record to replay")

// maxClasses is the most distinct values a label of numbers may hold and
// still be read as classes rather than a regression target.
const maxClasses = 50

// labels reads the classes the label column holds into ds.Labels and
// checks the positive class against them: a positive class the data never
// holds makes every record a negative, and every binary metric a floor.
func (l *loader) labels(f *fields, ds *Dataset) {
	if l.opt.ReadData == nil || ds.Label == "" || !contains(ds.Columns, ds.Label) || len(l.deriveRefused) > 0 {
		return
	}
	read, err := l.opt.ReadData(*ds)
	counts := read.Labels
	if err == nil {
		ds.Read = &read
	}
	if l.readFailed(f, ds, err, counts) {
		return
	}
	l.classes(f, ds, counts)
}

// readFailed reports, at the key that explains it, a read of the data that
// failed or left nothing to replay; it returns whether it did.
func (l *loader) readFailed(f *fields, ds *Dataset, err error, counts map[string]int) bool {
	var rerr *datasets.RowError
	switch {
	case errors.Is(err, ErrFilter):
		l.errorf(f.val("filter"), "dataset.filter", "compare a column with a value of its own kind",
			"%s", datasets.ShortenQuoted(err.Error()))
		return true
	case errors.Is(err, ErrNoRecords) && errors.As(err, &rerr) && l.deriveFailed(ds, rerr):
		return true // every row skipped because a derived column fails: the expression is at fault
	case errors.Is(err, ErrNoRecords):
		l.errorf(f.val("path"), "dataset.path", "fix the rows, or the types declared under dataset.columns", "%s", datasets.ShortenQuoted(err.Error()))
		return true
	case errors.As(err, &rerr) && l.deriveFailed(ds, rerr):
		return true
	case errors.As(err, &rerr):
		l.errorf(f.val("path"), "dataset.path", "fix the row, or set `on_bad_row: skip` to count and skip such rows",
			"a row does not parse: %s", datasets.ShortenQuoted(err.Error()))
		return true
	case err != nil:
		l.errorf(f.val("label"), "dataset.label", "", "read the label column %q: %s", ds.Label, datasets.ShortenQuoted(err.Error()))
		return true
	case len(counts) == 0 && ds.Filter != "":
		l.errorf(f.val("filter"), "dataset.filter", "check the filter's values against the data", "the filter keeps none of the dataset's records: nothing to replay")
		return true
	case len(counts) == 0:
		l.errorf(f.val("path"), "dataset.path", "export the records to replay, one per row after the header", "the dataset has no records: nothing to replay")
		return true
	}
	return false
}

// deriveFailed reports, at the expression of dataset.derive, a row error of
// a derived column, and returns whether rerr was one. The expression is at
// fault, not the row: what fails on one row fails on every row like it, so
// skipping bad rows would drop those records without a word (the
// applicants without an income, say).
func (l *loader) deriveFailed(ds *Dataset, rerr *datasets.RowError) bool {
	for i, d := range ds.Derive {
		if d.Name != rerr.Column || i >= len(l.deriveNodes) {
			continue
		}
		hint := "fix the expression for every row it meets: guard a missing value (x == nil ? ... : ...) rather than skip the rows it fails on"
		if msg := rerr.Err.Error(); strings.Contains(msg, "float64 % int") || strings.Contains(msg, "% float64") {
			hint = "numbers read from the data are float64, and % takes integers: write int(x) % 3"
		}
		l.errorf(l.deriveNodes[i], "dataset.derive."+d.Name, hint, "the derived column %q cannot be computed on %s: %s",
			d.Name, rowName(rerr), datasets.ShortenQuoted(rerr.Err.Error()))
		return true
	}
	return false
}

// rowName names the row of a row error for a message: "line 2 of
// credit_data.csv".
func rowName(rerr *datasets.RowError) string {
	if rerr.Line > 0 {
		return fmt.Sprintf("line %d of %s", rerr.Line, filepath.Base(rerr.File))
	}
	return filepath.Base(rerr.File)
}

// labelNames decodes dataset.label_names: a name for each coded class
// ({0: legitimate, 1: fraud}), which the reports show instead of the code.
// The codes are checked against the label's classes once they are read.
func (l *loader) labelNames(v *yaml.Node, ds *Dataset) {
	if isNull(v) {
		return
	}
	if v.Kind != yaml.MappingNode {
		l.errorf(v, "dataset.label_names", "write it as a mapping, e.g. {0: legitimate, 1: fraud}", "expected a mapping of class to name, got %s", describe(v))
		return
	}
	ds.LabelNames = map[string]string{}
	l.labelNameNodes = map[string]*yaml.Node{}
	seen := map[string]string{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		code := canonical(k)
		name := strings.TrimSpace(val.Value)
		switch {
		case val.Kind != yaml.ScalarNode || name == "":
			l.errorf(val, "dataset.label_names."+k.Value, "", "the name of class %q must be a non-empty text", code)
		case seen[name] != "":
			l.errorf(val, "dataset.label_names."+k.Value, "give each class its own name",
				"%q already names class %q: two classes with one name could not be told apart", name, seen[name])
		default:
			seen[name] = code
			ds.LabelNames[code] = name
			l.labelNameNodes[code] = k
		}
	}
}

// checkLabelNames refuses a name given to a class the label does not hold
// (a misspelt or miscoded class).
func (l *loader) checkLabelNames(ds *Dataset) {
	if len(ds.Labels) == 0 {
		return
	}
	for code, node := range l.labelNameNodes {
		if same := pipeline.SameNumber(code, ds.Labels); same != "" && same != code {
			ds.LabelNames[same] = ds.LabelNames[code]
			delete(ds.LabelNames, code)
			continue
		}
		if !slices.Contains(ds.Labels, code) {
			l.errorf(node, "dataset.label_names."+node.Value, "name the classes the label column holds",
				"class %s", pipeline.LabelProblem(code, ds.Labels))
		}
	}
}

// classes sets ds.Labels from the label counts and checks the positive
// class against them.
func (l *loader) classes(f *fields, ds *Dataset, counts map[string]int) {
	numeric := true
	for v := range counts {
		if v == "" {
			continue
		}
		ds.Labels = append(ds.Labels, v)
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			numeric = false
		}
	}
	sort.Strings(ds.Labels)
	if numeric && len(ds.Labels) > maxClasses {
		ds.Labels = nil // a regression target: no classes to check
		return
	}
	l.checkLabelNames(ds)
	explicit := !isNull(f.val("positive"))
	if same := pipeline.SameNumber(ds.Positive, ds.Labels); same != "" {
		ds.Positive = same // "1.0" as the file writes it is the class 1 the data holds
	}
	if !slices.Contains(ds.Labels, ds.Positive) && (explicit || len(ds.Labels) == 2) {
		msg := pipeline.LabelProblem(ds.Positive, ds.Labels)
		if explicit {
			l.errorf(f.val("positive"), "dataset.positive", "name the class that is the event to catch", "the positive class %s", msg)
			return
		}
		l.errorf(f.val("label"), "dataset.positive", fmt.Sprintf("add `positive: %s` or `positive: %s` under dataset: — the class that is the event to catch (the fraud, the default, the rejection), whichever it is",
			ds.Labels[0], ds.Labels[len(ds.Labels)-1]),
			"missing: the label %q has two classes and neither is the default positive class \"1\"; %s", ds.Label, msg)
	}
}

// datasetPath resolves dataset.path against the experiment's folder into
// ds.Path and checks that it names a readable file. It returns the path as
// written (for messages) and whether the file can be opened for its columns.
func (l *loader) datasetPath(f *fields, ds *Dataset) (rel string, fileOK bool) {
	rel, hasPath := f.requireStr("path")
	if !hasPath {
		return rel, false
	}
	ds.Path = rel
	if !filepath.IsAbs(rel) {
		ds.Path = filepath.Join(l.dir, rel)
	}
	ds.Path = filepath.Clean(ds.Path)
	if l.refuseFile(f.val("path"), "dataset.path", rel, ds.Path) {
		return rel, false
	}
	st, err := os.Stat(ds.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		l.errorf(f.val("path"), "dataset.path", "relative paths resolve against the experiment file's folder, or the working folder for a file read from standard input", "file %q not found (resolved to %s)", rel, ds.Path)
	case err != nil:
		l.errorf(f.val("path"), "dataset.path", "", "dataset file %q: %v", rel, err)
	case st.IsDir():
		l.errorf(f.val("path"), "dataset.path", "", "%q is a folder, not a data file (resolved to %s)", rel, ds.Path)
	default:
		return rel, true
	}
	return rel, false
}

// derive decodes dataset.derive (v, not null) into ds.Derive and returns
// cols with the derived columns appended in the order written. Each
// expression may use the file's columns and the columns derived before it.
func (l *loader) derive(v *yaml.Node, cols []string, ds *Dataset) []string {
	if v.Kind != yaml.MappingNode {
		l.errorf(v, "dataset.derive", "e.g. derive: {age_band: 'age < 25 ? \"under 25\" : \"25 or over\"'}",
			"expected a mapping of new column names to expressions, got %s", describe(v))
		return cols
	}
	for k := 0; k+1 < len(v.Content); k += 2 {
		key, expr := v.Content[k], v.Content[k+1]
		field := "dataset.derive." + key.Value
		switch {
		case contains(cols, key.Value):
			l.errorf(key, field, "choose another name", "%q is already a column of the dataset", key.Value)
			continue
		case expr.Kind != yaml.ScalarNode || expr.Value == "":
			l.errorf(expr, field, "", "expected an expression, got %s", describe(expr))
			continue
		}
		if _, err := fieldexpr.Compile(expr.Value, cols, false); err != nil {
			l.errorf(expr, field, "", "invalid expression: %v", err)
			cols = append(cols, key.Value) // named elsewhere, it is not also "not a column": the one error says why
			l.deriveRefused = append(l.deriveRefused, key.Value)
			continue
		}
		ds.Derive = append(ds.Derive, Derived{Name: key.Value, Expr: expr.Value})
		l.deriveNodes = append(l.deriveNodes, expr)
		cols = append(cols, key.Value)
	}
	return cols
}

// checkDatasetColumns checks the columns the dataset block names (id,
// label, time, segments, sample.stratify, and the filter) against
// ds.Columns, once they are known. segNodes and stratifyNode are the nodes
// the segments and the stratify column were read from.
func (l *loader) checkDatasetColumns(f *fields, ds *Dataset, segNodes []*yaml.Node, stratifyNode *yaml.Node) {
	cols := ds.Columns
	check := func(v *yaml.Node, field, name string) {
		if name != "" && !contains(cols, name) {
			l.columnError(v, field, name, cols)
		}
	}
	check(f.val("id"), "dataset.id", ds.ID)
	check(f.val("label"), "dataset.label", ds.Label)
	check(f.val("time"), "dataset.time", ds.Time)
	for i, s := range ds.Segments {
		field := "dataset.segments"
		if f.val("segments").Kind == yaml.SequenceNode {
			field = index(field, i)
		}
		check(segNodes[i], field, s)
	}
	if ds.Sample != nil {
		check(stratifyNode, "dataset.sample.stratify", ds.Sample.Stratify)
	}
	if l.opt.ColumnKinds != nil {
		ds.Kinds = l.opt.ColumnKinds(*ds)
	}
	for i, d := range ds.Derive {
		if p, err := fieldexpr.Compile(d.Expr, cols, false); err == nil && i < len(l.deriveNodes) {
			if err := p.CheckKinds(ds.Kinds); err != nil {
				l.errorf(l.deriveNodes[i], "dataset.derive."+d.Name, "", "%v", err)
			}
		}
	}
	if ds.Filter != "" && l.opt.CheckFilter != nil {
		if err := l.opt.CheckFilter(ds.Filter, cols); err != nil {
			l.errorf(f.val("filter"), "dataset.filter", "", "invalid filter: %v", err)
		} else if p, err := fieldexpr.Compile(ds.Filter, cols, true); err == nil {
			if err := p.CheckKinds(ds.Kinds); err != nil {
				l.errorf(f.val("filter"), "dataset.filter", "", "%v", err)
			}
		}
	}
}

// columnError reports a reference to a column the dataset lacks.
func (l *loader) columnError(n *yaml.Node, field, name string, cols []string) {
	hint := ""
	if datasets.LooksLikeNames(cols) {
		hint = didYouMean(name, cols)
	}
	if hint == "" {
		hint = datasets.ColumnList(cols, 12)
	}
	l.errorf(n, field, hint, "column %q is not in the dataset", name)
}

// sample decodes dataset.sample and returns the stratify node.
func (l *loader) sample(n *yaml.Node, ds *Dataset) *yaml.Node {
	f := l.mapping(n, "dataset.sample", sampleKeys)
	if f == nil {
		return nil
	}
	s := &Sample{Seed: 1}
	hasSize, hasFraction := f.has("size"), f.has("fraction")
	switch {
	case hasSize && hasFraction:
		l.errorf(f.keys["fraction"], f.field("fraction"), "keep one of them",
			"size and fraction cannot be used together")
	case !hasSize && !hasFraction:
		l.errorf(f.node, "dataset.sample", "write size: 50000 or fraction: 0.1",
			"a sample needs a size or a fraction")
	}
	if v, ok := f.int("size"); ok {
		if v < 1 {
			l.errorf(f.val("size"), f.field("size"), "", "sample size must be at least 1, got %d", v)
		} else {
			s.Size = int(v)
		}
	}
	if f.has("fraction") {
		v, err := parseQuantity(f.val("fraction"), numberOrPercent)
		switch {
		case err != nil:
			l.errorf(f.val("fraction"), f.field("fraction"), "", "%v", err)
		case v <= 0 || v > 1:
			l.errorf(f.val("fraction"), f.field("fraction"), "", "sample fraction must be above 0 and at most 1, got %g", v)
		default:
			s.Fraction = v
		}
	}
	if v, ok := f.int("seed"); ok {
		if v < 0 {
			l.errorf(f.val("seed"), f.field("seed"), "", "seed must be 0 or more, got %d", v)
		} else {
			s.Seed = uint64(v)
		}
	}
	s.Stratify, _ = f.str("stratify")
	ds.Sample = s
	return f.val("stratify")
}

// sequence checks that n is a non-empty list.
func (l *loader) sequence(n *yaml.Node, field, what string) []*yaml.Node {
	if n.Kind != yaml.SequenceNode {
		l.errorf(n, field, "", "expected a list of %s, got %s", what, describe(n))
		return nil
	}
	if len(n.Content) == 0 {
		l.errorf(n, field, "", "at least one %s is needed", strings.TrimSuffix(what, "s"))
	}
	return n.Content
}

// addressable returns a pointer to decode into for spec, and a function
// returning the decoded spec (specs held by value are copied behind a pointer).
func addressable(spec any) (target any, result func() any) {
	v := reflect.ValueOf(spec)
	if v.Kind() == reflect.Pointer {
		return spec, func() any { return spec }
	}
	p := reflect.New(v.Type())
	p.Elem().Set(v)
	return p.Interface(), func() any { return p.Elem().Interface() }
}

// splitBlock separates a block's common keys (handled by the loader) from
// the type-specific rest, returned as a mapping node positioned at the block.
func splitBlock(f *fields, common []string) *yaml.Node {
	rest := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: f.node.Line, Column: f.node.Column}
	for _, k := range f.order {
		if !contains(common, k) {
			rest.Content = append(rest.Content, f.keys[k], f.vals[k])
		}
	}
	return rest
}

// fieldErrors reports a Build error, pointing each field problem at its node
// within the block (or at the block when the field is not written there).
func (l *loader) fieldErrors(err error, block *yaml.Node, path string) {
	for _, fe := range pipeline.AsFieldErrors(err) {
		n, _ := findPath(block, fe.Field)
		l.errorf(n, joinFieldPath(path, fe.Field), "", "%s", fe.Msg)
	}
}

// pipelines decodes, checks and builds the pipelines.
func (l *loader) pipelines(n *yaml.Node, exp *Experiment, canBuild bool) {
	seen := map[string]*yaml.Node{}
	for i, el := range l.sequence(n, "pipelines", "pipelines") {
		path := index("pipelines", i)
		el = deref(el)
		f := l.mapping(el, path, nil)
		if f == nil {
			continue
		}
		p := Pipeline{Pos: posOf(el), block: el}
		if name, ok := f.requireStr("name"); ok {
			p.Name = name
			if prev, dup := seen[name]; dup {
				l.errorf(f.val("name"), f.field("name"), "pipeline names must be unique",
					"pipeline %q is defined twice (first at line %d)", name, prev.Line)
			} else {
				seen[name] = f.val("name")
			}
		}
		if f.require("role") != nil {
			if role, ok := f.oneOf("role", []string{string(pipeline.Candidate), string(pipeline.Baseline)}); ok {
				p.Role = pipeline.Role(role)
			}
		}
		p.Description, _ = f.str("description")
		rest := splitBlock(f, pipelineKeys)
		p.Config = l.plain(rest).(map[string]any)
		typ, ok := f.requireStr("type")
		p.Type = typ
		if !ok {
			exp.Pipelines = append(exp.Pipelines, p)
			continue
		}
		factory, found := pipeline.Lookup(typ)
		if !found {
			hint := didYouMean(typ, pipeline.Types())
			if hint == "" && len(pipeline.Types()) > 0 {
				hint = "registered types: " + strings.Join(pipeline.Types(), ", ")
			}
			l.errorf(f.val("type"), f.field("type"), hint, "unknown pipeline type %q", typ)
			exp.Pipelines = append(exp.Pipelines, p)
			continue
		}
		target, result := addressable(factory())
		if l.decodeStrict(target, rest, path, pipelineKeys) {
			p.Spec, _ = result().(pipeline.Spec)
			p.Reach = l.specReach(p.Spec, "pipeline "+p.Name)
			if l.refuseReach(el, path, p.Reach) {
				exp.Pipelines = append(exp.Pipelines, p)
				continue
			}
			if canBuild && p.Spec != nil {
				p.Pipeline = l.buildPipeline(&p, exp, el, path)
			}
		}
		exp.Pipelines = append(exp.Pipelines, p)
	}
}

// buildPipeline builds the decoded spec of p, reporting its field errors at
// their lines within the block el; nil when the build fails.
func (l *loader) buildPipeline(p *Pipeline, exp *Experiment, el *yaml.Node, path string) pipeline.Pipeline {
	built, err := p.Spec.Build(pipeline.Env{
		Name: p.Name, Role: p.Role, Dir: l.dir, Columns: exp.Dataset.Columns, Kinds: exp.Dataset.Kinds,
		Label: exp.Dataset.Label, Positive: exp.Dataset.Positive, Labels: exp.Dataset.Labels,
		Cache: l.opt.Cache, Privacy: l.privacyImpl, AllowedURLs: exp.Privacy.AllowURLs,
		LookupEnv: l.opt.lookupEnv(),
	})
	if err != nil {
		l.fieldErrors(err, el, path)
		return nil
	}
	if rs, ok := built.(ruleSet); ok {
		l.checkRulesFlagPositive(rs, p, exp, el, path)
		l.checkRuleValues(rs, p, exp, el, path)
	}
	return built
}

// ruleSet is a pipeline of rules that says what its rules and its default
// give, and what its conditions compare columns with (baselines.Rules).
type ruleSet interface {
	RuleOutputs() (rules []string, fallback string)
	RuleComparisons() [][]fieldexpr.Comparison
}

// checkRuleValues warns of a rule that compares a column with a text the
// column never holds in the records the run replays (a category misspelt,
// in another case, or with a space): the comparison is never true, so the
// rule is weaker than the rule set it stands for — silently, when another
// part of its condition still fires — and a candidate beats it more
// easily. Only columns whose every value is text, with at most a thousand
// distinct ones, are checked.
func (l *loader) checkRuleValues(rs ruleSet, p *Pipeline, exp *Experiment, el *yaml.Node, path string) {
	read := exp.Dataset.Read
	if read == nil || read.Values == nil {
		return
	}
	for i, cmps := range rs.RuleComparisons() {
		seen := map[fieldexpr.Comparison]bool{}
		for _, c := range cmps {
			values, ok := read.Values[c.Column]
			if !ok || seen[c] || slices.Contains(values, c.Value) {
				continue
			}
			seen[c] = true
			field := join(path, fmt.Sprintf("rules[%d].when", i))
			at, _ := findPath(el, fmt.Sprintf("rules[%d].when", i))
			if at == nil {
				at = el
			}
			how := "are compared as written, case and spaces included; the column holds " + someValues(values)
			hint := "values " + how
			if dym := didYouMean(c.Value, values); dym != "" {
				hint = dym + " Values " + how
			}
			l.warnf(at, field, hint, "rule %d of %s compares column %q with %q, which none of the records replayed holds: that comparison is never true",
				i+1, p.Name, c.Column, c.Value)
		}
	}
}

// ruleTextColumns lists, sorted, the columns the rules pipelines of the
// pipelines block n compare with a text (a condition that does not parse
// is reported where the pipeline is built, and adds none).
func ruleTextColumns(n *yaml.Node) []string {
	var cols []string
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	for _, p := range n.Content {
		if t, _ := findPath(p, "type"); t == nil || t.Value != "rules" {
			continue
		}
		rules, ok := findPath(p, "rules")
		if !ok || rules.Kind != yaml.SequenceNode {
			continue
		}
		for _, r := range rules.Content {
			if w, ok := findPath(r, "when"); ok && w.Kind == yaml.ScalarNode {
				for _, c := range fieldexpr.TextComparisons(w.Value) {
					if !slices.Contains(cols, c.Column) {
						cols = append(cols, c.Column)
					}
				}
			}
		}
	}
	slices.Sort(cols)
	return cols
}

// someValues lists up to eight of values, quoted.
func someValues(values []string) string {
	s := quoteList(values[:min(len(values), 8)])
	if len(values) > 8 {
		s += fmt.Sprintf(" and %d more", len(values)-8)
	}
	return s
}

// checkRulesFlagPositive warns when every rule of a binary label's rule set
// gives the negative class and the default is the positive one: rules
// flag what they look for, so dataset.positive most likely names the other
// class (positive: good where the rules flag bad applicants), which turns
// every recall, precision and cost of error around.
func (l *loader) checkRulesFlagPositive(rs ruleSet, p *Pipeline, exp *Experiment, el *yaml.Node, path string) {
	pos := exp.Dataset.Positive
	if pos == "" || len(exp.Dataset.Labels) != 2 {
		return
	}
	rules, fallback := rs.RuleOutputs()
	if fallback != pos || len(rules) == 0 || slices.Contains(rules, pos) {
		return
	}
	at, _ := findPath(el, "default")
	if at == nil {
		at = el
	}
	l.warnf(at, join(path, "default"), fmt.Sprintf("positive names the class the pipelines look for (fraud, default, churn); if the rules look for %q, write dataset.positive: %q", rules[0], rules[0]),
		"every rule of %s gives %q and its default is %q, the positive class (dataset.positive): the rules flag the negative class", p.Name, rules[0], pos)
}

// metricTypeNames lists the registered metric types.
func metricTypeNames() []string {
	infos := metrics.Types()
	names := make([]string, len(infos))
	for i, info := range infos {
		names[i] = info.Type
	}
	return names
}

// metrics decodes, checks and builds the metrics.
func (l *loader) metrics(n *yaml.Node, exp *Experiment, canBuild bool) {
	seen := map[string]*yaml.Node{}
	for i, el := range l.sequence(n, "metrics", "metrics") {
		path := index("metrics", i)
		el = deref(el)
		m := Metric{Pos: posOf(el)}
		var nameNode, typeNode *yaml.Node
		rest := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: el.Line, Column: el.Column}
		switch el.Kind {
		case yaml.ScalarNode:
			if isNull(el) {
				l.errorf(el, path, "", "empty metric entry")
				continue
			}
			m.Name, m.Type = el.Value, el.Value
			nameNode, typeNode = el, el
		case yaml.MappingNode:
			f := l.mapping(el, path, nil)
			name, ok := f.requireStr("name")
			if !ok {
				continue
			}
			m.Name, nameNode = name, f.val("name")
			m.Type, typeNode = name, nameNode
			if t, ok := f.str("type"); ok {
				m.Type, typeNode = t, f.val("type")
			}
			rest = splitBlock(f, metricKeys)
		default:
			l.errorf(el, path, "", "expected a metric name or a mapping with name and type, got %s", describe(el))
			continue
		}
		m.Config = l.plain(rest).(map[string]any)
		if prev, dup := seen[m.Name]; dup {
			l.errorf(nameNode, path, "give each a distinct name: {name: ..., type: "+m.Type+"}",
				"metric %q is defined twice (first at line %d)", m.Name, prev.Line)
		} else {
			seen[m.Name] = nameNode
		}
		factory, found := metrics.Lookup(m.Type)
		if !found {
			l.unknownMetric(m.Type, path, el, nameNode, typeNode)
			exp.Metrics = append(exp.Metrics, m)
			continue
		}
		target, result := addressable(factory())
		if l.decodeStrict(target, rest, path, metricKeys) {
			spec, _ := result().(metrics.Spec)
			m.Reach = l.specReach(spec, "metric "+m.Name)
			if l.refuseReach(el, path, m.Reach) {
				exp.Metrics = append(exp.Metrics, m)
				continue
			}
			if canBuild && spec != nil {
				m.Metric = l.buildMetric(spec, m.Name, exp, el, path)
			}
		}
		exp.Metrics = append(exp.Metrics, m)
	}
}

// unknownMetric reports a metric type that is not registered, at the node
// that names it (the type, or the name standing for it).
func (l *loader) unknownMetric(typ, path string, el, nameNode, typeNode *yaml.Node) {
	hint := didYouMean(typ, metricTypeNames())
	if hint == "" {
		hint = "see `poc metrics` for the list"
	}
	field := path
	if typeNode != el {
		field = join(path, "type")
		if typeNode == nameNode {
			field = join(path, "name")
		}
	}
	l.errorf(typeNode, field, hint, "unknown metric type %q", typ)
}

// buildMetric builds a decoded metric spec, reporting its field errors at
// their lines within the block el; nil when the build fails.
func (l *loader) buildMetric(spec metrics.Spec, name string, exp *Experiment, el *yaml.Node, path string) metrics.Metric {
	built, err := spec.Build(metrics.Env{
		Name: name, Columns: exp.Dataset.Columns, Kinds: exp.Dataset.Kinds, Label: exp.Dataset.Label,
		Positive: exp.Dataset.Positive, Labels: exp.Dataset.Labels, Currency: exp.UseCase.Currency, Dir: l.dir,
		Time: exp.Dataset.Time, Cache: l.opt.Cache, Privacy: l.privacyImpl,
		AllowedURLs: exp.Privacy.AllowURLs, LookupEnv: l.opt.lookupEnv(), NewGrader: l.opt.NewGrader,
	})
	if err != nil {
		l.fieldErrors(err, el, path)
		return nil
	}
	if err := analysis.Check(built); err != nil {
		l.errorf(el, path, "fix the metric's Go type, or register it without the interfaces it cannot honour", "%v", err)
		return nil
	}
	return built
}

// criteria decodes and checks the criteria against the defined metrics and
// pipelines.
func (l *loader) criteria(n *yaml.Node, exp *Experiment) {
	if n.Kind != yaml.SequenceNode {
		l.errorf(n, "criteria", "", "expected a list of criteria, got %s", describe(n))
		return
	}
	var refs criterionRefs
	for _, m := range exp.Metrics {
		refs.metrics = append(refs.metrics, m.Name)
	}
	for _, p := range exp.Pipelines {
		refs.pipelines = append(refs.pipelines, p.Name)
	}
	seen := map[string]*yaml.Node{}
	for i, el := range n.Content {
		path := index("criteria", i)
		el = deref(el)
		f := l.mapping(el, path, criterionKey)
		if f == nil {
			continue
		}
		c := l.criterion(f, el, path, refs, seen, exp)
		l.checkReads(c, el, path, exp)
		l.checkJudgeable(c, el, path, exp)
		exp.Criteria = append(exp.Criteria, c)
	}
}

// checkReads refuses a criterion whose metric reads a kind of output that
// its pipeline (or its baseline) never gives, as the pipeline says
// (pipeline.Outputs): the ROC AUC of a rule set that gives no scores could
// never be computed, and the criterion would be undefined after the run.
func (l *loader) checkReads(c Criterion, el *yaml.Node, path string, exp *Experiment) {
	m := exp.Metric(c.Metric)
	if m == nil || m.Metric == nil {
		return
	}
	var accepts []string
	for _, info := range metrics.Types() {
		if info.Type == m.Type {
			accepts = info.Accepts
		}
	}
	if len(accepts) == 0 || slices.Contains(accepts, "any") {
		return
	}
	reads := accepts
	if slices.Contains(accepts, pipeline.OutputText) {
		reads = append(slices.Clone(accepts), pipeline.OutputLabel) // text metrics read the label when there is no text
	}
	for _, name := range []string{c.Pipeline, c.Baseline} {
		p := exp.Pipeline(name)
		if p == nil || p.Pipeline == nil {
			continue
		}
		o, ok := p.Pipeline.(pipeline.Outputs)
		if !ok {
			continue
		}
		gives := o.Outputs()
		if slices.ContainsFunc(reads, func(a string) bool { return slices.Contains(gives, a) }) {
			continue
		}
		l.errorf(el, path, "judge the metric on pipelines that give what it reads, or choose a metric of what they give (`poc metrics` lists what each reads)",
			"metric %q (%s) reads %s, but pipeline %q (type %s) gives only %s: it could never be computed",
			c.Metric, m.Type, strings.Join(accepts, " or "), name, p.Type, strings.Join(gives, " and "))
	}
}

// checkJudgeable warns about a must-criterion on a metric that may give no
// interval: a final-mode command metric is judged only when it answers lo
// and hi, and is otherwise undefined, which keeps the verdict from GO.
func (l *loader) checkJudgeable(c Criterion, el *yaml.Node, path string, exp *Experiment) {
	m := exp.Metric(c.Metric)
	if !c.Must || m == nil || m.Type != "command" || m.Config["mode"] != "final" {
		return
	}
	l.warnf(el, path, `make the program answer {"value": x, "lo": l, "hi": h}, or make the criterion a should`,
		"metric %q is a final-mode command: unless it answers lo and hi, this must-criterion has no interval, is undefined, and the verdict cannot be GO", c.Metric)
}

// criterionRefs holds the names a criterion may refer to: those defined
// under metrics and under pipelines.
type criterionRefs struct {
	metrics, pipelines []string
}

// criterion decodes and checks one criterion, the mapping f read from el at
// path. seen maps the criterion names met so far to their nodes, to report
// a name used twice.
func (l *loader) criterion(f *fields, el *yaml.Node, path string, refs criterionRefs, seen map[string]*yaml.Node, exp *Experiment) Criterion {
	c := Criterion{Pos: posOf(el)}
	if name, ok := f.str("name"); ok {
		c.Name = name
		if prev, dup := seen[name]; dup {
			l.errorf(f.val("name"), f.field("name"), "", "criterion %q is defined twice (first at line %d)", name, prev.Line)
		} else {
			seen[name] = f.val("name")
		}
	}
	c.Why, _ = f.str("why")
	if must, ok := f.bool("must"); ok {
		c.Must = must
	}
	if metric, ok := f.requireStr("metric"); ok {
		c.Metric = metric
		l.metricRef(f, metric, refs.metrics)
	}
	if name, ok := f.requireStr("pipeline"); ok {
		c.Pipeline = name
		l.pipelineRef(f, "pipeline", name, refs.pipelines)
	}
	if kinds := l.comparisonKinds(f, path); len(kinds) > 0 {
		l.comparison(f, kinds[0], &c, refs.pipelines, exp)
	}
	l.margins(f, &c)
	if rel, ok := f.bool("relative"); ok && rel {
		if c.Kind != BetterThan && c.Kind != NoWorseThan {
			l.errorf(f.keys["relative"], f.field("relative"), "", "relative goes only with better_than or no_worse_than")
		}
		c.Relative = true
	}
	l.checkShareMargin(f, exp, c)
	if v := f.val("in_every"); !isNull(v) {
		l.inEvery(f, v, &c, exp.Dataset.Segments)
	}
	return c
}

// metricRef reports a criterion's metric that is not defined under
// metrics. The hint is a near name, else an invitation to add a registered
// type of that name, else the metrics defined.
func (l *loader) metricRef(f *fields, metric string, metricNames []string) {
	if contains(metricNames, metric) {
		return
	}
	hint := didYouMean(metric, metricNames)
	if hint == "" {
		if _, registered := metrics.Lookup(metric); registered {
			hint = fmt.Sprintf("add %q under metrics:", metric)
		} else if len(metricNames) > 0 {
			hint = "metrics defined: " + strings.Join(metricNames, ", ")
		}
	}
	l.errorf(f.val("metric"), f.field("metric"), hint, "metric %q is not defined under metrics", metric)
}

// pipelineRef reports whether the pipeline name written under key is
// defined under pipelines, reporting it when it is not.
func (l *loader) pipelineRef(f *fields, key, name string, pipelineNames []string) bool {
	if contains(pipelineNames, name) {
		return true
	}
	hint := didYouMean(name, pipelineNames)
	if hint == "" && len(pipelineNames) > 0 {
		hint = "pipelines defined: " + strings.Join(pipelineNames, ", ")
	}
	l.errorf(f.val(key), f.field(key), hint, "pipeline %q is not defined under pipelines", name)
	return false
}

// comparisonKinds returns the comparison keys written in the criterion, in
// file order, reporting a criterion with none or with more than one (the
// first one written is the one kept).
func (l *loader) comparisonKinds(f *fields, path string) []string {
	var kinds []string
	for _, k := range f.order {
		if contains(kindKeys, k) {
			kinds = append(kinds, k)
		}
	}
	switch {
	case len(kinds) == 0:
		l.errorf(f.node, path, "write one of at_least, at_most, better_than or no_worse_than",
			"a criterion needs a comparison")
	case len(kinds) > 1:
		for _, k := range kinds[1:] {
			l.errorf(f.keys[k], f.field(k), "write one criterion per comparison",
				"%s and %s cannot be used in the same criterion", kinds[0], k)
		}
	}
	return kinds
}

// comparison decodes the value of the comparison key kind into c: a
// threshold for at_least and at_most, the pipeline compared with for
// better_than and no_worse_than.
func (l *loader) comparison(f *fields, kind string, c *Criterion, pipelineNames []string, exp *Experiment) {
	c.Kind = CriterionKind(kind)
	v := f.val(kind)
	switch c.Kind {
	case AtLeast, AtMost:
		if th, err := parseQuantity(v, anyQuantity); err != nil {
			l.errorf(v, f.field(kind), "", "%v", err)
		} else {
			c.Threshold = th
			l.checkShare(exp, *c, v, f.field(kind))
		}
	case BetterThan, NoWorseThan:
		if base, ok := f.str(kind); !ok {
			if isNull(v) {
				l.errorf(v, f.field(kind), "", "%s needs the name of a pipeline", kind)
			}
		} else {
			c.Baseline = base
			if l.pipelineRef(f, kind, base, pipelineNames) && base == c.Pipeline {
				l.errorf(v, f.field(kind), "compare with a baseline",
					"pipeline %q cannot be compared with itself", base)
			}
		}
	}
}

// marginKeys pairs each margin key with the comparison it belongs to and
// the key the other comparison uses instead.
var marginKeys = []struct {
	key  string
	kind CriterionKind
	alt  string
}{{"by", BetterThan, "margin"}, {"margin", NoWorseThan, "by"}}

// margins decodes by (with better_than) and margin (with no_worse_than)
// into c.Margin, reporting either written with the wrong comparison.
func (l *loader) margins(f *fields, c *Criterion) {
	for _, mk := range marginKeys {
		v := f.val(mk.key)
		if v == nil {
			continue
		}
		if c.Kind != "" && c.Kind != mk.kind {
			hint := ""
			if c.Kind == map[string]CriterionKind{"by": NoWorseThan, "margin": BetterThan}[mk.key] {
				hint = fmt.Sprintf("with %s, write %s", c.Kind, mk.alt)
			}
			l.errorf(f.keys[mk.key], f.field(mk.key), hint, "%s goes only with %s", mk.key, mk.kind)
			continue
		}
		m, err := parseQuantity(v, anyQuantity)
		switch {
		case err != nil:
			l.errorf(v, f.field(mk.key), "", "%v", err)
		case m < 0:
			l.errorf(v, f.field(mk.key), "", "%s must be 0 or more, got %g", mk.key, m)
		default:
			c.Margin = m
		}
	}
}

// inEvery decodes in_every (v, one column or a list) into c.InEvery,
// keeping only the columns listed under dataset.segments.
func (l *loader) inEvery(f *fields, v *yaml.Node, c *Criterion, segments []string) {
	var cols []string
	var nodes []*yaml.Node
	if v.Kind == yaml.ScalarNode {
		cols, nodes = []string{v.Value}, []*yaml.Node{v}
	} else {
		cols, nodes = f.strList("in_every")
	}
	for k, col := range cols {
		if !contains(segments, col) {
			l.errorf(nodes[k], f.field("in_every"), didYouMean(col, segments),
				"%q is not one of dataset.segments %v; list it there first", col, segments)
			continue
		}
		c.InEvery = append(c.InEvery, col)
	}
}

// checkShare refuses an absolute threshold outside 0..1 on a built-in
// share metric (recall, a rate, AUC…), which its value can never cross: a
// criterion at_most 30 on a false-positive rate would pass whatever the
// pipeline does and hand out a GO. On a metric the experiment defines
// itself (expr, command) without a unit it only warns, since the value
// need not be a share.
func (l *loader) checkShare(exp *Experiment, c Criterion, v *yaml.Node, field string) {
	m := exp.Metric(c.Metric)
	if m == nil || m.Metric == nil || m.Metric.Unit() != "" || (c.Threshold >= 0 && c.Threshold <= 1) {
		return
	}
	if knownShare(m) {
		l.errorf(v, field, "write a share as 0.30 or 30%",
			"%s is a share between 0 and 1, so a threshold of %g can never be crossed", c.Metric, c.Threshold)
		return
	}
	l.warnf(v, field, "write a share as 0.30 or 30%, or give the metric its unit: (unit: number)",
		"%s has no unit, so it reads as a share between 0 and 1, but the threshold is %g", c.Metric, c.Threshold)
}

// knownShare reports whether m is a built-in metric whose value is a share
// between 0 and 1 (its unit is empty and it is not one the experiment
// defines itself, expr or command, whose unit is optional).
func knownShare(m *Metric) bool {
	return m != nil && m.Metric != nil && m.Metric.Unit() == "" && m.Type != "expr" && m.Type != "command"
}

// checkShareMargin refuses a margin (by, margin) of 1 or more on the
// difference of two shares, which lies between −1 and 1: better_than by 5
// can never pass, and no_worse_than with margin 5 always does — a
// must-criterion that cannot fail. A relative margin is a share of the
// baseline's value and is not checked here.
func (l *loader) checkShareMargin(f *fields, exp *Experiment, c Criterion) {
	if c.Relative || c.Margin < 1 || (c.Kind != BetterThan && c.Kind != NoWorseThan) || !knownShare(exp.Metric(c.Metric)) {
		return
	}
	key := map[CriterionKind]string{BetterThan: "by", NoWorseThan: "margin"}[c.Kind]
	v := f.val(key)
	if v == nil {
		return
	}
	never := "can never pass"
	if c.Kind == NoWorseThan {
		never = "always holds, whatever the pipeline does"
	}
	l.errorf(v, f.field(key), fmt.Sprintf("write %g%% or %g", c.Margin, c.Margin/100),
		"%s %g on %s, a share: a difference of two shares lies between -1 and 1, so the criterion %s", key, c.Margin, c.Metric, never)
}

// maxResamples is the most bootstrap resamples a file may ask for.
const maxResamples = 100_000

// reportLimits decodes the report's record and failure limits.
func (l *loader) reportLimits(f *fields, exp *Experiment) {
	for _, k := range []struct {
		key string
		dst *int
	}{{"min_segment_size", &exp.Report.MinSegmentSize}, {"min_records", &exp.Report.MinRecords}} {
		if v, ok := f.int(k.key); ok {
			if v < 1 {
				l.errorf(f.val(k.key), f.field(k.key), "30 is usual", "%s must be at least 1, got %d", k.key, v)
			} else {
				*k.dst = int(v)
			}
		}
	}
	if v := f.val("max_failure_rate"); !isNull(v) {
		r, err := parseQuantity(v, numberOrPercent)
		switch {
		case err != nil:
			l.errorf(v, f.field("max_failure_rate"), "1% is the default", "%v", err)
		case !(r >= 0 && r <= 1):
			l.errorf(v, f.field("max_failure_rate"), "1% is the default", "max_failure_rate is a share between 0 and 1, got %g", r)
		default:
			exp.Report.MaxFailureRate = r
		}
	}
}

// report decodes report.
func (l *loader) report(n *yaml.Node, exp *Experiment) {
	f := l.mapping(n, "report", reportKeys)
	if f == nil {
		return
	}
	if v := f.val("confidence"); !isNull(v) {
		c, err := parseQuantity(v, numberOrPercent)
		switch {
		case err != nil:
			l.errorf(v, f.field("confidence"), "", "%v", err)
		case c <= 0.5 || c >= 1:
			l.errorf(v, f.field("confidence"), "0.95 is usual", "confidence must be above 0.5 and below 1, got %g", c)
		default:
			exp.Report.Confidence = c
		}
	}
	l.reportLimits(f, exp)
	if f.has("multiplicity") {
		if m, ok := f.oneOf("multiplicity", []string{"holm", "none"}); ok {
			exp.Report.Multiplicity = m
		}
	}
	if v := f.val("bootstrap"); !isNull(v) {
		b := l.mapping(v, "report.bootstrap", bootstrapKey)
		if b == nil {
			return
		}
		if b.has("method") {
			if m, ok := b.oneOf("method", []string{"bca", "percentile"}); ok {
				exp.Report.Method = m
			}
		}
		if r, ok := b.int("resamples"); ok {
			switch {
			case r < 100:
				l.errorf(b.val("resamples"), b.field("resamples"), "2000 is usual", "resamples must be at least 100, got %d", r)
			case r > maxResamples:
				l.errorf(b.val("resamples"), b.field("resamples"), "2000 is usual; 10000 settles a p-value near the level",
					"resamples must be at most %d (more changes an interval by less than its rounding and takes minutes for every metric), got %d", maxResamples, r)
			default:
				exp.Report.Resamples = int(r)
			}
		}
		if s, ok := b.int("seed"); ok {
			if s < 0 {
				l.errorf(b.val("seed"), b.field("seed"), "", "seed must be 0 or more, got %d", s)
			} else {
				exp.Report.Seed = uint64(s)
			}
		}
	}
}
