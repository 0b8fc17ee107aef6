package metrics

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/poc-harness/poc/pipeline"
)

func init() {
	Register(Info{Type: "command", Doc: "a metric computed by a program in any language (`command:`), fed the records and predictions as JSON lines; `mode:` per_record or final", Accepts: anyKind},
		func() Spec { return new(CommandSpec) })
}

// DefaultCommandTimeout bounds a metric subprocess without `timeout:`.
const DefaultCommandTimeout = 30 * time.Second

// CommandSpec configures a subprocess metric:
//
//   - {name: tone, type: command, command: [python3, tone.py], mode: per_record, timeout: 30s}
//
// Protocol (see metrics/README.md): at the end of the replay poc starts the
// command once per pipeline in the experiment's folder, writes one JSON
// object per record to its standard input —
//
//	{"seq": 0, "truth": "1", "label": "1", "score": 0.92, "text": "",
//	 "fields": null, "failed": false, "error": "", "latency_ms": 12.5,
//	 "cost": 0, "record": {"amount": 120.5, ...}}
//
// — and closes it. In per_record mode the program prints one number per
// input line, in order (null for "no value"); the metric is their mean,
// with a bootstrap interval. In final mode it prints one JSON object
// {"value": x}, optionally with "lo" and "hi" for its own interval. A crash,
// a timeout or any other answer gives a NaN value and a detail naming the
// command and the problem.
//
// The program does not inherit poc's environment (it holds the pipelines'
// API keys): it gets PATH, HOME, LANG, LC_ALL, LC_CTYPE, TZ and TMPDIR
// (pipeline.BaseEnviron, those set), the variables named by pass_env and
// the values of env.
type CommandSpec struct {
	// Command is the program and its arguments; a relative path with a
	// slash is resolved against the experiment's folder.
	Command []string `yaml:"command"`
	// Timeout bounds one run of the program (default 30s).
	Timeout time.Duration `yaml:"timeout"`
	// Mode is per_record (default) or final.
	Mode string `yaml:"mode"`
	// Direction is higher (default) or lower: which way the metric improves.
	Direction string `yaml:"direction"`
	// Unit is the unit of the value, for the report (optional).
	Unit string `yaml:"unit"`
	// Env sets environment variables of the program to the values given.
	Env map[string]string `yaml:"env"`
	// PassEnv names variables of poc's environment passed through to the
	// program; no other variable is, beyond pipeline.BaseEnviron.
	PassEnv []string `yaml:"pass_env"`
}

