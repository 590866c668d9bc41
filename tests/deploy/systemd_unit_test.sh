#!/usr/bin/env bash
# Checks scripts/kibaru.service: systemd accepts it (systemd-analyze verify), its sandbox scores
# at most 2.0 ("OK") in systemd-analyze security, and its ExecStart line is one our CLI accepts.
# Usage: systemd_unit_test.sh KIBARU_BIN SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
unit_dir=$(mktemp -d)
trap 'rm -rf "$unit_dir"' EXIT
# The unit names the installed binary (/usr/bin/kibaru, or another prefix's): test ours instead.
sed "s#^ExecStart=/[^ ]*/kibaru #ExecStart=$bin #" "$src/scripts/kibaru.service" \
  >"$unit_dir/kibaru.service"

# verify runs man(1) on the unit's Documentation=man:kibaru(1): let it find ours.
mkdir -p "$unit_dir/man/man1"
cp "$src/docs/kibaru.1" "$unit_dir/man/man1/"
MANPATH="$unit_dir/man:" systemd-analyze verify "$unit_dir/kibaru.service"
echo "verify: ok"

systemd-analyze security --offline=true --threshold=20 "$unit_dir/kibaru.service" >"$unit_dir/sec"
grep 'Overall exposure level' "$unit_dir/sec"
# LogsDirectory: the packaged kibaru.toml logs to /var/log/kibaru, read-only under ProtectSystem.
for option in ProtectSystem=strict NoNewPrivileges=yes StateDirectory=kibaru LogsDirectory=kibaru \
  UMask=0077; do
  grep -qx "$option" "$unit_dir/kibaru.service" || { echo "missing $option"; exit 1; }
done

# The command line systemd will run, run for real in a scratch state directory, with the config
# it names replaced by the shipped one (callback server on any free port): it must still be
# running after two seconds (timeout's 124), not exit with a usage or configuration error.
exec_start=$(sed -n 's/^ExecStart=//p' "$unit_dir/kibaru.service")
sed 's/^listen = .*/listen = "127.0.0.1:0"/' "$src/config/kibaru.toml" >"$unit_dir/kibaru.toml"
read -r -a argv <<<"${exec_start//\/etc\/kibaru\/kibaru.toml/$unit_dir/kibaru.toml}"
mkdir -p "$unit_dir/state"
rc=0
(cd "$unit_dir/state" && KIBARU_CONFIG= timeout 2 "${argv[@]}" >"$unit_dir/out" 2>&1) || rc=$?
[ "$rc" -eq 124 ] || { echo "ExecStart exited $rc: $exec_start"; cat "$unit_dir/out"; exit 1; }
echo "ExecStart: ok (ran until stopped)"
