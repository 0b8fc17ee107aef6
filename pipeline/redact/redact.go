package redact

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/poc-harness/poc/pipeline"
)

// Pattern is a custom detector: values matching Regex are replaced by tokens
// of kind Name, such as {Name: "CUSTOMER_ID", Regex: `C\d{6}`}.
type Pattern struct {
	// Name is the token kind, upper case letters and underscores.
	Name string `yaml:"name"`
	// Regex is a Go regular expression (RE2 syntax).
	Regex string `yaml:"regex"`
}

// Config selects the detectors of a Redactor.
type Config struct {
	// Detectors names the built-in detectors to use, from Detectors(); nil
	// means all of them, an empty non-nil slice none.
	Detectors []string
	// Patterns are custom detectors, applied after the built-in ones in
	// the order given.
	Patterns []Pattern
}

// Built-in detector names, in their order of application.
const (
	detCard  = "card"
	detIBAN  = "iban"
	detEmail = "email"
	detPhone = "phone"
)

// Detectors returns the names of the built-in detectors, in their order of
// application.
func Detectors() []string {
	return []string{detCard, detIBAN, detEmail, detPhone}
}

// finder returns the [start, end) byte spans of the values it detects in s,
// in increasing order and without overlap.
type finder func(s string) [][2]int

type detector struct {
	kind string
	find finder
}

var kindName = regexp.MustCompile(`^[A-Z_]+$`)

// Redactor pseudonymises text with a fixed set of detectors. It implements
// pipeline.Privacy and is safe for concurrent use.
type Redactor struct {
	detectors []detector

	mu     sync.Mutex
	counts map[string]int
}

var _ pipeline.Privacy = (*Redactor)(nil)

// New returns a Redactor for cfg. The error names the unknown detector, the
// bad kind name or the regular expression that does not compile.
func New(cfg Config) (*Redactor, error) {
	names := cfg.Detectors
	if names == nil {
		names = Detectors()
	}
	want := map[string]bool{}
	for _, n := range names {
		switch n {
		case detCard, detIBAN, detEmail, detPhone:
			want[n] = true
		default:
			return nil, fmt.Errorf("redact: unknown detector %q (known: %s)", n, strings.Join(Detectors(), ", "))
		}
	}
	r := &Redactor{counts: map[string]int{}}
	builtin := map[string]detector{
		detCard:  {"CARD", findCards},
		detIBAN:  {"IBAN", findIBANs},
		detEmail: {"EMAIL", findEmails},
		detPhone: {"PHONE", findPhones},
	}
	kinds := map[string]bool{}
	for _, n := range Detectors() {
		if want[n] {
			r.detectors = append(r.detectors, builtin[n])
		}
		kinds[builtin[n].kind] = true
	}
	for i, p := range cfg.Patterns {
		if !kindName.MatchString(p.Name) {
			return nil, fmt.Errorf("redact: pattern %d: name %q must be upper case letters and underscores, like CUSTOMER_ID", i+1, p.Name)
		}
		if kinds[p.Name] {
			return nil, fmt.Errorf("redact: pattern %d: name %q is already used", i+1, p.Name)
		}
		kinds[p.Name] = true
		if p.Regex == "" {
			return nil, fmt.Errorf("redact: pattern %s: empty regex", p.Name)
		}
		re, err := regexp.Compile(p.Regex)
		if err != nil {
			return nil, fmt.Errorf("redact: pattern %s: regex %q: %w", p.Name, p.Regex, err)
		}
		r.detectors = append(r.detectors, detector{p.Name, regexFinder(re)})
	}
	return r, nil
}

// regexFinder finds the non-empty matches of re.
func regexFinder(re *regexp.Regexp) finder {
	return func(s string) [][2]int {
		var out [][2]int
		for _, m := range re.FindAllStringIndex(s, -1) {
			if m[1] > m[0] {
				out = append(out, [2]int{m[0], m[1]})
			}
		}
		return out
	}
}

// Session returns a new pseudonymisation session for one record.
func (r *Redactor) Session() pipeline.PrivacySession {
	return &Session{r: r, tokens: map[string]string{}, values: map[string]string{}, next: map[string]int{}}
}

// QuietSession is a session that replaces as Session does but adds nothing
// to Counts (pipeline.QuietPrivacy): for estimates of text never sent.
func (r *Redactor) QuietSession() pipeline.PrivacySession {
	s := r.Session().(*Session)
	s.quiet = true
	return s
}

// Counts returns the number of replacements made by kind (EMAIL, PHONE,
// IBAN, CARD and the custom names) since New, over all sessions.
func (r *Redactor) Counts() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int, len(r.counts))
	for k, v := range r.counts {
		out[k] = v
	}
	return out
}

func (r *Redactor) add(counts map[string]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, v := range counts {
		r.counts[k] += v
	}
}

// Session pseudonymises the text of one record: the same value gets the same
// token in every Redact call of the session. It is safe for concurrent use.
type Session struct {
	r     *Redactor
	quiet bool // replaces without counting (QuietSession)

	mu     sync.Mutex
	tokens map[string]string // kind + "\x00" + value → token
	values map[string]string // token → value
	next   map[string]int    // kind → last number issued
}

var (
	_ pipeline.PrivacySession = (*Session)(nil)
	_ pipeline.QuietPrivacy   = (*Redactor)(nil)
)

type span struct {
	start, end int
	kind       string
}

// Redact replaces every detected value in text by its token.
func (s *Session) Redact(text string) string {
	if text == "" || len(s.r.detectors) == 0 {
		return text
	}
	// Each detector sees the text with the values found before it masked
	// (zero bytes); until one is found, that is the text itself.
	var masked []byte
	var spans []span
	for _, d := range s.r.detectors {
		seen := text
		if masked != nil {
			seen = string(masked)
		}
		for _, m := range d.find(seen) {
			if masked == nil {
				masked = []byte(text)
			}
			if claimed(masked[m[0]:m[1]]) {
				continue
			}
			spans = append(spans, span{m[0], m[1], d.kind})
			for i := m[0]; i < m[1]; i++ {
				masked[i] = 0
			}
		}
	}
	if len(spans) == 0 {
		return text
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	counts := map[string]int{}
	var b strings.Builder
	last := 0
	s.mu.Lock()
	for _, sp := range spans {
		b.WriteString(text[last:sp.start])
		b.WriteString(s.tokenLocked(sp.kind, text[sp.start:sp.end]))
		counts[sp.kind]++
		last = sp.end
	}
	s.mu.Unlock()
	b.WriteString(text[last:])
	if !s.quiet {
		s.r.add(counts)
	}
	return b.String()
}

// claimed reports whether any byte of b was already taken by an earlier
// detector (masked to 0).
func claimed(b []byte) bool {
	for _, c := range b {
		if c == 0 {
			return true
		}
	}
	return false
}

func (s *Session) tokenLocked(kind, value string) string {
	key := kind + "\x00" + value
	if t, ok := s.tokens[key]; ok {
		return t
	}
	s.next[kind]++
	t := "<" + kind + "_" + strconv.Itoa(s.next[kind]) + ">"
	s.tokens[key] = t
	s.values[t] = value
	return t
}

var tokenRe = regexp.MustCompile(`<[A-Z_]+_[0-9]+>`)

// Restore maps the tokens of this session in text back to their values;
// unknown tokens are left as they are.
func (s *Session) Restore(text string) string {
	if !strings.Contains(text, "<") {
		return text
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.values) == 0 {
		return text
	}
	return tokenRe.ReplaceAllStringFunc(text, func(t string) string {
		if v, ok := s.values[t]; ok {
			return v
		}
		return t
	})
}
