-- GET /api/v1/products?q=…: full-text search with random words from the catalog's vocabulary.
package.path = package.path .. ";" .. (os.getenv("VITRINE_BENCH_DIR") or "bench") .. "/?.lua"
local common = require("common")
local words = {
  "lamp", "kettle", "walnut", "copper", "linen", "backpack", "lantern", "ceramic", "wool", "teapot", "desk", "leather",
  "vintage", "rustic", "compact", "journal", "speaker", "sweater", "bamboo", "marble", "oak lamp", "copper kettle",
  "wool -scarf", "\"leather wallet\"", "glass or ceramic", "notebook", "hammock", "brass", "velvet", "granite",
}

request = function()
  local q = words[math.random(#words)]:gsub(" ", "%%20"):gsub("\"", "%%22")
  return wrk.format("GET", "/api/v1/products?q=" .. q .. "&pageSize=20", common.headers())
end

done = common.done
