#!/usr/bin/env bash
# A campaign week through the real Kannel (Debian's bearerbox, smsbox and fakesmsc), started and
# stopped by the project's own scripts: every SMS reaches the fake phone network; Kannel's
# delivery reports come back in a burst (3,005 SMS, rate limit off, two reports each) and every
# one is applied, with no report fetch failed or reset in smsbox's log; `report campaign` shows
# them delivered; an inbound "Stop." opts that producer out and the next week skips them; a
# price asked by SMS is answered at the phone and the reply's report applied; a callback with a
# wrong token gets 403 and changes nothing; /metrics parses as Prometheus text.
# Usage: kannel_test.sh KIBARU_BINARY SOURCE_DIR
set -euo pipefail
kibaru=$1
src=$2
work=$(mktemp -d)
daemon_pid=
cleanup() {
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null
  bash "$src/scripts/kannel/stop.sh" "$work/kannel" >/dev/null 2>&1
  if [ "${failed:-1}" = 1 ]; then
    echo "--- logs"; tail -n 20 "$work"/*.log "$work/kannel"/*.log "$work/kannel/fakesmsc.out" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
check() { # description, actual, expected
  if [ "$2" = "$3" ]; then echo "ok: $1"; else fail "$1: expected '$3', got '$2'"; fi
}
wait_for() { # seconds, command...
  local seconds=$1; shift
  for ((i = 0; i < seconds * 10; i++)); do "$@" && return 0; sleep 0.1; done
  return 1
}

# Ports of our own, away from the defaults, so a developer's Kannel or daemon does not clash.
# Five ports the kernel just handed out (bound to 0 and released).
read -r p1 p2 p3 p4 p5 < <(python3 -c 'import socket
socks = [socket.socket() for _ in range(5)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
export KANNEL_ADMIN_PORT=$p1 KANNEL_SMSBOX_PORT=$p2 KANNEL_SENDSMS_PORT=$p3 KANNEL_FAKE_PORT=$p4
callback_port=$p5
export KIBARU_CALLBACK_URL=http://127.0.0.1:$callback_port
bash "$src/scripts/kannel/start.sh" "$work/kannel" >/dev/null
# shellcheck disable=SC1091
. "$work/kannel/env"

cd "$work"
cat > k.toml <<TOML
[gateway]
url = "$KANNEL_SENDSMS_URL"
rate_per_second = 0
max_in_flight = 64
[server]
listen = "127.0.0.1:$callback_port"
public_url = "http://127.0.0.1:$callback_port"
[log]
file = "$work/kibaru.log"
TOML
k() { "$kibaru" --config k.toml --db k.db "$@"; }
cat > producers.csv <<CSV
phone,name,organisation,region,commodities,language
76 00 00 01,Awa Traoré,Jiguiya,Dioila,sesame,bm
85 00 00 02,Moussa Keita,COOPROSEM,Kita,sesame,fr
76 00 00 03,Fanta Diarra,Union Nietaa,Kita,sesame,fr
52 00 00 04,Seydou Coulibaly,Jiguiya,Dioila,sesame,bm
53 00 00 05,Mariam Koné,ULPC,Dioila,sesame,fr
CSV
# 85 (Orange) and 52/53 (Telecel) are real Malian mobiles that Debian's libphonenumber refuses:
# Kibaru's numbering plan accepts them.
# And 3,000 more, so that Kannel's delivery reports come back in a burst.
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "77%06d,Producteur %d,,Kita,sesame,fr\n", i, i }' >> producers.csv
total=3005
k contacts import producers.csv >/dev/null
check "operators of the five named producers" \
  "$(k contacts list --region Dioila --format csv | awk -F, 'NR > 1 { print $NF }' | sort | tr '\n' ' ')" \
  "orange telecel telecel "
id=$(k campaign create --name "Sésame 2019" --commodity sesame --start 2019-01-07 2>/dev/null)
for l in fr bm; do
  k messages render "$id" --template "$src/templates/sesame.$l.txt" \
    --data "$src/templates/sesame-prices.csv" >/dev/null
done

"$kibaru" --config k.toml --db k.db --now 2019-01-08T09:00:00Z daemon > daemon.out 2>&1 &
daemon_pid=$!
delivered() { [ "$(sqlite3 k.db "SELECT count(*) FROM deliveries WHERE week = 1 AND state = 'delivered'")" = "$total" ]; }
wait_for 90 delivered || fail "week 1 not delivered: $(sqlite3 k.db 'SELECT state, count(*) FROM deliveries GROUP BY state')"
echo "ok: all $total SMS delivered, their reports applied"
# smsbox fetched every report from Kibaru at the first try: none refused, reset or failed.
check "report fetches that failed in smsbox's log" \
  "$(grep -cE "Couldn't fetch|Connection reset|Connection refused" kannel/smsbox.log || true)" 0
check "the SMSC's message id is recorded with each delivery" \
  "$(sqlite3 k.db "SELECT count(*) FROM deliveries WHERE week = 1 AND smsc_id != ''")" "$total"
phones_reached() {
  grep -oE 'Got message [0-9]*: <KIBARU \+223(76000001|85000002|76000003|52000004|53000005) ' \
    kannel/fakesmsc.out | awk '{print $5}' | sort -u | wc -l
}
parts=$(sqlite3 k.db "SELECT sum(segments) FROM deliveries WHERE week = 1")
all_parts() { [ "$(grep -c 'Got message' kannel/fakesmsc.out)" -ge "$parts" ]; }
wait_for 10 all_parts || true # fakesmsc logs a moment after Kannel reports delivery
check "fakesmsc received one SMS per producer" "$(phones_reached)" 5
check "fakesmsc received every SMS" \
  "$(grep -o 'Got message [0-9]*: <KIBARU +22377[0-9]* ' kannel/fakesmsc.out | awk '{print $5}' | sort -u | wc -l)" 3000
# {name} is filled per producer (a message naming no contact field is rendered once per batch).
named=0
for who in "+22385000002 text Moussa Keita," "+22376000003 text Fanta Diarra," "+22353000005 text Mariam Kon"; do
  named=$((named + $(grep -c "Got message [0-9]*: <KIBARU $who" kannel/fakesmsc.out || true)))
done
check "each French producer got the SMS with their own name" "$named" 3
# The Bambara text (ɛ, ɔ) is UCS-2 and two segments long: Kannel sends it in two concatenated
# parts (a UDH, then UTF-16BE data), as `messages list` counted.
check "Bambara went as 2 UCS-2 parts" \
  "$(grep -c 'Got message [0-9]*: <KIBARU +22376000001 udh %05%00%03[^ ]* data ' kannel/fakesmsc.out)" \
  "$(sqlite3 k.db "SELECT segments FROM messages WHERE week = 1 AND language = 'bm'")"
check "report campaign shows week 1 delivered" \
  "$(k report campaign "$id" --format csv | awk -F, '$1 == 1 { print $4 "/" $9 }')" "$total/$total"

code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$callback_port/dlr/kannel?token=wrong&ref=1&type=2")
check "a delivery report with a wrong token is refused" "$code" 403
check "and changes nothing" "$(sqlite3 k.db "SELECT state FROM deliveries WHERE id = 1")" delivered

echo "+22385000002 KIBARU text Stop." > kannel/mo.fifo
opted_out() { [ "$(sqlite3 k.db "SELECT status FROM contacts WHERE phone = '+22385000002'")" = opted_out ]; }
wait_for 20 opted_out || fail "the STOP did not opt +22385000002 out"
echo "ok: an inbound STOP through Kannel opted the producer out"

# Two-way SMS: a producer asks a price through the phone network; Kannel posts it to Kibaru
# (with its own message id, %I), Kibaru answers from the price table and the reply comes back to
# the phone through Kannel, its delivery report applied to the reply.
printf 'date,commodity,market,price_min,price_max,unit,trend\n2019-01-05,sesame,Kita,600,650,kg,up\n' > prices.csv
k prices import prices.csv >/dev/null
echo "+22376000003 KIBARU text prix sesame kita" > kannel/mo.fifo
answered() { grep -q 'Got message [0-9]*: <KIBARU +22376000003 text Prix SESAME: Kita 05/01: 600-650 F/kg (hausse)' kannel/fakesmsc.out; }
wait_for 20 answered || fail "no price reply reached the phone: $(sqlite3 k.db 'SELECT * FROM inbox; SELECT * FROM replies')"
echo "ok: a price asked through Kannel was answered at the phone"
reply_delivered() { [ "$(sqlite3 k.db "SELECT state FROM replies")" = delivered ]; }
wait_for 20 reply_delivered || fail "the reply's delivery report was not applied: $(sqlite3 k.db 'SELECT state, error FROM replies')"
check "Kannel gave the incoming SMS its id" "$(sqlite3 k.db "SELECT gateway_message_id != '' FROM inbox WHERE phone = '+22376000003'")" 1
check "the inbox recorded the question and the reply" \
  "$(sqlite3 k.db "SELECT matched || ' ' || (reply IS NOT NULL) FROM inbox WHERE phone = '+22376000003'")" "price 1"

# An accented question: in whatever charset Kannel hands it on (%C), it is stored as written and
# understood (before, text that was not UTF-8 was refused, and Kannel does not post it again).
echo "+22353000005 KIBARU text Prix sésame Kita" > kannel/mo.fifo
accented() { [ "$(sqlite3 k.db "SELECT text || ' ' || matched FROM inbox WHERE phone = '+22353000005'")" = "Prix sésame Kita price" ]; }
wait_for 20 accented || fail "the accented question was not recorded as written: $(sqlite3 k.db 'SELECT phone, hex(text), matched FROM inbox')"
echo "ok: an accented question through Kannel was recorded as written and understood"

curl -s "http://127.0.0.1:$callback_port/metrics" > metrics.txt
bad=$(grep -v '^#' metrics.txt | grep -Evc '^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? -?[0-9.eE+-]+$' || true)
check "/metrics parses as Prometheus text" "$bad" 0
grep -q "^kibaru_deliveries{campaign=\"1\",state=\"delivered\"} $total$" metrics.txt || fail "metrics lack the delivered count"

kill -TERM "$daemon_pid"
wait "$daemon_pid" && status=0 || status=$?
daemon_pid=
check "the daemon stops cleanly on SIGTERM" "$status" 0

k --now 2019-01-15T09:00:00Z run-once >/dev/null
check "week 2 skips the producer who sent STOP" \
  "$(sqlite3 k.db "SELECT count(*) FROM deliveries d JOIN contacts c ON c.id = d.contact_id WHERE d.week = 2 AND c.phone = '+22385000002'")" 0
check "week 2 went to all the others" "$(sqlite3 k.db "SELECT count(*) FROM deliveries WHERE week = 2 AND state = 'sent'")" $((total - 1))
check "the audit chain verifies" "$(k audit verify >/dev/null; echo $?)" 0
failed=0
echo "1 passed, 0 failed"
