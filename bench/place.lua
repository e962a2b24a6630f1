-- POST /api/v1/orders as random signed-in seeded users (tokens prepared by `vitrine bench`), one random product each,
-- a fresh Idempotency-Key per request.
package.path = package.path .. ";" .. (os.getenv("VITRINE_BENCH_DIR") or "bench") .. "/?.lua"
local common = require("common")
local min_id = tonumber(os.getenv("VITRINE_MIN_PRODUCT_ID") or "1")
local max_id = tonumber(os.getenv("VITRINE_MAX_PRODUCT_ID") or "300")
local tokens = common.tokens()
local counter = 0

request = function()
  counter = counter + 1
  local body = string.format('{"items":[{"productId":%d,"quantity":1}]}', math.random(min_id, max_id))
  return wrk.format("POST", "/api/v1/orders", common.headers({
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
    ["Idempotency-Key"] = string.format("bench-%d-%d-%d", os.time(), math.random(1, 1000000000), counter),
  }), body)
end

done = common.done
