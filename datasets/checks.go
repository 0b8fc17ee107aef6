package datasets

import (
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	pocformat "github.com/poc-harness/poc/internal/format"
)

// Check names one data check that Checker runs over a dataset's records.
type Check string

// The data checks. Each counts records whose values are accepted by the
// readers but are likely mistakes that could change what a run measures.
const (
	// CheckInvalidUTF8 counts text values that are not valid UTF-8 (a file
	// exported in Latin-1, say): prompts and rules see mangled text.
	CheckInvalidUTF8 Check = "invalid_utf8"
	// CheckNULBytes counts text values holding a NUL byte, usually a binary
	// column or a broken export.
	CheckNULBytes Check = "nul_bytes"
	// CheckNonFinite counts numbers that are NaN or infinite: a score of
	// NaN sorts nowhere and an infinite amount has no mean.
	CheckNonFinite Check = "non_finite"
	// CheckDuplicateIDs counts records whose id another record already has:
	// the same case replayed twice counts twice in every interval.
	CheckDuplicateIDs Check = "duplicate_ids"
	// CheckBadTimes counts time-column values that do not parse as times,
	// which drop out of every time cut and time range.
	CheckBadTimes Check = "bad_times"
	// CheckEmptyLabels counts records without a label; the metrics leave
	// them out, so the evidence is thinner than the record count says.
	CheckEmptyLabels Check = "empty_labels"
	// CheckEmptySegments counts records with no value of a segment column:
	// they form a segment of their own, often too small to judge, and a
	// criterion that must hold in every segment cannot pass while one is.
	CheckEmptySegments Check = "empty_segments"
	// CheckPlaceholderLabels counts labels that are a placeholder for a
	// missing value ("N/A", "null", "-"): they are read as a class of their
	// own, so every metric counts them as errors of every pipeline.
	CheckPlaceholderLabels Check = "placeholder_labels"
	// CheckLabelSpellings counts records whose label is another class
	// written differently only in case or spaces ("Bad" beside "bad"):
	// read as a class of its own, it makes a binary label three classes.
	CheckLabelSpellings Check = "label_spellings"
	// CheckPositiveMajority flags a positive class that is most of the
	// labelled records: the event to catch is almost always the rarer
	// class, and the other class as positive turns every rate around. The
	// run works it out from the label's counts (no record is at fault).
	CheckPositiveMajority Check = "positive_majority"
)

// Checks lists every data check, in the order findings are reported.
var Checks = []Check{CheckInvalidUTF8, CheckNULBytes, CheckNonFinite, CheckDuplicateIDs, CheckBadTimes, CheckEmptyLabels, CheckPlaceholderLabels, CheckLabelSpellings, CheckEmptySegments, CheckPositiveMajority}

// placeholders are the texts exports write for a missing value, compared
// in lower case.
var placeholders = map[string]bool{"n/a": true, "na": true, "#n/a": true, "null": true, "none": true, "nan": true,
	"nil": true, "-": true, "?": true, "missing": true, "unknown": true}

// maxFindingLines is how many example lines a Finding keeps.
const maxFindingLines = 5

// Finding is what one check found in one column.
type Finding struct {
	// Check is the check that found it.
	Check Check
	// Column is the column it was found in.
	Column string
	// Count is the number of records concerned; Records the number checked.
	Count, Records int
	// Lines are the file lines of the first few records concerned (1-based
	// lines for text formats, record numbers for the others).
	Lines []int
	// Example is the first value concerned, quoted, for the message.
	Example string
}

// findingText says, after "N of M records in column C", what a check found.
var findingText = map[Check]string{
	CheckInvalidUTF8:  "hold text that is not valid UTF-8 (re-export the file as UTF-8)",
	CheckNULBytes:     "hold a NUL byte (a binary value or a broken export)",
	CheckNonFinite:    "hold a number that is NaN or infinite",
	CheckDuplicateIDs: "repeat an id an earlier record has (each case would count more than once)",
	CheckBadTimes:     "hold a time that does not parse (want RFC 3339 or \"2006-01-02 15:04:05\")",
	CheckEmptyLabels:  "have no label and are left out of every metric",
	CheckEmptySegments: "have no value of this segment column, and form a segment of their own (shown as the empty value), " +
		"which a criterion that must hold in every segment has to pass too — a segment too small to judge keeps it from passing " +
		"(fill the value, or leave such records out with dataset.filter)",
	CheckLabelSpellings: "have a label that is another class written differently (case or spaces), read as a class of its own " +
		"(fix the export, or map the spellings to one with a derived column)",
	CheckPlaceholderLabels: "have a label that stands for a missing value, read as a class of its own " +
		"(leave such records out with dataset.filter, or fix the export)",
}

