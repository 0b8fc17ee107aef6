package cardfraud

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"
)

// DefaultN is the number of transactions in the shipped example file.
const DefaultN = 20000

// DefaultSeed is the seed of the shipped example file.
const DefaultSeed = 20260101

// pcgStream is the second PCG word; the seed is the first.
const pcgStream = 0x9e3779b97f4a7c15

const (
	hourMS = int64(time.Hour / time.Millisecond)
	dayMS  = 24 * hourMS
)

var (
	// windowStart and windowEnd bound created_at: [2026-01-01, 2026-07-01) UTC.
	windowStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	windowEnd   = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	// ringStart and ringEnd bound the fraud ring's activity: April 2026.
	ringStart = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	ringEnd   = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
)

// Shares of the world, per transaction generated.
const (
	testShare  = 0.008 // quality-assurance transactions on channel "test"
	fraudShare = 0.024 // fraudulent transactions among real customers' payments
)

// cardCountry is a card-issuing country: its share of customers, its standard
// time offset from UTC and how strongly fraudsters favour its cards.
type cardCountry struct {
	code     string
	weight   float64
	utcHours int64
	fraudMul float64
}

var cardCountries = []cardCountry{
	{"DE", 0.25, 1, 1}, {"FR", 0.16, 1, 1}, {"ES", 0.11, 1, 1}, {"IT", 0.11, 1, 1},
	{"NL", 0.09, 1, 1}, {"GB", 0.09, 0, 1.5}, {"PL", 0.07, 1, 1}, {"BE", 0.04, 1, 1},
	{"AT", 0.03, 1, 1}, {"US", 0.025, -5, 2}, {"BR", 0.015, -3, 3}, {"NG", 0.01, 1, 4},
}

// category is a merchant category: legitimate share, typical amount and how
// often a legitimate purchase in it crosses a border.
type category struct {
	name        string
	legitWeight float64
	median      float64
	sigma       float64
	foreign     float64
}

const (
	catGrocery = iota
	catRestaurants
	catFashion
	catHome
	catElectronics
	catTravel
	catDigital
	catSubscriptions
	catGambling
)

var categories = []category{
	catGrocery:       {"grocery", 0.22, 42, 0.6, 0.03},
	catRestaurants:   {"restaurants", 0.12, 32, 0.5, 0.03},
	catFashion:       {"fashion", 0.14, 65, 0.7, 0.10},
	catHome:          {"home", 0.11, 85, 0.8, 0.05},
	catElectronics:   {"electronics", 0.08, 220, 1.0, 0.10},
	catTravel:        {"travel", 0.07, 320, 0.9, 0.30},
	catDigital:       {"digital_goods", 0.13, 14, 0.9, 0.35},
	catSubscriptions: {"subscriptions", 0.10, 12, 0.5, 0.30},
	catGambling:      {"gambling", 0.03, 40, 1.0, 0.15},
}

// Where cross-border merchants and trip destinations are.
var (
	crossBorderMerchants = []string{"IE", "NL", "GB", "US", "LU", "DE", "FR", "CN"}
	crossBorderWeights   = []float64{0.25, 0.15, 0.15, 0.2, 0.1, 0.05, 0.05, 0.05}
	tripDestinations     = []string{"ES", "IT", "FR", "PT", "GR", "GB", "US", "TH", "NL", "DE"}
	tripWeights          = []float64{0.2, 0.15, 0.12, 0.1, 0.1, 0.08, 0.08, 0.06, 0.06, 0.05}
	fraudMerchants       = []string{"US", "NG", "BR", "CN", "GB", "NL", "RU", "LT"}
	fraudMerchantWeights = []float64{0.25, 0.12, 0.1, 0.15, 0.12, 0.1, 0.08, 0.08}
)

