package datasets

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/poc-harness/poc/datasets/fieldexpr"
)

// maxSkippedRows is how many skipped rows a Stream keeps for the report.
const maxSkippedRows = 100

// Options says how Open reads a dataset. The zero value reads every record of
// a file whose format follows from its extension.
type Options struct {
	// Format names a registered format; empty means pick by file extension.
	Format string
	// Filter is an expr-lang boolean expression over the columns, such as
	// `channel != "test" && amount > 0`; records for which it is false are
	// skipped. Empty keeps every record.
	Filter string
	// Sample, when not nil, keeps a seeded random subset of the records that
	// pass the filter.
	Sample *Sample
	// Derive adds columns computed from the record's fields, in order (a
	// derived column may use the ones before it), before the filter runs.
	Derive []Derived
	// SkipBadRows makes rows that cannot be read or filtered count as skipped
	// (see Stream.Stats and Stream.SkippedRows) instead of ending the stream.
	SkipBadRows bool
	// Require lists columns that must exist in the dataset.
	Require []string
	// Types declares what columns mean, by name; a declared type overrides
	// the format's own (a CSV column's inferred type, a JSON number, a
	// Parquet INT32). A column of the file gets its type before derived
	// columns and the filter run, so they see typed values; a derived
	// column gets its type as soon as it is computed. A value that is not
	// of its column's type is a *RowError naming the file, the line, the
	// column and the value, which SkipBadRows skips. Every name must be a
	// column of the file or a derived column.
	Types map[string]Type
	// Limits bound the size of one field and of one record (zero: the
	// defaults, DefaultMaxFieldBytes and DefaultMaxRecordBytes). A record
	// over a limit is a *RowError naming the file, the line and the
	// column, which SkipBadRows skips.
	Limits Limits
}

// Default bounds on what one record of a dataset may hold: a value larger
// than these is far more likely an export gone wrong than data, and would
// otherwise be copied into the journal once per pipeline.
const (
	// DefaultMaxFieldBytes is the largest value of one field, in bytes (of
	// a string or a byte array; a nested JSON value counts its strings).
	DefaultMaxFieldBytes = 1 << 20
	// DefaultMaxRecordBytes is the largest record: a JSON line, or the sum
	// of a row's values.
	DefaultMaxRecordBytes = 16 << 20
)

// Limits bound the size of the records a dataset may hold. A zero field
// means its default; a negative one, no limit.
type Limits struct {
	// MaxFieldBytes bounds one field's value (default DefaultMaxFieldBytes).
	MaxFieldBytes int
	// MaxRecordBytes bounds one record (default DefaultMaxRecordBytes).
	MaxRecordBytes int
}

// field and record are the limits in force, with the defaults applied and
// no limit as the largest int.
func (l Limits) field() int  { return limit(l.MaxFieldBytes, DefaultMaxFieldBytes) }
func (l Limits) record() int { return limit(l.MaxRecordBytes, DefaultMaxRecordBytes) }

func limit(v, def int) int {
	switch {
	case v == 0:
		return def
	case v < 0:
		return math.MaxInt
	}
	return v
}

// LimitedReader is a Reader that bounds what it reads itself, so that an
// oversized record never has to be held whole (JSONLReader bounds a line).
// Open calls SetLimits before the first Next with Options.Limits; every
// record is then also checked against the limits as it is read.
type LimitedReader interface {
	Reader
	// SetLimits sets the limits; it is called before the first Next.
	SetLimits(Limits)
}

// checkSizes is the *RowError of a record with a field or a total over the
// limits: the first such column in file order.
func (s *Stream) checkSizes(rec Record) error {
	maxField, maxRecord := s.opt.Limits.field(), s.opt.Limits.record()
	total := 0
	check := func(name string, v any) error {
		n := valueSize(v)
		total += n
		switch {
		case n > maxField:
			return &RowError{File: s.path, Line: rec.Line, Column: name,
				Err: fmt.Errorf("a value of %d bytes, over the limit of %d bytes a field may hold (max_field_bytes)", n, maxField)}
		case total > maxRecord:
			return &RowError{File: s.path, Line: rec.Line, Column: name,
				Err: fmt.Errorf("the record reaches %d bytes at this column, over the limit of %d bytes a record may hold (max_record_bytes)", total, maxRecord)}
		}
		return nil
	}
	cols := s.r.Columns()
	for _, c := range cols {
		if v, ok := rec.Fields[c]; ok {
			if err := check(c, v); err != nil {
				return err
			}
		}
	}
	if len(rec.Fields) > len(cols) { // keys of a JSON line that the first lacks
		extra := make([]string, 0, len(rec.Fields)-len(cols))
		for k := range rec.Fields {
			if !slices.Contains(cols, k) {
				extra = append(extra, k)
			}
		}
		sort.Strings(extra)
		for _, k := range extra {
			if err := check(k, rec.Fields[k]); err != nil {
				return err
			}
		}
	}
	return nil
}

