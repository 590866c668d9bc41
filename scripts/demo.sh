#!/usr/bin/env bash
# Kibaru end to end, on one machine, in a few minutes: installs what is missing, builds, starts
# a local Kannel (Debian's bearerbox, smsbox, and fakesmsc playing the phone network), imports
# the 2,080 sample producers, creates the 2019 sesame campaign with the French and Bambara
# templates and the markets' prices, and runs the daemon through the first three weeks on a
# simulated clock — delivery reports coming back from Kannel, one producer answering STOP, another
# asking PRIX SESAME KITA — then prints the per-week report,
# stops Kannel, creates a demo admin with a random password and leaves the web console running
# (Ctrl-C stops it) for a person to sign in to. Results stay in var/demo/.
# Usage: scripts/demo.sh [--weeks N] [--no-console]
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
weeks=3
serve_console=1
while [ $# -gt 0 ]; do
  case "$1" in
    --weeks) weeks=$2; shift 2 ;;
    --no-console) serve_console=0; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "demo.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "installing what is missing and building"
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target kibaru >/dev/null
kibaru=$top/build/kibaru

demo=$top/var/demo
rm -rf "$demo"
mkdir -p "$demo"
daemon_pid=
cleanup() {
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  bash "$top/scripts/kannel/stop.sh" "$demo/kannel" >/dev/null 2>&1 || true
}
trap cleanup EXIT

say "starting a local Kannel (127.0.0.1)"
export KANNEL_ADMIN_PORT=23000 KANNEL_SMSBOX_PORT=23001 KANNEL_SENDSMS_PORT=23013
export KANNEL_FAKE_PORT=23010 KIBARU_CALLBACK_URL=http://127.0.0.1:28080
bash scripts/kannel/start.sh "$demo/kannel"
# shellcheck disable=SC1091
. "$demo/kannel/env"

cat > "$demo/kibaru.toml" <<TOML
# The demo's configuration: config/kibaru.toml's defaults, with the local Kannel's ports.
[database]
path = "$demo/kibaru.db"
[gateway]
url = "$KANNEL_SENDSMS_URL"
rate_per_second = 200
resend_unknown = "after_grace"  # Kannel reports within seconds (dlr-mask 31)
[server]
listen = "127.0.0.1:28080"
public_url = "http://127.0.0.1:28080"
[console]
listen = "127.0.0.1:28090"
public_url = "http://127.0.0.1:28090"
[inbound]
stop_reply = "Kibaru: vous ne recevrez plus nos SMS. Envoyez START pour reprendre."
[log]
file = "$demo/kibaru.log"
TOML
k() { "$kibaru" --config "$demo/kibaru.toml" --actor demo "$@"; }

say "importing the sample producers"
k contacts import samples/producers.csv
k contacts list --commodity sesame --format csv | tail -n +2 | wc -l | xargs echo "sesame growers:"

say "creating the 2019 sesame campaign and its messages"
id=$(k campaign create --name "Sésame 2019" --commodity sesame --start 2019-01-07)
for language in fr bm; do
  k messages render "$id" --template "templates/sesame.$language.txt" \
    --data templates/sesame-prices.csv | tail -n 1
done
k campaign preview "$id" --week 1
say "importing the markets' prices, which producers can ask for by SMS"
k prices import samples/market-prices.csv

opens() { k campaign show "$id" --format json | python3 -c \
  "import json,sys; print(json.load(sys.stdin)['weeks'][$1 - 1]['opens_at'])"; }
settled() { # week: opened, nothing left to send, and the delivery reports are in
  [ "$(sqlite3 "$demo/kibaru.db" "SELECT (SELECT count(*) FROM campaign_weeks WHERE week = $1) ||
    (SELECT count(*) FROM deliveries WHERE week = $1 AND state IN ('pending', 'sending', 'retrying', 'sent'))")" = 10 ]
}
stopper=$(sqlite3 "$demo/kibaru.db" "SELECT phone FROM contacts WHERE commodities LIKE '%sesame%' ORDER BY id LIMIT 1 OFFSET 7")
asker=$(sqlite3 "$demo/kibaru.db" "SELECT phone FROM contacts WHERE commodities LIKE '%sesame%' ORDER BY id LIMIT 1 OFFSET 3")

