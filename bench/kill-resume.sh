#!/usr/bin/env bash
# The kill–resume scenario of a paid LLM replay, through the binary: the
# shipped support-triage experiment (2,000 tickets) against a local
# OpenAI-compatible server failing 20% of requests, three SIGKILLs at random
# moments each followed by `poc run --resume`, with and without the
# response cache, with an ample budget and with --max-cost 0.06 on every
# attempt. Prints what the server billed against the cap (ratio ≤ 1), the
# manifest's spend and attempts, records missing and duplicated in the
# journal, answers paid for twice and requests in flight at a kill.
#   bash bench/kill-resume.sh [KILLS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)/poc
go build -o "$bin" ./cmd/poc
go run ./bench/killresume -poc "$bin" -kills "${1:-3}" -seed "${2:-1}"
