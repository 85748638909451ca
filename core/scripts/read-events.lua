--[=[ read-events (read only): queue events after a stream id, oldest first (queue.events()).
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON; ARGV[3] input JSON { after, count }
           after: an event's sid ('0' = from the oldest kept, '$' = only what comes next);
           count: events at most (a call's entry holds many, lib/events.lua)
  Reads:   events
  Returns: JSON { events: [[sid, payload]], last }  last = the newest event's sid, or '0-0'
]=]
-- @include lib/keys.lua
-- @include lib/events.lua

local P = ARGV[1]
local input = cjson.decode(ARGV[3])
local key = K.events(P)
local count = tonumber(input.count) or 100

-- An entry's events after (after_ms, after_seq) as [sid, event JSON] pairs, appended to `out`
-- while it holds fewer than `count`.
local function entry_events(entry, after_ms, after_seq, out)
  local sid, fields = entry[1], entry[2]
  local first, n = sid_parts(sid)
  if is_call_entry(fields) then
    for k, e in ipairs(cjson.decode(fields[2])) do
      local number = first + k - 1
      if #out >= count then return end
      -- number-0 comes after after_ms-after_seq when number > after_ms
      if number > after_ms then
        out[#out + 1] = { int_text(number) .. '-0', '{"id":' .. cjson.encode(e[1]) .. ',"type":' ..
          cjson.encode(e[2]) .. ',"event":' .. cjson.encode(e[3]) .. ',"args":' ..
          (e[4] and cjson.encode(e[4]) or '[]') .. '}' }
      end
    end
  elseif #out < count and (first > after_ms or (first == after_ms and n > after_seq)) then
    out[#out + 1] = { sid, event_text(fields) }
  end
end

local last = '0-0'
local newest = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)[1]
if newest then last = last_sid(newest) end
local out = {}
if input.after ~= '$' then
  local after_ms, after_seq = sid_parts(input.after)
  local start = '-'
  if not after_ms or (after_ms == 0 and after_seq == 0) then
    after_ms, after_seq = 0, 0
  else
    -- from the entry holding that event (the newest at or before its id)
    -- as integers: Lua writes a number of 15 digits or more with an exponent, no stream id
    local at = int_text(after_ms) .. '-' .. int_text(after_seq)
    local holding = redis.call('XREVRANGE', key, at, '-', 'COUNT', 1)[1]
    if holding then start = holding[1] end
  end
  -- a few entries at a time: an entry of a batch's call holds a hundred events or more
  while #out < count do
    local entries = redis.call('XRANGE', key, start, '+', 'COUNT', 16)
    for _, entry in ipairs(entries) do
      entry_events(entry, after_ms, after_seq, out)
      if #out >= count then break end
    end
    if #entries < 16 then break end
    start = '(' .. entries[#entries][1]
  end
end
return cjson.encode({ events = out, last = last })
