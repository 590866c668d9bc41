#!/usr/bin/env bash
# Builds everything with Clang, AddressSanitizer and UndefinedBehaviorSanitizer (-O1, debug info,
# -fno-sanitize-recover: the first finding fails) in build-san/, together with the libFuzzer
# targets of tests/fuzz, and runs the whole ctest suite there with leak detection on.
# Usage: scripts/sanitize.sh [--build-only]
#   about 5 minutes to build and 2 to test on two cores; scripts/test.sh runs it in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

build=${KIBARU_SAN_BUILD_DIR:-build-san}
echo "== sanitizer build ($build: clang, address+undefined, fuzz targets)"
CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
  -DKIBARU_SANITIZE=address,undefined -DKIBARU_FUZZ=ON -DKIBARU_BUILD_BENCH=OFF \
  -DKIBARU_WERROR=ON >/dev/null
cmake --build "$build" -j"$(nproc)"
[ "${1:-}" = "--build-only" ] && exit 0

echo "== tests under ASan+UBSan"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 600
