-- GET /api/v1/users/me/orders?pageSize=20 always as the same signed-in user (the first token): the peers' my_orders
-- workload, one user's order history read over and over, uncached.
package.path = package.path .. ";" .. (os.getenv("VITRINE_BENCH_DIR") or "bench") .. "/?.lua"
local common = require("common")
local token = common.tokens()[1]

request = function()
  return wrk.format("GET", "/api/v1/users/me/orders?pageSize=20", common.headers({ ["Authorization"] = "Bearer " .. token }))
end

done = common.done
