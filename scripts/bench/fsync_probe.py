#!/usr/bin/env python3
"""How long a small durable write waits on this disk: writes and fsyncs 4 KB every 10 ms for
SECONDS and prints the longest wait in each 10 s window, as "START_s:MS ...". Run it beside a
backup to see what the daemon's own fsyncs (one per dispatcher cycle) would wait, e.g.

  python3 scripts/bench/fsync_probe.py /var/tmp/probe.dat 130 &
  kibaru backup --force /var/tmp/copy.db

Usage: fsync_probe.py FILE SECONDS     (SIGTERM ends it early, still printing what it saw)
"""
import os
import signal
import sys
import time

stopped = []
signal.signal(signal.SIGTERM, lambda *_: stopped.append(True))

fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o600)
start = time.time()
end = start + float(sys.argv[2])
worst = {}
while time.time() < end and not stopped:
    before = time.time()
    os.write(fd, b"x" * 4096)
    os.fsync(fd)
    window = int((before - start) // 10)
    worst[window] = max(worst.get(window, 0), time.time() - before)
    time.sleep(0.01)
os.close(fd)
print(" ".join(f"{w * 10}s:{v * 1000:.0f}" for w, v in sorted(worst.items())))
