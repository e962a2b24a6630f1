-- POST /api/v1/auth/login as random seeded users (`vitrine seed`: user<N>@seed.vitrine.local, one shared password).
-- bcrypt dominates: this measures logins per second per core. Random users and addresses keep the per-account and
-- per-address limits (5/min) out of the way, as real traffic would.
package.path = package.path .. ";" .. (os.getenv("VITRINE_BENCH_DIR") or "bench") .. "/?.lua"
local common = require("common")
local users = tonumber(os.getenv("VITRINE_SEEDED_USERS") or "10000")
local password = os.getenv("VITRINE_SEED_PASSWORD") or "vitrine-seed-password"

request = function()
  local n = math.random(1, users)
  if n % 50 == 0 then n = n - 1 end -- every 50th seeded user is disabled
  local body = string.format('{"email":"user%d@seed.vitrine.local","password":"%s"}', n, password)
  return wrk.format("POST", "/api/v1/auth/login", common.headers({ ["Content-Type"] = "application/json" }), body)
end

done = common.done
