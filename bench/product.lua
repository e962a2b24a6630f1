-- GET /api/v1/products/{id}. Catalog traffic is skewed: 90% of requests go to a hot set of 1,000 products, the rest
-- to any product (uniformly random over the whole catalog, which mostly misses every cache by design).
package.path = package.path .. ";" .. (os.getenv("VITRINE_BENCH_DIR") or "bench") .. "/?.lua"
local common = require("common")
local min_id = tonumber(os.getenv("VITRINE_MIN_PRODUCT_ID") or "1")
local max_id = tonumber(os.getenv("VITRINE_MAX_PRODUCT_ID") or "300")
local hot_max = math.min(max_id, min_id + 999)

request = function()
  local id
  if math.random() < 0.9 then id = math.random(min_id, hot_max) else id = math.random(min_id, max_id) end
  return wrk.format("GET", "/api/v1/products/" .. id, common.headers())
end

done = common.done
