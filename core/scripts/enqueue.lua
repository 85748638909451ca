--[=[ enqueue: creates jobs, one or many, in one atomic step (save() and createMany()).
  KEYS[1]  {q}:ids               id counter (declared for cluster slot routing)
  ARGV[1]  key prefix "{q}:"     every other key is built from it (lib/keys.lua)
  ARGV[2]  cfg JSON              { events_max, events_off }
  ARGV[3]  input JSON            { request?, jobs: [{ type, data?, priority?, delay?, max_attempts?,
                                   backoff?, ttl?, remove_on_complete?, search?, search_keys?,
                                   events?, unique? }] }
                                 absent: priority 0, max_attempts 1, events on (false: off);
                                 a job at every default is its type alone: "email"
  ARGV[3+i] job i's data JSON    when the job has no `data` field: data sent beside the input
                                 is escaped once on the wire and never decoded here
  Touches: request:<token> (the answer, kept 60 s), ids, job:<id>, jobs:<state>, jobs:<type>:<state>, queue:<type>, delayed, types,
           unique, search:<word>, events (stream + channel)
  Returns: JSON runs in input order (core/enqueue-answer.ts): [first id, count, 1, now, state]
           for jobs created with consecutive ids in one state, [id, 1, 0] for a job `unique`
           matched (an existing job: only its id is given).
  Events:  enqueue (every new job)
]=]
-- @include lib/keys.lua
-- @include lib/fields.lua
-- @include lib/idset.lua
-- @include lib/time.lua
-- @include lib/events.lua
-- @include lib/index-writes.lua
-- @include lib/state.lua
-- @include lib/search.lua
-- @include lib/replay.lua

local P = ARGV[1]
local cfg = cjson.decode(ARGV[2])
local input = cjson.decode(ARGV[3])
local now = now_ms()
local out = {}

-- The answer, compacted: runs of created jobs with consecutive ids and one state are
-- [first id, count, 1, now, state], a job a unique key matched is [id, 1, 0]. A createMany of 100
-- answers (and keeps for a retry) a few dozen bytes instead of its 4 KB of rows.
local function compact_answer(answer)
  local runs = {}
  for _, a in ipairs(answer) do
    local r = runs[#runs]
    if r and a[2] == 1 and r[3] == 1 and a[1] == r[1] + r[2] and a[4] == r[5] then
      r[2] = r[2] + 1
    elseif a[2] == 1 then
      runs[#runs + 1] = { a[1], 1, 1, a[3], a[4] }
    else
      runs[#runs + 1] = { a[1], 1, 0 }
    end
  end
  return runs
end

-- A client that lost the answer retries the same request (same token): answer what it got the
-- first time instead of creating its jobs again (lib/replay.lua).
local prior = replay_get(P, input.request)
if prior then return cjson.encode(prior) end

-- A call whose jobs carry no unique key creates every one of them: one INCRBY reserves their
-- consecutive ids. A unique key may match an existing job, which takes no id, so a call with one
-- counts as it goes (INCR per created job).
local last_reserved = nil
do
  local any_unique = false
  for _, j in ipairs(input.jobs) do
    if type(j) == 'table' and j.unique and j.unique ~= '' then any_unique = true break end
  end
  if not any_unique and #input.jobs > 0 then
    last_reserved = redis.call('INCRBY', K.ids(P), #input.jobs) - #input.jobs
  end
end

-- Index writes are queued and sent per key (lib/state.lua); type counts are summed per call.
ix_begin()
local type_counts = {}
local type_order = {}
local enqueue_args = {} -- an enqueue event's args by state, one table per call
-- Numbers going into keys and arguments as text once: Redis and Lua format a number again for
-- each key and argument it goes into.
local now_text = int_text(now)
local function field(fields, name, value)
  fields[#fields + 1] = name
  fields[#fields + 1] = value
end
for i, j in ipairs(input.jobs) do
  if type(j) == 'string' then j = { type = j } end
  local existing = nil
  if j.unique and j.unique ~= '' then
    existing = redis.call('HGET', K.unique(P), j.unique)
    if existing and redis.call('EXISTS', K.job(P, existing)) == 0 then existing = nil end
  end
  if existing then
    out[i] = { tonumber(existing), 0 }
  else
    local id
    if last_reserved then
      last_reserved = last_reserved + 1
      id = last_reserved
    else
      id = redis.call('INCR', K.ids(P))
    end
    local sid = tostring(id)
    local delay = tonumber(j.delay) or 0
    local state = delay > 0 and 'delayed' or 'inactive'
    -- One HSET with every field the job starts with (set_state adds state and updated_at).
    -- Fields at their defaults are left out (priority 0, max_attempts 1, attempts 0, progress 0,
    -- events on): every reader applies them, and a kept job is some 40 bytes smaller.
    local fields = { F.type, j.type, F.data, j.data or ARGV[3 + i] or '{}', F.created_at, now_text }
    if (tonumber(j.priority) or 0) ~= 0 then field(fields, F.priority, j.priority) end
    if (tonumber(j.max_attempts) or 1) ~= 1 then field(fields, F.max_attempts, j.max_attempts) end
    if j.events == false then field(fields, F.events, '0') end
    if delay > 0 then
      field(fields, F.delay, delay)
      field(fields, F.promote_at, now + delay)
    end
    if j.backoff and j.backoff ~= '' then field(fields, F.backoff, j.backoff) end
    if (tonumber(j.ttl) or 0) > 0 then field(fields, F.ttl, j.ttl) end
    if j.remove_on_complete then field(fields, F.remove_on_complete, '1') end
    if j.search_keys then field(fields, F.search_keys, j.search_keys) end
    if j.unique and j.unique ~= '' then
      field(fields, F.unique, j.unique)
      redis.call('HSET', K.unique(P), j.unique, sid)
    end
    if not type_counts[j.type] then
      type_counts[j.type] = 0
      type_order[#type_order + 1] = j.type
    end
    type_counts[j.type] = type_counts[j.type] + 1
    local job = { type = j.type, state = nil, priority = j.priority, promote_at = now + delay,
      created_at = now }
    set_state(P, sid, job, state, now, fields)
    index_words(P, sid, j.search)
    if j.events ~= false then
      local args = enqueue_args[job.state]
      if not args then
        args = { job.state }
        enqueue_args[job.state] = args
      end
      emit(P, cfg, sid, j.type, 'enqueue', args)
    end
    out[i] = { id, 1, now, job.state }
  end
end
ix_flush()
for _, t in ipairs(type_order) do redis.call('HINCRBY', K.types(P), t, type_counts[t]) end
local answer = compact_answer(out)
replay_put(P, input.request, answer)
events_publish(P)
return cjson.encode(answer)
