#!/usr/bin/env bash
# Installs what is missing, checks formatting, builds (warnings are errors) and runs every test.
# Usage: scripts/test.sh            (build directory: build/, or $KIBARU_BUILD_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

echo "== format check"
bash scripts/format.sh --check

build=${KIBARU_BUILD_DIR:-build}
jobs=$(nproc)
echo "== configure and build ($build, -j$jobs)"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKIBARU_WERROR=ON
cmake --build "$build" -j"$jobs"

echo "== tests"
ctest --test-dir "$build" --output-on-failure -j"$jobs" --timeout 300
