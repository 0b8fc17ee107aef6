package tickets

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

// DefaultN is the number of tickets in the shipped example file.
const DefaultN = 2000

// DefaultSeed is the seed of the shipped example file.
const DefaultSeed = 20260401

// pcgStream is the second PCG word; the seed is the first.
const pcgStream = 0x5851f42d4c957f2d

// The tickets arrive in the first quarter of 2026: [windowStart, windowEnd).
var (
	windowStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	windowEnd   = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
)

// Shares and weights of the simulated support desk.
var (
	channels       = []string{"email", "chat", "web_form", "phone_transcript"}
	channelWeights = []float64{0.38, 0.27, 0.25, 0.10}
	tiers          = []string{"free", "pro", "enterprise"}
	tierWeights    = []float64{0.55, 0.33, 0.12}
	languageWeight = []float64{0.88, 0.07, 0.05}
	// weekdayWeights: Sunday first; Mondays carry the weekend's backlog.
	weekdayWeights = []float64{0.40, 1.40, 1.15, 1.05, 1.00, 0.90, 0.45}
	// Local (CET, UTC+1) hour of arrival: e-mail and web forms around the
	// clock with evening peaks, chat and phone within opening hours (8-20).
	writtenHours = []float64{0.4, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.2, 2.8, 2.9, 2.7,
		2.4, 2.5, 2.6, 2.5, 2.3, 2.2, 2.3, 2.5, 2.6, 2.2, 1.5, 0.8}
	liveHours = []float64{0, 0, 0, 0, 0, 0, 0, 0, 2.0, 3.0, 3.2, 3.0,
		2.6, 2.8, 3.0, 2.9, 2.6, 2.3, 1.8, 1.2, 0, 0, 0, 0}
)

// Rates of the things that make routing hard.
const (
	secondTopicRate = 0.22 // tickets that mention a second queue's topic
	vagueRate       = 0.14 // subject lines that say nothing
	typoRate        = 0.16 // tickets with a typo or two (chat: twice as often)
	// Agents' routing errors: a base rate, more for an ambiguous ticket, a
	// phone transcript, or a Monday backlog.
	agentBaseError      = 0.09
	agentAmbiguousError = 0.24
	agentPhoneError     = 0.06
	agentMondayError    = 0.03
)

// Generate simulates n support tickets seeded by seed and returns them in
// time order. The same n and seed always give the same result.
func Generate(n int, seed uint64) []Ticket {
	if n <= 0 {
		return nil
	}
	r := rand.New(rand.NewPCG(seed, pcgStream))
	// Arrival times first, so that ids follow time order.
	type arrival struct {
		at      time.Time
		channel int
	}
	arrivals := make([]arrival, n)
	for i := range arrivals {
		c := pick(r, channelWeights)
		arrivals[i] = arrival{at: arrivalTime(r, c), channel: c}
	}
	sort.SliceStable(arrivals, func(i, j int) bool { return arrivals[i].at.Before(arrivals[j].at) })
	ts := make([]Ticket, n)
	for i, a := range arrivals {
		ts[i] = newTicket(r, i+1, a.at, a.channel)
	}
	return ts
}

// arrivalTime draws when a ticket on channel c arrives.
func arrivalTime(r *rand.Rand, c int) time.Time {
	days := int(windowEnd.Sub(windowStart).Hours() / 24)
	dayW := make([]float64, days)
	for d := range dayW {
		dayW[d] = weekdayWeights[windowStart.AddDate(0, 0, d).Weekday()]
	}
	hours := writtenHours
	if channels[c] == "chat" || channels[c] == "phone_transcript" {
		hours = liveHours
	}
	day := pick(r, dayW)
	local := pick(r, hours)
	sec := r.IntN(3600)
	// CET is UTC+1 in the first quarter.
	return windowStart.AddDate(0, 0, day).Add(time.Duration(local-1)*time.Hour + time.Duration(sec)*time.Second)
}

