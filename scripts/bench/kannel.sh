# Section "kannel": --kannel-sms SMS through the real local Kannel (bearerbox, smsbox, fakesmsc;
# dlr-mask 31, so two delivery reports per SMS) until every one is `delivered`, beside wrk
# sending Kannel the same sendsms request with its reports going to a trivial sink, in the same
# run: the rates of both, lost reports, and report fetches that failed in smsbox's log.

# kannel_up DIR: a fresh Kannel (fresh logs) whose sms-service points at $callback_port.
kannel_up() {
  local ports
  read -r -a ports < <(free_ports 4)
  KANNEL_ADMIN_PORT=${ports[0]} KANNEL_SMSBOX_PORT=${ports[1]} KANNEL_SENDSMS_PORT=${ports[2]} \
    KANNEL_FAKE_PORT=${ports[3]} KIBARU_CALLBACK_URL=http://127.0.0.1:$callback_port \
    KIBARU_GW_PASSWORD=$gw_password KIBARU_CALLBACK_TOKEN=$callback_token \
    bash scripts/kannel/start.sh "$1" >/dev/null
  # shellcheck disable=SC1091
  . "$1/env"
}

# fetch_failures DIR: report fetches smsbox could not make (refused, reset, failed).
fetch_failures() { grep -cE "Couldn't fetch" "$1/smsbox.log" || true; }
resets() { grep -c "Connection reset" "$1/smsbox.log" || true; }

bench_kannel() {
  local n=$kannel_sms dir=$work/kannel sink_port callback_port t0 t_sent t_done
  read -r sink_port callback_port < <(free_ports 2)
  gw_password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  callback_token=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  local text='Sésame S1: Kita 640-690 FCFA/kg, hausse. Séchez bien avant la vente.'

  say "== Kannel: wrk -> sendsms for ${kannel_wrk_seconds} s, reports to a trivial sink"
  kannel_up "$dir/wrk"
  fake_gateway_on "$sink_port" --record "$dir/sink.txt"
  local url="$KANNEL_SENDSMS_URL?username=kibaru&password=$gw_password&from=KIBARU&to=%2B22376000001"
  url+="&text=$(url_encode "$text")&charset=UTF-8&dlr-mask=31&dlr-url="
  url+=$(url_encode "http://127.0.0.1:$sink_port/ok/dlr/kannel?token=x&ref=1&type=%d&ts=%T&reply=%A&smsc_id=%F")
  t0=$(date +%s.%N)
  wrk -t1 -c64 -d"${kannel_wrk_seconds}s" "$url" > "$dir/wrk.txt"
  local wrk_rate wrk_requests wrk_bad
  wrk_rate=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$dir/wrk.txt")
  wrk_requests=$(awk '/requests in/ { print $1 }' "$dir/wrk.txt")
  wrk_bad=$(awk '/Non-2xx/ { print $5 }' "$dir/wrk.txt")
  [ -z "$wrk_bad" ] || { echo "bench: Kannel refused $wrk_bad of wrk's requests" >&2; exit 1; }
  # Kannel accepted them all; now wait for their reports (two each) to reach the sink.
  local fetched=0 last=-1 still=0
  while :; do
    fetched=$(wc -l < "$dir/sink.txt")
    [ "$fetched" -ge $((2 * wrk_requests)) ] && break
    if [ "$fetched" = "$last" ]; then still=$((still + 1)); else still=0; fi
    [ $still -ge 60 ] && { echo "bench: Kannel's reports for wrk stopped at $fetched" >&2; exit 1; }
    last=$fetched
    sleep 0.5
  done
  t_done=$(date +%s.%N)
  local wrk_e2e
  wrk_e2e=$(awk -v a="$t0" -v b="$t_done" -v n="$wrk_requests" 'BEGIN { printf "%.0f", n / (b - a) }')
  bash scripts/kannel/stop.sh "$dir/wrk" >/dev/null
  say "   wrk: $wrk_rate sendsms/s accepted; its $((2 * wrk_requests)) reports all fetched after $(awk -v a="$t0" -v b="$t_done" 'BEGIN { printf "%.1f", b - a }') s: $wrk_e2e SMS/s end to end"

  say "== Kannel: kibaru daemon, $n SMS, max_in_flight 64, rate limit off, until all delivered"
  kannel_up "$dir/kibaru"
  mkdir -p "$dir/k"
  cat > "$dir/k/k.toml" <<TOML
[gateway]
url = "$KANNEL_SENDSMS_URL"
rate_per_second = 0
max_in_flight = 64
[server]
listen = "127.0.0.1:$callback_port"
public_url = "http://127.0.0.1:$callback_port"
[log]
file = "$dir/k/kibaru.log"
level = "warn"
TOML
  local k=("$kibaru" --config "$dir/k/k.toml" --db "$dir/k/d.db")
  awk -v n="$n" 'BEGIN { print "phone,name,commodities,language"
    for (i = 0; i < n; i++) printf "76%06d,Producteur %d,sesame,fr\n", i, i }' > "$dir/k/c.csv"
  "${k[@]}" contacts import "$dir/k/c.csv" >/dev/null 2>&1
  "${k[@]}" campaign create --name bench --commodity sesame --start 2019-01-07 >/dev/null 2>&1
  "${k[@]}" messages set 1 --week 1 --text "$text" >/dev/null
  "${k[@]}" --now 2019-01-08T21:00:00Z run-once >/dev/null # opens the week, sends nothing
  t0=$(date +%s.%N)
  KIBARU_GW_PASSWORD=$gw_password KIBARU_CALLBACK_TOKEN=$callback_token \
    "${k[@]}" --now 2019-01-09T09:00:00Z daemon > "$dir/k/daemon.out" 2>&1 &
  local daemon_pid=$!
  background+=("$daemon_pid")
  local sent=0 delivered=0 last_delivered=-1
  t_sent=
  still=0
  while :; do
    read -r sent delivered < <(sqlite3 "$dir/k/d.db" "SELECT total(state IN ('sent', 'delivered', 'failed')), total(state = 'delivered') FROM deliveries" | tr '|' ' ' | awk '{ printf "%d %d\n", $1, $2 }')
    [ -z "$t_sent" ] && [ "$sent" -ge "$n" ] && t_sent=$(date +%s.%N)
    [ "$delivered" -ge "$n" ] && break
    if [ "$delivered" = "$last_delivered" ]; then still=$((still + 1)); else still=0; fi
    [ $still -ge 120 ] && break # a minute without a new report: the rest are lost
    last_delivered=$delivered
    sleep 0.5
  done
  t_done=$(date +%s.%N)
  local lost=$((n - delivered)) failed_fetches reset_count
  failed_fetches=$(fetch_failures "$dir/kibaru")
  reset_count=$(resets "$dir/kibaru")
  kill -TERM "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null || true
  bash scripts/kannel/stop.sh "$dir/kibaru" >/dev/null
  [ -n "$t_sent" ] || t_sent=$t_done
  local send_rate e2e_rate send_share e2e_share
  send_rate=$(awk -v a="$t0" -v b="$t_sent" -v n="$n" 'BEGIN { printf "%.0f", n / (b - a) }')
  e2e_rate=$(awk -v a="$t0" -v b="$t_done" -v n="$delivered" 'BEGIN { printf "%.0f", n / (b - a) }')
  send_share=$(awk -v a="$send_rate" -v b="$wrk_rate" 'BEGIN { printf "%.1f", 100 * a / b }')
  e2e_share=$(awk -v a="$e2e_rate" -v b="$wrk_e2e" 'BEGIN { printf "%.1f", 100 * a / b }')
  say "   kibaru: $send_rate SMS/s sent ($send_share % of wrk), $e2e_rate SMS/s delivered end to end ($e2e_share % of wrk's); lost $lost, failed fetches $failed_fetches, resets $reset_count"
  [ "$lost" -eq 0 ] || { echo "bench: $lost of $n SMS never reported delivered" >&2; }
  local sent_wall done_wall
  sent_wall=$(awk -v a="$t0" -v b="$t_sent" 'BEGIN { printf "%.1f", b - a }')
  done_wall=$(awk -v a="$t0" -v b="$t_done" 'BEGIN { printf "%.1f", b - a }')
  cat <<MD