// Relative activity by local hour (0-23), by weekday (Sunday first) and by
// month of 2026 (January first).
var (
	legitHours = []float64{0.6, 0.35, 0.2, 0.15, 0.15, 0.25, 0.6, 1.2, 2.0, 2.6, 3.0, 3.3,
		3.8, 3.6, 3.2, 3.0, 3.1, 3.4, 3.9, 4.3, 4.4, 3.8, 2.7, 1.5}
	fraudHours = []float64{2.5, 2.8, 2.9, 2.7, 2.2, 1.6, 1.4, 1.6, 1.9, 2.1, 2.2, 2.3,
		2.4, 2.3, 2.2, 2.2, 2.3, 2.4, 2.6, 2.8, 2.9, 3.0, 2.9, 2.7}
	weekdayWeights = []float64{0.85, 0.95, 0.97, 1.0, 1.05, 1.2, 1.15}
	monthWeights   = []float64{0.95, 0.92, 1.0, 1.02, 1.05, 1.08}
)

// fraudKind is the latent scheme behind a fraudulent transaction.
type fraudKind int

const (
	legit fraudKind = iota
	newAccount
	stolenCard
	cardTesting
	takeover
	ring
	qaTest
)

// customer is a cardholder's account.
type customer struct {
	id       string
	country  int
	created  int64 // account opening, ms since epoch
	activity float64
	appShare float64
	spend    float64
	gambler  bool
	// A trip abroad, if any: [tripFrom, tripTo) spent in tripDest.
	tripFrom, tripTo int64
	tripDest         string
}

// draft is a transaction under construction with its latent causes.
type draft struct {
	seq      int
	cust     int
	ms       int64
	kind     fraudKind
	fraud    bool
	channel  string
	cat      int
	amount   float64
	merchant string
	device   float64 // device, IP and e-mail risk the model sees; not exported
	onTrip   bool
}

// world holds the simulation state.
type world struct {
	rng       *rand.Rand
	customers []customer
	cumAct    []float64
	drafts    []draft
}

// Generate simulates n transactions of the world seeded by seed and returns
// them in time order. The same n and seed always give the same result.
func Generate(n int, seed uint64) []Transaction {
	if n <= 0 {
		return nil
	}
	w := &world{rng: rand.New(rand.NewPCG(seed, pcgStream))}
	w.populate(n/6 + 10)

	nTest := int(math.Round(float64(n) * testShare))
	nFraud := int(math.Round(float64(n) * fraudShare))
	if nTest+nFraud > n {
		nTest, nFraud = 0, min(nFraud, n)
	}
	w.fraudEpisodes(nFraud)
	w.legitSessions(n - nTest - len(w.drafts))
	w.testTransactions(n - len(w.drafts))
	return w.finish()
}

// populate creates the customer base.
func (w *world) populate(k int) {
	r := w.rng
	cw := make([]float64, len(cardCountries))
	for i, c := range cardCountries {
		cw[i] = c.weight
	}
	w.customers = make([]customer, 0, k)
	w.cumAct = make([]float64, 0, k)
	total := 0.0
	for i := 0; i < k; i++ {
		c := customer{
			id:       fmt.Sprintf("C%06d", i+1),
			country:  pick(r, cw),
			activity: math.Exp(0.9 * r.NormFloat64()),
			appShare: 0.15,
			spend:    math.Exp(0.3 * r.NormFloat64()),
			gambler:  r.Float64() < 0.03,
		}
		if r.Float64() < 0.55 {
			c.appShare = 0.7
		}
		if r.Float64() < 0.85 {
			// An existing account: opened 30 days to 9 years before the window.
			days := math.Min(30+600*math.Exp(0.9*r.NormFloat64()), 9*365)
			c.created = windowStart - int64(days*float64(dayMS))
		} else {
			// Opened during the window; new accounts spend a little more at first.
			c.created = windowStart + int64(r.Float64()*170*float64(dayMS))
			c.activity *= 0.8
		}
		if r.Float64() < 0.12 {
			from := max(windowStart, c.created) + int64(r.Float64()*150*float64(dayMS))
			c.tripFrom = from
			c.tripTo = from + int64(3+r.IntN(12))*dayMS
			c.tripDest = tripDestinations[pick(r, tripWeights)]
			if c.tripDest == cardCountries[c.country].code {
				c.tripDest = "PT"
			}
		}
		total += c.activity
		w.customers = append(w.customers, c)
		w.cumAct = append(w.cumAct, total)
	}
}

