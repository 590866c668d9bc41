# Section "import": contacts import of --rows generated contacts, into an empty database and
# again (every row an update), from CSV and .xlsx; and a year of weekly prices. Leaves the
# contacts database in $work/b.db for the "national" section.

bench_import() {
  local csv=$work/contacts.csv size_mib imported
  make_contacts_csv "$rows" "$csv"
  size_mib=$(awk -v b="$(stat -c %s "$csv")" 'BEGIN { printf "%.1f", b / 1048576 }')
  say "== contacts import: $rows rows ($size_mib MiB)"
  read -r new_wall new_rss new_user new_sys < <(measure "$kibaru" --db "$work/b.db" --config config/kibaru.toml contacts import "$csv")
  imported=$(sqlite3 "$work/b.db" "SELECT count(*) FROM contacts")
  [ "$imported" -eq "$rows" ] || { echo "bench: expected $rows contacts, found $imported" >&2; exit 1; }
  say "   new contacts: ${new_wall}s, peak RSS ${new_rss} MiB"
  read -r upd_wall upd_rss upd_user upd_sys < <(measure "$kibaru" --db "$work/b.db" --config config/kibaru.toml contacts import "$csv")
  say "   re-import (all updates): ${upd_wall}s, peak RSS ${upd_rss} MiB"
  # The same contacts from a workbook, into an empty database.
  local xlsx=$work/contacts.xlsx xlsx_mib
  build/make_xlsx "$csv" "$xlsx"
  xlsx_mib=$(awk -v b="$(stat -c %s "$xlsx")" 'BEGIN { printf "%.1f", b / 1048576 }')
  rm -f "$work/x.db"
  read -r x_wall x_rss x_user x_sys < <(measure "$kibaru" --db "$work/x.db" --config config/kibaru.toml contacts import "$xlsx")
  imported=$(sqlite3 "$work/x.db" "SELECT count(*) FROM contacts")
  [ "$imported" -eq "$rows" ] || { echo "bench: expected $rows contacts from the workbook, found $imported" >&2; exit 1; }
  rm -f "$work/x.db"
  say "   from .xlsx ($xlsx_mib MiB): ${x_wall}s, peak RSS ${x_rss} MiB"
  # A year of weekly prices at national scale: 3 commodities x 350 markets x 52 weeks, into a
  # database of its own, then again (every row replaced).
  local prices=$work/prices.csv price_rows
  python3 - "$prices" <<'PY'
import datetime, sys
with open(sys.argv[1], "w") as out:
    out.write("date,commodity,market,price_min,price_max,unit,trend\n")
    for week in range(52):
        day = datetime.date(2019, 1, 5) + datetime.timedelta(weeks=week)
        for commodity in ("sesame", "rice", "fonio"):
            for market in range(1, 351):
                low = 300 + (week * 7 + market) % 400
                out.write(f"{day},{commodity},March\u00e9 {market},{low},{low + 25},kg,stable\n")
PY
  price_rows=$(($(wc -l < "$prices") - 1))
  rm -f "$work/p.db"
  read -r p_wall p_rss _ _ < <(measure "$kibaru" --db "$work/p.db" --config config/kibaru.toml prices import "$prices")
  read -r p2_wall p2_rss _ _ < <(measure "$kibaru" --db "$work/p.db" --config config/kibaru.toml prices import "$prices")
  imported=$(sqlite3 "$work/p.db" "SELECT count(*) FROM prices")
  [ "$imported" -eq "$price_rows" ] || { echo "bench: expected $price_rows prices, found $imported" >&2; exit 1; }
  rm -f "$work/p.db"
  say "   prices import ($price_rows rows): ${p_wall}s, again ${p2_wall}s"
  cat <<MD
## Contacts and prices import

Measured $(machine) by \`scripts/bench.sh --only import --rows $rows\`.
$rows generated, distinct, valid Malian mobile numbers ($size_mib MiB of CSV), written four
usual ways in turn (\`76 12 34 56\`, \`0022376123456\`, \`+223 76-12-34-56\`, \`76.12.34.56\`),
every column filled. One transaction, one audit entry.

| run | wall time | peak RSS | CPU user + sys | target | met |
|---|---|---|---|---|---|
| import into an empty database | ${new_wall} s | ${new_rss} MiB | ${new_user} s + ${new_sys} s | ≤ 10 s, ≤ 200 MiB | $(verdict "$new_wall" 10) / $(verdict "$new_rss" 200) |
| the same file again (every row an update) | ${upd_wall} s | ${upd_rss} MiB | ${upd_user} s + ${upd_sys} s | — | — |
| the same contacts from one .xlsx ($xlsx_mib MiB), into an empty database | ${x_wall} s | ${x_rss} MiB | ${x_user} s + ${x_sys} s | ≤ 30 s, ≤ 300 MiB | $(verdict "$x_wall" 30) / $(verdict "$x_rss" 300) |
| \`prices import\` of a year of weekly prices ($price_rows rows: 3 commodities, 350 markets, 52 weeks), into an empty database | ${p_wall} s | ${p_rss} MiB | — | — | — |
| the same file again (every row replaced) | ${p2_wall} s | ${p2_rss} MiB | — | — | — |

How: rows are parsed on the main thread, validated in batches of 4,096 on all cores (phone
normalization is the costly part; a quick path builds the number directly and leaves unusual
writings to libphonenumber's full parser), and written in file order through one prepared
upsert with a 64 MiB page cache. The workbook (written by \`build/make_xlsx\` with
libxlsxwriter: every other phone stored as a number, as Excel keeps a typed \`76123456\`) is
read by libzip and expat one row at a time: the sheet is inflated in chunks and never whole in
memory; only the file itself (its compressed bytes) and the shared strings are.

A price table is read whole, then written in one transaction; each row looks up the spelling
its market was first imported with through the index of migration 17. Before it (7b2666b) that
lookup read the whole prices table once per row: a file of 54,058 rows took 76 s, and 1.4 s
after (3 December, one run each, by hand, not by this section). To see it here, run this section
with \`KIBARU=\` pointing at a build of 7b2666b^.
MD
}
