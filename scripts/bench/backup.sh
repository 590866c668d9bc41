# Section "backup": `kibaru backup` of the national database (built by the "national" section
# when missing) while --sms weeks are sent from that same database: the backup's time and peak
# RSS, and the send's longest stall (the longest wait between two requests the gateway got,
# build/fake_gateway --longest-gap) beside the same sends without a backup, and beside the
# disk's own worst fsync (scripts/bench/fsync_probe.py), alone and next to a backup. Then the
# dispatch rate with [database] synchronous = "full" (the default) against "normal", in pairs.

# A fresh week of --sms rice growers (76 5x xx xx: numbers the national import does not use)
# on the national database, opened outside send hours; prints the instant to send it at. Each
# call makes a new one-week campaign a year later than the last, so the section can be run again on a
# kept --work database.
open_rice_week() {
  local dir=$1 ks=("${@:2}") n year monday
  n=$(sqlite3 "$work/b.db" "SELECT count(*) FROM campaigns")
  year=$((2019 + n))
  monday=$(python3 -c 'import datetime, sys; d = datetime.date(int(sys.argv[1]), 1, 1); print(d + datetime.timedelta(days=(7 - d.weekday()) % 7))' "$year")
  if [ ! -f "$dir/rice.csv" ]; then
    awk -v n="$sms" 'BEGIN { print "phone,name,commodities,language"
      for (i = 0; i < n; i++) printf "765%05d,Riziculteur %d,rice,fr\n", i, i }' > "$dir/rice.csv"
    "${ks[@]}" contacts import "$dir/rice.csv" >/dev/null 2>&1
  fi
  "${ks[@]}" campaign create --name "rice $year" --commodity rice --start "$monday" --weeks 1 >/dev/null 2>&1
  "${ks[@]}" messages set "$((n + 1))" --week 1 --text "Riz S{week}: Niono 300-320 FCFA/kg." >/dev/null
  local tuesday
  tuesday=$(date -u -d "$monday +1 day" +%Y-%m-%d)
  "${ks[@]}" --now "${tuesday}T21:00:00Z" run-once >/dev/null 2>&1
  echo "$(date -u -d "$monday +2 days" +%Y-%m-%d)T09:00:00Z"
}

# send_week DIR AT: sends the open rice week at AT through a fresh fake gateway; prints
# "seconds longest_gap_ms gaps_over_100ms longest_write_ms start end", the fourth from the slow
# writes the sender logged (engine/slow_writes.hpp: 100 ms or more each; 0 when none was), the
# last two the send's start and end (seconds since the epoch).
send_week() {
  local dir=$1 at=$2 gateway_port gw t0 t1
  rm -f "$dir/gap.txt"
  fake_gateway_any --longest-gap "$dir/gap.txt" || exit 1
  gw=${background[-1]}
  sed -i "s|^url = .*|url = \"http://127.0.0.1:$gateway_port/ok/cgi-bin/sendsms\"|" "$dir/k.toml"
  local rc=0
  : > "$dir/kibaru.log"
  t0=$(date +%s.%N)
  "$kibaru" --db "$work/b.db" --config "$dir/k.toml" --now "$at" run-once >/dev/null 2>"$dir/send.err" || rc=$?
  t1=$(date +%s.%N)
  kill "$gw" 2>/dev/null; wait "$gw" 2>/dev/null || true
  if [ "$rc" -ne 0 ] || [ ! -s "$dir/gap.txt" ]; then
    cat "$dir/send.err" >&2
    echo "bench: the week sent at $at failed (run-once exit $rc) or the gateway got under two requests" >&2
    exit 1
  fi
  local longest over write
  read -r longest over < "$dir/gap.txt"
  # "took 245 ms" or "the longest 626 ms": the number is the field before "ms".
  write=$({ grep -oE '(took|the longest) [0-9]+ ms' "$dir/kibaru.log" || true; } |
    awk '{ v = $(NF - 1) + 0 } v > m { m = v } END { print m + 0 }')
  awk -v a="$t0" -v b="$t1" -v g="$longest" -v o="$over" -v w="$write" \
    'BEGIN { printf "%.2f %.1f %d %d %.3f %.3f\n", b - a, g, o, w, a, b }'
}

