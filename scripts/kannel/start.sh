#!/usr/bin/env bash
# Starts a local Kannel from Debian's kannel and kannel-extras packages, bound to 127.0.0.1:
# bearerbox, smsbox, and fakesmsc as the phone network (interactive, reading a FIFO so tests can
# inject incoming messages while it stays connected). Prints the environment to use it.
#
# Usage: scripts/kannel/start.sh RUN_DIR
# Environment (all optional): KANNEL_SENDSMS_PORT (13013), KANNEL_ADMIN_PORT (13000),
#   KANNEL_SMSBOX_PORT (13001), KANNEL_FAKE_PORT (10000), KIBARU_GW_PASSWORD (the sendsms
#   password; generated when unset), KIBARU_CALLBACK_TOKEN (generated when unset),
#   KIBARU_CALLBACK_URL (http://127.0.0.1:8080, where Kibaru's callback server listens).
# Writes RUN_DIR/env (to source), RUN_DIR/*.pid, logs, RUN_DIR/fakesmsc.out (what phones got)
# and RUN_DIR/mo.fifo (write "SENDER RECEIVER text MESSAGE" lines to send an SMS to Kibaru).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
run=${1:?usage: start.sh RUN_DIR}
mkdir -p "$run"
run=$(cd "$run" && pwd)

for bin in /usr/sbin/bearerbox /usr/sbin/smsbox /usr/lib/kannel/test/fakesmsc; do
  [ -x "$bin" ] || { echo "kannel/start.sh: $bin missing (run scripts/setup.sh)" >&2; exit 1; }
done

sendsms_port=${KANNEL_SENDSMS_PORT:-13013}
admin_port=${KANNEL_ADMIN_PORT:-13000}
smsbox_port=${KANNEL_SMSBOX_PORT:-13001}
fake_port=${KANNEL_FAKE_PORT:-10000}
password=${KIBARU_GW_PASSWORD:-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')}
token=${KIBARU_CALLBACK_TOKEN:-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')}
callback=${KIBARU_CALLBACK_URL:-http://127.0.0.1:8080}
admin_password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')

umask 077
sed -e "s|@ADMIN_PORT@|$admin_port|" -e "s|@ADMIN_PASSWORD@|$admin_password|g" \
    -e "s|@SMSBOX_PORT@|$smsbox_port|g" -e "s|@FAKE_PORT@|$fake_port|" \
    -e "s|@SENDSMS_PORT@|$sendsms_port|" -e "s|@SENDSMS_USER@|kibaru|" \
    -e "s|@SENDSMS_PASSWORD@|$password|" -e "s|@RUN_DIR@|$run|g" \
    -e "s|@INBOUND_URL@|$callback/inbound/kannel?token=$token|" \
    "$top/config/kannel/kannel.conf.in" > "$run/kannel.conf"

wait_port() { # port seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "kannel/start.sh: nothing listens on 127.0.0.1:$1 after $2 s; see $run/*.log" >&2
  return 1
}

/usr/sbin/bearerbox "$run/kannel.conf" > "$run/bearerbox.out" 2>&1 &
echo $! > "$run/bearerbox.pid"
wait_port "$admin_port" 15
/usr/sbin/smsbox "$run/kannel.conf" > "$run/smsbox.out" 2>&1 &
echo $! > "$run/smsbox.pid"
wait_port "$sendsms_port" 15

# fakesmsc reads MO lines from the FIFO, opened read-write so it never sees end-of-file.
rm -f "$run/mo.fifo"
mkfifo "$run/mo.fifo"
# Line-buffered, so what the phones received can be read while it runs.
stdbuf -oL -eL /usr/lib/kannel/test/fakesmsc -H 127.0.0.1 -r "$fake_port" -i 0 <> "$run/mo.fifo" \
  > "$run/fakesmsc.out" 2>&1 &
echo $! > "$run/fakesmsc.pid"
sleep 0.5

cat > "$run/env" <<ENV
export KIBARU_GW_PASSWORD=$password
export KIBARU_CALLBACK_TOKEN=$token
export KANNEL_SENDSMS_URL=http://127.0.0.1:$sendsms_port/cgi-bin/sendsms
export KANNEL_RUN_DIR=$run
ENV
echo "kannel: sendsms on 127.0.0.1:$sendsms_port, fake SMSC on $fake_port; source $run/env"