// valueSize is the bytes a value holds: a string's or a byte array's
// length, the sum over a nested JSON value, 8 for anything else.
func valueSize(v any) int {
	switch x := v.(type) {
	case string:
		return len(x)
	case []byte:
		return len(x)
	case map[string]any:
		n := 0
		for k, e := range x {
			n += len(k) + valueSize(e)
		}
		return n
	case []any:
		n := 0
		for _, e := range x {
			n += valueSize(e)
		}
		return n
	}
	return 8
}

// Sample describes a seeded random subset. Exactly one of Size and Fraction is
// set. The same Seed on the same file and filter always selects the same
// records, which are yielded in file order.
type Sample struct {
	// Size is the number of records to keep (all of them if there are fewer).
	Size int
	// Fraction is the share of records to keep, in (0, 1]; the count kept is
	// round(Fraction × N).
	Fraction float64
	// Seed makes the selection repeatable.
	Seed uint64
	// Stratify names a column; when set, each of its values (compared in the
	// canonical FormatValue form) keeps its share of the sample, by
	// largest-remainder rounding, with at least one record per value when the
	// sample is large enough.
	Stratify string
}

// Stats counts what a Stream did with the rows of its file. For a stream
// read to the end, Read = FilteredOut + SampledOut + Skipped + Yielded.
type Stats struct {
	// Read is the number of rows read from the file, bad ones included.
	Read int
	// FilteredOut is the number of rows the filter rejected.
	FilteredOut int
	// SampledOut is the number of rows that passed the filter but were not
	// sampled.
	SampledOut int
	// Skipped is the number of bad rows skipped because of SkipBadRows.
	Skipped int
	// Yielded is the number of records returned by Next.
	Yielded int
}

// Stream is a dataset opened by Open: a Reader that applies the filter and
// the sample, and numbers the records it yields (Record.Seq = 0, 1, 2, ...).
// A Stream is used by one goroutine at a time.
type Stream struct {
	path    string
	opt     Options
	open    func() (Reader, error)
	r       Reader
	columns []string
	filter  *filter
	derived []derived
	// convert holds the declared types Open applies itself, in file
	// order: those of the file's columns when the format's reader is not a
	// TypedReader.
	convert []typedColumn

	sampler *sampler // nil without a sample

	stats   Stats
	skipped []*RowError
	seq     int
	done    bool
	dropped [1]map[string]any // a record filtered or sampled out, handed back
}

var (
	_ Reader   = (*Stream)(nil)
	_ Recycler = (*Stream)(nil)
)

// Open opens the dataset at path for streaming. It picks the format, checks
// that the columns in opt.Require exist, compiles opt.Filter once, and — when
// opt.Sample is set — reads the file once to count the records that pass the
// filter, so that the sample can be chosen exactly on the second read.
func Open(path string, opt Options) (*Stream, error) {
	name, err := FormatFor(path, opt.Format)
	if err != nil {
		return nil, err
	}
	s := &Stream{path: path, opt: opt}
	s.open = func() (Reader, error) { return s.openTyped(name) }
	if s.r, err = s.open(); err != nil {
		return nil, err
	}
	if err := s.init(); err != nil {
		s.r.Close()
		return nil, err
	}
	return s, nil
}

// openTyped opens the file with the named format and hands the declared
// types of the file's columns to a TypedReader; for any other reader they
// are kept in s.convert, for readFiltered to apply.
func (s *Stream) openTyped(format string) (Reader, error) {
	r, err := openFormat(s.path, format)
	if lr, ok := r.(LimitedReader); ok && err == nil {
		lr.SetLimits(s.opt.Limits)
	}
	if err != nil || len(s.opt.Types) == 0 {
		return r, err
	}
	own := map[string]Type{}
	var ordered []typedColumn
	for _, c := range r.Columns() {
		if t, ok := s.opt.Types[c]; ok {
			own[c] = t
			ordered = append(ordered, typedColumn{c, t})
		}
	}
	s.convert = nil
	if tr, ok := r.(TypedReader); ok {
		if err := tr.DeclareTypes(own); err != nil {
			r.Close()
			return nil, err
		}
		return r, nil
	}
	s.convert = ordered
	return r, nil
}

// typedColumn is a column and its declared type.
type typedColumn struct {
	name string
	typ  Type
}

