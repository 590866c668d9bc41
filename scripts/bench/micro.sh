# Section "micro": Google Benchmark per-row costs (build/tests/bench/bench_core).

bench_micro() {
  say "== micro-benchmarks"
  local micro
  micro=$(./build/tests/bench/bench_core --benchmark_min_time=0.5 2>/dev/null | awk '/^bm_/ { printf "| `%s` | %s %s |\n", $1, $2, $3 }')
  say "$micro"
  cat <<MD
## Per-row costs (Google Benchmark, \`build/tests/bench/bench_core\`)

Measured $(machine) by \`scripts/bench.sh --only micro\`.

| benchmark | time per iteration |
|---|---|
$micro

\`bm_phone_normalization\` is one number; \`bm_csv_parse\` is 10,001 rows.
MD
}