// queueWeightsAt returns the queue mix at a time: invoices go out on the 1st
// (billing questions in the first days of a month), post-holiday deliveries
// and returns fill early January, and renewals at the end of a month bring
// cancellations.
func queueWeightsAt(at time.Time, tier int) []float64 {
	w := append([]float64(nil), queueWeights...)
	if at.Day() <= 5 {
		w[qBilling] *= 1.5
	}
	if at.Month() == time.January && at.Day() <= 14 {
		w[qShipping] *= 1.8
	}
	if at.Day() >= 26 {
		w[qCancellation] *= 1.4
	}
	switch tiers[tier] {
	case "enterprise":
		w[qAccount] *= 1.5
		w[qTechnical] *= 1.3
		w[qShipping] *= 0.6
	case "free":
		w[qCancellation] *= 0.6 // nothing to cancel but the account
		w[qBilling] *= 0.8
	}
	return w
}

// writer holds what is known about the customer writing a ticket.
type writer struct {
	lang, tier  int
	first, last string
}

// newTicket simulates ticket number seq.
func newTicket(r *rand.Rand, seq int, at time.Time, ch int) Ticket {
	w := writer{lang: pick(r, languageWeight), tier: pick(r, tierWeights)}
	w.first = oneOf(r, firstNames[w.lang])
	w.last = oneOf(r, lastNames[w.lang])
	q := pick(r, queueWeightsAt(at, w.tier))
	channel := channels[ch]

	t := Ticket{
		TicketID:     fmt.Sprintf("TCK-%05d", seq),
		CreatedAt:    at.UTC().Format(time.RFC3339),
		Channel:      channel,
		Language:     languages[w.lang],
		CustomerTier: tiers[w.tier],
		Queue:        Queues[q],
		second:       -1,
	}
	t.Urgent = r.Float64() < urgentRate(w.tier, q)

	fill := fillers(r, at)
	sents := t.sentencesOf(r, w, q, channel, fill)
	t.sentences = len(sents)
	t.Subject = subject(r, q, channel, at, fill)
	t.Body = layout(r, sents, channel, w)

	t.AgentQueue, t.AgentMinutes = agents(r, q, t.second, channel, w.tier, at)
	return t
}

// urgentRate is the probability that a ticket is flagged urgent: it depends on
// the customer's tier and on the queue.
func urgentRate(tier, q int) float64 {
	p := 0.06
	switch tiers[tier] {
	case "enterprise":
		p += 0.12
	case "pro":
		p += 0.03
	}
	if q == qTechnical || q == qAccount {
		p += 0.05
	}
	return p
}

// content is what a ticket says before it is put in order: the main need,
// how many details of it, perhaps a second topic, personal data, a masked
// card number and a note of urgency. An empty string is a part the ticket
// does not have.
type content struct {
	opener       string
	nDetails     int
	second       string
	secondFirst  bool // the second topic comes before the main need
	personal     []string
	masked       string
	urgency      string
	urgencyFirst bool // the note of urgency opens the ticket
}

// sentencesOf simulates the sentences of the ticket in queue q, at most six in
// all, and records its second topic and personal data on t.
func (t *Ticket) sentencesOf(r *rand.Rand, w writer, q int, channel string, fill func(string) string) []string {
	c := t.drawContent(r, w, q, channel, fill)
	c.fit(t)
	text := c.mainText(r, q, fill)
	roughen(r, text, channel)
	return c.arrange(text)
}