// Message says what was found in one sentence.
func (f Finding) Message() string {
	share := 100 * float64(f.Count) / float64(max(f.Records, 1))
	what := findingText[f.Check]
	msg := fmt.Sprintf("%s of %s records (%.1f%%) in column %q %s", pocformat.Group(int64(f.Count)), pocformat.Group(int64(f.Records)), share, f.Column, what)
	if len(f.Lines) > 0 {
		lines := make([]string, len(f.Lines))
		for i, l := range f.Lines {
			lines[i] = fmt.Sprint(l)
		}
		msg += "; first at line"
		if len(lines) > 1 {
			msg += "s"
		}
		msg += " " + strings.Join(lines, ", ")
	}
	if f.Example != "" {
		msg += "; e.g. " + f.Example
	}
	return msg
}

// CheckOptions names the columns with a meaning the checks need.
type CheckOptions struct {
	// ID is the id column ("" for none): duplicates are counted.
	ID string
	// Time is the time column ("" for none): values must parse.
	Time string
	// Label is the label column ("" for none): empty labels are counted.
	Label string
	// Segments are the segment columns: records without a value are counted.
	Segments []string
	// Values are the columns whose distinct values are kept (Values).
	Values []string
}

// Checker runs the data checks over records fed to it one at a time, with
// little memory: a duplicate id is found through a 64-bit hash of each id
// (a false duplicate needs a hash collision, about one in 10^10 at a
// million ids). It also notes the range of the time column.
type Checker struct {
	opt     CheckOptions
	records int
	found   map[findingKey]*Finding
	ids     map[uint64]struct{}
	labels  map[string]*labelSeen // by label value, up to maxLabelValues
	seed    maphash.Seed
	span    TimeSpan
	// values are the distinct values of each column of opt.Values, up to
	// maxColumnValues of them (nil once a column has more, or a value that
	// is not text).
	values map[string]map[string]struct{}
}

// maxColumnValues bounds the distinct values a column's set keeps (see
// Checker.Values): a category has few, an id or free text has one per
// record.
const maxColumnValues = 1000

// maxLabelValues bounds the distinct label values kept for the spelling
// check (a regression target has one per record).
const maxLabelValues = 1000

// labelSeen counts one label value and keeps its first lines.
type labelSeen struct {
	n     int
	lines []int
}

type findingKey struct {
	check  Check
	column string
}

// NewChecker returns a Checker for records with the given columns.
func NewChecker(opt CheckOptions) *Checker {
	c := &Checker{opt: opt, found: map[findingKey]*Finding{}, seed: maphash.MakeSeed(), values: map[string]map[string]struct{}{}}
	for _, col := range opt.Values {
		c.values[col] = map[string]struct{}{}
	}
	if opt.ID != "" {
		c.ids = map[uint64]struct{}{}
	}
	return c
}

// Add checks one record.
func (c *Checker) Add(rec Record) {
	c.records++
	for col, v := range rec.Fields {
		switch x := v.(type) {
		case nil:
		case string:
			c.see(col, x)
			if !utf8.ValidString(x) {
				c.note(CheckInvalidUTF8, col, rec.Line, fmt.Sprintf("%q", truncate(x)))
			}
			if strings.IndexByte(x, 0) >= 0 {
				c.note(CheckNULBytes, col, rec.Line, fmt.Sprintf("%q", truncate(x)))
			}
		case float64:
			c.notText(col)
			if math.IsNaN(x) || math.IsInf(x, 0) {
				c.note(CheckNonFinite, col, rec.Line, fmt.Sprint(x))
			}
		case float32:
			c.notText(col)
			if f := float64(x); math.IsNaN(f) || math.IsInf(f, 0) {
				c.note(CheckNonFinite, col, rec.Line, fmt.Sprint(x))
			}
		default:
			c.notText(col)
		}
	}
	if c.ids != nil {
		if id := FormatValue(rec.Fields[c.opt.ID]); id != "" {
			h := maphash.String(c.seed, id)
			if _, dup := c.ids[h]; dup {
				c.note(CheckDuplicateIDs, c.opt.ID, rec.Line, fmt.Sprintf("%q", truncate(id)))
			}
			c.ids[h] = struct{}{}
		}
	}
	if c.opt.Time != "" {
		c.time(rec)
	}
	for _, col := range c.opt.Segments {
		if strings.TrimSpace(FormatValue(rec.Fields[col])) == "" {
			c.note(CheckEmptySegments, col, rec.Line, "")
		}
	}
	if c.opt.Label != "" {
		switch lab := FormatValue(rec.Fields[c.opt.Label]); {
		case lab == "":
			c.note(CheckEmptyLabels, c.opt.Label, rec.Line, "")
		case len(lab) <= 7 && placeholders[strings.ToLower(strings.TrimSpace(lab))]:
			c.note(CheckPlaceholderLabels, c.opt.Label, rec.Line, fmt.Sprintf("%q", lab))
		default:
			c.seeLabel(lab, rec.Line)
		}
	}
}

