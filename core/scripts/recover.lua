--[=[ recover: fails the attempt of active jobs whose lease expired (vanished worker, ttl overrun).
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON; ARGV[3] input JSON { limit }
  Touches: leases, job:<id>, jobs:<state>, jobs:<type>:<state>, queue:<type>, delayed, events,
           throughput:<minute> (jobs failed for good);
           with retention options, what removing the jobs it drops touches (job:<id>:log, types,
           unique, search:<word>; lib/retention.lua)
  Returns: JSON { recovered, next_expiry }  next_expiry = ms of the next live lease's end, or -1
  Events:  failed attempt | failed (+ remove for jobs retention drops)
]=]
-- @include lib/keys.lua
-- @include lib/fields.lua
-- @include lib/idset.lua
-- @include lib/time.lua
-- @include lib/events.lua
-- @include lib/index-writes.lua
-- @include lib/state.lua
-- @include lib/search.lua
-- @include lib/remove.lua
-- @include lib/select.lua
-- @include lib/retention.lua
-- @include lib/fail-attempt.lua
-- @include lib/recover.lua

local P = ARGV[1]
local cfg = cjson.decode(ARGV[2])
local input = cjson.decode(ARGV[3])
local now = now_ms()
local recovered = recover_expired(P, cfg, now, tonumber(input.limit) or 200)
if recovered > 0 then trim_kept(P, cfg, now) end
local head = redis.call('ZRANGE', K.leases(P), 0, 0, 'WITHSCORES')
events_publish(P)
return cjson.encode({ recovered = recovered, next_expiry = tonumber(head[2]) or -1, now = now })