// add appends a draft, numbering it in generation order.
func (w *world) add(d draft) {
	d.seq = len(w.drafts)
	w.drafts = append(w.drafts, d)
}

// legitSessions adds exactly k legitimate transactions, in sessions.
func (w *world) legitSessions(k int) {
	r := w.rng
	for added := 0; added < k; {
		ci := sort.SearchFloat64s(w.cumAct, r.Float64()*w.cumAct[len(w.cumAct)-1])
		ci = min(ci, len(w.customers)-1)
		c := &w.customers[ci]
		from := max(windowStart, c.created+10*60*1000)
		if from >= windowEnd-dayMS {
			continue
		}
		ms := sampleTime(r, from, windowEnd, legitHours, cardCountries[c.country].utcHours)
		size, gapMin, gapMax := 1, 1.0, 40.0
		cat := pick(r, legitCategoryWeights(c.gambler))
		switch {
		case c.gambler && r.Float64() < 0.6:
			// A gambling session: several deposits within the hour.
			cat = catGambling
			size = 2 + geometric(r, 0.6, 8)
			gapMin, gapMax = 2, 12
		case r.Float64() < 0.06:
			size = 2 + geometric(r, 0.65, 3)
		}
		for j := 0; j < size && added < k && ms < windowEnd; j++ {
			if j > 0 && !c.gambler && r.Float64() < 0.5 {
				cat = pick(r, legitCategoryWeights(false))
			}
			w.add(w.legitTxn(ci, ms, cat))
			added++
			ms += int64((gapMin + r.Float64()*(gapMax-gapMin)) * 60 * 1000)
		}
	}
}

// legitCategoryWeights returns the category mix of a legitimate purchase.
func legitCategoryWeights(gambler bool) []float64 {
	ws := make([]float64, len(categories))
	for i, c := range categories {
		ws[i] = c.legitWeight
	}
	if gambler {
		ws[catGambling] = 0.3
	}
	return ws
}

// legitTxn draws one legitimate purchase of customer ci at ms.
func (w *world) legitTxn(ci int, ms int64, cat int) draft {
	r := w.rng
	c := &w.customers[ci]
	home := cardCountries[c.country].code
	d := draft{cust: ci, ms: ms, kind: legit, cat: cat, merchant: home}
	switch {
	case r.Float64() < 0.04 || (cat == catTravel && r.Float64() < 0.15):
		d.channel = "moto"
	case r.Float64() < c.appShare:
		d.channel = "app"
	default:
		d.channel = "web"
	}
	ct := categories[cat]
	d.amount = cents(math.Max(0.5, ct.median*c.spend*math.Exp(ct.sigma*r.NormFloat64())))
	if cat == catGambling && c.gambler {
		d.amount = cents(10 + 90*r.Float64())
	}
	d.onTrip = c.tripDest != "" && ms >= c.tripFrom && ms < c.tripTo
	digital := cat == catDigital || cat == catSubscriptions || cat == catGambling
	switch {
	case d.onTrip && !digital:
		d.merchant = c.tripDest
	case r.Float64() < ct.foreign:
		d.merchant = otherThan(r, home, crossBorderMerchants, crossBorderWeights)
	}
	d.device = r.NormFloat64()
	if d.onTrip {
		d.device += 0.7
	}
	if ms-c.created < 7*dayMS {
		d.device += 0.4
	}
	return d
}

