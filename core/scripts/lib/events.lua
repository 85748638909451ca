-- Writes one event to the capped stream and publishes it on the queue's channel, in the same
-- script as the transition, so a reader never sees a state without its event.
-- cfg.events_max: stream cap (approximate trimming keeps XADD O(1)).
local function emit(P, cfg, jid, jtype, event, args)
  if cfg.events_off then return end
  local e = { id = tostring(jid), type = jtype, event = event, args = args or {} }
  e.sid = redis.call('XADD', K.events(P), 'MAXLEN', '~', cfg.events_max, '*', 'e', cjson.encode(e))
  redis.call('PUBLISH', K.events(P), cjson.encode(e))
end

-- Whether a job wants events: per job (Kue's job.events(false)) and per queue (jobEvents).
local function job_events_on(P, cfg, jid)
  if cfg.events_off then return false end
  return redis.call('HGET', K.job(P, jid), 'events') ~= '0'
end

local function emit_job(P, cfg, jid, jtype, event, args)
  if job_events_on(P, cfg, jid) then emit(P, cfg, jid, jtype, event, args) end
end
