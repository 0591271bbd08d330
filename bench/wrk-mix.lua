-- wrk script for the store phase: a varied mix, so that filters over the stored
-- exchanges select small and large fractions. Environment:
--   BENCH_PORT     the upstream's HTTP port (every host name below resolves to 127.0.0.1 in the proxy)
--   BENCH_LIMIT    stop each thread after this many responses (0: run for the duration only)
--   BENCH_DONE_FILE each thread appends a line here when it reaches its limit (wrk's main thread
--                  otherwise sleeps out the whole duration; the bench reads this to end it)
--   BENCH_DELAY_MS each connection waits this long between a response and its next request (0: closed loop)
-- Each request draws its host, method, status, response size, delay and the rare
-- word independently; the upstream answers what the query string asks (?s=&b=&d=&w=).
-- Prints the same BENCH_RESULT line as wrk-proxy.lua.
local port = os.getenv("BENCH_PORT")
local limit = tonumber(os.getenv("BENCH_LIMIT") or "0")
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local doneFile = os.getenv("BENCH_DONE_FILE")

local hosts = { "api.localhost", "api.localhost", "api.localhost", "api.localhost", "cdn.localhost", "cdn.localhost",
  "cdn.localhost", "auth.localhost", "auth.localhost", "shop.localhost", "shop.localhost", "shop.localhost", "metrics.localhost" }
local resources = { "users", "orders", "items", "search", "login", "events", "cart", "assets" }
local requestBody = '{"client":"bench","items":[1,2,3,4,5,6,7,8],"note":"' .. string.rep("payload ", 28) .. '"}'

local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local n = 0
init = function(args)
  math.randomseed(7919 * (tid or 1))
  n = (tid or 1) * 100000000
end

request = function()
  n = n + 1
  local host = hosts[math.random(#hosts)]
  local m = math.random()
  local method = (m < 0.70 and "GET") or (m < 0.92 and "POST") or (m < 0.97 and "PUT") or "DELETE"
  local s = math.random()
  local status = (s < 0.83 and 200) or (s < 0.89 and (method == "POST" and 201 or 200)) or (s < 0.96 and 404) or 500
  local size = (status == 404) and (64 + math.random(0, 640)) or (128 + math.random(0, 1792))
  local d = math.random()
  local slow = (d < 0.001 and (1000 + math.random(0, 500))) or (d < 0.011 and (50 + math.random(0, 200))) or 0
  local word = (math.random() < 0.0005) and 1 or 0
  local path = string.format("http://%s:%s/v1/%s/%d?s=%d&b=%d&d=%d&w=%d&n=%d", host, port,
    resources[math.random(#resources)], n % 100000, status, size, slow, word, n)
  local headers = { ["Host"] = host .. ":" .. port }
  local body = nil
  if method == "POST" or method == "PUT" then
    headers["Content-Type"] = "application/json"
    body = requestBody
  end
  return wrk.format(method, path, headers, body)
end

if pause > 0 then
  delay = function() return pause end
end

local seen = 0
if limit > 0 then
  response = function(status, headers, body)
    seen = seen + 1
    if seen == limit then
      if doneFile then
        local f = io.open(doneFile, "a")
        f:write("done\n")
        f:close()
      end
      wrk.thread:stop()
    end
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"durationUs":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%d,"p99":%d,"max":%d,"mean":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, latency.mean))
end