// Build checks the configuration.
func (s *CommandSpec) Build(env Env) (Metric, error) {
	var errs pipeline.FieldErrors
	if len(s.Command) == 0 || s.Command[0] == "" {
		errs = append(errs, pipeline.Errorf("command", "missing: the program and its arguments, e.g. `command: [python3, my_metric.py]`"))
	}
	if s.Timeout < 0 {
		errs = append(errs, pipeline.Errorf("timeout", "must be positive, got %s", s.Timeout))
	}
	mode := s.Mode
	if mode == "" {
		mode = "per_record"
	}
	if mode != "per_record" && mode != "final" {
		errs = append(errs, pipeline.Errorf("mode", "must be per_record or final, got %q", s.Mode))
	}
	dir := HigherIsBetter
	switch s.Direction {
	case "", "higher":
	case "lower":
		dir = LowerIsBetter
	default:
		errs = append(errs, pipeline.Errorf("direction", "must be higher or lower, got %q", s.Direction))
	}
	for k := range s.Env {
		if msg := pipeline.EnvNameProblem(k); msg != "" {
			errs = append(errs, pipeline.Errorf("env", "%s", msg))
		}
	}
	for i, k := range s.PassEnv {
		if msg := pipeline.EnvNameProblem(k); msg != "" {
			errs = append(errs, pipeline.Errorf(fmt.Sprintf("pass_env[%d]", i), "%s", msg))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	m := &commandMetric{name: env.Name, dir: dir, unit: s.Unit, mode: mode, workdir: env.Dir,
		command: append([]string(nil), s.Command...), display: strings.Join(s.Command, " "), timeout: s.Timeout,
		environ: pipeline.SubprocessEnviron(env.LookupEnv, s.PassEnv, s.Env)}
	if m.timeout == 0 {
		m.timeout = DefaultCommandTimeout
	}
	if prog := m.command[0]; !filepath.IsAbs(prog) && strings.ContainsRune(prog, '/') && env.Dir != "" {
		m.command[0] = filepath.Join(env.Dir, prog)
	}
	return m, nil
}

type commandMetric struct {
	environ                            []string // the program's whole environment
	name, unit, mode, workdir, display string
	dir                                Direction
	command                            []string
	timeout                            time.Duration
}

func (m *commandMetric) Name() string         { return m.name }
func (m *commandMetric) Direction() Direction { return m.dir }
func (m *commandMetric) Unit() string         { return m.unit }

func (m *commandMetric) New() Accumulator {
	if m.mode == "final" {
		return &commandAcc{m: m}
	}
	return &perRecordAcc{commandAcc{m: m}}
}

// CommandDetail is the detail of a subprocess metric.
type CommandDetail struct {
	// Command is the program and its arguments as configured.
	Command string `json:"command"`
	// Mode is per_record or final.
	Mode string `json:"mode"`
	// Error says what went wrong: a crash, a timeout, an unreadable answer.
	Error string `json:"error,omitempty"`
	// NoValue counts records the program answered null for (per_record).
	NoValue int `json:"no_value,omitempty"`
	// Lo and Hi are the program's own interval (final mode), when given.
	Lo *float64 `json:"lo,omitempty"`
	Hi *float64 `json:"hi,omitempty"`
}

// commandAcc buffers one JSON line per record and runs the program once,
// when the result is first asked for (again after more records are added).
type commandAcc struct {
	m    *commandMetric
	buf  []byte
	n    int
	done *commandOutcome
}

// commandOutcome is one run's answer.
type commandOutcome struct {
	values []float64 // per_record: one per record, NaN for null
	value  float64   // final
	lo, hi *float64
	err    error
}

// commandLine is one record as the program reads it.
type commandLine struct {
	Seq       int            `json:"seq"`
	Truth     string         `json:"truth"`
	Label     string         `json:"label"`
	Score     *float64       `json:"score"`
	Text      string         `json:"text"`
	Fields    map[string]any `json:"fields"`
	Failed    bool           `json:"failed"`
	Error     string         `json:"error,omitempty"`
	LatencyMS float64        `json:"latency_ms"`
	Cost      float64        `json:"cost"`
	Record    map[string]any `json:"record"`
}

// Add buffers the observation as a JSON line.
func (a *commandAcc) Add(o Observation) {
	out := o.Pred.Output
	line := commandLine{Seq: o.Record.Seq, Truth: o.Truth, Label: out.Label, Text: out.Text, Fields: out.Fields,
		Failed: o.Pred.Failed(), Error: o.Pred.Err, LatencyMS: float64(o.Pred.Latency) / float64(time.Millisecond),
		Cost: out.Cost, Record: o.Record.Fields}
	if out.HasScore && !math.IsNaN(out.Score) && !math.IsInf(out.Score, 0) {
		s := out.Score
		line.Score = &s
	}
	b, err := json.Marshal(line)
	if err != nil { // a NaN or an infinity in a field: write those as null
		line.Record, line.Fields = finiteOnly(line.Record), finiteOnly(line.Fields)
		b, err = json.Marshal(line)
		if err != nil {
			b, _ = json.Marshal(commandLine{Seq: line.Seq, Truth: line.Truth, Label: line.Label, Failed: line.Failed, Error: line.Error})
		}
	}
	a.buf = append(append(a.buf, b...), '\n')
	a.n++
	a.done = nil
}

// finiteOnly copies m with non-finite numbers replaced by nil.
func finiteOnly(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			v = nil
		}
		out[k] = v
	}
	return out
}

// Merge appends the buffered records of another accumulator.
func (a *commandAcc) Merge(other Accumulator) error {
	var b *commandAcc
	switch x := other.(type) {
	case *commandAcc:
		b = x
	case *perRecordAcc:
		b = &x.commandAcc
	}
	if b == nil || b.m.display != a.m.display || b.m.mode != a.m.mode {
		return fmt.Errorf("merge %s: accumulator of another metric", a.m.name)
	}
	a.buf = append(a.buf, b.buf...)
	a.n += b.n
	a.done = nil
	return nil
}

// outcome runs the program once and keeps its answer.
func (a *commandAcc) outcome() *commandOutcome {
	if a.done == nil {
		a.done = a.run()
	}
	return a.done
}

// run starts the program, feeds it the records and reads its answer.
func (a *commandAcc) run() *commandOutcome {
	ctx, cancel := context.WithTimeout(context.Background(), a.m.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, a.m.command[0], a.m.command[1:]...)
	cmd.Dir = a.m.workdir
	cmd.Env = a.m.environ // never os.Environ(): it holds the API keys
	cmd.Stdin = bytes.NewReader(a.buf)
	var stdout bytes.Buffer
	stderr := &tailBuffer{max: 2048}
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	switch {
	case ctx.Err() != nil:
		return &commandOutcome{err: fmt.Errorf("timed out after %s (raise `timeout:`)", a.m.timeout)}
	case err != nil:
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			err = fmt.Errorf("exited with code %d", exitErr.ExitCode())
		}
		if s := strings.TrimSpace(stderr.String()); s != "" {
			err = fmt.Errorf("%w; stderr: %s", err, s)
		}
		return &commandOutcome{err: err}
	}
	if a.m.mode == "final" {
		return parseFinal(stdout.Bytes())
	}
	return parsePerRecord(stdout.Bytes(), a.n)
}

