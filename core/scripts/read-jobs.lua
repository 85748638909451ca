--[=[ read-jobs (read only): jobs by id, with their log lines when asked, in one round trip.
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON; ARGV[3] input JSON { ids: [id], logs?: bool, max_bytes? }
  Reads:   job:<id>, job:<id>:log
  Returns: JSON [{ job: [field, value, ...], log?: [line] }]  (job = [] when missing), for the
           first ids only once the jobs answered hold max_bytes (the caller asks again for the
           rest; the first id is always answered)
]=]
-- @include lib/keys.lua
-- @include lib/fields.lua

local P = ARGV[1]
local input = cjson.decode(ARGV[3])
local budget = tonumber(input.max_bytes) or math.huge
local out, bytes = {}, 0
for i, id in ipairs(input.ids) do
  if bytes >= budget then break end
  local entry = { job = job_fields(P, tostring(id)) }
  if input.logs then entry.log = redis.call('LRANGE', K.log(P, tostring(id)), 0, -1) end
  out[i] = entry
  for k = 2, #entry.job, 2 do bytes = bytes + #entry.job[k] end
end
return cjson.encode(out)
