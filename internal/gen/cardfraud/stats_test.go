package cardfraud

import (
	"math"
	"sort"
)

// confusion counts a binary decision against the label, by count and by amount.
type confusion struct {
	tp, fp, fn          int
	moneyTP, moneyFraud float64
}

func (c confusion) recall() float64    { return ratio(c.tp, c.tp+c.fn) }
func (c confusion) precision() float64 { return ratio(c.tp, c.tp+c.fp) }
func (c confusion) money() float64     { return c.moneyTP / c.moneyFraud }
func (c confusion) flagged() int       { return c.tp + c.fp }

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// score tallies decide over txns.
func score(txns []Transaction, decide func(Transaction) bool) confusion {
	var c confusion
	for _, t := range txns {
		flag := decide(t)
		if t.IsFraud == 1 {
			c.moneyFraud += t.Amount
			if flag {
				c.tp++
				c.moneyTP += t.Amount
			} else {
				c.fn++
			}
		} else if flag {
			c.fp++
		}
	}
	return c
}

// auc is the Mann-Whitney probability that a random fraud outscores a random
// legitimate transaction, ties counting a half.
func auc(txns []Transaction) float64 {
	type sc struct {
		s     float64
		fraud bool
	}
	all := make([]sc, len(txns))
	for i, t := range txns {
		all[i] = sc{t.ModelScore, t.IsFraud == 1}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].s < all[j].s })
	var pos, neg, wins float64
	for i := 0; i < len(all); {
		j := i
		var p, n float64
		for j < len(all) && all[j].s == all[i].s {
			if all[j].fraud {
				p++
			} else {
				n++
			}
			j++
		}
		wins += p*neg + 0.5*p*n
		pos += p
		neg += n
		i = j
	}
	return wins / (pos * neg)
}

// percentile returns the q-quantile (nearest rank) of xs.
func percentile(xs []float64, q float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

// production drops the quality-assurance transactions, as the experiment does.
func production(txns []Transaction) []Transaction {
	out := make([]Transaction, 0, len(txns))
	for _, t := range txns {
		if t.Channel != "test" {
			out = append(out, t)
		}
	}
	return out
}
