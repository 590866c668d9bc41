#!/usr/bin/env bash
# Installs what is missing, checks formatting, builds (warnings are errors) and runs every test:
#   1. the ctest suite (unit, store, CLI, integration with the fake gateway and the real Kannel,
#      the systemd unit) on the optimized build,
#   2. the Debian package (scripts/package.sh --check: built, lintian, installed, run as the
#      kibaru user, purged) when running as root on a machine without Kibaru installed, as CI;
#      KIBARU_SKIP_PACKAGE=1 skips it,
#   3. the README's demo (scripts/demo.sh --weeks 2 --no-console: the real Kannel, two weeks
#      sent and reported, a STOP), which fails unless every SMS was delivered and the audit holds,
#   4. two short crash soaks (scripts/soak.sh: SIGKILLs, the fault mix, an outage; then two
#      gateways, one refusing everything for a while, with failover and delivery reports),
#   5. the whole ctest suite again under ASan+UBSan (scripts/sanitize.sh, Clang),
#   6. every libFuzzer target for a short time (scripts/fuzz.sh).
# Usage: scripts/test.sh [--quick]   (--quick: step 1 only; build directory: build/ or
#                                     $KIBARU_BUILD_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
stamp() { echo "   ($(($(date +%s) - start)) s so far)"; }

bash scripts/setup.sh

echo "== format check"
bash scripts/format.sh --check

build=${KIBARU_BUILD_DIR:-build}
jobs=$(nproc)
echo "== configure and build ($build, -j$jobs)"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKIBARU_WERROR=ON
cmake --build "$build" -j"$jobs"
stamp

echo "== tests"
ctest --test-dir "$build" --output-on-failure -j"$jobs" --timeout 300
stamp
[ "${1:-}" = "--quick" ] && exit 0

# The package check installs and purges kibaru: only as root (CI), never over a real install.
installed=$(dpkg-query -W -f='${db:Status-Status}' kibaru 2>/dev/null || true)
if [ -n "${KIBARU_SKIP_PACKAGE:-}" ]; then
  echo "== Debian package: skipped (KIBARU_SKIP_PACKAGE)"
elif [ "$(id -u)" -ne 0 ]; then
  echo "== Debian package: skipped (not root; run sudo scripts/package.sh --check)"
elif [ -n "$installed" ] && [ "$installed" != not-installed ] || [ -e /var/lib/kibaru ]; then
  echo "== Debian package: skipped (Kibaru is installed here, or /var/lib/kibaru exists)"
else
  echo "== Debian package (build, lintian, install, run, purge)"
  bash scripts/package.sh --check
  stamp
fi

# The demo builds and runs from build/ only, as the README has it.
if [ "$build" = build ]; then
  echo "== the README's demo (two weeks through the real Kannel)"
  bash scripts/demo.sh --weeks 2 --no-console
  stamp
else
  echo "== the README's demo: skipped (it builds in build/, not $build)"
fi

echo "== crash soak (short)"
bash scripts/soak.sh --no-build --deliveries 5000 --rate 400 --kills 4 --kill-within 2 --outage 5
echo "== crash soak with two gateways, failover and delivery reports (short)"
bash scripts/soak.sh --no-build --deliveries 5000 --rate 400 --kills 4 --kill-within 2 --outage 5 \
  --gateways 2 --refuse 3
stamp

echo "== sanitizers"
bash scripts/sanitize.sh
stamp

echo "== fuzzing (short)"
bash scripts/fuzz.sh --no-build --seconds "${KIBARU_FUZZ_SECONDS:-15}"
stamp
