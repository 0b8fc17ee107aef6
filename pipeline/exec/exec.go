package exec

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

func init() {
	pipeline.Register("exec", func() pipeline.Spec { return new(Spec) })
}

// Defaults of the spec.
const (
	// DefaultTimeout is the per-record timeout when `timeout:` is not set.
	DefaultTimeout = 10 * time.Second
	// DefaultProcesses is the pool size when `processes:` is not set.
	DefaultProcesses = 1
)

// Tunables, variables so tests can shorten them.
var (
	// closeGrace is how long Close waits for a process to exit after its
	// stdin is closed before killing it.
	closeGrace = 2 * time.Second
	// startGrace is how long Check watches new processes for an early exit
	// (a missing script, a syntax error).
	startGrace = 300 * time.Millisecond
	// warmup is the extra time a process gets for the records it receives
	// before its first answer: loading a model can take a while.
	warmup = 30 * time.Second
)

// stderrTail is how many bytes of a process's stderr are kept for errors.
const stderrTail = 2048

// Spec configures `type: exec`. See the package documentation for the
// protocol.
type Spec struct {
	// Command is the program and its arguments. A relative program path
	// containing a slash resolves against the experiment's folder; a bare
	// name is looked up in PATH.
	Command []string `yaml:"command"`
	// Fields lists the columns sent with each record; empty sends every
	// column but the label (the answer the program is judged against).
	Fields []string `yaml:"fields"`
	// Processes is the number of processes in the pool (default 1).
	Processes int `yaml:"processes"`
	// Timeout bounds the wait for one record's answer (default 10s).
	Timeout time.Duration `yaml:"timeout"`
	// Env sets environment variables of the processes to the values given.
	Env map[string]string `yaml:"env"`
	// PassEnv names variables of poc's environment passed through to the
	// processes. Nothing else is: a process gets only PATH, HOME, LANG,
	// LC_ALL, LC_CTYPE, TZ and TMPDIR (pipeline.BaseEnviron, those set), the
	// PassEnv variables and Env, so that API keys such as OPENAI_API_KEY
	// never reach a model that was not given them.
	PassEnv []string `yaml:"pass_env"`
	// Threshold turns an answer that has only a score into a label: score
	// >= Threshold is the positive class, anything below it the other class
	// of a two-class label ("0" when the classes are not known).
	Threshold *float64 `yaml:"threshold"`
	// CostPerRecord is the cost of one answer.
	CostPerRecord float64 `yaml:"cost_per_record"`
}

// Build checks the configuration and returns the pipeline. No process is
// started until Check or the first Predict.
func (s *Spec) Build(env pipeline.Env) (pipeline.Pipeline, error) {
	if err := s.check(env); err != nil {
		return nil, err
	}
	p := &Pipeline{
		command:  append([]string(nil), s.Command...),
		dir:      env.Dir,
		fields:   append([]string(nil), s.Fields...),
		label:    env.Label,
		timeout:  s.Timeout,
		cost:     s.CostPerRecord,
		positive: env.Positive, negative: env.NegativeOf(cmp.Or(env.Positive, "1")),
		name: strings.Join(s.Command, " "),
	}
	if p.timeout == 0 {
		p.timeout = DefaultTimeout
	}
	if p.positive == "" {
		p.positive = "1"
	}
	if s.Threshold != nil {
		t := *s.Threshold
		p.threshold = &t
		if msg := env.ThresholdProblem(p.positive); msg != "" {
			return nil, pipeline.Errorf("threshold", "%s", msg)
		}
	}
	prog := p.command[0]
	if !filepath.IsAbs(prog) && strings.ContainsRune(prog, '/') && env.Dir != "" {
		p.command[0] = filepath.Join(env.Dir, prog)
	}
	p.env = s.environ(env.LookupEnv)
	n := s.Processes
	if n == 0 {
		n = DefaultProcesses
	}
	p.slots = make([]*slot, n)
	for i := range p.slots {
		p.slots[i] = &slot{p: p}
	}
	return p, nil
}