// fraudEpisodes adds exactly k fraudulent transactions, in episodes.
func (w *world) fraudEpisodes(k int) {
	r := w.rng
	kinds := []fraudKind{newAccount, stolenCard, cardTesting, takeover, ring}
	kindWeights := []float64{0.22, 0.30, 0.22, 0.18, 0.08}
	for added := 0; added < k; {
		kind := kinds[pick(r, kindWeights)]
		for _, d := range w.episode(kind) {
			if added == k {
				break
			}
			d.fraud = true
			w.add(d)
			added++
		}
	}
}

// scheme is how one fraud episode behaves: how many transactions and how far
// apart, what is bought for how much, where, on which channel and at what
// hours, and, for a fresh account, how long before the first purchase it was
// opened.
type scheme struct {
	size                  int
	gapMin, gapMax        float64 // minutes between transactions
	catW                  []float64
	median, sigma         float64
	foreign, devMean      float64
	web, app              float64 // channel shares; the rest is moto
	minAmount, maxAmount  float64 // uniform amounts when maxAmount > 0
	hours                 []float64
	from, to              int64
	createdMin, createdMx float64 // days before the first transaction (new accounts)
}

// schemePlans fills in the scheme of each kind of fraud, drawing what varies
// from one episode to the next.
var schemePlans = map[fraudKind]func(r *rand.Rand, s *scheme){
	newAccount:  planBustOut,
	ring:        planRing,
	stolenCard:  planStolenCard,
	cardTesting: planCardTesting,
	takeover:    planTakeover,
}

// planScheme returns the scheme of one episode of kind: fraud hours over the
// whole window unless the kind's plan says otherwise.
func planScheme(r *rand.Rand, kind fraudKind) scheme {
	s := scheme{catW: make([]float64, len(categories)), hours: fraudHours, from: windowStart, to: windowEnd}
	if plan, ok := schemePlans[kind]; ok {
		plan(r, &s)
	}
	return s
}

// planBustOut: a fresh account on a stolen identity spends fast and big.
func planBustOut(r *rand.Rand, s *scheme) {
	s.size, s.gapMin, s.gapMax = 2+geometric(r, 0.6, 7), 1, 8
	s.catW[catElectronics], s.catW[catDigital], s.catW[catTravel], s.catW[catFashion], s.catW[catGambling] = 0.4, 0.3, 0.15, 0.1, 0.05
	s.median, s.sigma, s.foreign, s.devMean = 650, 0.9, 0.45, 1.6
	s.web, s.app = 0.7, 0.2
	s.createdMin, s.createdMx = 0.2, 25
	if r.Float64() < 0.15 {
		s.createdMin, s.createdMx = 30, 120 // a sleeper account
	}
}

// planRing: a rule-aware ring in April: aged accounts, amounts under 1500,
// purchases spaced so that no hour holds five.
func planRing(r *rand.Rand, s *scheme) {
	s.size, s.gapMin, s.gapMax = 2+geometric(r, 0.5, 2), 25, 50
	s.catW[catElectronics], s.catW[catTravel] = 0.8, 0.2
	s.minAmount, s.maxAmount = 900, 1490
	s.foreign, s.devMean = 0.15, 0.7
	s.web, s.app = 0.8, 0.2
	s.from, s.to = ringStart, ringEnd
	s.hours = legitHours
	s.createdMin, s.createdMx = 32, 60
}

// planStolenCard: card details stolen from an existing customer, used abroad.
func planStolenCard(r *rand.Rand, s *scheme) {
	s.size, s.gapMin, s.gapMax = 1+geometric(r, 0.5, 4), 5, 120
	if r.Float64() < 0.3 {
		// A cash-out bot: many quick purchases before the card is blocked.
		s.size, s.gapMin, s.gapMax = 4+geometric(r, 0.6, 6), 1, 6
	}
	s.catW[catElectronics], s.catW[catFashion], s.catW[catTravel], s.catW[catDigital], s.catW[catGambling] = 0.35, 0.2, 0.15, 0.2, 0.1
	s.median, s.sigma, s.foreign, s.devMean = 260, 1.0, 0.7, 1.7
	s.web, s.app = 0.8, 0.1
}

