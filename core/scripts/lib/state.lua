-- Moves a job between state indexes. Every index a state implies is kept here and only here:
--   all states: jobs:<state> and jobs:<type>:<state> (score = id, stable pages by id)
--   inactive:   queue:<type> (score = priority, member = zero-padded id: priority, then FIFO)
--   delayed:    delayed (score = promote_at)
--   active:     leases (score = lease expiry), only while a lease is held
--
-- Index writes go through ix_add/ix_rem. Immediate by default; between ix_begin() and ix_flush()
-- they are queued and sent as one variadic ZADD/ZREM per key and run of the same command, which
-- keeps each key's order of operations (an add then a remove of one member stays in that order)
-- while a batch of 100 jobs pays a handful of calls instead of hundreds. A script that queues
-- must flush before it reads an index, and before it returns.
local IX = { on = false, keys = {}, runs = {} }

local function ix_begin()
  IX.on = true
end

local function ix_op(op, key, a, b)
  if not IX.on then
    if b ~= nil then redis.call(op, key, a, b) else redis.call(op, key, a) end
    return
  end
  local runs = IX.runs[key]
  if not runs then
    runs = {}
    IX.runs[key] = runs
    IX.keys[#IX.keys + 1] = key
  end
  local run = runs[#runs]
  if not run or run.op ~= op then
    run = { op = op, args = {} }
    runs[#runs + 1] = run
  end
  local args = run.args
  args[#args + 1] = a
  if b ~= nil then args[#args + 1] = b end
end

local function ix_add(key, score, member) ix_op('ZADD', key, score, member) end
local function ix_rem(key, member) ix_op('ZREM', key, member) end

-- Sends what was queued (in chunks: Lua's unpack has a stack limit) and stops queuing.
local function ix_flush()
  IX.on = false
  for _, key in ipairs(IX.keys) do
    for _, run in ipairs(IX.runs[key]) do
      local args = run.args
      local step = 4000 -- even, so a ZADD chunk never splits a score from its member
      for i = 1, #args, step do
        redis.call(run.op, key, unpack(args, i, math.min(i + step - 1, #args)))
      end
    end
  end
  IX.keys = {}
  IX.runs = {}
end

local function zid(id)
  return string.format('%015d', tonumber(id))
end

local function unindex_state(P, id, jtype, state)
  ix_rem(K.state(P, state), id)
  ix_rem(K.type_state(P, jtype, state), id)
  if state == 'inactive' then
    ix_rem(K.queue(P, jtype), zid(id))
  elseif state == 'delayed' then
    ix_rem(K.delayed(P), id)
  elseif state == 'active' then
    ix_rem(K.leases(P), id)
  end
end

-- job: the job's hash fields already read (type, state, priority, promote_at).
-- set: more field/value pairs to write with the state (one HSET); drop: fields to delete (one HDEL).
local function set_state(P, id, job, to, now, set, drop)
  local jkey = K.job(P, id)
  local nid = tonumber(id)
  if job.state and job.state ~= '' then unindex_state(P, id, job.type, job.state) end
  ix_add(K.state(P, to), nid, id)
  ix_add(K.type_state(P, job.type, to), nid, id)
  if to == 'inactive' then
    ix_add(K.queue(P, job.type), tonumber(job.priority) or 0, zid(id))
  elseif to == 'delayed' then
    ix_add(K.delayed(P), tonumber(job.promote_at) or now, id)
  end
  local del = drop or {}
  if job.state == 'active' and to ~= 'active' then
    del[#del + 1] = 'lease'
    del[#del + 1] = 'lease_until'
  end
  if #del > 0 then redis.call('HDEL', jkey, unpack(del)) end
  local fields = { 'state', to, 'updated_at', now }
  if set then
    for i = 1, #set do fields[#fields + 1] = set[i] end
  end
  redis.call('HSET', jkey, unpack(fields))
  job.state = to
end

-- Reads the fields every transition needs; nil when the job does not exist.
local function read_job(P, id)
  local v = redis.call('HMGET', K.job(P, id), 'type', 'state', 'priority', 'promote_at', 'events')
  if not v[1] then return nil end
  return { type = v[1], state = v[2], priority = v[3], promote_at = v[4], events = v[5] }
end
