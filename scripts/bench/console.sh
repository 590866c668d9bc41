# Section "console": the console's memory around imports done through its forms, as staff do
# them: `kibaru console` on a fresh database, a staff account signed in with curl, then twice
# --console-rows generated contacts uploaded (the review: a dry run) and imported, then 40 page
# views. The console's resident memory (VmRSS) after each step, its peak (VmHWM), and the same
# after 20 s idle. The uploaded file is kept in memory until it is imported or an hour passes.

bench_console() {
  local dir=$work/console rows=$console_rows port pid round
  rm -rf "$dir"
  mkdir -p "$dir"
  make_contacts_csv "$rows" "$dir/c.csv"
  say "== console memory: two imports of $rows contacts through the console's forms"
  read -r port < <(free_ports 1)
  printf '[console]\nlisten = "127.0.0.1:%s"\npublic_url = "http://127.0.0.1:%s"\n[log]\nfile = "%s/kibaru.log"\nlevel = "warn"\n' \
    "$port" "$port" "$dir" > "$dir/k.toml"
  local k=("$kibaru" --db "$dir/k.db" --config "$dir/k.toml") url=http://127.0.0.1:$port
  "${k[@]}" users add staff --role staff --password-stdin <<<"staff-password-1" >/dev/null
  "${k[@]}" console > "$dir/console.out" 2>&1 &
  pid=$!
  background+=("$pid")
  wait_port "$port"
  local origin=(-H "Origin: $url") jar=(-s -b "$dir/jar" -c "$dir/jar")
  rss() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status"; }
  hidden() { grep -o "name=\"$1\" value=\"[^\"]*\"" "$2" | head -1 | sed 's/.*value="//; s/"$//'; }
  curl "${jar[@]}" -o /dev/null "$url/login"
  curl "${jar[@]}" "${origin[@]}" -o /dev/null -d "name=staff&password=staff-password-1&next=/" "$url/login"
  local start_rss rows_md="" review_s commit_s review_rss commit_rss
  start_rss=$(rss)
  for round in 1 2; do
    curl "${jar[@]}" -o "$dir/form.html" "$url/contacts/import"
    local review_url
    review_url=$(curl "${jar[@]}" "${origin[@]}" -o /dev/null -w '%{redirect_url}' \
      -F "csrf_token=$(hidden csrf_token "$dir/form.html")" -F "file=@$dir/c.csv;type=text/csv" "$url/contacts/import")
    [ -n "$review_url" ] || { echo "bench: console: the upload was refused" >&2; exit 1; }
    review_s=$(curl "${jar[@]}" -o "$dir/review.html" -w '%{time_total}' "$review_url" | xargs printf '%.2f')
    review_rss=$(rss)
    commit_s=$(curl "${jar[@]}" "${origin[@]}" -o /dev/null -w '%{time_total}' \
      -d "csrf_token=$(hidden csrf_token "$dir/review.html")&form_id=$(hidden form_id "$dir/review.html")" "$review_url" | xargs printf '%.2f')
    commit_rss=$(rss)
    rows_md+="| import $round: review (${review_s} s), then import (${commit_s} s) | $review_rss MiB, then $commit_rss MiB |"$'\n'
  done
  local imported
  imported=$("${k[@]}" contacts list --format csv | tail -n +2 | wc -l)
  [ "$imported" -eq "$rows" ] || { echo "bench: console: expected $rows contacts, found $imported" >&2; exit 1; }
  for ((round = 0; round < 20; round++)); do
    curl "${jar[@]}" -o /dev/null "$url/contacts?q=Kita"
    curl "${jar[@]}" -o /dev/null "$url/"
  done
  local views_rss idle_rss peak
  views_rss=$(rss)
  sleep 20
  idle_rss=$(rss)
  peak=$(awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  say "   started at $start_rss MiB, peak $peak MiB, $idle_rss MiB idle after"
  cat <<MD
## The console's memory around imports

Measured $(machine) by \`scripts/bench.sh --only console --console-rows $rows\`.
\`kibaru console\` on a fresh database; a staff account signed in with curl uploads $rows
generated contacts through the import form (the review is a dry run), imports them, and does it
again (every row then an update); then 40 page views (contacts search, overview) and 20 s idle.
Resident memory (VmRSS) of the console process after each step. The uploaded file stays in
memory until it is imported or an hour has passed.

| step | resident memory |
|---|---|
| started | $start_rss MiB |
${rows_md}| after 40 page views | $views_rss MiB |
| 20 s idle | $idle_rss MiB |
| peak (VmHWM) | $peak MiB |

Before the import gave its page cache back (\`store::PageCacheScope\`) and the console workers
gave free heap back after a long request (\`util::give_back_free_heap\`), the same steps (300,000
rows) left 93 MiB after the first import and 104 to 131 MiB after the page views: a worker's
connection kept the import's 64 MiB page cache, and glibc kept the memory freed in the middle of
a worker thread's heap (\`malloc_trim(0)\` from gdb gave back 63 MiB of it). Each change alone
was measured too: the heap given back without the cache scope still left 83 to 125 MiB. To
measure a build from before (082c6d9, the commit before both), point this section at it:
\`KIBARU=<that build>/kibaru scripts/bench.sh --no-build --only console\`; the gdb figure and the
heap-only build were one-off diagnostic runs by hand.
MD
}