// see notes a text value of col for Values.
func (c *Checker) see(col, v string) {
	set := c.values[col]
	if set == nil {
		return // not asked for, too many values, or some not text
	}
	if _, seen := set[v]; seen {
		return
	}
	if len(set) == maxColumnValues {
		c.values[col] = nil
		return
	}
	set[v] = struct{}{}
}

// notText notes that col holds a value that is not text.
func (c *Checker) notText(col string) {
	if c.values[col] != nil {
		c.values[col] = nil
	}
}

// Values are the distinct values of each column of CheckOptions.Values
// whose every value was text (or missing) and which held at most a
// thousand of them, sorted: the categories a condition's literal can be
// checked against.
func (c *Checker) Values() map[string][]string {
	out := map[string][]string{}
	for col, set := range c.values {
		if set == nil {
			continue
		}
		vs := make([]string, 0, len(set))
		for v := range set {
			vs = append(vs, v)
		}
		slices.Sort(vs)
		out[col] = vs
	}
	return out
}

// seeLabel counts a label value for the spelling check.
func (c *Checker) seeLabel(lab string, line int) {
	if c.labels == nil {
		c.labels = map[string]*labelSeen{}
	}
	l := c.labels[lab]
	if l == nil {
		if len(c.labels) >= maxLabelValues {
			return
		}
		l = &labelSeen{}
		c.labels[lab] = l
	}
	l.n++
	if len(l.lines) < maxFindingLines {
		l.lines = append(l.lines, line)
	}
}

// spellings is the finding of label values that are one class written in
// several ways: every spelling but the commonest counts.
func (c *Checker) spellings() *Finding {
	groups := map[string][]string{}
	for v := range c.labels {
		k := strings.ToLower(strings.Join(strings.Fields(v), " "))
		groups[k] = append(groups[k], v)
	}
	var f *Finding
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		vs := groups[k]
		if len(vs) < 2 {
			continue
		}
		slices.SortFunc(vs, func(a, b string) int { return c.labels[b].n - c.labels[a].n })
		if f == nil {
			f = &Finding{Check: CheckLabelSpellings, Column: c.opt.Label, Records: c.records}
		}
		if f.Example == "" {
			f.Example = fmt.Sprintf("%q beside %q", vs[1], vs[0])
		}
		for _, v := range vs[1:] {
			f.Count += c.labels[v].n
			for _, l := range c.labels[v].lines {
				if len(f.Lines) < maxFindingLines {
					f.Lines = append(f.Lines, l)
				}
			}
		}
	}
	return f
}

// time checks the time column of rec and widens the time range.
func (c *Checker) time(rec Record) {
	v := rec.Fields[c.opt.Time]
	if v == nil {
		return // a missing time is missing, not malformed
	}
	if !c.span.Add(v) {
		c.note(CheckBadTimes, c.opt.Time, rec.Line, fmt.Sprintf("%q", truncate(FormatValue(v))))
	}
}

// note counts a record concerned by a check in a column.
func (c *Checker) note(check Check, column string, line int, example string) {
	k := findingKey{check, column}
	f := c.found[k]
	if f == nil {
		f = &Finding{Check: check, Column: column, Example: example}
		c.found[k] = f
	}
	f.Count++
	if len(f.Lines) < maxFindingLines {
		f.Lines = append(f.Lines, line)
	}
}

// Findings returns what the checks found, by check in the order of Checks
// and then by column.
func (c *Checker) Findings() []Finding {
	out := make([]Finding, 0, len(c.found)+1)
	for _, f := range c.found {
		g := *f
		g.Records = c.records
		out = append(out, g)
	}
	if f := c.spellings(); f != nil {
		slices.Sort(f.Lines)
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b Finding) int {
		if d := slices.Index(Checks, a.Check) - slices.Index(Checks, b.Check); d != 0 {
			return d
		}
		return strings.Compare(a.Column, b.Column)
	})
	return out
}

// Records returns the number of records checked.
func (c *Checker) Records() int { return c.records }

// TimeRange returns the earliest and latest parsed time of the time column;
// ok is false when there was none.
func (c *Checker) TimeRange() (from, to time.Time, ok bool) {
	return c.span.From, c.span.To, c.span.Seen
}

// TimeSpan is the earliest and latest of the times it is given.
type TimeSpan struct {
	From, To time.Time
	// Seen is false until a time was added.
	Seen bool
}

// Add widens the span by the time v holds (as ParseTime reads it); it
// returns false, and changes nothing, for a value that is not a time.
func (s *TimeSpan) Add(v any) bool {
	t, err := ParseTime(v)
	if err != nil {
		return false
	}
	if !s.Seen || t.Before(s.From) {
		s.From = t
	}
	if !s.Seen || t.After(s.To) {
		s.To = t
	}
	s.Seen = true
	return true
}

// truncate shortens a value for a message.
func truncate(s string) string {
	const n = 40
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