# Each line of standard input, after the instant it was read (seconds since the epoch).
stamp_lines() {
  local line
  while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done
}

bench_backup() {
  declare -f bench_national >/dev/null || source scripts/bench/national.sh
  [ -f "$work/b.db" ] && [ "$(sqlite3 "$work/b.db" "SELECT count(*) FROM campaign_weeks")" -ge 1 ] || bench_national >/dev/null
  local dir=$work/backup
  mkdir -p "$dir"
  cat > "$dir/k.toml" <<TOML
[gateway]
url = "http://127.0.0.1:1/ok/cgi-bin/sendsms"
rate_per_second = 0
max_in_flight = 16
[log]
file = "$dir/kibaru.log"
level = "warn"
TOML
  local ks=("$kibaru" --db "$work/b.db" --config "$dir/k.toml") at
  local db_gib deliveries
  db_gib=$(awk -v b="$(stat -c %s "$work/b.db")" 'BEGIN { printf "%.1f", b / 2^30 }')
  deliveries=$(sqlite3 "$work/b.db" "SELECT count(*) FROM deliveries")
  # worst_wait FILE: the longest wait fsync_probe.py printed into FILE, in ms.
  worst_wait() { tr ' ' '\n' < "$1" | awk -F: '$2 > max { max = $2 } END { print max + 0 }'; }

  say "== the disk alone: a 4 KB write and fsync every 10 ms for 30 s"
  local disk_alone
  python3 scripts/bench/fsync_probe.py "$dir/probe.dat" 30 > "$dir/probe.out"
  disk_alone=$(worst_wait "$dir/probe.out")
  say "   worst wait ${disk_alone} ms"

  say "== two weeks of $sms SMS sent from the national database ($db_gib GiB), no backup"
  local alone1 alone2
  at=$(open_rice_week "$dir" "${ks[@]}"); alone1=$(send_week "$dir" "$at")
  at=$(open_rice_week "$dir" "${ks[@]}"); alone2=$(send_week "$dir" "$at")
  say "   seconds, longest wait between two requests (ms), waits over 100 ms: $alone1; $alone2"

  say "== kibaru backup of it, alone, beside the fsync probe"
  rm -f "$dir/copy.db"
  local backup_wall backup_rss probe_pid probe_backup
  python3 scripts/bench/fsync_probe.py "$dir/probe.dat" 900 > "$dir/probe.out" &
  probe_pid=$!
  background+=("$probe_pid")
  read -r backup_wall backup_rss _ _ < <(measure "${ks[@]}" backup "$dir/copy.db")
  kill -TERM "$probe_pid" 2>/dev/null || true
  wait "$probe_pid"
  rm -f "$dir/probe.dat"
  probe_backup=$(worst_wait "$dir/probe.out")
  say "   ${backup_wall} s (copy and verification), peak RSS ${backup_rss} MiB; worst fsync ${probe_backup} ms"

  # From the backup's start to its end, so that a send spans the copy's end, where the WAL the
  # copy's snapshot held back is checkpointed (store/backup.cpp, store/wal_checkpointer.hpp).
  say "== the same backup while weeks are sent one after another until it ends"
  local during=() busy_wall busy_rss backup_rc=0 copy_end copy_week spanned
  at=$(open_rice_week "$dir" "${ks[@]}")
  rm -f "$dir/copy.db"
  /usr/bin/time -f '%e %M' -o "$dir/backup.time" "${ks[@]}" backup "$dir/copy.db" \
    > >(stamp_lines > "$dir/backup.out") 2>&1 &
  local backup_pid=$!
  background+=("$backup_pid")
  sleep 1
  while true; do
    during+=("$(send_week "$dir" "$at")")
    kill -0 "$backup_pid" 2>/dev/null || break
    at=$(open_rice_week "$dir" "${ks[@]}") # opening the next week ends the last one
  done
  wait "$backup_pid" || backup_rc=$?
  sleep 0.5 # the last stamped lines
  read -r busy_wall busy_rss < "$dir/backup.time"
  busy_rss=$((busy_rss / 1024))
  [ "$backup_rc" -eq 0 ] || { cat "$dir/backup.out" >&2; echo "bench: the backup taken while sending failed" >&2; exit 1; }
  rm -f "$dir/copy.db"
  # The copy ends when the backup starts checking it; which week's send (0: none) was under way
  # then.
  copy_end=$(awk '/checking the copy/ { print $1; exit }' "$dir/backup.out")
  copy_week=$(printf '%s\n' "${during[@]}" | awk -v e="${copy_end:-0}" \
    '$5 <= e && e <= $6 { w = NR } END { print w + 0 }')
  if [ -z "$copy_end" ]; then
    spanned="the copy's end was not found in the backup's output"
  elif [ "$copy_week" -gt 0 ]; then
    spanned="the copy ended during week $copy_week's send"
  else
    spanned="the copy ended between two sends"
  fi
  say "   sends: $(IFS=';'; echo "${during[*]}") ($spanned); backup ${busy_wall} s, peak RSS ${busy_rss} MiB"

  say "== dispatch: synchronous full against normal, $sms SMS each, two pairs"
  local gateway_port
  fake_gateway_any
  source scripts/dispatch-setup.sh
  sync_trial() { # full|normal -> SMS/s of a fresh week sent by run-once
    local d=$dir/sync-$1 k t0 t1
    rm -rf "$d"
    prepare_dispatch "$d" "$kibaru" "$gateway_port" 16 "$sms"
    printf '[database]\nsynchronous = "%s"\n' "$1" >> "$d/k.toml"
    "${k[@]}" --now 2019-01-08T21:00:00Z run-once >/dev/null
    t0=$(date +%s.%N)
    "${k[@]}" --now 2019-01-09T09:00:00Z run-once >/dev/null
    t1=$(date +%s.%N)
    rm -rf "$d"
    awk -v a="$t0" -v b="$t1" -v n="$sms" 'BEGIN { printf "%.0f", n / (b - a) }'
  }
  local full1 normal1 full2 normal2 full normal cost
  full1=$(sync_trial full); normal1=$(sync_trial normal)
  full2=$(sync_trial full); normal2=$(sync_trial normal)
  full=$(((full1 + full2) / 2)); normal=$(((normal1 + normal2) / 2))
  cost=$(awk -v f="$full" -v n="$normal" 'BEGIN { printf "%.1f", 100 * (n - f) / n }')
  say "   full $full1, $full2; normal $normal1, $normal2 SMS/s: full is $cost % slower"
  # gap_cells "WALL GAP OVER WRITE" ...: "GAP ms (OVER over 100 ms, WALL s; longest write ...)"
  # per week, joined by "; "
  gap_cells() {
    local cell out="" w g o longest
    for cell in "$@"; do
      read -r w g o longest _ <<<"$cell"
      [ "$longest" -gt 0 ] && longest="$longest ms" || longest="under 100 ms"
      out+="${out:+; }$g ms ($o over 100 ms, $w s; longest write $longest)"
    done
    echo "$out"
  }
  # gap_list "WALL GAP OVER WRITE START END" ...: the many weeks sent during the backup in one
  # line: each week's longest wait (copy_week's marked), then the totals.
  gap_list() {
    printf '%s\n' "$@" | awk -v c="$copy_week" '
      { g = sprintf("%.1f", $2); if (NR == c) g = g " (the copy'"'"'s end)"
        list = list (NR > 1 ? ", " : "") g; over += $3; if ($4 > w) w = $4 }
      END { printf "%s ms; %d over 100 ms; longest write %s\n", list, over,
                   (w > 0 ? w " ms" : "under 100 ms") }'
  }
  # Met when no wait of a week sent during the backup passed 100 ms, as the gateway counted them
  # (a stall of 100.4 ms is one over, even if it were written rounded).
  local during_over
  during_over=$(printf '%s\n' "${during[@]}" | awk '{ n += $3 } END { print n + 0 }')
  cat <<MD
