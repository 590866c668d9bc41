#!/usr/bin/env bash
# Where a sending run spends its time: sends N deliveries (rate limit off) with
# `kibaru run-once` to build/fake_gateway and prints, under `strace -c -f`, the system calls
# per SMS, or with --time the sending run's SMS/s and CPU (user + sys) per SMS, or with --threads
# (under `perf record`, which slows it) each thread's CPU time, its share of the run's wall time
# and where its samples fall (kibaru: the dispatcher; kibaru-http: the gateways' HTTP), or with
# --cycles the dispatcher's own account, which the run logs at info level when it ends: its
# cycles (claims and microseconds each, the commit's part), the share of the sending time spent
# in them, the gateway's connections busy on average, and the claim window it settled at.
# The figures quoted in BENCHMARKS.md under "Where the time goes" come from this script. To
# measure another build (an earlier commit built in a git worktree, say), set KIBARU to its
# binary; SYNCHRONOUS=normal sets [database] synchronous (a build from before that key wrote
# normal, so compare it with today's code under normal as well as under the default, full).
# Usage: scripts/profile-dispatch.sh [--time|--threads|--cycles] [N] [MAX_IN_FLIGHT]
#   (default 20000, 64)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=strace
case "${1:-}" in
  --time) mode=time; shift ;;
  --threads) mode=threads; shift ;;
  --cycles) mode=cycles; shift ;;
esac
n=${1:-20000} mif=${2:-64}
bash scripts/setup.sh >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
kibaru=${KIBARU:-./build/kibaru}
work=$(mktemp -d)
gateway_pid=
trap '[ -n "$gateway_pid" ] && kill "$gateway_pid" 2>/dev/null; rm -rf "$work"' EXIT
./build/fake_gateway --port-file "$work/port" --max-seconds 600 >/dev/null 2>&1 &
gateway_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
source scripts/dispatch-setup.sh
prepare_dispatch "$work" "$kibaru" "$(cat "$work/port")" "$mif" "$n"
if [ -n "${SYNCHRONOUS:-}" ]; then printf '[database]\nsynchronous = "%s"\n' "$SYNCHRONOUS" >> "$work/k.toml"; fi
"${k[@]}" --now 2019-01-08T21:00:00Z run-once >/dev/null # opens the week, sends nothing
if [ "$mode" = time ]; then
  /usr/bin/time -f '%e %U %S' -o "$work/time.txt" "${k[@]}" --now 2019-01-09T09:00:00Z run-once >/dev/null
  awk -v n="$n" -v mif="$mif" '{ printf "%d SMS at max_in_flight %d: %.0f SMS/s, %.1f us CPU per SMS\n",
    n, mif, n / $1, ($2 + $3) / n * 1e6 }' "$work/time.txt"
  exit 0
fi
if [ "$mode" = cycles ]; then
  sed -i 's/^level = "warn"$/level = "info"/' "$work/k.toml"
  "${k[@]}" --now 2019-01-09T09:00:00Z run-once >/dev/null
  echo "the dispatcher sending $n SMS at max_in_flight $mif:"
  grep -o 'dispatcher: .*' "$work/kibaru.log" | tail -1
  exit 0
fi
if [ "$mode" = threads ]; then
  /usr/bin/time -f '%e' -o "$work/wall.txt" perf record -q -F 1000 -o "$work/perf.data" -- \
    "${k[@]}" --now 2019-01-09T09:00:00Z run-once >/dev/null 2>&1
  echo "threads of a sending run of $n SMS at max_in_flight $mif under perf record," \
    "$(cat "$work/wall.txt") s wall (1 sample = 1 ms of CPU):"
  perf report -i "$work/perf.data" -n --no-children --sort comm,dso --stdio -q -g none 2>/dev/null |
    awk -v wall="$(cat "$work/wall.txt")" '
      NF >= 4 && $2 ~ /^[0-9]+$/ { samples[$3] += $2; part[$3 SUBSEP $4] = $2 }
      END {
        for (t in samples) {
          printf "  %-12s %5.2f s CPU, %3.0f %% of the wall time; its samples:", t,
            samples[t] / 1000, samples[t] / 1000 / wall * 100
          for (key in part) { split(key, k, SUBSEP)
            if (k[1] == t && part[key] / samples[t] >= 0.03)
              printf " %s %.0f %%", k[2], part[key] / samples[t] * 100 }
          printf "\n"
        }
      }'
  exit 0
fi
strace -c -f -o "$work/strace.txt" "${k[@]}" --now 2019-01-09T09:00:00Z run-once >/dev/null
echo "system calls per SMS, sending $n at max_in_flight $mif:"
awk -v n="$n" '$NF ~ /^[a-z_0-9]+$/ && $4 ~ /^[0-9]+$/ && $NF != "wait4" && $NF != "total" {
    printf "  %-14s %6.2f\n", $NF, $4 / n; sum += $4 } END { printf "  %-14s %6.2f\n", "all", sum / n }' \
  "$work/strace.txt" | sort -k2 -nr | head -12
