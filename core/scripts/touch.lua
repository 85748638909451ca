--[=[ touch: records progress and log lines and extends leases, for many jobs in one step. A
  worker flushes its handlers' coalesced progress and logs together with the lease extension.
  Entries without a token (job.log() / job.progress() outside a worker) only write.
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON
  ARGV[3]  input JSON { lease_ms?, max_log, entries: [{ id, token?, progress?: [pct, data?],
                        logs?: [line], at?: [lease token, n], final? }] }   data: JSON text
           at: the logs are lines n, n+1, ... of those a worker wrote under that lease. The job's
           log mark (field lm, '<token>:<lines>') counts the lines written so far: lines below it
           are skipped, so a call sent again after its answer was lost writes nothing twice.
           final: a run's last writes, sent with its ack (just before it): its started_at (epoch
           ms). Once the job has left active (the ack ran first: a call sent again, or the lines
           of a later call), its lines are still written if no run started since (started_at
           unchanged), those the log mark counts skipped; its progress is not. A stale run's
           (its job claimed again, or held by another) write nothing.
  Touches: job:<id> (lm too), job:<id>:log, leases, events
  Returns: JSON { status: ['ok'|'lost'|'ttl'|'missing'], now }
           lost: the lease is no longer ours; ttl: the job's ttl has run out (stop working on it)
  Events:  progress
]=]
-- @include lib/keys.lua
-- @include lib/fields.lua
-- @include lib/time.lua
-- @include lib/events.lua

-- The lines of `logs` (lines from, from+1, ... written under lease `token`) that the job's log mark
-- does not count yet, the mark moved past them.
local function unwritten_lines(jkey, mark, token, from, logs)
  local written = 0
  if mark then
    local sep = string.find(mark, ':', 1, true)
    if sep and string.sub(mark, 1, sep - 1) == token then
      written = tonumber(string.sub(mark, sep + 1)) or 0
    end
  end
  local upto = from + #logs
  if upto <= written then return {} end
  redis.call('HSET', jkey, F.log_mark, token .. ':' .. upto)
  if written <= from then return logs end
  local rest = {}
  for k = written - from + 1, #logs do rest[#rest + 1] = logs[k] end
  return rest
end

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
    F.created_at, F.log_mark)
  local held = not e.token or (f[2] == e.token and f[3] == 'active')
  -- a run's last lines sent after its ack ran, while no other run has started
  local late = not held and f[1] and e.final and f[3] ~= 'active'
    and epoch_of(f[7], f[4]) == tonumber(e.final)
  if not f[1] then
    status[i] = 'missing'
  elseif not held and not late then
    status[i] = 'lost'
  else
    status[i] = 'ok'
    local logs = e.logs or {}
    if e.at and #logs > 0 then
      logs = unwritten_lines(jkey, f[8], e.at[1], tonumber(e.at[2]) or 0, logs)
    end
    if #logs > 0 then
      redis.call('RPUSH', K.log(P, id), unpack(logs))
      redis.call('LTRIM', K.log(P, id), -max_log, -1)
    end
    -- A finished job's progress is final: a flush that arrives after its ack (one sent again
    -- after a NOSCRIPT, say) must not set a complete job back to 50%.
    if e.progress and held and f[3] ~= 'complete' and f[3] ~= 'failed' then
      local pct = tonumber(e.progress[1]) or 0
      redis.call('HSET', jkey, F.progress, pct, F.updated_at, since_created(f[7], now))
      local args = { pct }
      if e.progress[2] then
        redis.call('HSET', jkey, F.progress_data, e.progress[2])
        args[2] = event_value(e.progress[2])
      end
      emit_job(P, cfg, id, { type = f[1], events = f[6] }, 'progress', args)
    end
    if e.token and held and lease_ms > 0 then
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
