#!/usr/bin/env bash
# LLM replay through the binary (issue 14): 10,000 generated support tickets
# through one `llm` pipeline against a local OpenAI-compatible server run as
# a separate process (bench/llmserver, 50 ms latency), as a user runs poc.
# For each scenario it prints the wall time of every run and its ratio to
# the ideal N × latency ÷ concurrency:
#   - clean server, concurrency 64: the bare client (bench/bareclient: the
#     same requests from 64 goroutines over net/http, nothing else) and
#     `poc run` with a fresh cache, alternating;
#   - 5% of requests answered 429 without Retry-After (every 20th), at
#     concurrency 16 and 64: `poc run` with a fresh cache;
#   - the rerun from the response cache of a clean run's 10,000 answers
#     (the server counts the requests: none may arrive).
# Every poc run has --timings; the phases of each scenario's last run are
# printed. Cache and results folders are removed only at the end: removing
# thousands of files between runs slows the file creations of the next run
# on a file system that, like ext4, avoids reusing inodes freed in the last
# minutes.
#   bash bench/llm.sh [RUNS]      (default 3 runs of each)
# POC_BENCH_POC=/path/to/poc runs that binary instead of one built from
# this tree (to compare with another version).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
n=${POC_BENCH_RECORDS:-10000}
latency_ms=50
work=${POC_BENCH_DIR:-${TMPDIR:-/tmp}/poc-bench-llm}
bin=${POC_BENCH_BIN:-/tmp/llmbin}
mkdir -p "$work" "$bin"
if [ -n "${POC_BENCH_POC:-}" ]; then cp "$POC_BENCH_POC" "$bin/poc"; else go build -o "$bin/poc" ./cmd/poc; fi
go build -o "$bin/llmserver" ./bench/llmserver
go build -o "$bin/bareclient" ./bench/bareclient
go build -o "$bin/gendata" ./cmd/gendata
repo=$(pwd)

data="$work/tickets-$n.jsonl"
[ -s "$data" ] || "$bin/gendata" -dataset tickets -n "$n" -out "$data" >/dev/null

export POC_BENCH_LLM_KEY=sk-bench-not-a-secret
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=""
}
scratch=$(mktemp -d "$work/run.XXXX")   # every run's cache and results folders, removed at the end
trap 'stop_server; rm -rf "$scratch"' EXIT
# start_server THROTTLE: starts bench/llmserver and sets $url.
start_server() {
  stop_server
  rm -f "$work/server.url"
  "$bin/llmserver" -latency "${latency_ms}ms" -throttle "$1" -answer billing >"$work/server.url" &
  server_pid=$!
  for _ in $(seq 100); do [ -s "$work/server.url" ] && break; sleep 0.05; done
  url=$(head -1 "$work/server.url")
  [ -n "$url" ] || { echo "llmserver did not start" >&2; exit 1; }
}
requests() { curl -s "${url%/v1}/stats" | sed 's/.*"requests":\([0-9]*\).*/\1/'; }
busy() { curl -s "${url%/v1}/stats" | sed 's/.*"busy_ns":\([0-9]*\).*/\1/'; }
# inflight BUSY_BEFORE WALL: the requests in flight on average since BUSY_BEFORE.
inflight() { awk -v a="$1" -v b="$(busy)" -v w="$2" 'BEGIN { printf "%.1f in flight", (b - a) / 1e9 / w }'; }

# write_experiment CONCURRENCY: the experiment file, its base_url the server's.
write_experiment() {
  cat >"$work/llm.yaml" <<YAML
version: 1
name: llm-bench
use_case:
  question: Does an LLM route the generated support tickets well enough?
  owner: Benchmarks
  volume_per_year: 240000
  currency: EUR
dataset:
  path: $data
  id: ticket_id
  label: queue
  time: created_at
  segments: [channel, customer_tier]
pipelines:
  - name: llm-router
    role: candidate
    type: llm
    base_url: $url
    api_key_env: POC_BENCH_LLM_KEY
    model: gpt-4o-mini
    system_file: $repo/experiments/prompts/triage-system.txt
    prompt: "Subject: {{.subject}}\n\n{{.body}}"
    temperature: 0
    max_tokens: 5
    seed: 7
    output:
      type: label
      labels: [billing, technical, account, shipping, cancellation]
    price: {input_per_million: 0.15, output_per_million: 0.60}
    concurrency: $1
    timeout: 30s
    retries: 5
    expected_output_tokens: 2
    expected_latency: ${latency_ms}ms
privacy:
  pseudonymise: [email, phone, iban, card]
  allow_urls: ["$url"]
budget:
  max_cost: 50.00
  max_error_rate: 0.2
metrics: [accuracy, macro_f1, error_rate, cost_per_record, latency_p95]
criteria:
  - {metric: accuracy, pipeline: llm-router, at_least: 20%, must: true}
  - {metric: error_rate, pipeline: llm-router, at_most: 2%}
report:
  confidence: 0.95
  bootstrap: {resamples: 2000, seed: 7}
YAML
}

