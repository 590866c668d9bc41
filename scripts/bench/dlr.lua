-- wrk script for the raw delivery-report path: Kannel report GETs for deliveries 1..N, each
-- thread a slice of its own; a delivery is first reported accepted by the SMSC (type 8), then
-- delivered (type 1) on the next pass, as fakesmsc does. Arguments: N TOKEN THREADS.
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  n = tonumber(args[1]); token = args[2]; step = tonumber(args[3])
  counter = id
end
function request()
  local ref = (counter % n) + 1
  local kind = math.floor(counter / n) % 2 == 0 and "8" or "1"
  counter = counter + step
  return wrk.format("GET", "/dlr/kannel?token=" .. token .. "&ref=" .. ref .. "&type=" .. kind ..
    "&ts=1546938000&reply=ACK%2F&smsc_id=47efae27-0b1c-4a8e")
end
