// Command gendata regenerates poc's shipped offline example: the synthetic
// card-not-present transactions in experiments/data/card-transactions.parquet
// that experiments/card-fraud.yaml replays.
//
// Run from the repository root:
//
//	go run ./cmd/gendata -out experiments/data/card-transactions.parquet
//
// The defaults (-n 20000, -seed 20260101) reproduce the committed file byte for
// byte; datasets/cardfraud's tests check that they still do.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/poc-harness/poc/datasets/cardfraud"
)

func main() {
	out := flag.String("out", "experiments/data/card-transactions.parquet", "Parquet file to write")
	n := flag.Int("n", cardfraud.DefaultN, "number of transactions")
	seed := flag.Uint64("seed", cardfraud.DefaultSeed, "random seed")
	flag.Parse()
	if *n <= 0 {
		fmt.Fprintln(os.Stderr, "gendata: -n must be positive")
		os.Exit(2)
	}
	txns := cardfraud.Generate(*n, *seed)
	if err := cardfraud.WriteParquet(*out, txns); err != nil {
		fmt.Fprintln(os.Stderr, "gendata:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d transactions to %s\n", len(txns), *out)
}
