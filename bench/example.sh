#!/usr/bin/env bash
# The shipped example end to end through the binary, as a user runs it:
# wall time and peak RSS of each of N runs (default 3), with a fresh
# results folder each time (the example makes no network call, so the
# response cache plays no part).
#   bash bench/example.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-3}
bin=$(mktemp -d)/poc
go build -o "$bin" ./cmd/poc
for i in $(seq "$n"); do
  out=$(mktemp -d)
  /usr/bin/time -f "run $i: %e s wall, %M KB peak RSS" "$bin" run experiments/card-fraud.yaml --out "$out" >/dev/null
  rm -rf "$out"
done
