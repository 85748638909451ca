--[=[ move: sets the state of jobs by hand (job.state(), Kue's restart, retry, bulk retry).
  A job moved out of active loses its lease, so its worker's ack reports 'lost'.
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON
  ARGV[3]  input JSON { to, ids?: [id], from?: state, type?: name, limit?, offset?,
           reset_attempts?, lease_ms? }
           ids, or the jobs of `from` (optionally of `type`), at most `limit` of them from rank
           `offset` (default 0, the oldest)
           lease_ms: moved to active, a job is held under a lease no worker has, for this long
           (default 30 s; its ttl, if shorter); then recovery fails its attempt as a vanished worker's, and it retries
           if it has attempts left. A job already active keeps its lease as it is.
  Touches: job:<id>, jobs:<state>, jobs:<type>:<state>, queue:<type>, delayed, leases, events;
           reads ids (the counter bounds a selection by state); moved to complete or failed with
           retention options set, what removing the jobs it drops touches (job:<id>:log, types,
           unique, search:<word>; lib/retention.lua)
  Returns: JSON { moved: n, missing: [id] }
  Events:  state [to, from] (+ remove for jobs retention drops)
]=]
-- @include lib/keys.lua
-- @include lib/fields.lua
-- @include lib/idset.lua
-- @include lib/time.lua
-- @include lib/events.lua
-- @include lib/select.lua
-- @include lib/index-writes.lua
-- @include lib/state.lua
-- @include lib/search.lua
-- @include lib/remove.lua
-- @include lib/retention.lua

local P = ARGV[1]
local cfg = cjson.decode(ARGV[2])
local input = cjson.decode(ARGV[3])
local now = now_ms()
local ids = select_ids(P, input.ids, input.from, input.type, input.limit, input.offset)
local moved, missing = 0, {}
for _, raw in ipairs(ids) do
  local id = tostring(raw)
  local job = read_job(P, id)
  if not job then
    table.insert(missing, id)
  elseif input.to == 'active' and job.state == 'active' then
    -- held already (by a worker, or by hand): a new lease would take the job from its worker
    moved = moved + 1
  else
    local from = job.state
    local jkey = K.job(P, id)
    if input.to == 'delayed' then
      local delay = tonumber(redis.call('HGET', jkey, F.delay)) or 0
      job.promote_at = now + delay
      redis.call('HSET', jkey, F.promote_at, job.promote_at)
    end
    if input.reset_attempts then
      redis.call('HSET', jkey, F.attempts, 0)
      -- a retry by hand starts over with every interruption too (lib/fail-attempt.lua give_back)
      redis.call('HDEL', jkey, F.interruptions)
    end
    -- back to waiting (inactive or delayed) it starts over at 0 (its progress data gone too),
    -- complete is 100: both are an absent progress
    local drop = nil
    if input.to == 'inactive' or input.to == 'delayed' then drop = { F.progress, F.progress_data } end
    if input.to == 'complete' then drop = { F.progress } end
    set_state(P, id, job, input.to, now, nil, drop)
    if input.to == 'active' then
      -- Only a claim gives a worker a lease. Without one, nothing would ever take the job out of
      -- active: a lease with a token no worker has puts it in recovery's sight.
      local expiry = now + (tonumber(input.lease_ms) or 30000)
      -- a job's ttl bounds any run of it, a run held by hand too (as a claim's lease)
      local ttl = tonumber(redis.call('HGET', jkey, F.ttl)) or 0
      if ttl > 0 and now + ttl < expiry then expiry = now + ttl end
      redis.call('HSET', jkey, F.lease, 'by-hand', F.lease_until, expiry, F.started_at,
        since_created(job.created_at, now))
      redis.call('HDEL', jkey, F.workerId)
      redis.call('ZADD', K.leases(P), expiry, id)
    end
    emit_job(P, cfg, id, job, 'state', { input.to, from })
    moved = moved + 1
  end
end
if moved > 0 and (input.to == 'complete' or input.to == 'failed') then trim_kept(P, cfg, now) end
events_publish(P)
return cjson.encode({ moved = moved, missing = missing })