// init validates the options against the columns and runs the counting pass
// of a sample.
func (s *Stream) init() error {
	s.columns = slices.Clone(s.r.Columns())
	for _, d := range s.opt.Derive {
		if slices.Contains(s.columns, d.Name) {
			return fmt.Errorf("dataset %q: derived column %q is already a column of the file", s.path, d.Name)
		}
		p, err := fieldexpr.Compile(d.Expr, s.columns, false)
		if err != nil {
			return fmt.Errorf("dataset %q: derived column %q: %w", s.path, d.Name, err)
		}
		s.derived = append(s.derived, derived{name: d.Name, program: p})
		s.columns = append(s.columns, d.Name)
	}
	for _, col := range s.opt.Require {
		if err := s.checkColumn(col, "required column"); err != nil {
			return err
		}
	}
	if err := s.checkTypes(); err != nil {
		return err
	}
	if s.opt.Filter != "" {
		f, err := compileFilter(s.opt.Filter, s.columns)
		if err != nil {
			return fmt.Errorf("dataset %q: %w", s.path, err)
		}
		s.filter = f
	}
	if s.opt.Sample == nil {
		return nil
	}
	if err := s.opt.Sample.validate(); err != nil {
		return fmt.Errorf("dataset %q: %w", s.path, err)
	}
	if st := s.opt.Sample.Stratify; st != "" {
		if err := s.checkColumn(st, "stratify column"); err != nil {
			return err
		}
	}
	counts, err := s.countPass()
	if err != nil {
		return err
	}
	s.sampler = newSampler(*s.opt.Sample, counts)
	// Second pass: reopen the file from the start.
	if err := s.r.Close(); err != nil {
		return fmt.Errorf("dataset %q: %w", s.path, err)
	}
	s.r, err = s.open()
	return err
}

// checkTypes checks that every declared type is known and names a column
// of the file or a derived column.
func (s *Stream) checkTypes() error {
	names := make([]string, 0, len(s.opt.Types))
	for name := range s.opt.Types {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := s.checkColumn(name, "declared column"); err != nil {
			return err
		}
		if _, err := ParseType(string(s.opt.Types[name])); err != nil {
			return fmt.Errorf("dataset %q: column %q: %w", s.path, name, err)
		}
	}
	return nil
}

// checkColumn returns an error naming a missing column, the file and the
// closest existing column.
func (s *Stream) checkColumn(col, what string) error {
	for _, c := range s.columns {
		if c == col {
			return nil
		}
	}
	return missingColumnError(s.path, what, col, s.columns)
}

// missingColumnError describes a column that is not in columns.
func missingColumnError(path, what, col string, columns []string) error {
	msg := fmt.Sprintf("dataset %q: %s %q does not exist", path, what, col)
	if best := fieldexpr.Closest(col, columns); best != "" {
		msg += fmt.Sprintf("; did you mean %q?", best)
	} else if len(columns) == 0 {
		msg += " (the dataset has no columns)"
	}
	return errors.New(msg)
}

// countPass reads the whole file once and counts the records that pass the
// filter, per stratum. Bad rows are skipped here when SkipBadRows is set and
// counted in the second pass.
func (s *Stream) countPass() (map[string]int, error) {
	counts := map[string]int{}
	stratify := s.opt.Sample.Stratify
	var pass Stats
	for {
		rec, err := s.readFiltered(&pass, false)
		if errors.Is(err, io.EOF) {
			return counts, nil
		}
		if err != nil {
			return nil, err
		}
		key := ""
		if stratify != "" {
			key = FormatValue(rec.Fields[stratify])
		}
		counts[key]++
	}
}

// readFiltered returns the next record that passes the filter, counting into
// st. A bad row is returned as an error unless SkipBadRows is set; keep says
// whether to keep skipped rows for SkippedRows.
func (s *Stream) readFiltered(st *Stats, keep bool) (Record, error) {
	for {
		rec, err := s.r.Next()
		if errors.Is(err, io.EOF) {
			return Record{}, io.EOF
		}
		var rowErr *RowError
		if err == nil || errors.As(err, &rowErr) {
			st.Read++
		}
		if err == nil {
			err = s.checkSizes(rec)
		}
		if err == nil {
			err = s.typeAndDerive(rec)
		}
		if err == nil {
			if s.filter != nil {
				ok, ferr := s.filter.match(rec.Fields)
				if ferr != nil {
					err = &RowError{File: s.path, Line: rec.Line, Err: ferr}
				} else if !ok {
					st.FilteredOut++
					s.drop(rec)
					continue
				}
			}
		}
		if err == nil {
			return rec, nil
		}
		if !errors.As(err, &rowErr) || !s.opt.SkipBadRows {
			return Record{}, err
		}
		st.Skipped++
		if keep && len(s.skipped) < maxSkippedRows {
			s.skipped = append(s.skipped, rowErr)
		}
	}
}