// check returns the configuration's problems as field errors: a missing
// command, fields the dataset lacks (when its columns are known), negative
// numbers and invalid environment variable names.
func (s *Spec) check(env pipeline.Env) error {
	var errs pipeline.FieldErrors
	if len(s.Command) == 0 || s.Command[0] == "" {
		errs.Add("command", "missing: give the program and its arguments, e.g. `command: [python3, model.py]`")
	}
	for i, f := range s.Fields {
		if len(env.Columns) > 0 && !env.HasColumn(f) {
			errs.Add(fmt.Sprintf("fields[%d]", i), "%s", env.MissingColumn(f))
		}
		if msg := env.ReadsLabel([]string{f}); msg != "" {
			errs.Add(fmt.Sprintf("fields[%d]", i), "the program %s", msg)
		}
	}
	if s.Processes < 0 {
		errs.Add("processes", "must not be negative")
	}
	if s.Timeout < 0 {
		errs.Add("timeout", "must not be negative")
	}
	if s.CostPerRecord < 0 {
		errs.Add("cost_per_record", "must not be negative")
	}
	for k := range s.Env {
		if msg := pipeline.EnvNameProblem(k); msg != "" {
			errs.Add("env", "%s", msg)
		}
	}
	for i, k := range s.PassEnv {
		if msg := pipeline.EnvNameProblem(k); msg != "" {
			errs.Add(fmt.Sprintf("pass_env[%d]", i), "%s", msg)
		}
	}
	return errs.Err()
}

// environ returns the processes' whole environment as KEY=value, sorted
// by name (pipeline.SubprocessEnviron): the base variables, the PassEnv
// variables looked up with lookup, and Env.
func (s *Spec) environ(lookup func(string) (string, bool)) []string {
	return pipeline.SubprocessEnviron(lookup, s.PassEnv, s.Env)
}

// Pipeline is the subprocess pipeline built from a Spec. It is safe for
// concurrent use; Close ends its processes.
type Pipeline struct {
	command   []string
	name      string // the command as written, for messages
	dir       string
	env       []string
	fields    []string
	label     string // the label column, never sent
	timeout   time.Duration
	threshold *float64
	positive  string
	negative  string // below the threshold
	cost      float64

	slots    []*slot
	next     atomic.Uint64
	seq      atomic.Uint64
	protoErr atomic.Int64
	closed   atomic.Bool
}

var (
	_ pipeline.Pipeline  = (*Pipeline)(nil)
	_ pipeline.Checker   = (*Pipeline)(nil)
	_ pipeline.Estimator = (*Pipeline)(nil)
	_ io.Closer          = (*Pipeline)(nil)
)

// ProtocolErrors returns the number of answer lines that could not be
// attributed to any request (not JSON, or an unknown id, with zero or
// several requests in flight); each one restarted its process.
func (p *Pipeline) ProtocolErrors() int64 { return p.protoErr.Load() }

// Estimate returns the fixed cost of a record.
func (p *Pipeline) Estimate(datasets.Record) (pipeline.Estimate, error) {
	return pipeline.Estimate{Cost: p.cost}, nil
}

