--[=[ read-counts (read only): every count the stats and the dashboard need, in one round trip.
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON; ARGV[3] input JSON { types?: [name] } (absent = all)
  Reads:   jobs:<state>, jobs:<type>:<state>, types, stats, paused
  Returns: JSON { states: {state: n}, types: {type: {state: n}}, work_time, paused: {type: until} }
           paused: the pauses in force by Redis time (until: epoch ms, 0 = until resumed); one
           whose time ran out stays in its hash until a claim drops it, but is not listed
]=]
-- @include lib/keys.lua
-- @include lib/idset.lua
-- @include lib/time.lua

local P = ARGV[1]
local input = cjson.decode(ARGV[3])
local states = { 'inactive', 'active', 'delayed', 'complete', 'failed' }
local out = { states = {}, types = {}, work_time = 0, paused = {} }
for _, s in ipairs(states) do out.states[s] = idset_card(K.state(P, s)) end
local types = input.types
if not types or #types == 0 then types = redis.call('HKEYS', K.types(P)) end
for _, t in ipairs(types) do
  local per = {}
  for _, s in ipairs(states) do per[s] = idset_card(K.type_state(P, t, s)) end
  out.types[t] = per
end
out.work_time = tonumber(redis.call('HGET', K.stats(P), 'work_time')) or 0
local raw = redis.call('HGETALL', K.paused(P))
local now = #raw > 0 and now_ms() or 0
for i = 1, #raw, 2 do
  local until_ms = tonumber(raw[i + 1]) or 0
  if until_ms == 0 or until_ms > now then out.paused[raw[i]] = until_ms end
end
return cjson.encode(out)