// planCardTesting: small probes that check a card works before it is sold on.
func planCardTesting(r *rand.Rand, s *scheme) {
	s.size, s.gapMin, s.gapMax = 1+geometric(r, 0.7, 2), 120, 600
	s.catW[catDigital], s.catW[catGambling], s.catW[catSubscriptions] = 0.6, 0.2, 0.2
	s.minAmount, s.maxAmount = 0.5, 12
	s.foreign, s.devMean = 0.6, 0.9
	s.web, s.app = 1, 0
}

// planTakeover: account takeover: the fraudster logs in as a long-standing
// customer and buys like one, only bigger.
func planTakeover(r *rand.Rand, s *scheme) {
	s.size, s.gapMin, s.gapMax = 1+geometric(r, 0.7, 1), 20, 180
	s.catW[catElectronics], s.catW[catDigital], s.catW[catTravel], s.catW[catFashion], s.catW[catHome] = 0.35, 0.25, 0.2, 0.1, 0.1
	s.median, s.sigma, s.foreign, s.devMean = 550, 0.8, 0.15, 1.0
	s.web, s.app = 0.45, 0.55
	s.hours = legitHours
}

// episode simulates one fraud scheme and returns its transactions.
func (w *world) episode(kind fraudKind) []draft {
	s := planScheme(w.rng, kind)
	ci, start := w.episodeVictim(kind, s)
	return w.episodeDrafts(kind, s, ci, start)
}

// episodeVictim returns the index of the account an episode uses and the
// time of its first transaction. Bust-outs and rings open an account of their
// own; the other kinds use an active customer's account old enough to be
// trusted (30 days, 180 for a takeover).
func (w *world) episodeVictim(kind fraudKind, s scheme) (ci int, start int64) {
	r := w.rng
	if kind == newAccount || kind == ring {
		c := w.fraudCustomer(kind)
		start = sampleTime(r, s.from+dayMS, s.to, s.hours, cardCountries[c.country].utcHours)
		c.created = start - int64((s.createdMin+r.Float64()*(s.createdMx-s.createdMin))*float64(dayMS))
		ci = len(w.customers)
		w.customers = append(w.customers, c)
		return ci, start
	}
	minAge := 30 * dayMS
	if kind == takeover {
		minAge = 180 * dayMS
	}
	for {
		ci = r.IntN(len(w.customers))
		c := w.customers[ci]
		if c.activity == 0 || c.created > windowEnd-minAge-dayMS {
			continue
		}
		return ci, sampleTime(r, max(s.from, c.created+minAge), s.to, s.hours, cardCountries[c.country].utcHours)
	}
}

// episodeDrafts simulates the transactions of an episode on account ci from
// start on, all with one merchant country, until the scheme's size is reached
// or its period ends.
func (w *world) episodeDrafts(kind fraudKind, s scheme, ci int, start int64) []draft {
	r := w.rng
	home := cardCountries[w.customers[ci].country].code
	merchant := home
	if r.Float64() < s.foreign {
		merchant = otherThan(r, home, fraudMerchants, fraudMerchantWeights)
	}
	out := make([]draft, 0, s.size)
	ms := start
	for j := 0; j < s.size && ms < s.to; j++ {
		d := draft{cust: ci, ms: ms, kind: kind, cat: pick(r, s.catW), merchant: merchant}
		d.channel = s.channel(r)
		d.amount = s.amount(r, kind, d.cat)
		d.device = s.devMean + r.NormFloat64()
		out = append(out, d)
		ms += int64((s.gapMin + r.Float64()*(s.gapMax-s.gapMin)) * 60 * 1000)
	}
	return out
}

// channel draws the channel of one of the scheme's transactions.
func (s scheme) channel(r *rand.Rand) string {
	switch u := r.Float64(); {
	case u < s.web:
		return "web"
	case u < s.web+s.app:
		return "app"
	default:
		return "moto"
	}
}

