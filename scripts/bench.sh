#!/usr/bin/env bash
# Benchmarks, measured on the real binary; each section rewrites its own part of BENCHMARKS.md
# (between <!-- bench:NAME --> markers) with its figures and the command that made them, and
# leaves the other parts as they were.
#
# Usage: scripts/bench.sh [--only SECTION[,SECTION...]] [options]
#   sections (all by default, in this order):
#     import    contacts import of --rows contacts                                  (~30 s)
#     dispatch  --sms SMS to the loopback fake gateway, paired with wrk               (~2 min)
#     gateways  the same through one gateway and through two split by operator        (~4 min)
#     kannel    --kannel-sms SMS through the real Kannel until all delivered, beside wrk (~3 min)
#     reports   the raw delivery-report path: wrk against /dlr/kannel                  (~1 min)
#     inbound   a week of --inbound-sms SMS sent alone and while wrk posts --inbound-queries
#               price queries to the callback listener: each answered once, the rate kept (~1 min)
#     national  21 weeks x --rows contacts: reports, week openings, audit verify     (~10 min)
#     api       the JSON API on the national database: latency, export, sending while read
#     backup    kibaru backup of the national database while --sms SMS are sent from it: the
#               send's longest stall; dispatch with synchronous full against normal     (~4 min)
#     console   the console's memory around two imports through its forms             (~1 min)
#     micro     Google Benchmark per-row costs                                         (~10 s)
#   --rows N          contacts for import and national (1,000,000)
#   --sms N           deliveries for dispatch (100,000)
#   --kannel-sms N    SMS through Kannel (100,000); --kannel-wrk-seconds S for wrk (30)
#   --report-seconds S  length of each wrk run against /dlr/kannel (10)
#   --api-seconds S   length of the wrk run against the API (20)
#   --console-rows N  contacts uploaded through the console's import form (300,000)
#   --inbound-sms N   producers, the week's deliveries, for inbound (20,000)
#   --inbound-queries N  price queries posted during the week (10,000; at most --inbound-sms)
#   --weeks N         weeks opened for national (21)
#   --audit N         audit entries for the audit verify figure (10,000,000)
#   --work DIR        keep the scratch files (the national database among them) in DIR and
#                     reuse them on the next run, instead of a temporary directory removed at exit
#   --no-build        measure the binaries already in build/ (no setup.sh, no cmake): while
#                     another build runs in the same tree
# The national section needs about 10 GB of free disk in $TMPDIR. A section whose promise is
# broken (inbound) still writes its figures; bench.sh then exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."

sections=import,dispatch,gateways,kannel,reports,inbound,national,api,backup,console,micro
rows=1000000 sms=100000 weeks=21 audit_entries=10000000
kannel_sms=100000 kannel_wrk_seconds=30 report_seconds=10 api_seconds=20 keep_work=
inbound_sms=20000 inbound_queries=10000 console_rows=300000 bench_failed= no_build=
while [ $# -gt 0 ]; do
  case "$1" in
    --only) sections=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --sms) sms=$2; shift 2 ;;
    --kannel-sms) kannel_sms=$2; shift 2 ;;
    --kannel-wrk-seconds) kannel_wrk_seconds=$2; shift 2 ;;
    --report-seconds) report_seconds=$2; shift 2 ;;
    --api-seconds) api_seconds=$2; shift 2 ;;
    --inbound-sms) inbound_sms=$2; shift 2 ;;
    --console-rows) console_rows=$2; shift 2 ;;
    --inbound-queries) inbound_queries=$2; shift 2 ;;
    --weeks) weeks=$2; shift 2 ;;
    --audit) audit_entries=$2; shift 2 ;;
    --work) keep_work=$2; shift 2 ;;
    --no-build) no_build=1; shift ;;
    -h|--help) sed -n '2,36p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

if [ -z "$no_build" ]; then
  bash scripts/setup.sh
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build build -j"$(nproc)" >/dev/null
fi
kibaru=${KIBARU:-$PWD/build/kibaru} # another build (an earlier commit, say) with KIBARU=

if [ -n "$keep_work" ]; then mkdir -p "$keep_work"; work=$(cd "$keep_work" && pwd); else work=$(mktemp -d); fi
background=()
cleanup() {
  for pid in "${background[@]}"; do kill "$pid" 2>/dev/null || true; done
  for run in "$work"/kannel/*/; do
    [ -f "$run/bearerbox.pid" ] && bash scripts/kannel/stop.sh "$run" >/dev/null 2>&1
  done
  [ -n "$keep_work" ] || rm -rf "$work"
}
trap cleanup EXIT
say() { echo "$@" >&2; }

source scripts/bench/common.sh
IFS=, read -r -a wanted <<<"$sections"
for name in "${wanted[@]}"; do
  [ -f "scripts/bench/$name.sh" ] || { echo "bench.sh: no section $name" >&2; exit 2; }
  source "scripts/bench/$name.sh"
  "bench_$name" > "$work/$name.md"
  python3 scripts/bench/splice.py BENCHMARKS.md "$name" "$work/$name.md"
  say "== wrote the $name section of BENCHMARKS.md"
done
[ -z "$bench_failed" ] || { echo "bench.sh: a promise is broken in:$bench_failed" >&2; exit 1; }
