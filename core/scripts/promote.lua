--[=[ promote: moves due delayed jobs back to inactive (the cron tick calls it until none is due).
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON; ARGV[3] input JSON { limit }
  Touches: delayed, job:<id>, jobs:<state>, jobs:<type>:<state>, queue:<type>, events
  Returns: JSON { promoted, next_due }  next_due = ms of the next delayed job, -1 when none
  Events:  promotion
]=]
-- @include lib/keys.lua
-- @include lib/fields.lua
-- @include lib/idset.lua
-- @include lib/time.lua
-- @include lib/events.lua
-- @include lib/index-writes.lua
-- @include lib/state.lua
-- @include lib/promote.lua

local P = ARGV[1]
local cfg = cjson.decode(ARGV[2])
local input = cjson.decode(ARGV[3])
local now = now_ms()
local promoted = promote_due(P, cfg, now, tonumber(input.limit) or 200)
events_publish(P)
return cjson.encode({ promoted = promoted, next_due = next_due(P), now = now })