## Through the real Kannel, delivery reports included

Measured $(machine) by \`scripts/bench.sh --only kannel --kannel-sms $n\`.
Debian's Kannel 1.4.5 started by \`scripts/kannel/start.sh\` with the config Kibaru ships
(\`config/kannel/kannel.conf.in\`: fakesmsc as the phone network, smsbox retrying failed report
fetches), \`dlr-mask=31\`: fakesmsc reports every SMS twice (accepted by the SMSC, then
delivered), and smsbox fetches each report's \`dlr-url\` itself. On this machine smsbox's
report fetching is the bottleneck of the whole chain (it takes a core and more), whoever sends.

- **wrk**: \`wrk -t1 -c64 -d${kannel_wrk_seconds}s\` sends Kannel the sendsms GET Kibaru sends (same
  text, \`dlr-mask=31\`) with the \`dlr-url\` pointing at a trivial sink (\`build/fake_gateway\`),
  then the run waits until every one of its reports has reached the sink.
- **Kibaru**: the daemon sends one campaign week of $n SMS (max_in_flight 64, rate limit off)
  and receives the reports on its callback listener, in the same run, right after wrk on a
  fresh Kannel. "Sent" is when the last SMS was accepted by Kannel; "delivered" when every
  delivery is \`delivered\` in the database. Lost = SMS never reported delivered (a minute
  without a new report ends the wait).

| measure | wrk (sink) | Kibaru | share | target | met |
|---|---|---|---|---|---|
| sendsms accepted per second | $wrk_rate | $send_rate (all $n in ${sent_wall} s) | ${send_share} % | ≥ 50 % | $(verdict 50 "$send_share") |
| end to end: SMS per second until every report was in | $wrk_e2e | $e2e_rate (${done_wall} s) | ${e2e_share} % | — | — |
| SMS never reported delivered | — | $lost | | 0 | $(verdict "$lost" 0) |
| report fetches that failed in smsbox's log ("Couldn't fetch") | — | $failed_fetches | | 0 | $(verdict "$failed_fetches" 0) |
| "Connection reset" in smsbox's log | — | $reset_count | | 0 | $(verdict "$reset_count" 0) |

The end-to-end row is what a whole broadcast costs: both senders wait for smsbox to fetch
every report, so both are held to the same few thousand fetches a second.
MD
}
