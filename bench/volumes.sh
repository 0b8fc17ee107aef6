#!/usr/bin/env bash
# The shipped card-fraud experiment on generated data of realistic sizes,
# through the binary as a user runs it: for each size, the data is generated
# with the shipped generator (cmd/gendata, cached under $POC_BENCH_DIR),
# scanned once with poc's own reader (bench/scan: the floor), then run end
# to end with --timings, which prints every phase's wall time, CPU time and
# peak resident memory, its total row the run's peak (the largest phase's).
# /usr/bin/time's peak is not the run's under --timings: on Linux each phase
# resets the process's high-water mark, so the kernel reports the peak since
# the last reset: the script runs again without it for /usr/bin/time's figure.
#   bash bench/volumes.sh [SIZES...]      (default: 100000 1000000; 10000000 takes minutes and GBs)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(100000 1000000)
work=${POC_BENCH_DIR:-${TMPDIR:-/tmp}/poc-bench-volumes}
mkdir -p "$work/bin"
go build -o "$work/bin/poc" ./cmd/poc
go build -o "$work/bin/gendata" ./cmd/gendata
go build -o "$work/bin/scan" ./bench/scan
for n in "${sizes[@]}"; do
  dir="$work/card-$n"
  if [ ! -s "$dir/data/card-transactions.parquet" ]; then
    mkdir -p "$dir/data"
    "$work/bin/gendata" -n "$n" -out "$dir/data/card-transactions.parquet" >/dev/null
  fi
  cp experiments/card-fraud.yaml "$dir/exp.yaml"   # its data path is relative: data/card-transactions.parquet
  echo "== $n records"
  /usr/bin/time -f "plain scan: %e s wall, %M KB peak RSS" "$work/bin/scan" "$dir/data/card-transactions.parquet"
  out=$(mktemp -d)
  /usr/bin/time -f "poc run --timings: %e s wall, %U s user" "$work/bin/poc" run "$dir/exp.yaml" --out "$out" --timings 2>&1 >/dev/null |
    sed -n '/^phase/,$p'
  du -kL "$out"/*/latest/report.html "$out"/*/latest/predictions.jsonl "$out"/*/latest/predictions.parquet | awk '{printf "%s KB  %s\n", $1, $2}' | sed "s#$out/##"
  rm -rf "$out"
  /usr/bin/time -f "poc run: %e s wall, %U s user, %M KB peak RSS" "$work/bin/poc" run "$dir/exp.yaml" --out "$out" 2>&1 >/dev/null | tail -1
  rm -rf "$out"
done
