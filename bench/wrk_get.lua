-- wrk script for bench/run: GET /api/v1/contacts/{id} with ids drawn at random
-- from $IDS_FILE and the API token from $TOKEN.
--   TOKEN=... IDS_FILE=bench/out/ids.txt wrk -t2 -c16 -d10s -s bench/wrk_get.lua http://127.0.0.1:$PORT
local ids = {}
for line in io.lines(os.getenv("IDS_FILE")) do
  if #line > 0 then ids[#ids + 1] = line end
end
local auth = "Bearer " .. os.getenv("TOKEN")
math.randomseed(os.time() + math.floor(os.clock() * 1000000))

request = function()
  return wrk.format("GET", "/api/v1/contacts/" .. ids[math.random(#ids)], { ["Authorization"] = auth })
end
