package cardfraud

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// TestSummary logs the figures an experiment's criteria are written from; run
// it with -v to read them.
func TestSummary(t *testing.T) {
	all := Generate(DefaultN, DefaultSeed)
	txns := production(all)
	var b strings.Builder
	frauds := 0
	var money float64
	for _, x := range txns {
		if x.IsFraud == 1 {
			frauds++
			money += x.Amount
		}
	}
	fmt.Fprintf(&b, "rows %d, production rows %d, test rows %d\n", len(all), len(txns), len(all)-len(txns))
	fmt.Fprintf(&b, "fraud rate %.4f (%d), fraud money %.0f EUR\n", float64(frauds)/float64(len(txns)), frauds, money)
	line := func(name string, c confusion) {
		fmt.Fprintf(&b, "%-34s flagged %5d (%.3f)  recall %.3f  precision %.3f  money caught %.3f\n",
			name, c.flagged(), float64(c.flagged())/float64(len(txns)), c.recall(), c.precision(), c.money())
	}
	line("analysts", score(txns, func(x Transaction) bool { return x.AnalystDecision == 1 }))
	line("rule >1500&&age<30 || vel>=5", score(txns, func(x Transaction) bool {
		return x.Amount > 1500 && x.AccountAgeDays < 30 || x.TxnLastHour >= 5
	}))
	line("rule >1000&&age<30 || vel>=5", score(txns, func(x Transaction) bool {
		return x.Amount > 1000 && x.AccountAgeDays < 30 || x.TxnLastHour >= 5
	}))
	for _, th := range []float64{0.3, 0.4, 0.5, 0.62, 0.7, 0.8} {
		line(fmt.Sprintf("model_score >= %.2f", th), score(txns, func(x Transaction) bool { return x.ModelScore >= th }))
	}
	fmt.Fprintf(&b, "model AUC %.4f\n", auc(txns))
	var lat, mins []float64
	for _, x := range txns {
		lat = append(lat, x.ModelLatencyMS)
		if x.AnalystMinutes > 0 {
			mins = append(mins, x.AnalystMinutes)
		}
	}
	fmt.Fprintf(&b, "latency ms p50 %.2f p95 %.2f p99 %.2f max %.2f\n", percentile(lat, .5), percentile(lat, .95), percentile(lat, .99), percentile(lat, 1))
	fmt.Fprintf(&b, "reviewed %d, analyst minutes p50 %.1f p95 %.1f\n", len(mins), percentile(mins, .5), percentile(mins, .95))
	// Fraud rate by month and by country.
	byKey := func(name string, key func(Transaction) string) {
		n, f := map[string]int{}, map[string]int{}
		for _, x := range txns {
			k := key(x)
			n[k]++
			f[k] += int(x.IsFraud)
		}
		keys := make([]string, 0, len(n))
		for k := range n {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(&b, "%s:", name)
		for _, k := range keys {
			fmt.Fprintf(&b, " %s %d/%.3f", k, n[k], float64(f[k])/float64(n[k]))
		}
		b.WriteString("\n")
	}
	byKey("month", func(x Transaction) string { return x.Time().Format("01") })
	byKey("country", func(x Transaction) string { return x.Country })
	byKey("channel", func(x Transaction) string { return x.Channel })
	byKey("category", func(x Transaction) string { return x.MerchantCategory })
	byKey("foreign", func(x Transaction) string { return fmt.Sprint(x.IsForeign) })
	byKey("age<30", func(x Transaction) string { return fmt.Sprint(x.AccountAgeDays < 30) })
	byKey("vel", func(x Transaction) string { return fmt.Sprint(min(x.TxnLastHour, 5)) })
	byKey("night", func(x Transaction) string { return fmt.Sprint(x.HourOfDay < 6) })
	byKey("score decile", func(x Transaction) string { return fmt.Sprintf("%.1f", float64(int(x.ModelScore*10))/10) })
	t.Log("\n" + b.String())
}
