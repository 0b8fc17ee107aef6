// Command gendata regenerates poc's shipped offline examples:
//
//   - cardfraud (the default): the synthetic card-not-present transactions in
//     experiments/data/card-transactions.parquet that experiments/card-fraud.yaml
//     replays;
//   - tickets: the synthetic customer-support tickets in
//     experiments/data/support-tickets.jsonl that
//     experiments/support-triage.yaml replays.
//
// Run from the repository root:
//
//	go run ./cmd/gendata -out experiments/data/card-transactions.parquet
//	go run ./cmd/gendata -dataset tickets -out experiments/data/support-tickets.jsonl
//
// The defaults of each dataset (cardfraud: -n 20000 -seed 20260101; tickets:
// -n 2000 -seed 20260401) reproduce the committed files byte for byte; the
// tests of internal/gen/cardfraud and internal/gen/tickets check that they still do.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/poc-harness/poc/internal/gen/cardfraud"
	"github.com/poc-harness/poc/internal/gen/tickets"
)

// dataset is one example data set the command can write.
type dataset struct {
	out   string // default output file
	n     int
	seed  uint64
	noun  string
	write func(path string, n int, seed uint64) (int, error)
}

var datasetsByName = map[string]dataset{
	"cardfraud": {
		out: "experiments/data/card-transactions.parquet", n: cardfraud.DefaultN, seed: cardfraud.DefaultSeed,
		noun: "transactions",
		write: func(path string, n int, seed uint64) (int, error) {
			txns := cardfraud.Generate(n, seed)
			return len(txns), cardfraud.WriteParquet(path, txns)
		},
	},
	"tickets": {
		out: "experiments/data/support-tickets.jsonl", n: tickets.DefaultN, seed: tickets.DefaultSeed,
		noun: "tickets",
		write: func(path string, n int, seed uint64) (int, error) {
			ts := tickets.Generate(n, seed)
			return len(ts), tickets.WriteJSONL(path, ts)
		},
	},
}

func main() {
	name := flag.String("dataset", "cardfraud", "example to generate: cardfraud or tickets")
	out := flag.String("out", "", "file to write (default: the dataset's file under experiments/data/)")
	n := flag.Int("n", 0, "number of records (default: the dataset's DefaultN: 20000 transactions, 2000 tickets)")
	seed := flag.Uint64("seed", 0, "random seed (default: the dataset's DefaultSeed: 20260101 cardfraud, 20260401 tickets)")
	flag.Parse()
	ds, ok := datasetsByName[*name]
	if !ok {
		fmt.Fprintf(os.Stderr, "gendata: unknown -dataset %q: want cardfraud or tickets\n", *name)
		os.Exit(2)
	}
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["out"] {
		*out = ds.out
	}
	if !set["n"] {
		*n = ds.n
	}
	if !set["seed"] {
		*seed = ds.seed
	}
	if *n <= 0 {
		fmt.Fprintln(os.Stderr, "gendata: -n must be positive")
		os.Exit(2)
	}
	count, err := ds.write(*out, *n, *seed)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendata:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d %s to %s\n", count, ds.noun, *out)
}
