#!/usr/bin/env bash
# Stops what scripts/kannel/start.sh started in RUN_DIR (fakesmsc, smsbox, bearerbox).
# Usage: scripts/kannel/stop.sh RUN_DIR
set -uo pipefail
run=${1:?usage: stop.sh RUN_DIR}
for name in fakesmsc smsbox bearerbox; do
  pidfile="$run/$name.pid"
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
done
echo "kannel: stopped"