// drawContent draws what the ticket says. Personal data is drawn here but is
// never subject to typos or case changes later: it must stay valid.
func (t *Ticket) drawContent(r *rand.Rand, w writer, q int, channel string, fill func(string) string) content {
	c := content{opener: fill(oneOf(r, openers[q]))}
	c.nDetails = detailCount(r, channel)
	if r.Float64() < secondTopicRate {
		t.second = pick(r, partners[q][:])
		c.second = fill(oneOf(r, secondTopics[t.second]))
		c.secondFirst = r.IntN(3) == 0
	}
	c.personal = t.personalData(r, w, q, channel)
	if q == qBilling && r.Float64() < 0.1 && !t.hasCard() {
		c.masked = strings.ReplaceAll(oneOf(r, maskedCards), "{last4}", digits(r, 4))
	}
	if t.Urgent && r.Float64() < 0.75 || !t.Urgent && r.Float64() < 0.03 {
		c.urgency = oneOf(r, urgencies)
		c.urgencyFirst = r.IntN(2) == 0
	}
	return c
}

// detailCount draws how many details of the main need a ticket wants to give;
// chats are terse. A chat's count replaces the first draw, which is still
// made so that the sequence of draws stays that of the shipped data.
func detailCount(r *rand.Rand, channel string) int {
	n := 1 + geometric(r, 0.45, 2)
	if channel == "chat" {
		n = 1 + geometric(r, 0.5, 1)
	}
	return n
}

// fit makes the content fit in six sentences. Rarely is there too much to
// say: it drops what matters least (the masked card, then the urgency, then
// the second topic, which it also forgets on t), then keeps only as many
// details as there is room for.
func (c *content) fit(t *Ticket) {
	fixed := 1 + len(c.personal) + nonEmpty(c.second, c.masked, c.urgency)
	if fixed > 6 && c.masked != "" {
		c.masked = ""
		fixed--
	}
	if fixed > 6 && c.urgency != "" {
		c.urgency = ""
		fixed--
	}
	if fixed > 6 && c.second != "" {
		c.second, t.second = "", -1
		fixed--
	}
	c.nDetails = max(0, min(c.nDetails, 6-fixed))
}

// mainText returns the sentences that may carry typos: the opener, the
// details of queue q drawn in random order, and the second topic before or
// after them.
func (c content) mainText(r *rand.Rand, q int, fill func(string) string) []string {
	text := []string{c.opener}
	for _, i := range r.Perm(len(details[q]))[:c.nDetails] {
		text = append(text, fill(details[q][i]))
	}
	if c.second != "" {
		if c.secondFirst {
			text = append([]string{c.second}, text...)
		} else {
			text = append(text, c.second)
		}
	}
	return text
}

// roughen puts typos into some texts, twice as often in chats, and writes
// some chats in lowercase. It changes text in place.
func roughen(r *rand.Rand, text []string, channel string) {
	typos := typoRate
	if channel == "chat" {
		typos *= 2
	}
	if r.Float64() < typos {
		for range 1 + geometric(r, 0.3, 1) {
			i := r.IntN(len(text))
			text[i] = typo(r, text[i])
		}
	}
	if channel == "chat" && r.IntN(3) == 0 {
		for i := range text {
			text[i] = strings.ToLower(text[i])
		}
	}
}

// arrange returns all the sentences in order: text, then personal data and
// the masked card, with the note of urgency first or last.
func (c content) arrange(text []string) []string {
	sents := append(text, c.personal...)
	if c.masked != "" {
		sents = append(sents, c.masked)
	}
	if c.urgency != "" {
		if c.urgencyFirst {
			sents = append([]string{c.urgency}, sents...)
		} else {
			sents = append(sents, c.urgency)
		}
	}
	return sents
}