// Check starts every process of the pool and watches them briefly, so that a
// missing program or a script that dies at once stops the run before the
// replay.
func (p *Pipeline) Check(ctx context.Context) error {
	if p.closed.Load() {
		return fmt.Errorf("exec %q: pipeline is closed", p.name)
	}
	procs := make([]*proc, 0, len(p.slots))
	for _, s := range p.slots {
		pr, err := s.get()
		if err != nil {
			return err
		}
		procs = append(procs, pr)
	}
	stop := make(chan struct{})
	defer close(stop)
	exited := make(chan *proc, len(procs))
	for _, pr := range procs {
		go func() {
			select {
			case <-pr.done:
				exited <- pr
			case <-stop:
			}
		}()
	}
	timer := time.NewTimer(startGrace)
	defer timer.Stop()
	select {
	case pr := <-exited:
		return fmt.Errorf("exec %q: process exited at start: %w", p.name, pr.exitError())
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close ends the processes: it closes their stdin, waits up to 2 seconds for
// them to exit and kills those that do not.
func (p *Pipeline) Close() error {
	p.closed.Store(true)
	var wg sync.WaitGroup
	for _, s := range p.slots {
		s.mu.Lock()
		pr := s.cur
		s.cur = nil
		s.mu.Unlock()
		if pr == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			pr.shutdown(closeGrace)
		}()
	}
	wg.Wait()
	return nil
}

type request struct {
	ID     string         `json:"id"`
	Record map[string]any `json:"record"`
}

type answer struct {
	ID     any            `json:"id"`
	Label  any            `json:"label"`
	Score  *float64       `json:"score"`
	Text   string         `json:"text"`
	Fields map[string]any `json:"fields"`
	Error  string         `json:"error"`
}

// reply is what the reader hands to a waiting request.
type reply struct {
	ans answer
	raw string
	err error
}

// Predict sends the record to a process of the pool and waits for its answer.
func (p *Pipeline) Predict(ctx context.Context, rec datasets.Record) (pipeline.Output, error) {
	if p.closed.Load() {
		return pipeline.Output{}, fmt.Errorf("exec %q: pipeline is closed", p.name)
	}
	s := p.pick()
	var (
		pr *proc
		ch chan reply
		id = strconv.Itoa(rec.Seq)
	)
	// A process may end between get and register; a fresh one is started.
	for try := 0; ch == nil; try++ {
		var err error
		if pr, err = s.get(); err != nil {
			return pipeline.Output{}, err
		}
		if ch, id = pr.register(id, &p.seq); ch == nil && try == 2 {
			return pipeline.Output{}, fmt.Errorf("exec %q: %w", p.name, pr.exitError())
		}
	}
	line, err := json.Marshal(request{ID: id, Record: p.fieldsOf(rec)})
	if err != nil {
		pr.unregister(id)
		return pipeline.Output{}, fmt.Errorf("exec %q: encode record: %w", p.name, err)
	}
	line = append(line, '\n')

	limit := p.timeout
	if !pr.ready.Load() {
		limit += warmup
	}
	timer := time.NewTimer(limit)
	defer timer.Stop()
	wrote := make(chan error, 1)
	go func() { wrote <- pr.write(line) }()
	for {
		select {
		case err := <-wrote:
			wrote = nil
			if err != nil {
				// The process is gone or going; its reader fails the
				// request with the exit status.
				continue
			}
		case r := <-ch:
			if r.err != nil {
				return pipeline.Output{}, fmt.Errorf("exec %q: record %s: %w", p.name, id, r.err)
			}
			return p.output(r)
		case <-timer.C:
			pr.unregister(id)
			err := fmt.Errorf("no answer within %s", limit)
			s.kill(pr, fmt.Errorf("killed after record %s got %w", id, err))
			return pipeline.Output{}, fmt.Errorf("exec %q: record %s: %w (process killed and restarted)", p.name, id, err)
		case <-ctx.Done():
			pr.unregister(id)
			return pipeline.Output{}, ctx.Err()
		}
	}
}

// pick returns the slot with the fewest requests in flight, round-robin
// among equals.
func (p *Pipeline) pick() *slot {
	start := int(p.next.Add(1))
	best := p.slots[start%len(p.slots)]
	bestLoad := best.load()
	for i := 1; i < len(p.slots) && bestLoad > 0; i++ {
		s := p.slots[(start+i)%len(p.slots)]
		if l := s.load(); l < bestLoad {
			best, bestLoad = s, l
		}
	}
	return best
}

// fieldsOf returns the fields sent for rec, with NaN and infinities as null
// (JSON has no such numbers).
func (p *Pipeline) fieldsOf(rec datasets.Record) map[string]any {
	out := make(map[string]any, len(rec.Fields))
	put := func(k string, v any) {
		if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			v = nil
		}
		out[k] = v
	}
	if len(p.fields) == 0 {
		for k, v := range rec.Fields {
			if k != p.label { // the program never sees the answer it is judged against
				put(k, v)
			}
		}
		return out
	}
	for _, k := range p.fields {
		put(k, rec.Fields[k])
	}
	return out
}