ideal() { awk -v n="$n" -v l="$latency_ms" -v c="$1" 'BEGIN { printf "%.3f", n * l / 1000 / c }'; }
ratio() { awk -v w="$1" -v i="$2" 'BEGIN { printf "%.3f", w / i }'; }
# timed LOG CMD...: runs CMD, prints its wall seconds; stderr goes to LOG,
# the wall, user and system seconds to LOG.time.
timed() {
  local log=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$log.time" "$@" >"$log.out" 2>"$log"
  awk '{ printf "%.2f", $1 }' "$log.time"
}
cpu() { awk '{ printf "%.2f s CPU", $2 + $3 }' "$1.time"; }
# poc_run CONC CACHE LOG: one `poc run` with the cache folder CACHE.
poc_run() {
  local out; out=$(mktemp -d "$scratch/out.XXXX")
  timed "$3" "$bin/poc" run "$work/llm.yaml" --out "$out" --cache-dir "$2" --timings
}
phases() { echo "  phases of the last run:"; sed -n '/^phase/,$p' "$1" | sed 's/^/    /'; }
# replay LOG: the replay phase's wall time in a run's --timings.
replay() { awk '$1 == "replay" { print $2 }' "$1"; }

echo "== clean server, concurrency 64 (ideal $(ideal 64) s)"
start_server 0
write_experiment 64
last_cache=""
for i in $(seq "$runs"); do
  before=$(requests); b0=$(busy)
  w=$(timed "$work/bare.log" "$bin/bareclient" -url "$url" -data "$data" -concurrency 64 \
    -system experiments/prompts/triage-system.txt)
  echo "  bare client  run $i: $w s wall, $(ratio "$w" "$(ideal 64)") × ideal, $(cpu "$work/bare.log"), $(( $(requests) - before )) requests, $(inflight "$b0" "$w") ($(cat "$work/bare.log.out"))"
  last_cache=$(mktemp -d "$scratch/cache.XXXX")
  before=$(requests); b0=$(busy)
  w=$(poc_run 64 "$last_cache" "$work/clean.log")
  echo "  poc run      run $i: $w s wall, $(ratio "$w" "$(ideal 64)") × ideal, $(cpu "$work/clean.log"), $(( $(requests) - before )) requests, replay $(replay "$work/clean.log") s with $(inflight "$b0" "$(replay "$work/clean.log")")"
done
phases "$work/clean.log"

echo "== rerun from the response cache of the last clean run (target ≤ 1 s)"
for i in $(seq "$runs"); do
  before=$(requests)
  w=$(poc_run 64 "$last_cache" "$work/cached.log")
  echo "  poc run (cached) run $i: $w s wall, $(cpu "$work/cached.log"), $(( $(requests) - before )) requests, replay $(replay "$work/cached.log") s"
done
phases "$work/cached.log"

start_server 0.05
for conc in 16 64; do
  echo "== 5% of requests answered 429 without Retry-After, concurrency $conc (ideal $(ideal "$conc") s, target ≤ 1.5 × ideal)"
  write_experiment "$conc"
  for i in $(seq "$runs"); do
    cache=$(mktemp -d "$scratch/cache.XXXX")
    before=$(requests); b0=$(busy)
    w=$(poc_run "$conc" "$cache" "$work/429-$conc.log")
    echo "  poc run      run $i: $w s wall, $(ratio "$w" "$(ideal "$conc")") × ideal, $(cpu "$work/429-$conc.log"), $(( $(requests) - before )) requests, replay $(replay "$work/429-$conc.log") s with $(inflight "$b0" "$(replay "$work/429-$conc.log")")"
  done
  phases "$work/429-$conc.log"
done
