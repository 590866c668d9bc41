#!/usr/bin/env bash
# Crash soak: one campaign week of N deliveries sent through the loopback fault-injecting gateway
# (20 % HTTP 500, 5 % 429 with Retry-After, 2 % connection resets, 1 % never answering) while
# the daemon is killed with SIGKILL and restarted K times at random moments, and (with --outage)
# the gateway is down for a while halfway through. At the end it compares the gateway's own record of accepted
# requests with `kibaru report deliveries` and prints: duplicates (a delivery or a phone the
# gateway accepted twice), lost deliveries (not in a final state, or `sent` without the gateway
# having accepted it), and the `unknown` rows each crash left (at most a claim window per
# gateway: up to three times max_in_flight against these gateways, which answer at once).
# Exits 1 when any promise is broken.
#
# With --gateways 2, half the producers are Orange numbers (7x) and half Moov (6x); gateway "a"
# takes the Orange numbers first, gateway "b" every number after it. Gateway "a" refuses every
# message (403) for its first --refuse seconds, so its numbers fail over to "b"; the outage kills
# "b". Both post a delivery report for every message they accept (retried while the daemon is
# down, and kept in a journal across the gateway's own death, as an SMSC keeps them), and resend_unknown = "after_grace": the soak also checks that each accepted message was
# recorded against the gateway that accepted it, that no refused delivery went back to the
# gateway that refused it, and that no producer misses the week (no `unknown` left).
#
# Usage: scripts/soak.sh [--deliveries N] [--kills K] [--kill-within S] [--outage SECONDS]
#                        [--rate R] [--seed S] [--max-in-flight M] [--gateways 1|2]
#                        [--refuse SECONDS] [--no-build]
#   defaults: 200000 deliveries, 10 kills each 0.3 to 6 s after a start, no outage, no rate
#   limit, seed from the clock, max_in_flight 32.
#   CI runs two short ones from scripts/test.sh: --deliveries 5000 --rate 400 --kills 4
#   --kill-within 2 --outage 5, and the same with --gateways 2 --refuse 3.
#   Work files (database, logs, the gateway's record) stay in var/soak/ for inspection.
set -euo pipefail
cd "$(dirname "$0")/.."

deliveries=200000 kills=10 within=6 outage=0 rate=0 seed=$(date +%s) mif=32 build=1 gateways=1
refuse=5
while (($#)); do
  case "$1" in
    --deliveries) deliveries=$2; shift 2 ;;
    --kills) kills=$2; shift 2 ;;
    --kill-within) within=$2; shift 2 ;;
    --outage) outage=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --max-in-flight) mif=$2; shift 2 ;;
    --gateways) gateways=$2; shift 2 ;;
    --refuse) refuse=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "soak.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
RANDOM=$seed
case "$gateways" in 1|2) ;; *) echo "soak.sh: --gateways takes 1 or 2" >&2; exit 2 ;; esac

bdir=$PWD/${KIBARU_BUILD_DIR:-build}
if ((build)); then
  bash scripts/setup.sh
  cmake -S . -B "$bdir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$bdir" -j"$(nproc)" >/dev/null
fi
kibaru=$bdir/kibaru
work=$PWD/var/soak
rm -rf "$work" && mkdir -p "$work"
cd "$work"

declare -A gateway_pid gateway_port
daemon_pid=
cleanup() {
  [ -n "$daemon_pid" ] && kill -KILL "$daemon_pid" 2>/dev/null
  for pid in "${gateway_pid[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  true
}
trap cleanup EXIT

