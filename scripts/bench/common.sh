# Sourced by scripts/bench.sh and its sections: how a run is measured and described.
# Needs: $work (a scratch directory).

# measure COMMAND...: runs it under /usr/bin/time; prints "wall_s peak_rss_mib user_s sys_s".
# Exit 3 (partly done) is accepted; any other failure stops the benchmark.
measure() {
  local out=$work/time.txt
  /usr/bin/time -f '%e %M %U %S' -o "$out" "$@" >/dev/null 2>"$work/stderr.txt" || {
    local rc=$?; [ $rc -eq 3 ] || { cat "$work/stderr.txt" >&2; exit $rc; }; }
  awk '{ printf "%s %.0f %s %s\n", $1, $2 / 1024, $3, $4 }' "$out"
}

# verdict VALUE MAX: "yes" when VALUE <= MAX.
verdict() { awk -v v="$1" -v max="$2" 'BEGIN { print (v <= max) ? "yes" : "**no**" }'; }

# The machine and the day, for the line that opens each section.
machine() {
  local cpu
  cpu=$(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }')
  echo "$(date -u +%Y-%m-%d), $(nproc) cores ($cpu), $(free -g | awk '/Mem:/ { print $2 }') GiB"
}

# free_ports N: N TCP ports on 127.0.0.1 that the kernel just handed out.
free_ports() {
  python3 -c 'import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])' "$1"
}

# url_encode TEXT
url_encode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe="-_.~"))' "$1"; }

# wait_port PORT: until something listens on 127.0.0.1:PORT (10 s at most).
wait_port() {
  local i
  for ((i = 0; i < 100; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench: nothing listens on 127.0.0.1:$1" >&2
  return 1
}

# fake_gateway_on PORT [OPTION...]: build/fake_gateway listening on 127.0.0.1:PORT, stopped at
# exit (its pid is the last of `background`); returns once it listens.
fake_gateway_on() {
  local port=$1
  shift
  ./build/fake_gateway --port "$port" --max-seconds 3600 "$@" >/dev/null 2>&1 &
  background+=($!)
  wait_port "$port"
}

make_contacts_csv() { # rows file: distinct valid Malian mobiles, written the usual local ways
  awk -v rows="$1" 'BEGIN {
    print "phone,name,organisation,kind,region,commodities,language,tags"
    split("50 66 70 76 82 91 65 74 79 95", prefix, " ")
    split("Kita Dioila Sikasso Ségou Mopti Koutiala Kayes Timbuktu", region, " ")
    for (i = 0; i < rows; i++) {
      n = int(i / 10); p = prefix[(i % 10) + 1]
      a = int(n / 10000) % 100; b = int(n / 100) % 100; c = n % 100
      s = i % 4
      if (s == 0) phone = sprintf("%s %02d %02d %02d", p, a, b, c)
      else if (s == 1) phone = sprintf("00223%s%02d%02d%02d", p, a, b, c)
      else if (s == 2) phone = sprintf("+223 %s-%02d-%02d-%02d", p, a, b, c)
      else phone = sprintf("%s.%02d.%02d.%02d", p, a, b, c)
      printf "%s,Producteur %d,Coopérative %d,producer,%s,sesame,bm,\n", phone, i, i % 50, region[(i % 8) + 1]
    }
  }' > "$2"
}

# fake_gateway_any [OPTION...]: build/fake_gateway on a port the kernel picks as it binds (a port
# picked beforehand by free_ports can be taken meanwhile by a client connection's end); sets
# gateway_port; its pid is the last of `background`; returns once it listens.
fake_gateway_any() {
  local file=$work/gateway-port.$$.$RANDOM
  rm -f "$file"
  ./build/fake_gateway --port-file "$file" --max-seconds 3600 "$@" >/dev/null 2>&1 &
  background+=($!)
  for _ in $(seq 100); do [ -s "$file" ] && break; sleep 0.1; done
  [ -s "$file" ] || { echo "bench: build/fake_gateway did not start" >&2; return 1; }
  gateway_port=$(cat "$file")
  rm -f "$file"
}