// amount draws the amount in EUR of one of the scheme's transactions in
// category cat: uniform when the scheme bounds it, else log-normal around
// the scheme's median scaled by the category (at least 30% of the median, at
// most 9000); card testers often probe with round amounts.
func (s scheme) amount(r *rand.Rand, kind fraudKind, cat int) float64 {
	var a float64
	if s.maxAmount > 0 {
		a = cents(s.minAmount + r.Float64()*(s.maxAmount-s.minAmount))
	} else {
		m := s.median * categories[cat].median / 200
		m = math.Max(m, s.median*0.3)
		a = cents(math.Min(9000, m*math.Exp(s.sigma*r.NormFloat64())))
	}
	if kind == cardTesting && r.Float64() < 0.4 {
		a = float64(1 + r.IntN(5)) // round probes: 1.00 to 5.00
	}
	return a
}

// fraudCustomer opens an account for a fraudster; created is set by the caller.
func (w *world) fraudCustomer(kind fraudKind) customer {
	r := w.rng
	cw := make([]float64, len(cardCountries))
	for i, c := range cardCountries {
		cw[i] = c.weight * c.fraudMul
	}
	if kind == ring {
		// The ring's identities come from two markets.
		for i, c := range cardCountries {
			if c.code != "NL" && c.code != "DE" {
				cw[i] = 0
			}
		}
	}
	return customer{
		id:       fmt.Sprintf("C%06d", len(w.customers)+1),
		country:  pick(r, cw),
		activity: 0,
		spend:    1,
	}
}

// testTransactions adds k quality-assurance transactions: round amounts on
// weekday office hours from QA accounts, a quarter of them fraud test vectors.
func (w *world) testTransactions(k int) {
	r := w.rng
	qa := make([]int, 5)
	for i := range qa {
		qa[i] = len(w.customers)
		w.customers = append(w.customers, customer{
			id:      fmt.Sprintf("QA%04d", i+1),
			created: windowStart - int64(400+100*i)*dayMS,
		})
	}
	amounts := []float64{1, 5, 10, 99.99, 100, 1000, 2500, 9999.99}
	for i := 0; i < k; i++ {
		var ms int64
		for {
			ms = windowStart + r.Int64N(windowEnd-windowStart)
			t := time.UnixMilli(ms).UTC()
			if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday && t.Hour() >= 8 && t.Hour() < 17 {
				break
			}
		}
		fraud := r.Float64() < 0.25
		d := draft{
			cust: qa[r.IntN(len(qa))], ms: ms, kind: qaTest, fraud: fraud, channel: "test",
			cat: r.IntN(len(categories)), amount: amounts[r.IntN(len(amounts))],
			merchant: "DE", device: r.NormFloat64(),
		}
		if fraud {
			d.device += 3 // test vectors replay a known-bad device
		}
		w.add(d)
	}
}

// finish orders the drafts in time and derives the observed columns.
func (w *world) finish() []Transaction {
	r := w.rng
	ds := w.drafts
	sort.Slice(ds, func(i, j int) bool {
		if ds[i].ms != ds[j].ms {
			return ds[i].ms < ds[j].ms
		}
		return ds[i].seq < ds[j].seq
	})
	// Velocity: the customer's transactions in the preceding hour.
	velocity := make([]int64, len(ds))
	recent := make([][]int64, len(w.customers))
	for i, d := range ds {
		q := recent[d.cust]
		for len(q) > 0 && q[0] <= d.ms-hourMS {
			q = q[1:]
		}
		velocity[i] = int64(len(q))
		recent[d.cust] = append(q, d.ms)
	}

	out := make([]Transaction, len(ds))
	for i, d := range ds {
		c := w.customers[d.cust]
		cc := cardCountries[c.country]
		t := Transaction{
			TxnID:            fmt.Sprintf("T%07d", i+1),
			CreatedAt:        d.ms,
			CustomerID:       c.id,
			Country:          cc.code,
			MerchantCountry:  d.merchant,
			Channel:          d.channel,
			MerchantCategory: categories[d.cat].name,
			Amount:           d.amount,
			AccountAgeDays:   (d.ms - c.created) / dayMS,
			TxnLastHour:      velocity[i],
			HourOfDay:        localHour(d.ms, cc.utcHours),
			IsForeign:        d.merchant != cc.code,
		}
		if d.fraud {
			t.IsFraud = 1
		}
		t.ModelScore = modelScore(r, t, d.device)
		t.ModelLatencyMS = modelLatency(r)
		if d.kind != qaTest {
			t.AnalystDecision, t.AnalystMinutes = analysts(r, t, d)
		}
		out[i] = t
	}
	return out
}

