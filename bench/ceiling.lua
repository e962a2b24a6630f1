-- The framework's own ceiling: /health/live touches nothing but the pipeline.
package.path = package.path .. ";" .. (os.getenv("VITRINE_BENCH_DIR") or "bench") .. "/?.lua"
local common = require("common")

request = function()
  return wrk.format("GET", "/health/live", common.headers())
end

done = common.done
