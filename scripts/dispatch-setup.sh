# Sourced by bench.sh and profile-dispatch.sh: the database both measure dispatch on, so that
# their figures are of the same run.
#
# dispatch_text: the week's message (French, GSM-7, one segment, no contact field).
# prepare_dispatch DIR KIBARU PORT MAX_IN_FLIGHT N [GATEWAYS]: in DIR, N producers, one sesame
#   campaign starting 2019-01-07 with week 1's message, and a config sending to the fake gateway
#   on PORT with the rate limit off (GATEWAYS 2: two [[gateways]] split by operator). Sets the array `k` (declare it local first to keep it local) to the
#   kibaru command line for that database. Week 1 is not opened yet: a run-once at
#   2019-01-08T21:00:00Z opens it outside send hours, one at 2019-01-09T09:00:00Z sends it.
dispatch_text='Sésame S{week}: Kita 640-690 FCFA/kg, hausse. Séchez bien avant la vente.'

prepare_dispatch() {
  local dir=$1 kibaru=$2 port=$3 mif=$4 n=$5 gateways=${6:-1}
  mkdir -p "$dir"
  if [ "$gateways" = 2 ]; then
    # Two gateways split by operator (Orange 76, Moov 66 numbers in turn), each with half the
    # in-flight limit: the same concurrency as one gateway, so CPU per SMS compares.
    cat > "$dir/k.toml" <<TOML
[gateway]
rate_per_second = 0
max_in_flight = $((mif / 2))
[[gateways]]
name = "orange"
url = "http://127.0.0.1:$port/ok/cgi-bin/sendsms"
operators = ["orange"]
[[gateways]]
name = "moov"
url = "http://127.0.0.1:$port/ok/cgi-bin/sendsms"
operators = ["moov"]
[log]
file = "$dir/kibaru.log"
level = "warn"
TOML
  else
    cat > "$dir/k.toml" <<TOML
[gateway]
url = "http://127.0.0.1:$port/ok/cgi-bin/sendsms"
rate_per_second = 0
max_in_flight = $mif
[log]
file = "$dir/kibaru.log"
level = "warn"
TOML
  fi
  k=("$kibaru" --config "$dir/k.toml" --db "$dir/d.db")
  awk -v n="$n" -v g="$gateways" 'BEGIN { print "phone,name,commodities,language"
    for (i = 0; i < n; i++) printf "%d6%06d,Producteur %d,sesame,fr\n", (g == 2 && i % 2 ? 6 : 7), i, i }' > "$dir/c.csv"
  "${k[@]}" contacts import "$dir/c.csv" >/dev/null 2>&1
  "${k[@]}" campaign create --name bench --commodity sesame --start 2019-01-07 >/dev/null 2>&1
  "${k[@]}" messages set 1 --week 1 --text "$dispatch_text" >/dev/null
}
