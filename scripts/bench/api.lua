-- wrk script for the console API: each request is one of three reads, in turn, with the API
-- token in Authorization. Arguments: TOKEN CAMPAIGN.
local paths
function init(args)
  local token, campaign = args[1], args[2]
  wrk.headers["Authorization"] = "Bearer " .. token
  paths = {"/api/v1/status", "/api/v1/campaigns/" .. campaign .. "/report",
           "/api/v1/contacts?limit=50&after=500000&region=Kita"}
end
local n = 0
function request()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
