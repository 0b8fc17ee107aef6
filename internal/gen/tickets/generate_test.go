package tickets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// shippedFile is the committed example, relative to this package's folder.
const shippedFile = "../../../experiments/data/support-tickets.jsonl"

const regenerate = "regenerate it from the repository root with: go run ./cmd/gendata -dataset tickets -out experiments/data/support-tickets.jsonl"

func TestShippedFileIsReproducible(t *testing.T) {
	want, err := os.ReadFile(shippedFile)
	if err != nil {
		t.Fatalf("read shipped example: %v; %s", err, regenerate)
	}
	path := filepath.Join(t.TempDir(), "support-tickets.jsonl")
	if err := WriteJSONL(path, Generate(DefaultN, DefaultSeed)); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		line := bytes.Count(want[:i], []byte("\n")) + 1
		t.Fatalf("%s differs from Generate(DefaultN, DefaultSeed) from byte %d (line %d; %d bytes generated, %d shipped); "+
			"if the generator changed on purpose, %s", shippedFile, i, line, len(got), len(want), regenerate)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	tests := []struct {
		name         string
		n            int
		seedA, seedB uint64
		wantEqual    bool
	}{
		{"same seed", 500, 11, 11, true},
		{"other seed", 500, 11, 12, false},
		{"tiny", 2, 1, 1, true},
		{"empty", 0, 1, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := Generate(tt.n, tt.seedA), Generate(tt.n, tt.seedB)
			if len(a) != tt.n || len(b) != tt.n {
				t.Fatalf("lengths %d and %d, want %d", len(a), len(b), tt.n)
			}
			if eq := reflect.DeepEqual(a, b); eq != tt.wantEqual {
				t.Fatalf("equal = %v, want %v", eq, tt.wantEqual)
			}
		})
	}
}

