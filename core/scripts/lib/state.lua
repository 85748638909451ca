-- Moves a job between state indexes. Every index a state implies is kept here and only here:
--   all states: id sets jobs:<state> and jobs:<type>:<state> (lib/idset.lua: stable pages by id)
--   inactive:   queue:<type> (score = priority, member = zero-padded id: priority, then FIFO)
--   delayed:    delayed (score = promote_at)
--   active:     leases (score = lease expiry), only while a lease is held

local function zid(id)
  return string.format('%015d', tonumber(id))
end

-- n: the id as a number (the id sets' bit writes), id: as text (keys and members).
local function unindex_state(P, id, n, jtype, state)
  ix_state_bits(P, jtype, state, n, 0)
  if state == 'inactive' then
    ix_rem(K.queue(P, jtype), zid(id))
  elseif state == 'delayed' then
    ix_rem(K.delayed(P), id)
  elseif state == 'active' then
    ix_rem(K.leases(P), id)
  end
end

-- job: the job's hash fields already read (read_job: type, state, priority, promote_at, created_at;
-- n: the id as a number, when the caller has it).
-- set: more field/value pairs to write with the state (one HSET), in a table of the caller's own
-- that the state's fields are appended to (not a copy a transition); drop: fields to delete (one
-- HDEL), appended to likewise.
local function set_state(P, id, job, to, now, set, drop)
  local jkey = job.key or K.job(P, id)
  local n = job.n or tonumber(id)
  if job.state and job.state ~= '' then unindex_state(P, id, n, job.type, job.state) end
  ix_state_bits(P, job.type, to, n, 1)
  if to == 'inactive' then
    ix_add(K.queue(P, job.type), int_text(tonumber(job.priority) or 0), zid(id))
  elseif to == 'delayed' then
    ix_add(K.delayed(P), tonumber(job.promote_at) or now, id)
  end
  local del = drop
  if job.state == 'active' and to ~= 'active' then
    del = del or {}
    del[#del + 1] = F.lease
    del[#del + 1] = F.lease_until
  end
  if del and #del > 0 then redis.call('HDEL', jkey, unpack(del)) end
  local fields = set or {}
  local k = #fields
  fields[k + 1] = F.state
  fields[k + 2] = to
  fields[k + 3] = F.updated_at
  fields[k + 4] = since_created_text(job.created_at, now)
  redis.call('HSET', jkey, unpack(fields))
  job.state = to
end

-- The fields every transition reads, by their names in F and in a job table (read_job, and the
-- claim's one pass over a job's hash, lib/claim.lua).
local JOB_READ = { 'type', 'state', 'priority', 'promote_at', 'events', 'created_at' }

-- Reads the fields every transition needs (JOB_READ), and the caller's `extra` fields in the same
-- HMGET (returned second, in order); nil when the job does not exist.
-- Callers pass `extra` as a constant table, so each field list is built once per script call.
local READ_NAMES = {}
local function read_job(P, id, extra)
  local names = READ_NAMES[extra or READ_NAMES]
  if not names then
    names = {}
    for i, name in ipairs(JOB_READ) do names[i] = F[name] end
    for _, name in ipairs(extra or {}) do names[#names + 1] = name end
    READ_NAMES[extra or READ_NAMES] = names
  end
  local key = K.job(P, id)
  local v = redis.call('HMGET', key, unpack(names))
  if not v[1] then return nil end
  -- the nils size the table for what the loop sets (Lua sizes a constructor by its fields)
  local job = { key = key, type = nil, state = nil, priority = nil, promote_at = nil,
    events = nil, created_at = nil }
  for i, name in ipairs(JOB_READ) do job[name] = v[i] end
  if not extra then return job end
  local more = {}
  local base = #JOB_READ
  for i = 1, #extra do more[i] = v[base + i] end
  return job, more
end
