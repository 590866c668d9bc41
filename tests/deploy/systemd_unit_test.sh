#!/usr/bin/env bash
# Checks scripts/kibaru.service: systemd accepts it (systemd-analyze verify), its sandbox scores
# at most 2.0 ("OK") in systemd-analyze security, and its ExecStart line is one our CLI accepts.
# Usage: systemd_unit_test.sh KIBARU_BIN SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
unit_dir=$(mktemp -d)
trap 'rm -rf "$unit_dir"' EXIT
sed "s#/usr/local/bin/kibaru#$bin#" "$src/scripts/kibaru.service" >"$unit_dir/kibaru.service"

systemd-analyze verify "$unit_dir/kibaru.service"
echo "verify: ok"

systemd-analyze security --offline=true --threshold=20 "$unit_dir/kibaru.service" >"$unit_dir/sec"
grep 'Overall exposure level' "$unit_dir/sec"
for option in ProtectSystem=strict NoNewPrivileges=yes StateDirectory=kibaru UMask=0077; do
  grep -qx "$option" "$unit_dir/kibaru.service" || { echo "missing $option"; exit 1; }
done

# The command line systemd will run, with the config it names replaced by the shipped one.
exec_start=$(sed -n 's/^ExecStart=//p' "$unit_dir/kibaru.service")
read -r -a argv <<<"${exec_start//\/etc\/kibaru\/kibaru.toml/$src/config/kibaru.toml}"
"${argv[@]}" --help | grep -q 'daemon' || { echo "ExecStart not accepted: $exec_start"; exit 1; }
echo "ExecStart: ok"
