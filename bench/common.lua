-- Shared by every scenario: a random client address per request (the API trusts X-Forwarded-For from loopback,
-- as it does from nginx), and a JSON summary line that `vitrine bench` parses.
math.randomseed(tonumber(os.getenv("VITRINE_BENCH_SEED") or "42"))

local M = {}

function M.address()
  return string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
end

function M.headers(extra)
  local h = { ["X-Forwarded-For"] = M.address(), ["Accept"] = "application/json" }
  if extra then
    for k, v in pairs(extra) do h[k] = v end
  end
  return h
end

-- Access tokens of seeded users, one a line, written by `vitrine bench` before the order scenarios.
function M.tokens()
  local list = {}
  local file = io.open(os.getenv("VITRINE_BENCH_TOKENS") or "", "r")
  if file then
    for line in file:lines() do
      if #line > 0 then list[#list + 1] = line end
    end
    file:close()
  end
  if #list == 0 then error("no tokens: run through `vitrine bench`") end
  return list
end

function M.done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'VITRINE_RESULT {"requests":%d,"durationUs":%d,"bytes":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"statusErrors":%d,"timeouts":%d,"p50Us":%d,"p90Us":%d,"p95Us":%d,"p99Us":%d,"maxUs":%d,"meanUs":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end

return M
