-- A failed run: counts the attempt, then retries (delayed by the job's backoff, or straight back
-- to inactive) while attempts remain, else marks the job failed.
-- custom_delay: the delay a caller-side backoff function computed, or -1 when there is none.
-- min_delay (optional): the retry waits at least this long (a cut run's handler may still go on).
-- The longest a retry waits (core/schema.ts MAX_DELAY_MS, ten years): an exponential backoff
-- without maxDelay passes it by the 49th attempt, and a double by the 1,025th (inf, which no
-- answer can carry).
local MAX_RETRY_DELAY_MS = 315360000000

local function backoff_delay(job_delay, backoff_json, made, custom_delay)
  if not backoff_json or backoff_json == '' then return 0 end
  local b = cjson.decode(backoff_json)
  local delay = tonumber(b.delay) or job_delay
  if b.type == 'exponential' then
    delay = delay * math.pow(2, made - 1)
    if b.maxDelay and tonumber(b.maxDelay) and delay > tonumber(b.maxDelay) then
      delay = tonumber(b.maxDelay)
    end
  elseif b.type == 'custom' then
    if custom_delay >= 0 then delay = custom_delay else delay = job_delay end
  end
  if not (delay < MAX_RETRY_DELAY_MS) then return MAX_RETRY_DELAY_MS end
  return math.floor(delay)
end

-- Jobs failed for good by this call and not yet counted in throughput (count_throughput).
local FAILED_FOR_GOOD = { n = 0 }

-- Counts a call's completed jobs and its jobs failed for good (fail_attempt's, whichever path
-- failed them: an ack, a recovered lease, a ttl) into throughput:<minute>, once per call: a batch
-- pays for its counts once. Every script that may fail an attempt calls it before it ends (ack
-- does, and recover_expired for the scripts that only recover).
local function count_throughput(P, now, completed)
  local failed = FAILED_FOR_GOOD.n
  FAILED_FOR_GOOD.n = 0
  if completed + failed == 0 then return end
  local key = K.throughput(P, math.floor(now / 60000))
  if completed > 0 then redis.call('HINCRBY', key, 'complete', completed) end
  if failed > 0 then redis.call('HINCRBY', key, 'failed', failed) end
  -- kept as long as queue.throughput() can look back (1,440 minutes) and a minute more: a day's
  -- chart must not show hours of zeros for minutes whose counts expired
  redis.call('PEXPIRE', key, 86460000)
end

-- Returns 'retry' or 'failed'. A job failed for good is counted for throughput, which the caller
-- writes with count_throughput before its script ends.
local function fail_attempt(P, cfg, id, job, err, now, custom_delay, min_delay)
  local jkey = K.job(P, id)
  local f = redis.call('HMGET', jkey, F.attempts, F.max_attempts, F.backoff, F.delay)
  local made = (tonumber(f[1]) or 0) + 1
  local max = tonumber(f[2]) or 1
  local set = { F.attempts, int_text(made), F.error, err, F.failed_at,
    int_text(since_created(job.created_at, now)) }
  if made < max then
    -- a retry starts over, as a run given back does: no progress (nor its data), no worker
    local drop = { F.workerId, F.progress, F.progress_data }
    local delay = backoff_delay(tonumber(f[4]) or 0, f[3], made, custom_delay)
    if min_delay and delay < min_delay then delay = min_delay end
    if delay > 0 then
      job.promote_at = now + delay
      set[#set + 1] = F.promote_at
      set[#set + 1] = int_text(job.promote_at)
      set_state(P, id, job, 'delayed', now, set, drop)
    else
      set_state(P, id, job, 'inactive', now, set, drop)
    end
    emit_job(P, cfg, id, job, 'failed attempt', { err, made })
    return 'retry'
  end
  -- failed for good, it keeps the progress it reached: where it died
  set_state(P, id, job, 'failed', now, set, { F.workerId })
  FAILED_FOR_GOOD.n = FAILED_FOR_GOOD.n + 1
  emit_job(P, cfg, id, job, 'failed', { err })
  return 'failed'
end

-- A run cut short by the end of its invocation (its budget ran out, or its server was told to
-- stop) while the caller held the lease: the job goes back without counting an attempt, up to
-- cfg.interruptions_max times; past that each cut fails an attempt with Kue's 'Shutdown', so a job
-- longer than any invocation cannot come back for ever. The job's log says which it was.
-- hold: ms the job waits in delayed first (its cut handler may still be running: JavaScript cannot
-- stop it), 0: straight back to inactive. counted: false for a job claimed after the shutdown
-- began and never run (no interruption counted, nothing logged).
-- Returns 'interrupted', 'retry' or 'failed'.
local function give_back(P, cfg, id, job, now, max_log, hold, counted, custom_delay)
  local jkey = K.job(P, id)
  local set = {}
  if counted then
    local limit = tonumber(cfg.interruptions_max) or 0
    local n = (tonumber(redis.call('HGET', jkey, F.interruptions)) or 0) + 1
    local line
    if n > limit then
      line = 'cut short by the end of its invocation: attempt failed with Shutdown'
    else
      line = 'cut short by the end of its invocation: given back without counting an attempt ('
        .. n .. ' of ' .. limit .. ')'
      if hold > 0 then line = line .. ', to run again in ' .. math.ceil(hold / 1000) .. ' s' end
    end
    local lkey = K.log(P, id)
    redis.call('RPUSH', lkey, line)
    redis.call('LTRIM', lkey, -max_log, -1)
    if n > limit then return fail_attempt(P, cfg, id, job, 'Shutdown', now, custom_delay, hold) end
    set = { F.interruptions, n }
  end
  -- back to waiting it starts over: no progress (nor its data), no worker
  local drop = { F.workerId, F.progress, F.progress_data }
  if hold > 0 then
    job.promote_at = now + hold
    set[#set + 1] = F.promote_at
    set[#set + 1] = job.promote_at
    set_state(P, id, job, 'delayed', now, set, drop)
  else
    set_state(P, id, job, 'inactive', now, set, drop)
  end
  emit_job(P, cfg, id, job, 'state', { job.state, 'active' })
  return 'interrupted'
end
