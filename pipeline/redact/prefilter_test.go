package redact

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// The detectors as they were before their prefilters: every candidate
// expression over the whole text. TestPrefiltersFindTheSame holds the
// detectors to them.

func allMatches(re *regexp.Regexp, s string) [][2]int {
	var out [][2]int
	for _, m := range re.FindAllStringIndex(s, -1) {
		out = append(out, [2]int{m[0], m[1]})
	}
	return out
}

func refEmails(s string) [][2]int {
	var out [][2]int
	for _, m := range allMatches(emailRe, s) {
		start := m[0]
		for start < m[1] && s[start] == '.' {
			start++
		}
		if start < m[1] && s[start] != '@' {
			out = append(out, [2]int{start, m[1]})
		}
	}
	return out
}

func refIBANs(s string) [][2]int {
	return findGrouped(s, allMatches(ibanCandRe, s), alnumRe, 9, nil, func(start, end int) bool { return validIBAN(s[start:end]) })
}

func refCards(s string) [][2]int {
	ibans := refIBANs(s)
	return findGrouped(s, allMatches(cardCandRe, s), digitsRe, 19, nil, func(start, end int) bool {
		for _, b := range ibans {
			if start < b[1] && b[0] < end {
				return false
			}
		}
		return validCard(s[start:end])
	})
}

func refPhones(s string) [][2]int {
	blocked := findGrouped(s, allMatches(ibanCandRe, s), alnumRe, 9, nil, func(start, end int) bool { return ibanLike(s[start:end]) })
	blocked = append(blocked, findGrouped(s, allMatches(cardCandRe, s), digitsRe, 19, nil, func(start, end int) bool {
		return cardLikeRe.MatchString(s[start:end])
	})...)
	return findGrouped(s, allMatches(phoneCandRe, s), digitsRe, 8, extendPhone, func(start, end int) bool {
		for _, b := range blocked {
			if start < b[1] && b[0] < end {
				return false
			}
		}
		return validPhone(s[start:end])
	})
}

// prefilterTexts are the texts the detectors are compared on: every format
// of every value in every context, the detectors' own test sentences, and
// seeded random texts dense in digits, separators, letters and "@".
func prefilterTexts() []string {
	var texts []string
	for _, f := range allFormats() {
		for _, ctx := range contexts {
			texts = append(texts, fmt.Sprintf(ctx, f.value))
		}
	}
	texts = append(texts,
		"Customer jane@example.com paid 1,234.56 with 4111 1111 1111 1111 on 2024-01-15; call +44 20 7946 0958.",
		"IBAN DE89 3704 0044 0532 0130 00 and card 4111-1111-1111-1111, phone (555) 123-4567 or 0612345678",
		"order 12345678901234, ref AB12CD34EF56GH78, tel. 06 12 34 56 78, mail x.y@z.co",
		"", "@", "12345678", "+(", "1234567890123", "ab12", "AB12 3456 7890 1234 56",
	)
	rng := rand.New(rand.NewPCG(14, 14))
	const alphabet = "0123456789012345678901234567890123456789 -.()+@ab.cdXYZ_%,/\n«é"
	for range 20000 {
		var b strings.Builder
		for range 1 + rng.IntN(60) {
			b.WriteByte(alphabet[rng.IntN(len(alphabet))])
		}
		texts = append(texts, b.String())
	}
	// Values glued to random neighbours.
	formats := allFormats()
	for range 5000 {
		f := formats[rng.IntN(len(formats))]
		texts = append(texts, string(alphabet[rng.IntN(len(alphabet))])+f.value+string(alphabet[rng.IntN(len(alphabet))]))
	}
	return texts
}

func TestPrefiltersFindTheSame(t *testing.T) {
	detectors := []struct {
		name      string
		got, want finder
	}{
		{"email", findEmails, refEmails},
		{"iban", findIBANs, refIBANs},
		{"card", findCards, refCards},
		{"phone", findPhones, refPhones},
	}
	found := map[string]int{}
	for _, text := range prefilterTexts() {
		for _, d := range detectors {
			got, want := d.got(text), d.want(text)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s(%q) = %v, want %v (without the prefilter)", d.name, text, got, want)
			}
			found[d.name] += len(want)
		}
	}
	// The comparison means something only if every detector found values.
	for _, d := range detectors {
		if found[d.name] < 50 {
			t.Errorf("%s: only %d values found in the texts compared", d.name, found[d.name])
		}
	}
}
