--[=[ read-events (read only): queue events after a stream id, oldest first (queue.events()).
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON; ARGV[3] input JSON { after, count }
           after: a stream id ('0' = from the oldest kept, '$' = only what comes next)
  Reads:   events
  Returns: JSON { events: [[sid, payload]], last }  last = the newest id in the stream, or '0-0'
]=]
-- @include lib/keys.lua
-- @include lib/events.lua

local P = ARGV[1]
local input = cjson.decode(ARGV[3])
local key = K.events(P)
local newest = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)
local last = '0-0'
if newest[1] then last = newest[1][1] end
local out = {}
if input.after ~= '$' then
  local start = '-'
  if input.after and input.after ~= '0' and input.after ~= '0-0' then start = '(' .. input.after end
  local entries = redis.call('XRANGE', key, start, '+', 'COUNT', tonumber(input.count) or 100)
  for i, e in ipairs(entries) do out[i] = { e[1], event_text(e[2]) } end
end
return cjson.encode({ events = out, last = last })
