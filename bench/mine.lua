-- GET /api/v1/users/me/orders: a random signed-in seeded user's newest orders with their items (keyset, one page).
package.path = package.path .. ";" .. (os.getenv("VITRINE_BENCH_DIR") or "bench") .. "/?.lua"
local common = require("common")
local tokens = common.tokens()

request = function()
  return wrk.format("GET", "/api/v1/users/me/orders?pageSize=20", common.headers({
    ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
  }))
end

done = common.done