for ((week = 1; week <= weeks; week++)); do
  start=$(opens "$week" | sed 's/T08:00:00Z/T09:00:00Z/')
  say "week $week: the daemon runs from $start (simulated clock)"
  "$kibaru" --config "$demo/kibaru.toml" --now "$start" daemon >> "$demo/daemon.out" 2>&1 &
  daemon_pid=$!
  done_sending=0
  for _ in $(seq 600); do settled "$week" && { done_sending=1; break; }; sleep 0.1; done
  if [ "$done_sending" -ne 1 ]; then
    echo "demo.sh: week $week did not finish sending within 60 s; see $demo/daemon.out and $demo/kibaru.log" >&2
    exit 1
  fi
  if [ "$week" = 1 ]; then
    echo "$stopper answers \"Stop.\" through the phone network"
    echo "$stopper KIBARU text Stop." > "$demo/kannel/mo.fifo"
    for _ in $(seq 200); do
      [ "$(sqlite3 "$demo/kibaru.db" "SELECT status FROM contacts WHERE phone = '$stopper'")" = opted_out ] && break
      sleep 0.1
    done
    sleep 1 # the confirmation SMS goes back through Kannel
    echo "$asker asks \"Prix sesame Kita\" through the phone network"
    echo "$asker KIBARU text Prix sesame Kita" > "$demo/kannel/mo.fifo"
    for _ in $(seq 200); do
      [ "$(sqlite3 "$demo/kibaru.db" "SELECT count(*) FROM replies WHERE phone = '$asker' AND state = 'delivered'")" = 1 ] && break
      sleep 0.1
    done
    sqlite3 "$demo/kibaru.db" "SELECT 'the reply, ' || state || ': ' || text FROM replies WHERE phone = '$asker'"
  fi
  kill -TERM "$daemon_pid"; wait "$daemon_pid" || true; daemon_pid=
  k report campaign "$id" --format csv | awk -F, -v w="$week" '$1 == w {
    printf "week %s: %s targeted, %s delivered, %s failed, %s skipped, %s expired\n", $1, $4, $9, $10, $12, $11 }'
done

say "per-week report"
# Read whole before it is cut: under pipefail, `report | head` fails when head closes the pipe
# before the report has written its last lines.
report=$(k report campaign "$id")
head -n $((weeks + 1)) <<<"$report"
grep -E '^total|^Audit checkpoint' <<<"$report"
echo
k contacts list --status opted_out
k audit verify
# Every SMS of the weeks run reached its phone (Kannel's fake network delivers them all), the
# STOP was heard and the price question answered with Kita's price of the 8th: a demo that ends
# otherwise says so and fails, rather than leaving a report for a person to read.
read -r delivered undelivered < <(sqlite3 -separator ' ' "$demo/kibaru.db" \
  "SELECT count(*) FILTER (WHERE state = 'delivered'), count(*) FILTER (WHERE state <> 'delivered')
   FROM deliveries WHERE week <= $weeks")
stopped=$(sqlite3 "$demo/kibaru.db" "SELECT status FROM contacts WHERE phone = '$stopper'")
answered=$(sqlite3 "$demo/kibaru.db" "SELECT count(*) FROM replies WHERE phone = '$asker' AND
  state = 'delivered' AND text LIKE '%Kita%620%660%'")
if [ "$delivered" -eq 0 ] || [ "$undelivered" -ne 0 ] || [ "$stopped" != opted_out ] ||
  [ "$answered" != 1 ]; then
  echo "demo.sh: weeks 1 to $weeks: $delivered SMS delivered, $undelivered not; $stopper is $stopped after answering STOP; $asker got $answered delivered reply with Kita's price; see $demo/kibaru.log" >&2
  exit 1
fi
say "where to look"
cat <<TXT
database        $demo/kibaru.db          (sqlite3, or: build/kibaru --db $demo/kibaru.db status)
kibaru log      $demo/kibaru.log
daemon output   $demo/daemon.out
kannel logs     $demo/kannel/{bearerbox,smsbox}.log
phones' inbox   $demo/kannel/fakesmsc.out  (every SMS the fake network delivered)
audit log       build/kibaru --config $demo/kibaru.toml audit export --format table
TXT

if ((serve_console)); then
  bash "$top/scripts/kannel/stop.sh" "$demo/kannel" >/dev/null 2>&1 || true
  password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  k users add demo-admin --role admin --password-stdin <<<"$password" >/dev/null
  # The console's clock stands where the demo's campaign stands: during its last week.
  console_now=$(opens "$weeks" | sed 's/T08:00:00Z/T18:00:00Z/')
  say "the web console"
  cat <<TXT
Open   http://127.0.0.1:28090/   (from another machine: an SSH tunnel, ssh -L 28090:127.0.0.1:28090)
Sign in as   demo-admin
Password     $password
The console shows the demo campaign at $console_now; Ctrl-C stops it.
TXT
  exec "$kibaru" --config "$demo/kibaru.toml" --now "$console_now" console
fi