// personalData returns the sentences carrying personal data, and records it.
func (t *Ticket) personalData(r *rand.Rand, w writer, q int, channel string) []string {
	pEmail, pPhone, pIBAN, pCard := 0.08, 0.06, 0.01, 0.008
	switch q {
	case qAccount:
		pEmail = 0.2
	case qBilling:
		pIBAN, pCard = 0.07, 0.06
	case qCancellation:
		pIBAN = 0.08
	case qTechnical, qShipping:
		pPhone = 0.08
	}
	if channel == "phone_transcript" {
		pPhone += 0.1 // callers are asked for a callback number
	}
	var out []string
	add := func(kind, value string, phrases []string) {
		s := strings.ReplaceAll(oneOf(r, phrases), "{v}", value)
		s = strings.ReplaceAll(s, "{exp}", fmt.Sprintf("%02d/%02d", 1+r.IntN(12), 27+r.IntN(5)))
		t.personal = append(t.personal, personal{kind: kind, value: value})
		out = append(out, s)
	}
	if r.Float64() < pEmail {
		add("email", makeEmail(r, w.first, w.last, w.lang, tiers[w.tier] == "enterprise"), emailPhrases)
	}
	if r.Float64() < pPhone {
		add("phone", makePhone(r, w.lang), phonePhrases)
	}
	if r.Float64() < pIBAN {
		country := []string{"GB", "IE", "NL", "DE"}[r.IntN(4)]
		switch w.lang {
		case langDE:
			country = []string{"DE", "DE", "AT"}[r.IntN(3)]
		case langFR:
			country = "FR"
		}
		add("iban", makeIBAN(r, country, r.IntN(3) > 0), ibanPhrases)
	}
	if r.Float64() < pCard {
		add("card", makeCard(r, []string{" ", "", "-"}[r.IntN(3)]), cardPhrases)
	}
	return out
}

// hasCard reports whether a card number was written into the ticket.
func (t *Ticket) hasCard() bool {
	for _, p := range t.personal {
		if p.kind == "card" {
			return true
		}
	}
	return false
}

// nonEmpty counts the non-empty strings.
func nonEmpty(ss ...string) int {
	n := 0
	for _, s := range ss {
		if s != "" {
			n++
		}
	}
	return n
}

// subject returns the subject line of a ticket.
func subject(r *rand.Rand, q int, channel string, at time.Time, fill func(string) string) string {
	switch channel {
	case "chat":
		return "Chat"
	case "phone_transcript":
		return "Phone call " + at.UTC().Format("2006-01-02 15:04")
	}
	if r.Float64() < vagueRate {
		return oneOf(r, vagueSubjects)
	}
	s := fill(oneOf(r, subjects[q]))
	if channel == "email" && r.IntN(8) == 0 {
		s = "Re: " + s
	}
	return s
}

// layout joins sentences into a body in the style of the channel.
func layout(r *rand.Rand, sents []string, channel string, w writer) string {
	text := strings.Join(sents, " ")
	switch channel {
	case "chat":
		if r.IntN(2) == 0 {
			text = []string{"hi ", "hello ", "hey, ", "Hi. "}[r.IntN(4)] + text
		}
		return text
	case "phone_transcript":
		filler := []string{"", "Uh, ", "Yes hello, ", "Hi, so, "}[r.IntN(4)]
		return "[Automatic transcript] Customer: " + filler + text
	}
	var b strings.Builder
	if channel == "email" || r.IntN(2) == 0 {
		b.WriteString(oneOf(r, greetings[w.lang]))
		b.WriteString("\n\n")
	}
	b.WriteString(text)
	if channel == "email" || r.IntN(3) == 0 {
		b.WriteString("\n\n")
		s := strings.ReplaceAll(oneOf(r, signoffs[w.lang]), "{first}", w.first)
		b.WriteString(strings.ReplaceAll(s, "{last}", w.last))
	}
	return b.String()
}

// agents simulates the first-line routing and its handling time.
func agents(r *rand.Rand, q, second int, channel string, tier int, at time.Time) (string, float64) {
	pErr := agentBaseError
	if second >= 0 {
		pErr += agentAmbiguousError
	}
	if channel == "phone_transcript" {
		pErr += agentPhoneError
	}
	if at.Weekday() == time.Monday {
		pErr += agentMondayError
	}
	routed := q
	if r.Float64() < pErr {
		if second >= 0 && r.Float64() < 0.7 {
			routed = second
		} else {
			routed = pick(r, partners[q][:])
		}
	}
	median := []float64{qBilling: 7, qTechnical: 13, qAccount: 8, qShipping: 6, qCancellation: 9}[q]
	switch channel {
	case "phone_transcript":
		median *= 1.3
	case "chat":
		median *= 0.85
	}
	if tiers[tier] == "enterprise" {
		median *= 1.25
	}
	if routed != q {
		median *= 1.4 // read, then passed on
	}
	minutes := math.Round(median*math.Exp(0.5*r.NormFloat64())*10) / 10
	return Queues[routed], max(minutes, 0.5)
}

