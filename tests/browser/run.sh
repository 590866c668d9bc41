#!/usr/bin/env bash
# The console's journeys in Debian's Chromium (tests/browser/journeys.mjs). The npm packages
# (playwright-core, axe-core; pinned by package-lock.json) are installed by scripts/setup.sh.
# Usage: run.sh KIBARU_BINARY BUILD_DIR SOURCE_DIR [SCREENSHOT_DIR]
set -euo pipefail
kibaru=$1 build=$2 src=$3 shots=${4:-}
cd "$src/tests/browser"
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
  echo "browser tests: tests/browser/node_modules is missing: run scripts/setup.sh" >&2
  exit 1
fi
[ -x /usr/bin/chromium ] || { echo "browser tests: /usr/bin/chromium missing: run scripts/setup.sh" >&2; exit 1; }
[ -z "$shots" ] || mkdir -p "$shots"
KIBARU_BIN=$kibaru FAKE_GATEWAY=$build/fake_gateway KIBARU_SOURCE_DIR=$src \
  KIBARU_SCREENSHOTS=$shots exec node journeys.mjs
