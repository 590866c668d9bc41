#!/usr/bin/env bash
# Builds everything with AddressSanitizer and UndefinedBehaviorSanitizer (Debug, -fno-sanitize-
# recover, leak detection on) in build-asan/ and runs the whole ctest suite there.
# Usage: scripts/sanitize.sh        (about 5 minutes to build and 3 to test on two cores)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DKIBARU_SANITIZE=address,undefined \
  -DKIBARU_BUILD_BENCH=OFF
cmake --build build-asan -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
ctest --test-dir build-asan --output-on-failure -j"$(nproc)" --timeout 600
