# Section "reports": the raw delivery-report path. wrk fires Kannel delivery reports at the
# daemon's /dlr/kannel for --report-seconds, at 64 and at 500 connections; the figure is
# reports applied (their events written and committed) per second.

bench_reports() {
  local dir=$work/reports n=100000 gateway_port callback_port
  mkdir -p "$dir"
  read -r gateway_port callback_port < <(free_ports 2)
  say "== delivery reports: wrk -> /dlr/kannel for ${report_seconds} s ($n deliveries sent first)"
  fake_gateway_on "$gateway_port"
  cat > "$dir/k.toml" <<TOML
[gateway]
url = "http://127.0.0.1:$gateway_port/ok/cgi-bin/sendsms"
rate_per_second = 0
max_in_flight = 64
[server]
listen = "127.0.0.1:$callback_port"
[log]
file = "$dir/kibaru.log"
level = "warn"
TOML
  local k=("$kibaru" --config "$dir/k.toml" --db "$dir/d.db")
  awk -v n="$n" 'BEGIN { print "phone,name,commodities,language"
    for (i = 0; i < n; i++) printf "76%06d,Producteur %d,sesame,fr\n", i, i }' > "$dir/c.csv"
  "${k[@]}" contacts import "$dir/c.csv" >/dev/null 2>&1
  "${k[@]}" campaign create --name bench --commodity sesame --start 2019-01-07 >/dev/null 2>&1
  "${k[@]}" messages set 1 --week 1 --text 'Sésame S{week}: Kita 640-690 FCFA/kg.' >/dev/null
  "${k[@]}" --now 2019-01-09T09:00:00Z run-once >/dev/null
  KIBARU_CALLBACK_TOKEN=bench "${k[@]}" --now 2019-01-09T10:00:00Z daemon > "$dir/daemon.out" 2>&1 &
  local daemon_pid=$!
  background+=("$daemon_pid")
  wait_port "$callback_port"
  local rows="" c before after wrk_rate applied errors
  for c in 64 500; do
    before=$(sqlite3 "$dir/d.db" "SELECT count(*) FROM delivery_events")
    wrk -t2 -c"$c" -d"${report_seconds}s" --timeout 10s -s scripts/bench/dlr.lua \
      "http://127.0.0.1:$callback_port" -- "$n" bench 2 > "$dir/wrk$c.txt"
    after=$(sqlite3 "$dir/d.db" "SELECT count(*) FROM delivery_events")
    wrk_rate=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$dir/wrk$c.txt")
    errors=$(awk '/Non-2xx/ { n += $5 } /Socket errors/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$dir/wrk$c.txt")
    applied=$(awk -v a="$before" -v b="$after" -v s="$report_seconds" 'BEGIN { printf "%.0f", (b - a) / s }')
    say "   $c connections: $wrk_rate answered/s, $applied applied/s, $errors errors"
    rows+="| $c | $wrk_rate | $applied | $errors | ≥ 10000 | $(verdict 10000 "$applied") |"$'\n'
  done
  kill -TERM "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null || true
  cat <<MD
## Delivery reports: the raw path

Measured $(machine) by \`scripts/bench.sh --only reports\`.
$n deliveries of one week are sent first (run-once to \`build/fake_gateway\`); then the daemon
runs and \`wrk -t2 --timeout 10s -d${report_seconds}s -s scripts/bench/dlr.lua\` fires Kannel delivery
reports at \`/dlr/kannel\` with the token (each delivery reported accepted by the SMSC, then
delivered, then again: late duplicates, which are recorded too). "Applied" counts the report
events committed during the run, divided by its length. Reports arriving in one turn of the
loop are applied in one transaction with one seal, and each is answered after that commit.

| connections | answered per second (wrk) | applied per second | errors (non-2xx, socket) | target | met |
|---|---|---|---|---|---|
$rows
MD
}
