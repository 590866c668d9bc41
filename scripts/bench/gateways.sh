# Section "gateways": the cost of routing. The dispatch run (--sms SMS to the loopback fake
# gateway, rate limit off, max_in_flight 16) through one gateway, and through two [[gateways]]
# split by operator (Orange and Moov numbers in turn, 8 in flight each), alternated three times;
# CPU per SMS of each, and the two-gateway run's excess.

bench_gateways() {
  say "== gateways: $sms SMS through one gateway, then two split by operator, three pairs"
  ./build/fake_gateway --port-file "$work/gw-port" --max-seconds 1800 >/dev/null 2>&1 &
  background+=($!)
  for _ in $(seq 100); do [ -s "$work/gw-port" ] && break; sleep 0.1; done
  local port
  port=$(cat "$work/gw-port")
  source scripts/dispatch-setup.sh
  run() { # GATEWAYS -> "send_wall cpu_us_per_sms"
    local dir=$work/g$1 k
    rm -rf "$dir"
    prepare_dispatch "$dir" "$kibaru" "$port" 16 "$sms" "$1"
    "${k[@]}" --now 2019-01-08T21:00:00Z run-once >/dev/null
    sync
    local wall user sys sent
    read -r wall _ user sys < <(measure "${k[@]}" --now 2019-01-09T09:00:00Z run-once)
    sent=$(sqlite3 "$dir/d.db" "SELECT count(*) FROM deliveries WHERE state = 'sent'")
    [ "$sent" -eq "$sms" ] || { echo "bench: $sent of $sms sent" >&2; exit 1; }
    if [ "$1" = 2 ]; then
      local split
      split=$(sqlite3 "$dir/d.db" "SELECT group_concat(gateway || ' ' || n, ', ') FROM (SELECT gateway, count(*) AS n FROM deliveries GROUP BY gateway)")
      say "   two gateways: $split"
    fi
    awk -v w="$wall" -v u="$user" -v s="$sys" -v n="$sms" 'BEGIN { printf "%s %.1f\n", w, (u + s) / n * 1e6 }'
  }
  local one=() two=() pairs=""
  for _ in 1 2 3; do
    read -r w1 c1 < <(run 1)
    read -r w2 c2 < <(run 2)
    one+=("$c1"); two+=("$c2")
    pairs+="${pairs:+, }$c1 / $c2"
  done
  local med1 med2 excess
  med1=$(printf '%s\n' "${one[@]}" | sort -n | sed -n 2p)
  med2=$(printf '%s\n' "${two[@]}" | sort -n | sed -n 2p)
  excess=$(awk -v a="$med1" -v b="$med2" 'BEGIN { printf "%.1f", 100 * (b - a) / a }')
  say "   CPU per SMS: one gateway $med1 µs, two $med2 µs ($excess %); pairs $pairs"
  cat <<MD
## Two gateways: the cost of routing

Measured $(machine) by \`scripts/bench.sh --only gateways --sms $sms\`.
The dispatch run of the section above ($sms SMS, rate limit off, run-once, a fresh database
each) through one gateway at max_in_flight 16, then through two \`[[gateways]]\` split by
operator — Orange (76) and Moov (66) numbers in turn, each gateway with its own token bucket,
circuit breaker and 8 connections, so the same 16 in flight — to the same loopback fake gateway.
The pair is run three times, one right after the other (this machine's speed drifts); the
medians are compared. CPU is user + sys of the sending run divided by the number of SMS.
Absolute figures follow this shared machine's speed of the moment (the same one-gateway run
measured 41–45 µs in the dispatch section on another day); only the pairs compare.

| measure | one gateway | two gateways | target | met |
|---|---|---|---|---|
| CPU per SMS (median of 3) | ${med1} µs | ${med2} µs | two ≤ one + 10 % | $(verdict "$excess" 10) |
| excess of two over one | — | ${excess} % | ≤ 10 % | $(verdict "$excess" 10) |
| the three pairs (one / two, µs) | ${pairs} | | | |
MD
}
