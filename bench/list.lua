-- GET /api/v1/products: the first pages of the catalog, newest first, sometimes by category or price.
package.path = package.path .. ";" .. (os.getenv("VITRINE_BENCH_DIR") or "bench") .. "/?.lua"
local common = require("common")
local categories = { "home", "kitchen", "outdoors", "books", "audio", "apparel", "office", "toys" }
local sorts = { "newest", "price_asc", "price_desc" }

request = function()
  local path = string.format("/api/v1/products?page=%d&pageSize=20&sort=%s", math.random(1, 10), sorts[math.random(#sorts)])
  if math.random() < 0.5 then
    path = path .. "&category=" .. categories[math.random(#categories)]
  end
  return wrk.format("GET", path, common.headers())
end

done = common.done
