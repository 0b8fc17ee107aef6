// Command scan reads every record of a dataset file with poc's own reader
// (datasets.Open) and does nothing else: the floor a replay of the same
// file is measured against (bench/volumes.sh).
//
//	go run ./bench/scan FILE
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/poc-harness/poc/datasets"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: scan FILE")
		os.Exit(2)
	}
	start := time.Now()
	n, err := scan(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "scan:", err)
		os.Exit(1)
	}
	fmt.Printf("%d records in %.2f s\n", n, time.Since(start).Seconds())
}

func scan(path string) (int, error) {
	r, err := datasets.Open(path, datasets.Options{})
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", path, err)
	}
	defer r.Close()
	n := 0
	for {
		_, err := r.Next()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("record %d: %w", n+1, err)
		}
		n++
	}
}
