--[=[ read-range (read only): a page of jobs by rank in an index ordered by id (stable pages for
  infinite scroll), with each job's fields, in one round trip.
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON
  ARGV[3]  input JSON { state?, type?, from, to, order: 'asc'|'desc' }
           no state: all jobs; type without state: not supported (the caller picks a state)
  Reads:   jobs, jobs:<state>, jobs:<type>:<state>, job:<id>
  Returns: JSON [[field, value, ...]]
]=]
-- @include lib/keys.lua

local P = ARGV[1]
local input = cjson.decode(ARGV[3])
local key = K.all(P)
if input.state and input.type then
  key = K.type_state(P, input.type, input.state)
elseif input.state then
  key = K.state(P, input.state)
end
local cmd = 'ZRANGE'
if input.order == 'desc' then cmd = 'ZREVRANGE' end
local ids = redis.call(cmd, key, tonumber(input.from), tonumber(input.to))
local jobs = {}
for _, id in ipairs(ids) do
  local h = redis.call('HGETALL', K.job(P, id))
  if #h > 0 then table.insert(jobs, h) end
end
return cjson.encode(jobs)
