#!/usr/bin/env bash
# Runs every libFuzzer target in tests/fuzz for a bounded time, each starting from its seed
# corpus in tests/fuzz/corpus/<target>. New inputs go to var/fuzz/<target>/ (the seeds in the
# repository are never touched); a crash, leak, sanitizer finding or broken property stops the
# target, leaves the input as var/fuzz/crash-* and makes this script exit 1.
# Usage: scripts/fuzz.sh [--seconds N] [--no-build] [TARGET...]  (default 60 s each, every target;
#        --no-build: build-san/ was just built, as scripts/test.sh does)
# Replay a finding: build-san/fuzz/<target> var/fuzz/crash-<sha1>
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
build=1
targets=()
while (($#)); do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
((${#targets[@]})) || targets=(fuzz_csv fuzz_config fuzz_template fuzz_sms fuzz_callbacks fuzz_web fuzz_keywords
  fuzz_xlsx)

((build)) && bash scripts/sanitize.sh --build-only
build=${KIBARU_SAN_BUILD_DIR:-build-san}
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p var/fuzz
failed=()
for t in "${targets[@]}"; do
  mkdir -p "var/fuzz/$t"
  echo "== $t for ${seconds}s"
  if "$build/fuzz/$t" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix=var/fuzz/ "var/fuzz/$t" "tests/fuzz/corpus/$t" \
      >"var/fuzz/$t.log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^Done' "var/fuzz/$t.log" | tr '\n' ' '; echo
  else
    echo "$t: FAILED, see var/fuzz/$t.log"; tail -30 "var/fuzz/$t.log"
    failed+=("$t")
  fi
done
if ((${#failed[@]})); then
  echo "fuzz: findings in ${failed[*]}"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds}s each, no finding"
