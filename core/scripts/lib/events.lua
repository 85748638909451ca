-- Writes one event to the capped stream, in the same script as the transition, so a reader never
-- sees a state without its event; live listeners get it from events_publish() at the script's end.
-- cfg.events_max: stream cap, trimmed once per call by events_publish() (approximate trimming,
-- whole nodes at a time, keeps it O(1); on each XADD it was three more arguments an event).
-- A stream entry is i <id> t <type> e <event> [a <args JSON>]: Redis stores the field names of an
-- entry once per node when they match its first entry's, so an event without args costs its
-- values only (about 20 bytes where one JSON text took 75). event_text() rebuilds the JSON.
local EV_LIVE = {}
local EV = { max = nil }
-- the args of an event without any: one table for all of them
local NO_ARGS = {}

-- A result or progress data longer than this is left out of its event (listeners read the job
-- for it): the stream keeps events_max events and a reader takes 100 at a time, which must not
-- be 100 copies of half-megabyte results.
local EVENT_VALUE_MAX = 16384

-- A JSON value as an event argument: decoded, or nil when it is too long to travel in events.
local function event_value(text)
  if text == nil or #text > EVENT_VALUE_MAX then return nil end
  return cjson.decode(text)
end

-- args_json: args already encoded, when a call emits the same args for many jobs.
local function emit(P, cfg, jid, jtype, event, args, args_json)
  if cfg.events_off then return end
  local id = tostring(jid)
  -- the cap as text once per call: Redis formats a number argument
  if not EV.max then EV.max = tostring(cfg.events_max) end
  local sid
  if args and #args > 0 then
    sid = redis.call('XADD', K.events(P), '*',
      'i', id, 't', jtype, 'e', event, 'a', args_json or cjson.encode(args))
  else
    sid = redis.call('XADD', K.events(P), '*', 'i', id, 't', jtype, 'e', event)
    args = NO_ARGS
  end
  EV_LIVE[#EV_LIVE + 1] = { id = id, type = jtype, event = event, args = args, sid = sid }
end

-- Trims the stream to its cap and publishes the call's events on the queue's channel as one JSON
-- array, in order: a batch of 100 jobs pays one XTRIM, one PUBLISH and one encode instead of one
-- of each per event. Every script that emits calls it before it returns
-- (infra/build/gen-scripts.mjs checks).
local function events_publish(P)
  if #EV_LIVE == 0 then return end
  redis.call('XTRIM', K.events(P), 'MAXLEN', '~', EV.max)
  redis.call('PUBLISH', K.events(P), cjson.encode(EV_LIVE))
  EV_LIVE = {}
end

-- A job's event, unless the job opted out (Kue's job.events(false)); `job` is what read_job read.
local function emit_job(P, cfg, jid, job, event, args)
  if job.events ~= '0' then emit(P, cfg, jid, job.type, event, args) end
end

-- A stream entry's fields (XRANGE's flat list) as the event's JSON text { id, type, event, args }.
local function event_text(fields)
  local f = {}
  for k = 1, #fields, 2 do f[fields[k]] = fields[k + 1] end
  return '{"id":' .. cjson.encode(f.i or '') .. ',"type":' .. cjson.encode(f.t or '') ..
    ',"event":' .. cjson.encode(f.e or '') .. ',"args":' .. (f.a or '[]') .. '}'
end
