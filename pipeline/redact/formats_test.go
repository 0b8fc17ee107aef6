package redact

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
)

// Values in the formats people write, generated from canonical values: for
// each, every letter case, separator and grouping below.
var (
	formatIBANs = []string{
		"FR1420041010050500013M02606", "DE89370400440532013000", "GB82WEST12345698765432",
		"NL91ABNA0417164300", "BE68539007547034", "ES9121000418450200051332", "IT60X0542811101000000123456",
	}
	formatCards = []string{
		"4111111111111111", "5555555555554444", "6011111111111117", "2223003122003222", "4012888888881881",
	}
	formatAmex   = []string{"378282246310005", "371449635398431"}
	formatEmails = []string{"jane.doe@example.com", "john-smith@mail.example.co.uk", "a_b.c@sub-domain.org", "first.last+tag@example.fr"}
	// phone formats: each a list of digit groups and whether a "+" leads.
	formatPhones = []struct {
		groups []string
		plus   bool
	}{
		{[]string{"33", "6", "12", "34", "56", "78"}, true},
		{[]string{"33", "612345678"}, true},
		{[]string{"44", "20", "7946", "0958"}, true},
		{[]string{"06", "12", "34", "56", "78"}, false},
		{[]string{"020", "7946", "0958"}, false},
		{[]string{"0044", "20", "7946", "0958"}, false},
		{[]string{"555", "123", "4567"}, false},
		{[]string{"1", "800", "555", "1234"}, false},
	}
	separators = []string{" ", "-", "."}
)

// caseVariants returns v in upper, lower and a seeded mixed case.
func caseVariants(v string, rng *rand.Rand) []string {
	var mixed strings.Builder
	for _, r := range v {
		if rng.IntN(2) == 0 {
			r = unicode.ToUpper(r)
		} else {
			r = unicode.ToLower(r)
		}
		mixed.WriteRune(r)
	}
	return []string{strings.ToUpper(v), strings.ToLower(v), mixed.String()}
}

// group splits compact into groups of the given sizes (the last size
// repeats) and joins them with sep.
func group(compact, sep string, sizes ...int) string {
	var parts []string
	for i := 0; len(compact) > 0; i++ {
		n := sizes[min(i, len(sizes)-1)]
		n = min(n, len(compact))
		parts = append(parts, compact[:n])
		compact = compact[n:]
	}
	return strings.Join(parts, sep)
}

// formatted is one value as written and the kind of token it must become.
type formatted struct {
	kind, value string
}

// allFormats generates every format of every value.
func allFormats() []formatted {
	rng := rand.New(rand.NewPCG(7, 7))
	var out []formatted
	for _, iban := range formatIBANs {
		for _, c := range caseVariants(iban, rng) {
			out = append(out, formatted{"IBAN", c})
			for _, sep := range separators {
				out = append(out, formatted{"IBAN", group(c, sep, 4)})
			}
		}
	}
	for _, card := range formatCards {
		out = append(out, formatted{"CARD", card})
		for _, sep := range separators {
			out = append(out, formatted{"CARD", group(card, sep, 4)})
		}
	}
	for _, card := range formatAmex {
		out = append(out, formatted{"CARD", card})
		for _, sep := range separators {
			out = append(out, formatted{"CARD", group(card, sep, 4, 6, 5)})
		}
	}
	for _, e := range formatEmails {
		for _, c := range caseVariants(e, rng) {
			out = append(out, formatted{"EMAIL", c})
		}
	}
	for _, p := range formatPhones {
		lead := ""
		if p.plus {
			lead = "+"
		}
		for _, sep := range separators {
			out = append(out, formatted{"PHONE", lead + strings.Join(p.groups, sep)})
		}
		if compact := strings.Join(p.groups, ""); p.plus || compact[0] == '0' {
			// Without a separator only an international or trunk-prefixed
			// number is told from an id.
			out = append(out, formatted{"PHONE", lead + compact})
		}
	}
	out = append(out, formatted{"PHONE", "(555) 123-4567"}, formatted{"PHONE", "+1 (555) 123-4567"})
	return out
}

// contexts are the sentences a value is written in.
var contexts = []string{"%s", "my number is %s, thanks", "(%s)", "see: %s.", "line one\n%s\nline two", "«%s»"}

// checkRedacted asserts that v, written in ctx, comes out as exactly one
// token of its kind in place of the whole value, and that none of its
// digits survive.
func checkRedacted(t *testing.T, r *Redactor, f formatted, ctx string) {
	t.Helper()
	text := fmt.Sprintf(ctx, f.value)
	got := r.Session().Redact(text)
	want := fmt.Sprintf(ctx, "<"+f.kind+"_1>")
	if got != want {
		t.Errorf("Redact(%q) = %q, want %q", text, got, want)
	}
	if d := onlyDigits(f.value); len(d) >= 4 && strings.Contains(onlyDigits(got), d[len(d)-4:]) {
		t.Errorf("Redact(%q) = %q: the value's last digits survive", text, got)
	}
}

func TestFormatsAreRedactedWhole(t *testing.T) {
	r := mustNew(t, Config{})
	for _, f := range allFormats() {
		for _, ctx := range contexts {
			t.Run(f.kind+" "+f.value, func(t *testing.T) { checkRedacted(t, r, f, ctx) })
		}
	}
}

// FuzzFormats picks a value, a context and a letter-case mask from the
// fuzzer's inputs (a card or phone has no letters, the mask changes
// nothing there) and checks that the value is redacted whole.
func FuzzFormats(f *testing.F) {
	all := allFormats()
	for i := range all {
		f.Add(uint16(i), uint8(i%len(contexts)), uint64(0))
	}
	f.Add(uint16(0), uint8(1), uint64(0xaaaaaaaaaaaaaaaa))
	f.Add(uint16(3), uint8(2), uint64(0x5555555555555555))
	r := mustNew(f, Config{})
	f.Fuzz(func(t *testing.T, which uint16, ctx uint8, caseMask uint64) {
		v := all[int(which)%len(all)]
		var b strings.Builder
		for i, c := range v.value {
			if caseMask>>(uint(i)%64)&1 == 1 {
				c = unicode.ToUpper(c)
			} else if caseMask != 0 {
				c = unicode.ToLower(c)
			}
			b.WriteRune(c)
		}
		v.value = b.String()
		checkRedacted(t, r, v, contexts[int(ctx)%len(contexts)])
	})
}

// FuzzRoundTrip: for any text, Restore gives back what Redact replaced, and
// nothing panics.
func FuzzRoundTrip(f *testing.F) {
	for _, s := range []string{"", "call +44 20 7946 0958", "fr14 2004 1010 0505 0001 3m02 606", "4111-1111-1111-1111 and jane@example.com",
		"06 12 34 56 78 / 4111 1111 1111 1112 / FR15 2004 1010 0505 0001 3M02 606"} {
		f.Add(s)
	}
	r := mustNew(f, Config{})
	f.Fuzz(func(t *testing.T, s string) {
		if strings.Contains(s, "<") {
			t.Skip("a token-like text in the input is restored too")
		}
		sess := r.Session()
		if got := sess.Restore(sess.Redact(s)); got != s {
			t.Errorf("Restore(Redact(%q)) = %q", s, got)
		}
	})
}
