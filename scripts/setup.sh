#!/usr/bin/env bash
# Installs every Debian package Kibaru needs to build, test, benchmark and run its demo.
# Idempotent and non-interactive: packages already present are not touched, and
# `apt-get update` runs only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ccache git ca-certificates tzdata
  libboost-dev libcurl4-openssl-dev libsqlite3-dev sqlite3 libspdlog-dev libfmt-dev
  libcli11-dev libtomlplusplus-dev libhowardhinnant-date-dev nlohmann-json3-dev libssl-dev
  libphonenumber-dev libprotobuf-dev libicu-dev libsodium-dev zlib1g-dev
  libzip-dev libexpat1-dev libxlsxwriter-dev python3-openpyxl
  libgtest-dev libgmock-dev libbenchmark-dev
  curl python3 time wrk clang-format kannel kannel-extras openssl
  clang libclang-rt-14-dev systemd strace linux-perf
  chromium
  dpkg-dev file lintian man-db adduser
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# Node.js runs the browser tests; a machine without it gets Debian's.
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages present"
else
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "setup: done"
fi

# The browser tests' npm packages, exactly as package-lock.json pins them (npm ci), when they
# are missing or older than the lockfile. playwright-core drives /usr/bin/chromium: nothing
# downloads a browser.
browser=$(cd "$(dirname "$0")/../tests/browser" && pwd)
if [ ! -d "$browser/node_modules/playwright-core" ] ||
   [ "$browser/package-lock.json" -nt "$browser/node_modules/.package-lock.json" ]; then
  echo "setup: npm ci in tests/browser"
  (cd "$browser" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
