#!/usr/bin/env bash
# Builds the Debian package of Kibaru and checks it with lintian (no error allowed; warnings
# and the overrides' reasons are listed):
#   1. configures the build directory with CMAKE_INSTALL_PREFIX=/usr (reusing build/, or
#      $KIBARU_BUILD_DIR, when it is configured: an optimized build without sanitizers),
#   2. builds the kibaru binary, 3. cpack -G DEB (cmake/install.cmake), prints the .deb's path,
#   4. lintian --fail-on error.
# --check (CI, as root, on a machine without Kibaru installed) then installs the package with
# apt-get, runs `kibaru status` and `audit verify` as the kibaru user, checks the man page, the
# conffile, the directories and the unit, purges the package and checks that the database was
# kept and the user removed; it finally deletes the database it made.
# Usage: scripts/package.sh [--check]
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
case "${1:-}" in
--check) check=1 ;;
"") ;;
*)
  echo "usage: scripts/package.sh [--check]" >&2
  exit 2
  ;;
esac
die() {
  echo "package.sh: $*" >&2
  exit 1
}
package_state() { dpkg-query -W -f='${db:Status-Status}' kibaru 2>/dev/null || true; }

if ((check)); then
  [ "$(id -u)" -eq 0 ] ||
    die "--check installs and purges the package: run it as root (CI does), e.g. sudo $0 --check"
  command -v apt-get >/dev/null || die "--check needs apt-get (Debian)"
  # Never touch a real installation or its data.
  case "$(package_state)" in
  "" | not-installed) ;;
  *) die "--check: kibaru is installed on this machine; run the check on a CI or scratch machine" ;;
  esac
  [ ! -e /var/lib/kibaru ] ||
    die "--check: /var/lib/kibaru exists (a kept database?); run the check on a scratch machine"
  getent passwd kibaru >/dev/null && die "--check: a user kibaru exists already"
fi
for tool in cmake cpack dpkg-shlibdeps file lintian; do
  command -v "$tool" >/dev/null || die "$tool is missing: run scripts/setup.sh"
done

build=${KIBARU_BUILD_DIR:-build}
jobs=${KIBARU_JOBS:-$(nproc)}
configure=(-DCMAKE_INSTALL_PREFIX=/usr)
if [ -f "$build/CMakeCache.txt" ]; then
  cached() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
  case "$(cached CMAKE_BUILD_TYPE)" in
  Release | RelWithDebInfo) ;;
  *) die "$build is a $(cached CMAKE_BUILD_TYPE) build: package an optimized one (KIBARU_BUILD_DIR)" ;;
  esac
  if [ -n "$(cached KIBARU_SANITIZE)" ] || [ "$(cached KIBARU_FUZZ)" = ON ]; then
    die "$build is built with sanitizers or for fuzzing: package another (KIBARU_BUILD_DIR)"
  fi
else
  configure+=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
fi
echo "== configure $build for /usr and build kibaru (-j$jobs)"
cmake -S . -B "$build" "${configure[@]}" >/dev/null
cmake --build "$build" -j"$jobs" --target kibaru

echo "== cpack -G DEB"
out=$build/deb
rm -rf "$out"
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$out" >"$build/cpack.log" ||
  { cat "$build/cpack.log"; die "cpack failed (log above)"; }
debs=("$out"/kibaru_*.deb)
[ -f "${debs[0]}" ] || { cat "$build/cpack.log"; die "cpack made no kibaru_*.deb in $out"; }
deb=$(realpath "${debs[0]}")
echo "$deb"
dpkg-deb --info "$deb" | sed -n 's/^ \(Version\|Depends\|Installed-Size\):/  \1:/p'

# What the package holds (paths as tar stores them, with or without a leading ./).
contents=$(dpkg-deb -c "$deb" | awk '{ sub(/^\.?\//, "", $NF); print $NF }')
for file in /usr/bin/kibaru /etc/kibaru/kibaru.toml /lib/systemd/system/kibaru.service \
  /usr/share/man/man1/kibaru.1.gz /usr/share/doc/kibaru/copyright \
  /usr/share/doc/kibaru/changelog.Debian.gz /usr/share/kibaru/templates/replies.fr.txt \
  /usr/share/kibaru/samples/producers.csv; do
  grep -qxF "${file#/}" <<<"$contents" || die "$deb lacks $file"
done
[ "$(dpkg-deb -f "$deb" Package)" = kibaru ] || die "the package is not named kibaru"
conffiles=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO --wildcards '*conffiles')
grep -qx /etc/kibaru/kibaru.toml <<<"$conffiles" ||
  die "$deb does not list /etc/kibaru/kibaru.toml in conffiles"

echo "== lintian"
lintian --fail-on error --show-overrides "$deb" || die "lintian found errors in $deb"
echo "lintian: no errors"
((check)) || exit 0

echo "== install, run as the kibaru user, purge"
export DEBIAN_FRONTEND=noninteractive
installed=0
cleanup() { # after a failure too: leave the machine as it was
  if ((installed)); then
    apt-get purge -y -qq kibaru >/dev/null 2>&1 || true
    rm -rf /var/lib/kibaru
  fi
}
trap cleanup EXIT
installed=1
apt-get install -y -qq "$deb" >/dev/null || die "apt-get install $deb failed"
[ "$(command -v kibaru)" = /usr/bin/kibaru ] || die "kibaru is not /usr/bin/kibaru"
for dir in /var/lib/kibaru /var/log/kibaru; do
  [ "$(stat -c '%U:%G %a' "$dir")" = "kibaru:kibaru 750" ] ||
    die "$dir is $(stat -c '%U:%G %a' "$dir"), not kibaru:kibaru 750"
done
grep -q '^ /etc/kibaru/kibaru.toml ' <<<"$(dpkg-query -W -f='${Conffiles}\n' kibaru)" ||
  die "/etc/kibaru/kibaru.toml is not a conffile"
if grep -qs '^path-exclude[= ]*/usr/share/man' /etc/dpkg/dpkg.cfg.d/*; then
  echo "(dpkg does not install manual pages on this machine: man -w kibaru not checked)"
elif command -v man >/dev/null; then
  man -w kibaru >/dev/null || die "man -w kibaru finds no manual page"
else
  [ -f /usr/share/man/man1/kibaru.1.gz ] || die "no /usr/share/man/man1/kibaru.1.gz"
fi
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify /lib/systemd/system/kibaru.service || die "systemd-analyze verify failed"
fi
(cd / && runuser -u kibaru -- kibaru --config /etc/kibaru/kibaru.toml status) ||
  die "kibaru status as the kibaru user failed"
(cd / && runuser -u kibaru -- kibaru --config /etc/kibaru/kibaru.toml audit verify) ||
  die "kibaru audit verify as the kibaru user failed"
[ "$(stat -c %U /var/lib/kibaru/kibaru.db)" = kibaru ] || die "the database is not kibaru's"

apt-get purge -y -qq kibaru >/dev/null || die "apt-get purge kibaru failed"
case "$(package_state)" in
"" | not-installed) ;;
*) die "after the purge, kibaru is $(package_state)" ;;
esac
[ -f /var/lib/kibaru/kibaru.db ] || die "purge deleted the database"
! getent passwd kibaru >/dev/null || die "purge left the user kibaru"
! getent group kibaru >/dev/null || die "purge left the group kibaru"
for gone in /etc/kibaru /var/log/kibaru /usr/bin/kibaru /lib/systemd/system/kibaru.service; do
  [ ! -e "$gone" ] || die "purge left $gone"
done
echo "installed, ran as kibaru, purged: the database was kept, the user removed"
