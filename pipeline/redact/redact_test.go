package redact

import (
	"fmt"
	"math/rand"
	"os"
	"strings"
	"sync"
	"testing"
)

func mustNew(t testing.TB, cfg Config) *Redactor {
	t.Helper()
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// detected returns the values one detector finds in text.
func detected(t *testing.T, det, text string) []string {
	t.Helper()
	r := mustNew(t, Config{Detectors: []string{det}})
	var got []string
	for _, d := range r.detectors {
		for _, m := range d.find(text) {
			got = append(got, text[m[0]:m[1]])
		}
	}
	return got
}

type detCase struct {
	text string
	want []string // nil: nothing detected
}

func runDetector(t *testing.T, det string, cases []detCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			got := detected(t, det, c.text)
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("%s(%q) = %q, want %q", det, c.text, got, c.want)
			}
		})
	}
}

func TestEmail(t *testing.T) {
	runDetector(t, "email", []detCase{
		{"write to jane.doe@example.com please", []string{"jane.doe@example.com"}},
		{"<john+tag@mail.example.co.uk>", []string{"john+tag@mail.example.co.uk"}},
		{"a@b.cd and x_y@sub-domain.org.", []string{"a@b.cd", "x_y@sub-domain.org"}},
		{"UPPER@EXAMPLE.COM", []string{"UPPER@EXAMPLE.COM"}},
		{"a@b", nil},
		{"user@localhost", nil},
		{"@example.com", nil},
		{"price 5@3.50", nil},
		{"no address here", nil},
	})
}

func TestCard(t *testing.T) {
	runDetector(t, "card", []detCase{
		{"card 4111 1111 1111 1111 exp 12/27", []string{"4111 1111 1111 1111"}},
		{"4111111111111111", []string{"4111111111111111"}},
		{"MC 5555-5555-5555-4444.", []string{"5555-5555-5555-4444"}},
		{"amex 378282246310005", []string{"378282246310005"}},
		{"discover 6011 1111 1111 1117", []string{"6011 1111 1111 1117"}},
		{"new MC 2223003122003222", []string{"2223003122003222"}},
		{"invalid luhn 4111 1111 1111 1112", nil},
		{"invalid 5555555555554445", nil},
		{"prefix 1 not a card 1234567812345670", nil},
		{"prefix 7 not a card 7111111111111111", nil},
		{"too short 411111111111", nil},
		{"glued 4111111111111111X", nil},
		{"inside a longer run 44111111111111111", nil},
		{"double  spaces 4111  1111  1111  1111", nil},
		{"4111 1111 1111 1111 12 items", []string{"4111 1111 1111 1111"}},
	})
}

func TestIBAN(t *testing.T) {
	runDetector(t, "iban", []detCase{
		{"pay to GB82 WEST 1234 5698 7654 32 today", []string{"GB82 WEST 1234 5698 7654 32"}},
		{"DE89 3704 0044 0532 0130 00", []string{"DE89 3704 0044 0532 0130 00"}},
		{"DE89370400440532013000", []string{"DE89370400440532013000"}},
		{"FR14 2004 1010 0505 0001 3M02 606", []string{"FR14 2004 1010 0505 0001 3M02 606"}},
		{"NL91ABNA0417164300.", []string{"NL91ABNA0417164300"}},
		{"GB82 WEST 1234 5698 7654 32 1234", []string{"GB82 WEST 1234 5698 7654 32"}},
		{"bad checksum GB82 WEST 1234 5698 7654 33", nil},
		{"bad checksum DE89 3704 0044 0532 0130 01", nil},
		{"GB00 WEST 1234 5698 7654 32", nil},
		{"lower gb82 west 1234 5698 7654 32", []string{"gb82 west 1234 5698 7654 32"}},
		{"fr14 2004 1010 0505 0001 3m02 606", []string{"fr14 2004 1010 0505 0001 3m02 606"}},
		{"Fr14-2004-1010-0505-0001-3M02-606", []string{"Fr14-2004-1010-0505-0001-3M02-606"}},
		{"FR14.2004.1010.0505.0001.3M02.606", []string{"FR14.2004.1010.0505.0001.3M02.606"}},
		{"fr1420041010050500013m02606", []string{"fr1420041010050500013m02606"}},
		{"mixed separators FR14 2004-1010 0505 0001 3M02 606", nil},
		{"short GB82 WEST", nil},
		{"XGB82WEST12345698765432", nil},
	})
}