// modelScore is the shadow model: a logistic function of what it observes,
// with coefficients a trained model would roughly learn, plus noise for what
// it gets wrong.
func modelScore(r *rand.Rand, t Transaction, device float64) float64 {
	z := -5.3
	switch {
	case t.AccountAgeDays < 30:
		z += 1.3
	case t.AccountAgeDays < 90:
		z += 0.5
	}
	z += 0.45 * clamp(math.Log(t.Amount/80), -2, 3.5)
	small := t.Amount < 15
	switch t.MerchantCategory {
	case "digital_goods":
		z += 0.7
		if small {
			z += 0.9
		}
	case "gambling":
		z += 0.6
		if small {
			z += 0.9
		}
	case "subscriptions":
		if small {
			z += 0.5
		}
	case "electronics":
		z += 0.7
	case "travel":
		z += 0.3
	case "fashion":
		z += 0.1
	}
	z += 0.5 * float64(min(t.TxnLastHour, 5))
	if t.HourOfDay < 6 {
		z += 0.7
	}
	if t.IsForeign {
		z += 1.0
	}
	switch t.Country {
	case "NG":
		z += 0.8
	case "BR":
		z += 0.5
	case "US":
		z += 0.3
	}
	switch t.Channel {
	case "moto":
		z += 0.4
	case "app":
		z -= 0.3
	}
	z += 1.3*device + 0.8*r.NormFloat64()
	return math.Round(1e4/(1+math.Exp(-z))) / 1e4
}

// modelLatency draws the shadow model's scoring time: log-normal around 20 ms
// with an occasional slow call (garbage collection, a cold feature cache).
func modelLatency(r *rand.Rand) float64 {
	ms := 20 * math.Exp(0.28*r.NormFloat64())
	if r.Float64() < 0.03 {
		ms *= 1.6 + 0.6*r.ExpFloat64()
	}
	return math.Round(ms*100) / 100
}

// analysts simulates the review desk: a legacy rule queued transactions, the
// desk reviewed nearly all of them (fewer on weekend nights) and blocked those
// it judged fraudulent, helped by calls to the customer.
func analysts(r *rand.Rand, t Transaction, d draft) (decision int64, minutes float64) {
	if !legacyRuleQueues(t) {
		return 0, 0
	}
	if r.Float64() >= reviewRate(t) {
		return 0, 0
	}
	decision = analystBlocks(r, t, d)
	return decision, handlingMinutes(r, t, decision)
}

// legacyRuleQueues reports whether the legacy rule queued t for review: large
// amounts abroad, on young accounts or at night, bursts, foreign or night-time
// purchases in risky categories, young accounts, risky card countries and
// very large amounts.
func legacyRuleQueues(t Transaction) bool {
	riskyCat := riskyCategory(t.MerchantCategory)
	return t.Amount >= 300 && (t.IsForeign || t.AccountAgeDays < 60 || t.HourOfDay < 6) ||
		t.TxnLastHour >= 3 ||
		t.IsForeign && (riskyCat && t.Amount >= 50 || t.Amount >= 150) ||
		t.AccountAgeDays < 14 && t.Amount >= 100 ||
		t.HourOfDay < 6 && riskyCat && t.Amount >= 100 ||
		(t.Country == "NG" || t.Country == "BR") && t.Amount >= 200 ||
		t.Amount >= 2500
}

