-- A call's events are written to the capped stream as one entry, in the same script as the
-- transitions, so a reader never sees a state without its event; live listeners get them from
-- the same events_publish() at the script's end. One entry a call, not one an event: an XADD cost
-- a batch's job more Redis than its whole event otherwise does (its arguments made Redis strings,
-- its id formatted and read back).
-- Events are numbered 1, 2, 3... across the stream. An entry holding events f..f+n-1 has the id
-- <f>-<n> and one field, e: a JSON array of events [id, type, event] or [id, type, event, args].
-- An event's own id (its sid) is <number>-0, so event ids compare as stream ids do, and a reader
-- resumes after any of them (read-events.lua). Entries of older scripts (one event each, with
-- fields i <id> t <type> e <event> [a <args JSON>] and a time as id) are read as before, and the
-- numbering carries on past their ids.
-- cfg.events_max: the stream keeps about that many events (whole entries: a call's are kept or
-- dropped together, and a call that emits more than the cap keeps only its last events_max).
local EV_LIVE = {}
local EV = { max = nil }

-- A result or progress data longer than this is left out of its event (listeners read the job
-- for it): the stream keeps events_max events and a reader takes 100 at a time, which must not
-- be 100 copies of half-megabyte results.
local EVENT_VALUE_MAX = 16384

-- A JSON value as an event argument: decoded, or nil when it is too long to travel in events.
local function event_value(text)
  if text == nil or #text > EVENT_VALUE_MAX then return nil end
  return cjson.decode(text)
end

-- Queues an event of the call (written and published by events_publish).
local function emit(P, cfg, jid, jtype, event, args)
  if cfg.events_off then return end
  if not EV.max then EV.max = tonumber(cfg.events_max) or 0 end
  if args and #args > 0 then
    EV_LIVE[#EV_LIVE + 1] = { tostring(jid), jtype, event, args }
  else
    EV_LIVE[#EV_LIVE + 1] = { tostring(jid), jtype, event }
  end
end

-- A stream id's two numbers, or nil when it is not one ('5' reads as 5-0).
local function sid_parts(sid)
  local ms, seq = string.match(sid or '', '^(%d+)-(%d+)$')
  if ms then return tonumber(ms), tonumber(seq) end
  ms = string.match(sid or '', '^(%d+)$')
  if ms then return tonumber(ms), 0 end
  return nil
end

-- Whether a stream entry's fields hold a call's events (e <JSON array>), not an older script's
-- one event.
local function is_call_entry(fields)
  return fields[1] == 'e' and fields[3] == nil
end

-- The sid of an entry's last event: <first + n - 1>-0 for a call's, the entry's own id for an
-- older script's.
local function last_sid(entry)
  if not is_call_entry(entry[2]) then return entry[1] end
  local first, n = sid_parts(entry[1])
  return (first + n - 1) .. '-0'
end

-- The number the stream's next event takes: past the newest entry's last event (an entry of
-- older scripts counts as one, numbered by its time and sequence), 1 for an empty stream.
local function events_next(key)
  local newest = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)[1]
  if not newest then return 1 end
  local ms, seq = sid_parts(last_sid(newest))
  return ms + seq + 1
end

-- Writes the call's events to the stream as one entry, trims the stream to its cap, and publishes
-- them on the queue's channel as one message { first, events } (event k's sid is first + k - 1).
-- Every script that emits calls it before it returns (infra/build/gen-scripts.mjs checks).
local function events_publish(P)
  local n = #EV_LIVE
  if n == 0 then return end
  local key = K.events(P)
  local first = events_next(key)
  local text = cjson.encode(EV_LIVE)
  local max = EV.max
  if n <= max then
    redis.call('XADD', key, first .. '-' .. n, 'e', text)
  elseif max > 0 then
    -- more than the stream keeps: only the last events_max are written
    local kept = {}
    for k = n - max + 1, n do kept[#kept + 1] = EV_LIVE[k] end
    redis.call('XADD', key, (first + n - max) .. '-' .. max, 'e', cjson.encode(kept))
  end
  -- the entries whose first event is older than the newest events_max (never the one just added)
  local keep_from = math.min(first + n - max, first)
  if keep_from > 1 then redis.call('XTRIM', key, 'MINID', keep_from) end
  redis.call('PUBLISH', key, '{"first":' .. first .. ',"events":' .. text .. '}')
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
