#!/usr/bin/env bash
# Benchmarks, measured on the real binary, written to BENCHMARKS.md with the command that made
# them. Usage: scripts/bench.sh [--rows N] [--sms N]
#   --rows N   contacts for the import benchmark (default 1,000,000)
#   --sms N    deliveries for the dispatch benchmark (default 100,000)
set -euo pipefail
cd "$(dirname "$0")/.."

rows=1000000
sms=100000
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=$2; shift 2 ;;
    --sms) sms=$2; shift 2 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
kibaru=$PWD/build/kibaru

work=$(mktemp -d)
gateway_pid=
trap '[ -n "$gateway_pid" ] && kill "$gateway_pid" 2>/dev/null; rm -rf "$work"' EXIT
csv=$work/contacts.csv

# Distinct valid Malian mobiles, written the usual local ways in turn.
awk -v rows="$rows" 'BEGIN {
  print "phone,name,organisation,kind,region,commodities,language,tags"
  split("50 66 70 76 82 91 65 74 79 95", prefix, " ")
  split("Kita Dioila Sikasso Ségou Mopti Koutiala Kayes Timbuktu", region, " ")
  for (i = 0; i < rows; i++) {
    n = int(i / 10); p = prefix[(i % 10) + 1]
    a = int(n / 10000) % 100; b = int(n / 100) % 100; c = n % 100
    s = i % 4
    if (s == 0) phone = sprintf("%s %02d %02d %02d", p, a, b, c)
    else if (s == 1) phone = sprintf("00223%s%02d%02d%02d", p, a, b, c)
    else if (s == 2) phone = sprintf("+223 %s-%02d-%02d-%02d", p, a, b, c)
    else phone = sprintf("%s.%02d.%02d.%02d", p, a, b, c)
    printf "%s,Producteur %d,Coopérative %d,producer,%s,sesame,bm,\n", phone, i, i % 50, region[(i % 8) + 1]
  }
}' > "$csv"
size_mib=$(awk -v b="$(stat -c %s "$csv")" 'BEGIN { printf "%.1f", b / 1048576 }')

measure() { # prints: wall_s peak_rss_mib user_s sys_s
  local out=$work/time.txt
  /usr/bin/time -f '%e %M %U %S' -o "$out" "$@" >/dev/null 2>"$work/stderr.txt" || {
    local rc=$?; [ $rc -eq 3 ] || { cat "$work/stderr.txt" >&2; exit $rc; }; }
  awk '{ printf "%s %.0f %s %s\n", $1, $2 / 1024, $3, $4 }' "$out"
}

echo "== contacts import: $rows rows ($size_mib MiB)"
read -r new_wall new_rss new_user new_sys < <(measure "$kibaru" --db "$work/b.db" --config config/kibaru.toml contacts import "$csv")
imported=$(sqlite3 "$work/b.db" "SELECT count(*) FROM contacts")
[ "$imported" -eq "$rows" ] || { echo "bench.sh: expected $rows contacts, found $imported" >&2; exit 1; }
echo "   new contacts: ${new_wall}s, peak RSS ${new_rss} MiB"
read -r upd_wall upd_rss upd_user upd_sys < <(measure "$kibaru" --db "$work/b.db" --config config/kibaru.toml contacts import "$csv")
echo "   re-import (all updates): ${upd_wall}s, peak RSS ${upd_rss} MiB"

echo "== dispatch: $sms deliveries to the loopback fake gateway, rate limit off"
./build/fake_gateway --port-file "$work/port" --max-seconds 900 >/dev/null 2>&1 &
gateway_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
dispatch() { # max_in_flight -> "open_wall send_wall send_cpu_us sms_per_s"
  local mif=$1 dir=$work/d$1
  mkdir -p "$dir"
  cat > "$dir/k.toml" <<TOML
[gateway]
url = "http://127.0.0.1:$port/ok/cgi-bin/sendsms"
rate_per_second = 0
max_in_flight = $mif
[log]
file = "$dir/kibaru.log"
level = "warn"
TOML
  local k=("$kibaru" --config "$dir/k.toml" --db "$dir/d.db")
  awk -v n="$sms" 'BEGIN { print "phone,name,commodities,language"
    for (i = 0; i < n; i++) printf "76%06d,Producteur %d,sesame,fr\n", i, i }' > "$dir/c.csv"
  "${k[@]}" contacts import "$dir/c.csv" >/dev/null
  "${k[@]}" campaign create --name bench --commodity sesame --start 2019-01-07 >/dev/null 2>&1
  "${k[@]}" messages set 1 --week 1 --text "Sésame S{week}: Kita 640-690 FCFA/kg, hausse. Séchez bien avant la vente." >/dev/null
  # 21:00 in Bamako: the week opens (its deliveries are written), nothing is sent yet.
  read -r open_wall _ _ _ < <(measure "${k[@]}" --now 2019-01-08T21:00:00Z run-once)
  read -r send_wall _ send_user send_sys < <(measure "${k[@]}" --now 2019-01-09T09:00:00Z run-once)
  local sent
  sent=$(sqlite3 "$dir/d.db" "SELECT count(*) FROM deliveries WHERE state = 'sent'")
  [ "$sent" -eq "$sms" ] || { echo "bench.sh: $sent of $sms sent" >&2; exit 1; }
  awk -v o="$open_wall" -v w="$send_wall" -v u="$send_user" -v s="$send_sys" -v n="$sms" \
    'BEGIN { printf "%s %s %.0f %.0f\n", o, w, (u + s) / n * 1e6, n / w }'
}
read -r open16 wall16 cpu16 rate16 < <(dispatch 16)
read -r open64 wall64 cpu64 rate64 < <(dispatch 64)
echo "   week opening: ${open16}s; sending: ${rate16} SMS/s at max_in_flight 16, ${rate64} at 64"
wrk_rate=$(wrk -t1 -c64 -d5s "http://127.0.0.1:$port/ok/cgi-bin/sendsms?to=%2B22376000001&text=x" |
  awk '/Requests\/sec/ { printf "%.0f", $2 }')