## Backups while sending, and the cost of synchronous = full

Measured $(machine) by \`scripts/bench.sh --only backup --sms $sms\`.
The national database ($db_gib GiB: $(sqlite3 "$work/b.db" "SELECT count(*) FROM contacts") contacts, $deliveries deliveries), to which
each run adds a rice campaign of $sms growers; its week is sent by \`kibaru run-once\` from that
same database to \`build/fake_gateway\` (max_in_flight 16, rate limit off), whose
\`--longest-gap\` is the longest wait between two requests it accepted: the send's longest
stall. \`kibaru backup\` copies the database with SQLite's online backup API in steps of 256
pages from one read snapshot (the sender's commits go on into the WAL meanwhile), then checks
the copy (\`integrity_check\`, audit chain and event seals); its time includes that check.

| measure | value | target | met |
|---|---|---|---|
| \`kibaru backup\` alone: time, peak RSS | ${backup_wall} s, ${backup_rss} MiB | — | — |
| the same while ${#during[@]} weeks are sent: time, peak RSS | ${busy_wall} s, ${busy_rss} MiB | — | — |
| the disk alone: longest wait of a 4 KB write and fsync, 30 s | ${disk_alone} ms | — | — |
| the same beside \`kibaru backup\` alone | ${probe_backup} ms | — | — |
| the send's longest stall, no backup (two weeks) | $(gap_cells "$alone1" "$alone2") | — | — |
| the send's longest stall during the backup (${#during[@]} weeks sent one after another from its start to its end; $spanned) | $(gap_list "${during[@]}") | ≤ 100 ms | $(verdict "$during_over" 0) |

Each stall cell gives, per week sent, the longest wait between two requests, how many waits
passed 100 ms, the send's time, and the sender's longest database write (a transaction and its
sync: the dispatcher logs its writes of 100 ms or more, \`engine/slow_writes.hpp\`); the row
during the backup gives each week's longest wait, then those counts over all its weeks. The sender
commits with an fsync per dispatcher cycle, so no request leaves while the disk answers one: when
the disk takes 100 ms over a single fsync, as it sometimes does here with nothing else running
(the disk-alone line), the send stalls as long, and the longest write shows it.

What this section found and what changed:

- Before 9c66da8 the copy was synced only by its commit: the first run measured a 1,449 ms
  stall during the backup, and the probe (\`scripts/bench/fsync_probe.py\`) waited up to
  1,926 ms. The copy was then synced every 16 MiB; the stall fell to 159 ms, but a 4 KB fsync
  beside a backup still waited up to 220 ms. On a virtual disk an fsync flushes the whole
  device's cache, so it waits for whatever the copy wrote since its last sync. Side by side on
  the same database (probe beside \`kibaru backup\`, one run each, its first 10 s left aside):
  16 MiB 220 ms, 4 MiB 51 ms, 1 MiB 40 ms, and the backup took 193, 192 and 197 s.
  \`CopyOptions::sync_every_bytes\` is now 1 MiB (5186d5e).
- Tried and taken back (1a009c0): the WAL checkpoints on a thread of their own instead of
  inside the sender's commits. Once the WAL passed 1,000 pages every commit woke the thread,
  which then synced the database file back to back beside the commits' own fsyncs: with it,
  \`full\` sent 5,643 and 5,189 SMS/s in this section's run; after the revert, 6,879 and 6,790.
  Its effect on stalls is not clear: the run with it measured 48 and 61 ms during the backup,
  the run after the revert (the table committed then) 136 and 282 ms, but interleaved weeks during one backup
  gave 27 and 184 ms with it, 28 ms without. A thread that checkpoints only once the WAL has
  grown by 1,000 pages since its last checkpoint would avoid the back-to-back syncs; not tried.
- Run to run (2 December, 1 MiB syncs): ten weeks sent during a backup had longest stalls of
  26, 27, 28, 37, 48, 61, 136, 184, 192 and 282 ms; each of the three over 100 ms that were
  counted had a single wait over 100 ms in a send of 25 to 75 s. Weeks sent with no backup had
  single spikes too (451 ms once), and the disk alone, with nothing else running, once waited
  447 ms over one 4 KB fsync (that run's first probe). The target is met in most weeks, not in
  every one: on this disk a single spike over 100 ms can come with or without a backup.
  After 64c2a99, thirteen weeks sent during a backup (five runs of this section, two
  diagnostic): 84, 85, 94, 95, 96, 108, 115, 205, 231, 247, 259, 273 and 636 ms. Seven of them
  were sent wholly during the copy, which 64c2a99 does not touch (84, 95, 108, 115, 205, 231,
  636 ms): the disk was noisier that day (its worst fsync alone, in 30 s: 69, 76, 36, 397 and
  48 ms).
- On a new machine, 2 December (at ce43a18): 122 and 13 ms. The 122 ms
  was the send's one wait over 100 ms, beside a 121 ms write of the sender's; this machine's
  disk alone waited at most 11 ms over a 4 KB fsync in 30 s, and 31 ms beside a backup. The
  backup took 94 s, its verification now replaying the 21 M deliveries (peak RSS 65 MiB).
- 3 December (b8611bc; the send and backup paths unchanged since 2 December): during the
  backup 100 ms written rounded down (one wait just over 100 ms, beside a 102 ms write of the
  sender's) and 13 ms; with no backup, 126 ms (one wait over 100 ms, beside a 125 ms write) and
  17 ms. The disk alone waited up to 88 ms over one 4 KB fsync in 30 s, 28 ms beside the backup:
  that run's worst stall came with no backup at all. The table wrote the longest wait rounded to
  a whole millisecond and judged that rounded figure, so it marked this run met; it now keeps
  one decimal and is met only when no wait of a week sent during the backup passed 100 ms. This
  run's table was written by the old script; its verdict was corrected by hand by that rule.
- The figures from strace and \`perf sched\` in this bullet and the next two come from one-off
  diagnostic runs by hand (a backup, a week sent under the tool beside it), not from a script in
  the repository; the tables above come from this section.
- The copy's catch-up checkpoint (64c2a99). While the copy holds its snapshot the sender's WAL
  cannot be checkpointed and grows; the sender's first commit after the copy's last step then
  copied all of it into the database file and synced it, with every request waiting. Found by
  timing each of the sender's syncs (\`strace -f --seccomp-bpf -T -ttt -e
  trace=fsync,fdatasync\` on the sending run-once) in a week whose send spanned the copy's end:
  a 254 ms stall, two waits over 100 ms, one 88 ms sync of the database file 0.2 s after the
  last step. The copy now makes that checkpoint itself, on its own connection, as soon as its
  snapshot ends; the same run with it: 96 ms, none over 100 ms. The sender is left with one
  checkpoint of what it wrote meanwhile, as in any busy minute.
- What is left is mostly the disk itself. In the run with the catch-up, the other week (sent during
  the copy, no checkpoint in it) stalled 636 ms: strace shows a single \`fdatasync\` of the WAL
  taking 626 ms, where that run's other 8,652 syncs took under 30 ms; the run before had 180
  syncs over 30 ms and none over 70. Each commit is synced before the requests it claims leave
  (exactly once), so a sync that long stalls the send as long, backup or not.
- Since e67ef9c the sender logs its writes of 100 ms or more, and the table puts the longest
  beside each stall. In every run with it, each stall over 100 ms matched one write of the
  sender's as long, within 2 ms (stall and write: 108 and 106, 247 and 245, 205 and 204, 259
  and 258 ms). One run's table (4 of 5 that day) read "under 100 ms" beside a 231 ms stall: the
  script then misread the log's summary line (fixed the same day); that log is
  gone. In a diagnostic run, \`perf sched latency\` found the sender waiting at most 8 ms for a
  core.
- 3 December, on an Intel Xeon machine whose disk alone waited at most 4 to 5 ms over a 4 KB
  fsync: the one wait over 100 ms in each of two runs (200.0 and 181.9 ms, beside writes of the
  sender's of 199 and 181 ms) came at the copy's end. With the backup's lines timestamped (a
  one-off edit of this script), the copy's last step was read at 14:50:36.177 and the sender's
  181 ms write ended at 14:50:36.354: it began 4 ms before the copy's snapshot ended. So the
  write that stalls is the one that meets the catch-up checkpoint: either the sender's own
  automatic checkpoint took the backlog first (the race 64c2a99 leaves) or its sync waited
  behind the catch-up's writes and sync of the database file on the same disk. A third run,
  the second week's sender under \`strace -f -ttt -T -e trace=pwrite64,fsync,fdatasync\`,
  did not stall (41.5 ms): in the second after the copy's end it wrote 221 pages to the database
  file (a small checkpoint of its own; the catch-up had taken the backlog) and synced it in
  27 ms, and none of its 240 WAL syncs took over 5 ms. Under strace the timing differs, so the
  two ways are not yet told apart. Not yet tried: a sender's WAL hook that leaves a backlog of
  some thousands of frames to the copy's catch-up, or the catch-up in a checkpoint thread.
- Told apart, and mended (a06557e). A one-off run by hand with the sender's checkpoints and the
  copy's catch-up timed (a temporary edit printing those over 20 ms), weeks sent back to back
  until the backup ended: at the copy's end the sender's own automatic checkpoint took the whole
  backlog, 146,770 frames in 215 ms (the send's one wait over 100 ms, 217.6 ms, beside a 217 ms
  write), and the catch-up got SQLITE_BUSY at the same millisecond. The sender tries a
  checkpoint at every commit, some thousand times a second, so it won that race often. The
  daemon's and run-once's connection now checkpoint in the commit only a backlog of up to 4,096
  frames; a larger one is left to a thread with a connection of its own
  (\`store::WalCheckpointer\`). The same run with it: the catch-up took the 287,660-frame
  backlog in 268 ms beside the sending, and the week that spanned the copy's end stalled
  53.3 ms. Since then this section sends weeks one after another from the backup's start to its
  end and says which send the copy's end fell in: with two weeks only, both were often sent
  wholly during the copy and its end went unmeasured. Its first three runs (3 December, the
  national database at 5.2, 5.5 and 5.9 GiB as each run adds its weeks): 13, 14 and 15 weeks,
  the longest wait 46.0, 66.3 and 44.3 ms, each in the week the copy's end fell in, no wait
  over 100 ms. The second run's table came out with that row's cell empty (an awk \`>\` taken
  for a redirection); the cell was filled from that run's output and the backup's stamped
  lines by the mended function.
  On a send with no long reader the checkpointer costs nothing measurable:
  \`scripts/profile-dispatch.sh --time 100000 16\`, three runs each, alternated with \`KIBARU=\`
  pointing at a one-off build with its line in \`run_once\` commented out: 15,815 against
  15,885 SMS/s on average, 52.0 against 51.5 µs CPU per SMS (the runs: 15,314/15,337,
  15,924/15,898, 16,207/16,420 SMS/s).
- The backup at a lower I/O priority was not tried: this machine's disk uses mq-deadline, which
  ignores I/O priorities (only BFQ honours them).

**synchronous.** \`scripts/bench.sh\`'s dispatch run ($sms SMS, max_in_flight 16, each on a
fresh database of its own), with \`[database] synchronous = "full"\` (the default: every commit
synced, RELIABILITY.md "Power cuts") and \`"normal"\`, alternated in two pairs:

| synchronous | SMS/s (two trials) | mean |
|---|---|---|
| full | $full1, $full2 | $full |
| normal | $normal1, $normal2 | $normal |

\`full\` costs $cost % of the rate here: an fsync per dispatcher cycle (one per 8 or more SMS).
MD
}