// output turns an answer into an Output.
func (p *Pipeline) output(r reply) (pipeline.Output, error) {
	a := r.ans
	if a.Error != "" {
		return pipeline.Output{}, fmt.Errorf("exec %q: record %s: the process answered with an error: %s", p.name, idString(a.ID), a.Error)
	}
	out := pipeline.Output{Raw: r.raw, Text: a.Text, Fields: a.Fields, Cost: p.cost}
	if a.Label != nil {
		switch v := a.Label.(type) {
		case string, float64, bool:
			out.Label = datasets.FormatValue(v)
		default:
			out.Unparseable = true
		}
	}
	if a.Score != nil {
		out.Score, out.HasScore = *a.Score, true
		if out.Label == "" && p.threshold != nil && !out.Unparseable {
			out.Label = p.negative
			if *a.Score >= *p.threshold {
				out.Label = p.positive
			}
		}
	}
	if out.Label == "" && !out.HasScore && out.Text == "" && out.Fields == nil {
		out.Unparseable = true
	}
	return out, nil
}

// idString renders a decoded id: processes may echo it as a number.
func idString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return datasets.FormatValue(x)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// slot is one place in the pool; it holds the running process, if any, and
// starts a new one when needed.
type slot struct {
	p   *Pipeline
	mu  sync.Mutex
	cur *proc
}

func (s *slot) load() int {
	s.mu.Lock()
	pr := s.cur
	s.mu.Unlock()
	if pr == nil {
		return 0
	}
	return pr.inFlight()
}

// get returns the running process, starting one if there is none or the
// last one ended.
func (s *slot) get() (*proc, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p.closed.Load() {
		return nil, fmt.Errorf("exec %q: pipeline is closed", s.p.name)
	}
	if s.cur != nil && !s.cur.ended() {
		return s.cur, nil
	}
	pr, err := s.p.start()
	if err != nil {
		return nil, err
	}
	s.cur = pr
	return pr, nil
}

// kill kills pr with reason and forgets it, so the next request starts a new
// process.
func (s *slot) kill(pr *proc, reason error) {
	s.mu.Lock()
	if s.cur == pr {
		s.cur = nil
	}
	s.mu.Unlock()
	pr.kill(reason)
}

// start launches one process and its reader.
func (p *Pipeline) start() (*proc, error) {
	cmd := osexec.Command(p.command[0], p.command[1:]...)
	cmd.Dir = p.dir
	cmd.Env = p.env // never os.Environ(): it holds the API keys
	cmd.WaitDelay = closeGrace
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("exec %q: start: %w", p.name, err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("exec %q: start: %w", p.name, err)
	}
	pr := &proc{
		p:       p,
		cmd:     cmd,
		stdin:   stdin,
		pending: map[string]chan reply{},
		done:    make(chan struct{}),
		stderr:  &tail{max: stderrTail},
	}
	cmd.Stderr = pr.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("exec %q: start (working directory %q): %w", p.name, p.dir, err)
	}
	go pr.read(stdout)
	return pr, nil
}

// proc is one running process.
type proc struct {
	p      *Pipeline
	cmd    *osexec.Cmd
	stdin  io.WriteCloser
	stderr *tail
	wmu    sync.Mutex

	mu      sync.Mutex
	pending map[string]chan reply
	reason  error // why poc killed the process, if it did
	exitErr error // set when done is closed
	gone    bool  // no new requests: killed or exited
	done    chan struct{}
	ready   atomic.Bool // the process has written a line
}

func (pr *proc) inFlight() int {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	return len(pr.pending)
}

func (pr *proc) ended() bool {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	return pr.gone
}

// register adds a request under id (made unique if a request with the same
// id is in flight). It returns a nil channel when the process has ended.
func (pr *proc) register(id string, seq *atomic.Uint64) (chan reply, string) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if pr.gone {
		return nil, id
	}
	if _, dup := pr.pending[id]; dup {
		id = id + "." + strconv.FormatUint(seq.Add(1), 10)
	}
	ch := make(chan reply, 1)
	pr.pending[id] = ch
	return ch, id
}