// typeAndDerive converts the declared columns a TypedReader did not read
// itself, then computes the derived columns, each converted to its declared
// type as soon as it is computed.
func (s *Stream) typeAndDerive(rec Record) error {
	for _, c := range s.convert {
		v, ok := rec.Fields[c.name]
		if !ok {
			continue
		}
		typed, err := c.typ.Convert(v)
		if err != nil {
			return &RowError{File: s.path, Line: rec.Line, Column: c.name, Err: typeError(c.typ, err)}
		}
		rec.Fields[c.name] = typed
	}
	for _, d := range s.derived {
		v, err := d.program.Eval(rec.Fields)
		if err != nil {
			return &RowError{File: s.path, Line: rec.Line, Column: d.name, Err: err}
		}
		if t, ok := s.opt.Types[d.name]; ok {
			if v, err = t.Convert(v); err != nil {
				return &RowError{File: s.path, Line: rec.Line, Column: d.name, Err: typeError(t, err)}
			}
		}
		rec.Fields[d.name] = v
	}
	return nil
}

// Columns lists the dataset's columns in file order.
func (s *Stream) Columns() []string { return s.columns }

// Next returns the next record that passes the filter and the sample, with
// Seq set, or io.EOF after the last one. Without SkipBadRows a bad row ends
// the stream with its *RowError.
func (s *Stream) Next() (Record, error) {
	if s.done {
		return Record{}, io.EOF
	}
	for {
		rec, err := s.readFiltered(&s.stats, true)
		if err != nil {
			if errors.Is(err, io.EOF) {
				s.done = true
			}
			return Record{}, err
		}
		if s.sampler != nil {
			key := ""
			if st := s.opt.Sample.Stratify; st != "" {
				key = FormatValue(rec.Fields[st])
			}
			if !s.sampler.take(key) {
				s.stats.SampledOut++
				s.drop(rec)
				continue
			}
		}
		rec.Seq = s.seq
		s.seq++
		s.stats.Yielded++
		return rec, nil
	}
}

// Recycle hands fields back to the format's reader, when it reuses them
// (see Recycler).
func (s *Stream) Recycle(fields []map[string]any) { Recycle(s.r, fields) }

// drop hands back the fields of a record the stream does not yield.
func (s *Stream) drop(rec Record) {
	s.dropped[0] = rec.Fields
	Recycle(s.r, s.dropped[:])
	s.dropped[0] = nil
}

// Stats returns the counts so far.
func (s *Stream) Stats() Stats { return s.stats }

// SkippedRows returns the first 100 rows skipped because of SkipBadRows.
func (s *Stream) SkippedRows() []*RowError { return s.skipped }

// Close releases the file.
func (s *Stream) Close() error {
	if s.r == nil {
		return nil
	}
	err := s.r.Close()
	s.r = nil
	if err != nil {
		return fmt.Errorf("close dataset %q: %w", s.path, err)
	}
	return nil
}

// Count opens the dataset with opt and counts the records it would yield,
// in total and, when by is not empty, per canonical value (FormatValue) of
// column by. The engine uses it to learn label counts before a run.
func Count(path string, opt Options, by string) (total int, byValue map[string]int, err error) {
	return CountContext(context.Background(), path, opt, by)
}

// CountContext is Count that stops, with ctx's error, once ctx is done.
func CountContext(ctx context.Context, path string, opt Options, by string) (total int, byValue map[string]int, err error) {
	if by != "" {
		opt.Require = append(append([]string(nil), opt.Require...), by)
	}
	s, err := Open(path, opt)
	if err != nil {
		return 0, nil, err
	}
	defer s.Close()
	if by != "" {
		byValue = map[string]int{}
	}
	for {
		rec, err := s.Next()
		if errors.Is(err, io.EOF) {
			return total, byValue, nil
		}
		if err != nil {
			return 0, nil, err
		}
		total++
		if by != "" {
			byValue[FormatValue(rec.Fields[by])]++
		}
		if total%4096 == 0 && ctx.Err() != nil {
			return 0, nil, ctx.Err()
		}
	}
}

// Derived is a column computed from others by an expression, such as an age
// band from an age: {Name: "age_band", Expr: `age < 25 ? "under 25" : "25 or over"`}.
type Derived struct {
	Name string
	Expr string
}