// riskyCategory reports whether the legacy rule treats a merchant category
// as risky: digital goods, gambling and electronics.
func riskyCategory(cat string) bool {
	return cat == "digital_goods" || cat == "gambling" || cat == "electronics"
}

// reviewRate is the share of the queue the desk reviewed: nearly all of it,
// but only half on weekend nights.
func reviewRate(t Transaction) float64 {
	wd := t.Time().Weekday()
	if (wd == time.Saturday || wd == time.Sunday) && t.HourOfDay < 7 {
		return 0.5
	}
	return 0.97
}

// analystBlocks draws the desk's decision on a reviewed transaction, 1 to
// block it: a noisy logistic judgement of what the analysts see, far likelier
// to block real fraud.
func analystBlocks(r *rand.Rand, t Transaction, d draft) int64 {
	z := -2.4 + 0.5*b2f(t.IsForeign) + 0.5*b2f(t.AccountAgeDays < 30) + 0.3*b2f(d.device > 1.5) + 0.8*r.NormFloat64()
	if d.fraud {
		z += 3.8
	}
	if r.Float64() < 1/(1+math.Exp(-z)) {
		return 1
	}
	return 0
}

// handlingMinutes draws the desk's handling time in minutes, to a tenth:
// log-normal around 5.5, longer for larger amounts and for a block.
func handlingMinutes(r *rand.Rand, t Transaction, decision int64) float64 {
	minutes := 5.5 * math.Exp(0.45*r.NormFloat64()) * (1 + math.Min(t.Amount, 5000)/4000)
	if decision == 1 {
		minutes *= 1.3
	}
	return math.Round(minutes*10) / 10
}

// sampleTime draws a UTC instant in [from, to) whose local time (utcHours
// from UTC) follows the hour profile and the weekday and month seasonality.
func sampleTime(r *rand.Rand, from, to int64, hours []float64, utcHours int64) int64 {
	off := utcHours * hourMS
	dayLo := floorDiv(from+off-windowStart, dayMS)
	dayHi := floorDiv(to+off-1-windowStart, dayMS)
	for {
		day := dayLo + r.Int64N(dayHi-dayLo+1)
		midnight := windowStart + day*dayMS
		t := time.UnixMilli(midnight).UTC()
		wgt := weekdayWeights[t.Weekday()]
		if m := int(t.Month()) - 1; t.Year() == 2026 && m < len(monthWeights) {
			wgt *= monthWeights[m]
		}
		if r.Float64()*1.3 > wgt {
			continue
		}
		local := midnight + int64(pick(r, hours))*hourMS + r.Int64N(hourMS)
		if utc := local - off; utc >= from && utc < to {
			return utc
		}
	}
}

// localHour is the hour of day of ms on a clock utcHours from UTC.
func localHour(ms, utcHours int64) int64 {
	return floorDiv(ms+utcHours*hourMS, hourMS) % 24
}

// pick returns an index drawn with probability proportional to weights.
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

// otherThan picks from values by weight, never returning home.
func otherThan(r *rand.Rand, home string, values []string, weights []float64) string {
	ws := make([]float64, len(weights))
	for i, v := range values {
		if v != home {
			ws[i] = weights[i]
		}
	}
	return values[pick(r, ws)]
}

// geometric counts successes, each with probability p, up to limit.
func geometric(r *rand.Rand, p float64, limit int) int {
	k := 0
	for k < limit && r.Float64() < p {
		k++
	}
	return k
}

// cents rounds an amount to the cent.
func cents(x float64) float64 { return math.Round(x*100) / 100 }

// clamp limits x to [lo, hi].
func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

// b2f is 1 for true and 0 for false.
func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// floorDiv divides rounding towards minus infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
