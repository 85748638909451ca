--[=[ read-jobs (read only): jobs by id, with their log lines when asked, in one round trip.
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON; ARGV[3] input JSON { ids: [id], logs?: bool }
  Reads:   job:<id>, job:<id>:log
  Returns: JSON [{ job: [field, value, ...], log?: [line] }]  (job = [] when missing)
]=]
-- @include lib/keys.lua
-- @include lib/fields.lua

local P = ARGV[1]
local input = cjson.decode(ARGV[3])
local out = {}
for i, id in ipairs(input.ids) do
  local entry = { job = job_fields(P, tostring(id)) }
  if input.logs then entry.log = redis.call('LRANGE', K.log(P, tostring(id)), 0, -1) end
  out[i] = entry
end
return cjson.encode(out)