func TestPhone(t *testing.T) {
	runDetector(t, "phone", []detCase{
		{"call +44 20 7946 0958 now", []string{"+44 20 7946 0958"}},
		{"+44 (0)20 7946 0958", []string{"+44 (0)20 7946 0958"}},
		{"+33612345678", []string{"+33612345678"}},
		{"+1 (555) 123-4567", []string{"+1 (555) 123-4567"}},
		{"0044 20 7946 0958", []string{"0044 20 7946 0958"}},
		{"020 7946 0958", []string{"020 7946 0958"}},
		{"06 12 34 56 78", []string{"06 12 34 56 78"}},
		{"06.12.34.56.78", []string{"06.12.34.56.78"}},
		{"0612345678", []string{"0612345678"}},
		{"030-1234567", []string{"030-1234567"}},
		{"(555) 123-4567", []string{"(555) 123-4567"}},
		{"555.123.4567", []string{"555.123.4567"}},
		{"1-800-555-1234", []string{"1-800-555-1234"}},
		{"(call 555-123-4567)", []string{"555-123-4567"}},
		{"2024-01-15 then 0612345678", []string{"0612345678"}},
		// negatives
		{"on 2024-01-15 10:30", nil},
		{"on 01.02.2024", nil},
		{"on 01.02.2024 10:30", nil},
		{"15.01.2024", nil},
		{"amount 1,234.56", nil},
		{"amount 1.234.567,89 EUR", nil},
		{"amount 12.345.678,90", nil},
		{"€ 1 234 567.89", nil},
		{"order 12345678", nil},
		{"order #123456789", nil},
		{"ORD-2024-000123", nil},
		{"ref 0012345678", nil},
		{"time 10:30:15", nil},
		{"pi 3.14159265", nil},
		{"0.123456789", nil},
		{"+0 123 456 789", nil},
		{"+44 20", nil},
		{"0612345678901234", nil},
		{"06  12  34  56  78", nil},
		{"123-456-7890", nil},
		{"ID A0612345678", nil},
		// never a piece of an IBAN or a card number, valid or not
		{"fr14 2004 1010 0505 0001 3m02 606", nil},
		{"FR15 2004 1010 0505 0001 3M02 606", nil},
		{"4111 1111 1111 1112", nil},
		{"4111-1111-1111-1112", nil},
	})
}

func TestNewErrors(t *testing.T) {
	cases := []struct {
		cfg  Config
		want string
	}{
		{Config{Detectors: []string{"email", "ssn"}}, `unknown detector "ssn"`},
		{Config{Patterns: []Pattern{{Name: "customer", Regex: `C\d+`}}}, `name "customer"`},
		{Config{Patterns: []Pattern{{Name: "CUSTOMER_ID", Regex: `C(\d+`}}}, `pattern CUSTOMER_ID: regex "C(\\d+"`},
		{Config{Patterns: []Pattern{{Name: "EMAIL", Regex: `x`}}}, `"EMAIL" is already used`},
		{Config{Patterns: []Pattern{{Name: "X", Regex: ``}}}, `empty regex`},
	}
	for _, c := range cases {
		_, err := New(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) = %v, want error containing %q", c.cfg, err, c.want)
		}
	}
	if got := Detectors(); strings.Join(got, ",") != "card,iban,email,phone" {
		t.Errorf("Detectors() = %v", got)
	}
}

func TestSessionTokens(t *testing.T) {
	r := mustNew(t, Config{Patterns: []Pattern{{Name: "CUSTOMER_ID", Regex: `\bC\d{6}\b`}}})
	s := r.Session()
	in := "From jane@example.com (customer C123456), card 4111 1111 1111 1111; cc bob@example.org and jane@example.com. " +
		"Phone +44 20 7946 0958, IBAN GB82 WEST 1234 5698 7654 32."
	got := s.Redact(in)
	want := "From <EMAIL_1> (customer <CUSTOMER_ID_1>), card <CARD_1>; cc <EMAIL_2> and <EMAIL_1>. " +
		"Phone <PHONE_1>, IBAN <IBAN_1>."
	if got != want {
		t.Fatalf("Redact:\n got %q\nwant %q", got, want)
	}
	// Same session, a second text: tokens are stable, numbering continues.
	got2 := s.Redact("Reply to bob@example.org, cc new@example.net")
	if got2 != "Reply to <EMAIL_2>, cc <EMAIL_3>" {
		t.Errorf("second Redact = %q", got2)
	}
	if back := s.Restore(got); back != in {
		t.Errorf("Restore = %q", back)
	}
	if back := s.Restore("The answer is <EMAIL_2>; <EMAIL_9> and <PHONE_1> and <other>"); back != "The answer is bob@example.org; <EMAIL_9> and +44 20 7946 0958 and <other>" {
		t.Errorf("Restore answer = %q", back)
	}
	// A new session starts numbering again and knows nothing of the old tokens.
	s2 := r.Session()
	if got := s2.Redact("bob@example.org"); got != "<EMAIL_1>" {
		t.Errorf("new session = %q", got)
	}
	if got := s2.Restore("<EMAIL_2>"); got != "<EMAIL_2>" {
		t.Errorf("new session restores a foreign token: %q", got)
	}
	counts := r.Counts()
	wantCounts := map[string]int{"EMAIL": 6, "CUSTOMER_ID": 1, "CARD": 1, "PHONE": 1, "IBAN": 1}
	if fmt.Sprint(counts) != fmt.Sprint(wantCounts) {
		t.Errorf("Counts() = %v, want %v", counts, wantCounts)
	}
	counts["EMAIL"] = 100 // a copy
	if r.Counts()["EMAIL"] != 6 {
		t.Error("Counts returned the internal map")
	}
}

