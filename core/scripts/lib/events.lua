-- Writes one event to the capped stream and publishes it on the queue's channel, in the same
-- script as the transition, so a reader never sees a state without its event.
-- cfg.events_max: stream cap (approximate trimming keeps XADD O(1)).
local function emit(P, cfg, jid, jtype, event, args)
  if cfg.events_off then return end
  local e = { id = tostring(jid), type = jtype, event = event, args = args or {} }
  e.sid = redis.call('XADD', K.events(P), 'MAXLEN', '~', cfg.events_max, '*', 'e', cjson.encode(e))
  redis.call('PUBLISH', K.events(P), cjson.encode(e))
end

-- A job's event, unless the job opted out (Kue's job.events(false)); `job` is what read_job read.
local function emit_job(P, cfg, jid, job, event, args)
  if job.events ~= '0' then emit(P, cfg, jid, job.type, event, args) end
end
