--[=[ claim: leases up to `count` jobs of the worker's types to one invocation.
  Before claiming it promotes due delayed jobs and recovers expired leases (both bounded), so a
  woken worker makes progress even when no cron tick has run.
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON
  ARGV[3]  input JSON { request?, count, lease_ms, token, worker, types: [{ type, concurrency }],
           max_bytes? }  max_bytes: claim no more once the answer holds that much
           request: a fresh id per call; run again with it, the call answers the jobs it claimed
           the first time that its lease token still holds (lib/replay.lua)
  Touches: paused, delayed, leases, queue:<type>, job:<id>, jobs:<state>, jobs:<type>:<state>, events,
           throughput:<minute> (recovered jobs failed for good), request:<request> (the answer,
           kept 60 s); with retention options, what removing the jobs it drops touches
           (job:<id>:log, types, unique, search:<word>; lib/retention.lua)
  Returns: JSON { jobs: [[field, value, ...]], now, promoted, next_due, waiting, next_lease? }
           next_due: ms of the next delayed job or -1; waiting: inactive + delayed + active jobs
           promoted: delayed jobs promoted by this call; next_due: ms of the next delayed job, -1
           when none (an idle cron tick sleeps until then: one call per tick on an empty queue)
           next_lease (a claim that leased nothing): ms the earliest lease held elsewhere ends,
           -1 when none (an idle tick looks again then, to recover it if its worker vanished)
  Events:  promotion, failed attempt | failed (recovered; + remove for jobs retention drops), start,
           resume (a timed pause found over, queue-level)
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

-- The same call again (its answer was lost): the same jobs, not new ones (lib/replay.lua).
local prior = replay_get(P, input.request)
if prior then
  return cjson.encode({ jobs = replay_jobs(P, prior.c, input.token), now = prior.n,
    promoted = prior.p, next_due = prior.d, waiting = prior.w })
end

local now = now_ms()
local count = tonumber(input.count) or 1
local promoted = promote_due(P, cfg, now, math.max(count, 100))
recover_expired(P, cfg, now, math.max(count, 100))
-- every claim, not only one that recovered leases: a cron tick's claim is what ages finished jobs
-- out of a queue that went quiet (keepCompleteMs); without retention options it costs nothing
trim_kept(P, cfg, now)
local jobs, ids = claim_jobs(P, cfg, now, count, tonumber(input.lease_ms), input.token,
  input.worker, input.types, input.max_bytes)
-- waiting: jobs that are inactive, delayed or active after the claim. 0 means an empty queue, and
-- an idle cron tick can stop looking (wake-ups bring new work).
local waiting = idset_card(K.state(P, 'inactive')) + redis.call('ZCARD', K.delayed(P)) +
  idset_card(K.state(P, 'active'))
local due = next_due(P)
-- An empty claim keeps nothing: run again, it would only find what is there then.
if #ids > 0 then
  replay_put(P, input.request, { c = id_runs(ids), n = now, p = promoted, d = due, w = waiting })
end
events_publish(P)
-- Only a claim that found nothing says when a lease ends: no claim on the hot path pays for it.
local next_lease = nil
if #ids == 0 then
  local head = redis.call('ZRANGE', K.leases(P), 0, 0, 'WITHSCORES')
  next_lease = head[2] and tonumber(head[2]) or -1
end
return cjson.encode({ jobs = jobs, now = now, promoted = promoted, next_due = due,
  waiting = waiting, next_lease = next_lease })
