--[=[ ack: settles leased jobs in one step (each completes, fails an attempt or, cut short by the
  end of its invocation, is given back), then claims their replacements, so a busy worker pays
  one round trip per batch of finished jobs.
  A job is settled only while the caller still holds its lease (token match, state active): a
  stale worker whose job was recovered and re-claimed gets 'lost' and changes nothing (fencing).
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON
  ARGV[3]  input JSON { request?, tokens?, done: [{ id, token | k, ok, result?, error?, delay?,
                        interrupted?, hold?, unstarted? } | [id, k]], max_log?,
                        claim?: { count, lease_ms, token, worker, types, max_bytes? } }
           k: the lease token as an index (from 0) into `tokens`, which a batch's jobs share;
           [id, k]: completed without a result (most acks, in a tenth of the bytes)
           request: a fresh id per call; run again with it, the call answers what it answered
           the first time (lib/replay.lua)
           result: JSON text; delay: a caller-side backoff function's delay in ms, -1 for none
           interrupted: the run was cut by the end of its invocation (lib/fail-attempt.lua
           give_back: back to inactive, or delayed for `hold` ms while its cut handler may still
           run, no attempt counted, while cfg.interruptions_max allows; `unstarted`: claimed
           after the shutdown began, never run, no interruption counted);
           max_log: the job log's cap, for the line that says so
  Touches: job:<id>, job:<id>:log, jobs:<state>, jobs:<type>:<state>, queue:<type>, delayed,
           ids (read: the counter bounds a page of the kept jobs to trim),
           leases, stats, throughput:<minute>, types, unique, search:<word>, paused, events,
           request:<request> (the answer, kept 60 s)
  Returns: JSON { settled: ['complete'|'retry'|'failed'|'lost'|'interrupted'],
                  jobs: [[field, value, ...]], now, retries: [[id, type, promote_at]] }
           retries: attempts put off by a backoff, and runs given back to delayed (hold)
  Events:  complete, failed attempt, failed, state (a run given back) (+ remove for
           removeOnComplete and for jobs beyond retention drops, lib/retention.lua; start for
           claims; resume for a timed pause the claim finds over, lib/claim.lua)
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
-- @include lib/promote.lua
-- @include lib/recover.lua
-- @include lib/claim.lua
-- @include lib/replay.lua

local P = ARGV[1]
local cfg = cjson.decode(ARGV[2])
local input = cjson.decode(ARGV[3])
local c = input.claim

-- The same call again (its answer was lost): the same settlements and claimed jobs, and nothing
-- settled or claimed twice (lib/replay.lua).
local prior = replay_get(P, input.request)
if prior then
  local jobs = {}
  if c then jobs = replay_jobs(P, prior.c, c.token) end
  return cjson.encode({ settled = settled_from_letters(prior.s), jobs = jobs, now = prior.n,
    retries = prior.r or {} })
end

local now = now_ms()
local settled = {}

-- retries: jobs whose failed attempt was put off by their backoff, or given back to delayed (a cut
-- run's hold), [id, type, promote_at], so the caller can wake a worker when they fall due
-- (nothing else would before the next cron tick)
local retries = {}
-- counted per call, not per job: a batch pays for its stats once
local completed, failed, work_time = 0, 0, 0

-- Index writes are queued and sent per key (lib/state.lua), flushed before the claim reads them.
local ACK_READ = { F.lease, F.started_at, F.remove_on_complete, F.attempts }
ix_begin()
local tokens = input.tokens or {}
for i, d in ipairs(input.done or {}) do
  -- [id, k] (completed, no result) is read in place: no table per job for the commonest ack
  local id, k, token, ok
  if d[1] ~= nil then
    id, k, ok = tostring(d[1]), d[2], true
  else
    id, k, token, ok = tostring(d.id), d.k, d.token, d.ok
  end
  if k ~= nil then token = tokens[(tonumber(k) or -1) + 1] end
  local job, f = read_job(P, id, ACK_READ)
  if not job or not token or f[1] ~= token or job.state ~= 'active' then
    settled[i] = 'lost'
  else
    if ok then
      local duration = now - (epoch_of(job.created_at, f[2]) or now)
      -- progress is left out: a complete job's is 100 (core/job.ts)
      local set = { F.attempts, int_text((tonumber(f[4]) or 0) + 1),
        F.duration, int_text(duration) }
      if d.result ~= nil then
        set[#set + 1] = F.result
        set[#set + 1] = d.result
      end
      set_state(P, id, job, 'complete', now, set, { F.error, F.progress })
      work_time = work_time + duration
      completed = completed + 1
      local args = nil
      local value = event_value(d.result)
      if value ~= nil then args = { value } end
      emit_job(P, cfg, id, job, 'complete', args)
      if f[3] == '1' then remove_job(P, cfg, id) end
      settled[i] = 'complete'
    else
      if d.interrupted then
        settled[i] = give_back(P, cfg, id, job, now, tonumber(input.max_log) or 1000,
          tonumber(d.hold) or 0, not d.unstarted, tonumber(d.delay) or -1)
      else
        settled[i] = fail_attempt(P, cfg, id, job, d.error or 'failed', now,
          tonumber(d.delay) or -1)
      end
      if settled[i] == 'failed' then failed = failed + 1 end
      if (settled[i] == 'retry' or settled[i] == 'interrupted') and job.state == 'delayed' then
        retries[#retries + 1] = { tonumber(id), job.type, tonumber(job.promote_at) }
      end
    end
  end
end
-- the id-set writes wait for the claim's (or the final flush)
ix_flush(true)

-- with the jobs fail_attempt failed for good so far (lib/fail-attempt.lua); the claim's recovery
-- below counts its own
count_throughput(P, now, completed)
if work_time > 0 then redis.call('HINCRBY', K.stats(P), 'work_time', work_time) end

local jobs, ids = {}, {}
local recovered = 0
if c and (tonumber(c.count) or 0) > 0 then
  promote_due(P, cfg, now, math.max(c.count, 100))
  recovered = recover_expired(P, cfg, now, math.max(c.count, 100))
  jobs, ids = claim_jobs(P, cfg, now, tonumber(c.count), tonumber(c.lease_ms), c.token, c.worker,
    c.types, c.max_bytes)
end
-- after the claim: a recovered lease may have failed a job too
if completed + failed + recovered > 0 then trim_kept(P, cfg, now) end
ix_flush()
replay_put(P, input.request, { s = settled_letters(settled), c = id_runs(ids), n = now,
  r = retries })
events_publish(P)
return cjson.encode({ settled = settled, jobs = jobs, now = now, retries = retries })
