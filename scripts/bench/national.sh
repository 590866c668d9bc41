# Section "national": 21 weeks of a campaign over the --rows contacts (21 M deliveries),
# report campaign, week openings, audit verify; and audit verify over --audit entries.
# Uses the database the "import" section leaves (imports it first when run alone).

bench_national() {
  [ -f "$work/b.db" ] || { make_contacts_csv "$rows" "$work/contacts.csv"; "$kibaru" --db "$work/b.db" --config config/kibaru.toml contacts import "$work/contacts.csv" >/dev/null 2>&1 || true; }
  say "== national scale: $weeks weeks x $rows contacts"
  # The imported contacts (all sesame growers) get a campaign whose weeks are opened one by
  # one by run-once at 21:00 on their opening day, outside send hours: each opening writes the
  # whole audience's deliveries (no event each: one week.opened audit entry) in one
  # transaction, and from week 2 on also expires the previous week's, so every row goes
  # through real code.
  cat > "$work/scale.toml" <<TOML
[log]
file = "$work/scale.log"
level = "warn"
TOML
  local ks=("$kibaru" --db "$work/b.db" --config "$work/scale.toml") open_walls=() w day wall
  "${ks[@]}" campaign create --name national --commodity sesame --start 2019-01-07 --weeks "$weeks" >/dev/null 2>&1
  for w in $(seq "$weeks"); do
    day=$(date -u -d "2019-01-08 +$((7 * (w - 1))) days" +%Y-%m-%d)
    read -r wall _ _ _ < <(measure "${ks[@]}" --now "${day}T21:00:00Z" run-once)
    open_walls+=("$wall")
    say "$(printf '   week %2d opened: %s s' "$w" "$wall")"
  done
  local first_open=${open_walls[0]} later_open deliveries_total events_total db_gib reported
  later_open=$(printf '%s\n' "${open_walls[@]:1}" | sort -n | tail -1)
  deliveries_total=$(sqlite3 "$work/b.db" "SELECT count(*) FROM deliveries")
  events_total=$(sqlite3 "$work/b.db" "SELECT count(*) FROM delivery_events")
  db_gib=$(awk -v b="$(stat -c %s "$work/b.db")" 'BEGIN { printf "%.1f", b / 2^30 }')
  read -r report_wall _ _ _ < <(measure "${ks[@]}" report campaign 1)
  read -r report_json_wall _ _ _ < <(measure "${ks[@]}" report campaign 1 --format json)
  "${ks[@]}" report campaign 1 --format json > "$work/report.json"
  reported=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(w["targeted"] for w in d))' "$work/report.json")
  [ "$reported" -eq "$deliveries_total" ] || { echo "bench: report says $reported, table has $deliveries_total" >&2; exit 1; }
  say "   $deliveries_total deliveries, $events_total events, $db_gib GiB; report campaign: ${report_wall} s (json ${report_json_wall} s)"
  read -r national_verify_wall _ _ _ < <(measure "${ks[@]}" audit verify)
  say "   audit verify of that database: ${national_verify_wall} s"

  say "== audit verify: $audit_entries entries"
  ./build/fill_audit "$work/a.db" "$audit_entries"
  read -r verify_wall verify_rss _ _ < <(measure "$kibaru" --db "$work/a.db" --config "$work/scale.toml" audit verify)
  say "   ${verify_wall} s, peak RSS ${verify_rss} MiB"
  rm -f "$work/a.db" "$work/a.db-wal" "$work/a.db-shm"
  cat <<MD
## National scale: reports, week opening, audit

Measured $(machine) by \`scripts/bench.sh --only national --rows $rows --weeks $weeks --audit $audit_entries\`.
The $rows contacts of the import benchmark, all sesame growers, in one campaign of $weeks weeks
opened one by one by \`kibaru run-once\` outside send hours (so each opening writes its whole
audience and, from week 2, expires the previous week's deliveries). The database then holds
$deliveries_total deliveries and $events_total delivery events ($db_gib GiB). \`report campaign\`
reads per-(campaign, week, state) tallies kept in the transaction of every change (one upsert
per state per batch), so its cost does not grow with the audience; \`report campaign --check\` verifies
those tallies against the rows. \`audit verify\` was run on a separate database holding
$audit_entries audit entries (opt-outs with a JSON reason, appended by \`build/fill_audit\`
through the store's own AuditLog). Each opening also digests who its deliveries are for (id,
contact, phone) into its \`week.opened\` entry, and \`audit verify\` of the national database
recomputes the $weeks digests in its pass over the deliveries. What the digest cost, when it came
(2ae450d), from two days' runs on the same kind of machine, not side by side: week 1 opened in
1.95 s with it (3 December) and 1.90 s without (2 December); verify took 25.26 and 19.69 s;
the slowest later week 8.60 and 7.68 s.

A later week's run-once also closes the week before: expiring all of its deliveries (none was
sent here, no message being set) writes an event for each and seals them. That is the worst
case; in the field most of a week is sent before it closes, and only the unsent rest expires.
The daemon does it in steps of 50,000 per tick (about half a second each), so callbacks and
other weeks' sends go on meanwhile; run-once does it in one go, as measured here.

| measure | wall time | target | met |
|---|---|---|---|
| \`report campaign 1\` over $deliveries_total deliveries (table) | ${report_wall} s | ≤ 1 s | $(verdict "$report_wall" 1) |
| the same as JSON | ${report_json_wall} s | ≤ 1 s | $(verdict "$report_json_wall" 1) |
| opening week 1 ($rows deliveries and their tallies, in one transaction; one run-once) | ${first_open} s | ≤ 3 s | $(verdict "$first_open" 3) |
| opening a later week (slowest of weeks 2-$weeks, also expiring the previous week's $rows) | ${later_open} s | — | — |
| \`audit verify\` over $audit_entries entries | ${verify_wall} s (peak RSS ${verify_rss} MiB) | ≤ 30 s | $(verdict "$verify_wall" 30) |
| \`audit verify\` of the national database (all its entries and $events_total events) | ${national_verify_wall} s | — | — |
MD
}