echo "   wrk against the same gateway: ${wrk_rate} requests/s"
ratio16=$(awk -v a="$rate16" -v b="$wrk_rate" 'BEGIN { printf "%.0f", 100 * a / b }')
ratio64=$(awk -v a="$rate64" -v b="$wrk_rate" 'BEGIN { printf "%.0f", 100 * a / b }')

echo "== micro-benchmarks"
micro=$(./build/tests/bench/bench_core --benchmark_min_time=0.5 2>/dev/null | awk '/^bm_/ { printf "| `%s` | %s %s |\n", $1, $2, $3 }')
echo "$micro"

verdict() { awk -v v="$1" -v max="$2" 'BEGIN { print (v <= max) ? "yes" : "**no**" }'; }
cpu=$(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }')

cat > BENCHMARKS.md <<MD
# Benchmarks

Produced by \`scripts/bench.sh --rows $rows\` on $(date -u +%Y-%m-%d), $(nproc) cores
($cpu), $(free -g | awk '/Mem:/ { print $2 }') GiB, $(lsb_release -ds 2>/dev/null || echo Debian).
Wall time and peak RSS come from \`/usr/bin/time\` around the real binary on a real SQLite file
(WAL, \`synchronous = NORMAL\`). Re-run the command to reproduce; figures vary a few percent run
to run.

## Contacts import

$rows generated, distinct, valid Malian mobile numbers ($size_mib MiB of CSV), written four
usual ways in turn (\`76 12 34 56\`, \`0022376123456\`, \`+223 76-12-34-56\`, \`76.12.34.56\`),
every column filled. One transaction, one audit entry.

| run | wall time | peak RSS | CPU user + sys | target | met |
|---|---|---|---|---|---|
| import into an empty database | ${new_wall} s | ${new_rss} MiB | ${new_user} s + ${new_sys} s | ≤ 10 s, ≤ 200 MiB | $(verdict "$new_wall" 10) / $(verdict "$new_rss" 200) |
| the same file again (every row an update) | ${upd_wall} s | ${upd_rss} MiB | ${upd_user} s + ${upd_sys} s | — | — |

How: rows are parsed on the main thread, validated in batches of 4,096 on all cores (phone
normalization is the costly part; a quick path builds the number directly and leaves unusual
writings to libphonenumber's full parser), and written in file order through one prepared
upsert with a 64 MiB page cache.

## Dispatch

$sms deliveries of one campaign week (one French GSM-7 message with \`{week}\`, 1 segment) sent
by \`kibaru run-once\` to \`build/fake_gateway\` on loopback (Kannel-style \`202 0: Accepted\`),
rate limit off. The week is opened first by a run-once outside send hours (the audience fixed
in one set-based INSERT, with an event per delivery), then a second run-once sends everything;
each SMS is committed as \`sending\` before its request leaves and its outcome (\`sent\`, HTTP
status, latency) recorded with its event, so the figures include every durable state change.
CPU is user + sys of the sending run divided by the number of SMS. wrk ran against the same
gateway in the same run (\`wrk -t1 -c64 -d5s\`), on the same two cores.

| measure | max_in_flight 16 (default) | max_in_flight 64 | target | met |
|---|---|---|---|---|
| opening the week ($sms deliveries) | ${open16} s | ${open64} s | — | — |
| sending | ${wall16} s, ${rate16} SMS/s | ${wall64} s, ${rate64} SMS/s | — | — |
| share of wrk's ${wrk_rate} requests/s | ${ratio16} % | ${ratio64} % | ≥ 25 % | $(verdict 25 "$ratio64") |
| CPU per SMS | ${cpu16} µs | ${cpu64} µs | ≤ 50 µs | $(verdict "$cpu64" 50) |

Where the time goes — measured by hand, not by this script, with \`perf record -g\` around the
sending run-once at max_in_flight 64 (\`perf report --sort dso\`): about a third in the kernel (loopback TCP, epoll,
curl's connection-alive poll — system calls are costly on this virtual machine), and about a
fifth each in libcurl's per-transfer work, libc allocation and copying, and SQLite (an UPDATE and
an event INSERT per state change, and the event seals).

## Per-row costs (Google Benchmark, \`build/tests/bench/bench_core\`)

| benchmark | time per iteration |
|---|---|
$micro

\`bm_phone_normalization\` is one number; \`bm_csv_parse\` is 10,001 rows.
MD
echo "== wrote BENCHMARKS.md"