// fillers returns a function that fills the placeholders of a phrasing with
// the ticket's values, drawn once so that a ticket is consistent.
func fillers(r *rand.Rand, at time.Time) func(string) string {
	dev := oneOf(r, devices)
	dev2 := oneOf(r, devices)
	if dev2 == dev {
		dev2 = "smart plug"
		if dev == dev2 {
			dev2 = "hub"
		}
	}
	amount := []float64{4.99, 9.99, 12.99, 49.90, 99, 119.88, 149, 199, 249.50, 29.99}[r.IntN(10)]
	// Dates mentioned lie one to three weeks before the ticket.
	date := at.AddDate(0, 0, -1-r.IntN(21)).Format("2 January")
	rep := strings.NewReplacer(
		"{device}", dev,
		"{device2}", dev2,
		"{plan}", oneOf(r, plans),
		"{order}", fmt.Sprintf("#%d", 4100000+r.IntN(900000)),
		"{invoice}", fmt.Sprintf("INV-2026-%06d", r.IntN(1000000)),
		"{amount}", fmt.Sprintf("%.2f EUR", amount),
		"{amount0}", fmt.Sprintf("%.2f EUR", amount*0.8),
		"{date}", date,
		"{version}", fmt.Sprintf("4.%d.%d", 10+r.IntN(6), r.IntN(10)),
		"{errcode}", oneOf(r, errcodes),
		"{phone_os}", oneOf(r, phoneOSs),
		"{code}", strings.ToUpper(oneOf(r, []string{"spring", "welcome", "safe", "home"}))+fmt.Sprint(10+5*r.IntN(5)),
		"{ref}", fmt.Sprintf("PAY%08d", r.IntN(100000000)),
		"{years}", fmt.Sprint(2+r.IntN(7)),
		"{units}", fmt.Sprint(20+10*r.IntN(20)),
		"{cust}", fmt.Sprintf("K-%07d", r.IntN(10000000)),
		"{vat}", "DE"+digits(r, 9),
	)
	return rep.Replace
}

// typo introduces one slip of the keyboard into a word of five letters or
// more: two letters swapped, one dropped or one doubled.
func typo(r *rand.Rand, s string) string {
	words := strings.Split(s, " ")
	var long []int
	for i, w := range words {
		if len(w) >= 5 && isLetters(w) {
			long = append(long, i)
		}
	}
	if len(long) == 0 {
		return s
	}
	i := long[r.IntN(len(long))]
	w := []byte(words[i])
	k := 1 + r.IntN(len(w)-2)
	switch r.IntN(3) {
	case 0:
		w[k], w[k+1] = w[k+1], w[k]
	case 1:
		w = append(w[:k], w[k+1:]...)
	default:
		w = append(w[:k+1], w[k:]...)
	}
	words[i] = string(w)
	return strings.Join(words, " ")
}

// isLetters reports whether w is ASCII letters only.
func isLetters(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// pick returns an index drawn with the given weights.
func pick(r *rand.Rand, weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	u := r.Float64() * total
	for i, w := range weights {
		if u < w {
			return i
		}
		u -= w
	}
	last := len(weights) - 1
	for last > 0 && weights[last] == 0 {
		last--
	}
	return last
}

// oneOf returns a uniformly drawn element of xs.
func oneOf(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

// geometric counts successes of probability p before a failure, at most limit.
func geometric(r *rand.Rand, p float64, limit int) int {
	k := 0
	for k < limit && r.Float64() < p {
		k++
	}
	return k
}
