--[=[ read-throughput (read only): completed and failed jobs per minute over the last `minutes`.
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON; ARGV[3] input JSON { minutes }
  Reads:   throughput:<minute>
  Returns: JSON { now, minutes: [[minute, complete, failed]] } oldest first
]=]
-- @include lib/keys.lua
-- @include lib/time.lua

local P = ARGV[1]
local input = cjson.decode(ARGV[3])
local now = now_ms()
local current = math.floor(now / 60000)
local n = tonumber(input.minutes) or 60
local rows = {}
for m = current - n + 1, current do
  local v = redis.call('HMGET', K.throughput(P, m), 'complete', 'failed')
  table.insert(rows, { m, tonumber(v[1]) or 0, tonumber(v[2]) or 0 })
end
return cjson.encode({ now = now, minutes = rows })