start_gateway() { # NAME [PORT] [OPTION...]: the fault mix on /mix, appending to accepted-NAME.txt
  local name=$1 port_arg=${2:-}
  shift $(($# >= 2 ? 2 : 1))
  rm -f "port-$name"
  "$bdir/fake_gateway" --port-file "port-$name" ${port_arg:+--port "$port_arg"} \
    --seed "$((seed + RANDOM))" --p500 0.20 --p429 0.05 --retry-after 1 --preset 0.02 \
    --phang 0.01 --record "accepted-$name.txt" --max-seconds 7200 "$@" >>"gateway-$name.log" 2>&1 &
  gateway_pid[$name]=$!
  for _ in $(seq 100); do [ -s "port-$name" ] && break; sleep 0.1; done
  [ -s "port-$name" ] || { echo "soak.sh: gateway $name did not start" >&2; exit 1; }
  gateway_port[$name]=$(cat "port-$name")
}
callback_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export KIBARU_CALLBACK_TOKEN=soak-token
common="rate_per_second = $rate
max_in_flight = $mif
timeout_ms = 1000
max_attempts = 12
backoff_initial_ms = 100
backoff_max_ms = 2000
breaker_cooldown_ms = 500
breaker_max_cooldown_ms = 4000"
if ((gateways == 1)); then
  start_gateway a
  outage_gateway=a
  cat >k.toml <<TOML
[gateway]
url = "http://127.0.0.1:${gateway_port[a]}/mix/cgi-bin/sendsms"
$common
TOML
else
  start_gateway a "" --refuse-for "$refuse" --report --report-journal reports-a.txt
  start_gateway b "" --report --report-journal reports-b.txt
  outage_gateway=b
  cat >k.toml <<TOML
[gateway]
$common
resend_unknown = "after_grace"
unknown_grace_seconds = 8
[[gateways]]
name = "a"
url = "http://127.0.0.1:${gateway_port[a]}/mix/cgi-bin/sendsms"
operators = ["orange"]
[[gateways]]
name = "b"
url = "http://127.0.0.1:${gateway_port[b]}/mix/cgi-bin/sendsms"
priority = 2
TOML
fi
cat >>k.toml <<TOML
[server]
listen = "127.0.0.1:$callback_port"
public_url = "http://127.0.0.1:$callback_port"
[log]
file = "kibaru.log"
level = "warn"
TOML
k=("$kibaru" --config k.toml --db soak.db)
# One gateway: Orange numbers (7x); two: Orange and Moov (6x) in turn.
awk -v n="$deliveries" -v g="$gateways" 'BEGIN { print "phone,name,commodities,language"
  for (i = 0; i < n; i++) printf "%d%07d,Producteur %d,sesame,%s\n", (g == 2 && i % 2 ? 6 : 7), i, i, (i % 3 ? "fr" : "bm") }' >contacts.csv
"${k[@]}" contacts import contacts.csv >/dev/null 2>&1
"${k[@]}" campaign create --name soak --commodity sesame --start 2019-01-07 >/dev/null 2>&1
"${k[@]}" messages set 1 --week 1 --language fr --text "{name}: sésame S{week}, Kita 650 FCFA/kg." >/dev/null
"${k[@]}" messages set 1 --week 1 --language bm --text "{name}: bɛnɛ S{week}, Kita 650 FCFA/kg." >/dev/null
# 21:00 in Bamako: the week opens (every delivery written), nothing is sent before 07:00.
"${k[@]}" --now 2019-01-08T21:00:00Z run-once >/dev/null
opened=$(sqlite3 soak.db "SELECT count(*) FROM deliveries")
echo "soak: $opened deliveries opened; seed $seed; max_in_flight $mif; rate $rate/s;" \
  "$kills SIGKILLs within ${within}s of each start; outage ${outage}s of gateway $outage_gateway;" \
  "$gateways gateway(s)$( ((gateways == 2)) && echo ", a refusing everything for its first ${refuse}s")"

# The daemon's clock runs from Wednesday 09:00 at real speed across restarts, so retries
# scheduled before a crash fall due when they should after it.
base=$(date -u -d 2019-01-09T09:00:00Z +%s)
t0=$(date +%s)
start_daemon() {
  local now
  now=$(date -u -d "@$((base + $(date +%s) - t0))" +%Y-%m-%dT%H:%M:%SZ)
  "${k[@]}" --now "$now" daemon >>daemon.out 2>&1 &
  daemon_pid=$!
}
q() { sqlite3 soak.db "$1"; }
# With after_grace, `unknown` is not final either: the grace resolves it.
open_states="'pending','sending','retrying'"
((gateways == 2)) && open_states+=",'unknown'"
open_rows() { q "SELECT count(*) FROM deliveries WHERE state IN ($open_states)"; }

outage_now() { # a gateway dies for $outage seconds under the running daemon, then comes back
  sleep 1
  kill -KILL "${gateway_pid[$outage_gateway]}"; wait "${gateway_pid[$outage_gateway]}" 2>/dev/null || true
  local before
  before=$(q "SELECT count(*) FROM deliveries WHERE state = 'failed'")
  echo "outage: gateway $outage_gateway down for ${outage}s with $(open_rows) deliveries to go"
  sleep "$outage"
  failed_in_outage=$(($(q "SELECT count(*) FROM deliveries WHERE state = 'failed'") - before))
  if ((gateways == 1)); then
    start_gateway a "${gateway_port[a]}"
  else
    start_gateway b "${gateway_port[b]}" --report --report-journal reports-b.txt
  fi
  echo "outage: over; deliveries failed meanwhile: $failed_in_outage"
}

worst=0
for i in $(seq "$kills"); do
  start_daemon
  ((outage > 0 && i == (kills + 1) / 2)) && outage_now
  # A random moment: 0.3 s to --kill-within seconds into this run.
  sleep "$(awk -v r=$RANDOM -v w="$within" 'BEGIN { printf "%.2f", 0.3 + (r % 1000) / 1000 * (w - 0.3) }')"
  kill -KILL "$daemon_pid"; wait "$daemon_pid" 2>/dev/null || true; daemon_pid=
  left=$(q "SELECT count(*) FROM deliveries WHERE state = 'sending'")
  ((left > worst)) && worst=$left
  printf 'kill %2d: %7d sent so far, %3d in flight -> unknown\n' "$i" \
    "$(q "SELECT count(*) FROM deliveries WHERE state IN ('sent', 'delivered')")" "$left"
done

start_daemon
((outage > 0 && kills == 0)) && outage_now
for _ in $(seq 3600); do
  [ "$(open_rows)" -eq 0 ] && break
  sleep 1
done
kill -TERM "$daemon_pid"
wait "$daemon_pid" && rc=0 || rc=$?
daemon_pid=
echo "final daemon exit code: $rc"

"${k[@]}" report deliveries --campaign 1 --format csv >deliveries.csv
q "SELECT id, refused_by FROM deliveries WHERE refused_by IS NOT NULL" >refused.txt
outage_entries=$(q "SELECT count(*) FROM audit_log WHERE action = 'gateway.outage'")
audit=$("${k[@]}" audit verify >/dev/null 2>&1 && echo ok || echo BROKEN)
python3 - "$mif" "$worst" "${failed_in_outage:-0}" "$outage_entries" "$audit" "$rc" "$outage" \
  "$gateways" <<'PY'
import collections, csv, glob, sys
mif, worst, failed_in_outage, outages, audit, rc, outage_wanted, gateways = sys.argv[1:]
# Each gateway claims up to three times max_in_flight (engine/lane.hpp, claim_window_max).
window = 3 * int(mif) * int(gateways)
accepted = collections.Counter()
phones = collections.Counter()
accepted_by = collections.defaultdict(set)  # ref -> the gateways that accepted it
per_gateway = collections.Counter()
for path in sorted(glob.glob("accepted-*.txt")):
    name = path[len("accepted-"):-len(".txt")]
    for line in open(path):
        ref, to = line.split()
        accepted[ref] += 1
        phones[to] += 1
        accepted_by[ref].add(name)
        per_gateway[name] += 1
rows = list(csv.DictReader(open("deliveries.csv")))
states = collections.Counter(r["state"] for r in rows)
by_ref = {r["ref"]: r for r in rows}
final = {"sent", "delivered", "failed", "unknown", "expired", "skipped"}
not_final = sum(1 for r in rows if r["state"] not in final)
sent_not_accepted = sum(1 for r in rows if r["state"] in ("sent", "delivered")
                        and r["ref"] not in accepted)
accepted_not_ours = sum(1 for ref in accepted if ref not in by_ref)
accepted_but_failed = sum(1 for ref in accepted if by_ref.get(ref, {}).get("state") == "failed")
dup_refs = sum(1 for n in accepted.values() if n > 1)
dup_phones = sum(1 for n in phones.values() if n > 1)
unknown_accepted = sum(1 for r in rows if r["state"] == "unknown" and r["ref"] in accepted)
lost = not_final + sent_not_accepted + accepted_not_ours + accepted_but_failed
# Several gateways: each accepted message is recorded against the gateway that accepted it, and
# a delivery a gateway refused never went back to it.
single = gateways == "1"
wrong_gateway = 0 if single else sum(
    1 for ref, names in accepted_by.items()
    if ref in by_ref and by_ref[ref]["gateway"] not in names)
refused = [line.strip().split("|") for line in open("refused.txt") if line.strip()]
refused_then_taken = sum(1 for ref, by in refused if accepted_by.get(ref, set()) & set(by.split(",")))
carried = sum(1 for ref, by in refused if by_ref.get(ref, {}).get("state") in ("sent", "delivered"))
print(f"""
deliveries            {len(rows)}
states                {', '.join(f'{k} {v}' for k, v in sorted(states.items()))}
gateway accepted      {sum(accepted.values())} requests for {len(accepted)} deliveries ({', '.join(f'{k} {v}' for k, v in sorted(per_gateway.items()))})
duplicates            {dup_refs} deliveries, {dup_phones} phones accepted twice or more
lost                  {lost} (not final {not_final}, sent but never accepted {sent_not_accepted},
                      accepted but recorded failed {accepted_but_failed}, unknown refs {accepted_not_ours})
unknown               {states['unknown']} ({unknown_accepted} of them reached the gateway; {'not resent' if single else 'resent after the grace unless reported'})
failover              {len(refused)} deliveries refused by a gateway, {carried} of them carried by the other; {refused_then_taken} went back to the gateway that refused them
gateway recorded      {wrong_gateway} accepted messages recorded against another gateway
worst crash           {worst} in flight -> unknown (max_in_flight {mif}; at most {window} claimed)
outage                {outages} gateway.outage audit entries; failed during the outage: {failed_in_outage}
audit verify          {audit}
""")
ok = (dup_refs == 0 and dup_phones == 0 and lost == 0 and int(worst) <= window
      and int(failed_in_outage) == 0 and audit == "ok" and rc == "0"
      and (outage_wanted == "0" or int(outages) > 0)
      and (single or (states["unknown"] == 0 and wrong_gateway == 0 and refused_then_taken == 0
                      and len(refused) > 0 and carried == len(refused))))
print("soak: PASS" if ok else "soak: FAIL")
sys.exit(0 if ok else 1)
PY
