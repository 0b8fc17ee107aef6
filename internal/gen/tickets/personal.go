package tickets

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// ibanCountries are the countries whose IBAN layout makeIBAN knows.
var ibanCountries = []string{"DE", "FR", "NL", "GB", "IE", "AT"}

// makeIBAN returns an IBAN of country with random account details and valid
// mod-97 check digits, grouped in fours with spaces when grouped is set.
func makeIBAN(r *rand.Rand, country string, grouped bool) string {
	var bban string
	switch country {
	case "DE": // 8-digit bank code, 10-digit account
		bban = digits(r, 8) + digits(r, 10)
	case "AT": // 5-digit bank code, 11-digit account
		bban = digits(r, 5) + digits(r, 11)
	case "NL": // 4-letter bank, 10-digit account
		bban = []string{"ABNA", "INGB", "RABO", "TRIO", "SNSB"}[r.IntN(5)] + digits(r, 10)
	case "GB": // 4-letter bank, 6-digit sort code, 8-digit account
		bban = []string{"NWBK", "BARC", "LOYD", "HBUK", "MIDL"}[r.IntN(5)] + digits(r, 14)
	case "IE":
		bban = []string{"AIBK", "BOFI", "IPBS"}[r.IntN(3)] + digits(r, 14)
	case "FR": // bank, branch, account, and the RIB key
		bank, branch, account := digits(r, 5), digits(r, 5), digits(r, 11)
		bban = bank + branch + account + ribKey(bank, branch, account)
	default:
		panic("tickets: no IBAN layout for " + country)
	}
	check := 98 - mod97(bban+country+"00")
	iban := fmt.Sprintf("%s%02d%s", country, check, bban)
	if !grouped {
		return iban
	}
	var b strings.Builder
	for i := 0; i < len(iban); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(iban[i:min(i+4, len(iban))])
	}
	return b.String()
}

// ValidIBAN reports whether s (spaces allowed) is an IBAN whose check digits
// are right: moved to the end with letters as numbers, it is 1 modulo 97.
func ValidIBAN(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		isDigit, isUpper := c >= '0' && c <= '9', c >= 'A' && c <= 'Z'
		if (i < 2 && !isUpper) || (i >= 2 && i < 4 && !isDigit) || (!isDigit && !isUpper) {
			return false
		}
	}
	return mod97(s[4:]+s[:4]) == 1
}

// mod97 returns the remainder modulo 97 of s read as a number, letters
// standing for 10 (A) to 35 (Z).
func mod97(s string) int {
	m := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			v := int(c-'A') + 10
			m = (m*100 + v) % 97
		} else {
			m = (m*10 + int(c-'0')) % 97
		}
	}
	return m
}

// ribKey is the French national check number of a numeric bank, branch and
// account.
func ribKey(bank, branch, account string) string {
	return fmt.Sprintf("%02d", 97-(89*mod97(bank)+15*mod97(branch)+3*mod97(account))%97)
}

// makeCard returns a 16-digit Visa or Mastercard number with a valid Luhn
// check digit, written in groups separated by sep ("" for none).
func makeCard(r *rand.Rand, sep string) string {
	prefix := "4"
	if r.IntN(2) == 0 {
		prefix = fmt.Sprintf("5%d", 1+r.IntN(5))
	}
	body := prefix + digits(r, 15-len(prefix))
	pan := body + string(rune('0'+luhnDigit(body)))
	return pan[:4] + sep + pan[4:8] + sep + pan[8:12] + sep + pan[12:]
}

// luhnDigit returns the check digit that makes body+digit pass Luhn.
func luhnDigit(body string) int {
	sum := 0
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if (len(body)-1-i)%2 == 0 { // doubled: the check digit will sit to its right
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return (10 - sum%10) % 10
}

// ValidLuhn reports whether s (spaces and dashes allowed) is a 12 to 19
// digit number passing the Luhn check.
func ValidLuhn(s string) bool {
	s = strings.NewReplacer(" ", "", "-", "").Replace(s)
	if len(s) < 12 || len(s) > 19 {
		return false
	}
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if (len(s)-1-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// makePhone returns a mobile number in a form usual for the language.
func makePhone(r *rand.Rand, lang int) string {
	switch lang {
	case langDE:
		if r.IntN(2) == 0 {
			return fmt.Sprintf("+49 15%d %s", r.IntN(10), digits(r, 8))
		}
		return fmt.Sprintf("017%d %s", r.IntN(10), digits(r, 7))
	case langFR:
		return fmt.Sprintf("+33 6 %s %s %s %s", digits(r, 2), digits(r, 2), digits(r, 2), digits(r, 2))
	}
	switch r.IntN(3) {
	case 0:
		return fmt.Sprintf("+44 7%s %s", digits(r, 3), digits(r, 6))
	case 1:
		return fmt.Sprintf("07%s %s", digits(r, 3), digits(r, 6))
	default:
		return fmt.Sprintf("+353 8%d %s %s", 3+r.IntN(5), digits(r, 3), digits(r, 4))
	}
}

// makeEmail returns an address built from the customer's name.
func makeEmail(r *rand.Rand, first, last string, lang int, enterprise bool) string {
	f, l := asciiLower(first), asciiLower(last)
	var local string
	switch r.IntN(5) {
	case 0:
		local = f + "." + l
	case 1:
		local = f[:1] + "." + l
	case 2:
		local = f + l + digits(r, 2)
	case 3:
		local = f + "_" + l
	default:
		local = l + "." + f + fmt.Sprint(1960+r.IntN(45))
	}
	if enterprise && r.IntN(3) > 0 {
		return local + "@" + companyDomains[r.IntN(len(companyDomains))]
	}
	doms := mailDomains[lang]
	return local + "@" + doms[r.IntN(len(doms))]
}

// asciiLower folds a name to the lowercase ASCII an address would use.
func asciiLower(s string) string {
	s = strings.NewReplacer("ü", "ue", "ö", "oe", "ä", "ae", "ß", "ss", "é", "e", "è", "e", "ï", "i", "'", "").Replace(s)
	return strings.ToLower(s)
}

// digits returns n random decimal digits.
func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}
