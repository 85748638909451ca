--[=[ pause: pauses or resumes claiming of a job type across every worker (ctx.pause/resume).
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON
  ARGV[3]  input JSON { type, resume?: bool, ms?: n }   ms: pause timeout, 0 or absent = until resumed
  Touches: paused, events
  Returns: JSON { paused: [type] } the types paused after the change
  Events:  pause | resume (queue-level, job id '')
]=]
-- @include lib/keys.lua
-- @include lib/time.lua
-- @include lib/events.lua

local P = ARGV[1]
local cfg = cjson.decode(ARGV[2])
local input = cjson.decode(ARGV[3])
local now = now_ms()
if input.resume then
  redis.call('HDEL', K.paused(P), input.type)
  emit(P, cfg, '', input.type, 'resume', {})
else
  local ms = tonumber(input.ms) or 0
  local until_ms = 0
  if ms > 0 then until_ms = now + ms end
  redis.call('HSET', K.paused(P), input.type, until_ms)
  emit(P, cfg, '', input.type, 'pause', { until_ms })
end
local raw = redis.call('HGETALL', K.paused(P))
local paused = {}
for i = 1, #raw, 2 do
  local u = tonumber(raw[i + 1]) or 0
  if u == 0 or u > now then table.insert(paused, raw[i]) end
end
events_publish(P)
return cjson.encode({ paused = paused })