// parsePerRecord reads one number (or null) per line, n lines.
func parsePerRecord(out []byte, n int) *commandOutcome {
	values := make([]float64, 0, n)
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		s := strings.TrimSpace(sc.Text())
		if s == "" && len(values) == n {
			continue // a trailing blank line
		}
		if s == "null" || s == "NaN" || s == "nan" {
			values = append(values, math.NaN())
			continue
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(v, 0) {
			return &commandOutcome{err: fmt.Errorf("answer line %d: %s is not a number (per_record mode expects one number per line)", len(values)+1, quoteShort(s))}
		}
		values = append(values, v)
	}
	if err := sc.Err(); err != nil {
		return &commandOutcome{err: fmt.Errorf("read answer: %w", err)}
	}
	if len(values) != n {
		return &commandOutcome{err: fmt.Errorf("answered %d values for %d records (per_record mode expects one line per record)", len(values), n)}
	}
	return &commandOutcome{values: values}
}

// parseFinal reads {"value": x} with optional "lo" and "hi".
func parseFinal(out []byte) *commandOutcome {
	var ans struct {
		Value *float64 `json:"value"`
		Lo    *float64 `json:"lo"`
		Hi    *float64 `json:"hi"`
	}
	s := bytes.TrimSpace(out)
	if err := json.Unmarshal(s, &ans); err != nil || ans.Value == nil {
		return &commandOutcome{err: fmt.Errorf(`answer %s is not {"value": number} (final mode)`, quoteShort(string(s)))}
	}
	if (ans.Lo == nil) != (ans.Hi == nil) {
		return &commandOutcome{err: fmt.Errorf(`answer gives only one of "lo" and "hi"`)}
	}
	return &commandOutcome{value: *ans.Value, lo: ans.Lo, hi: ans.Hi}
}

func quoteShort(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return strconv.Quote(s)
}

// Result runs the program (once) and returns its value.
func (a *commandAcc) Result() Result {
	d := CommandDetail{Command: a.m.display, Mode: a.m.mode}
	o := a.outcome()
	if o.err != nil {
		d.Error = fmt.Sprintf("metric command %q: %v", a.m.display, o.err)
		return Result{Value: math.NaN(), N: a.n, Detail: d}
	}
	if a.m.mode == "final" {
		d.Lo, d.Hi = o.lo, o.hi
		return Result{Value: o.value, N: a.n, Detail: d}
	}
	sum, n := 0.0, 0
	for _, v := range o.values {
		if math.IsNaN(v) {
			d.NoValue++
			continue
		}
		sum += v
		n++
	}
	return Result{Value: ratio(sum, float64(n)), N: n, Detail: d}
}

// Bounds returns the program's own interval, in final mode.
func (a *commandAcc) Bounds() (lo, hi float64, ok bool) {
	o := a.outcome()
	if o.err != nil || o.lo == nil || o.hi == nil {
		return math.NaN(), math.NaN(), false
	}
	return *o.lo, *o.hi, true
}

// perRecordAcc is the per_record mode: the mean of per-record values, a
// Resampler.
type perRecordAcc struct{ commandAcc }

// Len is the number of records added.
func (a *perRecordAcc) Len() int { return a.n }

// ValueAt is the mean of the program's values at positions idx; NaN when
// the program failed.
func (a *perRecordAcc) ValueAt(idx []int) float64 {
	o := a.outcome()
	if o.err != nil {
		return math.NaN()
	}
	sum, n := 0.0, 0
	for _, i := range idx {
		if v := o.values[i]; !math.IsNaN(v) {
			sum += v
			n++
		}
	}
	return ratio(sum, float64(n))
}

// Counts makes a mean of per-record values that are all 0 or 1 a share of
// outcomes, which the analysis gives the Wilson interval; ok is false when
// a value is anything else, or the program failed.
func (a *perRecordAcc) Counts() (successes, trials int, ok bool) {
	o := a.outcome()
	if o.err != nil {
		return 0, 0, false
	}
	for _, v := range o.values {
		switch {
		case math.IsNaN(v):
		case v == 1:
			successes++
			trials++
		case v == 0:
			trials++
		default:
			return 0, 0, false
		}
	}
	return successes, trials, trials > 0
}

// tailBuffer keeps the last max bytes written.
type tailBuffer struct {
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }
