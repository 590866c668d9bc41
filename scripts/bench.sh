#!/usr/bin/env bash
# Benchmarks, measured on the real binary, written to BENCHMARKS.md with the command that made
# them. Usage: scripts/bench.sh [--rows N]   (default 1,000,000 contacts)
set -euo pipefail
cd "$(dirname "$0")/.."

rows=1000000
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=$2; shift 2 ;;
    -h|--help) sed -n '2,3p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
kibaru=$PWD/build/kibaru

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
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

## Per-row costs (Google Benchmark, \`build/tests/bench/bench_core\`)

| benchmark | time per iteration |
|---|---|
$micro

\`bm_phone_normalization\` is one number; \`bm_csv_parse\` is 10,001 rows.
MD
echo "== wrote BENCHMARKS.md"