func (pr *proc) unregister(id string) {
	pr.mu.Lock()
	delete(pr.pending, id)
	pr.mu.Unlock()
}

func (pr *proc) write(line []byte) error {
	pr.wmu.Lock()
	defer pr.wmu.Unlock()
	_, err := pr.stdin.Write(line)
	return err
}

// kill records why the process is being killed and kills it; the reader
// then fails the requests in flight with reason.
func (pr *proc) kill(reason error) {
	pr.mu.Lock()
	if pr.reason == nil {
		pr.reason = reason
	}
	pr.gone = true
	pr.mu.Unlock()
	_ = pr.cmd.Process.Kill()
}

// shutdown closes stdin, waits up to grace for the exit, then kills.
func (pr *proc) shutdown(grace time.Duration) {
	pr.mu.Lock()
	if pr.reason == nil {
		pr.reason = errors.New("pipeline closed")
	}
	pr.gone = true
	pr.mu.Unlock()
	pr.wmu.Lock()
	_ = pr.stdin.Close()
	pr.wmu.Unlock()
	select {
	case <-pr.done:
		return
	case <-time.After(grace):
	}
	_ = pr.cmd.Process.Kill()
	<-pr.done
}

// exitError describes how the process ended; call it after done is closed
// or when gone is set.
func (pr *proc) exitError() error {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if pr.reason != nil {
		return pr.reason
	}
	if pr.exitErr != nil {
		return pr.exitErr
	}
	return errors.New("process ended")
}

// read dispatches answer lines by id until stdout ends, then reaps the
// process and fails whatever is still in flight.
func (pr *proc) read(stdout io.Reader) {
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64*1024), 64<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		pr.dispatch(line)
	}
	scanErr := sc.Err()
	if scanErr != nil {
		// An over-long line: the stream cannot be resynchronised.
		pr.kill(fmt.Errorf("read answers: %w", scanErr))
	}
	waitErr := pr.cmd.Wait()
	pr.mu.Lock()
	pr.gone = true
	msg := "process exited (exit status 0)"
	if waitErr != nil {
		msg = "process exited (" + waitErr.Error() + ")"
	}
	if t := strings.TrimSpace(pr.stderr.String()); t != "" {
		msg += "; stderr: " + t
	}
	pr.exitErr = errors.New(msg)
	err := pr.exitErr
	if pr.reason != nil {
		err = fmt.Errorf("%w; %s", pr.reason, msg)
	}
	pending := pr.pending
	pr.pending = map[string]chan reply{}
	close(pr.done)
	pr.mu.Unlock()
	for _, ch := range pending {
		ch <- reply{err: err}
	}
}

// dispatch hands one answer line to its request.
func (pr *proc) dispatch(line []byte) {
	pr.ready.Store(true)
	raw := string(line)
	var a answer
	decodeErr := json.Unmarshal(line, &a)
	pr.mu.Lock()
	var ch chan reply
	id := idString(a.ID)
	if decodeErr == nil && a.ID != nil {
		ch = pr.pending[id]
		if ch != nil {
			delete(pr.pending, id)
			pr.mu.Unlock()
			ch <- reply{ans: a, raw: raw}
			return
		}
	}
	// Garbage: attribute it to the only request in flight, if there is one.
	var problem error
	if decodeErr != nil {
		problem = fmt.Errorf("answer line is not JSON (%v): %s", decodeErr, clip(raw))
	} else {
		problem = fmt.Errorf("answer line has unknown id %q: %s", id, clip(raw))
	}
	if len(pr.pending) == 1 {
		for k, c := range pr.pending {
			delete(pr.pending, k)
			ch = c
		}
		pr.mu.Unlock()
		ch <- reply{err: problem}
		return
	}
	pr.mu.Unlock()
	pr.p.protoErr.Add(1)
	for _, s := range pr.p.slots {
		s.mu.Lock()
		mine := s.cur == pr
		s.mu.Unlock()
		if mine {
			s.kill(pr, fmt.Errorf("restarted after an unattributable %w", problem))
			return
		}
	}
	pr.kill(problem)
}

func clip(s string) string {
	const max = 200
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(b), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
