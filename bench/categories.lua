-- GET /api/v1/categories: the cheapest rate-limited endpoint, to see what the general limiter itself costs.
package.path = package.path .. ";" .. (os.getenv("VITRINE_BENCH_DIR") or "bench") .. "/?.lua"
local common = require("common")

request = function()
  return wrk.format("GET", "/api/v1/categories", common.headers())
end

done = common.done
