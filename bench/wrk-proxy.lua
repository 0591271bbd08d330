-- wrk script for the bench. Environment:
--   BENCH_PATH   request target: "/json" (direct) or "http://127.0.0.1:PORT/json" (absolute URI, for a proxy)
--   BENCH_HOST   Host header (the upstream's host:port)
--   BENCH_LIMIT  stop each thread after this many responses (0: run for the duration only)
-- Prints one JSON line prefixed "BENCH_RESULT " with counts and latency percentiles (µs).
local path = os.getenv("BENCH_PATH") or "/"
local host = os.getenv("BENCH_HOST")
local limit = tonumber(os.getenv("BENCH_LIMIT") or "0")

wrk.path = path
if host then wrk.headers["Host"] = host end

local seen = 0
if limit > 0 then
  response = function(status, headers, body)
    seen = seen + 1
    if seen >= limit then wrk.thread:stop() end
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"durationUs":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%d,"p99":%d,"max":%d,"mean":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, latency.mean))
end
