#!/usr/bin/env bash
# Where a sending run spends its system calls: sends N deliveries (rate limit off) with
# `kibaru run-once` to build/fake_gateway, under `strace -c -f`, and prints the calls per SMS.
# The figures quoted in BENCHMARKS.md under "Where the time goes" come from this script.
# Usage: scripts/profile-dispatch.sh [N] [MAX_IN_FLIGHT]     (default 20000 and 64)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000} mif=${2:-64}
bash scripts/setup.sh >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
work=$(mktemp -d)
gateway_pid=
trap '[ -n "$gateway_pid" ] && kill "$gateway_pid" 2>/dev/null; rm -rf "$work"' EXIT
./build/fake_gateway --port-file "$work/port" --max-seconds 600 >/dev/null 2>&1 &
gateway_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
cat >"$work/k.toml" <<TOML
[gateway]
url = "http://127.0.0.1:$(cat "$work/port")/ok/cgi-bin/sendsms"
rate_per_second = 0
max_in_flight = $mif
[log]
file = "$work/k.log"
level = "warn"
TOML
k=(./build/kibaru --config "$work/k.toml" --db "$work/d.db")
awk -v n="$n" 'BEGIN { print "phone,name,commodities,language"
  for (i = 0; i < n; i++) printf "76%06d,Producteur %d,sesame,fr\n", i, i }' >"$work/c.csv"
"${k[@]}" contacts import "$work/c.csv" >/dev/null 2>&1
"${k[@]}" campaign create --name p --commodity sesame --start 2019-01-07 >/dev/null 2>&1
"${k[@]}" messages set 1 --week 1 --text "Sésame S{week}: Kita 640-690 FCFA/kg, hausse." >/dev/null
"${k[@]}" --now 2019-01-08T21:00:00Z run-once >/dev/null # opens the week, sends nothing
strace -c -f -o "$work/strace.txt" "${k[@]}" --now 2019-01-09T09:00:00Z run-once >/dev/null
echo "system calls per SMS, sending $n at max_in_flight $mif:"
awk -v n="$n" '$NF ~ /^[a-z_0-9]+$/ && $4 ~ /^[0-9]+$/ && $NF != "wait4" && $NF != "total" {
    printf "  %-14s %6.2f\n", $NF, $4 / n; sum += $4 } END { printf "  %-14s %6.2f\n", "all", sum / n }' \
  "$work/strace.txt" | sort -k2 -nr | head -12
