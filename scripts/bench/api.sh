# Section "api": the console's JSON API on the national database (--rows contacts, --weeks weeks
# of deliveries, as the "national" section builds it): latency of three reads under 20
# concurrent clients, the dispatch rate with and without them reading at the same time, and a
# streamed CSV export of a million deliveries.

# two_pairs TRIAL: runs "TRIAL alone", "TRIAL reading" twice, alternated (this machine's speed
# drifts over minutes); prints the mean SMS/s of each and how much slower reading is, in %.
# Fails when a trial does.
two_pairs() {
  local a1 r1 a2 r2
  a1=$("$1" alone) && r1=$("$1" reading) && a2=$("$1" alone) && r2=$("$1" reading) || return 1
  awk -v a=$(((a1 + a2) / 2)) -v r=$(((r1 + r2) / 2)) \
    'BEGIN { printf "%d %d %.1f\n", a, r, 100 * (a - r) / a }'
}

bench_api() {
  declare -f bench_national >/dev/null || source scripts/bench/national.sh
  [ -f "$work/b.db" ] && [ "$(sqlite3 "$work/b.db" "SELECT count(*) FROM campaign_weeks")" -ge 1 ] || bench_national >/dev/null
  local dir=$work/api console_port token k
  mkdir -p "$dir"
  read -r console_port < <(free_ports 1)
  cat > "$dir/k.toml" <<TOML
[console]
listen = "127.0.0.1:$console_port"
public_url = "http://127.0.0.1:$console_port"
[log]
file = "$dir/kibaru.log"
level = "warn"
TOML
  k=("$kibaru" --db "$work/b.db" --config "$dir/k.toml")
  "${k[@]}" users add bench --role auditor --password-stdin <<<"bench-password" >/dev/null 2>&1 || true
  token=$("${k[@]}" users token bench --label bench 2>/dev/null)
  "${k[@]}" console > "$dir/console.out" 2>&1 &
  local console_pid=$!
  background+=("$console_pid")
  wait_port "$console_port"
  say "== API on the national database: 20 clients, status / report / contacts page"
  wrk -t2 -c20 -d"${api_seconds}s" --latency --timeout 10s -s scripts/bench/api.lua \
    "http://127.0.0.1:$console_port" -- "$token" 1 > "$dir/wrk.txt"
  local p50 p99 rate errors
  p50=$(awk '/^ +50%/ { print $2 }' "$dir/wrk.txt")
  p99=$(awk '/^ +99%/ { print $2 }' "$dir/wrk.txt")
  rate=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$dir/wrk.txt")
  errors=$(awk '/Non-2xx/ { n += $5 } /Socket errors/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$dir/wrk.txt")
  say "   $rate requests/s, p50 $p50, p99 $p99, $errors errors"
  local p99_ms
  p99_ms=$(awk -v v="$p99" 'BEGIN { if (v ~ /us$/) printf "%.2f", v / 1000; else if (v ~ /ms$/) printf "%.2f", v + 0; else printf "%.2f", v * 1000 }')

  say "== a CSV export of every delivery of week 1, streamed"
  local rows export_wall export_rss
  /usr/bin/time -f '%e %M' -o "$dir/export.time" \
    curl -s -H "Authorization: Bearer $token" -o "$dir/export.csv" \
    "http://127.0.0.1:$console_port/api/v1/deliveries?campaign=1&week=1&format=csv"
  read -r export_wall _ < "$dir/export.time"
  rows=$(($(wc -l < "$dir/export.csv") - 1))
  export_rss=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$console_pid/status")
  rm -f "$dir/export.csv"
  say "   $rows rows in ${export_wall} s; the console's peak RSS ${export_rss} MiB"
  kill -TERM "$console_pid" 2>/dev/null; wait "$console_pid" 2>/dev/null || true

  say "== dispatch with and without 20 clients reading the API"
  local gateway_port
  read -r gateway_port < <(free_ports 1)
  fake_gateway_on "$gateway_port"
  source scripts/dispatch-setup.sh
  send_trial() { # "alone" or "reading" -> SMS/s of a 100k send by run-once
    local d=$dir/send-$1 k wrk_pid=
    rm -rf "$d" # each trial on a fresh database of its own
    prepare_dispatch "$d" "$kibaru" "$gateway_port" 16 "$sms"
    "${k[@]}" --now 2019-01-08T21:00:00Z run-once >/dev/null
    if [ "$1" = reading ]; then
      wrk -t2 -c20 -d600s --timeout 10s -s scripts/bench/api.lua \
        "http://127.0.0.1:$console_port" -- "$token" 1 > "$d/wrk.txt" 2>&1 &
      wrk_pid=$!
      sleep 2
    fi
    local t0 t1
    t0=$(date +%s.%N)
    "${k[@]}" --now 2019-01-09T09:00:00Z run-once >/dev/null
    t1=$(date +%s.%N)
    [ -n "$wrk_pid" ] && kill "$wrk_pid" 2>/dev/null
    wait "$wrk_pid" 2>/dev/null || true
    awk -v a="$t0" -v b="$t1" -v n="$sms" 'BEGIN { printf "%.0f", n / (b - a) }'
  }
  "${k[@]}" console > "$dir/console.out" 2>&1 &
  console_pid=$!
  background+=("$console_pid")
  wait_port "$console_port"
  local pairs alone reading slower
  pairs=$(two_pairs send_trial) # a plain assignment: a failed trial stops bench.sh (set -e)
  read -r alone reading slower <<<"$pairs"
  kill -TERM "$console_pid" 2>/dev/null; wait "$console_pid" 2>/dev/null || true
  say "   alone $alone SMS/s, with 20 API readers $reading SMS/s: $slower % slower"

  say "== the daemon sending, with and without 20 clients reading its own console"
  daemon_trial() { # "alone" or "reading" -> SMS/s of a 100k week sent by the daemon
    local d=$dir/daemon-$1 k wrk_pid= daemon_pid port server_port user_token t0= t1 left deadline
    rm -rf "$d"
    prepare_dispatch "$d" "$kibaru" "$gateway_port" 16 "$sms"
    read -r port server_port < <(free_ports 2)
    printf '[server]\nlisten = "127.0.0.1:%s"\npublic_url = "http://127.0.0.1:%s"\n' \
      "$server_port" "$server_port" >> "$d/k.toml"
    printf '[console]\nlisten = "127.0.0.1:%s"\npublic_url = "http://127.0.0.1:%s"\n' \
      "$port" "$port" >> "$d/k.toml"
    "${k[@]}" users add bench --role auditor --password-stdin <<<"bench-password" >/dev/null 2>&1
    user_token=$("${k[@]}" users token bench --label bench 2>/dev/null)
    "${k[@]}" --now 2019-01-08T21:00:00Z run-once >/dev/null
    # Two seconds before send hours: the console is up and read before the first SMS leaves.
    "${k[@]}" --now 2019-01-09T08:59:58Z daemon > "$d/daemon.out" 2>&1 &
    daemon_pid=$!
    # This runs in $(...), where a failure would not stop bench.sh: each says so and returns 1,
    # which does (a trial measured without its readers must not become a figure).
    trial_failed() {
      echo "bench: api: the daemon trial ($1): $2 (see $d/daemon.out)" >&2
      [ -n "$wrk_pid" ] && kill "$wrk_pid" 2>/dev/null
      kill -TERM "$daemon_pid" 2>/dev/null
      wait 2>/dev/null
      return 1
    }
    wait_port "$port" || { trial_failed "$1" "its console did not listen"; return 1; }
    if [ "$1" = reading ]; then
      wrk -t2 -c20 -d600s --timeout 10s -s scripts/bench/api.lua \
        "http://127.0.0.1:$port" -- "$user_token" 1 > "$d/wrk.txt" 2>&1 &
      wrk_pid=$!
    fi
    # From the first SMS claimed to the last one answered, polled every 50 ms.
    deadline=$((SECONDS + 300))
    while :; do
      kill -0 "$daemon_pid" 2>/dev/null || { trial_failed "$1" "the daemon stopped"; return 1; }
      ((SECONDS < deadline)) || { trial_failed "$1" "not sent in 300 s"; return 1; }
      left=$(sqlite3 -cmd ".timeout 2000" "$d/d.db" \
        "SELECT count(*) FROM deliveries WHERE state IN ('pending', 'sending', 'retrying')")
      [ -z "$t0" ] && [ "$left" -lt "$sms" ] && t0=$(date +%s.%N)
      [ "$left" -eq 0 ] && break
      sleep 0.05
    done
    t1=$(date +%s.%N)
    if [ -n "$wrk_pid" ]; then
      kill -0 "$wrk_pid" 2>/dev/null || { trial_failed "$1" "wrk stopped before the send ended"; return 1; }
      kill "$wrk_pid" 2>/dev/null
      wait "$wrk_pid" 2>/dev/null || true
    fi
    kill -TERM "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null || true
    awk -v a="$t0" -v b="$t1" -v n="$sms" 'BEGIN { printf "%.0f", n / (b - a) }'
  }
  local d_alone d_reading d_slower
  pairs=$(two_pairs daemon_trial)
  read -r d_alone d_reading d_slower <<<"$pairs"
  say "   alone $d_alone SMS/s, with 20 readers of its console $d_reading SMS/s: $d_slower % slower"
  cat <<MD
## The JSON API on the national database

Measured $(machine) by \`scripts/bench.sh --only api --rows $rows\`.
The database of the national section ($(sqlite3 "$work/b.db" "SELECT count(*) FROM contacts") contacts,
$(sqlite3 "$work/b.db" "SELECT count(*) FROM deliveries") deliveries). \`kibaru console\` serves the API;
every request runs on one of its two worker threads, each with its own connection.

- **Reads**: \`wrk -t2 -c20 -d${api_seconds}s --latency -s scripts/bench/api.lua\`, 20 clients with an
  auditor's API token, each request in turn \`GET /api/v1/status\`, \`GET
  /api/v1/campaigns/1/report\` and a contacts page (\`limit=50&after=500000&region=Kita\`).
- **Export**: \`curl\` of \`/api/v1/deliveries?campaign=1&week=1&format=csv\` (streamed); the
  console's peak RSS (VmHWM) after it.
- **Sending while read**: \`scripts/bench.sh\`'s dispatch run ($sms SMS to the fake gateway,
  max_in_flight 16, run-once on its own database) alone, then while the 20 clients read the
  national database through the console; two pairs, averaged.
- **The daemon sending while its console is read**: as deployed, one \`kibaru daemon\` sends
  the same week ($sms SMS, max_in_flight 16, from the first SMS claimed to the last answered)
  and serves the console on its own database of $sms producers (not the national one), read by
  the same 20 clients; two pairs, averaged. The console's connections are served
  on an I/O thread of their own, not on the dispatcher's.

| measure | value | target | met |
|---|---|---|---|
| reads: requests per second | $rate | — | — |
| reads: p50 / p99 latency | $p50 / $p99 | p99 ≤ 50 ms | $(verdict "$p99_ms" 50) |
| reads: errors (non-2xx, socket) | $errors | 0 | $(verdict "$errors" 0) |
| CSV export of $rows deliveries | ${export_wall} s, console peak RSS ${export_rss} MiB | RSS ≤ 64 MiB | $(verdict "$export_rss" 64) |
| sending alone / with 20 API readers | $alone / $reading SMS/s ($slower % slower) | ≤ 10 % slower | $(verdict "$slower" 10) |
| the daemon sending alone / with 20 readers of its console | $d_alone / $d_reading SMS/s ($d_slower % slower) | ≤ 10 % slower | $(verdict "$d_slower" 10) |

The two wrk threads generating the load, the console's two workers (niced to 10) and the
sender share this machine's 2 cores, so part of any slowdown is wrk's own CPU, which a real
console's readers (browsers on other machines) do not take.

Before 0ac7f50 the daemon served its console on the dispatcher's own loop. The daemon row with
a build of 2f859f4 (the commit before it), measured by this section on the same machine that day
(\`KIBARU=<that build>/kibaru scripts/bench.sh --no-build --only api\`): 15,780 SMS/s alone and
10,230 while read, 35.2 % slower, against 22.7 % in the table.

Since 83d9350, 19a5401 and 14dcb3b (the gateways' HTTP on a thread of its own, a deeper window
of claims) sending alone uses more of the two cores, so readers take a larger share of it: on 3
December, before them, this section measured 19,120 / 14,693 SMS/s (23.2 % slower) and 17,011 /
13,581 (20.2 %); after the first two, 20,909 while read (28.7 % and 31.3 % slower); after the
third, the rates in the table (4 December). Sending while read is faster than sending alone
was before; as a share, the slowdown grew.
MD
}
