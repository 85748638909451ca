--[=[ read-jobs (read only): jobs by id, with their log lines when asked, in one round trip.
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON
  ARGV[3]  input JSON { ids: [id], logs?: bool, log_from?: n, max_bytes? }
  Reads:   job:<id>, job:<id>:log
  Returns: JSON [{ job: [field, value, ...], log?: [line], more?: n }]  (job = [] when
           missing), for the first ids only once the answer holds max_bytes (the caller asks again
           for the rest; the first id is always answered); more: the log's lines from n on did
           not fit (ask again with log_from = n)
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
  bytes = bytes + values_bytes(entry.job)
  if input.logs then
    -- Lines from log_from on, until the answer holds max_bytes; `more` says where to go on.
    local from = tonumber(input.log_from) or 0
    local lines = redis.call('LRANGE', K.log(P, tostring(id)), from, -1)
    local log = {}
    for n, line in ipairs(lines) do
      if bytes >= budget and n > 1 then
        entry.more = from + n - 1
        break
      end
      log[n] = line
      bytes = bytes + #line
    end
    entry.log = log
  end
  out[i] = entry
end
return cjson.encode(out)
