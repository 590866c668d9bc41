-- wrk script for inbound price queries: Kannel sms-service GETs to /inbound/kannel, query i
-- (0 <= i < N) from the contact +22376<i as 6 digits> with the gateway message id bench-<i>,
-- each thread taking every THREADS-th query from its own index. Arguments: N TOKEN THREADS
-- DONE_FILE [TEXT] (TEXT URL-encoded; PRIX SESAME KITA by default).
--
-- wrk 4 has no request count, so: wrk calls delay() once before each new request of a
-- connection, and request() once for it; delay() takes the next query of the thread's share
-- into a queue and request() sends the oldest taken (which connection sends which query does not
-- matter, only that each is sent once). Once a thread has taken its share, delay() parks the
-- connection for an hour. When a thread has had an answer for each of its queries it appends a
-- line to DONE_FILE and stops; wrk itself runs until -d ends or SIGINT, so the caller sends SIGINT
-- once DONE_FILE has a line per thread. A request lost with its connection is not sent again:
-- its thread never finishes, and the caller's timeout reports it.
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local budget, taken, answered, step, token, text, done_file
local queue, head, tail = {}, 1, 0
function init(args)
  local n = tonumber(args[1])
  token, step, done_file = args[2], tonumber(args[3]), args[4]
  text = args[5] or "PRIX%20SESAME%20KITA"
  -- this thread's share: the indexes id, id + step, ... below n
  budget = id < n and math.floor((n - 1 - id) / step) + 1 or 0
  taken, answered = 0, 0
end

function delay()
  if taken >= budget then
    return 3600000
  end
  tail = tail + 1
  queue[tail] = id + taken * step
  taken = taken + 1
  return 0
end

function request()
  if head > tail then
    -- wrk's own check of the script (thread 0, before it runs: never sent), or a request
    -- written again after a reconnect (its query is not known here)
    return wrk.format("GET", "/healthz")
  end
  local current = queue[head]
  queue[head] = nil
  head = head + 1
  return wrk.format("GET", string.format(
    "/inbound/kannel?token=%s&from=%%2B22376%06d&text=%s&id=bench-%d", token, current, text, current))
end

function response(status, headers, body)
  answered = answered + 1
  if answered == budget then
    local f = io.open(done_file, "a")
    f:write(id, " ", answered, "\n")
    f:close()
    wrk.thread:stop()
  end
end