func TestOrderCardBeforePhone(t *testing.T) {
	r := mustNew(t, Config{})
	s := r.Session()
	// 4111 1111 1111 1111 has phone structure too: the card wins.
	if got := s.Redact("4111 1111 1111 1111"); got != "<CARD_1>" {
		t.Errorf("got %q", got)
	}
	// A custom pattern never rewrites a token or a value already claimed.
	r = mustNew(t, Config{Patterns: []Pattern{{Name: "NUM", Regex: `\d+`}}})
	s = r.Session()
	if got := s.Redact("card 4111111111111111 and 42"); got != "card <CARD_1> and <NUM_1>" {
		t.Errorf("got %q", got)
	}
}

func TestSelectedDetectors(t *testing.T) {
	r := mustNew(t, Config{Detectors: []string{"email"}})
	s := r.Session()
	in := "jane@example.com +44 20 7946 0958 4111 1111 1111 1111"
	if got := s.Redact(in); got != "<EMAIL_1> +44 20 7946 0958 4111 1111 1111 1111" {
		t.Errorf("got %q", got)
	}
	none := mustNew(t, Config{Detectors: []string{}})
	if got := none.Session().Redact(in); got != in {
		t.Errorf("no detectors changed the text: %q", got)
	}
}

// TestRoundTrip checks Restore(Redact(x)) == x over many generated texts.
func TestRoundTrip(t *testing.T) {
	r := mustNew(t, Config{Patterns: []Pattern{{Name: "CUSTOMER_ID", Regex: `C\d{6}`}}})
	pieces := []string{
		"jane@example.com", "bob.smith+x@mail.example.org", "4111 1111 1111 1111", "5555555555554444",
		"GB82 WEST 1234 5698 7654 32", "DE89370400440532013000", "+44 20 7946 0958", "(555) 123-4567",
		"06 12 34 56 78", "C123456", "2024-01-15", "1,234.56", "order 12345678", "hello", "ünïcödé", "€",
		" ", ", ", ".", "\n", "<", ">", "a@b", "<EMAIL>", "$1", "(", ")", "-", "+", "0", "42",
	}
	seps := []string{" ", ", ", "\n", "; "}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 1000; i++ {
		var b strings.Builder
		for n := rng.Intn(12); n >= 0; n-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
			b.WriteString(seps[rng.Intn(len(seps))])
		}
		in := b.String()
		s := r.Session()
		red := s.Redact(in)
		for _, secret := range []string{"jane@example.com", "4111 1111 1111 1111", "GB82 WEST 1234 5698 7654 32", "C123456"} {
			if strings.Contains(red, secret) {
				t.Fatalf("Redact(%q) = %q still contains %q", in, red, secret)
			}
		}
		if back := s.Restore(red); back != in {
			t.Fatalf("Restore(Redact(%q)) = %q (redacted %q)", in, back, red)
		}
	}
}

func TestConcurrent(t *testing.T) {
	r := mustNew(t, Config{})
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				s := r.Session()
				in := fmt.Sprintf("user%d@example.com and user%d@example.com", i, i+1)
				red := s.Redact(in)
				if red != "<EMAIL_1> and <EMAIL_2>" {
					t.Errorf("got %q", red)
					return
				}
				if s.Restore(red) != in {
					t.Errorf("restore failed")
					return
				}
				_ = r.Counts()
			}
		}()
	}
	// One session shared by goroutines keeps its tokens consistent.
	shared := r.Session()
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				if got := shared.Restore(shared.Redact("x@example.com")); got != "x@example.com" {
					t.Errorf("shared session: %q", got)
					return
				}
			}
		}()
	}
	wg.Wait()
	if got := r.Counts()["EMAIL"]; got != 8*100*2+4*50 {
		t.Errorf("EMAIL count = %d", got)
	}
}

// BenchmarkRedact pseudonymises: dense, a text full of values; ticket, a
// support ticket of 200 bytes with an order number and no personal data
// (most of the shipped example's); prompt, the shipped 1.9 KB triage
// system prompt, which holds none.
func BenchmarkRedact(b *testing.B) {
	r, _ := New(Config{})
	prompt, err := os.ReadFile("../../experiments/prompts/triage-system.txt")
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct{ name, text string }{
		{"dense", strings.Repeat("Customer jane@example.com paid 1,234.56 with 4111 1111 1111 1111 on 2024-01-15; call +44 20 7946 0958. ", 10)},
		{"ticket", "Subject: Where is my order?\n\nHello,\n\nI ordered the outdoor camera two weeks ago (order #2026-118734) and the tracking page still says label created. Can you check with the courier?\n\nThanks,\nMaria"},
		{"prompt", string(prompt)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r.Session().Redact(tc.text)
			}
		})
	}
}
