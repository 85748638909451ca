--[=[ touch: records progress and log lines and extends leases, for many jobs in one step. A
  worker flushes its handlers' coalesced progress and logs together with the lease extension.
  Entries without a token (job.log() / job.progress() outside a worker) only write.
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON
  ARGV[3]  input JSON { lease_ms?, max_log, entries: [{ id, token?, progress?: [pct, data?],
                        logs?: [line] }] }   data: JSON text
  Touches: job:<id>, job:<id>:log, leases, events
  Returns: JSON { status: ['ok'|'lost'|'ttl'|'missing'], now }
           lost: the lease is no longer ours; ttl: the job's ttl has run out (stop working on it)
  Events:  progress
]=]
-- @include lib/keys.lua
-- @include lib/fields.lua
-- @include lib/time.lua
-- @include lib/events.lua

local P = ARGV[1]
local cfg = cjson.decode(ARGV[2])
local input = cjson.decode(ARGV[3])
local now = now_ms()
local lease_ms = tonumber(input.lease_ms) or 0
local max_log = tonumber(input.max_log) or 1000
local status = {}

for i, e in ipairs(input.entries) do
  local id = tostring(e.id)
  local jkey = K.job(P, id)
  local f = redis.call('HMGET', jkey, F.type, F.lease, F.state, F.started_at, F.ttl, F.events,
    F.created_at)
  if not f[1] then
    status[i] = 'missing'
  elseif e.token and (f[2] ~= e.token or f[3] ~= 'active') then
    status[i] = 'lost'
  else
    status[i] = 'ok'
    if e.logs and #e.logs > 0 then
      redis.call('RPUSH', K.log(P, id), unpack(e.logs))
      redis.call('LTRIM', K.log(P, id), -max_log, -1)
    end
    if e.progress then
      local pct = tonumber(e.progress[1]) or 0
      redis.call('HSET', jkey, F.progress, pct, F.updated_at, since_created(f[7], now))
      local args = { pct }
      if e.progress[2] then
        redis.call('HSET', jkey, F.progress_data, e.progress[2])
        args[2] = event_value(e.progress[2])
      end
      emit_job(P, cfg, id, { type = f[1], events = f[6] }, 'progress', args)
    end
    if e.token and lease_ms > 0 then
      local ttl = tonumber(f[5]) or 0
      local expiry = now + lease_ms
      if ttl > 0 then
        local ends = (epoch_of(f[7], f[4]) or now) + ttl
        if ends <= now then status[i] = 'ttl' end
        if ends < expiry then expiry = ends end
      end
      redis.call('HSET', jkey, F.lease_until, expiry)
      redis.call('ZADD', K.leases(P), expiry, id)
    end
  end
end
events_publish(P)
return cjson.encode({ status = status, now = now })