type derived struct {
	name    string
	program *fieldexpr.Program
}

// filter is a compiled filter expression.
type filter struct {
	program *fieldexpr.Program
}

// CompileFilter checks that src is a valid boolean filter expression over
// columns: a name that is not a column is an error that suggests the closest
// one.
func CompileFilter(src string, columns []string) error {
	_, err := compileFilter(src, columns)
	return err
}

func compileFilter(src string, columns []string) (*filter, error) {
	program, err := fieldexpr.Compile(src, columns, true)
	if err != nil {
		return nil, fmt.Errorf("filter %q: %w", src, err)
	}
	return &filter{program: program}, nil
}

// match evaluates the filter on a record's fields; a missing value makes
// the filter false rather than an error only where the expression says so.
func (f *filter) match(fields map[string]any) (bool, error) {
	return f.program.Bool(fields)
}

// validate checks a Sample's settings.
func (sm Sample) validate() error {
	switch {
	case sm.Size < 0:
		return fmt.Errorf("sample size %d is negative", sm.Size)
	case sm.Size > 0 && sm.Fraction != 0:
		return errors.New("sample sets both size and fraction; choose one")
	case sm.Size == 0 && sm.Fraction == 0:
		return errors.New("sample needs a size or a fraction")
	case sm.Size == 0 && (math.IsNaN(sm.Fraction) || sm.Fraction <= 0 || sm.Fraction > 1):
		return fmt.Errorf("sample fraction %v is outside (0, 1]", sm.Fraction)
	}
	return nil
}

// sampler selects exactly want[key] of have[key] records per stratum with
// Knuth's selection sampling (Algorithm S): the t-th record of a stratum of n,
// with m still to choose, is taken with probability m / (n − t).
type sampler struct {
	strata map[string]*stratum
}

// stratum is the selection state of one stratum.
type stratum struct {
	need   int // records still to choose
	remain int // records not yet seen
	rng    *rand.Rand
}

// newSampler allocates the sample over the strata counted in pass one.
func newSampler(sm Sample, counts map[string]int) *sampler {
	n := 0
	for _, c := range counts {
		n += c
	}
	k := sm.Size
	if k == 0 {
		k = int(math.Round(sm.Fraction * float64(n)))
	}
	k = min(k, n)
	alloc := allocate(k, counts)
	sp := &sampler{strata: make(map[string]*stratum, len(counts))}
	for key, c := range counts {
		h := fnv.New64a()
		h.Write([]byte(key))
		sp.strata[key] = &stratum{
			need:   alloc[key],
			remain: c,
			rng:    rand.New(rand.NewPCG(sm.Seed, h.Sum64())),
		}
	}
	return sp
}

// take reports whether the next record of stratum key is in the sample.
func (sp *sampler) take(key string) bool {
	st := sp.strata[key]
	if st == nil || st.remain <= 0 {
		return false // the file changed between the passes
	}
	pick := st.need > 0 && st.rng.Uint64N(uint64(st.remain)) < uint64(st.need)
	st.remain--
	if pick {
		st.need--
	}
	return pick
}

// allocate splits k over strata in proportion to their counts by largest
// remainder (ties go to the smaller key), then moves records from the largest
// allocations so that every stratum gets at least one when k allows it.
func allocate(k int, counts map[string]int) map[string]int {
	keys := make([]string, 0, len(counts))
	n := 0
	for key, c := range counts {
		if c > 0 {
			keys = append(keys, key)
			n += c
		}
	}
	sort.Strings(keys)
	alloc := make(map[string]int, len(keys))
	k = min(k, n)
	if k <= 0 {
		return alloc
	}
	type share struct {
		key  string
		frac float64
	}
	shares := make([]share, 0, len(keys))
	given := 0
	for _, key := range keys {
		exact := float64(k) * float64(counts[key]) / float64(n)
		whole := int(math.Floor(exact))
		alloc[key] = whole
		given += whole
		shares = append(shares, share{key, exact - float64(whole)})
	}
	sort.SliceStable(shares, func(i, j int) bool { return shares[i].frac > shares[j].frac })
	for i := 0; given < k && i < len(shares); i++ {
		alloc[shares[i].key]++
		given++
	}
	if k < len(keys) {
		return alloc
	}
	for _, key := range keys {
		if alloc[key] > 0 {
			continue
		}
		donor := ""
		for _, other := range keys {
			if alloc[other] > 1 && (donor == "" || alloc[other] > alloc[donor]) {
				donor = other
			}
		}
		if donor == "" {
			break
		}
		alloc[donor]--
		alloc[key]++
	}
	return alloc
}