func TestWriteJSONL(t *testing.T) {
	ts := Generate(300, 5)
	dir := t.TempDir()
	var files [2][]byte
	for i := range files {
		path := filepath.Join(dir, fmt.Sprintf("run%d.jsonl", i))
		if err := WriteJSONL(path, ts); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files[i] = b
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Fatal("two writes of the same tickets differ")
	}
	lines := bytes.Split(bytes.TrimSuffix(files[0], []byte("\n")), []byte("\n"))
	if len(lines) != len(ts) {
		t.Fatalf("%d lines, want %d", len(lines), len(ts))
	}
	wantKeys := `{"ticket_id":` // and the rest in a fixed order, checked below
	keyOrder := []string{"ticket_id", "created_at", "channel", "language", "customer_tier", "subject", "body",
		"queue", "agent_queue", "agent_minutes", "urgent"}
	for i, line := range lines {
		if !bytes.HasPrefix(line, []byte(wantKeys)) {
			t.Fatalf("line %d does not start with %s", i+1, wantKeys)
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		if _, err := dec.Token(); err != nil {
			t.Fatal(err)
		}
		for k := 0; dec.More(); k++ {
			tok, err := dec.Token()
			if err != nil {
				t.Fatal(err)
			}
			if k >= len(keyOrder) || tok != keyOrder[k] {
				t.Fatalf("line %d: key %d is %v, want order %v", i+1, k+1, tok, keyOrder)
			}
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
		}
		var back Ticket
		if err := json.Unmarshal(line, &back); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		want := ts[i]
		want.sentences, want.second, want.personal = 0, 0, nil
		if !reflect.DeepEqual(back, want) {
			t.Fatalf("line %d reads back as %+v, want %+v", i+1, back, want)
		}
	}
	if err := WriteJSONL(filepath.Join(dir, "missing", "x.jsonl"), ts); err == nil {
		t.Fatal("writing into a missing folder succeeded")
	}
}

// keywordRules mirrors the keyword-rules baseline of
// experiments/support-triage.yaml: first match over subject and body wins.
var keywordRules = []struct {
	re    *regexp.Regexp
	queue string
}{
	{regexp.MustCompile(`(?i)cancel|unsubscribe|terminate|end my contract|close my account`), "cancellation"},
	{regexp.MustCompile(`(?i)refund|invoice|charge|payment|billing|paid|price|receipt`), "billing"},
	{regexp.MustCompile(`(?i)deliver|shipping|shipped|parcel|package|tracking|courier|order #`), "shipping"},
	{regexp.MustCompile(`(?i)password|log ?in|sign ?in|account|e-?mail address|two-factor|2fa|locked out`), "account"},
}

func keywordQueue(tk Ticket) string {
	text := tk.Subject + "\n" + tk.Body
	for _, r := range keywordRules {
		if r.re.MatchString(text) {
			return r.queue
		}
	}
	return "technical"
}

// cardPattern finds 16-digit numbers written in fours, as cards are.
var cardPattern = regexp.MustCompile(`\b\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}\b`)

// ibanPattern finds IBAN-like strings, grouped or not.
var ibanPattern = regexp.MustCompile(`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b`)

func TestPlausibility(t *testing.T) {
	ts := Generate(DefaultN, DefaultSeed)
	first, end := windowStart, windowEnd

	queues := map[string]int{}
	channelsSeen := map[string]int{}
	langs := map[string]int{}
	var agree, keyword, withPersonal, ambiguous, urgent int
	var ambiguousKeyword, ambiguousAgents int
	kinds := map[string]int{}
	weekday := make([]int, 7)
	seen := map[string]bool{}
	var prev time.Time
	for i, tk := range ts {
		if want := fmt.Sprintf("TCK-%05d", i+1); tk.TicketID != want {
			t.Errorf("ticket %d: id %s, want %s", i+1, tk.TicketID, want)
		}
		if seen[tk.TicketID] {
			t.Errorf("%s: duplicate", tk.TicketID)
		}
		seen[tk.TicketID] = true
		at, err := time.Parse(time.RFC3339, tk.CreatedAt)
		if err != nil || at.Location() != time.UTC || !strings.HasSuffix(tk.CreatedAt, "Z") {
			t.Errorf("%s: created_at %q is not RFC 3339 UTC: %v", tk.TicketID, tk.CreatedAt, err)
		}
		if at.Before(first) || !at.Before(end) {
			t.Errorf("%s: created_at %s outside the first quarter of 2026", tk.TicketID, at)
		}
		if at.Before(prev) {
			t.Errorf("%s: not in time order", tk.TicketID)
		}
		prev = at
		weekday[at.Weekday()]++
		if tk.sentences < 2 || tk.sentences > 6 {
			t.Errorf("%s: %d sentences, want 2 to 6:\n%s", tk.TicketID, tk.sentences, tk.Body)
		}
		if tk.Subject == "" || tk.Body == "" || tk.AgentMinutes <= 0 {
			t.Errorf("%s: implausible %+v", tk.TicketID, tk)
		}
		if !oneOfStrings(tk.Queue, Queues) || !oneOfStrings(tk.AgentQueue, Queues) ||
			!oneOfStrings(tk.Channel, channels) || !oneOfStrings(tk.CustomerTier, tiers) ||
			!oneOfStrings(tk.Language, languages) {
			t.Errorf("%s: a value outside its set: %+v", tk.TicketID, tk)
		}
		queues[tk.Queue]++
		channelsSeen[tk.Channel]++
		langs[tk.Language]++
		if tk.AgentQueue == tk.Queue {
			agree++
		}
		kq := keywordQueue(tk)
		if kq == tk.Queue {
			keyword++
		}
		if tk.second >= 0 {
			ambiguous++
			if kq == tk.Queue {
				ambiguousKeyword++
			}
			if tk.AgentQueue == tk.Queue {
				ambiguousAgents++
			}
		}
		if tk.Urgent {
			urgent++
		}
		if len(tk.personal) > 0 {
			withPersonal++
		}
		for _, p := range tk.personal {
			kinds[p.kind]++
			if !strings.Contains(tk.Body, p.value) {
				t.Errorf("%s: %s %q not in the body", tk.TicketID, p.kind, p.value)
			}
			switch p.kind {
			case "iban":
				if !ValidIBAN(p.value) {
					t.Errorf("%s: IBAN %q fails mod-97", tk.TicketID, p.value)
				}
			case "card":
				if !ValidLuhn(p.value) {
					t.Errorf("%s: card %q fails Luhn", tk.TicketID, p.value)
				}
			}
		}
		// Whatever in the text looks like a card or an IBAN was put there as
		// one, and passes its checksum.
		// (Grouped IBANs contain card-like runs of digits: look for cards
		// outside them, as a redactor must.)
		for _, m := range cardPattern.FindAllString(ibanPattern.ReplaceAllString(tk.Body, "<IBAN>"), -1) {
			if !ValidLuhn(m) || !hasPersonal(tk, "card", m) {
				t.Errorf("%s: card-like %q is not a generated, valid card number", tk.TicketID, m)
			}
		}
		for _, m := range ibanPattern.FindAllString(tk.Body, -1) {
			if !ValidIBAN(m) || !hasPersonal(tk, "iban", m) {
				t.Errorf("%s: IBAN-like %q is not a generated, valid IBAN", tk.TicketID, m)
			}
		}
	}
	n := float64(len(ts))
	share := func(k int) float64 { return float64(k) / n }
	t.Logf("queues %v, channels %v, languages %v, personal data kinds %v", queues, channelsSeen, langs, kinds)
	t.Logf("agents %.3f, keyword rules %.3f; on ambiguous tickets (%.3f): agents %.3f, keyword rules %.3f; personal data %.3f; urgent %.3f",
		share(agree), share(keyword), share(ambiguous),
		float64(ambiguousAgents)/float64(ambiguous), float64(ambiguousKeyword)/float64(ambiguous),
		share(withPersonal), share(urgent))

	checks := []struct {
		name   string
		got    float64
		lo, hi float64
	}{
		{"billing share", share(queues["billing"]), 0.25, 0.38},
		{"technical share", share(queues["technical"]), 0.22, 0.34},
		{"account share", share(queues["account"]), 0.13, 0.24},
		{"shipping share", share(queues["shipping"]), 0.11, 0.22},
		{"cancellation share", share(queues["cancellation"]), 0.04, 0.12},
		{"agent agreement", share(agree), 0.80, 0.90},
		{"keyword-rule accuracy", share(keyword), 0.45, 0.78},
		{"agents ahead of keyword rules", share(agree) - share(keyword), 0.05, 1},
		{"ambiguous share", share(ambiguous), 0.12, 0.30},
		{"share with personal data", share(withPersonal), 0.10, 0.40},
		{"urgent share", share(urgent), 0.04, 0.20},
		{"non-English share", 1 - share(langs["en"]), 0.05, 0.20},
		{"phone transcript share", share(channelsSeen["phone_transcript"]), 0.05, 0.15},
		{"Monday over Sunday", float64(weekday[time.Monday]) / float64(weekday[time.Sunday]), 2, 5},
	}
	for _, c := range checks {
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s = %.4f, want within [%v, %v]", c.name, c.got, c.lo, c.hi)
		}
	}
	for _, kind := range []string{"email", "phone", "iban", "card"} {
		if kinds[kind] < 10 {
			t.Errorf("only %d tickets with a %s, want at least 10", kinds[kind], kind)
		}
	}
}

