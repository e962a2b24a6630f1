-- GET /api/v1/products/{id} with ids uniformly random over the whole catalog: the peers' product_by_id workload
-- (../shared/peers), where the hit ratio grows with throughput as the caches fill.
package.path = package.path .. ";" .. (os.getenv("VITRINE_BENCH_DIR") or "bench") .. "/?.lua"
local common = require("common")
local min_id = tonumber(os.getenv("VITRINE_MIN_PRODUCT_ID") or "1")
local max_id = tonumber(os.getenv("VITRINE_MAX_PRODUCT_ID") or "300")

request = function()
  return wrk.format("GET", "/api/v1/products/" .. math.random(min_id, max_id), common.headers())
end

done = common.done
