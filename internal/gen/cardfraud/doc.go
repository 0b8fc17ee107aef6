// Package cardfraud generates the synthetic card-not-present transactions that
// poc ships as its offline example (experiments/data/card-transactions.parquet,
// replayed by experiments/card-fraud.yaml).
//
// The generator simulates a small world rather than arranging an outcome:
// customers with home countries, account ages, spending habits and trips;
// fraud episodes of several kinds (new-account bust-outs, stolen cards, card
// testing, account takeover and, in April 2026, a rule-aware fraud ring); the
// human analysts who reviewed what a legacy rule queued; and a shadow-mode model
// whose score is a noisy function of what it could observe. Which pipeline wins
// an experiment on this data follows from that world, not from a target.
//
// Generation is deterministic: the same n and seed give the same transactions
// and, through WriteParquet, the same file bytes. The package never reads the
// clock or iterates over maps.
//
// This package is a data generator only: it must never import pipeline,
// metrics, baselines or anything else under internal/.
package cardfraud