func hasPersonal(tk Ticket, kind, value string) bool {
	for _, p := range tk.personal {
		if p.kind == kind && p.value == value {
			return true
		}
	}
	return false
}

func oneOfStrings(s string, set []string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}

func TestChecksums(t *testing.T) {
	valid := []string{"DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "FR1420041010050500013M02606", "NL91ABNA0417164300"}
	for _, s := range valid {
		if !ValidIBAN(s) {
			t.Errorf("ValidIBAN(%q) = false", s)
		}
	}
	for _, s := range []string{"DE88 3704 0044 0532 0130 00", "GB82WEST1234569876543", "de89370400440532013000", "XX"} {
		if ValidIBAN(s) {
			t.Errorf("ValidIBAN(%q) = true", s)
		}
	}
	for _, s := range []string{"4111 1111 1111 1111", "5500-0000-0000-0004", "4012888888881881"} {
		if !ValidLuhn(s) {
			t.Errorf("ValidLuhn(%q) = false", s)
		}
	}
	for _, s := range []string{"4111 1111 1111 1112", "1234", "4111a11111111111"} {
		if ValidLuhn(s) {
			t.Errorf("ValidLuhn(%q) = true", s)
		}
	}
	// Many generated numbers, every country.
	r := newTestRand()
	for i := 0; i < 2000; i++ {
		c := ibanCountries[i%len(ibanCountries)]
		if s := makeIBAN(r, c, i%2 == 0); !ValidIBAN(s) || !strings.HasPrefix(s, c) {
			t.Fatalf("makeIBAN(%s) = %q, invalid", c, s)
		}
		if s := makeCard(r, []string{"", " ", "-"}[i%3]); !ValidLuhn(s) {
			t.Fatalf("makeCard = %q fails Luhn", s)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		Generate(DefaultN, DefaultSeed)
	}
}

func newTestRand() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }
