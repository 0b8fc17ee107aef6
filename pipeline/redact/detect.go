package redact

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Candidate expressions: deliberately broad; the validators decide.
var (
	emailRe     = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}`)
	cardCandRe  = regexp.MustCompile(`[0-9](?:[ .\-]?[0-9])+`)
	ibanCandRe  = regexp.MustCompile(`[A-Za-z]{2}[0-9]{2}(?:[ .\-]?[A-Za-z0-9])+`)
	phoneCandRe = regexp.MustCompile(`\+?\(?[0-9][0-9 ().\-]*`)
	digitsRe    = regexp.MustCompile(`[0-9]+`)
	alnumRe     = regexp.MustCompile(`[A-Za-z0-9]+`)
	cardShapeRe = regexp.MustCompile(`^[0-9](?:[ .\-]?[0-9])*$`)
	// An IBAN is compact, or in groups of four separated by one space, dash
	// or dot (the same one throughout), in any letter case.
	ibanShapeRe = regexp.MustCompile(`^[A-Za-z]{2}[0-9]{2}(?:[A-Za-z0-9]{11,30}|(?: [A-Za-z0-9]{4}){2,7}(?: [A-Za-z0-9]{1,4})?|(?:-[A-Za-z0-9]{4}){2,7}(?:-[A-Za-z0-9]{1,4})?|(?:\.[A-Za-z0-9]{4}){2,7}(?:\.[A-Za-z0-9]{1,4})?)$`)
	// cardLikeRe is the shape of a card number whatever its check digit: 13
	// to 19 digits from an issuer range, compact, in groups of four, or in
	// the 4-6-5 (4-6-4) grouping of Amex and Diners. A phone number never
	// takes digits from such a run.
	cardLikeRe  = regexp.MustCompile(`^[2-6](?:[0-9]{12,18}|[0-9]{3}(?:([ .\-])[0-9]{4}){2,3}(?:[ .\-][0-9]{1,4})?|[0-9]{3}[ .\-][0-9]{6}[ .\-][0-9]{4,5})$`)
	dateStartRe = regexp.MustCompile(`^(?:[0-9]{1,2}([.\-])[0-9]{1,2}([.\-])(?:19|20)[0-9]{2}|(?:19|20)[0-9]{2}([.\-])[0-9]{1,2}([.\-])[0-9]{1,2})(?:[^0-9]|$)`)
)

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// wordRune reports whether r continues a word or a number: a letter or a
// digit in any script. Punctuation outside ASCII (« », ° , –) does not.
func wordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// standalone reports whether s[start:end] is not glued to a neighbouring word
// or number: no letter or digit next to it, and no ".5", ",5", "-5" or "/5"
// continuing a number on either side.
func standalone(s string, start, end int) bool {
	if start > 0 {
		c := s[start-1]
		if r, _ := utf8.DecodeLastRuneInString(s[:start]); isAlnum(c) || c >= utf8.RuneSelf && wordRune(r) {
			return false
		}
		if strings.IndexByte(".,-/", c) >= 0 && start > 1 && isDigit(s[start-2]) {
			return false
		}
	}
	if end < len(s) {
		c := s[end]
		if r, _ := utf8.DecodeRuneInString(s[end:]); isAlnum(c) || c >= utf8.RuneSelf && wordRune(r) {
			return false
		}
		if strings.IndexByte(".,-/", c) >= 0 && end+1 < len(s) && isDigit(s[end+1]) {
			return false
		}
	}
	return true
}

// Prefilters. Every detector first looks for what each of its values must
// hold — an "@", 13 digits among the characters of a card number, eight
// among those of a phone number, two letters then two digits — and runs its
// expressions only where that is found: on most text none is, and the
// expressions cost far more than a pass over the bytes. They decide nothing
// themselves: with or without them, the detectors find the same values
// (TestPrefiltersFindTheSame).

// Minimum digits of a value: a card number has 13 to 19 (validCard,
// cardLikeRe), a phone number at least 8 (validPhone).
const (
	cardMinDigits  = 13
	phoneMinDigits = 8
)

// byteSet is a set of bytes.
type byteSet [256]bool

func newByteSet(chars string, ranges ...[2]byte) *byteSet {
	var s byteSet
	for i := 0; i < len(chars); i++ {
		s[chars[i]] = true
	}
	for _, r := range ranges {
		for c := int(r[0]); c <= int(r[1]); c++ {
			s[c] = true
		}
	}
	return &s
}

var (
	digits = [2]byte{'0', '9'}
	// cardChars are the bytes of cardCandRe's matches: digits and separators.
	cardChars = newByteSet(" .-", digits)
	// phoneChars are the bytes of a phone number as findPhones takes it:
	// those of phoneCandRe's matches and the "+(" and ")" extendPhone adds.
	phoneChars = newByteSet(" .-()+", digits)
	// emailChars are the bytes of emailRe's matches.
	emailChars = newByteSet("@._%+-", digits, [2]byte{'a', 'z'}, [2]byte{'A', 'Z'})
)

// runs returns the maximal runs of bytes of s in set that keep accepts, as
// [start, end) spans in increasing order.
func runs(s string, set *byteSet, keep func(run string) bool) [][2]int {
	var out [][2]int
	for i := 0; i < len(s); {
		if !set[s[i]] {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && set[s[j]] {
			j++
		}
		if keep(s[i:j]) {
			out = append(out, [2]int{i, j})
		}
		i = j
	}
	return out
}

// digitsAtLeast returns a keep function for runs that accepts those with at
// least n digits.
func digitsAtLeast(n int) func(string) bool {
	return func(run string) bool {
		d := 0
		for i := 0; i < len(run) && d < n; i++ {
			if isDigit(run[i]) {
				d++
			}
		}
		return d >= n
	}
}

func hasAt(run string) bool { return strings.IndexByte(run, '@') >= 0 }

// matchesIn returns the matches of re within the spans of s, in order, as
// spans of s. Each span must be the whole of s or a maximal run of the
// bytes re's matches are made of: re then finds in it what it finds there
// in the whole of s (it has no anchors, no word boundaries, and none of its
// matches can cross the run's ends).
func matchesIn(s string, re *regexp.Regexp, spans [][2]int) [][2]int {
	var out [][2]int
	for _, sp := range spans {
		for _, m := range re.FindAllStringIndex(s[sp[0]:sp[1]], -1) {
			out = append(out, [2]int{sp[0] + m[0], sp[0] + m[1]})
		}
	}
	return out
}

// mayHoldIBAN reports whether s has two ASCII letters followed by two
// digits, with which every match of ibanCandRe starts.
func mayHoldIBAN(s string) bool {
	for i := 0; i+3 < len(s); i++ {
		if isDigit(s[i+3]) && isDigit(s[i+2]) && isLetter(s[i+1]) && isLetter(s[i]) {
			return true
		}
	}
	return false
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// ibanCandidates are the matches of ibanCandRe in s.
func ibanCandidates(s string) [][2]int {
	if !mayHoldIBAN(s) {
		return nil
	}
	return matchesIn(s, ibanCandRe, [][2]int{{0, len(s)}})
}

// cardCandidates are the matches of cardCandRe in s that hold enough digits
// for a card number.
func cardCandidates(s string) [][2]int {
	return matchesIn(s, cardCandRe, runs(s, cardChars, digitsAtLeast(cardMinDigits)))
}

// findGrouped splits each candidate (a match of the detector's candidate
// expression) into atoms (runs of atom) and returns the longest valid runs
// of consecutive atoms, left to right. extend widens an atom range to the
// full value text (a leading "+(" for phones); maxAtoms bounds the search.
func findGrouped(s string, cands [][2]int, atom *regexp.Regexp, maxAtoms int,
	extend func(s string, start, end int) (int, int),
	valid func(start, end int) bool) [][2]int {
	var out [][2]int
	for _, c := range cands {
		atoms := atom.FindAllStringIndex(s[c[0]:c[1]], -1)
		for i := 0; i < len(atoms); {
			found := false
			hi := min(len(atoms)-1, i+maxAtoms-1)
			for j := hi; j >= i; j-- {
				start, end := c[0]+atoms[i][0], c[0]+atoms[j][1]
				if extend != nil {
					start, end = extend(s, start, end)
				}
				if standalone(s, start, end) && valid(start, end) {
					out = append(out, [2]int{start, end})
					i = j + 1
					found = true
					break
				}
			}
			if !found {
				i++
			}
		}
	}
	return out
}

// findEmails finds e-mail addresses.
func findEmails(s string) [][2]int {
	var out [][2]int
	if strings.IndexByte(s, '@') < 0 {
		return nil
	}
	for _, m := range matchesIn(s, emailRe, runs(s, emailChars, hasAt)) {
		start := m[0]
		// Trim dots a sentence may have glued to the front of the local part.
		for start < m[1] && s[start] == '.' {
			start++
		}
		if start < m[1] && s[start] != '@' {
			out = append(out, [2]int{start, m[1]})
		}
	}
	return out
}

// findCards finds payment card numbers. Digit groups inside a valid IBAN
// are not cards, even by a chance Luhn match: an IBAN is never cut in two.
func findCards(s string) [][2]int {
	cands := cardCandidates(s)
	if len(cands) == 0 {
		return nil
	}
	ibans := findIBANs(s)
	return findGrouped(s, cands, digitsRe, 19, nil, func(start, end int) bool {
		for _, b := range ibans {
			if start < b[1] && b[0] < end {
				return false
			}
		}
		return validCard(s[start:end])
	})
}

func validCard(v string) bool {
	if !cardShapeRe.MatchString(v) {
		return false
	}
	d := onlyDigits(v)
	if len(d) < 13 || len(d) > 19 || d[0] < '2' || d[0] > '6' {
		return false
	}
	return luhn(d)
}

// luhn reports whether the digit string passes the Luhn check.
func luhn(d string) bool {
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if double {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		double = !double
	}
	return sum%10 == 0
}

func onlyDigits(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if isDigit(v[i]) {
			b.WriteByte(v[i])
		}
	}
	return b.String()
}

// findIBANs finds IBANs.
func findIBANs(s string) [][2]int {
	return findGrouped(s, ibanCandidates(s), alnumRe, 9, nil, func(start, end int) bool { return validIBAN(s[start:end]) })
}

// findIBANLike finds runs shaped as IBANs, valid or not.
func findIBANLike(s string) [][2]int {
	return findGrouped(s, ibanCandidates(s), alnumRe, 9, nil, func(start, end int) bool { return ibanLike(s[start:end]) })
}

// findCardLike finds runs shaped as card numbers, Luhn-valid or not.
func findCardLike(s string) [][2]int {
	return findGrouped(s, cardCandidates(s), digitsRe, 19, nil, func(start, end int) bool { return cardLikeRe.MatchString(s[start:end]) })
}

func validIBAN(v string) bool {
	if !ibanShapeRe.MatchString(v) {
		return false
	}
	return ibanMod97(compactIBAN(v)) == 1
}

// compactIBAN returns v without separators, in upper case; "" when the
// length is not an IBAN's.
func compactIBAN(v string) string {
	compact := strings.ToUpper(strings.NewReplacer(" ", "", "-", "", ".", "").Replace(v))
	if len(compact) < 15 || len(compact) > 34 {
		return ""
	}
	return compact
}

// ibanLike reports whether v has the shape and length of an IBAN, whatever
// its checksum (a mistyped IBAN is still no phone number).
func ibanLike(v string) bool {
	return ibanShapeRe.MatchString(v) && compactIBAN(v) != ""
}

// ibanMod97 computes the ISO 13616 checksum: the first four characters moved
// to the end, letters as 10..35, the whole number mod 97.
func ibanMod97(iban string) int {
	if len(iban) < 5 {
		return -1
	}
	r := iban[4:] + iban[:4]
	m := 0
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch {
		case isDigit(c):
			m = (m*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			m = (m*100 + int(c-'A'+10)) % 97
		default:
			return -1
		}
	}
	return m
}

// findPhones finds phone numbers. Digits of a run shaped as an IBAN or a
// card number (valid or not: a typo does not make it a phone number) are
// never taken: an IBAN or a card is never cut into a phone number.
func findPhones(s string) [][2]int {
	cands := matchesIn(s, phoneCandRe, runs(s, phoneChars, digitsAtLeast(phoneMinDigits)))
	if len(cands) == 0 {
		return nil
	}
	blocked := append(findIBANLike(s), findCardLike(s)...)
	return findGrouped(s, cands, digitsRe, 8, extendPhone, func(start, end int) bool {
		for _, b := range blocked {
			if start < b[1] && b[0] < end {
				return false
			}
		}
		return validPhone(s[start:end])
	})
}

// extendPhone takes in the parentheses around the first or last digit
// group, and a "+" before the first.
func extendPhone(s string, start, end int) (int, int) {
	k := start
	for k < len(s) && isDigit(s[k]) {
		k++
	}
	// The parentheses of a group are taken in only when another group
	// follows or precedes: "(0612345678)" is a number in brackets.
	if start > 0 && s[start-1] == '(' && k < end && s[k] == ')' {
		start--
	}
	if start > 0 && s[start-1] == '+' {
		start--
	}
	k = end
	for k > 0 && isDigit(s[k-1]) {
		k--
	}
	if k > start && s[k-1] == '(' && end < len(s) && s[end] == ')' {
		end++
	}
	return start, end
}

type phoneGroup struct {
	digits string
	paren  bool
}

// parsePhone splits v into digit groups. It reports false when the
// separators are not phone-like: more than one of space, dash or dot between
// groups, or unbalanced parentheses.
func parsePhone(v string) (groups []phoneGroup, plus bool, ok bool) {
	i := 0
	if strings.HasPrefix(v, "+") {
		plus = true
		i++
	}
	for i < len(v) {
		// separator
		sep := 0
		for i < len(v) && strings.IndexByte(" -.", v[i]) >= 0 {
			sep++
			i++
		}
		if sep > 1 || (len(groups) == 0 && sep > 0) {
			return nil, false, false
		}
		paren := false
		if i < len(v) && v[i] == '(' {
			paren = true
			i++
		}
		j := i
		for j < len(v) && isDigit(v[j]) {
			j++
		}
		if j == i {
			return nil, false, false
		}
		g := phoneGroup{digits: v[i:j], paren: paren}
		i = j
		if paren {
			if i >= len(v) || v[i] != ')' {
				return nil, false, false
			}
			i++
		}
		if len(groups) > 0 && sep == 0 && !paren && !groups[len(groups)-1].paren {
			return nil, false, false
		}
		groups = append(groups, g)
	}
	return groups, plus, len(groups) > 0
}

// validPhone reports whether v, a candidate found by findPhones, reads as a
// phone number: international (after + or 00), national with a trunk
// prefix 0, or North American 3-3-4. The checks are strict so that ids,
// amounts and dates are not taken for phone numbers.
func validPhone(v string) bool {
	groups, plus, ok := parsePhone(v)
	if !ok {
		return false
	}
	var all strings.Builder
	for _, g := range groups {
		all.WriteString(g.digits)
	}
	d := all.String()
	n := len(d)
	switch {
	case plus:
		return d[0] != '0' && n >= 8 && n <= 15
	case strings.HasPrefix(d, "00"):
		return validIDDPhone(d, len(groups))
	}
	if n < 8 || n > 15 || dateStartRe.MatchString(v) {
		return false
	}
	if d[0] == '0' {
		return validTrunkPhone(groups, d)
	}
	return validNorthAmericanPhone(groups)
}

// validIDDPhone checks a number dialled with the international prefix 00
// (its digits d, in groups groups): a country code follows, and an
// ungrouped number must be long enough not to be any other digit run.
func validIDDPhone(d string, groups int) bool {
	n := len(d)
	if len(d) < 3 || d[2] == '0' || n-2 < 8 || n-2 > 15 {
		return false
	}
	return groups > 1 || n >= 12
}

// validTrunkPhone checks a national number written with the trunk prefix
// 0 (its digits d): ungrouped, it has 10 or 11 digits; grouped, no group
// after the first is a lone digit unless in parentheses.
func validTrunkPhone(groups []phoneGroup, d string) bool {
	if d[1] == '0' || len(groups[0].digits) < 2 {
		return false
	}
	if len(groups) == 1 {
		return len(d) == 10 || len(d) == 11
	}
	for _, g := range groups[1:] {
		if len(g.digits) < 2 && !g.paren {
			return false
		}
	}
	return true
}

// validNorthAmericanPhone checks the 3-3-4 form, optionally after a
// country code 1; the area code does not start with 0 or 1.
func validNorthAmericanPhone(groups []phoneGroup) bool {
	if len(groups) == 4 && groups[0].digits == "1" && !groups[0].paren {
		groups = groups[1:]
	}
	if len(groups) != 3 {
		return false
	}
	a, x, l := groups[0].digits, groups[1].digits, groups[2].digits
	return len(a) == 3 && len(x) == 3 && len(l) == 4 &&
		a[0] >= '2' && !groups[1].paren && !groups[2].paren
}
